"""``sglang.mode = "engine"``: ``sglang.Engine`` in an SDK-owned child process, with the SDK as the source of
truth for the format.

The SDK renders the prompt itself (its byte-exact M2 renderer, with the injection guard on: role markers and
tool-call tags inside user text, tool results, tool descriptions and argument values are neutralised, so
they tokenise as text and cannot start a turn), the child turns it into token ids with the model's tokenizer
and streams the raw completion back (``skip_special_tokens=False``), and the SDK's parser reads it through the
one assembler. The child speaks JSON lines over a pipe (see ``_engine_child``); it runs in its own session
with the parent-death signal set, and stops when its input closes (then SIGTERM, then SIGKILL of its group).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import minimax_sdk

from ...assembly import Assembler
from ...config import Settings
from ...errors import APITimeoutError, BackendCrashedError, BackendStartupError, ConfigError
from ...messages import ChatResponse, StreamEvent, Usage
from ...template import render_conversation
from ..base import AsyncBackend, Backend, ChatRequest
from ._child import Child
from ._launch import SGLangLaunch
from ._logs import LogCapture
from ._spawn import start_in_session

__all__ = ["DEFAULT_MAX_NEW_TOKENS", "EngineBackend", "engine_sampling"]

DEFAULT_MAX_NEW_TOKENS = 8192
"""``max_new_tokens`` when the request sets no ``max_tokens`` (SGLang's own default, 128, cuts M2 off while it
is still thinking)."""
_UNSUPPORTED = ("tool_choice", "parallel_tool_calls", "response_format")
_RENAMED = {"max_tokens": "max_new_tokens", "max_completion_tokens": "max_new_tokens", "seed": "sampling_seed"}
_CLOSED: dict[str, Any] = {"closed": True}
_EXIT_WAIT_S = 10.0
"""A safety net for reading a failed child's last lines: it has closed its output and is exiting."""


def engine_sampling(request: ChatRequest, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """SGLang's sampling parameters for a request: the configured defaults, the request's own sampling (in
    SGLang's names), then its ``extra_body`` (any other SGLang sampling key: ``regex``, ``json_schema``, ...)."""
    for key in _UNSUPPORTED:
        if key in request.sampling:
            raise ConfigError(
                f"{key} is not available with sglang.mode = 'engine' (raw generation, no chat layer); "
                "use the supervised server (mode = 'server') for it",
                key=key,
            )
    params: dict[str, Any] = {k: v for k, v in defaults.items() if v is not None}
    params.update({_RENAMED.get(k, k): v for k, v in request.sampling.items()})
    params.setdefault("max_new_tokens", DEFAULT_MAX_NEW_TOKENS)
    params.update(request.options.extra_body)
    return params


def engine_args(launch: SGLangLaunch, extra: Mapping[str, Any]) -> dict[str, Any]:
    """``sglang.Engine`` keyword arguments for the launch settings (non-defaults only), then ``extra``."""
    args: dict[str, Any] = {"model_path": launch.model_path, "tp_size": launch.tp}
    optional = {
        "ep_size": launch.ep if launch.ep != 1 else None,
        "dp_size": launch.dp if launch.dp != 1 else None,
        "mem_fraction_static": launch.mem_fraction,
        "context_length": launch.context_length,
        "trust_remote_code": launch.trust_remote_code or None,
        "nnodes": launch.nnodes if launch.nnodes != 1 else None,
        "node_rank": launch.node_rank if launch.nnodes != 1 else None,
        "dist_init_addr": launch.dist_init_addr,
    }
    args.update({k: v for k, v in optional.items() if v is not None})
    args.update(extra)
    return args


class _Call:
    """One request in flight: the child's messages for it, handed over from the reader thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.sync: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self.aqueue: asyncio.Queue[dict[str, Any]] | None = asyncio.Queue() if loop is not None else None

    def put(self, message: dict[str, Any]) -> None:
        if self.loop is not None and self.aqueue is not None:
            self.loop.call_soon_threadsafe(self.aqueue.put_nowait, message)
        else:
            self.sync.put(message)


class EngineBackend(Backend, AsyncBackend):
    """The engine child for ``launch`` (its model and layout); ``engine`` names the child's engine factory
    (``"module:attribute"``; default ``sglang.Engine``), ``extra_engine_args`` go to it as they are.

    The child starts on the first request or on :meth:`start`, which waits up to ``launch.startup_timeout``
    for it to load the model. ``close()`` closes its input (the engine shuts down), waits ``stop_timeout``,
    then stops its process group as the server supervisor does.
    """

    def __init__(
        self,
        settings: Settings,
        launch: SGLangLaunch,
        *,
        engine: str | None = None,
        extra_engine_args: Mapping[str, Any] | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.settings = settings
        self.launch = launch
        self._config = {"engine": engine, "engine_args": engine_args(launch, extra_engine_args or {})}
        self._log_path = Path(log_path) if log_path is not None else None
        self._child: Child | None = None
        self._stdin: IO[bytes] | None = None
        self._calls: dict[int, _Call] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ready = threading.Event()
        self._ended = threading.Event()
        self._closed = False

    # -- the child ----------------------------------------------------------------------------------------------

    @property
    def log_path(self) -> Path | None:
        return self._child.capture.path if self._child is not None else self._log_path

    @property
    def pids(self) -> list[int]:
        """The child's processes, as tracked (for checks that none is left)."""
        return self._child.tracked.pids if self._child is not None else []

    def start(self) -> EngineBackend:
        """Start the child and wait until its engine is ready; idempotent."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the sglang engine backend was closed")
            if self._child is None:
                self._spawn()
        self._wait_ready()
        return self

    async def astart(self) -> EngineBackend:
        if not self._ready.is_set():
            await asyncio.to_thread(self.start)
        return self

    def _argv(self) -> list[str]:
        python = self.launch.python or sys.executable
        return [python, "-m", "minimax_sdk.backends.sglang._engine_child", json.dumps(self._config)]

    def _spawn(self) -> None:
        path = self._log_path or Path(_temp_log())
        capture = LogCapture(path, secrets=self.launch.secrets)
        capture.note(f"starting the engine child: {self._config['engine'] or 'sglang.Engine'}")
        package_root = str(Path(minimax_sdk.__file__).resolve().parent.parent)  # the child imports the SDK
        env = {**os.environ, **self.launch.env}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        env.setdefault("PYTHONUNBUFFERED", "1")
        argv = self._argv()
        try:
            popen, read_end = start_in_session(argv, env, stdin=subprocess.PIPE, piped_stdout=True)
        except OSError as exc:
            capture.close()
            raise BackendStartupError(
                f"cannot start the engine child with {argv[0]!r}: {exc.strerror or exc}", log_path=str(path)
            ) from exc
        capture.note(f"engine child pid {popen.pid} (its own session and process group)")
        capture.start(read_end)
        self._child = Child(popen, capture, self.launch.stop_timeout)
        self._stdin = popen.stdin
        assert popen.stdout is not None
        threading.Thread(target=self._read, args=(popen.stdout,), name="sglang-engine-out", daemon=True).start()

    def _read(self, stdout: IO[bytes]) -> None:
        """The reader thread: hand each message to its request; at end of output, end every request."""
        for raw in stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            if message.get("event") == "ready":
                self._ready.set()
                continue
            with self._lock:
                call = self._calls.get(message.get("id", -1))
            if call is not None:
                call.put(message)
        self._ended.set()
        with self._lock:
            calls = list(self._calls.values())
        for call in calls:
            call.put(_CLOSED)

    def _wait_ready(self) -> None:
        child = self._child
        assert child is not None
        deadline = time.monotonic() + self.launch.startup_timeout
        while not self._ready.wait(0.05):
            if self._ended.is_set() or child.popen.poll() is not None:
                child.stop_quietly()
                raise self._error(BackendStartupError, "the engine child exited before its engine was ready")
            if time.monotonic() > deadline:
                child.stop_quietly()
                raise self._error(
                    BackendStartupError,
                    f"the engine was not ready within startup_timeout={self.launch.startup_timeout:g} s",
                )

    def _error(self, cls: type[BackendStartupError] | type[BackendCrashedError], what: str) -> Any:
        """The error for a child that failed, with the last lines it wrote: once it has exited, everything it
        wrote is read from the pipe before the tail is taken."""
        child = self._child
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.popen.wait(_EXIT_WAIT_S)  # its output ended: it is exiting
            child.capture.catch_up(_EXIT_WAIT_S)
        tail = child.capture.tail(40) if child is not None else ""
        returncode = child.popen.poll() if child is not None else None
        return cls(
            f"{what}\n--- last lines of {self.log_path} ---\n{tail}",
            log_tail=tail,
            log_path=str(self.log_path),
            returncode=returncode,
        )

    # -- requests -----------------------------------------------------------------------------------------------

    def prompt(self, request: ChatRequest) -> str:
        """The prompt for ``request``: the M2 chat format, untrusted text guarded, ending inside ``<think>``."""
        return render_conversation(request.messages, request.tools, add_generation_prompt=True, guard=True)

    def _submit(self, request: ChatRequest, loop: asyncio.AbstractEventLoop | None) -> tuple[int, _Call]:
        payload = {"prompt": self.prompt(request), "sampling": engine_sampling(request, self.settings.sampling)}
        call = _Call(loop)
        with self._lock:
            if self._ended.is_set():
                raise self._error(BackendCrashedError, "the engine child has exited")
            call_id = self._next_id = self._next_id + 1
            self._calls[call_id] = call
        line = (json.dumps({"id": call_id, **payload}, ensure_ascii=False) + "\n").encode()
        try:
            with self._write_lock:
                assert self._stdin is not None
                self._stdin.write(line)
                self._stdin.flush()
        except (BrokenPipeError, ValueError):
            self._forget(call_id)
            raise self._error(BackendCrashedError, "the engine child has exited") from None
        return call_id, call

    def _forget(self, call_id: int) -> None:
        with self._lock:
            self._calls.pop(call_id, None)

    def _assembler(self, request: ChatRequest, *, stream: bool) -> Assembler:
        assembler = Assembler(request.tools, raw_mode="raw", dialect="sglang-engine", stream=stream)
        assembler.model = request.model
        return assembler

    def _apply(self, message: dict[str, Any], assembler: Assembler) -> tuple[list[StreamEvent], bool]:
        """The events of one child message, and whether the request is finished."""
        if message is _CLOSED:
            raise self._error(BackendCrashedError, "the engine child exited during the request")
        if "error" in message:
            text = f"the engine failed on this request: {message['error']}"
            raise BackendCrashedError(text, log_path=str(self.log_path))
        if "text" in message:
            return assembler.content(str(message["text"])), False
        assembler.server_finish_reason = message.get("finish_reason") or "stop"
        prompt, completion = message.get("prompt_tokens"), message.get("completion_tokens")
        if isinstance(prompt, int) and isinstance(completion, int):
            cached = message.get("cached_tokens")
            cached = cached if isinstance(cached, int) and not isinstance(cached, bool) else None
            return assembler.add_usage(Usage(prompt, completion, prompt + completion, cached_tokens=cached)), True
        return [], True

    def _events(self, request: ChatRequest, assembler: Assembler) -> Iterator[StreamEvent]:
        self.start()
        call_id, call = self._submit(request, None)
        timeout = request.options.timeout
        try:
            done = False
            while not done:
                try:
                    message = call.sync.get(timeout=timeout)
                except queue.Empty:
                    raise APITimeoutError(f"the engine sent nothing for {timeout:g} s") from None
                events, done = self._apply(message, assembler)
                yield from events
        finally:
            self._forget(call_id)
        yield from assembler.close()

    def chat(self, request: ChatRequest) -> ChatResponse:
        assembler = self._assembler(request, stream=False)
        for _ in self._events(request, assembler):
            pass
        assert assembler.response is not None
        return assembler.response

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        return self._events(request, self._assembler(request, stream=True))

    async def _aevents(self, request: ChatRequest, assembler: Assembler) -> AsyncIterator[StreamEvent]:
        await self.astart()
        call_id, call = self._submit(request, asyncio.get_running_loop())
        assert call.aqueue is not None
        timeout = request.options.timeout
        try:
            done = False
            while not done:
                try:
                    message = await asyncio.wait_for(call.aqueue.get(), timeout)
                except asyncio.TimeoutError:
                    raise APITimeoutError(f"the engine sent nothing for {timeout:g} s") from None
                events, done = self._apply(message, assembler)
                for event in events:
                    yield event
        finally:
            self._forget(call_id)
        for event in assembler.close():
            yield event

    async def achat(self, request: ChatRequest) -> ChatResponse:
        assembler = self._assembler(request, stream=False)
        async for _ in self._aevents(request, assembler):
            pass
        assert assembler.response is not None
        return assembler.response

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        return self._aevents(request, self._assembler(request, stream=True))

    # -- stopping -----------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the child's input (its engine shuts down), wait ``stop_timeout``, then stop its group."""
        with self._lock:
            self._closed = True
            child, stdin = self._child, self._stdin
        if child is None:
            return
        if stdin is not None:
            with contextlib.suppress(OSError), self._write_lock:
                stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.popen.wait(self.launch.stop_timeout)
        child.stop()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)


def _temp_log() -> str:
    import tempfile

    handle, path = tempfile.mkstemp(prefix="minimax-sglang-engine-", suffix=".log")
    os.close(handle)
    return path
