"""The launch settings of a supervised SGLang server: one frozen, validated value.

Nothing here reads files, the environment or the network; :func:`~._argv.launch_argv` turns the value into
the command line. Invalid settings raise :class:`~minimax_sdk.errors.ConfigError` naming the setting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ...errors import ConfigError

__all__ = ["DEFAULT_REASONING_PARSER", "DEFAULT_TOOL_CALL_PARSER", "OWNED_FLAGS", "SGLangLaunch"]

DEFAULT_REASONING_PARSER = "minimax"
"""SGLang's split reasoning parser for M2: reasoning arrives in ``reasoning_content``."""
DEFAULT_TOOL_CALL_PARSER = "minimax-m2"
"""SGLang's tool-call parser for the M2 family's XML calls."""
DEFAULT_STARTUP_TIMEOUT_S = 3600.0
"""SGLang's own CI allows 3600 s on H200 machines; ~220 GB of FP8 weights plus kernel JIT take tens of minutes."""
DEFAULT_STOP_TIMEOUT_S = 30.0
"""SGLang drains in-flight requests on SIGTERM with no upper bound: this is the SDK's deadline before SIGKILL."""

OWNED_FLAGS = frozenset(
    {
        "--model-path",
        "--model",
        "--host",
        "--port",
        "--tp-size",
        "--tensor-parallel-size",
        "--tp",
        "--ep-size",
        "--expert-parallel-size",
        "--ep",
        "--dp-size",
        "--data-parallel-size",
        "--dp",
        "--nnodes",
        "--node-rank",
        "--dist-init-addr",
        "--nccl-init-addr",
        "--mem-fraction-static",
        "--context-length",
        "--served-model-name",
        "--api-key",
        "--tool-call-parser",
        "--reasoning-parser",
        "--trust-remote-code",
        "--router-policy",
        "--router-dp-worker-base-port",
    }
)
"""Flags (and their SGLang aliases) that settings produce; ``extra_args`` may not repeat them, because the
last one on a command line wins and the supervisor must know the real host, port and layout."""

_ROUTER_POLICIES = frozenset({"random", "round_robin", "cache_aware", "power_of_two", "manual"})
_ADDRESS = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:\[\]]+):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class SGLangLaunch:
    """How to start one SGLang server (one node of it) for MiniMax-M2.1.

    Parallelism: ``tp`` GPUs hold one copy of the model (tensor parallel, ``--tp-size``), ``ep`` splits the
    experts (``--ep-size``; must divide ``tp``), ``dp`` runs that many copies (``--dp-size``). With
    ``router=True`` the ``dp`` copies run as separate servers behind SGLang's router
    (``python -m sglang_router.launch_server``, package ``sglang-router``), which listens on ``host:port``.

    ``port=None`` lets the supervisor pick a free loopback port just before it starts the server; a given
    port is checked before anything is started. ``startup_timeout`` bounds the whole start (weights, memory
    pool, CUDA graphs, warm-up); ``stop_timeout`` is how long a stop waits after SIGTERM before SIGKILL.

    Multi-node: ``nnodes`` > 1 with this node's ``node_rank`` and the head's ``dist_init_addr``
    (``HOST:PORT``); every node runs the same settings. Only rank 0 serves the API.

    ``command`` replaces the launcher (default: ``python -m sglang.launch_server``, or the ``sglang serve``
    console script next to ``python`` once the supervisor resolves it); ``python`` picks the interpreter
    that has sglang (default: this one). ``extra_args`` are appended verbatim; ``env`` is added to the
    server's environment. ``api_key`` is shown as ``********`` in ``repr``.
    """

    model_path: str
    tp: int = 1
    ep: int = 1
    dp: int = 1
    mem_fraction: float | None = None
    context_length: int | None = None
    host: str = "127.0.0.1"
    port: int | None = None
    served_model_name: str | None = None
    api_key: str | None = field(default=None, repr=False)
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_S
    stop_timeout: float = DEFAULT_STOP_TIMEOUT_S
    extra_args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    nnodes: int = 1
    node_rank: int = 0
    dist_init_addr: str | None = None
    python: str | None = None
    command: tuple[str, ...] | None = None
    reasoning_parser: str | None = DEFAULT_REASONING_PARSER
    tool_call_parser: str | None = DEFAULT_TOOL_CALL_PARSER
    trust_remote_code: bool = False
    router: bool = False
    router_policy: str | None = None
    router_worker_base_port: int | None = None

    def __post_init__(self) -> None:
        # sequences and mappings are copied into immutable forms, so a frozen launch cannot change later
        object.__setattr__(self, "extra_args", tuple(_strings(self.extra_args, "extra_args")))
        if self.command is not None:
            object.__setattr__(self, "command", tuple(_strings(self.command, "command")))
        object.__setattr__(self, "env", MappingProxyType(_env(self.env)))
        _check_model(self)
        _check_layout(self)
        _check_memory(self)
        _check_network(self)
        _check_process(self)
        _check_router(self)

    def __hash__(self) -> int:
        return hash((self.model_path, self.tp, self.ep, self.dp, self.host, self.port, self.node_rank))

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values to mask wherever the command line or the server's log is shown (the API key)."""
        return (self.api_key,) if self.api_key else ()


# --- checks --------------------------------------------------------------------------------------------


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"sglang.{key}: {message}", key=f"sglang.{key}")


def _strings(values: Any, key: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise _fail(key, f"expected a list of strings, got {type(values).__name__}")
    bad = [v for v in values if not isinstance(v, str)]
    if bad:
        raise _fail(key, f"expected a list of strings, got an item of type {type(bad[0]).__name__}")
    return list(values)


def _env(env: Any) -> dict[str, str]:
    if not isinstance(env, Mapping):
        raise _fail("env", f"expected a mapping of names to strings, got {type(env).__name__}")
    for name, value in env.items():
        if not isinstance(name, str) or not name or "=" in name or "\0" in name:
            raise _fail("env", f"invalid variable name {name!r}")
        if not isinstance(value, str):
            raise _fail("env", f"{name} must be a string, got {type(value).__name__}")
    return dict(env)


def _int(value: Any, key: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(key, f"expected an integer, got {type(value).__name__}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise _fail(key, f"must be {bound}, got {value}")
    return value


def _seconds(value: Any, key: str, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise _fail(key, f"expected a number of seconds, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero) or math.isinf(value):
        raise _fail(key, f"must be a {'non-negative' if allow_zero else 'positive'} finite number, got {value}")


def _text(value: Any, key: str) -> None:
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise _fail(key, f"expected a non-empty string, got {value!r}")


def _check_model(launch: SGLangLaunch) -> None:
    _text(launch.model_path, "model_path")
    if launch.served_model_name is not None:
        _text(launch.served_model_name, "served_model_name")
        if ":" in launch.served_model_name:  # SGLang reserves NAME:ADAPTER for LoRA adapters and refuses it
            raise _fail("served_model_name", f"may not contain ':', got {launch.served_model_name!r}")
    for key in ("reasoning_parser", "tool_call_parser"):
        value = getattr(launch, key)
        if value is not None:
            _text(value, key)


def _check_layout(launch: SGLangLaunch) -> None:
    tp = _int(launch.tp, "tp", minimum=1)
    ep = _int(launch.ep, "ep", minimum=1)
    _int(launch.dp, "dp", minimum=1)
    if tp % ep:
        raise _fail("ep", f"the expert-parallel size must divide tp ({tp}), got {ep}")
    nnodes = _int(launch.nnodes, "nnodes", minimum=1)
    _int(launch.node_rank, "node_rank", minimum=0, maximum=nnodes - 1)
    if launch.dist_init_addr is not None and not _ADDRESS.match(str(launch.dist_init_addr)):
        raise _fail("dist_init_addr", f"expected HOST:PORT of the rank-0 node, got {launch.dist_init_addr!r}")
    if nnodes > 1 and launch.dist_init_addr is None:
        raise _fail("dist_init_addr", f"nnodes={nnodes} needs the rank-0 node's HOST:PORT")
    if nnodes > 1 and tp % nnodes:
        raise _fail("tp", f"tp ({tp}) counts the GPUs of all {nnodes} nodes and must divide by nnodes")
    if nnodes > 1 and launch.dp > 1:  # SGLang asserts the same: no data-parallel copies across nodes
        raise _fail("dp", "SGLang runs no data-parallel copies across nodes; use dp=1 with nnodes > 1")


def _check_memory(launch: SGLangLaunch) -> None:
    fraction = launch.mem_fraction
    if fraction is not None and (
        isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1
    ):
        raise _fail("mem_fraction", f"expected a fraction of GPU memory in (0, 1], got {fraction!r}")
    if launch.context_length is not None:
        _int(launch.context_length, "context_length", minimum=1)


def _check_network(launch: SGLangLaunch) -> None:
    _text(launch.host, "host")
    if launch.port is not None:
        _int(launch.port, "port", minimum=1, maximum=65535)
    if launch.api_key is not None:
        _text(launch.api_key, "api_key")


def _check_process(launch: SGLangLaunch) -> None:
    _seconds(launch.startup_timeout, "startup_timeout", allow_zero=False)
    _seconds(launch.stop_timeout, "stop_timeout", allow_zero=True)
    if launch.python is not None:
        _text(launch.python, "python")
    if launch.command is not None and (not launch.command or not launch.command[0].strip()):
        raise _fail("command", "expected the program and its leading arguments, got an empty list")
    if launch.extra_args and not launch.extra_args[0].startswith("-"):
        raise _fail("extra_args", f"must start with a flag, got {launch.extra_args[0]!r}")
    for arg in launch.extra_args:
        name = arg.split("=", 1)[0]
        if name in OWNED_FLAGS:
            raise _fail("extra_args", f"{name} is set by a launch setting; use the setting instead")


def _check_router(launch: SGLangLaunch) -> None:
    if not launch.router:
        if launch.router_policy is not None or launch.router_worker_base_port is not None:
            raise _fail("router", "router_policy and router_worker_base_port need router=True")
        return
    if launch.dp < 2:
        raise _fail("router", f"a router in front of the server needs dp >= 2 copies, got dp={launch.dp}")
    if launch.nnodes > 1:
        raise _fail("router", "the co-launched router runs on one node; for several nodes start a router yourself")
    if launch.router_policy is not None and launch.router_policy not in _ROUTER_POLICIES:
        choices = ", ".join(sorted(_ROUTER_POLICIES))
        raise _fail("router_policy", f"expected one of {choices}, got {launch.router_policy!r}")
    if launch.router_worker_base_port is not None:
        _int(launch.router_worker_base_port, "router_worker_base_port", minimum=1, maximum=65535)
