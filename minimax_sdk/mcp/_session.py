"""One live connection to an MCP server: :class:`MCPSession`.

The ``mcp`` client session lives in one task on a private event loop thread (:class:`LoopThread`), from
``connect`` to ``close``; tool calls are submitted to that loop from any thread or event loop. So the one
mechanism serves ``MiniMax.run`` (tools in worker threads), ``AsyncMiniMax.run`` and LangGraph alike.

A call never hangs and never raises at the model: it ends within the session's ``timeout`` and every failure
(the server's error, a timeout, a lost connection, a closed session) is an error :class:`ToolResult`. Once the
connection is lost, every later call is answered at once with the same error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from minimax_sdk.mcp._content import call_result
from minimax_sdk.mcp._errors import MCPConnectionError, MCPError, MCPTimeoutError, MCPToolError
from minimax_sdk.mcp._loop import LoopThread
from minimax_sdk.mcp._transports import Transport
from minimax_sdk.tools import ToolResult
from minimax_sdk.tools._results import error_result

if TYPE_CHECKING:
    from minimax_sdk.mcp._tool import MCPTool

__all__ = ["MCPSession"]

# what the mcp client raises for a request whose connection went away (mcp_types.CONNECTION_CLOSED)
_CONNECTION_CLOSED = -32000
# how long close() waits for the server to shut down (the stdio transport's own waits are bounded; 2 s each)
_CLOSE_WAIT = 30.0


def _describe(exc: BaseException | None) -> str:
    """A one-line reason, unwrapping the exception groups of anyio task groups."""
    while exc is not None and getattr(exc, "exceptions", None):  # an (anyio) exception group: its first cause
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    if exc is None:
        return "the connection ended"
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _with_stderr(message: str, tail: str) -> str:
    return f"{message}\nThe server's last standard error output:\n{tail}" if tail else message


class MCPSession:
    """A connection to one MCP server, open between :meth:`connect` and :meth:`close` (or in a ``with`` /
    ``async with`` block). Build one with :func:`~minimax_sdk.mcp.mcp_stdio` or :func:`~minimax_sdk.mcp.mcp_http`.

    While it is open, :meth:`tools` gives the server's tools as SDK tools; their calls go through this session.
    """

    def __init__(
        self, transport: Transport, *, name: str | None, timeout: float | None, connect_timeout: float
    ) -> None:
        for label, value in (("timeout", timeout), ("connect_timeout", connect_timeout)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise ValueError(f"{label} must be a positive number of seconds, got {value!r}")
        self._transport = transport
        self._name = name
        self._timeout = None if timeout is None else float(timeout)
        self._connect_timeout = float(connect_timeout)
        self._thread: LoopThread | None = None
        self._main: concurrent.futures.Future[None] | None = None
        self._scope: Any = None  # the anyio.CancelScope that holds the connection open
        self._session: Any = None  # the mcp.ClientSession, set while connected
        self._server_info: dict[str, Any] = {}
        self._tool_specs: list[dict[str, Any]] = []
        self._listed = False
        self._inflight: set[asyncio.Task[Any]] = set()
        self._failure: MCPConnectionError | None = None
        self._closing = False
        self._lock = threading.Lock()

    # Identity and state

    @property
    def name(self) -> str:
        """The name used in messages: ``name=`` if given, else the server's own, else the command or URL."""
        return self._name or str(self._server_info.get("name") or "") or self._transport.label

    @property
    def server_info(self) -> dict[str, Any]:
        """The server's ``serverInfo`` from the handshake (name, version, ...); empty before connecting."""
        return dict(self._server_info)

    @property
    def timeout(self) -> float | None:
        """Seconds a tool call may take before it is cancelled and answered with an error (None: no limit)."""
        return self._timeout

    @property
    def is_connected(self) -> bool:
        """Open, and the connection is not known to be lost."""
        return self._session is not None and self._failure is None and not self._closing

    @property
    def failure(self) -> MCPConnectionError | None:
        """Why the connection was lost, once it was (else None)."""
        return self._failure

    # Life

    def connect(self) -> MCPSession:
        """Start (or reach) the server, do the MCP handshake and list its tools; blocks until done.

        Raises :class:`MCPConnectionError` if the server cannot be started or reached, or does not finish the
        handshake within ``connect_timeout``; the session is then closed.
        """
        ready = self._start()
        try:
            ready.result()  # bounded: the handshake has its own deadline
        except BaseException:
            self.close()
            raise
        return self

    async def aconnect(self) -> MCPSession:
        """:meth:`connect` without blocking the running event loop."""
        ready = self._start()
        try:
            await asyncio.wrap_future(ready)
        except BaseException:
            await self.aclose()
            raise
        return self

    def close(self) -> None:
        """End the session: calls still running are answered with an error, the server (stdio) is stopped.

        Idempotent; a closed session cannot be opened again (make a new one).
        """
        with self._lock:
            if self._closing:
                return
            self._closing = True
        thread = self._thread
        if thread is None:
            return
        if thread.is_current:
            raise RuntimeError("an MCP session cannot be closed from inside one of its own calls")
        with contextlib.suppress(RuntimeError):
            thread.loop.call_soon_threadsafe(self._cancel_main)
        if self._main is not None:
            with contextlib.suppress(BaseException):
                self._main.result(timeout=_CLOSE_WAIT)
        thread.stop()
        self._transport.cleanup()

    async def aclose(self) -> None:
        """:meth:`close` without blocking the running event loop."""
        await asyncio.to_thread(self.close)

    def __enter__(self) -> MCPSession:
        return self.connect()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> MCPSession:
        return await self.aconnect()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        state = "lost" if self._failure else "open" if self.is_connected else "closed" if self._closing else "new"
        return f"MCPSession(name={self.name!r}, state={state!r})"

    # Tools

    def tools(self, names: Iterable[str] | None = None, *, prefix: str = "") -> list[MCPTool]:
        """The server's tools (as listed when the session opened) as SDK tools, in the server's order.

        ``names`` keeps only those tools (by the server's names; an unknown name is a ``ValueError``).
        ``prefix`` is put before each name the model sees (``prefix="fs_"``: ``fs_read_file``), to keep tools
        of several servers apart; calls still use the server's name. In a name the model cannot use (MCP names
        may hold ``.`` and run to 128 characters) other characters become ``_`` and it is cut at 64.
        The schemas are the server's, unchanged; a schema that is not valid JSON Schema is a ``ValueError``.
        """
        from minimax_sdk.mcp._tool import MCPTool, model_name

        if not self._listed:  # never connected (after a lost connection, the tools answer with the error)
            raise RuntimeError("open the MCP session first: `with mcp_stdio(...) as server: server.tools()`")
        specs = self._tool_specs
        if names is not None:
            wanted = [names] if isinstance(names, str) else list(names)
            known = {spec["name"] for spec in specs}
            unknown = [n for n in wanted if n not in known]
            if unknown:
                raise ValueError(
                    f"the MCP server `{self.name}` has no tool named {', '.join(map(repr, unknown))}; "
                    f"it has: {', '.join(sorted(known)) or 'none'}"
                )
            specs = [spec for spec in specs if spec["name"] in set(wanted)]
        tools: list[MCPTool] = []
        seen: dict[str, str] = {}
        for spec in specs:
            name = model_name(prefix + spec["name"])
            if name in seen:
                raise ValueError(
                    f"the MCP tools {seen[name]!r} and {spec['name']!r} of `{self.name}` both become `{name}`"
                )
            seen[name] = spec["name"]
            tools.append(MCPTool(self, spec, name=name))
        return tools

    # Calls (from any thread or event loop)

    def call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Call the server's tool ``name`` and wait for its result (never raises for the model's sake)."""
        future = self._submit(name, arguments)
        if isinstance(future, ToolResult):
            return future
        try:
            return future.result()
        except concurrent.futures.CancelledError:  # the session's loop stopped under the call
            return self._unavailable() or self._closed_result()

    async def acall(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        """:meth:`call` for async code: waits without blocking the caller's event loop."""
        future = self._submit(name, arguments)
        if isinstance(future, ToolResult):
            return future
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if not future.cancelled() or _cancelling(asyncio.current_task()):
                raise  # the caller was cancelled (the call on the server was cancelled with it)
            return self._unavailable() or self._closed_result()  # the session's loop stopped under the call

    def _submit(self, name: str, arguments: dict[str, Any]) -> concurrent.futures.Future[ToolResult] | ToolResult:
        unavailable = self._unavailable()
        if unavailable is not None:
            return unavailable
        assert self._thread is not None
        if self._thread.is_current:
            return self._error_result(
                MCPError(f"the MCP tool `{name}` was called from inside its own session's loop", server=self.name)
            )
        try:
            return self._thread.submit(self._call(name, arguments))
        except RuntimeError:  # the loop stopped in between
            return self._unavailable() or self._closed_result()

    # Inside the session's loop

    def _cancel_main(self) -> None:
        if self._scope is not None:
            self._scope.cancel()

    def _start(self) -> concurrent.futures.Future[None]:
        with self._lock:
            if self._thread is not None or self._closing:
                raise RuntimeError("this MCP session was already opened; make a new one to connect again")
            self._thread = LoopThread(f"minimax-mcp {self._transport.label}"[:60])
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._main = self._thread.submit(self._serve(ready))
        return ready

    async def _serve(self, ready: concurrent.futures.Future[None]) -> None:
        """Hold the connection open until :meth:`close`; then, or when it breaks, answer every pending call."""
        failure: BaseException | None = None
        timed_out = False
        try:
            import anyio
            from mcp import ClientSession

            self._scope = scope = anyio.CancelScope(deadline=anyio.current_time() + self._connect_timeout)
            if self._closing:
                scope.cancel()
            with scope:
                async with self._transport.open() as (read, write), ClientSession(read, write) as session:
                    initialized = await session.initialize()
                    self._server_info = initialized.server_info.model_dump(mode="json", exclude_none=True)
                    self._tool_specs = await _list_tools(session)
                    self._listed = True
                    scope.deadline = math.inf
                    self._session = session
                    ready.set_result(None)
                    await anyio.sleep_forever()
            timed_out = scope.cancelled_caught and not self._closing
        except BaseException as exc:  # an exception group from the transport's task group, a failed spawn, ...
            failure = exc
        self._session = None
        if not ready.done():
            reason = (
                f"no answer to the MCP handshake within {self._connect_timeout:g} s"
                if timed_out
                else _describe(failure)
            )
            tail = self._transport.stderr_tail()
            message = _with_stderr(f"could not connect to the MCP server `{self.name}`: {reason}", tail)
            ready.set_exception(MCPConnectionError(message, server=self.name, stderr_tail=tail))
        elif not self._closing:
            self._lost(_describe(failure))
        for task in list(self._inflight):
            task.cancel()

    async def _call(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        import anyio
        from mcp.shared.exceptions import MCPError as ProtocolError

        unavailable = self._unavailable()
        if unavailable is not None:
            return unavailable
        task = asyncio.current_task()
        assert task is not None
        self._inflight.add(task)
        try:
            with anyio.fail_after(self._timeout):
                result = await self._session.call_tool(name, arguments)
        except TimeoutError:
            message = f"the MCP tool `{name}` did not finish within {self._timeout:g} s; the call was cancelled"
            return self._error_result(MCPTimeoutError(message, server=self.name))
        except ProtocolError as exc:
            if exc.code == _CONNECTION_CLOSED:
                detail = "" if exc.message.lower() == "connection closed" else f" ({exc.message})"
                return self._lost(f"the connection closed{detail}")
            message = f"the MCP server rejected the call to `{name}`: {exc.message} (JSON-RPC error {exc.code})"
            return self._error_result(MCPToolError(message, server=self.name, code=exc.code))
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream) as exc:
            return self._lost(f"the connection closed ({type(exc).__name__})")
        except asyncio.CancelledError:
            unavailable = self._unavailable()
            if unavailable is None:
                raise
            return unavailable
        except Exception as exc:  # a result the mcp client refused (e.g. against the output schema), ...
            return error_result(exc)
        finally:
            self._inflight.discard(task)
        return call_result(self.name, name, result.model_dump(by_alias=True, mode="json", exclude_none=True))

    # Answers without the server

    def _lost(self, reason: str) -> ToolResult:
        """Record that the connection is gone (the first reason wins) and answer with it."""
        if self._failure is None and not self._closing:
            # the model reads this message; the server's standard error (noisy, maybe private) stays on the error
            message = (
                f"the MCP server `{self.name}` is not available: {reason}. Its tools cannot be used for the rest "
                "of this session"
            )
            tail = self._transport.stderr_tail()
            self._failure = MCPConnectionError(message, server=self.name, stderr_tail=tail)
        return self._unavailable() or self._closed_result()

    def _unavailable(self) -> ToolResult | None:
        if self._failure is not None:
            return self._error_result(self._failure)
        if self._closing or self._session is None:
            return self._closed_result()
        return None

    def _closed_result(self) -> ToolResult:
        state = "closed" if self._closing else "not open"
        return self._error_result(MCPConnectionError(f"the MCP session `{self.name}` is {state}", server=self.name))

    @staticmethod
    def _error_result(exc: MCPError) -> ToolResult:
        return ToolResult(f"Error: {exc}", is_error=True, error=exc)


def _cancelling(task: asyncio.Task[Any] | None) -> bool:
    """Whether ``task`` itself was asked to cancel (Python 3.11+ can tell; before, assume it was)."""
    cancelling = getattr(task, "cancelling", None)
    return True if cancelling is None else bool(cancelling())


async def _list_tools(session: Any) -> list[dict[str, Any]]:
    """Every tool the server lists, page after page, in its wire form (camelCase keys)."""
    from mcp.types import PaginatedRequestParams

    specs: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = await session.list_tools(params=PaginatedRequestParams(cursor=cursor) if cursor else None)
        specs.extend(t.model_dump(by_alias=True, mode="json", exclude_none=True) for t in page.tools)
        cursor = page.next_cursor
        if not cursor:
            return specs
