"""``MiniMax`` and ``AsyncMiniMax``: one typed interface over every backend.

>>> client = MiniMax()                                  # backend, model, key from arguments, env, minimax.toml
>>> response = client.chat([{"role": "user", "content": "Hi"}])
>>> response.message.reasoning, response.message.content
>>> for event in (stream := client.stream(messages)): ...
>>> stream.response.message                             # the assembled message once consumed

An assistant message from a response can be appended as it is to the next call's messages: its reasoning
goes back in the form the backend expects (interleaved thinking).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from ._tool_spec import ToolLike, function_definition
from .agent._context import ContextPolicy
from .agent._loop import Limits, Loop, as_runnable_tools
from .agent._runner import adrive, drive
from .agent._types import RunDoneEvent, RunEvent, RunHooks, RunResult
from .backends._wire import request_body
from .backends.http import AsyncHttpBackend, HttpBackend
from .config import Settings, load_settings
from .messages import ChatResponse, DoneEvent, Message, MessageLike, StreamEvent, to_messages
from .tools import Tool

ToolInput = ToolLike | Callable[..., Any]


def _as_tools(tools: Iterable[ToolInput] | None) -> list[ToolLike] | None:
    """Tools as the backends take them: OpenAI-style dicts, built once per request (plain functions are
    wrapped as ``Tool`` first). The request body, the parser and the normaliser all read the definitions,
    and a ``Tool`` rebuilds its ``definition`` on every access."""
    if tools is None:
        return None
    out: list[ToolLike] = []
    for t in tools:
        if not (isinstance(t, Mapping) or hasattr(t, "definition")):
            if not callable(t):
                raise TypeError(f"a tool must be a dict, a Tool or a function, got {type(t).__name__}")
            t = Tool.from_function(t)
        out.append({"type": "function", "function": function_definition(t)})
    return out


class _ClientBase:
    """Settings and request building, shared by the blocking and the async client.

    Arguments override the environment, which overrides ``minimax.toml`` (``config_file`` or
    ``$MINIMAX_CONFIG``); ``settings`` skips all that. ``http_client`` is an ``httpx.Client`` (or
    ``httpx.AsyncClient`` for :class:`AsyncMiniMax`) to use instead of the client's own.
    """

    def __init__(
        self,
        *,
        backend: str | None = None,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        config_file: str | Path | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        settings: Settings | None = None,
        http_client: httpx.Client | httpx.AsyncClient | None = None,
        **extra: Any,
    ) -> None:
        self.settings = settings or load_settings(
            config_file,
            backend=backend,
            model=model,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            **extra,
        )
        self._init_backend(http_client)

    def _init_backend(self, http_client: httpx.Client | httpx.AsyncClient | None) -> None:
        raise NotImplementedError

    def _body(
        self,
        messages: Iterable[MessageLike],
        tools: Sequence[ToolLike] | None,
        sampling: Mapping[str, Any],
        stream: bool,
    ) -> dict[str, Any]:
        from .backends.dialects import get_dialect

        model = sampling.get("model") or self.settings.model
        per_call = {k: v for k, v in sampling.items() if k != "model"}
        return request_body(
            model=model,
            messages=to_messages(messages),
            dialect=get_dialect(self.settings.backend),
            tools=tools,
            sampling=per_call,
            defaults=self.settings.sampling,
            stream=stream,
            extra_body=self.settings.extra_body,
        )

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(backend={s.backend!r}, model={s.model!r}, base_url={s.base_url!r})"


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
    """The async counterpart of :class:`ChatStream`."""

    def __init__(self, events: AsyncIterator[StreamEvent]) -> None:
        self._events = events
        self._response: ChatResponse | None = None

    async def __aiter__(self) -> AsyncIterator[StreamEvent]:
        try:
            async for event in self._events:
                if isinstance(event, DoneEvent):
                    self._response = event.response
                yield event
        except GeneratorExit:
            await self.aclose()
            raise

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

    def _init_backend(self, http_client: httpx.Client | httpx.AsyncClient | None) -> None:
        if isinstance(http_client, httpx.AsyncClient):
            raise TypeError("MiniMax needs an httpx.Client; use AsyncMiniMax with an httpx.AsyncClient")
        self._backend = HttpBackend(self.settings, http_client=http_client)

    def chat(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **sampling: Any
    ) -> ChatResponse:
        """One response. ``sampling``: temperature, top_p, top_k, max_tokens, tool_choice, ... (sent as given)."""
        tool_list = _as_tools(tools)
        return self._backend.chat(self._body(messages, tool_list, sampling, False), tool_list)

    def stream(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **sampling: Any
    ) -> ChatStream:
        """A streamed response: iterate the events, then read ``.response``."""
        tool_list = _as_tools(tools)
        return ChatStream(self._backend.stream(self._body(messages, tool_list, sampling, True), tool_list))

    def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any],
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **sampling: Any,
    ) -> RunResult:
        """Run the agent loop until the model answers without tool calls or a limit is hit.

        ``tools``: ``Tool`` objects, plain functions, or tool dicts with a ``"callable"``. Invalid calls and
        tools that raise are answered with error results the model can act on; limits end the run with a
        ``stop_reason``, not an exception. ``context_policy`` defaults to :class:`KeepFirstAndLast`.
        """
        for event in self._run_events(messages, tools, limits, context_policy, hooks, sampling, streaming=False):
            if isinstance(event, RunDoneEvent):
                return event.result
        raise AssertionError("unreachable: a run always ends with a RunDoneEvent")

    def run_stream(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any],
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **sampling: Any,
    ) -> Iterator[RunEvent]:
        """:meth:`run` as events: each turn's stream events, tool start/end events, then a RunDoneEvent."""
        return self._run_events(messages, tools, limits, context_policy, hooks, sampling, streaming=True)

    def _run_events(
        self,
        messages: Iterable[MessageLike],
        tools: Iterable[Any],
        limits: Limits | None,
        policy: ContextPolicy | None,
        hooks: RunHooks | None,
        sampling: dict[str, Any],
        *,
        streaming: bool,
    ) -> Iterator[RunEvent]:
        loop = Loop(messages, as_runnable_tools(tools), limits or Limits(), policy, hooks)

        def call_model(sent: list[Message]) -> Generator[StreamEvent, None, ChatResponse]:
            if not streaming:
                return self.chat(sent, tools=loop.definitions, **sampling)
            stream = self.stream(sent, tools=loop.definitions, **sampling)
            yield from stream
            return stream.response

        return drive(loop, call_model)

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

    def _init_backend(self, http_client: httpx.Client | httpx.AsyncClient | None) -> None:
        if isinstance(http_client, httpx.Client):
            raise TypeError("AsyncMiniMax needs an httpx.AsyncClient; use MiniMax with an httpx.Client")
        self._backend = AsyncHttpBackend(self.settings, http_client=http_client)

    async def chat(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **sampling: Any
    ) -> ChatResponse:
        tool_list = _as_tools(tools)
        return await self._backend.chat(self._body(messages, tool_list, sampling, False), tool_list)

    def stream(
        self, messages: Iterable[MessageLike], *, tools: Iterable[ToolInput] | None = None, **sampling: Any
    ) -> AsyncChatStream:
        tool_list = _as_tools(tools)
        return AsyncChatStream(self._backend.stream(self._body(messages, tool_list, sampling, True), tool_list))

    async def run(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any],
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **sampling: Any,
    ) -> RunResult:
        """The async agent loop; see :meth:`MiniMax.run`. Async tools run on the event loop, sync ones in threads."""
        async for event in self._run_events(messages, tools, limits, context_policy, hooks, sampling, streaming=False):
            if isinstance(event, RunDoneEvent):
                return event.result
        raise AssertionError("unreachable: a run always ends with a RunDoneEvent")

    def run_stream(
        self,
        messages: Iterable[MessageLike],
        *,
        tools: Iterable[Any],
        limits: Limits | None = None,
        context_policy: ContextPolicy | None = None,
        hooks: RunHooks | None = None,
        **sampling: Any,
    ) -> AsyncIterator[RunEvent]:
        """:meth:`run` as events (an async iterator)."""
        return self._run_events(messages, tools, limits, context_policy, hooks, sampling, streaming=True)

    def _run_events(
        self,
        messages: Iterable[MessageLike],
        tools: Iterable[Any],
        limits: Limits | None,
        policy: ContextPolicy | None,
        hooks: RunHooks | None,
        sampling: dict[str, Any],
        *,
        streaming: bool,
    ) -> AsyncIterator[RunEvent]:
        loop = Loop(messages, as_runnable_tools(tools), limits or Limits(), policy, hooks)

        async def call_model(sent: list[Message]) -> AsyncIterator[StreamEvent]:
            if streaming:
                async for event in self.stream(sent, tools=loop.definitions, **sampling):
                    yield event
            else:
                yield DoneEvent(await self.chat(sent, tools=loop.definitions, **sampling))

        return adrive(loop, call_model)

    async def aclose(self) -> None:
        await self._backend.aclose()

    async def __aenter__(self) -> AsyncMiniMax:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
