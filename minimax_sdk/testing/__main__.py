"""``python -m minimax_sdk.testing``: run the reference server until SIGTERM or SIGINT.

The first line on stdout is the OpenAI base URL (``http://127.0.0.1:PORT/v1``). Once ``/health`` answers
200, a line ``The server is fired up and ready to roll!`` goes to stderr, as SGLang logs it. Exit status 0
after a signal, 2 for bad arguments, 1 when the port cannot be bound or a simulated load "crashes", 3 for a
simulated crash after it was ready.

It also takes the flags a launcher gives SGLang (``--model-path``, ``--tp-size``, the parsers, ...), so a
supervisor can start it in SGLang's place, and switches that give it SGLang's start-up behaviour and
faults (see ``docs/reference_server.md``, "Standing in for the SGLang launcher").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._dialects import DIALECTS
from ._server import ReferenceServer
from ._standin import READY_LINE, StartupScript, run_standin
from ._turns import Turn

__all__ = ["READY_LINE", "main"]

_IGNORED_SGLANG_FLAGS = (
    "--tp-size",
    "--ep-size",
    "--dp-size",
    "--nnodes",
    "--node-rank",
    "--dist-init-addr",
    "--mem-fraction-static",
    "--context-length",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m minimax_sdk.testing", description="Run the MiniMax SDK reference server.", allow_abbrev=False
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
    _add_startup_switches(parser)
    _add_sglang_flags(parser)
    return parser


def _add_startup_switches(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("start-up behaviour (standing in for the SGLang launcher)")
    group.add_argument("--shards", type=int, default=0, help="simulate a weight load of this many shards")
    group.add_argument("--load-seconds", type=float, default=0.0, help="how long the simulated load takes")
    group.add_argument("--load-gate", type=Path, help="the load waits after its first shard until this file exists")
    group.add_argument("--bind-after-load", action="store_true", help="open the port only after the load")
    group.add_argument("--crash-during-load", action="store_true", help="exit 1 after the first shard")
    group.add_argument("--never-ready", action="store_true", help="/health and /ready answer 503 forever")
    group.add_argument("--crash-after-ready", type=float, metavar="SECONDS", help="exit 3 this long after ready")
    group.add_argument("--crash-when-file", type=Path, help="once ready, exit 3 when this file exists")
    group.add_argument("--ignore-sigterm", action="store_true", help="log SIGTERM and go on (stop with SIGINT)")
    group.add_argument("--grandchild", action="store_true", help="start a process that leaves the group and lives")
    group.add_argument("--occupy-port", type=int, metavar="PORT", help="listen on this port too (another instance)")
    group.add_argument("--health-only", action="store_true", help="no /ready route (a rank >= 1 stub, a router)")


def _add_sglang_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("SGLang flags (accepted so a launcher can start this in SGLang's place)")
    group.add_argument("--model-path", help="reported as /model_info's model_path")
    group.add_argument("--served-model-name", help="the model id to report (as --model)")
    group.add_argument("--tool-call-parser", help="reported by /model_info")
    group.add_argument("--reasoning-parser", help="reported by /model_info")
    group.add_argument("--api-key", help="printed in the server_args line as SGLang does (tests check masking)")
    group.add_argument("--trust-remote-code", action="store_true", help="ignored")
    group.add_argument("--uvicorn-access-log-exclude-prefixes", nargs="*", default=[], help="ignored")
    for flag in _IGNORED_SGLANG_FLAGS:
        group.add_argument(flag, help="ignored")


def _load_turns(path: Path) -> list[Turn]:
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError(f"{path}: expected a JSON list of turn objects")
    return [Turn.from_json(item) for item in data]


def _model_info(args: argparse.Namespace) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if args.model_path:
        info["model_path"] = info["tokenizer_path"] = args.model_path
    for key in ("tool_call_parser", "reasoning_parser", "served_model_name"):
        if getattr(args, key):
            info[key] = getattr(args, key)
    return info


def _script(args: argparse.Namespace) -> StartupScript:
    shown = {"model_path": args.model_path, "api_key": args.api_key, "host": args.host, "port": args.port}
    return StartupScript(
        shards=args.shards,
        load_seconds=args.load_seconds,
        load_gate=args.load_gate,
        bind_after_load=args.bind_after_load,
        crash_during_load=args.crash_during_load,
        never_ready=args.never_ready,
        crash_after_ready=args.crash_after_ready,
        crash_when_file=args.crash_when_file,
        ignore_sigterm=args.ignore_sigterm,
        grandchild=args.grandchild,
        occupy_port=args.occupy_port,
        server_args=", ".join(f"{key}={value!r}" for key, value in shown.items()) if args.model_path else "",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        server = ReferenceServer(
            args.dialect,
            model=args.served_model_name or args.model,
            chunk_chars=args.chunk_chars,
            chunk_delay=args.chunk_delay,
            reasoning_details_mode=args.reasoning_details_mode,
            reasoning_field=args.reasoning_field,
            ready_after=args.ready_after,
            model_info=_model_info(args),
            host=args.host,
            port=args.port,
        )
        if args.turns is not None:
            server.script(*_load_turns(args.turns))
        if args.health_only:
            server.drop_route("/ready")
        script = _script(args)
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(run_standin(server, script, lambda url: print(url, flush=True)))
    except OSError as exc:
        print(f"error: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
