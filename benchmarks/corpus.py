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


# --- the cases of run_all.py (issue 13): each generator returns the text and what a parse must give -----------

LOOKUP_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "Look a key up.",
        "parameters": {
            "type": "object",
            "properties": {"key": {"type": "string"}, "limit": {"type": "integer"}, "exact": {"type": "boolean"}},
            "required": ["key"],
        },
    },
}
WRITE_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "write_file",
        "description": "Write a text file.",
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
            "required": ["path", "content"],
        },
    },
}
CALL_TOOLS = [LOOKUP_TOOL, WRITE_TOOL]

Call = tuple[str, dict[str, Any]]  # name, arguments


class Expected:
    """A raw completion (the prompt ended inside ``<think>``) and what parsing it must give."""

    def __init__(self, text: str, reasoning: str, content: str, calls: list[Call]) -> None:
        self.text = text
        self.reasoning = reasoning
        self.content = content
        self.calls = calls

    @property
    def size(self) -> int:
        return len(self.text.encode())


_PLAIN = ["the", "model", "reads", "the", "request", "and", "plans", "which", "files", "to", "open", "before", "it"]


def _plain(rng: random.Random, size: int) -> str:
    """English-like prose without any ``<``."""
    out: list[str] = []
    n = 0
    while n < size:
        line = " ".join(rng.choice(_PLAIN) for _ in range(rng.randint(6, 16))).capitalize() + ".\n"
        out.append(line)
        n += len(line)
    return "".join(out)[:size].strip() + "."


def _angle_code(rng: random.Random, size: int) -> str:
    """Prose about code with one ``<`` about every 45 characters (comparisons, generics, HTML)."""
    pieces = [
        "we check that x < limit before the loop ends; ",
        "the signature is list[int] -> dict<str, int> now. ",
        "then i < n holds, so the index stays valid. ",
        "the template emits <div> around each row here. ",
        "for a < b the swap is skipped and we go on. ",
    ]
    out: list[str] = []
    n = 0
    while n < size:
        piece = rng.choice(pieces)
        out.append(piece)
        n += len(piece)
    return "".join(out)[:size].strip() + "."


def reasoning_and_content(size: int, seed: int = 11) -> Expected:
    """Reasoning, then content; no tool calls. About 90 % of the bytes are reasoning."""
    rng = random.Random(seed)
    reasoning = _plain(rng, int(size * 0.9))
    content = _plain(rng, max(20, size - len(reasoning) - 20))
    return Expected(f"{reasoning}\n</think>\n\n{content}", reasoning, content, [])


def angle_heavy(size: int, seed: int = 12) -> Expected:
    """Reasoning and content about code, one ``<`` about every 45 characters; no tool calls."""
    rng = random.Random(seed)
    reasoning = _angle_code(rng, int(size * 0.9))
    content = _angle_code(rng, max(20, size - len(reasoning) - 20))
    return Expected(f"{reasoning}\n</think>\n\n{content}", reasoning, content, [])


def _lookup_invoke(args: dict[str, Any]) -> str:
    return (
        '<invoke name="lookup">\n'
        f'<parameter name="key">{args["key"]}</parameter>\n'
        f'<parameter name="limit">{args["limit"]}</parameter>\n'
        f'<parameter name="exact">{"true" if args["exact"] else "false"}</parameter>\n'
        "</invoke>\n"
    )


def small_calls(count: int = 1_000, per_block: int = 10, seed: int = 13) -> Expected:
    """Short reasoning and content, then ``count`` calls of three parameters, ``per_block`` calls per block."""
    rng = random.Random(seed)
    reasoning = "I will look every key up, ten at a time."
    content = "Looking them up."
    parts = [f"{reasoning}\n</think>\n\n{content}\n"]
    calls: list[Call] = []
    for start in range(0, count, per_block):
        parts.append("<minimax:tool_call>\n")
        for i in range(start, min(count, start + per_block)):
            args = {"key": f"user/{i}/profile name", "limit": rng.randint(1, 500), "exact": rng.random() < 0.5}
            calls.append(("lookup", args))
            parts.append(_lookup_invoke(args))
        parts.append("</minimax:tool_call>\n")
    return Expected("".join(parts).rstrip("\n"), reasoning, content, calls)


def _write_call(path: str, content: str) -> str:
    return (
        '<minimax:tool_call>\n<invoke name="write_file">\n'
        f'<parameter name="path">{path}</parameter>\n'
        f'<parameter name="content">{content}</parameter>\n'
        "</invoke>\n</minimax:tool_call>"
    )


def _file_text(rng: random.Random, size: int) -> str:
    """Source code with ``<``, quotes, backslashes and newlines; never a ``</parameter>``; no edge newline."""
    return "# generated\n" + _code(rng, max(0, size - 12)).rstrip("\n") + "\n# end"


def one_call(argument_size: int = 1_000, seed: int = 14) -> Expected:
    """Short reasoning, then one write_file call whose content argument is ``argument_size`` characters."""
    rng = random.Random(seed)
    reasoning = "Save the file."
    body = _file_text(rng, argument_size)
    args = {"path": "src/app.py", "content": body}
    text = f"{reasoning}\n</think>\n\n{_write_call(args['path'], body)}"
    return Expected(text, reasoning, "", [("write_file", args)])


def write_file(size: int, seed: int = 15) -> Expected:
    """Some reasoning, then one write_file call whose argument is nearly the whole output."""
    rng = random.Random(seed)
    reasoning = _plain(rng, min(2_000, size // 10))
    body = _file_text(rng, max(100, size - len(reasoning) - 150))
    args = {"path": "src/generated.py", "content": body}
    text = f"{reasoning}\n</think>\n\n{_write_call(args['path'], body)}"
    return Expected(text, reasoning, "", [("write_file", args)])


SPECIAL_TOKENS = ("</think>", "<minimax:tool_call>", "</minimax:tool_call>")


def deltas(text: str, size: int = 4) -> list[str]:
    """``text`` in pieces of ``size`` characters, each of M2's special tokens a piece of its own.

    A server streams tokens, and ``</think>`` and the tool-call block tags are single tokens of the M2
    vocabulary, so they never arrive split (SGLang's MiniMax-M2 detector relies on that)."""
    out: list[str] = []
    pos = 0
    while pos < len(text):
        cut = min((i for t in SPECIAL_TOKENS if (i := text.find(t, pos)) != -1), default=len(text))
        while pos < cut:
            out.append(text[pos : min(pos + size, cut)])
            pos = min(pos + size, cut)
        if cut < len(text):
            token = next(t for t in SPECIAL_TOKENS if text.startswith(t, cut))
            out.append(token)
            pos = cut + len(token)
    return out
