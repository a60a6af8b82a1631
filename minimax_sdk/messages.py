"""Typed messages, usage, responses and stream events: the one message model every backend produces.

An :class:`AssistantMessage` keeps its output as ordered blocks (reasoning, text, tool calls, invalid tool
calls: the parser's types) and remembers where its reasoning came from, so appending it to the next request
sends the reasoning back in the form that backend expects (interleaved thinking). Messages may also be given
as OpenAI-style dicts; :func:`to_message` converts them.

Frozen dataclasses, like the parser's types: built on every response, never validated twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from .parsing import (
    Block,
    ContentDelta,
    InvalidToolCallEvent,
    ReasoningBlock,
    ReasoningDelta,
    TextBlock,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    parse_output,
)
from .parsing._machine import new_call_id
from .parsing.types import BlockViews

ReasoningChannel: TypeAlias = Literal["reasoning_details", "reasoning_content", "reasoning", "inline"]


@dataclass(frozen=True, slots=True)
class SystemMessage:
    content: str
    role: Literal["system"] = "system"


@dataclass(frozen=True, slots=True)
class UserMessage:
    """A user turn. ``content`` is text, or OpenAI-style content parts (text parts are what M2 reads)."""

    content: str | tuple[Mapping[str, Any], ...]
    role: Literal["user"] = "user"


@dataclass(frozen=True, slots=True)
class ToolMessage:
    """The result of one tool call, matched to it by ``tool_call_id`` (and by position, for M2's template)."""

    tool_call_id: str
    content: str
    name: str | None = None
    role: Literal["tool"] = "tool"


@dataclass(frozen=True, slots=True)
class AssistantMessage(BlockViews):
    """An assistant turn: ordered blocks, plus what is needed to send its reasoning back faithfully.

    ``reasoning_channel`` is where the reasoning arrived (``None`` for messages built by hand), ``dialect``
    the backend it came from; history sent to that same backend uses the same channel, other backends their
    own.
    ``reasoning_details`` and ``raw_content`` keep the server's own wire values to send back unchanged.
    """

    blocks: tuple[Block, ...] = ()
    reasoning_channel: ReasoningChannel | None = None
    dialect: str | None = None
    reasoning_details: tuple[Mapping[str, Any], ...] | None = None
    raw_content: str | None = None
    role: Literal["assistant"] = "assistant"

    @classmethod
    def build(
        cls,
        content: str = "",
        *,
        reasoning: str = "",
        tool_calls: Iterable[ToolCall | Mapping[str, Any]] = (),
    ) -> AssistantMessage:
        """An assistant message from its parts (tool calls as ``ToolCall`` or ``{"name", "arguments"}``)."""
        blocks: list[Block] = []
        if reasoning:
            blocks.append(ReasoningBlock(reasoning))
        if content:
            blocks.append(TextBlock(content))
        blocks.extend(_tool_call(c) for c in tool_calls)
        return cls(tuple(blocks))


Message: TypeAlias = SystemMessage | UserMessage | AssistantMessage | ToolMessage
MessageLike: TypeAlias = Message | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts; ``reasoning_tokens`` and ``cached_tokens`` where the server reports them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None

    def __add__(self, other: Usage) -> Usage:
        def opt(a: int | None, b: int | None) -> int | None:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.total_tokens + other.total_tokens,
            opt(self.reasoning_tokens, other.reasoning_tokens),
            opt(self.cached_tokens, other.cached_tokens),
        )


@dataclass(frozen=True, slots=True)
class ChatResponse:
    """One model response: the assistant message, usage, finish reason and the server's ids."""

    message: AssistantMessage
    usage: Usage | None = None
    finish_reason: str | None = None
    model: str | None = None
    id: str | None = None
    request_id: str | None = None


@dataclass(slots=True)
class UsageEvent:
    """Token usage, usually in the last chunk of a stream."""

    usage: Usage
    type: Literal["usage"] = "usage"


@dataclass(slots=True)
class DoneEvent:
    """The stream is complete; ``response`` is the assembled response."""

    response: ChatResponse
    type: Literal["done"] = "done"


StreamEvent: TypeAlias = (
    ReasoningDelta
    | ContentDelta
    | ToolCallStart
    | ToolCallArgumentsDelta
    | ToolCallEnd
    | InvalidToolCallEvent
    | UsageEvent
    | DoneEvent
)


# --- from OpenAI-style dicts ------------------------------------------------------------------------------


def _tool_call(call: ToolCall | Mapping[str, Any]) -> ToolCall:
    if isinstance(call, ToolCall):
        return call
    spec: Mapping[str, Any] = call["function"] if isinstance(call.get("function"), Mapping) else call
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a tool call needs a non-empty 'name', got {name!r}")
    arguments = spec.get("arguments") or {}
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as exc:
            raise ValueError(f"tool call {name!r}: arguments are not valid JSON ({exc.msg})") from None
    if not isinstance(arguments, Mapping):
        raise ValueError(f"tool call {name!r}: arguments must be a JSON object, got {type(arguments).__name__}")
    call_id = call.get("id")
    return ToolCall(call_id if isinstance(call_id, str) and call_id else new_call_id(), name, dict(arguments))


def _text(content: Any, role: str) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            p if isinstance(p, str) else str(p.get("text") or "")
            for p in content
            if isinstance(p, str) or (isinstance(p, Mapping) and p.get("type") == "text")
        )
    raise ValueError(f"{role} message: content must be a string or a list of parts, got {type(content).__name__}")


def details_text(details: Any) -> str:
    """The reasoning text of MiniMax's ``reasoning_details`` items, joined."""
    if not isinstance(details, Sequence) or isinstance(details, str):
        return ""
    return "".join(str(d.get("text") or "") for d in details if isinstance(d, Mapping))


def reasoning_field(message: Mapping[str, Any]) -> tuple[str, ReasoningChannel | None]:
    """The reasoning an OpenAI-style message carries in a field, and which: ``reasoning_details``, else
    ``reasoning_content``, else ``reasoning`` (the first that is not empty); ``("", None)`` if none."""
    text = details_text(message.get("reasoning_details"))
    if text:
        return text, "reasoning_details"
    for key in ("reasoning_content", "reasoning"):
        value = message.get(key)
        if isinstance(value, str) and value:
            return value, "reasoning_content" if key == "reasoning_content" else "reasoning"
    return "", None


def _assistant_from_dict(data: Mapping[str, Any]) -> AssistantMessage:
    blocks: list[Block] = []
    text, channel = reasoning_field(data)
    if text:
        blocks.append(ReasoningBlock(text))
    details = data.get("reasoning_details")
    raw = _text(data.get("content"), "assistant")
    parsed = parse_output(raw, in_reasoning=False) if raw else None
    if parsed is not None:
        if channel is None and parsed.reasoning:
            channel = "inline"
        blocks.extend(b for b in parsed.blocks if not (channel != "inline" and isinstance(b, ReasoningBlock)))
    blocks.extend(_tool_call(c) for c in data.get("tool_calls") or ())
    return AssistantMessage(
        tuple(blocks),
        reasoning_channel=channel,
        reasoning_details=tuple(details) if channel == "reasoning_details" and details else None,
        raw_content=raw if channel == "inline" else None,
    )


def to_message(obj: MessageLike) -> Message:
    """The SDK message for ``obj``: an SDK message as is, or an OpenAI-style dict converted.

    Assistant dicts may carry reasoning as ``reasoning_details``, ``reasoning_content``, ``reasoning`` or
    inline ``<think>`` in content, and tool-call arguments as dicts or JSON strings. Raises ``ValueError``
    naming the problem.
    """
    if isinstance(obj, SystemMessage | UserMessage | AssistantMessage | ToolMessage):
        return obj
    if not isinstance(obj, Mapping):
        raise ValueError(f"a message must be an SDK message or a dict, got {type(obj).__name__}")
    role = obj.get("role")
    if role == "system" or role == "developer":
        return SystemMessage(_text(obj.get("content"), "system"))
    if role == "user":
        content = obj.get("content")
        if isinstance(content, list | tuple):
            return UserMessage(tuple(p if isinstance(p, Mapping) else {"type": "text", "text": p} for p in content))
        return UserMessage(_text(content, "user"))
    if role == "assistant":
        return _assistant_from_dict(obj)
    if role == "tool":
        call_id = obj.get("tool_call_id")
        if not isinstance(call_id, str):
            raise ValueError("tool message: needs a string 'tool_call_id'")
        name = obj.get("name")
        return ToolMessage(call_id, _text(obj.get("content"), "tool"), name if isinstance(name, str) else None)
    raise ValueError(f"unknown message role {role!r}; expected system, user, assistant or tool")


def to_messages(items: Iterable[MessageLike]) -> list[Message]:
    """:func:`to_message` of each item; the error names the index of a bad one."""
    return [_indexed(i, item) for i, item in enumerate(items)]


def _indexed(index: int, item: MessageLike) -> Message:
    try:
        return to_message(item)
    except ValueError as exc:
        raise ValueError(f"messages[{index}]: {exc}") from None
