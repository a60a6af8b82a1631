"""Synthetic model outputs for the parser benchmarks, deterministic for a given size."""

from __future__ import annotations

import random
from typing import Any

EDIT_TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "edit_file",
            "description": "Replace a file's content.",
            "parameters": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
                "required": ["path", "content"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "read_file",
            "description": "Read lines of a file.",
            "parameters": {
                "type": "object",
                "properties": {
                    "path": {"type": "string"},
                    "start": {"type": "integer"},
                    "limit": {"type": ["integer", "null"]},
                    "follow": {"type": "boolean"},
                },
                "required": ["path"],
            },
        },
    },
]

_WORDS = [
    "the",
    "file",
    "is",
    "parsed",
    "then",
    "we",
    "check",
    "whether",
    "the",
    "value",
    "fits",
    "and",
    "if",
    "x",
    "<",
    "y",
    "we",
    "stop",
    "otherwise",
    "the",
    "loop",
    "continues",
    "<b>bold</b>",
    "a->b",
    "3",
    "<",
    "4",
    "list[int]",
    "done",
]


def _prose(rng: random.Random, size: int) -> str:
    out: list[str] = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(4, 14))) + ".\n"
        out.append(line)
        n += len(line)
    return "".join(out)[:size]


def _code(rng: random.Random, size: int) -> str:
    out: list[str] = []
    n = 0
    i = 0
    while n < size:
        line = rng.choice(
            [
                f"    if x_{i} < limit and y > 0:\n",
                f'        html += "<div class=\\"row\\">{i}</div>\\n"\n',
                f"def f_{i}(a: list[int]) -> dict[str, int]:\n",
                "        return {k: v for k, v in items if v is not None}\n",
                f"    # note: </tag> and <tag attr='{i}'> in a comment\n",
            ]
        )
        out.append(line)
        n += len(line)
        i += 1
    return "".join(out)[:size]


def reasoning_heavy(size: int, seed: int = 1) -> str:
    """(a) A raw completion that is almost all reasoning, then a short answer."""
    rng = random.Random(seed)
    answer = "\n</think>\n\nThe answer is 42."
    return _prose(rng, max(0, size - len(answer))) + answer


def _small_call(rng: random.Random, i: int) -> str:
    if rng.random() < 0.5:
        return (
            '<invoke name="read_file">\n'
            f'<parameter name="path">src/pkg/module_{i}.py</parameter>\n'
            f'<parameter name="start">{rng.randint(1, 900)}</parameter>\n'
            f'<parameter name="limit">{rng.choice(["null", "40", "200"])}</parameter>\n'
            f'<parameter name="follow">{rng.choice(["true", "false"])}</parameter>\n'
            "</invoke>\n"
        )
    return (
        '<invoke name="edit_file">\n'
        f'<parameter name="path">tests/test_{i}.py</parameter>\n'
        f'<parameter name="content">assert f({i}) == {i * 2}\n</parameter>\n'
        "</invoke>\n"
    )


def many_small_calls(size: int, seed: int = 2) -> str:
    """(b) Reasoning, then blocks of eight small parallel calls with a line of text between blocks."""
    rng = random.Random(seed)
    parts = ["Read the files first.\n</think>\n\nReading.\n"]
    n, i = len(parts[0]), 0
    while n < size:
        blk = ["<minimax:tool_call>\n"]
        for _ in range(8):
            blk.append(_small_call(rng, i))
            i += 1
        blk.append("</minimax:tool_call>\nNext batch.\n")
        text = "".join(blk)
        parts.append(text)
        n += len(text)
    return "".join(parts)


def huge_argument(size: int, seed: int = 3) -> str:
    """(c) One edit_file call whose content argument is nearly the whole output."""
    rng = random.Random(seed)
    head = 'Writing it.\n</think>\n\n<minimax:tool_call>\n<invoke name="edit_file">\n'
    head += '<parameter name="path">app/views.py</parameter>\n<parameter name="content">'
    tail = "</parameter>\n</invoke>\n</minimax:tool_call>"
    return head + _code(rng, max(0, size - len(head) - len(tail))) + tail


CORPORA = {
    "a_reasoning": reasoning_heavy,
    "b_small_calls": many_small_calls,
    "c_huge_argument": huge_argument,
}
