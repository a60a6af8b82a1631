"""The ``minimax`` command.

``minimax parse [FILE]`` parses one raw model output (a file, or standard input) and prints it as JSON.
``minimax serve`` starts the configured SGLang server in the foreground (``--dry-run``: print its command).
Errors in what the user gave (a missing file, bytes that are not UTF-8, a tools file that is not a list of
tool definitions, a bad setting) are one line on standard error and exit status 2, never a traceback; a
server that fails to start is one line and its log's path, exit status 1.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ._safe_json import UnreadableJSON
from ._safe_json import loads as safe_loads
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


def _cmd_parse(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    tools = _read_tools(args.tools) if args.tools else None
    text = _read_text(args.file, stdin)
    out = parse_output(text, tools, in_reasoning=True if args.in_reasoning else None)
    json.dump(out.to_dict(), stdout, ensure_ascii=False, indent=None if args.compact else 2)
    stdout.write("\n")
    return 0


def _cmd_serve(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from .backends.sglang import Progress, Supervisor, format_command, launch_argv
    from .backends.sglang._backend import launch_from_settings, require_sglang
    from .backends.sglang._progress import describe_elapsed
    from .config import load_settings
    from .errors import BackendProcessError, ConfigError

    given = {"model_path": args.model_path, "tp": args.tp, "port": args.port, "host": args.host}
    try:
        settings = load_settings(args.config, backend="sglang", sglang={k: v for k, v in given.items() if v})
        launch = launch_from_settings(settings)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if args.dry_run:
        stdout.write(format_command(launch_argv(launch), launch.secrets) + "\n")
        if launch.port is None:
            print("(no --port: a free loopback port is picked when the server starts)", file=sys.stderr)
        return 0
    try:
        require_sglang(settings.backend_options.get("sglang", {}))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    def show(progress: Progress) -> None:
        print(f"[{describe_elapsed(progress.elapsed):>10}] {progress.message}", file=sys.stderr, flush=True)

    supervisor = Supervisor(launch, on_progress=show)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        supervisor.start()
        stdout.write(f"{supervisor.base_url}\n")
        stdout.flush()
        print(f"ready; log: {supervisor.log_path}. Ctrl-C stops the server.", file=sys.stderr, flush=True)
        supervisor.wait()
        supervisor.check()
    except BackendProcessError as exc:
        print(f"minimax serve: {exc.message}", file=sys.stderr)
        if exc.log_path:
            print(f"the server's log: {exc.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping the server…", file=sys.stderr, flush=True)
    finally:
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


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
    serve = commands.add_parser(
        "serve",
        help="start the configured SGLang server in the foreground (the [sglang] settings of minimax.toml)",
        description="Start SGLang for MiniMax-M2.1 as backend='sglang' would, show its progress until it is "
        "ready, print its base URL, and stop it cleanly on Ctrl-C or SIGTERM.",
    )
    serve.add_argument("--config", metavar="FILE", help="the settings file (default: $MINIMAX_CONFIG, ./minimax.toml)")
    serve.add_argument("--model-path", help="override sglang.model_path")
    serve.add_argument("--tp", type=int, help="override sglang.tp")
    serve.add_argument("--host", help="override sglang.host")
    serve.add_argument("--port", type=int, help="override sglang.port")
    serve.add_argument("--dry-run", action="store_true", help="print the server's command line and exit")
    serve.set_defaults(handler=_cmd_serve)
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
