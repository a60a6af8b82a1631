"""Typed messages, usage, responses and stream events: the one message model every backend produces.

An :class:`AssistantMessage` keeps its output as ordered blocks (reasoning, text, tool calls, invalid tool
calls: the parser's types) and remembers where its reasoning came from, so appending it to the next request
sends the reasoning back in the form that backend expects (interleaved thinking). Messages may also be given
as OpenAI-style dicts; :func:`to_message` converts them. Every message has ``to_dict()`` (plain JSON, lossless)
and ``from_dict()``, so a conversation can be saved and reloaded exactly.

Frozen dataclasses, like the parser's types: built on every response, never validated twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, TypeAlias, TypeVar, cast

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
)
from .parsing.types import BlockViews

ReasoningChannel: TypeAlias = Literal["reasoning_details", "reasoning_content", "reasoning", "inline"]
"""Where an assistant message's reasoning travels on the wire."""

RawMode: TypeAlias = Literal["auto", "raw", "tagged"]
"""How to read content that arrives with no reasoning field: ``raw`` output starts inside ``<think>`` (a server
without a reasoning parser, or a completion the SDK prompted itself), ``tagged`` content holds explicit
``<think>…</think>`` (append-think servers, the MiniMax platform's default, history), ``auto`` decides from the
text (FORMAT.md 5.6)."""


@dataclass(frozen=True, slots=True)
class SystemMessage:
    content: str
    role: Literal["system"] = "system"

    def to_dict(self) -> dict[str, Any]:
        return {"role": "system", "content": self.content}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SystemMessage:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class UserMessage:
    """A user turn. ``content`` is text, or OpenAI-style content parts (text parts are what M2 reads)."""

    content: str | tuple[Mapping[str, Any], ...]
    role: Literal["user"] = "user"

    def to_dict(self) -> dict[str, Any]:
        content = self.content if isinstance(self.content, str) else [dict(p) for p in self.content]
        return {"role": "user", "content": content}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UserMessage:
        return _from_dict(cls, data)


@dataclass(frozen=True, slots=True)
class ToolMessage:
    """The result of one tool call, matched to it by ``tool_call_id`` (and by position, for M2's template)."""

    tool_call_id: str
    content: str
    name: str | None = None
    role: Literal["tool"] = "tool"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": "tool", "tool_call_id": self.tool_call_id, "content": self.content}
        if self.name is not None:
            out["name"] = self.name
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolMessage:
        return _from_dict(cls, data)


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
        from ._message_dicts import tool_call_from_dict

        blocks: list[Block] = []
        if reasoning:
            blocks.append(ReasoningBlock(reasoning))
        if content:
            blocks.append(TextBlock(content))
        blocks.extend(c if isinstance(c, ToolCall) else tool_call_from_dict(c) for c in tool_calls)
        return cls(tuple(blocks))

    def to_dict(self) -> dict[str, Any]:
        """The whole message as plain JSON: every block in order (invalid calls too) and the reasoning's
        origin, so :meth:`from_dict` gives back an equal message."""
        out: dict[str, Any] = {"role": "assistant", "blocks": [_block_dict(b) for b in self.blocks]}
        if self.reasoning_channel is not None:
            out["reasoning_channel"] = self.reasoning_channel
        if self.dialect is not None:
            out["dialect"] = self.dialect
        if self.reasoning_details is not None:
            out["reasoning_details"] = [dict(d) for d in self.reasoning_details]
        if self.raw_content is not None:
            out["raw_content"] = self.raw_content
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AssistantMessage:
        """An assistant message from :meth:`to_dict`'s form, or from an OpenAI-style assistant dict."""
        return _from_dict(cls, data)


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
    server_finish_reason: str | None = None
    """The finish reason as the server sent it. ``finish_reason`` is ``"tool_calls"`` whenever the message has
    a valid tool call, whatever the server said (one without a tool parser says ``"stop"``)."""


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


def _block_dict(block: Block) -> dict[str, Any]:
    data = asdict(block)
    if isinstance(block, ToolCall):
        data["warnings"] = list(block.warnings)
    return data


_M = TypeVar("_M", SystemMessage, UserMessage, AssistantMessage, ToolMessage)


def _from_dict(cls: type[_M], data: Mapping[str, Any]) -> _M:
    message = to_message(data)
    if not isinstance(message, cls):
        raise ValueError(
            f"{cls.__name__}.from_dict: the dict is a {type(message).__name__} (role {data.get('role')!r})"
        )
    return message


_MESSAGE_TYPES = (SystemMessage, UserMessage, AssistantMessage, ToolMessage)


def to_message(obj: MessageLike) -> Message:
    """The SDK message for ``obj``: an SDK message as is, or a dict converted.

    Dicts are OpenAI-style messages (assistant reasoning as ``reasoning_details``, ``reasoning_content``,
    ``reasoning`` or inline ``<think>``; tool-call arguments as dicts or JSON strings) or the ``to_dict()`` form
    of an SDK message. A key the SDK does not know raises ``ValueError`` naming it, rather than being dropped.
    """
    if isinstance(obj, _MESSAGE_TYPES):  # first: a transcript's messages are converted on every agent turn
        return obj
    from ._message_dicts import message_from_dict  # reads through the assembler, which builds these types

    return message_from_dict(obj)


def to_messages(items: Iterable[MessageLike]) -> list[Message]:
    """:func:`to_message` of each item; the error names the index of a bad one."""
    listed = list(items)
    # an agent loop sends its whole transcript of SDK messages every turn: one type check each, no calls
    if {type(item) for item in listed} <= _EXACT_TYPES:
        return cast("list[Message]", listed)
    return [_indexed(i, item) for i, item in enumerate(listed)]


_EXACT_TYPES = frozenset(_MESSAGE_TYPES)


def _indexed(index: int, item: MessageLike) -> Message:
    try:
        return to_message(item)
    except ValueError as exc:
        raise ValueError(f"messages[{index}]: {exc}") from None


__all__ = [
    "AssistantMessage",
    "ChatResponse",
    "DoneEvent",
    "Message",
    "MessageLike",
    "RawMode",
    "ReasoningChannel",
    "StreamEvent",
    "SystemMessage",
    "ToolMessage",
    "Usage",
    "UsageEvent",
    "UserMessage",
    "to_message",
    "to_messages",
]
