"""The one assembler: the pieces of an assistant turn → stream events, the message, the response.

Every reader feeds it, whatever the transport: the HTTP backend's JSON responses and SSE chunks, history
dicts, the in-process function backend, and raw completions that the SDK parses itself. The pieces are
reasoning (with the channel it came in), content (raw text: it always goes through the parser, so tags a
server left there still become reasoning and tool calls), structured tool calls (whole or in fragments),
usage, the finish reason and the server's ids. The rules that make the message live here and nowhere else:

- the blocks are the reasoning that came in a field, then the content's blocks in order, then the structured
  calls in the order the server numbered them; a content reasoning block that repeats the field's reasoning
  word for word is a copy and is dropped;
- the channel is the field's, else ``inline`` when the content held reasoning, else none;
- the content is kept verbatim (``raw_content``, sent back unchanged) only for inline reasoning with no
  tool calls parsed out of the text;
- the finish reason is ``tool_calls`` whenever the message has a valid call (a server without a tool parser
  says ``stop``); the server's own value is kept as ``server_finish_reason``.

``stream=False`` builds no events and parses the content once, whole, at :meth:`Assembler.close`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._content_router import ContentRouter
from ._safe_json import UnreadableJSON
from ._safe_json import loads as safe_loads
from ._tool_spec import ToolLike, function_definition
from .messages import (
    AssistantMessage,
    ChatResponse,
    DoneEvent,
    RawMode,
    ReasoningChannel,
    StreamEvent,
    Usage,
    UsageEvent,
)
from .parsing import (
    Block,
    InvalidToolCall,
    InvalidToolCallEvent,
    ParsedOutput,
    ReasoningBlock,
    ReasoningDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    parse_output,
    starts_in_reasoning,
)
from .parsing._call import unknown_tool_detail
from .parsing._machine import new_call_id
from .parsing.types import InvalidReason

__all__ = ["Assembler", "structured_call"]

_log = logging.getLogger("minimax_sdk")
_WARNED: set[str] = set()


def structured_call(
    call_id: str | None, name: str | None, arguments: str, names: frozenset[str] | None
) -> ToolCall | InvalidToolCall:
    """A tool call a server already parsed (arguments as JSON text), checked like the parser checks XML."""
    cid = call_id or new_call_id()
    args: Any = None
    problem: tuple[InvalidReason, str] | None = None
    if not name:
        problem = "malformed", "the server sent a tool call without a name"
    elif names is not None and name not in names:
        problem = "unknown_tool", unknown_tool_detail(name)
    else:
        try:
            args = safe_loads(arguments) if arguments.strip() else {}
        except UnreadableJSON as exc:
            problem = "malformed", f"arguments are not readable JSON: {exc.reason}"
        else:
            if not isinstance(args, dict):
                problem = "malformed", "arguments are not a JSON object"
    if problem is None:
        return ToolCall(cid, name or "", args)
    raw = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    return InvalidToolCall(cid, name or None, raw, *problem)


class _PendingCall:
    """A structured call being received: fragments until the end, or a complete block given at once."""

    __slots__ = ("args", "done", "id", "index", "name", "started")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id: str | None = None
        self.name: str | None = None
        self.args: list[str] = []
        self.started = False
        self.done: ToolCall | InvalidToolCall | None = None


class Assembler:
    """Builds one assistant turn from its pieces; each piece method returns the stream events it settles.

    ``tools`` (definitions the model was given) check call names and coerce XML arguments; None checks
    nothing. ``raw_mode`` says how to read content that arrives with no reasoning field (see
    :data:`~minimax_sdk.messages.RawMode`). ``dialect`` is recorded on the message, so history knows where
    its reasoning came from.
    """

    def __init__(
        self,
        tools: Sequence[ToolLike] | None = None,
        *,
        raw_mode: RawMode = "auto",
        dialect: str | None = None,
        stream: bool = True,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self._tools = tools
        self._names = None if tools is None else frozenset(function_definition(t)["name"] for t in tools)
        self._raw_mode = raw_mode
        self._dialect = dialect
        self._stream = stream
        self._router = ContentRouter(tools, raw_mode, id_factory, self._mismatch) if stream else None
        self._id_factory = id_factory
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._channel: ReasoningChannel | None = None
        self._calls: dict[int, _PendingCall] = {}
        self._next_index = 0
        self._index_map: dict[int, int] = {}
        self.reasoning_details: tuple[Mapping[str, Any], ...] | None = None
        """The platform's own ``reasoning_details`` items, sent back unchanged to the same backend."""
        self.usage: Usage | None = None
        self.server_finish_reason: str | None = None
        self.model: str | None = None
        self.id: str | None = None
        self.request_id: str | None = None
        self.response: ChatResponse | None = None

    @property
    def done(self) -> bool:
        """Whether :meth:`close` has run (the response is assembled)."""
        return self.response is not None

    @property
    def delivered(self) -> bool:
        """Whether any model output has arrived (a stream that delivered output is never retried)."""
        return bool(self._reasoning or self._content or self._calls)

    @property
    def call_count(self) -> int:
        """How many structured calls have been started."""
        return len(self._calls)

    # -- pieces ------------------------------------------------------------------------------------------------

    def reasoning(self, text: str, channel: ReasoningChannel) -> list[StreamEvent]:
        """Reasoning that arrived in a field (``reasoning_details``, ``reasoning_content``, ``reasoning``)."""
        if not text:
            return []
        events: list[StreamEvent] = []
        if self._channel is None:
            self._channel = channel
            if self._router is not None:  # the server splits: content is the answer (tagged at most)
                events.extend(self._remap(self._router.reasoning_field_seen()))
        self._reasoning.append(text)
        if self._stream:
            events.append(ReasoningDelta(text))
        return events

    def content(self, text: str) -> list[StreamEvent]:
        """Content as the server or model wrote it: parsed for reasoning, text and XML tool calls."""
        if not text:
            return []
        self._content.append(text)
        return self._remap(self._router.feed(text)) if self._router is not None else []

    def tool_call_delta(
        self, key: int, *, call_id: str | None = None, name: str | None = None, arguments: str | None = None
    ) -> list[StreamEvent]:
        """A fragment of a structured call; ``key`` identifies the call (the server's ``index``)."""
        pending = self._calls.get(key)
        if pending is None:
            pending = self._calls[key] = _PendingCall(self._new_index())
        pending.id = pending.id or call_id or None
        pending.name = pending.name or name or None
        events: list[StreamEvent] = []
        if self._stream and not pending.started and pending.name and self._known(pending.name):
            pending.id = pending.id or new_call_id()
            pending.started = True
            events.append(ToolCallStart(pending.index, pending.id, pending.name))
            if pending.args:
                events.append(ToolCallArgumentsDelta(pending.index, "".join(pending.args)))
        if arguments:
            pending.args.append(arguments)
            if pending.started:
                events.append(ToolCallArgumentsDelta(pending.index, arguments))
        return events

    def call(self, block: ToolCall | InvalidToolCall) -> list[StreamEvent]:
        """A complete call, already checked (history, or a backend that builds calls itself)."""
        key = -1 - len(self._calls)  # negative: never one of the non-negative indexes servers give fragments
        pending = self._calls[key] = _PendingCall(self._new_index())
        pending.done = block
        if not self._stream or not isinstance(block, ToolCall):
            return []
        pending.started = True
        arguments = json.dumps(block.arguments, ensure_ascii=False)
        return [ToolCallStart(pending.index, block.id, block.name), ToolCallArgumentsDelta(pending.index, arguments)]

    def add_usage(self, usage: Usage) -> list[StreamEvent]:
        self.usage = usage
        return [UsageEvent(usage)] if self._stream else []

    # -- the end -------------------------------------------------------------------------------------------------

    def close(self) -> list[StreamEvent]:
        """Settle held text and unfinished calls and build the response; the last event is the DoneEvent."""
        if self.response is not None:
            return []
        events: list[StreamEvent] = []
        if self._router is not None:
            events.extend(self._remap(self._router.close()))
            parsed = self._router.result()
        else:
            parsed = self._parse_whole()
        blocks: list[Block] = []
        field_reasoning = "".join(self._reasoning)
        if field_reasoning:
            blocks.append(ReasoningBlock(field_reasoning))
        blocks.extend(
            b
            for b in parsed.blocks
            if not (field_reasoning and isinstance(b, ReasoningBlock) and b.text == field_reasoning)
        )
        for pending in sorted(self._calls.values(), key=lambda p: p.index):
            done = pending.done or structured_call(pending.id, pending.name, "".join(pending.args), self._names)
            blocks.append(done)
            if self._stream:
                if isinstance(done, ToolCall) and pending.started:
                    events.append(ToolCallEnd(pending.index, done))
                elif isinstance(done, InvalidToolCall):
                    events.append(InvalidToolCallEvent(pending.index, done))
        channel = self._channel or ("inline" if parsed.reasoning else None)
        keep_raw = channel == "inline" and not parsed.tool_calls and not parsed.invalid_tool_calls
        message = AssistantMessage(
            tuple(blocks),
            reasoning_channel=channel,
            dialect=self._dialect,
            reasoning_details=self.reasoning_details if channel == "reasoning_details" else None,
            raw_content="".join(self._content) if keep_raw else None,
        )
        server = self.server_finish_reason
        self.response = ChatResponse(
            message,
            self.usage,
            "tool_calls" if message.tool_calls else server,
            self.model,
            self.id,
            self.request_id,
            server_finish_reason=server,
        )
        if self._stream:
            events.append(DoneEvent(self.response))
        return events

    def message(self) -> AssistantMessage:
        """Close, and return the assembled message."""
        self.close()
        assert self.response is not None
        return self.response.message

    # -- internals -----------------------------------------------------------------------------------------------

    def _parse_whole(self) -> ParsedOutput:
        content = "".join(self._content)
        if not content:
            return ParsedOutput()
        mode = self._raw_mode
        in_reasoning: bool | None = False if self._channel is not None else (True if mode == "raw" else None)
        if in_reasoning is None and mode == "tagged":
            in_reasoning = starts_in_reasoning(content)
            if in_reasoning:
                self._mismatch()
        return parse_output(content, self._tools, in_reasoning=in_reasoning, id_factory=self._id_factory)

    def _mismatch(self) -> None:
        """Tagged content was expected (a server with a reasoning parser) and a raw completion came: read as
        raw, and say once per backend which setting fits that server."""
        name = self._dialect or "this backend"
        if name in _WARNED:
            return
        _WARNED.add(name)
        _log.warning(
            "backend %r: the server sent a raw completion (a </think> before any <think>), so it has no reasoning "
            "parser; it was read as raw output. Use backend='openai' (or raw_mode='raw') for this server, or start "
            "it with a reasoning parser (SGLang/vLLM: --reasoning-parser minimax)",
            name,
        )

    def _known(self, name: str) -> bool:
        return self._names is None or name in self._names

    def _new_index(self) -> int:
        index = self._next_index
        self._next_index += 1
        return index

    def _remap(self, events: list[Any]) -> list[StreamEvent]:
        """Give calls parsed out of content indexes in the one sequence shared with structured calls."""
        for ev in events:
            if isinstance(ev, ToolCallStart | ToolCallArgumentsDelta | ToolCallEnd | InvalidToolCallEvent):
                mapped = self._index_map.get(ev.index)
                if mapped is None:
                    mapped = self._index_map[ev.index] = self._new_index()
                ev.index = mapped
        return events
