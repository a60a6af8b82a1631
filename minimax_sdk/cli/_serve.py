"""``minimax serve``: the configured SGLang server in the foreground (``--dry-run``: its command line)."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any, TextIO

from ._common import UsageError, add_config_option


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from ..backends.sglang import (
        Progress,
        Supervisor,
        describe_elapsed,
        format_command,
        launch_argv,
        launch_from_settings,
        require_sglang,
    )
    from ..config import load_settings
    from ..errors import BackendProcessError, ConfigError

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


def register(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="start the configured SGLang server in the foreground (the [sglang] settings of minimax.toml)",
        description="Start SGLang for MiniMax-M2.1 as backend='sglang' would, show its progress until it is "
        "ready, print its base URL, and stop it cleanly on Ctrl-C or SIGTERM.",
    )
    add_config_option(serve)
    serve.add_argument("--model-path", help="override sglang.model_path")
    serve.add_argument("--tp", type=int, help="override sglang.tp")
    serve.add_argument("--host", help="override sglang.host")
    serve.add_argument("--port", type=int, help="override sglang.port")
    serve.add_argument("--dry-run", action="store_true", help="print the server's command line and exit")
    serve.set_defaults(handler=run)
