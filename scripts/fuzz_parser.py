"""Fuzz the parser: random outputs through the whole-text and the streaming parser, compared.

Run: ``.venv/bin/python scripts/fuzz_parser.py [-n 1000000] [--workers 2] [--seed 0]``. Not part of CI.

Each input is built from tag fragments, well-formed and broken tool calls, whitespace variants and payload
text, sometimes truncated or with noise inserted; it is parsed whole (``in_reasoning`` random) and streamed
in random cuts. Reported: crashes (any exception) and mismatches (streamed blocks, text or argument JSON not
equal to the whole-text parse). The first few failing inputs are printed with their seed for replay.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from minimax_sdk.parsing import parse_output
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
]
NAMES = ["f", "g", "read_file", "x y", "", "a>b"]
TOOLS: list[Any] = [
    None,
    [],
    [
        {"name": "f", "parameters": {"properties": {"a": {"type": "integer"}, "s": {"type": "string"}}}},
        {"name": "read_file", "parameters": {"properties": {"x": {"type": ["number", "null"]}}}},
    ],
]


def _value(rng: random.Random) -> str:
    return "".join(
        rng.choice(PAYLOAD + TAGS[:6] + SPACE) if rng.random() < 0.3 else rng.choice(PAYLOAD)
        for _ in range(rng.randint(0, 4))
    )


def _invoke(rng: random.Random) -> str:
    quote = rng.choice(['"', "'", ""])
    parts = [f"<invoke name={quote}{rng.choice(NAMES)}{quote}>", rng.choice(SPACE)]
    for _ in range(rng.randint(0, 3)):
        key = rng.choice(["a", "s", "x", "a"])
        parts.append(f'<parameter name="{key}">{_value(rng)}</parameter>{rng.choice(SPACE)}')
    parts.append("</invoke>" + rng.choice(SPACE))
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
            parts.append(rng.choice(PAYLOAD))
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
        return "crash", f"seed={seed} text={text!r}\n{traceback.format_exc()}"
    try:
        check_stream_matches(text, whole, events, result)
    except AssertionError:
        return "mismatch", f"seed={seed} in_reasoning={mode} tools={tools!r} text={text!r}"
    return None


def _worker(args: tuple[int, int]) -> tuple[int, int, list[str]]:
    start, count = args
    crashes = mismatches = 0
    examples: list[str] = []
    for seed in range(start, start + count):
        failure = check_one(seed)
        if failure is None:
            continue
        if failure[0] == "crash":
            crashes += 1
        else:
            mismatches += 1
        if len(examples) < 3:
            examples.append(failure[1])
    return crashes, mismatches, examples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1_000_000, help="number of inputs (default 1,000,000)")
    ap.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    ap.add_argument("--seed", type=int, default=0, help="first seed; input i uses seed + i")
    args = ap.parse_args()
    batch = 5_000
    jobs = [(s, min(batch, args.seed + args.n - s)) for s in range(args.seed, args.seed + args.n, batch)]
    started = time.perf_counter()
    crashes = mismatches = 0
    examples: list[str] = []
    with multiprocessing.Pool(args.workers) as pool:
        for c, m, ex in pool.imap_unordered(_worker, jobs):
            crashes, mismatches = crashes + c, mismatches + m
            examples.extend(ex[: max(0, 5 - len(examples))])
    elapsed = time.perf_counter() - started
    print(f"inputs: {args.n:,}  crashes: {crashes}  stream/whole mismatches: {mismatches}  time: {elapsed:.0f} s")
    for ex in examples:
        print("---", ex, sep="\n")
    return 1 if crashes or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
