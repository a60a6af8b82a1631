"""The ``minimax`` command.

Subcommands, one module each: ``parse`` (a raw model output as JSON), ``serve`` (the configured SGLang
server in the foreground), ``demo`` (a small agent with real tools; a scripted replay without a key),
``chat`` (one question, or a conversation, streamed) and ``doctor`` (the configuration and whether the
backend answers as it should); ``minimax --version`` prints ``minimax-sdk <version>``. Errors in what the user
gave (a missing file, bytes that are not UTF-8, a bad setting) are one line on standard error and exit status
2, never a traceback; a server that fails to start is one line and its log's path, exit status 1; ``chat`` and
``demo`` print a failure as one line and a hint (a traceback with ``--debug``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from .._version import __version__
from . import _chat, _demo, _doctor, _parse, _serve
from ._common import EXIT_USAGE, UsageError

__all__ = ["EXIT_USAGE", "UsageError", "build_parser", "entry_point", "main"]

SUBCOMMANDS = (_parse, _serve, _demo, _chat, _doctor)
"""Each registers its subparser (``register(commands)``) with a ``handler(args, stdin, stdout) -> int``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minimax", description="Tools for the MiniMax-M2 model family.")
    parser.add_argument("--version", action="version", version=f"minimax-sdk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(commands)
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
