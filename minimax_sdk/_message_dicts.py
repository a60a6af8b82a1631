"""Messages from dicts: OpenAI-style messages and the SDK's own ``to_dict()`` form, checked key by key.

An OpenAI-style assistant dict is read through the one assembler (its reasoning field, its content parsed
for inline ``<think>``, its tool calls), so history reads exactly like a response. A key that neither form
knows raises ``ValueError`` naming it: a misspelt ``contnet`` must not be sent as an empty message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from ._safe_json import UnreadableJSON
from ._safe_json import loads as safe_loads
from .assembly import Assembler
from .messages import (
    AssistantMessage,
    Message,
    ReasoningChannel,
    StreamEvent,
    SystemMessage,
    ToolMessage,
    UserMessage,
)
from .parsing import Block, InvalidToolCall, ReasoningBlock, TextBlock, ToolCall
from .parsing._machine import new_call_id
from .parsing.types import InvalidReason

__all__ = ["details_text", "feed_reasoning_field", "message_from_dict", "reasoning_field", "tool_call_from_dict"]

_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "tool": frozenset({"role", "tool_call_id", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "reasoning_content", "reasoning", "reasoning_details", "tool_calls"}
    ),
    "assistant-sdk": frozenset({"role", "blocks", "reasoning_channel", "dialect", "reasoning_details", "raw_content"}),
}
# keys of the OpenAI client's own message objects (``model_dump()``) that carry nothing M2 reads back
_EMPTY_OK = frozenset({"refusal", "annotations", "audio", "function_call"})
_CALL_KEYS = frozenset({"id", "type", "function", "name", "arguments", "index"})
_CHANNELS: tuple[str, ...] = get_args(ReasoningChannel)
_REASONS: tuple[str, ...] = get_args(InvalidReason)


def message_from_dict(data: Any) -> Message:
    """The SDK message for one dict (see :func:`minimax_sdk.messages.to_message`)."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a message must be an SDK message or a dict, got {type(data).__name__}")
    role = data.get("role")
    if role == "developer":
        role = "system"
    if role == "assistant" and "blocks" in data:
        _check_keys(data, "assistant-sdk")
        return _assistant_from_sdk_dict(data)
    if role not in _KEYS:
        raise ValueError(f"unknown message role {role!r}; expected system, user, assistant or tool")
    _check_keys(data, role)
    if role == "system":
        return SystemMessage(_text(data.get("content"), "system"))
    if role == "user":
        content = data.get("content")
        if isinstance(content, list | tuple):
            return UserMessage(tuple(p if isinstance(p, Mapping) else {"type": "text", "text": p} for p in content))
        return UserMessage(_text(content, "user"))
    if role == "tool":
        call_id = data.get("tool_call_id")
        if not isinstance(call_id, str):
            raise ValueError("tool message: needs a string 'tool_call_id'")
        name = data.get("name")
        return ToolMessage(call_id, _text(data.get("content"), "tool"), name if isinstance(name, str) else None)
    return _assistant_from_openai_dict(data)


def _check_keys(data: Mapping[str, Any], form: str) -> None:
    allowed = _KEYS[form]
    for key, value in data.items():
        if key not in allowed and not (key in _EMPTY_OK and not value):
            role = form.split("-")[0]
            known = ", ".join(sorted(allowed))
            raise ValueError(f"{role} message: unknown key {key!r} (known keys: {known})")


def _assistant_from_openai_dict(data: Mapping[str, Any]) -> AssistantMessage:
    assembler = Assembler(None, raw_mode="tagged", stream=False)
    feed_reasoning_field(data, assembler)
    assembler.content(_text(data.get("content"), "assistant"))
    calls = data.get("tool_calls") or ()
    if not isinstance(calls, list | tuple):
        raise ValueError(f"assistant message: 'tool_calls' must be a list, got {type(calls).__name__}")
    for call in calls:
        assembler.call(tool_call_from_dict(call))
    return assembler.message()


def tool_call_from_dict(call: Any) -> ToolCall:
    """A tool call from ``{"id", "function": {"name", "arguments"}}`` or ``{"name", "arguments"}``
    (arguments as a dict or JSON text); ``ValueError`` naming what is wrong."""
    if not isinstance(call, Mapping):
        raise ValueError(f"a tool call must be a dict, got {type(call).__name__}")
    unknown = sorted(set(call) - _CALL_KEYS)
    if unknown:
        raise ValueError(f"tool call: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(_CALL_KEYS))})")
    spec: Mapping[str, Any] = call["function"] if isinstance(call.get("function"), Mapping) else call
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a tool call needs a non-empty 'name', got {name!r}")
    arguments = spec.get("arguments") or {}
    if isinstance(arguments, str):
        try:
            arguments = safe_loads(arguments) if arguments.strip() else {}
        except UnreadableJSON as exc:
            raise ValueError(f"tool call {name!r}: arguments are not valid JSON ({exc.reason})") from None
    if not isinstance(arguments, Mapping):
        raise ValueError(f"tool call {name!r}: arguments must be a JSON object, got {type(arguments).__name__}")
    call_id = call.get("id")
    return ToolCall(call_id if isinstance(call_id, str) and call_id else new_call_id(), name, dict(arguments))


# --- the SDK's own form ------------------------------------------------------------------------------------


def _assistant_from_sdk_dict(data: Mapping[str, Any]) -> AssistantMessage:
    blocks = data.get("blocks")
    if not isinstance(blocks, list | tuple):
        raise ValueError(f"assistant message: 'blocks' must be a list, got {type(blocks).__name__}")
    channel = data.get("reasoning_channel")
    if channel is not None and channel not in _CHANNELS:
        raise ValueError(f"assistant message: unknown reasoning_channel {channel!r}")
    details = data.get("reasoning_details")
    if details is not None and not (isinstance(details, list) and all(isinstance(d, Mapping) for d in details)):
        raise ValueError("assistant message: 'reasoning_details' must be a list of objects")
    return AssistantMessage(
        tuple(_block(i, b) for i, b in enumerate(blocks)),
        reasoning_channel=channel,
        dialect=_optional_str(data, "dialect"),
        reasoning_details=tuple(dict(d) for d in details) if details is not None else None,
        raw_content=_optional_str(data, "raw_content"),
    )


_BLOCK_KEYS: dict[str, frozenset[str]] = {
    "reasoning": frozenset({"type", "text"}),
    "text": frozenset({"type", "text"}),
    "tool_call": frozenset({"type", "id", "name", "arguments", "warnings"}),
    "invalid_tool_call": frozenset({"type", "id", "name", "raw", "reason", "detail"}),
}


def _block(index: int, data: Any) -> Block:
    where = f"assistant message: blocks[{index}]"
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object, got {type(data).__name__}")
    kind = data.get("type")
    allowed = _BLOCK_KEYS.get(kind) if isinstance(kind, str) else None
    if allowed is None:
        raise ValueError(f"{where}: unknown block type {kind!r}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} for a {kind} block")

    def string(key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise ValueError(f"{where}: {key!r} must be a string, got {type(value).__name__}")
        return value

    if kind == "reasoning":
        return ReasoningBlock(string("text"))
    if kind == "text":
        return TextBlock(string("text"))
    if kind == "tool_call":
        arguments = data.get("arguments")
        if not isinstance(arguments, dict):
            raise ValueError(f"{where}: 'arguments' must be an object")
        warnings = data.get("warnings", [])
        if not isinstance(warnings, list | tuple) or not all(isinstance(w, str) for w in warnings):
            raise ValueError(f"{where}: 'warnings' must be a list of strings")
        return ToolCall(string("id"), string("name"), arguments, tuple(warnings))
    reason = data.get("reason")
    if reason not in _REASONS:
        raise ValueError(f"{where}: 'reason' must be one of {', '.join(_REASONS)}")
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise ValueError(f"{where}: 'name' must be a string or null")
    return InvalidToolCall(string("id"), name, string("raw"), reason, string("detail", ""))


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"assistant message: {key!r} must be a string, got {type(value).__name__}")
    return value


# --- reading fields ------------------------------------------------------------------------------------------


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


def feed_reasoning_field(message: Mapping[str, Any], assembler: Assembler) -> list[StreamEvent]:
    """Give ``assembler`` the reasoning an OpenAI-style message carries in a field (and, for
    ``reasoning_details``, the platform's items to send back unchanged); the events that settles."""
    text, channel = reasoning_field(message)
    if channel is None:
        return []
    details = message.get("reasoning_details")
    if channel == "reasoning_details" and isinstance(details, list):
        assembler.reasoning_details = tuple(details)
    return assembler.reasoning(text, channel)


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
