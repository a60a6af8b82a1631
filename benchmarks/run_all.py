"""Every case of issue 13 in one run, each beside its peer, with a target and PASS / FAIL.

Run: ``.venv/bin/python benchmarks/run_all.py [--quick] [--json PATH] [--only CASE,...] [--repeat N]``
(``bash scripts/bench_env.sh`` first installs the peers: ``openai==2.8.0`` and SGLang 0.5.23's parsers).
It prints a Markdown table and writes a JSON summary (default ``benchmarks/results/latest.json``).

Each figure is the median of ``--repeat`` runs (default 5; 2 with ``--quick``) with its spread (half the
range over the median) and the best run; the contenders of a case run in turn, round after round, after a
checked warm-up, so machine noise lands on all of them alike. Every result is checked: each parse against
the text's expected reasoning, content and calls, every streamed result against the whole-text parse, every
client response against the server's scripted reply. A peer that is not importable is reported as skipped,
with the reason. Only the public API of ``minimax_sdk`` is used, so the run measures the code checked out.

Cases (``--only`` takes these names): ``whole`` (whole-text parsing), ``stream`` (4-character deltas),
``memory``, ``import``, ``agent``, ``tools``, ``async``, ``sync``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from bench_stats import Row, Stat, interleaved, markdown  # noqa: E402
from corpus import (  # noqa: E402
    CALL_TOOLS,
    WRITE_TOOL,
    Call,
    Expected,
    angle_heavy,
    deltas,
    one_call,
    reasoning_and_content,
    small_calls,
    write_file,
)

from minimax_sdk import AsyncMiniMax, MiniMax, StreamParser, Tool, parse_output  # noqa: E402

CASES = ("whole", "stream", "memory", "import", "agent", "tools", "async", "sync")
SGLANG_STREAM_CAP = 10_000  # SGLang's streaming detector rescans the whole call per delta: 100 KB takes ~20 s


def _openai() -> Any:
    try:
        import openai
    except ImportError:
        return None
    return openai


def mb(expected: Expected) -> float:
    return expected.size / 1e6


# --- checks -------------------------------------------------------------------------------------------------


def check_parsed(name: str, out: Any, expected: Expected) -> None:
    calls = [(c.name, c.arguments) for c in out.tool_calls]
    if out.reasoning.strip() != expected.reasoning or out.content.strip() != expected.content:
        raise AssertionError(f"{name}: reasoning or content differ from the expected text")
    if calls != expected.calls or out.invalid_tool_calls:
        invalid = len(out.invalid_tool_calls)
        raise AssertionError(
            f"{name}: {len(calls)} calls and {invalid} invalid, not the {len(expected.calls)} expected"
        )


def same_result(a: Any, b: Any) -> bool:
    return (
        a.reasoning == b.reasoning
        and a.content == b.content
        and [(c.name, c.arguments) for c in a.tool_calls] == [(c.name, c.arguments) for c in b.tool_calls]
        and len(a.invalid_tool_calls) == len(b.invalid_tool_calls)
    )


def check_peer(name: str, reasoning: str, normal: str, calls: list[Call], expected: Expected) -> None:
    if reasoning.strip() != expected.reasoning or normal.strip() != expected.content or calls != expected.calls:
        raise AssertionError(f"{name}: SGLang's result differs from the expected one")


# --- whole text ----------------------------------------------------------------------------------------------


def whole_cases(quick: bool, repeat: int, peer_reason: str | None) -> list[Row]:
    import sglang_peer

    peer = sglang_peer.Peer(CALL_TOOLS) if peer_reason is None else None
    # title, text, unit, target, its words, whether ours must also beat SGLang's whole pipeline
    cases: list[tuple[str, Expected, str, Callable[[float], bool], str, bool]] = []
    for size in [100_000] if quick else [100_000, 1_000_000]:
        title = f"whole text, reasoning + content, no calls, {size // 1000:,} KB"
        cases.append((title, reasoning_and_content(size), "MB/s", lambda v: v >= 1000, ">= 1,000 MB/s", True))
    size = 100_000 if quick else 1_000_000
    title = f"whole text, about code, one `<` every ~45 chars, {size // 1000:,} KB"
    cases.append((title, angle_heavy(size), "MB/s", lambda v: v >= 1000, ">= 1,000 MB/s", True))
    count = 100 if quick else 1_000
    title = f"whole text, {count:,} small calls x 3 params"
    cases.append((title, small_calls(count), "MB/s", lambda v: v >= 30, ">= 30 MB/s", False))
    title = "whole text, one call with a 1 KB argument (fixed cost)"
    cases.append((title, one_call(1_000), "us/parse", lambda v: v <= 10, "<= 10 us", False))
    rows = []
    for title, expected, unit, target, target_text, vs_peer in cases:
        text = expected.text
        parsers: dict[str, Callable[[], Any]] = {
            "ours": lambda text=text: parse_output(text, CALL_TOOLS, in_reasoning=True)
        }
        if peer is not None:
            parsers["sglang"] = lambda text=text: peer.whole(text)
            parsers["sglang tool detector alone"] = lambda text=text: peer.detector_only(text)
        inner = {name: _parses_per_run(fn, 0.02 if quick else 0.2) for name, fn in parsers.items()}
        runners = {name: _repeated(fn, inner[name]) for name, fn in parsers.items()}

        def check(name: str, out: Any, expected: Expected = expected) -> None:
            if name == "ours":
                check_parsed(name, out, expected)
            elif name == "sglang":
                check_peer(name, out[0], out[1], sglang_peer.whole_calls(out[2]), expected)
            elif sglang_peer.whole_calls(out[1]) != expected.calls:
                raise AssertionError(f"{name}: calls differ")

        times = interleaved(runners, repeat, check)
        if unit == "MB/s":
            stats = {n: Stat([mb(expected) * inner[n] / t for t in ts], True) for n, ts in times.items()}
        else:
            stats = {n: Stat([t / inner[n] * 1e6 for t in ts]) for n, ts in times.items()}
        ours_stat = stats.pop("ours")
        peers: dict[str, Stat | str] = dict(stats) if peer is not None else {"sglang": str(peer_reason)}
        passed = target(ours_stat.median)
        if vs_peer and "sglang" in stats:
            passed = passed and ours_stat.median >= stats["sglang"].median
            target_text += " and >= sglang"
        note = f"{expected.size:,} B; parses per run: " + ", ".join(f"{n} {k}" for n, k in inner.items())
        rows.append(Row(title, unit, ours_stat, peers, target_text, passed, note))
        print(f"  {title}: {ours_stat.median:,.1f} {unit}", flush=True)
    return rows


def _parses_per_run(fn: Callable[[], Any], seconds: float) -> int:
    """How many calls of ``fn`` take about ``seconds`` (from one timed call after a warm-up call)."""
    fn()
    start = time.perf_counter()
    fn()
    return max(1, round(seconds / max(time.perf_counter() - start, 1e-9)))


def _repeated(fn: Callable[[], Any], times: int) -> Callable[[], Any]:
    def run() -> Any:
        for _ in range(times):
            out = fn()
        return out

    return run


# --- streaming -------------------------------------------------------------------------------------------------


def stream_write_file(pieces: list[str]) -> Any:
    """Our streaming parse of a ``write_file`` output, fed piece by piece (the stream and memory cases)."""
    parser = StreamParser([WRITE_TOOL], in_reasoning=True)
    feed = parser.feed
    for piece in pieces:
        feed(piece)
    parser.close()
    return parser.result


def stream_cases(quick: bool, repeat: int, peer_reason: str | None) -> list[Row]:
    import sglang_peer

    peer = sglang_peer.Peer([WRITE_TOOL]) if peer_reason is None else None
    rows = []
    for size in [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000, 10_000_000]:
        expected = write_file(size)
        pieces = deltas(expected.text, 4)
        whole = parse_output(expected.text, [WRITE_TOOL], in_reasoning=True)
        check_parsed("ours, whole text", whole, expected)

        runners: dict[str, Callable[[], Any]] = {"ours": lambda pieces=pieces: stream_write_file(pieces)}
        if peer is not None and size <= SGLANG_STREAM_CAP:
            runners["sglang"] = lambda pieces=pieces: peer.stream(pieces)

        def check(name: str, out: Any, expected: Expected = expected, whole: Any = whole) -> None:
            if name == "ours":
                if not same_result(out, whole):
                    raise AssertionError("ours: the streamed result differs from the whole-text parse")
            else:
                check_peer(name, out[0], out[1], sglang_peer.stream_calls(out[2]), expected)

        reps = repeat if size < 10_000_000 else min(repeat, 3)
        times = interleaved(runners, reps, check)
        n = len(pieces)
        ours_stat = Stat([t / n * 1e6 for t in times["ours"]])
        peers: dict[str, Stat | str] = {}
        if "sglang" in times:
            peers["sglang"] = Stat([t / n * 1e6 for t in times["sglang"]])
        elif peer is not None:
            peers["sglang"] = f"quadratic: capped at {SGLANG_STREAM_CAP // 1000} KB"
        else:
            peers["sglang"] = str(peer_reason)
        mbps = mb(expected) / (ours_stat.median * n / 1e6)
        rows.append(
            Row(
                f"streaming, 4-char deltas, write_file argument, {size // 1000:,} KB",
                "us/delta",
                ours_stat,
                peers,
                "<= 1.3 us/delta",
                ours_stat.median <= 1.3,
                f"{n:,} deltas; ours {mbps:.1f} MB/s",
            )
        )
        print(f"  streaming {size:,} B: {ours_stat.median:.2f} us/delta", flush=True)
    return rows


# --- memory --------------------------------------------------------------------------------------------------


def peak_bytes(fn: Callable[[], Any]) -> tuple[int, Any]:
    tracemalloc.start()
    try:
        out = fn()
        return tracemalloc.get_traced_memory()[1], out
    finally:
        tracemalloc.stop()


def memory_case(quick: bool, peer_reason: str | None) -> list[Row]:
    import sglang_peer

    size = 1_000_000 if quick else 10_000_000
    expected = write_file(size)
    pieces = deltas(expected.text, 4)

    peak, out = peak_bytes(lambda: stream_write_file(pieces))
    check_parsed("ours, streamed", out, expected)
    del out
    whole_peak, out = peak_bytes(lambda: parse_output(expected.text, [WRITE_TOOL], in_reasoning=True))
    check_parsed("ours, whole text", out, expected)
    del out
    peers: dict[str, Stat | str] = {"sglang whole text": str(peer_reason)}
    if peer_reason is None:
        peer = sglang_peer.Peer([WRITE_TOOL])
        sg_peak, res = peak_bytes(lambda: peer.whole(expected.text))
        check_peer("sglang", res[0], res[1], sglang_peer.whole_calls(res[2]), expected)
        peers = {"sglang whole text": Stat([sg_peak / expected.size])}
    ratio = peak / expected.size
    row = Row(
        f"streaming memory, {size // 1_000_000} MB argument (tracemalloc peak)",
        "bytes per input byte",
        Stat([ratio]),
        peers,
        "<= 3",
        ratio <= 3,
        f"one run; ours whole text {whole_peak / expected.size:.2f} bytes per byte",
    )
    print(f"  memory: {ratio:.2f} bytes per byte", flush=True)
    return [row]


# --- import --------------------------------------------------------------------------------------------------

_IMPORT = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def import_case(repeat: int) -> list[Row]:
    """``import X`` timed inside fresh interpreters, the modules taking turns."""
    modules = ["minimax_sdk", "httpx"] + (["openai"] if _openai() is not None else [])
    runs = max(5, repeat * 2)
    times: dict[str, list[float]] = {m: [] for m in modules}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for i in range(runs + 1):
        for module in modules:
            command = [sys.executable, "-c", _IMPORT.format(module)]
            out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            if i:  # the first round warms the file cache
                times[module].append(float(out.stdout) * 1000)
    ours, httpx_stat = Stat(times["minimax_sdk"]), Stat(times["httpx"])
    peers: dict[str, Stat | str] = {"httpx": httpx_stat}
    peers["openai"] = Stat(times["openai"]) if "openai" in times else "openai is not installed"
    ratio = ours.median / httpx_stat.median
    print(f"  import: {ours.median:.1f} ms, {ratio:.2f} x httpx", flush=True)
    return [
        Row(
            "`import minimax_sdk` (fresh interpreters)",
            "ms",
            ours,
            peers,
            "<= 1.5 x httpx",
            ratio <= 1.5,
            f"{runs} interpreters each; ours / httpx {ratio:.2f}",
        )
    ]


# --- agent loop ----------------------------------------------------------------------------------------------


SHORT_RUN, LONG_RUN = 10, 30
"""Turns of the two runs whose difference gives the cost of one more turn (what a run pays once, such as
measuring the earlier messages for the context policy, cancels out; it is reported beside)."""


def _marginal_turn(calls: int, prior: int) -> tuple[float, float]:
    """(microseconds one more turn costs, microseconds a run pays once) for ``calls`` calls per turn."""
    from agent_bench import per_turn_samples

    from minimax_sdk import KeepFirstAndLast

    short = per_turn_samples(calls, KeepFirstAndLast(), prior, 1, turns=SHORT_RUN)[0] * SHORT_RUN
    long = per_turn_samples(calls, KeepFirstAndLast(), prior, 1, turns=LONG_RUN)[0] * LONG_RUN
    per_turn = (long - short) / (LONG_RUN - SHORT_RUN)
    return per_turn, short - SHORT_RUN * per_turn


def agent_cases(quick: bool, repeat: int) -> list[Row]:
    rows = []
    for prior in [0] if quick else [0, 100, 1000]:
        _marginal_turn(1, prior)  # warm-up
        one, sixteen, once = [], [], []
        for _ in range(repeat):  # the two kinds of turn take turns
            turn, setup = _marginal_turn(1, prior)
            one.append(turn)
            once.append(setup)
            sixteen.append(_marginal_turn(16, prior)[0])
        a, b, c = Stat(one), Stat(sixteen), Stat(once)
        extra = Stat([(s - o) / 15 for s, o in zip(sixteen, one, strict=True)])
        title = f"agent loop, {prior:,} earlier messages"
        rows.append(
            Row(
                f"{title}, 1 call per turn",
                "us/turn",
                a,
                {},
                "< 200 us/turn",
                a.median < 200,
                f"paid once per run: {c.median:,.0f} us",
            )
        )
        rows.append(
            Row(
                f"{title}, 16 calls per turn: per extra call",
                "us/call",
                extra,
                {},
                "< 50 us per extra call",
                extra.median < 50,
                f"16 calls: {b.median:,.0f} us/turn",
            )
        )
        print(
            f"  agent, {prior} earlier: {a.median:,.0f} us/turn (once per run {c.median:,.0f} us), "
            f"{extra.median:,.0f} us per extra call",
            flush=True,
        )
    return rows


# --- tools=[a function] per call -----------------------------------------------------------------------------


def search_files(pattern: str, root: str = ".", limit: int = 20, regex: bool = False) -> list[str]:
    """Find files whose name matches.

    Args:
        pattern: The name or pattern to match.
        root: The folder to search.
        limit: How many paths at most.
        regex: Read the pattern as a regular expression.
    """
    return []


_COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "MiniMaxAI/MiniMax-M2.1",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Done."}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12},
}
_BODY = json.dumps(_COMPLETION).encode()


def _mock_transport() -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=_BODY, headers={"content-type": "application/json"})

    return httpx.MockTransport(handle)


def tools_case(quick: bool, repeat: int) -> list[Row]:
    """chat() with tools=[a function] against a prebuilt Tool, and openai with the dict; no socket (MockTransport)."""
    calls = 20 if quick else 200
    url = "http://bench.invalid/v1"
    messages = [{"role": "user", "content": "Find the tests."}]
    mock = httpx.Client(transport=_mock_transport())
    client = MiniMax(backend="openai", base_url=url, api_key="sk-bench", model="m", http_client=mock)
    prebuilt = Tool.from_function(search_files)
    definition = prebuilt.definition

    def ours_function() -> Any:
        for _ in range(calls):
            out = client.chat(messages, tools=[search_files])
        return out.message.content

    def ours_prebuilt() -> Any:
        for _ in range(calls):
            out = client.chat(messages, tools=[prebuilt])
        return out.message.content

    runners: dict[str, Callable[[], Any]] = {"function": ours_function, "prebuilt": ours_prebuilt}
    openai = _openai()
    if openai is not None:
        peer = openai.OpenAI(base_url=url, api_key="sk-bench", http_client=httpx.Client(transport=_mock_transport()))

        def openai_dict() -> Any:
            for _ in range(calls):
                out = peer.chat.completions.create(model="m", messages=messages, tools=[definition])
            return out.choices[0].message.content

        runners["openai"] = openai_dict

    def check(name: str, out: Any) -> None:
        if out != "Done.":
            raise AssertionError(f"{name}: unexpected reply {out!r}")

    times = interleaved(runners, repeat, check)
    stats = {n: Stat([t / calls * 1000 for t in ts]) for n, ts in times.items()}
    extra = Stat([(f - p) / calls * 1000 for f, p in zip(times["function"], times["prebuilt"], strict=True)])
    peers: dict[str, Stat | str] = {"ours, prebuilt Tool": stats["prebuilt"]}
    peers["openai, dict tools"] = stats.get("openai", "openai is not installed")
    print(f"  tools: {stats['function'].median:.3f} ms/call, extra {extra.median:.3f} ms", flush=True)
    return [
        Row(
            "`chat(tools=[a_python_function])` per call (httpx MockTransport)",
            "ms/call",
            stats["function"],
            peers,
            "function - prebuilt <= 0.2 ms",
            extra.median <= 0.2,
            f"function - prebuilt: {extra.median:.3f} ms/call; {calls} calls per run",
        )
    ]


# --- clients against the reference server --------------------------------------------------------------------


def async_case(quick: bool, repeat: int) -> list[Row]:
    import client_bench as cb

    requests, concurrency = (200, 50) if quick else (1_000, 100)
    openai = _openai()
    body = {"model": cb.MODEL, "messages": cb.SMALL_MESSAGES}
    expected = cb.SMALL_MESSAGES[-1]["content"]

    async def main(url: str) -> dict[str, list[float]]:
        ours = AsyncMiniMax(backend="openai", base_url=url, api_key=cb.API_KEY, model=cb.MODEL)
        raw = httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency))
        peer = openai.AsyncOpenAI(base_url=url, api_key=cb.API_KEY) if openai is not None else None
        headers = {"authorization": f"Bearer {cb.API_KEY}"}

        async def one_ours() -> str:
            return (await ours.chat(cb.SMALL_MESSAGES)).message.content

        async def one_raw() -> str:
            resp = await raw.post(url + "/chat/completions", json=body, headers=headers)
            return str(json.loads(resp.content)["choices"][0]["message"]["content"])

        async def one_openai() -> str:
            reply = await peer.chat.completions.create(model=cb.MODEL, messages=cb.SMALL_MESSAGES)
            return str(reply.choices[0].message.content)

        runners = {"ours": one_ours, "raw httpx + json.loads": one_raw}
        if peer is not None:
            runners["openai"] = one_openai

        async def batch(fn: Callable[[], Any], n: int) -> float:
            gate = asyncio.Semaphore(concurrency)

            async def gated() -> str:
                async with gate:
                    return str(await fn())

            start = time.perf_counter()
            replies = await asyncio.gather(*(gated() for _ in range(n)))
            elapsed = time.perf_counter() - start
            if any(r != expected for r in replies):
                raise AssertionError("async: a reply differs from the server's echo")
            return elapsed

        times: dict[str, list[float]] = {n: [] for n in runners}
        try:
            for fn in runners.values():
                await batch(fn, concurrency)  # warm-up: open the connections
            for _ in range(min(repeat, 3)):  # 3 rounds: the server bounds every client, so runs vary little
                for name, fn in runners.items():
                    times[name].append(await batch(fn, requests))
        finally:
            await ours.aclose()
            await raw.aclose()
            if peer is not None:
                await peer.close()
        return times

    with cb.reference_server("openai-split", []) as url:
        times = asyncio.run(main(url))
    stats = {n: Stat([t * 1000 for t in ts]) for n, ts in times.items()}
    ours = stats.pop("ours")
    raw_ratio = ours.median / stats["raw httpx + json.loads"].median
    peers: dict[str, Stat | str] = {"raw httpx + json.loads": stats["raw httpx + json.loads"]}
    peers["openai"] = stats.get("openai", "openai is not installed")
    passed = raw_ratio <= 1.05 and ("openai" not in stats or ours.median / stats["openai"].median <= 0.7)
    print(f"  async: {ours.median:,.0f} ms, {raw_ratio:.2f} x raw", flush=True)
    return [
        Row(
            f"async, {requests:,} small requests, {concurrency} concurrent",
            "ms/run",
            ours,
            peers,
            "<= 0.7 x openai and <= 1.05 x raw",
            passed,
            "reference server in its own process",
        )
    ]


def sync_cases(quick: bool, repeat: int) -> list[Row]:
    import client_bench as cb

    with_openai = _openai() is not None
    events = 2_000 if quick else cb.STREAM_EVENTS
    requests = 200 if quick else cb.SMALL_REQUESTS
    stream = cb.stream_compare(cb.make_script(events), repeat, with_openai)
    small = cb.small_compare(repeat, requests, min(cb.SMALL_BLOCK, requests), with_openai)
    rows = []
    titles = (f"sync, one stream of {events:,} chunks", f"sync, {requests:,} small requests")
    for title, figures in zip(titles, (stream, small), strict=True):
        ours = Stat([t * 1000 for t in figures["ours"]["samples"]])
        floor = Stat([t * 1000 for t in figures["floor"]["samples"]])
        peers: dict[str, Stat | str] = {"raw httpx + json.loads": floor}
        peers["openai"] = (
            Stat([t * 1000 for t in figures["openai"]["samples"]]) if "openai" in figures else "openai is not installed"
        )
        ratio = ours.median / floor.median
        rows.append(
            Row(title, "ms/run", ours, peers, "<= 1.15 x raw", ratio <= 1.15, "reference server in its own process")
        )
        print(f"  {title}: {ours.median:,.0f} ms, {ratio:.2f} x raw", flush=True)
    return rows


# --- main ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes and 2 runs: a smoke check of every case")
    ap.add_argument("--repeat", type=int, help="runs per contender (default 5; 2 with --quick)")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "latest.json", help="where to write the summary")
    ap.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases out of {', '.join(CASES)}")
    args = ap.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    if unknown := [c for c in only if c not in CASES]:
        ap.error(f"unknown case(s) {', '.join(unknown)}; the cases are {', '.join(CASES)}")
    repeat = args.repeat or (2 if args.quick else 5)
    if repeat < 1:
        ap.error("--repeat must be at least 1")

    import sglang_peer

    sglang_reason = sglang_peer.load()
    openai = _openai()
    peers_line = (
        f"openai {openai.__version__ if openai else 'not installed'}, "
        f"sglang {sglang_peer.VERSION + ' parsers' if sglang_reason is None else 'skipped: ' + sglang_reason}"
    )
    print(f"run_all: {'quick' if args.quick else 'full'} mode, {repeat} runs per contender; peers: {peers_line}")
    started = time.perf_counter()
    rows: list[Row] = []
    plan: dict[str, Callable[[], list[Row]]] = {
        "whole": lambda: whole_cases(args.quick, repeat, sglang_reason),
        "stream": lambda: stream_cases(args.quick, repeat, sglang_reason),
        "memory": lambda: memory_case(args.quick, sglang_reason),
        "import": lambda: import_case(repeat),
        "agent": lambda: agent_cases(args.quick, repeat),
        "tools": lambda: tools_case(args.quick, repeat),
        "async": lambda: async_case(args.quick, repeat),
        "sync": lambda: sync_cases(args.quick, repeat),
    }
    for name in CASES:
        if name in only:
            print(f"[{name}]", flush=True)
            rows += plan[name]()
    elapsed = time.perf_counter() - started

    table = markdown(rows)
    print()
    print(table)
    failed = sum(r.passed is False for r in rows)
    print(f"\n{len(rows)} rows, {failed} below target; {elapsed:.0f} s")
    summary = {
        "mode": "quick" if args.quick else "full",
        "repeat": repeat,
        "python": platform.python_version(),
        "httpx": httpx.__version__,
        "openai": openai.__version__ if openai else None,
        "sglang": None if sglang_reason else sglang_peer.VERSION,
        "sglang_skipped": sglang_reason,
        "cpus": os.cpu_count(),
        "commit": _commit(),
        "elapsed_s": elapsed,
        "rows": [r.to_dict() for r in rows],
        "markdown": table,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"summary written to {args.json}")
    return 0


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return out.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
