"""``python -m minimax_sdk.testing``: run the reference server until SIGTERM or SIGINT.

The first line on stdout is the OpenAI base URL (``http://127.0.0.1:PORT/v1``). Once ``/health`` answers
200, a line ``The server is fired up and ready to roll!`` goes to stderr, as SGLang logs it. Exit status 0
after a signal, 2 for bad arguments, 1 when the port cannot be bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._dialects import DIALECTS
from ._server import ReferenceServer
from ._turns import Turn

READY_LINE = "The server is fired up and ready to roll!"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m minimax_sdk.testing", description="Run the MiniMax SDK reference server."
    )
    parser.add_argument("--dialect", choices=sorted(DIALECTS), default="minimax")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--model", help="model id to report (default: the dialect's)")
    parser.add_argument("--chunk-chars", type=int, default=4, help="characters per streamed fragment")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between SSE events")
    parser.add_argument("--reasoning-details-mode", choices=["cumulative", "incremental"])
    parser.add_argument("--reasoning-field", choices=["reasoning_content", "reasoning"])
    parser.add_argument("--ready-after", type=float, default=0.0, help="seconds /health answers 503")
    parser.add_argument("--turns", type=Path, help="JSON file: a list of turns to script, in order")
    return parser


def _load_turns(path: Path) -> list[Turn]:
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{path}: expected a JSON list of turn objects")
    return [Turn.from_json(item) for item in data]


async def _serve(server: ReferenceServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    def started(running: ReferenceServer) -> None:
        print(running.base_url, flush=True)
        loop.call_later(running.ready_after, lambda: print(READY_LINE, file=sys.stderr, flush=True))

    await server.serve(stop, on_started=started)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        server = ReferenceServer(
            args.dialect,
            model=args.model,
            chunk_chars=args.chunk_chars,
            chunk_delay=args.chunk_delay,
            reasoning_details_mode=args.reasoning_details_mode,
            reasoning_field=args.reasoning_field,
            ready_after=args.ready_after,
            host=args.host,
            port=args.port,
        )
        if args.turns is not None:
            server.script(*_load_turns(args.turns))
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(server))
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
