"""Parser benchmark: whole-text throughput, streaming cost, linearity and first-delta latency.

Run: ``.venv/bin/python benchmarks/parser_bench.py`` (add ``--quick`` for sizes up to 1 MB only, ``--json F``
to write the figures). Each figure is the best of ``--repeat`` runs; ratios are measured side by side in one
run, so they hold on a noisy machine better than absolute numbers do.

Corpora (benchmarks/corpus.py): (a) a raw completion dominated by reasoning, (b) many small parallel tool
calls, (c) one tool call with a huge string argument. Plus held-back whitespace: 10k / 20k / 40k spaces after
a ``</parameter>`` or a ``</invoke>`` fed one character at a time (each space may still belong to a closing
tag, FORMAT.md 3.4), beside a plain value of the same size; its linearity figure is time per space at 40k
over time per space at 10k, the sizes interleaved run by run.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPORA, EDIT_TOOLS

from minimax_sdk.parsing import StreamParser, ToolCallArgumentsDelta, parse_output

SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
DELTAS = [1, 4, 64]
TARGETS = {"whole_c_MBps": 40.0, "whole_b_MBps": 20.0, "stream4_c_MBps": 2.0, "linearity": 1.5}
HELD_SIZES = [10_000, 20_000, 40_000]
_HEAD = '<minimax:tool_call>\n<invoke name="f">\n<parameter name="a">x'
HELD_CASES = {
    "after </parameter>": (_HEAD + "</parameter>", "y</parameter>\n</invoke>\n</minimax:tool_call>"),
    "after </invoke>": (_HEAD + "</parameter>\n</invoke>", "\n</minimax:tool_call>"),
    "plain value": (_HEAD, "</parameter>\n</invoke>\n</minimax:tool_call>"),
}


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def whole(text: str) -> None:
    out = parse_output(text, EDIT_TOOLS, in_reasoning=True)
    assert not out.invalid_tool_calls


def streamed(pieces: list[str]) -> None:
    parser = StreamParser(EDIT_TOOLS, in_reasoning=True)
    feed = parser.feed
    for piece in pieces:
        feed(piece)
    parser.close()


def first_argument_delta(text: str, size: int) -> int:
    """Deltas from the one holding the first character of (c)'s big value to the one that streams it."""
    start = text.index('<parameter name="content">') + len('<parameter name="content">')
    parser = StreamParser(EDIT_TOOLS, in_reasoning=True)
    streamed = ""
    first_value_delta = start // size
    for k, i in enumerate(range(0, len(text), size)):
        for ev in parser.feed(text[i : i + size]):
            if isinstance(ev, ToolCallArgumentsDelta):
                streamed += ev.delta
        if streamed.split('"content": "', 1)[1:2] not in ([], [""]):
            return k - first_value_delta
    return -1


def run(sizes: list[int], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {"whole": {}, "stream": {}, "first_delta": {}}
    for name, make in CORPORA.items():
        for size in sizes:
            text = make(size)
            mb = len(text.encode()) / 1e6
            t_whole = best_of(repeat, lambda text=text: whole(text))
            results["whole"][f"{name}/{size}"] = {"MBps": mb / t_whole, "s_per_MB": t_whole / mb}
            for d in DELTAS:
                if d == 1 and size > 1_000_000:
                    continue  # 10 M one-character feeds add minutes and nothing new
                pieces = [text[i : i + d] for i in range(0, len(text), d)]
                reps = repeat if size <= 1_000_000 else 1
                t_stream = best_of(reps, lambda pieces=pieces: streamed(pieces))
                results["stream"][f"{name}/{size}/{d}"] = {
                    "MBps": mb / t_stream,
                    "s_per_MB": t_stream / mb,
                    "ratio_to_whole": t_stream / t_whole,
                }
            print(f"{name:16} {size:>10,} B  whole {mb / t_whole:8.1f} MB/s", flush=True)
    for size in sizes:
        results["first_delta"][str(size)] = first_argument_delta(CORPORA["c_huge_argument"](size), 4)
    return results


def linearity(sizes: list[int], repeat: int) -> dict[str, float]:
    """Time per MB at the largest size over time per MB at 100 KB, whole text and 4-character deltas.

    Measured on its own, the two sizes interleaved run by run (best of ``repeat`` each), so a noisy stretch
    of the machine hits both sizes alike instead of one of them."""
    small, big = 100_000, sizes[-1]
    out: dict[str, float] = {}
    if small not in sizes or big <= small:
        return out
    for name, make in CORPORA.items():
        texts = {n: make(n) for n in (small, big)}
        pieces = {n: [t[i : i + 4] for i in range(0, len(t), 4)] for n, t in texts.items()}
        best: dict[tuple[str, int], float] = {}
        for _ in range(repeat):
            for n, text in texts.items():
                mb = len(text.encode()) / 1e6
                w = best_of(1, lambda text=text: whole(text)) / mb
                st = best_of(1, lambda p=pieces[n]: streamed(p)) / mb
                best[("whole", n)] = min(best.get(("whole", n), w), w)
                best[("stream4", n)] = min(best.get(("stream4", n), st), st)
        for kind in ("whole", "stream4"):
            out[f"{kind}/{name}"] = best[(kind, big)] / best[(kind, small)]
    return out


def one_char_feeds(text: str) -> None:
    parser = StreamParser()
    feed = parser.feed
    for ch in text:
        feed(ch)
    parser.close()


def held_whitespace(repeat: int) -> dict[str, dict[str, float]]:
    """Seconds to stream each held-back-whitespace case one character at a time, and the linearity ratio."""
    out: dict[str, dict[str, float]] = {}
    for name, (before, after) in HELD_CASES.items():
        texts = {n: before + " " * n + after for n in HELD_SIZES}
        best = {n: float("inf") for n in HELD_SIZES}
        for _ in range(repeat):  # interleaved, so a noisy stretch of the machine hits every size alike
            for n, text in texts.items():
                best[n] = min(best[n], best_of(1, lambda text=text: one_char_feeds(text)))
        row = {f"{n}": best[n] for n in HELD_SIZES}
        row["linearity"] = (best[HELD_SIZES[-1]] / HELD_SIZES[-1]) / (best[HELD_SIZES[0]] / HELD_SIZES[0])
        out[name] = row
    return out


def report_held(held: dict[str, dict[str, float]]) -> list[str]:
    lines = ["", "held-back whitespace, one-character deltas: seconds (linearity: per space at 40k / at 10k)"]
    lines.append(f"{'case':20}" + "".join(f"{n:>10,}" for n in HELD_SIZES) + f"{'linearity':>11}")
    for name, row in held.items():
        cells = "".join(f"{row[str(n)]:10.3f}" for n in HELD_SIZES)
        lines.append(f"{name:20}{cells}{row['linearity']:11.2f}")
    return lines


def report(results: dict[str, Any], lin: dict[str, float], sizes: list[int]) -> list[str]:
    lines = ["", "whole-text throughput (MB/s)", f"{'corpus':16}" + "".join(f"{s:>12,}" for s in sizes)]
    for name in CORPORA:
        row = "".join(f"{results['whole'][f'{name}/{s}']['MBps']:12.1f}" for s in sizes)
        lines.append(f"{name:16}{row}")
    lines += ["", "streaming: MB/s (time / whole-text time)"]
    for d in DELTAS:
        lines.append(f"-- {d}-character deltas")
        for name in CORPORA:
            cells = []
            for s in sizes:
                r = results["stream"].get(f"{name}/{s}/{d}")
                cells.append(f"{r['MBps']:6.2f} ({r['ratio_to_whole']:5.0f}x)" if r else f"{'-':>16}")
            lines.append(f"{name:16}" + "".join(f"{c:>17}" for c in cells))
    lines += ["", "linearity: time per MB at the largest size / at 100 KB, interleaved runs (target <= 1.5)"]
    lines += [f"  {k:28} {v:5.2f}" for k, v in lin.items()]
    lines += ["", "(c): deltas between the first character of the big value and its first streamed delta"]
    lines += [f"  {int(k):>10,} B: {v}" for k, v in results["first_delta"].items()]
    checks = {
        "whole (c) >= 40 MB/s at every size": all(
            results["whole"][f"c_huge_argument/{s}"]["MBps"] >= TARGETS["whole_c_MBps"] for s in sizes
        ),
        "whole (b) >= 20 MB/s at every size >= 10 KB": all(
            results["whole"][f"b_small_calls/{s}"]["MBps"] >= TARGETS["whole_b_MBps"] for s in sizes if s >= 10_000
        ),
        "4-char streaming (c) >= 2 MB/s at every size": all(
            results["stream"][f"c_huge_argument/{s}/4"]["MBps"] >= TARGETS["stream4_c_MBps"] for s in sizes
        ),
        "linearity <= 1.5": all(v <= TARGETS["linearity"] for v in lin.values()),
    }
    lines += ["", "targets"] + [f"  [{'met' if ok else 'MISSED'}] {k}" for k, ok in checks.items()]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="sizes up to 1 MB")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="write all figures to this file")
    ap.add_argument("--held-only", action="store_true", help="only the held-back-whitespace case")
    args = ap.parse_args()
    held = held_whitespace(args.repeat)
    lines = report_held(held)
    lines.append(
        f"  [{'met' if all(r['linearity'] <= TARGETS['linearity'] for r in held.values()) else 'MISSED'}]"
        " held-back whitespace linearity <= 1.5"
    )
    if args.held_only:
        print("\n".join(lines))
        return
    sizes = SIZES[:-1] if args.quick else SIZES
    results = run(sizes, args.repeat)
    lin = linearity(sizes, args.repeat)
    print("\n".join(report(results, lin, sizes) + lines))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "linearity": lin, "held": held}, indent=2))


if __name__ == "__main__":
    main()
