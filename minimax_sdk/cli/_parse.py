"""``minimax parse [FILE]``: one raw model output (a file, or standard input) parsed and printed as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .._safe_json import UnreadableJSON
from .._safe_json import loads as safe_loads
from .._tool_spec import function_definition
from ..parsing import parse_output
from ._common import UsageError


def _read_text(path: str | None, stdin: TextIO) -> str:
    if path is None or path == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        where = "standard input"
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise UsageError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise UsageError(f"{path} is a directory, not a file") from None
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
        where = path
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{where} is not UTF-8 text (invalid byte at offset {exc.start})") from None


def _read_tools(path: str) -> list[dict[str, Any]]:
    text = _read_text(path, sys.stdin)
    try:
        data = safe_loads(text)
    except UnreadableJSON as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.reason})") from None
    if isinstance(data, dict) and isinstance(data.get("tools"), list):
        data = data["tools"]
    if not isinstance(data, list):
        raise UsageError(f"{path}: expected a JSON list of tool definitions, got {type(data).__name__}")
    return [_tool(path, i, item) for i, item in enumerate(data)]


def _tool(path: str, index: int, item: Any) -> dict[str, Any]:
    try:
        return function_definition(item)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{path}: tool #{index}: {exc}") from None


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    tools = _read_tools(args.tools) if args.tools else None
    text = _read_text(args.file, stdin)
    out = parse_output(text, tools, in_reasoning=True if args.in_reasoning else None)
    json.dump(out.to_dict(), stdout, ensure_ascii=False, indent=None if args.compact else 2)
    stdout.write("\n")
    return 0


def register(commands: Any) -> None:
    parse = commands.add_parser(
        "parse",
        help="parse a raw model output into reasoning, content and tool calls (JSON)",
        description="Parse a raw MiniMax-M2 output (FILE, or standard input) and print it as JSON.",
    )
    parse.add_argument("file", nargs="?", metavar="FILE", help="the output to parse (default: standard input)")
    parse.add_argument("--tools", metavar="TOOLS.json", help="tool definitions (a JSON list) to type arguments")
    parse.add_argument(
        "--in-reasoning",
        action="store_true",
        help="the text is a raw completion that starts inside <think> (M2/M2.1 prompts end with <think>)",
    )
    parse.add_argument("--compact", action="store_true", help="one line of JSON")
    parse.set_defaults(handler=run)
