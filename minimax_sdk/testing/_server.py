"""The reference server: scripted turns and faults behind an OpenAI-compatible (and SGLang-like) API."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from types import TracebackType
from typing import Any

from ._dialects import (
    ChatContext,
    Dialect,
    ReasoningDetailsMode,
    chat_chunks,
    chat_completion,
    resolve_dialect,
)
from ._faults import DONE_EVENT, Fault, Plan, Reply, deliver, dumps, error_reply, plan_for, sse_event
from ._http import Connection, HttpError, HttpRequest
from ._sglang import (
    generate_payload_error,
    generate_reply,
    generate_user_text,
    health_reply,
    model_info_reply,
    models_reply,
)
from ._turns import Turn, echo_turn, estimate_tokens, last_user_text

__all__ = ["RecordedRequest", "ReferenceServer"]

_log = logging.getLogger("minimax_sdk.testing")
_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 30.0
Payload = dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server received it. ``json`` is the parsed body, or None when it is not JSON."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    json: Any


@dataclass(frozen=True)
class _Exchange:
    """What to send for one request, and the scripted turn it took (given back if not delivered)."""

    plan: Plan
    turn: Turn | None = None


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


class _State:
    """Turns, faults and recorded requests, shared by the caller's thread and the server's loop."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._turns: deque[Turn] = deque()
        self._faults: deque[Fault] = deque()
        self._requests: list[RecordedRequest] = []

    def add_turns(self, turns: tuple[Turn, ...]) -> None:
        with self._lock:
            self._turns.extend(turns)

    def add_faults(self, faults: tuple[Fault, ...]) -> None:
        with self._lock:
            self._faults.extend(faults)

    def take_turn(self) -> Turn | None:
        with self._lock:
            return self._turns.popleft() if self._turns else None

    def give_back(self, turn: Turn) -> None:
        with self._lock:
            self._turns.appendleft(turn)

    def take_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def record(self, request: HttpRequest) -> int:
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=dict(request.headers),
            body=request.body,
            json=_parse_json(request.body) if request.body else None,
        )
        with self._lock:
            self._requests.append(recorded)
            self._lock.notify_all()
            return len(self._requests)

    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def pending(self) -> tuple[int, int]:
        with self._lock:
            return len(self._turns), len(self._faults)

    def wait_for_requests(self, count: int, timeout: float) -> list[RecordedRequest]:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(f"{len(self._requests)} requests arrived within {timeout} s, not {count}")
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._turns.clear()
            self._faults.clear()
            self._requests.clear()


class ReferenceServer:
    """An OpenAI-compatible chat server on loopback that serves scripted turns in a chosen dialect.

    ``start()`` runs it on its own event loop in a daemon thread (``with`` and ``async with`` do the same);
    :meth:`serve` runs it on the caller's loop instead. See ``docs/reference_server.md``.
    """

    def __init__(
        self,
        dialect: str | Dialect = "minimax",
        *,
        model: str | None = None,
        chunk_chars: int = 4,
        chunk_delay: float = 0.0,
        reasoning_details_mode: ReasoningDetailsMode | None = None,
        reasoning_field: str | None = None,
        ready_after: float = 0.0,
        model_info: Mapping[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        backlog: int = 2048,
        responder: Callable[[dict[str, Any]], Turn | None] | None = None,
    ) -> None:
        if chunk_chars < 1:
            raise ValueError("chunk_chars must be at least 1")
        self.dialect = resolve_dialect(
            dialect,
            model=model,
            reasoning_details_mode=reasoning_details_mode,
            reasoning_field=reasoning_field,
        )
        self.chunk_chars = chunk_chars
        self.chunk_delay = chunk_delay
        self.ready_after = ready_after
        self.host = host
        self._wanted_port = port
        self._backlog = backlog
        self._model_info = dict(model_info or {})
        self.responder = responder
        """Decides the turn for a request that finds the script empty (called on the server's thread with the
        parsed body); None from it, or no responder, serves the echo turn."""
        self._state = _State()
        self._port: int | None = None
        self._ready_at = 0.0
        self._marked_ready = False
        self._listener: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.peak_connections = 0
        """The most connections that were open at once (a load test can check it reached its target)."""
        self.connections_accepted = 0
        """How many connections were opened in all (a client that reuses connections opens few)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._routes: dict[str, tuple[str, Callable[[HttpRequest, int], _Exchange]]] = {
            "/v1/chat/completions": ("POST", self._chat),
            "/generate": ("POST", self._generate),
            "/health": ("GET", self._health),
            "/health_generate": ("GET", self._health),
            "/ready": ("GET", self._health),
            "/v1/models": ("GET", lambda request, seq: _Exchange(Plan(models_reply(self.dialect.model)))),
            "/model_info": ("GET", self._info),
            "/get_model_info": ("GET", self._info),
        }

    def mark_ready(self) -> None:
        """Make the health endpoints answer 200 from now on, whatever ``ready_after`` says.

        With ``ready_after=float("inf")`` readiness is then an event the test controls, not a duration that
        a slow or loaded machine may overrun. Safe to call from any thread, before or after ``start()``.
        """
        self._marked_ready = True

    # -- addresses -------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the server is not running: call start() first")
        return self._port

    @property
    def url(self) -> str:
        """The root URL, ``http://127.0.0.1:PORT`` (SGLang's endpoints live here)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, ``http://127.0.0.1:PORT/v1``."""
        return f"{self.url}/v1"

    # -- scripting -------------------------------------------------------------------------------------------

    def script(self, *turns: Turn) -> None:
        """Queue turns; each inference request takes the next one (an empty queue echoes the user)."""
        for turn in turns:
            if not isinstance(turn, Turn):
                raise TypeError(f"script() takes Turn objects, not {type(turn).__name__}")
        self._state.add_turns(turns)

    def fault(self, *faults: Fault) -> None:
        """Queue faults; each inference request takes the next one before it takes a turn."""
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"fault() takes Fault objects, not {type(fault).__name__}")
        self._state.add_faults(faults)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy)."""
        return self._state.requests()

    @property
    def open_connections(self) -> int:
        """How many client connections are open now."""
        return len(self._tasks)

    @property
    def pending(self) -> tuple[int, int]:
        """How many scripted turns and faults are still queued."""
        return self._state.pending()

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least ``count`` requests have arrived; TimeoutError after ``timeout`` seconds."""
        return self._state.wait_for_requests(count, timeout)

    def clear(self) -> None:
        """Forget recorded requests and drop queued turns and faults."""
        self._state.clear()

    def drop_route(self, path: str) -> None:
        """Answer 404 at ``path`` from now on (``"/ready"``: a server that only has ``/health``, as SGLang's
        rank >= 1 health stub and older servers)."""
        self._routes.pop(path, None)

    def ready_in(self, seconds: float) -> None:
        """From now on, ``/health`` and ``/ready`` answer 503 for ``seconds`` more (``math.inf``: until the
        next call), then 200: a server still loading, then warming up."""
        self.ready_after = seconds
        self._ready_at = time.monotonic() + seconds

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> ReferenceServer:
        """Bind and serve on a daemon thread; returns once the port is open."""
        if self._loop is not None:
            raise RuntimeError("the server is already running")
        loop = asyncio.new_event_loop()
        opened: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._loop = loop
        self._thread = threading.Thread(target=self._run, args=(loop, opened), name="reference-server", daemon=True)
        self._thread.start()
        try:
            opened.result(timeout=_START_TIMEOUT_S)
        except BaseException:
            self._thread.join(_STOP_TIMEOUT_S)
            self._loop = self._thread = None
            raise
        return self

    def _run(self, loop: asyncio.AbstractEventLoop, opened: concurrent.futures.Future[None]) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._open())
        except BaseException as exc:
            opened.set_exception(exc)
            loop.close()
            return
        opened.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._close())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self) -> None:
        """Close the listener and every connection, and end the thread. Safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_STOP_TIMEOUT_S)
        self._loop = self._thread = None

    async def serve(self, stop: asyncio.Event, on_started: Callable[[ReferenceServer], None] | None = None) -> None:
        """Serve on the running loop until ``stop`` is set; ``on_started`` runs once the port is open."""
        await self._open()
        try:
            if on_started is not None:
                on_started(self)
            await stop.wait()
        finally:
            await self._close()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> ReferenceServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    async def _open(self) -> None:
        if self._listener is not None:
            raise RuntimeError("the server is already running")
        self._listener = await asyncio.start_server(
            self._on_connection, self.host, self._wanted_port, backlog=self._backlog
        )
        self._port = int(self._listener.sockets[0].getsockname()[1])
        self._ready_at = time.monotonic() + self.ready_after

    async def _close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        listener.close()
        await asyncio.sleep(0)  # connections accepted just now get to register their tasks
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.wait_for(listener.wait_closed(), _STOP_TIMEOUT_S)
        self._port = None

    # -- connections -----------------------------------------------------------------------------------------

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections_accepted += 1
        self.peak_connections = max(self.peak_connections, len(self._tasks))
        conn = Connection(reader, writer)
        try:
            while await self._serve_next(conn):
                pass
            await conn.close()
        except asyncio.CancelledError:
            conn.abort()
        except OSError:  # the peer went away (ConnectionError) or the socket failed
            conn.abort()
        except Exception:
            _log.exception("reference server: connection failed")
            conn.abort()
        finally:
            self._tasks.discard(task)

    async def _serve_next(self, conn: Connection) -> bool:
        """Serve one request; True when the connection should wait for another."""
        try:
            request = await conn.read_request()
        except HttpError as exc:
            await deliver(conn, Plan(error_reply(exc.status, exc.message)), self._headers(0), keep_alive=False)
            return False
        if request is None:
            return False
        seq = self._state.record(request)
        exchange = self._dispatch(request, seq)
        complete = False
        try:
            complete = await deliver(
                conn,
                exchange.plan,
                self._headers(seq),
                keep_alive=request.keep_alive,
                chunk_delay=self.chunk_delay,
            )
        except ConnectionError:
            pass
        finally:
            if exchange.turn is not None and not (complete and exchange.plan.delivers_turn):
                self._state.give_back(exchange.turn)
        return complete and request.keep_alive

    def _headers(self, seq: int) -> list[tuple[str, str]]:
        return [
            ("date", formatdate(usegmt=True)),
            ("server", "minimax-sdk-reference"),
            ("x-request-id", f"req_{seq:06d}"),
        ]

    def _dispatch(self, request: HttpRequest, seq: int) -> _Exchange:
        route = self._routes.get(request.path)
        if route is None:
            return _Exchange(Plan(error_reply(404, f"no route for {request.path}")))
        method, handler = route
        if request.method != method:
            reply = error_reply(405, f"{request.path} takes {method}")
            reply.headers.append(("allow", method))
            return _Exchange(Plan(reply))
        return handler(request, seq)

    # -- routes ----------------------------------------------------------------------------------------------

    def _health(self, request: HttpRequest, seq: int) -> _Exchange:
        return _Exchange(Plan(health_reply(self._marked_ready or time.monotonic() >= self._ready_at)))

    def _info(self, request: HttpRequest, seq: int) -> _Exchange:
        return _Exchange(Plan(model_info_reply(self.dialect, self.dialect.model, self._model_info)))

    def _inference(
        self,
        payload: Payload,
        build: Callable[[Turn], Reply],
        user_text: Callable[[], str],
    ) -> _Exchange:
        """The fault and turn logic shared by the inference routes."""
        streaming = bool(payload.get("stream"))
        fault = self._state.take_fault()
        if fault is not None and not fault.needs_turn:
            return _Exchange(plan_for(fault, Reply(), streaming=streaming))
        scripted = self._state.take_turn()
        turn = scripted
        if turn is None and self.responder is not None:
            try:
                turn = self.responder(payload)
            except Exception as exc:  # the responder is test code: its failure is the server's 500
                return _Exchange(Plan(error_reply(500, f"responder failed: {type(exc).__name__}: {exc}")))
        if turn is None:
            turn = echo_turn(user_text())
        if fault is not None:
            turn = fault.prepare_turn(turn)
        try:
            reply = build(turn)
        except (TypeError, ValueError) as exc:
            return _Exchange(Plan(error_reply(500, f"reference server cannot render the turn: {exc}")))
        return _Exchange(plan_for(fault, reply, streaming=streaming), scripted)

    def _chat(self, request: HttpRequest, seq: int) -> _Exchange:
        payload = _parse_json(request.body)
        if not isinstance(payload, dict) or not isinstance(payload.get("messages"), list):
            return _Exchange(Plan(error_reply(400, "the body must be a JSON object with a 'messages' list")))
        options = payload.get("stream_options")
        model = payload.get("model")
        ctx = ChatContext(
            completion_id=f"chatcmpl-{seq:06d}",
            created=int(time.time()),
            model=model if isinstance(model, str) and model else self.dialect.model,
            prompt_tokens=estimate_tokens(json.dumps(payload["messages"], ensure_ascii=False)),
            chunk_chars=self.chunk_chars,
            include_usage=isinstance(options, dict) and bool(options.get("include_usage")),
        )

        def build(turn: Turn) -> Reply:
            if payload.get("stream"):
                events = [sse_event(chunk) for chunk in chat_chunks(self.dialect, turn, ctx)]
                return Reply(events=[*events, DONE_EVENT])
            return Reply(body=dumps(chat_completion(self.dialect, turn, ctx)))

        return self._inference(payload, build, lambda: last_user_text(payload["messages"]))

    def _generate(self, request: HttpRequest, seq: int) -> _Exchange:
        payload = _parse_json(request.body)
        problem = "the body must be a JSON object" if not isinstance(payload, dict) else None
        problem = problem or generate_payload_error(payload)
        if problem is not None:
            return _Exchange(Plan(error_reply(400, problem)))

        def build(turn: Turn) -> Reply:
            return generate_reply(payload, turn, request_id=f"gen-{seq:06d}", chunk_chars=self.chunk_chars)

        return self._inference(payload, build, lambda: generate_user_text(payload))
