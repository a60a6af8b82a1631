"""Scripted assistant turns: what the reference server answers, before a dialect gives it a wire shape."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ToolCall",
    "Turn",
    "echo_turn",
    "estimate_tokens",
    "last_user_text",
    "raw_completion",
    "raw_tool_block",
]

THINK_CLOSE = "\n</think>\n\n"
ECHO_REASONING = "The user wants their last message echoed back."


@dataclass(frozen=True)
class ToolCall:
    """One tool call of a turn. ``arguments``: a mapping, or a string sent verbatim as the JSON arguments."""

    name: str
    arguments: Mapping[str, Any] | str = field(default_factory=dict)
    id: str | None = None

    @classmethod
    def coerce(cls, value: ToolCall | Mapping[str, Any]) -> ToolCall:
        """Accept a ToolCall, ``{"name", "arguments", "id"?}`` or OpenAI's ``{"id", "function": {...}}``."""
        if isinstance(value, ToolCall):
            return value
        inner = value.get("function", value)
        if not isinstance(inner, Mapping) or not isinstance(inner.get("name"), str):
            raise TypeError(f"a tool call needs a string 'name': {value!r}")
        arguments = inner.get("arguments", {})
        if not isinstance(arguments, (Mapping, str)):
            raise TypeError(f"tool call arguments must be a mapping or a JSON string: {arguments!r}")
        call_id = value.get("id")
        return cls(name=inner["name"], arguments=arguments, id=call_id if isinstance(call_id, str) else None)

    @property
    def arguments_json(self) -> str:
        """The arguments as the JSON string of the OpenAI wire format."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(dict(self.arguments), ensure_ascii=False)

    def arguments_dict(self) -> dict[str, Any]:
        """The arguments as a dict, for the raw XML form; a string must hold a JSON object."""
        if not isinstance(self.arguments, str):
            return dict(self.arguments)
        try:
            parsed = json.loads(self.arguments)
        except json.JSONDecodeError as exc:
            raise ValueError(f"tool call {self.name!r}: arguments are not JSON, cannot render XML") from exc
        if not isinstance(parsed, dict):
            raise ValueError(f"tool call {self.name!r}: arguments are not a JSON object, cannot render XML")
        return parsed


@dataclass(frozen=True)
class Turn:
    """One scripted assistant turn.

    ``finish_reason`` None means ``"tool_calls"`` when the dialect returns structured tool calls and there
    are some, else ``"stop"``. ``usage`` None means estimated counts (about four characters a token); a
    mapping is sent as it is.
    """

    content: str = ""
    reasoning: str = ""
    tool_calls: Sequence[ToolCall | Mapping[str, Any]] = ()
    usage: Mapping[str, Any] | None = None
    finish_reason: str | None = None

    def __post_init__(self) -> None:
        calls = tuple(ToolCall.coerce(call) for call in self.tool_calls)
        object.__setattr__(self, "tool_calls", calls)

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        """The tool calls, normalised to :class:`ToolCall`."""
        return tuple(ToolCall.coerce(call) for call in self.tool_calls)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Turn:
        """A turn from a JSON object with the same keys as the constructor (the CLI's ``--turns`` file)."""
        unknown = set(value) - {"content", "reasoning", "tool_calls", "usage", "finish_reason"}
        if unknown:
            raise ValueError(f"unknown turn keys: {sorted(unknown)}")
        return cls(**value)


def estimate_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: one token per four characters, rounded up."""
    return math.ceil(len(text) / 4)


def _render_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def raw_tool_block(calls: Sequence[ToolCall]) -> str:
    """The tool calls exactly as the M2 chat template renders them (empty when there are none)."""
    if not calls:
        return ""
    parts = ["\n<minimax:tool_call>\n"]
    for call in calls:
        parts.append(f'<invoke name="{call.name}">\n')
        parts.extend(
            f'<parameter name="{key}">{_render_value(value)}</parameter>\n'
            for key, value in call.arguments_dict().items()
        )
        parts.append("</invoke>\n")
    parts.append("</minimax:tool_call>")
    return "".join(parts)


def raw_completion(turn: Turn) -> str:
    """What the model itself generates after the prompt's ``<think>\\n``: it starts inside the reasoning."""
    return turn.reasoning + THINK_CLOSE + turn.content + raw_tool_block(turn.calls)


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [
            part if isinstance(part, str) else part.get("text", "")
            for part in content
            if isinstance(part, str) or (isinstance(part, dict) and part.get("type") == "text")
        ]
        return "".join(t for t in texts if isinstance(t, str))
    return ""


def last_user_text(messages: Any) -> str:
    """The text of the last ``user`` message of an OpenAI-style message list ("" when there is none)."""
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _text_of(message.get("content"))
    return ""


def echo_turn(user_text: str) -> Turn:
    """The turn served when the script is empty: it echoes the last user message."""
    return Turn(content=user_text, reasoning=ECHO_REASONING)
