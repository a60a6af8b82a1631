"""The command line and environment of a supervised SGLang server, as pure functions of the settings.

Flag spellings are SGLang 0.5.23's (``--tp-size``, not the prefix-matched ``--tp``). Only
:func:`find_sglang_command` looks at the file system; everything else is a pure function.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..._secret import redact
from ._launch import SGLangLaunch

__all__ = [
    "HEALTH_LOG_EXCLUDES",
    "child_env",
    "find_sglang_command",
    "format_command",
    "launch_argv",
    "launcher_prefix",
    "server_args",
]

SERVER_MODULE = "sglang.launch_server"
ROUTER_MODULE = "sglang_router.launch_server"
HEALTH_LOG_EXCLUDES = ("/health", "/ready", "/metrics")
"""Paths whose access-log lines SGLang drops: the supervisor polls ``/ready``, which would flood the log."""


def server_args(launch: SGLangLaunch) -> list[str]:
    """The server's flags (everything after the program), in a fixed order; ``extra_args`` last.

    ``--port`` is left out when ``launch.port`` is None (SGLang would use 30000): the supervisor fills a
    free port in before it builds the command.
    """
    args = ["--model-path", launch.model_path, "--tp-size", str(launch.tp)]
    if launch.ep > 1:
        args += ["--ep-size", str(launch.ep)]
    if launch.dp > 1:
        args += ["--dp-size", str(launch.dp)]
    if launch.nnodes > 1:
        args += ["--nnodes", str(launch.nnodes), "--node-rank", str(launch.node_rank)]
    if launch.dist_init_addr is not None:
        args += ["--dist-init-addr", launch.dist_init_addr]
    if launch.mem_fraction is not None:
        args += ["--mem-fraction-static", _number(launch.mem_fraction)]
    if launch.context_length is not None:
        args += ["--context-length", str(launch.context_length)]
    if launch.served_model_name is not None:
        args += ["--served-model-name", launch.served_model_name]
    if launch.tool_call_parser is not None:
        args += ["--tool-call-parser", launch.tool_call_parser]
    if launch.reasoning_parser is not None:
        args += ["--reasoning-parser", launch.reasoning_parser]
    if launch.trust_remote_code:
        args.append("--trust-remote-code")
    args += ["--uvicorn-access-log-exclude-prefixes", *HEALTH_LOG_EXCLUDES]
    args += ["--host", launch.host]
    if launch.port is not None:
        args += ["--port", str(launch.port)]
    if launch.api_key is not None:
        args += ["--api-key", launch.api_key]
    if launch.router_policy is not None:
        args += ["--router-policy", launch.router_policy]
    if launch.router_worker_base_port is not None:
        args += ["--router-dp-worker-base-port", str(launch.router_worker_base_port)]
    return [*args, *launch.extra_args]


def launcher_prefix(launch: SGLangLaunch) -> list[str]:
    """The program part: ``command`` when set, else ``PYTHON -m sglang.launch_server`` (or
    ``PYTHON -m sglang_router.launch_server`` with ``router=True``), ``PYTHON`` defaulting to this
    interpreter."""
    if launch.command is not None:
        return list(launch.command)
    python = launch.python or sys.executable
    return [python, "-m", ROUTER_MODULE if launch.router else SERVER_MODULE]


def launch_argv(launch: SGLangLaunch) -> list[str]:
    """The whole command line that starts the server: :func:`launcher_prefix` + :func:`server_args`.

    >>> launch_argv(SGLangLaunch("/models/m2", tp=4, port=30000, command=("sglang", "serve")))[:6]
    ['sglang', 'serve', '--model-path', '/models/m2', '--tp-size', '4']
    """
    return [*launcher_prefix(launch), *server_args(launch)]


def child_env(launch: SGLangLaunch, base: Mapping[str, str]) -> dict[str, str]:
    """The server's environment: ``base`` (normally ``os.environ``), the SDK's defaults, then ``launch.env``.

    Defaults: ``PYTHONUNBUFFERED=1`` (log lines arrive as they are written, so progress is live) and
    ``SGLANG_KILLPG_ON_SCHEDULER_EXCEPTION=1`` (a crashing scheduler takes its whole process group down
    instead of leaving a half-alive server; safe because the server runs in its own session).
    """
    env = dict(base)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("SGLANG_KILLPG_ON_SCHEDULER_EXCEPTION", "1")
    env.update(launch.env)
    return env


def find_sglang_command(python: str | None = None) -> tuple[str, ...]:
    """The recommended launcher for an interpreter: its ``sglang serve`` console script when one sits next
    to it (``bin/sglang``), else ``PYTHON -m sglang.launch_server`` (same flags; SGLang 0.5.23 prints a
    warning that ``sglang serve`` is recommended). Reads the file system."""
    interpreter = python or sys.executable
    script = Path(interpreter).parent / "sglang"
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script), "serve")
    return (interpreter, "-m", SERVER_MODULE)


def format_command(argv: Iterable[str], secrets: Iterable[str] = ()) -> str:
    """``argv`` as one shell-quoted line with the secrets (the API key) masked: for logs and ``--dry-run``."""
    hidden = tuple(secrets)
    return shlex.join(redact(arg, hidden) for arg in argv)


def _number(value: float) -> str:
    """A number as SGLang's parser takes it: ``0.85``, ``1`` (not ``1.0``)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
