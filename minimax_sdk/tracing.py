"""OpenTelemetry spans for chat and stream requests, agent runs, their turns and tool calls.

Tracing follows the application: when it uses OpenTelemetry (``opentelemetry-api`` is imported, as it is once
a tracer provider is set), the client's spans go to the global tracer provider, or to the one given as
``MiniMax(tracing=Tracing(tracer_provider=...))``. The SDK configures no exporter and never imports
``opentelemetry`` itself: without it, tracing costs one dictionary lookup per request. ``tracing=False`` turns
it off for a client.

Spans follow the OpenTelemetry GenAI semantic conventions (guide: ``docs/tracing.md``)::

    invoke_agent                      one per run (run, run_stream)
    ├── turn                          one per model call of the run, with the tool calls it asked for
    │   ├── chat MiniMax-M2.1         one per chat() or stream(); a stream's span ends with the stream
    │   └── execute_tool get_weather  one per tool call that ran

Prompts, completions, tool arguments and results are recorded only when content capture is on
(``Tracing(capture_content=True)``, or the environment variable
``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``). The API key and headers are never recorded.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .messages import AssistantMessage, ChatResponse, DoneEvent, Message, StreamEvent, ToolMessage, Usage
from .parsing import InvalidToolCall, ReasoningBlock, TextBlock, ToolCall

if TYPE_CHECKING:
    from .backends.base import ChatRequest
    from .config import Settings
    from .tools import ToolResult

__all__ = ["CAPTURE_CONTENT_ENV", "Tracing"]

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
"""The environment variable that turns content capture on (``true``) when ``capture_content`` is None."""

_SCOPE = "minimax_sdk"
# the request's sampling parameters that have a GenAI attribute, by the SDK's name
_REQUEST_ATTRIBUTES = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "top_k": "gen_ai.request.top_k",
    "max_tokens": "gen_ai.request.max_tokens",
    "max_completion_tokens": "gen_ai.request.max_tokens",
    "seed": "gen_ai.request.seed",
    "presence_penalty": "gen_ai.request.presence_penalty",
    "frequency_penalty": "gen_ai.request.frequency_penalty",
    "stop": "gen_ai.request.stop_sequences",
}


@dataclass(frozen=True)
class Tracing:
    """How a client traces: ``MiniMax(tracing=Tracing(...))``; ``tracing=False`` turns tracing off.

    ``tracer_provider``: an OpenTelemetry ``TracerProvider`` to use instead of the global one.
    ``capture_content``: record prompts, completions, reasoning, tool arguments and results on the spans
    (they may hold personal data); None reads ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``.
    """

    enabled: bool = True
    tracer_provider: Any = None
    capture_content: bool | None = None

    def content_captured(self) -> bool:
        """Whether spans record message content: ``capture_content``, else the environment variable."""
        if self.capture_content is not None:
            return self.capture_content
        return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() in ("true", "1", "yes")


class ClientTracer:
    """The spans of one client. Resolves the OpenTelemetry tracer at the first request that finds
    ``opentelemetry.trace`` imported (or a provider given), so a process without OpenTelemetry never loads it."""

    def __init__(self, config: Tracing | bool | None, settings: Settings) -> None:
        if config is None or config is True:
            config = Tracing()
        elif config is False:
            config = Tracing(enabled=False)
        elif not isinstance(config, Tracing):
            raise TypeError(f"tracing must be a Tracing, True or False, got {type(config).__name__}")
        self.config = config
        self._otel: Any = None
        self._provider = settings.backend
        self._prices = settings.prices
        self._server: dict[str, Any] = {}
        if settings.base_url:
            parts = urlsplit(settings.base_url)  # host and port only: never user, password, path or query
            if parts.hostname:
                self._server["server.address"] = parts.hostname
                port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
                if port:
                    self._server["server.port"] = port

    def tracer(self) -> Any:
        """The OpenTelemetry tracer, or None while the application does not use OpenTelemetry."""
        if self._otel is not None or not self.config.enabled:
            return self._otel
        provider = self.config.tracer_provider
        if provider is None and "opentelemetry.trace" not in sys.modules:
            return None
        from opentelemetry import trace

        from ._version import __version__  # importlib.metadata: loaded only when spans are made

        self._otel = trace.get_tracer(_SCOPE, __version__, tracer_provider=provider)
        return self._otel

    # --- chat and stream ----------------------------------------------------------------------------------

    def _start_chat(self, tracer: Any, request: ChatRequest) -> Any:
        from opentelemetry.trace import SpanKind

        attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": self._provider,
            "gen_ai.request.model": request.model,
            **self._server,
        }
        for key, value in request.sampling.items():
            name = _REQUEST_ATTRIBUTES.get(key)
            if name is not None and value is not None:
                attributes[name] = [value] if key == "stop" and isinstance(value, str) else value
        span = tracer.start_span(f"chat {request.model}", kind=SpanKind.CLIENT, attributes=attributes)
        if span.is_recording() and self.config.content_captured():
            span.set_attribute("gen_ai.input.messages", _messages_json(request.messages))
            if request.tools:
                span.set_attribute("gen_ai.tool.definitions", _json([dict(t) for t in request.tools]))
        return span

    def _finish_chat(self, span: Any, response: ChatResponse) -> None:
        if span.is_recording():
            attributes: dict[str, Any] = {}
            if response.model:
                attributes["gen_ai.response.model"] = response.model
            if response.id:
                attributes["gen_ai.response.id"] = response.id
            if response.finish_reason:
                attributes["gen_ai.response.finish_reasons"] = [response.finish_reason]
            if response.usage is not None:
                attributes.update(self._usage_attributes(response.usage))
            span.set_attributes(attributes)
            if self.config.content_captured():
                span.set_attribute(
                    "gen_ai.output.messages", _json([_message_parts(response.message, response.finish_reason)])
                )
        span.end()

    def _usage_attributes(self, usage: Usage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "gen_ai.usage.input_tokens": usage.prompt_tokens,
            "gen_ai.usage.output_tokens": usage.completion_tokens,
        }
        if usage.reasoning_tokens is not None:
            out["gen_ai.usage.reasoning.output_tokens"] = usage.reasoning_tokens
        if usage.cached_tokens is not None:
            out["gen_ai.usage.cache_read.input_tokens"] = usage.cached_tokens
        if self._prices is not None:
            out["minimax.usage.cost"] = self._prices.cost(usage)
        return out

    def _fail(self, span: Any, exc: BaseException) -> None:
        _record_error(span, exc, self.config.content_captured())
        span.end()

    def chat(self, request: ChatRequest, send: Callable[[ChatRequest], ChatResponse]) -> ChatResponse:
        """``send(request)`` inside a ``chat {model}`` span (the current span while it runs)."""
        tracer = self.tracer()
        if tracer is None:
            return send(request)
        from opentelemetry import trace

        span = self._start_chat(tracer, request)
        if not span.is_recording():  # no SDK, or sampled out
            span.end()
            return send(request)
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                response = send(request)
        except BaseException as exc:
            self._fail(span, exc)
            raise
        self._finish_chat(span, response)
        return response

    async def achat(self, request: ChatRequest, send: Callable[[ChatRequest], Awaitable[ChatResponse]]) -> ChatResponse:
        """:meth:`chat` for the async client."""
        tracer = self.tracer()
        if tracer is None:
            return await send(request)
        from opentelemetry import trace

        span = self._start_chat(tracer, request)
        if not span.is_recording():  # no SDK, or sampled out
            span.end()
            return await send(request)
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                response = await send(request)
        except BaseException as exc:
            self._fail(span, exc)
            raise
        self._finish_chat(span, response)
        return response

    def stream(self, request: ChatRequest, events: Iterator[StreamEvent]) -> Iterator[StreamEvent]:
        """``events`` inside a ``chat {model}`` span started now and ended by the :class:`DoneEvent`, an
        error, ``close()`` or garbage collection."""
        tracer = self.tracer()
        if tracer is None:
            return events
        span = self._start_chat(tracer, request)
        if not span.is_recording():  # no SDK, or sampled out: nothing to record per event
            span.end()
            return events
        return _TracedStream(self, span, events)

    def astream(self, request: ChatRequest, events: AsyncIterator[StreamEvent]) -> AsyncIterator[StreamEvent]:
        """:meth:`stream` for the async client."""
        tracer = self.tracer()
        if tracer is None:
            return events
        span = self._start_chat(tracer, request)
        if not span.is_recording():
            span.end()
            return events
        return _TracedAsyncStream(self, span, events)

    # --- runs ---------------------------------------------------------------------------------------------

    def _start_run(self, tracer: Any, model: str, messages: Sequence[Message]) -> _RunTrace:
        from opentelemetry.trace import SpanKind

        attributes = {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.provider.name": self._provider,
            "gen_ai.request.model": model,
        }
        span = tracer.start_span("invoke_agent", kind=SpanKind.INTERNAL, attributes=attributes)
        if span.is_recording() and self.config.content_captured():
            span.set_attribute("gen_ai.input.messages", _messages_json(messages))
        return _RunTrace(self, tracer, span)

    def run(self, model: str, messages: Sequence[Message], events: Iterator[Any]) -> Iterator[Any]:
        """A run's events inside an ``invoke_agent`` span, which is the current span while the run works
        (turn and tool spans nest under it); ended by the :class:`RunDoneEvent`, an error, ``close()`` or
        garbage collection. ``messages``: the run's input."""
        tracer = self.tracer()
        run = self._start_run(tracer, model, messages) if tracer is not None else None
        if run is None or not run.span.is_recording():  # no SDK, or sampled out: the run's spans would be too
            if run is not None:
                run.span.end()
            return events
        return _TracedRun(run, events)

    def arun(self, model: str, messages: Sequence[Message], events: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """:meth:`run` for the async client."""
        tracer = self.tracer()
        run = self._start_run(tracer, model, messages) if tracer is not None else None
        if run is None or not run.span.is_recording():
            if run is not None:
                run.span.end()
            return events
        return _TracedAsyncRun(run, events)


def _record_error(span: Any, exc: BaseException, with_message: bool) -> None:
    """``error.type`` and an error status; the message only with content capture (a server's error text may
    quote the request). ``GeneratorExit`` and cancellation are not errors: the caller stopped."""
    if isinstance(exc, GeneratorExit) or type(exc).__name__ == "CancelledError" or not span.is_recording():
        return
    from opentelemetry.trace import Status, StatusCode

    name = type(exc).__qualname__
    span.set_attribute("error.type", name)
    status_code = getattr(exc, "status_code", None)
    if isinstance(status_code, int) and not isinstance(status_code, bool):
        span.set_attribute("http.response.status_code", status_code)
    request_id = getattr(exc, "request_id", None)
    if isinstance(request_id, str) and request_id:
        span.set_attribute("minimax.request_id", request_id)
    span.set_status(Status(StatusCode.ERROR, f"{name}: {exc}" if with_message else name))
    if with_message:
        span.record_exception(exc)


class _StreamSpan:
    """A stream's span, ended exactly once: at the :class:`DoneEvent`, an error, close or GC. While the backend
    works on an event the span is current, so HTTP client spans nest under it. The sync and async iterators
    below differ only in how they take the next event."""

    def __init__(self, owner: ClientTracer, span: Any) -> None:
        self._owner = owner
        self._span: Any = span

    def _current(self, span: Any) -> Any:
        from opentelemetry import trace

        return trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False)

    def _failed(self, span: Any, exc: BaseException) -> None:
        self._span = None
        self._owner._fail(span, exc)

    def _seen(self, span: Any, event: StreamEvent) -> StreamEvent:
        if isinstance(event, DoneEvent):
            self._span = None
            self._owner._finish_chat(span, event.response)
        return event

    def _end(self) -> None:
        span, self._span = self._span, None
        if span is not None:
            span.end()

    def __del__(self) -> None:
        self._end()


class _TracedStream(_StreamSpan):
    """A blocking stream's events, with its span (:class:`_StreamSpan`)."""

    def __init__(self, owner: ClientTracer, span: Any, events: Iterator[StreamEvent]) -> None:
        super().__init__(owner, span)
        self._events = events

    def __iter__(self) -> _TracedStream:
        return self

    def __next__(self) -> StreamEvent:
        span = self._span
        if span is None:
            return next(self._events)
        try:
            with self._current(span):
                event = next(self._events)
        except StopIteration:
            self._end()
            raise
        except BaseException as exc:
            self._failed(span, exc)
            raise
        return self._seen(span, event)

    def close(self) -> None:
        try:
            close = getattr(self._events, "close", None)
            if close is not None:
                close()
        finally:
            self._end()


class _TracedAsyncStream(_StreamSpan):
    """An async stream's events, with its span (:class:`_StreamSpan`)."""

    def __init__(self, owner: ClientTracer, span: Any, events: AsyncIterator[StreamEvent]) -> None:
        super().__init__(owner, span)
        self._events = events

    def __aiter__(self) -> _TracedAsyncStream:
        return self

    async def __anext__(self) -> StreamEvent:
        span = self._span
        if span is None:
            return await self._events.__anext__()
        try:
            with self._current(span):
                event = await self._events.__anext__()
        except StopAsyncIteration:
            self._end()
            raise
        except BaseException as exc:
            self._failed(span, exc)
            raise
        return self._seen(span, event)

    async def aclose(self) -> None:
        try:
            aclose = getattr(self._events, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            self._end()


# --- runs: the invoke_agent span, its turns and tool calls ------------------------------------------------

_CURRENT_RUN: ContextVar[_RunTrace | None] = ContextVar("minimax_sdk_run_trace", default=None)


class _RunTrace:
    """The spans of one run: the ``invoke_agent`` span and the open ``turn`` span, the current one of the two
    being the parent of the chat and tool spans."""

    def __init__(self, owner: ClientTracer, tracer: Any, span: Any) -> None:
        self.owner = owner
        self.tracer = tracer
        self.span: Any = span
        self.turn: Any = None

    def enter(self) -> tuple[Token[_RunTrace | None], object]:
        """Make the run (its open turn, else the run span) current; before each step of the run."""
        from opentelemetry import context, trace

        current = self.turn if self.turn is not None else self.span
        return _CURRENT_RUN.set(self), context.attach(trace.set_span_in_context(current))

    @staticmethod
    def leave(tokens: tuple[Token[_RunTrace | None], object]) -> None:
        from opentelemetry import context

        context.detach(tokens[1])  # type: ignore[arg-type]
        _CURRENT_RUN.reset(tokens[0])

    def start_turn(self, number: int) -> None:
        from opentelemetry import trace

        self.end_turn()
        if self.span is not None:
            parent = trace.set_span_in_context(self.span)
            self.turn = self.tracer.start_span("turn", context=parent, attributes={"minimax.agent.turn": number})

    def end_turn(self, exc: BaseException | None = None) -> None:
        turn, self.turn = self.turn, None
        if turn is not None:
            if exc is not None:
                _record_error(turn, exc, self.owner.config.content_captured())
            turn.end()

    def finish(self, result: Any) -> None:
        """Record a :class:`RunResult` and end the spans."""
        self.end_turn()
        span, self.span = self.span, None
        if span is None:
            return
        if span.is_recording():
            attributes = self.owner._usage_attributes(result.usage)
            attributes["minimax.agent.stop_reason"] = result.stop_reason
            attributes["minimax.agent.turns"] = result.turns
            attributes["minimax.agent.tool_calls"] = result.tool_calls
            span.set_attributes(attributes)
            if self.owner.config.content_captured():
                message = {"role": "assistant", "parts": [{"type": "text", "content": result.final_answer}]}
                span.set_attribute("gen_ai.output.messages", _json([message]))
        span.end()

    def fail(self, exc: BaseException | None) -> None:
        """End the spans: after an error, or (None) when the run was closed before it finished."""
        self.end_turn(exc)
        span, self.span = self.span, None
        if span is not None:
            if exc is not None:
                _record_error(span, exc, self.owner.config.content_captured())
            span.end()

    @contextmanager
    def tool(self, call: ToolCall) -> Iterator[Callable[[ToolResult], ToolResult]]:
        from opentelemetry.trace import SpanKind

        attributes = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": call.name,
            "gen_ai.tool.call.id": call.id,
            "gen_ai.tool.type": "function",
        }
        capture = self.owner.config.content_captured()
        with self.tracer.start_as_current_span(
            f"execute_tool {call.name}",
            kind=SpanKind.INTERNAL,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            if capture and span.is_recording():
                span.set_attribute("gen_ai.tool.call.arguments", _json(dict(call.arguments)))

            def record(result: ToolResult) -> ToolResult:
                if span.is_recording():
                    if capture:
                        span.set_attribute("gen_ai.tool.call.result", result.text)
                    if result.is_error:
                        _record_error(span, result.error or _ToolError(), capture)
                return result

            yield record


class _ToolError(Exception):
    """``error.type`` of a tool call answered with an error result that carries no exception."""


class _RunSteps:
    """A run's events with its spans: the run is current while each event is computed, and its span ends at
    the :class:`RunDoneEvent`, an error, ``close()`` or garbage collection. The sync and async iterators below
    differ only in how they take the next event."""

    def __init__(self, run: _RunTrace) -> None:
        self._run = run

    def _ended(self, tokens: tuple[Token[_RunTrace | None], object], exc: BaseException | None) -> None:
        """The events ran out (None) or raised ``exc``."""
        self._run.leave(tokens)
        self._run.fail(exc)

    def _seen(self, tokens: tuple[Token[_RunTrace | None], object], event: Any) -> Any:
        self._run.leave(tokens)
        if getattr(event, "type", None) == "run_done":
            self._run.finish(event.result)
        return event

    def __del__(self) -> None:
        self._run.fail(None)


class _TracedRun(_RunSteps):
    """A blocking run's events, with its spans (:class:`_RunSteps`)."""

    def __init__(self, run: _RunTrace, events: Iterator[Any]) -> None:
        super().__init__(run)
        self._events = events

    def __iter__(self) -> _TracedRun:
        return self

    def __next__(self) -> Any:
        if self._run.span is None:
            return next(self._events)
        tokens = self._run.enter()
        try:
            event = next(self._events)
        except StopIteration:
            self._ended(tokens, None)
            raise
        except BaseException as exc:
            self._ended(tokens, exc)
            raise
        return self._seen(tokens, event)

    def close(self) -> None:
        try:
            close = getattr(self._events, "close", None)
            if close is not None:
                close()
        finally:
            self._run.fail(None)


class _TracedAsyncRun(_RunSteps):
    """An async run's events, with its spans (:class:`_RunSteps`)."""

    def __init__(self, run: _RunTrace, events: AsyncIterator[Any]) -> None:
        super().__init__(run)
        self._events = events

    def __aiter__(self) -> _TracedAsyncRun:
        return self

    async def __anext__(self) -> Any:
        if self._run.span is None:
            return await self._events.__anext__()
        tokens = self._run.enter()
        try:
            event = await self._events.__anext__()
        except StopAsyncIteration:
            self._ended(tokens, None)
            raise
        except BaseException as exc:
            self._ended(tokens, exc)
            raise
        return self._seen(tokens, event)

    async def aclose(self) -> None:
        try:
            aclose = getattr(self._events, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            self._run.fail(None)


# --- hooks for the agent runner ------------------------------------------------------------------------------


def turn_started(number: int) -> None:
    """The agent runner starts turn ``number``: ends the previous turn's span and opens this one's."""
    run = _CURRENT_RUN.get()
    if run is not None:
        run.start_turn(number)


def _same(result: ToolResult) -> ToolResult:
    return result


@contextmanager
def tool_span(call: ToolCall) -> Iterator[Callable[[ToolResult], ToolResult]]:
    """Around one tool call's execution: an ``execute_tool`` span when the run is traced (current while the
    tool runs, so the tool's own spans nest under it). Pass the result through the yielded function."""
    run = _CURRENT_RUN.get()
    if run is None or run.span is None:
        yield _same
        return
    with run.tool(call) as record:
        yield record


# --- content, only when captured -----------------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _message_parts(message: Message, finish_reason: str | None = None) -> dict[str, Any]:
    """One message in the GenAI conventions' message form: a role and typed parts."""
    out: dict[str, Any]
    if isinstance(message, AssistantMessage):
        parts: list[dict[str, Any]] = []
        for block in message.blocks:
            if isinstance(block, ReasoningBlock):
                parts.append({"type": "reasoning", "content": block.text})
            elif isinstance(block, TextBlock):
                parts.append({"type": "text", "content": block.text})
            elif isinstance(block, ToolCall):
                parts.append({"type": "tool_call", "id": block.id, "name": block.name, "arguments": block.arguments})
            elif isinstance(block, InvalidToolCall):
                parts.append({"type": "tool_call", "id": block.id, "name": block.name, "arguments": block.raw})
        out = {"role": "assistant", "parts": parts}
        if finish_reason:
            out["finish_reason"] = finish_reason
    elif isinstance(message, ToolMessage):
        part = {"type": "tool_call_response", "id": message.tool_call_id, "response": message.content}
        out = {"role": "tool", "parts": [part]}
    else:
        content = message.content
        parts = (
            [{"type": "text", "content": content}]
            if isinstance(content, str)
            else [_content_part(p) for p in content if isinstance(p, Mapping)]
        )
        out = {"role": message.role, "parts": parts}
    return out


def _content_part(part: Mapping[str, Any]) -> dict[str, Any]:
    if part.get("type") == "text":
        return {"type": "text", "content": part.get("text", "")}
    return dict(part)


def _messages_json(messages: Sequence[Message]) -> str:
    return _json([_message_parts(m) for m in messages])
