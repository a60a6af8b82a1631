"""``MiniMax`` and ``AsyncMiniMax``: one typed interface over every backend.

>>> client = MiniMax()                                  # backend, model, key from arguments, env, minimax.toml
>>> client = MiniMax(backend=FunctionBackend(my_model))  # or any backend object
>>> response = client.chat([{"role": "user", "content": "Hi"}], temperature=0.7, timeout=30)
>>> response.message.reasoning, response.message.content
>>> for event in (stream := client.stream(messages)): ...
>>> stream.response.message                             # the assembled message once consumed

An assistant message from a response can be appended as it is to the next call's messages: its reasoning
goes back in the form the backend expects (interleaved thinking).

The client knows no wire format: it builds a typed :class:`~minimax_sdk.backends.base.ChatRequest` and hands
it to the backend that the settings name (from the registry of backend kinds) or that was passed as an object.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, overload

import httpx
from typing_extensions import Unpack

from ._log_setup import configure_logging_from_env
from ._secret import shown_url
from ._tool_spec import ToolLike, function_definition
from .agent._context import ContextPolicy
from .agent._loop import Limits, Loop, as_runnable_tools
from .agent._output import OutputType, output_tool
from .agent._runner import adrive, drive
from .agent._types import OutputT, RunDoneEvent, RunEvent, RunHooks, RunResult
from .backends.base import AsyncBackend, Backend, ChatParams, ChatRequest, split_params
from .config import Prices, Settings, load_settings
from .messages import ChatResponse, DoneEvent, Message, MessageLike, StreamEvent, to_messages
from .tools import Tool
from .tracing import ClientTracer, Tracing

ToolInput = ToolLike | Callable[..., Any]


def _as_tools(tools: Iterable[ToolInput] | None) -> tuple[Mapping[str, Any], ...] | None:
    """Function definitions, built once per request (plain functions are wrapped as ``Tool`` first): the
    backend, its parser and its assembler all read them, and a ``Tool`` rebuilds its ``definition`` on every
    access."""
    if tools is None:
        return None
    out: list[Mapping[str, Any]] = []
    for t in tools:
        if not (isinstance(t, Mapping) or hasattr(t, "definition")):
            if not callable(t):
                raise TypeError(f"a tool must be a dict, a Tool or a function, got {type(t).__name__}")
            t = Tool.from_function(t)
        out.append(function_definition(t))
    return tuple(out)


def _new_loop(
    messages: Iterable[MessageLike],
    tools: Iterable[Any],
    output_type: OutputType | None,
    limits: Limits | None,
    policy: ContextPolicy | None,
    hooks: RunHooks | None,
    prices: Prices | None,
) -> Loop:
    output = output_tool(output_type) if output_type is not None else None
    return Loop(messages, as_runnable_tools(tools), limits or Limits(), policy, hooks, output=output, prices=prices)


class _ClientBase:
    """Settings, the backend and request building, shared by the blocking and the async client.

    Arguments override the environment, which overrides ``minimax.toml`` (``config_file`` or
    ``$MINIMAX_CONFIG``); ``settings`` skips all that. ``backend`` is a backend kind's name or a backend
    object (settings then resolve as for the ``custom`` kind: no URL, no key). ``http_client`` is an
    ``httpx.Client`` (``httpx.AsyncClient`` for :class:`AsyncMiniMax`) for the HTTP backends to use.
    ``tracing``: OpenTelemetry spans when the application uses OpenTelemetry (default), a
    :class:`~minimax_sdk.tracing.Tracing` to choose the provider or capture content, or False for none.
    """

    _asynchronous = False

    def __init__(
        self,
        *,
        backend: str | Backend | AsyncBackend | None = None,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        config_file: str | Path | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        settings: Settings | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        tracing: Tracing | bool | None = None,
        **extra: Any,
    ) -> None:
        configure_logging_from_env()
        given = None if backend is None or isinstance(backend, str) else backend
        self.settings = settings or load_settings(
            config_file,
            backend="custom" if given is not None else backend,
            model=model,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            **extra,
        )
        if given is None:
            factory = self.settings.kind.load_factory()
            given = factory(self.settings, asynchronous=self._asynchronous, http_client=http_client)
        elif http_client is not None:
            raise TypeError("http_client is for the HTTP backends; a backend object brings its own transport")
        self._backend = self._checked(given)
        self._trace = ClientTracer(tracing, self.settings)

    def _checked(self, backend: Any) -> Any:
        raise NotImplementedError

    def _request(
        self, messages: Iterable[MessageLike], tools: Iterable[ToolInput] | None, params: Mapping[str, Any], where: str
    ) -> ChatRequest:
        model, sampling, options = split_params(params, where)
        return ChatRequest(
            model=model or self.settings.model,
            messages=tuple(to_messages(messages)),
            tools=_as_tools(tools),
            sampling=sampling,
            options=options,
        )

    @property
    def backend(self) -> Any:
        """The backend this client sends its requests to."""
        return self._backend

    def __repr__(self) -> str:
        s = self.settings
        url = shown_url(s.base_url) if s.base_url else None
        return f"{type(self).__name__}(backend={s.backend!r}, model={s.model!r}, base_url={url!r})"


class ChatStream:
    """The events of one streamed response; iterate it, then read ``response``. Closing stops the stream."""

    def __init__(self, events: Iterator[StreamEvent]) -> None:
        self._events = events
        self._response: ChatResponse | None = None

    def __iter__(self) -> Iterator[StreamEvent]:
        try:
            for event in self._events:
                if isinstance(event, DoneEvent):
                    self._response = event.response
                yield event
        except GeneratorExit:  # the caller stopped early (break, or dropped the iterator): close the connection
            self.close()
            raise

    @property
    def response(self) -> ChatResponse:
        """The assembled response; available once the stream was consumed to its end."""
        if self._response is None:
            raise RuntimeError("the stream has not been consumed to its end yet")
        return self._response

    def until_done(self) -> ChatResponse:
        """Consume the rest of the stream and return the response."""
        for _ in self:
            pass
        return self.response

    def close(self) -> None:
        """Stop reading and close the connection (also done when the stream is garbage-collected)."""
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncChatStream:
    """The async counterpart of :class:`ChatStream`.

    It is its own iterator (not an async generator), so breaking out of ``async for`` leaves nothing suspended
    but the backend's stream, which ``aclose()`` (or leaving ``async with``) closes at once.
    """

    def __init__(self, events: AsyncIterator[StreamEvent]) -> None:
        self._events = events
        self._response: ChatResponse | None = None

    def __aiter__(self) -> AsyncChatStream:
        return self

    async def __anext__(self) -> StreamEvent:
        event = await self._events.__anext__()
        if isinstance(event, DoneEvent):
            self._response = event.response
        return event

    @property
    def response(self) -> ChatResponse:
        if self._response is None:
            raise RuntimeError("the stream has not been consumed to its end yet")
        return self._response

    async def until_done(self) -> ChatResponse:
        async for _ in self:
            pass
        return self.response

    async def aclose(self) -> None:
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class MiniMax(_ClientBase):
    """Blocking client. Arguments override the environment, which overrides ``minimax.toml``."""

    _backend: Backend

    def _checked(self, backend: Any) -> Backend:
        if not isinstance(backend, Backend):
            raise TypeError(f"MiniMax needs a backend with chat, stream and close, got {type(backend).__name__}")
        return backend

    def chat(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **params: Unpack[ChatParams]
    ) -> ChatResponse:
        """One response.

        ``params``: sampling (``temperature``, ``top_p``, ``top_k``, ``max_tokens``, ``tool_choice``, ``stop``,
        ``seed``, ...: sent as given) and options for this request alone (``timeout``, ``max_retries``,
        ``extra_headers``, ``extra_query``, ``extra_body``). An unknown keyword is a ``TypeError``.
        """
        return self._trace.chat(self._request(messages, tools, params, "chat"), self._backend.chat)

    def stream(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **params: Unpack[ChatParams]
    ) -> ChatStream:
        """A streamed response: iterate the events, then read ``.response``. ``params`` as for :meth:`chat`."""
        request = self._request(messages, tools, params, "stream")
        return ChatStream(self._trace.stream(request, self._backend.stream(request)))

    @overload
    def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: None = None,
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[None]: ...

    @overload
    def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: type[OutputT],
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[OutputT]: ...

    @overload
    def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: Mapping[str, Any],
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[dict[str, Any]]: ...

    def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = (),
        output_type: OutputType | None = None,
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **params: Unpack[ChatParams],
    ) -> RunResult[Any]:
        """Run the agent loop until the model answers without tool calls or a limit is hit.

        ``tools``: ``Tool`` objects, plain functions, or tool dicts with a ``"callable"``. Invalid calls and
        tools that raise are answered with error results the model can act on; limits end the run with a
        ``stop_reason``, not an exception. ``context_policy`` defaults to :class:`KeepFirstAndLast`.

        ``output_type`` (a pydantic model, a dataclass or a TypedDict class, or an object JSON Schema): the
        model answers through a ``final_answer`` tool (or with JSON text); ``result.output`` is the validated
        answer. An answer that does not validate goes back with its problems, at most
        ``Limits.max_output_retries`` times, then ``stop_reason`` is ``output_retry_limit``.
        """
        events = self._run_events(messages, tools, output_type, limits, context_policy, hooks, params, streaming=False)
        for event in events:
            if isinstance(event, RunDoneEvent):
                return event.result
        raise AssertionError("unreachable: a run always ends with a RunDoneEvent")

    def run_stream(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = (),
        output_type: OutputType | None = None,
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **params: Unpack[ChatParams],
    ) -> Iterator[RunEvent]:
        """:meth:`run` as events: each turn's stream events, tool start/end events, then a RunDoneEvent."""
        return self._run_events(messages, tools, output_type, limits, context_policy, hooks, params, streaming=True)

    def _run_events(
        self,
        messages: Iterable[MessageLike],
        tools: Iterable[Any],
        output_type: OutputType | None,
        limits: Limits | None,
        policy: ContextPolicy | None,
        hooks: RunHooks | None,
        params: Mapping[str, Any],
        *,
        streaming: bool,
    ) -> Iterator[RunEvent]:
        split_params(params, "run")  # an unknown keyword fails here, before the first turn
        loop = _new_loop(messages, tools, output_type, limits, policy, hooks, self.settings.prices)

        def call_model(sent: list[Message]) -> Generator[StreamEvent, None, ChatResponse]:
            if not streaming:
                return self.chat(sent, tools=loop.definitions, **params)
            stream = self.stream(sent, tools=loop.definitions, **params)
            yield from stream
            return stream.response

        return self._trace.run(params.get("model") or self.settings.model, loop.transcript, drive(loop, call_model))

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> MiniMax:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncMiniMax(_ClientBase):
    """Asynchronous client; same arguments as :class:`MiniMax`."""

    _asynchronous = True
    _backend: AsyncBackend

    def _checked(self, backend: Any) -> AsyncBackend:
        if not isinstance(backend, AsyncBackend):
            raise TypeError(
                f"AsyncMiniMax needs a backend with achat, astream and aclose, got {type(backend).__name__}"
            )
        return backend

    async def chat(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **params: Unpack[ChatParams]
    ) -> ChatResponse:
        """One response; ``params`` as for :meth:`MiniMax.chat`."""
        return await self._trace.achat(self._request(messages, tools, params, "chat"), self._backend.achat)

    def stream(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **params: Unpack[ChatParams]
    ) -> AsyncChatStream:
        """A streamed response (an async iterator); ``params`` as for :meth:`MiniMax.chat`."""
        request = self._request(messages, tools, params, "stream")
        return AsyncChatStream(self._trace.astream(request, self._backend.astream(request)))

    @overload
    async def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: None = None,
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[None]: ...

    @overload
    async def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: type[OutputT],
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[OutputT]: ...

    @overload
    async def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = ...,
        output_type: Mapping[str, Any],
        limits: Limits | None = ...,
        context_policy: ContextPolicy | None = ...,
        hooks: RunHooks | None = ...,
        **params: Unpack[ChatParams],
    ) -> RunResult[dict[str, Any]]: ...

    async def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = (),
        output_type: OutputType | None = None,
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **params: Unpack[ChatParams],
    ) -> RunResult[Any]:
        """The async agent loop; see :meth:`MiniMax.run`. Async tools run on the event loop, sync ones in threads."""
        events = self._run_events(messages, tools, output_type, limits, context_policy, hooks, params, streaming=False)
        async for event in events:
            if isinstance(event, RunDoneEvent):
                return event.result
        raise AssertionError("unreachable: a run always ends with a RunDoneEvent")

    def run_stream(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any] = (),
        output_type: OutputType | None = None,
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **params: Unpack[ChatParams],
    ) -> AsyncIterator[RunEvent]:
        """:meth:`run` as events (an async iterator)."""
        return self._run_events(messages, tools, output_type, limits, context_policy, hooks, params, streaming=True)

    def _run_events(
        self,
        messages: Iterable[MessageLike],
        tools: Iterable[Any],
        output_type: OutputType | None,
        limits: Limits | None,
        policy: ContextPolicy | None,
        hooks: RunHooks | None,
        params: Mapping[str, Any],
        *,
        streaming: bool,
    ) -> AsyncIterator[RunEvent]:
        split_params(params, "run")  # an unknown keyword fails here, before the first turn
        loop = _new_loop(messages, tools, output_type, limits, policy, hooks, self.settings.prices)

        async def call_model(sent: list[Message]) -> AsyncIterator[StreamEvent]:
            if streaming:
                async for event in self.stream(sent, tools=loop.definitions, **params):
                    yield event
            else:
                yield DoneEvent(await self.chat(sent, tools=loop.definitions, **params))

        return self._trace.arun(params.get("model") or self.settings.model, loop.transcript, adrive(loop, call_model))

    async def aclose(self) -> None:
        await self._backend.aclose()

    async def __aenter__(self) -> AsyncMiniMax:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
