"""An in-process backend driven by a function, for tests of your own agent: no server, no socket.

The function gets the typed :class:`~minimax_sdk.backends.base.ChatRequest` and answers with what the model
would have written:

- a string: the raw M2 output (``<think>…</think>`` reasoning, text, ``<minimax:tool_call>`` XML), parsed by the
  SDK's parser exactly as a raw server's output is;
- an iterable of strings: the same, in pieces; :meth:`FunctionBackend.stream` delivers each piece as a delta;
- an :class:`~minimax_sdk.messages.AssistantMessage`: structured parts (reasoning, text, tool calls), delivered
  as a server with reasoning and tool parsers would.

``async def`` functions (and async iterables) work with the async client. Everything goes through the one
assembler, so chat, stream, the agent loop and ``ChatMiniMax`` behave as they do over HTTP::

    def model(request: ChatRequest) -> str:
        if not any(m.role == "tool" for m in request.messages):
            return '<think>Need the weather.</think>\\n<minimax:tool_call>\\n<invoke name="get_weather">\\n'
                   '<parameter name="city">Paris</parameter>\\n</invoke>\\n</minimax:tool_call>'
        return "<think>Got it.</think>\\nIt is sunny in Paris."

    client = MiniMax(backend=FunctionBackend(model))
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import TypeAlias

from ..assembly import Assembler
from ..messages import AssistantMessage, ChatResponse, RawMode, ReasoningChannel, StreamEvent, Usage
from ..parsing import InvalidToolCall, ReasoningBlock, TextBlock, ToolCall
from .base import AsyncBackend, Backend, ChatRequest

__all__ = ["FunctionBackend", "FunctionReply"]

FunctionReply: TypeAlias = str | Iterable[str] | AssistantMessage
"""What the function answers: raw M2 text, its pieces, or a structured message."""

ReplyFunction: TypeAlias = Callable[
    [ChatRequest], FunctionReply | AsyncIterable[str] | Awaitable[FunctionReply | AsyncIterable[str]]
]


class FunctionBackend(Backend, AsyncBackend):
    """A backend whose model is ``function`` (see the module's docstring).

    ``raw_mode``: how raw text is read (``auto``: decided from the text; ``raw``: it starts inside the
    reasoning, as a completion of the M2 prompt does). ``usage`` is reported with every response.
    ``requests`` records every request received, in order.
    """

    def __init__(
        self,
        function: ReplyFunction,
        *,
        raw_mode: RawMode = "auto",
        usage: Usage | None = None,
        dialect: str | None = None,
    ) -> None:
        self.function = function
        self.raw_mode: RawMode = raw_mode
        self.usage = usage
        self.dialect = dialect
        self.requests: list[ChatRequest] = []
        self.closed = False

    # -- blocking ------------------------------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> ChatResponse:
        assembler = self._assembler(request, stream=False)
        for _ in self._feed(assembler, self._call(request)):
            pass
        return self._finish(assembler)

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        assembler = self._assembler(request, stream=True)
        yield from self._feed(assembler, self._call(request))
        yield from self._closing(assembler)

    def close(self) -> None:
        self.closed = True

    # -- async ---------------------------------------------------------------------------------------------

    async def achat(self, request: ChatRequest) -> ChatResponse:
        assembler = self._assembler(request, stream=False)
        async for _ in self._afeed(assembler, await self._acall(request)):
            pass
        return self._finish(assembler)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        assembler = self._assembler(request, stream=True)
        async for event in self._afeed(assembler, await self._acall(request)):
            yield event
        for event in self._closing(assembler):
            yield event

    async def aclose(self) -> None:
        self.closed = True

    # -- internals -----------------------------------------------------------------------------------------

    def _assembler(self, request: ChatRequest, *, stream: bool) -> Assembler:
        if self.closed:
            raise RuntimeError("the function backend was closed")
        self.requests.append(request)
        assembler = Assembler(request.tools, raw_mode=self.raw_mode, dialect=self.dialect, stream=stream)
        assembler.model = request.model
        assembler.server_finish_reason = "stop"  # the function's reply is the whole turn
        return assembler

    def _call(self, request: ChatRequest) -> FunctionReply:
        reply = self.function(request)
        if inspect.isawaitable(reply) or isinstance(reply, AsyncIterable):
            if inspect.iscoroutine(reply):
                reply.close()
            raise TypeError("the function is async: use AsyncMiniMax with it, or give MiniMax a plain function")
        return reply

    async def _acall(self, request: ChatRequest) -> FunctionReply | AsyncIterable[str]:
        reply = self.function(request)
        return await reply if inspect.isawaitable(reply) else reply

    def _feed(self, assembler: Assembler, reply: FunctionReply) -> Iterator[StreamEvent]:
        if isinstance(reply, AssistantMessage):
            yield from _message_parts(assembler, reply)
            return
        for piece in [reply] if isinstance(reply, str) else reply:
            if not isinstance(piece, str):
                raise TypeError(f"the function's pieces must be strings, got {type(piece).__name__}")
            yield from assembler.content(piece)

    async def _afeed(
        self, assembler: Assembler, reply: FunctionReply | AsyncIterable[str]
    ) -> AsyncIterator[StreamEvent]:
        if not isinstance(reply, AsyncIterable):
            for event in self._feed(assembler, reply):
                yield event
            return
        async for piece in reply:
            if not isinstance(piece, str):
                raise TypeError(f"the function's pieces must be strings, got {type(piece).__name__}")
            for event in assembler.content(piece):
                yield event

    def _closing(self, assembler: Assembler) -> list[StreamEvent]:
        events = assembler.add_usage(self.usage) if self.usage is not None else []
        return events + assembler.close()

    def _finish(self, assembler: Assembler) -> ChatResponse:
        self._closing(assembler)
        assert assembler.response is not None
        return assembler.response


def _message_parts(assembler: Assembler, message: AssistantMessage) -> Iterator[StreamEvent]:
    """A structured message as a server with reasoning and tool parsers delivers it."""
    field = message.reasoning_channel
    channel: ReasoningChannel = field if field is not None and field != "inline" else "reasoning_content"
    for block in message.blocks:
        if isinstance(block, ReasoningBlock):
            yield from assembler.reasoning(block.text, channel)
        elif isinstance(block, TextBlock):
            yield from assembler.content(block.text)
        elif isinstance(block, ToolCall | InvalidToolCall):
            yield from assembler.call(block)
