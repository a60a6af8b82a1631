"""LangChain messages → the SDK's typed messages, with every assistant turn's reasoning kept for the wire.

An ``AIMessage`` may hold its reasoning as ``reasoning`` content blocks (ours, and the v1 standard blocks that
LangGraph stores), as ``additional_kwargs["reasoning_content"]`` / ``["reasoning_details"]``, or inline as
``<think>…</think>`` in text (messages from other integrations); any of them becomes the SDK assistant
message's reasoning, and the SDK sends it back in the form the backend expects. ChatMiniMax's own messages also
carry ``additional_kwargs["minimax"]`` (the channel and backend the reasoning came from, and the raw content of
inline replies), so history goes back to the same backend exactly as it arrived.

System messages are folded into one leading system message: the MiniMax platform rejects a second or a
non-leading one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    convert_to_openai_messages,
)
from langchain_core.utils.json import parse_partial_json

from minimax_sdk.assembly import Assembler
from minimax_sdk.messages import AssistantMessage, Message, ReasoningChannel, to_message
from minimax_sdk.messages import SystemMessage as SdkSystemMessage
from minimax_sdk.messages import ToolMessage as SdkToolMessage
from minimax_sdk.parsing import ToolCall, parse_output

__all__ = ["STASH_KEY", "to_sdk_messages"]

STASH_KEY = "minimax"
"""``additional_kwargs`` key of the reasoning's origin: ``reasoning_channel``, ``dialect``, ``raw_content``."""

_FIELD_CHANNELS: frozenset[str] = frozenset({"reasoning_details", "reasoning_content", "reasoning"})
_REASONING_TYPES = {"reasoning": "reasoning", "thinking": "thinking"}  # block type -> key holding the text


def to_sdk_messages(messages: Sequence[BaseMessage]) -> list[Message]:
    """The SDK messages for a LangChain message list (raises ValueError naming a message it cannot send)."""
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    system: list[str] = []
    out: list[Message] = []
    for index, message in enumerate(messages):
        try:
            converted = _convert(message, answered)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"messages[{index}] ({type(message).__name__}): {exc}") from None
        if isinstance(converted, SdkSystemMessage):
            if converted.content:
                system.append(converted.content)
        else:
            out.append(converted)
    if system:
        out.insert(0, SdkSystemMessage("\n\n".join(system)))
    return out


def _convert(message: BaseMessage, answered: set[str]) -> Message:
    if isinstance(message, AIMessage):
        return assistant_message(message, answered)
    if isinstance(message, SystemMessage):
        return SdkSystemMessage(message.text)
    if isinstance(message, ToolMessage):
        text = convert_to_openai_messages(message)["content"]
        content = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
        return SdkToolMessage(message.tool_call_id, content, message.name)
    if isinstance(message, HumanMessage):
        return to_message(_without_name(convert_to_openai_messages(message)))
    if isinstance(message, ChatMessage):
        role = {"human": "user", "ai": "assistant"}.get(message.role, message.role)
        if role == "assistant":
            return assistant_message(AIMessage(content=message.content), answered)
        return to_message({"role": role, "content": message.content})
    if isinstance(message, FunctionMessage):
        raise ValueError("function messages (the legacy OpenAI format) are not supported; use ToolMessage")
    raise ValueError(f"unsupported message type {message.type!r}")


def _without_name(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "name"}


# --- assistant turns ------------------------------------------------------------------------------------------


def assistant_message(message: AIMessage, answered: set[str] | None = None) -> AssistantMessage:
    """The SDK assistant message for ``message``: reasoning from any form it holds, text, tool calls.

    Built by the SDK's one assembler, as a response is: the reasoning as a field piece (or, for a reply whose
    reasoning came inline, the inline text it came as), the text as content, then the calls.
    """
    block_reasoning, text, content_calls = _read_content(message.content)
    extra = message.additional_kwargs
    details = _details(extra.get("reasoning_details"))
    reasoning = (
        block_reasoning
        or _string(extra.get("reasoning_content"))
        or _details_text(details)
        or _string(extra.get("reasoning"))
    )
    origin = extra.get(STASH_KEY)
    origin = origin if isinstance(origin, Mapping) else {}
    channel = origin.get("reasoning_channel")
    dialect = origin.get("dialect")
    raw = origin.get("raw_content")
    # raw_mode auto: text holding inline reasoning from another integration (``…</think>``) is read as such
    assembler = Assembler(None, raw_mode="auto", dialect=dialect if isinstance(dialect, str) else None, stream=False)
    if reasoning and channel == "inline":
        same = isinstance(raw, str) and _same_output(raw, reasoning, text)
        assembler.content(raw if same and isinstance(raw, str) else f"<think>\n{reasoning}\n</think>\n\n{text}")
    else:
        if reasoning:
            field: ReasoningChannel = channel if channel in _FIELD_CHANNELS else "reasoning_content"
            assembler.reasoning(reasoning, field)
            if channel == "reasoning_details" and _details_text(details) == reasoning:
                assembler.reasoning_details = details
        assembler.content(text)
    for call in _tool_calls(message, content_calls, answered or set()):
        assembler.call(call)
    return assembler.message()


def _read_content(content: str | list[str | dict[str, Any]]) -> tuple[str, str, list[dict[str, Any]]]:
    """(reasoning from reasoning blocks, text, v1 ``tool_call`` blocks) of an AIMessage's content."""
    if isinstance(content, str):
        return "", content, []
    reasoning: list[str] = []
    text: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            text.append(block)
            continue
        kind = block.get("type")
        if kind == "text":
            text.append(str(block.get("text") or ""))
        elif kind in _REASONING_TYPES:
            reasoning.append(str(block.get(_REASONING_TYPES[kind]) or ""))
        elif kind == "tool_call":
            calls.append(block)
        # tool_use (Anthropic-style history), images and other blocks carry nothing the model reads back
    return "".join(reasoning), "".join(text), calls


def _tool_calls(message: AIMessage, content_calls: list[dict[str, Any]], answered: set[str]) -> list[ToolCall]:
    calls = [ToolCall(c.get("id") or _call_id(), c["name"], dict(c["args"])) for c in message.tool_calls]
    if not calls:  # a v1 message whose tool_calls list was lost: the blocks still hold them
        calls = [
            ToolCall(str(c.get("id") or _call_id()), str(c["name"]), dict(c.get("args") or {}))
            for c in content_calls
            if isinstance(c.get("name"), str)
        ]
    for invalid in message.invalid_tool_calls:
        # An invalid call goes back only when a tool message answers it: the API pairs every tool
        # message with a call of the previous assistant turn.
        call_id = invalid.get("id")
        if call_id and call_id in answered:
            calls.append(ToolCall(call_id, invalid.get("name") or "invalid_tool_call", _loose_args(invalid)))
    return calls


def _loose_args(invalid: Mapping[str, Any]) -> dict[str, Any]:
    raw = invalid.get("args")
    try:
        value = parse_partial_json(raw) if isinstance(raw, str) and raw else {}
    except (ValueError, TypeError):
        value = None
    return value if isinstance(value, dict) else {}


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _details(value: Any) -> tuple[Mapping[str, Any], ...] | None:
    if isinstance(value, list) and value and all(isinstance(d, Mapping) for d in value):
        return tuple(value)
    return None


def _details_text(details: tuple[Mapping[str, Any], ...] | None) -> str:
    return "".join(str(d.get("text") or "") for d in details or ())


def _same_output(raw: str, reasoning: str, text: str) -> bool:
    """Whether the stashed raw content still says what the message says (it may have been edited since)."""
    parsed = parse_output(raw, in_reasoning=None)
    return parsed.reasoning == reasoning and parsed.content == text and not parsed.tool_calls
