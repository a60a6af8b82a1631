"""``backend = "sglang"``: SGLang on your own GPUs behind the same interface as every other backend.

Two ways, chosen by configuration alone:

- **supervised** (no ``base_url``): the SDK starts ``sglang serve`` with the ``[sglang]`` settings, watches it
  (progress, readiness, crashes) and stops it when the client closes. The server starts on the first request,
  or on :meth:`SGLangBackend.start` (``minimax serve`` does that).
- **engine** (``mode = "engine"``): ``sglang.Engine`` in an SDK-owned child process; the SDK renders the
  prompt (untrusted text guarded) and parses the raw completion itself (``_engine.py``).
- **attach** (a ``base_url``): a running SGLang server or router. ``/model_info`` is read once to learn the
  server's reasoning parser, and so where the reasoning arrives: split into ``reasoning_content``, inline
  (``minimax-append-think``), or in a raw completion (no parser); the user does not have to say.

Either way the requests go through the HTTP backend, with the ``sglang`` dialect.
"""

from __future__ import annotations

import asyncio
import difflib
import importlib.util
import logging
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import fields, replace
from typing import Any

import httpx

from ...config import Settings
from ...errors import APIConnectionError, ConfigError
from ...messages import ChatResponse, RawMode, StreamEvent
from ..base import AsyncBackend, Backend, ChatRequest
from ..http import AsyncHttpBackend, HttpBackend
from ._engine import EngineBackend
from ._launch import SGLangLaunch
from ._progress import Progress
from ._supervisor import Supervisor

__all__ = ["SGLangBackend", "create_sglang_backend", "launch_from_settings", "raw_mode_for_parser", "require_sglang"]

_log = logging.getLogger("minimax_sdk")
_LAUNCH_KEYS = frozenset(f.name for f in fields(SGLangLaunch))
_MODES = ("server", "engine")
_ENGINE_KEYS = ("engine", "engine_args")  # engine mode only: the child's engine factory and its extra arguments


def raw_mode_for_parser(reasoning_parser: Any) -> RawMode:
    """How content from a server with this ``--reasoning-parser`` reads: none means raw output that starts
    inside the reasoning; any parser (split, or append-think's explicit ``<think>``) means tagged content."""
    return "raw" if not reasoning_parser else "tagged"


def launch_from_settings(settings: Settings) -> SGLangLaunch:
    """The launch settings for the ``[sglang]`` table: ``settings.api_key`` protects the server, and
    ``settings.model`` is its served model name unless the table names one."""
    options = dict(settings.backend_options.get("sglang", {}))
    mode = options.pop("mode", "server")
    if mode not in _MODES:
        raise ConfigError(f"sglang.mode must be one of {', '.join(_MODES)}, got {mode!r}", key="sglang.mode")
    for key in _ENGINE_KEYS:
        if key in options and mode != "engine":
            raise ConfigError(f"sglang.{key} is for mode = 'engine'", key=f"sglang.{key}")
        options.pop(key, None)
    unknown = sorted(set(options) - _LAUNCH_KEYS)
    if unknown:
        guess = difflib.get_close_matches(unknown[0], sorted(_LAUNCH_KEYS), n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        known = ", ".join(sorted(_LAUNCH_KEYS | {"mode", *_ENGINE_KEYS}))
        raise ConfigError(f"unknown sglang setting {unknown[0]!r}{hint} Known: {known}", key=f"sglang.{unknown[0]}")
    if "model_path" not in options:
        raise ConfigError(
            "the sglang backend needs sglang.model_path (a model directory or hub id) to start a server, or a "
            "base_url to attach to a running one",
            key="sglang.model_path",
        )
    for key in ("extra_args", "command"):
        if isinstance(options.get(key), list):
            options[key] = tuple(options[key])
    options.setdefault("served_model_name", settings.model)
    if settings.api_key is not None:
        options.setdefault("api_key", settings.api_key.get())
    return SGLangLaunch(**options)


def create_sglang_backend(
    settings: Settings, *, asynchronous: bool, http_client: Any = None
) -> SGLangBackend | EngineBackend:
    """The registry's factory for ``backend = "sglang"``."""
    if settings.base_url is not None:
        if settings.backend_options.get("sglang"):
            _log.warning("base_url is set: attaching to the SGLang server there; the [sglang] settings are unused")
        return SGLangBackend(settings, None, asynchronous=asynchronous, http_client=http_client)
    options = settings.backend_options.get("sglang", {})
    launch = launch_from_settings(settings)  # the settings are checked first: their errors are more specific
    require_sglang(options)
    if options.get("mode") == "engine":
        if http_client is not None:
            raise TypeError("http_client is for HTTP backends; sglang.mode = 'engine' talks to a child process")
        engine, extra = options.get("engine"), options.get("engine_args") or {}
        if engine is not None and not isinstance(engine, str):
            raise ConfigError("sglang.engine must be a 'module:attribute' string", key="sglang.engine")
        if not isinstance(extra, Mapping):
            raise ConfigError("sglang.engine_args must be a table", key="sglang.engine_args")
        return EngineBackend(settings, launch, engine=engine, extra_engine_args=extra)
    supervisor = Supervisor(launch, on_progress=_log_progress)
    return SGLangBackend(settings, supervisor, asynchronous=asynchronous, http_client=http_client)


def require_sglang(options: Mapping[str, Any]) -> None:
    """One clear error when SGLang would run in this interpreter and it has no sglang (a given ``python``,
    ``command`` or ``engine`` is the user's own to check: the start-up error then carries its log)."""
    if options.get("python") or options.get("command") or options.get("engine"):
        return
    if importlib.util.find_spec("sglang") is None:
        raise ConfigError(
            "backend 'sglang' needs sglang in this interpreter: pip install 'minimax-sdk[sglang]' (or set "
            "sglang.python to an interpreter that has it, or attach to a running server with base_url)",
            key="backend",
        )


def _log_progress(progress: Progress) -> None:
    _log.info("sglang: %s", progress.message)


class SGLangBackend(Backend, AsyncBackend):
    """A supervised SGLang server (``supervisor`` given) or an attached one (``settings.base_url``).

    The first request starts the server and reads how it delivers reasoning; :meth:`start` (or
    :meth:`astart`) does it beforehand. A server that died raises
    :class:`~minimax_sdk.errors.BackendCrashedError` with its log tail on the next request. ``close()`` stops it.
    """

    def __init__(
        self,
        settings: Settings,
        supervisor: Supervisor | None,
        *,
        asynchronous: bool = False,
        http_client: Any = None,
    ) -> None:
        self.settings = settings
        self.supervisor = supervisor
        self._asynchronous = asynchronous
        self._http_client = http_client
        self._http: HttpBackend | AsyncHttpBackend | None = None
        self._lock = threading.Lock()
        self._closed = False

    # -- starting ---------------------------------------------------------------------------------------------

    def start(self) -> SGLangBackend:
        """Start the server (supervised) and read how it delivers reasoning; idempotent. Blocks until ready."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the sglang backend was closed")
            if self._http is None:
                self._http = self._connect()
        return self

    async def astart(self) -> SGLangBackend:
        """:meth:`start` without blocking the event loop."""
        if self._http is None:
            await asyncio.to_thread(self.start)
        return self

    def _connect(self) -> HttpBackend | AsyncHttpBackend:
        if self.supervisor is not None:
            self.supervisor.start()
            base_url = self.supervisor.base_url
            mode = raw_mode_for_parser(self.supervisor.resolved_launch.reasoning_parser)
        else:
            assert self.settings.base_url is not None
            base_url = self.settings.base_url
            mode = self._probe_raw_mode(base_url)
        settings = replace(self.settings, backend="sglang", base_url=base_url, raw_mode=self.settings.raw_mode or mode)
        if self._asynchronous:
            return AsyncHttpBackend(settings, http_client=self._http_client)
        return HttpBackend(settings, http_client=self._http_client)

    def _probe_raw_mode(self, base_url: str) -> RawMode:
        """Read the attached server's reasoning parser from ``/model_info`` (once)."""
        root = base_url.rstrip("/").removesuffix("/v1")
        headers = {"authorization": f"Bearer {self.settings.api_key.get()}"} if self.settings.api_key else {}
        try:
            resp = httpx.get(f"{root}/model_info", headers=headers, timeout=self.settings.connect_timeout + 10)
            info = resp.json() if resp.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            info = None
        if not isinstance(info, Mapping) or "reasoning_parser" not in info:
            _log.info("sglang: %s/model_info did not say the reasoning parser; reading content as it comes", root)
            return "auto"
        parser = info.get("reasoning_parser")
        _log.info("sglang: attached to %s (reasoning parser %s)", root, parser or "none")
        return raw_mode_for_parser(parser)

    # -- requests ---------------------------------------------------------------------------------------------

    def _sync(self) -> HttpBackend:
        self.start()
        self._check()
        assert isinstance(self._http, HttpBackend)
        return self._http

    async def _async(self) -> AsyncHttpBackend:
        await self.astart()
        self._check()
        assert isinstance(self._http, AsyncHttpBackend)
        return self._http

    def _check(self) -> None:
        if self.supervisor is not None:
            self.supervisor.check()

    def _crashed(self) -> None:
        """A connection failure to a supervised server that has died is its crash (with the log tail)."""
        if self.supervisor is not None and self.supervisor.returncode is not None:
            self.supervisor.check()

    def chat(self, request: ChatRequest) -> ChatResponse:
        http = self._sync()
        try:
            return http.chat(request)
        except APIConnectionError:
            self._crashed()
            raise

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        http = self._sync()
        try:
            yield from http.stream(request)
        except APIConnectionError:
            self._crashed()
            raise

    async def achat(self, request: ChatRequest) -> ChatResponse:
        http = await self._async()
        try:
            return await http.achat(request)
        except APIConnectionError:
            self._crashed()
            raise

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        http = await self._async()
        try:
            async for event in http.astream(request):
                yield event
        except APIConnectionError:
            self._crashed()
            raise

    # -- stopping ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connections and stop the server (if the SDK started it); idempotent."""
        with self._lock:
            self._closed = True
            http, self._http = self._http, None
        if isinstance(http, HttpBackend):
            http.close()
        if self.supervisor is not None:
            self.supervisor.stop()

    async def aclose(self) -> None:
        with self._lock:
            self._closed = True
            http, self._http = self._http, None
        if isinstance(http, AsyncHttpBackend):
            await http.aclose()
        if self.supervisor is not None:
            await asyncio.to_thread(self.supervisor.stop)
