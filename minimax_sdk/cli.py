"""The ``minimax`` command.

``minimax parse [FILE]`` parses one raw model output (a file, or standard input) and prints it as JSON.
Errors in what the user gave (a missing file, bytes that are not UTF-8, a tools file that is not a list of
tool definitions) are one line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ._tool_spec import function_definition
from .parsing import parse_output

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


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
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
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


def _cmd_parse(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    tools = _read_tools(args.tools) if args.tools else None
    text = _read_text(args.file, stdin)
    out = parse_output(text, tools, in_reasoning=True if args.in_reasoning else None)
    json.dump(out.to_dict(), stdout, ensure_ascii=False, indent=None if args.compact else 2)
    stdout.write("\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minimax", description="Tools for the MiniMax-M2 model family.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    parse.set_defaults(handler=_cmd_parse)
    return parser


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args, stdin or sys.stdin, stdout or sys.stdout)
    except UsageError as exc:
        print(f"minimax {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return status


def entry_point() -> None:
    """The ``minimax`` console script."""
    sys.exit(main())
