"""The registry of backend kinds: ``backend = "minimax"`` in settings names one of these.

A kind is data: what configuration it needs (a base URL, a key and where to find it, a default model) and a
factory that builds the backend from resolved :class:`~minimax_sdk.config.Settings`. The factory may be given
as ``"module:attribute"`` and is imported on first use, so registering a kind loads nothing, and settings can
be checked against the registry without importing any backend module (or its optional dependencies).

>>> from minimax_sdk.backends.registry import BackendKind, register_backend
>>> register_backend(BackendKind("my-proxy", factory="my_package.backend:create", default_model="MiniMax-M2.1"))
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..config import Settings
    from .base import AsyncBackend, Backend

__all__ = [
    "BackendFactory",
    "BackendKind",
    "backend_kind",
    "backend_kinds",
    "register_backend",
    "unregister_backend",
]


class BackendFactory(Protocol):
    """Builds a backend of one kind: a :class:`~minimax_sdk.backends.base.Backend` when ``asynchronous`` is
    false, an :class:`~minimax_sdk.backends.base.AsyncBackend` when true. ``http_client`` is the user's own
    ``httpx`` client or None; a kind that does not speak HTTP raises ``TypeError`` when one is given."""

    def __call__(
        self, settings: Settings, *, asynchronous: bool, http_client: Any = None
    ) -> Backend | AsyncBackend: ...


@dataclass(frozen=True)
class BackendKind:
    """One kind of backend, as settings name it."""

    name: str
    factory: str | BackendFactory
    """The factory, or ``"module:attribute"`` naming it (imported on first use)."""
    default_model: str
    default_base_url: str | None = None
    needs_base_url: bool = True
    """Whether a base URL must be resolved (given, or the default); False for backends that reach no URL."""
    api_key_env: tuple[str, ...] = ()
    """Environment variables holding the key, first found wins."""
    api_key_required: bool = False
    options_table: str | None = None
    """The name of this kind's own settings table (``[sglang]`` in ``minimax.toml``, ``sglang={...}`` as an
    argument); the factory reads it from ``settings.backend_options`` and checks it."""
    description: str = ""

    def load_factory(self) -> BackendFactory:
        """The factory, imported if it was given by name."""
        if not isinstance(self.factory, str):
            return self.factory
        module_name, _, attribute = self.factory.partition(":")
        factory: BackendFactory = getattr(importlib.import_module(module_name), attribute)
        return factory


_HTTP = "minimax_sdk.backends.http:create_http_backend"
_LOCK = threading.Lock()
_KINDS: dict[str, BackendKind] = {
    kind.name: kind
    for kind in (
        BackendKind(
            "minimax",
            _HTTP,
            "MiniMax-M2.1",
            "https://api.minimax.io/v1",
            api_key_env=("MINIMAX_API_KEY",),
            api_key_required=True,
            description="MiniMax platform, reasoning split into reasoning_details",
        ),
        BackendKind(
            "minimax-inline",
            _HTTP,
            "MiniMax-M2.1",
            "https://api.minimax.io/v1",
            api_key_env=("MINIMAX_API_KEY",),
            api_key_required=True,
            description="MiniMax platform, reasoning inline as <think> in content",
        ),
        BackendKind(
            "nvidia",
            _HTTP,
            "minimaxai/minimax-m2.1",
            "https://integrate.api.nvidia.com/v1",
            api_key_env=("NVIDIA_API_KEY",),
            api_key_required=True,
            description="NVIDIA API catalog",
        ),
        BackendKind(
            "openai",
            _HTTP,
            "MiniMaxAI/MiniMax-M2.1",
            api_key_env=("MINIMAX_API_KEY", "OPENAI_API_KEY"),
            description="any OpenAI-compatible server: vLLM, SGLang, a router",
        ),
        BackendKind(
            "sglang",
            "minimax_sdk.backends.sglang._backend:create_sglang_backend",
            "MiniMaxAI/MiniMax-M2.1",
            needs_base_url=False,
            api_key_env=("SGLANG_API_KEY",),
            options_table="sglang",
            description="SGLang on your own GPUs: a supervised local server, or one attached by base_url",
        ),
        BackendKind(
            "custom",
            "minimax_sdk.backends.registry:_custom_factory",
            "MiniMax-M2.1",
            needs_base_url=False,
            description="a backend object passed to the client: MiniMax(backend=my_backend)",
        ),
    )
}


def _custom_factory(settings: Settings, *, asynchronous: bool, http_client: Any = None) -> Backend | AsyncBackend:
    from ..errors import ConfigError

    raise ConfigError(
        "backend 'custom' is a backend object you pass to the client (MiniMax(backend=my_backend)); it cannot be "
        "built from settings",
        key="backend",
    )


def register_backend(kind: BackendKind, *, replace: bool = False) -> BackendKind:
    """Add ``kind`` to the registry (``replace=True`` to redefine an existing name); returns it."""
    if not kind.name or not isinstance(kind.name, str):
        raise ValueError(f"a backend kind needs a non-empty name, got {kind.name!r}")
    with _LOCK:
        if kind.name in _KINDS and not replace:
            raise ValueError(f"backend kind {kind.name!r} is already registered (pass replace=True to redefine it)")
        _KINDS[kind.name] = kind
    return kind


def unregister_backend(name: str) -> None:
    """Remove a kind (tests that registered their own); a missing name is ignored."""
    with _LOCK:
        _KINDS.pop(name, None)


def backend_kind(name: str) -> BackendKind | None:
    """The kind called ``name``, or None."""
    return _KINDS.get(name)


def backend_kinds() -> dict[str, BackendKind]:
    """A snapshot of the registry: name → kind."""
    with _LOCK:
        return dict(_KINDS)
