"""Fuzz the parser: random outputs through the whole-text and the streaming parser, compared.

Run: ``.venv/bin/python scripts/fuzz_parser.py [-n 1000000] [--workers 2] [--seed N]``. Without ``--seed``
the first seed is random (and printed); input i uses seed + i, so a failure replays with ``--seed S -n 1``.
CI runs a few thousand inputs through ``tests/test_parser_fuzz.py``.

Each input is built from tag fragments, well-formed and broken tool calls, whitespace variants and payload
text (hostile values too: integers past Python's int-string limit, deep nesting, long tag heads, long runs
of whitespace after closing tags), sometimes truncated or with noise inserted; it is parsed whole
(``in_reasoning`` random) and streamed in random cuts. Reported: crashes (any exception), mismatches
(streamed blocks, text or argument JSON not equal to the whole-text parse) and losses (a payload character
of the input missing from the blocks). The first few failing inputs are printed with their seed for replay.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from minimax_sdk.parsing import InvalidToolCall, ParsedOutput, ReasoningBlock, TextBlock, parse_output
from tests.parser_support import check_stream_matches, counter_ids, stream

TAGS = [
    "<think>", "</think>", "<minimax:tool_call>", "</minimax:tool_call>", "</invoke>", "</parameter>",
    "<invoke name=", "<parameter name=", "<minimax:tool_ca", "</thi", "</para", "<", ">", "</", '"', "'",
]  # fmt: skip
SPACE = ["\n", "\r\n", "\r", " ", "\t", "\n\n", ""]
PAYLOAD = [
    "x",
    "word ",
    "42",
    "-1.5e3",
    "null",
    "true",
    "NaN",
    "1e999",
    "{'a': 1}",
    '{"a": [1]}',
    "é漢😀",
    "\\",
    '"',
    "§",
]
HOSTILE = [
    "7" * 4_400,  # past Python's int-string limit
    "[" * 120 + "]" * 120,  # deeper than the parser decodes
    "[" * 3_000,
    " " * 3_000,  # held back after </parameter> or </invoke>
    "a" * 1_010,  # a tag head longer than the cap
    '"§"',
]
UNIQUE = "é漢😀§"
"""Payload characters that occur in no tag: each one in the input must be in exactly one block."""
NAMES = ["f", "g", "read_file", "x y", "", "a>b"]
TOOLS: list[Any] = [
    None,
    [],
    [
        {"name": "f", "parameters": {"properties": {"a": {"type": "integer"}, "s": {"type": "string"}}}},
        {"name": "read_file", "parameters": {"properties": {"x": {"type": ["number", "null"]}}}},
    ],
]


def _payload(rng: random.Random) -> str:
    return rng.choice(HOSTILE) if rng.random() < 0.02 else rng.choice(PAYLOAD)


def _value(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(HOSTILE)
    return "".join(
        rng.choice(PAYLOAD + TAGS[:6] + SPACE) if rng.random() < 0.3 else _payload(rng)
        for _ in range(rng.randint(0, 4))
    )


def _name(rng: random.Random) -> str:
    return rng.choice(HOSTILE[4:5]) if rng.random() < 0.01 else rng.choice(NAMES)


def _space(rng: random.Random) -> str:
    return HOSTILE[3] if rng.random() < 0.01 else rng.choice(SPACE)


def _invoke(rng: random.Random) -> str:
    quote = rng.choice(['"', "'", ""])
    parts = [f"<invoke name={quote}{_name(rng)}{quote}>", rng.choice(SPACE)]
    for _ in range(rng.randint(0, 3)):
        key = rng.choice(["a", "s", "x", "a"])
        parts.append(f'<parameter name="{key}">{_value(rng)}</parameter>{_space(rng)}')
    parts.append("</invoke>" + _space(rng))
    return "".join(parts)


def make_input(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.25:
            parts.append(rng.choice(TAGS))
        elif r < 0.45:
            parts.append(rng.choice(SPACE))
        elif r < 0.65:
            parts.append(_payload(rng))
        else:
            invokes = "".join(_invoke(rng) for _ in range(rng.randint(0, 3)))
            parts.append(f"\n<minimax:tool_call>{rng.choice(SPACE)}{invokes}{rng.choice(['</minimax:tool_call>', ''])}")
    text = "".join(parts)
    if rng.random() < 0.3:
        text = text[: rng.randint(0, len(text))]
    return text


def _cuts(rng: random.Random, text: str) -> list[str]:
    mode = rng.random()
    if mode < 0.2:
        return list(text)
    if mode < 0.3:
        return [text]
    points = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 12)))) if len(text) > 1 else []
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def _block_text(block: Any) -> str:
    if isinstance(block, ReasoningBlock | TextBlock):
        return block.text
    if isinstance(block, InvalidToolCall):
        return block.raw
    parts = [block.name]
    for key, value in block.arguments.items():
        parts += [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
    return "".join(parts)


def loses_characters(text: str, out: ParsedOutput) -> bool:
    """Whether a payload character of ``text`` is missing from (or added to) the blocks (FORMAT.md 2).

    A duplicated parameter keeps only its last value by design (FORMAT.md 5.9): such outputs are not checked.
    """
    if any("more than once" in w for call in out.tool_calls for w in call.warnings):
        return False
    kept = "".join(_block_text(b) for b in out.blocks)
    return [ch for ch in kept if ch in UNIQUE] != [ch for ch in text if ch in UNIQUE]


def _short(text: str) -> str:
    return repr(text) if len(text) <= 2_000 else f"{text[:1_000]!r}...({len(text):,} characters)"


def check_one(seed: int) -> tuple[str, str] | None:
    """None when the input passes; else (kind, report)."""
    rng = random.Random(seed)
    text = make_input(rng)
    tools = rng.choice(TOOLS)
    mode = rng.random() < 0.5
    try:
        whole = parse_output(text, tools, in_reasoning=mode, id_factory=counter_ids())
        events, result = stream(_cuts(rng, text), tools, in_reasoning=mode)
    except Exception:
        return "crash", f"seed={seed} text={_short(text)}\n{traceback.format_exc()}"
    try:
        check_stream_matches(text, whole, events, result)
    except AssertionError:
        return "mismatch", f"seed={seed} in_reasoning={mode} tools={tools!r} text={_short(text)}"
    if loses_characters(text, whole):
        return "loss", f"seed={seed} in_reasoning={mode} tools={tools!r} text={_short(text)}"
    return None


def run(start: int, count: int) -> tuple[dict[str, int], list[str]]:
    """Check inputs ``start`` to ``start + count - 1``: failures counted by kind, the first three reported."""
    counts = {"crash": 0, "mismatch": 0, "loss": 0}
    examples: list[str] = []
    for seed in range(start, start + count):
        failure = check_one(seed)
        if failure is None:
            continue
        counts[failure[0]] += 1
        if len(examples) < 3:
            examples.append(failure[1])
    return counts, examples


def _worker(args: tuple[int, int]) -> tuple[dict[str, int], list[str]]:
    return run(*args)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1_000_000, help="number of inputs (default 1,000,000)")
    ap.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    ap.add_argument("--seed", type=int, default=None, help="first seed (default: random); input i uses seed + i")
    args = ap.parse_args()
    first = random.randrange(2**32) if args.seed is None else args.seed
    print(f"first seed: {first}", flush=True)
    batch = 5_000
    jobs = [(s, min(batch, first + args.n - s)) for s in range(first, first + args.n, batch)]
    started = time.perf_counter()
    totals = {"crash": 0, "mismatch": 0, "loss": 0}
    examples: list[str] = []
    with multiprocessing.Pool(args.workers) as pool:
        for counts, ex in pool.imap_unordered(_worker, jobs):
            totals = {k: totals[k] + counts[k] for k in totals}
            examples.extend(ex[: max(0, 5 - len(examples))])
    elapsed = time.perf_counter() - started
    print(
        f"inputs: {args.n:,}  crashes: {totals['crash']}  stream/whole mismatches: {totals['mismatch']}  "
        f"losses: {totals['loss']}  time: {elapsed:.0f} s"
    )
    for ex in examples:
        print("---", ex, sep="\n")
    return 1 if any(totals.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
