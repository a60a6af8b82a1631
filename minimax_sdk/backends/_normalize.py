"""The one normaliser: any dialect's response or stream chunks → the SDK's typed message and events.

Reasoning is read from every place a server may put it (``reasoning_details``, ``reasoning_content``,
``reasoning``, inline ``<think>``, raw output that starts inside reasoning), tool calls from structured
``tool_calls`` and from raw XML left in content. Content always goes through the parser.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._tool_spec import ToolLike, function_definition
from ..messages import (
    AssistantMessage,
    ChatResponse,
    DoneEvent,
    ReasoningChannel,
    StreamEvent,
    Usage,
    UsageEvent,
    details_text,
    reasoning_field,
)
from ..parsing import (
    Block,
    InvalidToolCall,
    InvalidToolCallEvent,
    ReasoningBlock,
    ReasoningDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    parse_output,
)
from ..parsing._call import unknown_tool_detail
from ..parsing._machine import new_call_id
from ..parsing.types import InvalidReason
from ._content import ContentRouter
from .dialects import Dialect

_FIELDS: tuple[ReasoningChannel, ...] = ("reasoning_content", "reasoning")


def usage_from(data: Any) -> Usage | None:
    """Usage from an OpenAI-style ``usage`` object (with MiniMax's and vLLM's details), or None."""
    if not isinstance(data, Mapping):
        return None

    def num(v: Any) -> int:
        return v if isinstance(v, int) and not isinstance(v, bool) else 0

    def detail(key: str, sub: str) -> int | None:
        d = data.get(key)
        v = d.get(sub) if isinstance(d, Mapping) else None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    prompt, completion = num(data.get("prompt_tokens")), num(data.get("completion_tokens"))
    return Usage(
        prompt,
        completion,
        num(data.get("total_tokens")) or prompt + completion,
        detail("completion_tokens_details", "reasoning_tokens"),
        detail("prompt_tokens_details", "cached_tokens"),
    )


def _tool_names(tools: Sequence[ToolLike] | None) -> frozenset[str] | None:
    return None if tools is None else frozenset(function_definition(t)["name"] for t in tools)


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
            args = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as exc:
            problem = "malformed", f"arguments are not valid JSON: {exc.msg}"
        else:
            if not isinstance(args, dict):
                problem = "malformed", "arguments are not a JSON object"
    if problem is None:
        return ToolCall(cid, name or "", args)
    raw = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    return InvalidToolCall(cid, name or None, raw, *problem)


def _in_reasoning(dialect: Dialect, field_seen: bool) -> bool | None:
    if field_seen or dialect.raw_mode == "tagged":
        return False
    return True if dialect.raw_mode == "raw" else None


def response_from_json(
    body: Mapping[str, Any], dialect: Dialect, tools: Sequence[ToolLike] | None, request_id: str | None = None
) -> ChatResponse:
    """The typed response for a non-streaming chat-completions body (raises ValueError on a wrong shape)."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise ValueError("the response has no choices")
    choice = choices[0]
    msg = choice.get("message")
    if not isinstance(msg, Mapping):
        raise ValueError("the response's first choice has no message")
    blocks: list[Block] = []
    text, channel = reasoning_field(msg)
    details = msg.get("reasoning_details")
    if text:
        blocks.append(ReasoningBlock(text))
    content = msg.get("content")
    content = content if isinstance(content, str) else ""
    parsed = parse_output(content, tools, in_reasoning=_in_reasoning(dialect, channel is not None))
    if channel is None and parsed.reasoning:
        channel = "inline"
    blocks.extend(parsed.blocks)
    names = _tool_names(tools)
    for call in msg.get("tool_calls") or ():
        fn = call.get("function") if isinstance(call, Mapping) else None
        if isinstance(fn, Mapping):
            args = fn.get("arguments")
            args_text = args if isinstance(args, str) else json.dumps(args or {})
            blocks.append(structured_call(call.get("id"), fn.get("name"), args_text, names))
    keep_raw = channel == "inline" and not parsed.tool_calls and not parsed.invalid_tool_calls
    message = AssistantMessage(
        tuple(blocks),
        reasoning_channel=channel,
        dialect=dialect.name,
        reasoning_details=tuple(details) if channel == "reasoning_details" and isinstance(details, list) else None,
        raw_content=content if keep_raw else None,
    )
    finish = choice.get("finish_reason")
    return ChatResponse(
        message,
        usage_from(body.get("usage")),
        finish if isinstance(finish, str) else None,
        body.get("model") if isinstance(body.get("model"), str) else None,
        body.get("id") if isinstance(body.get("id"), str) else None,
        request_id,
    )


class _PendingCall:
    __slots__ = ("args", "id", "index", "name", "started")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id: str | None = None
        self.name: str | None = None
        self.args: list[str] = []
        self.started = False


class StreamNormalizer:
    """Chunk by chunk (decoded JSON of each SSE event) to events; ``response`` once closed."""

    def __init__(
        self,
        dialect: Dialect,
        tools: Sequence[ToolLike] | None,
        *,
        request_id: str | None = None,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self._dialect = dialect
        self._names = _tool_names(tools)
        self._content = ContentRouter(tools, dialect.raw_mode, id_factory)
        self._reasoning: list[str] = []
        self._details_so_far = ""
        self._details_seen = False
        self._details: list[Mapping[str, Any]] = []
        self._channel: ReasoningChannel | None = None
        self._calls: dict[int, _PendingCall] = {}
        self._next_index = 0
        self._index_map: dict[int, int] = {}
        self._usage: Usage | None = None
        self._finish: str | None = None
        self._model: str | None = None
        self._id: str | None = None
        self._request_id = request_id
        self.response: ChatResponse | None = None

    def set_request_id(self, request_id: str | None) -> None:
        self._request_id = request_id

    @property
    def done(self) -> bool:
        """Whether the stream was closed (its response assembled)."""
        return self.response is not None

    @property
    def delivered(self) -> bool:
        """Whether any model output has arrived (a stream that delivered tokens is never retried)."""
        return bool(self._reasoning) or self._content.seen or bool(self._calls)

    def feed(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        if self._model is None and isinstance(chunk.get("model"), str):
            self._model = chunk["model"]
        if self._id is None and isinstance(chunk.get("id"), str):
            self._id = chunk["id"]
        usage = usage_from(chunk["usage"]) if "usage" in chunk else None
        choices = chunk.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
            choice = choices[0]
            delta = choice.get("delta")
            if isinstance(delta, Mapping):
                self._delta(delta, events)
            finish = choice.get("finish_reason")
            if isinstance(finish, str):
                self._finish = finish
        if usage is not None:
            self._usage = usage
            events.append(UsageEvent(usage))
        return events

    def _reasoning_piece(self, text: str, channel: ReasoningChannel, events: list[StreamEvent]) -> None:
        if not text:
            return
        if self._channel is None:
            self._channel = channel
            events.extend(self._remap(self._content.reasoning_field_seen()))
        self._reasoning.append(text)
        events.append(ReasoningDelta(text))

    def _delta(self, delta: Mapping[str, Any], events: list[StreamEvent]) -> None:
        details = delta.get("reasoning_details")
        if isinstance(details, list) and details:
            self._reasoning_piece(self._details_piece(details), "reasoning_details", events)
        for key in _FIELDS:
            value = delta.get(key)
            if isinstance(value, str):
                self._reasoning_piece(value, key, events)
        content = delta.get("content")
        if isinstance(content, str) and content:
            events.extend(self._remap(self._content.feed(content)))
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, Mapping):
                    self._call_delta(call, events)

    def _details_piece(self, details: list[Any]) -> str:
        """The new reasoning text in streamed ``reasoning_details``: cumulative snapshots or increments."""
        self._details_seen = True
        text = details_text(details)
        self._details = [dict(d) for d in details if isinstance(d, Mapping)]
        mode = self._dialect.reasoning_details_mode
        so_far = self._details_so_far
        if mode == "cumulative" or (mode == "auto" and so_far and text.startswith(so_far)):
            piece = text[len(so_far) :]
            self._details_so_far = text
        else:
            piece = text
            self._details_so_far = so_far + text
        return piece

    def _final_details(self) -> tuple[Mapping[str, Any], ...] | None:
        """The ``reasoning_details`` to send back: the last item's fields with the whole text."""
        if not self._details:
            return None
        return ({**self._details[-1], "text": self._details_so_far},)

    def _call_delta(self, call: Mapping[str, Any], events: list[StreamEvent]) -> None:
        index = call.get("index")
        key = index if isinstance(index, int) else len(self._calls)
        pending = self._calls.get(key)
        if pending is None:
            pending = self._calls[key] = _PendingCall(self._new_index())
        if isinstance(call.get("id"), str) and call["id"]:
            pending.id = pending.id or call["id"]
        fn = call.get("function")
        if not isinstance(fn, Mapping):
            return
        if isinstance(fn.get("name"), str) and fn["name"]:
            pending.name = pending.name or fn["name"]
        name = pending.name
        if not pending.started and name and (self._names is None or name in self._names):
            pending.id = pending.id or new_call_id()
            pending.started = True
            events.append(ToolCallStart(pending.index, pending.id, name))
            if pending.args:
                events.append(ToolCallArgumentsDelta(pending.index, "".join(pending.args)))
        args = fn.get("arguments")
        if isinstance(args, str) and args:
            pending.args.append(args)
            if pending.started:
                events.append(ToolCallArgumentsDelta(pending.index, args))

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

    def close(self) -> list[StreamEvent]:
        """End of stream: settles held text and unfinished calls; the last event is the DoneEvent."""
        if self.response is not None:
            return []
        events: list[StreamEvent] = self._remap(self._content.close())
        blocks: list[Block] = []
        if self._reasoning:
            blocks.append(ReasoningBlock("".join(self._reasoning)))
        parsed = self._content.result()
        blocks.extend(parsed.blocks)
        for pending in sorted(self._calls.values(), key=lambda p: p.index):
            done = structured_call(pending.id, pending.name, "".join(pending.args), self._names)
            blocks.append(done)
            if isinstance(done, ToolCall) and pending.started:
                events.append(ToolCallEnd(pending.index, done))
            elif isinstance(done, InvalidToolCall):
                events.append(InvalidToolCallEvent(pending.index, done))
        channel = self._channel or ("inline" if parsed.reasoning else None)
        keep_raw = channel == "inline" and not parsed.tool_calls and not parsed.invalid_tool_calls
        message = AssistantMessage(
            tuple(blocks),
            reasoning_channel=channel,
            dialect=self._dialect.name,
            reasoning_details=self._final_details() if channel == "reasoning_details" else None,
            raw_content=self._content.raw_text() if keep_raw else None,
        )
        self.response = ChatResponse(message, self._usage, self._finish, self._model, self._id, self._request_id)
        events.append(DoneEvent(self.response))
        return events
