"""Requests in the OpenAI-compatible wire format: messages (reasoning in each dialect's channel) and bodies."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._tool_spec import ToolLike, function_definition
from ..messages import AssistantMessage, Message, SystemMessage, ToolMessage, UserMessage
from .dialects import Dialect

_DETAILS_DEFAULTS = {
    "type": "reasoning.text",
    "id": "reasoning-text-1",
    "format": "MiniMax-response-v1",
    "index": 0,
}


def _assistant_wire(msg: AssistantMessage, dialect: Dialect) -> dict[str, Any]:
    same_backend = msg.dialect == dialect.name and msg.reasoning_channel is not None
    channel = msg.reasoning_channel if same_backend else dialect.send_reasoning_as
    reasoning, content = msg.reasoning, msg.content
    out: dict[str, Any] = {"role": "assistant"}
    if channel == "inline":
        if same_backend and msg.raw_content is not None:
            content = msg.raw_content
        elif reasoning:
            content = f"<think>\n{reasoning}\n</think>\n\n{content}"
    elif reasoning and channel == "reasoning_details":
        details = msg.reasoning_details if same_backend and msg.reasoning_details else None
        out["reasoning_details"] = list(details) if details else [{**_DETAILS_DEFAULTS, "text": reasoning}]
    elif reasoning:
        out[channel or "reasoning_content"] = reasoning
    out["content"] = content  # never null: MiniMax rejects it and the M2 template renders "None"
    calls = msg.tool_calls
    if calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(c.arguments, ensure_ascii=False)},
            }
            for c in calls
        ]
    return out


def message_wire(msg: Message, dialect: Dialect) -> dict[str, Any]:
    """One message as the dialect's server expects it."""
    if isinstance(msg, AssistantMessage):
        return _assistant_wire(msg, dialect)
    if isinstance(msg, ToolMessage):
        out = {"role": "tool", "tool_call_id": msg.tool_call_id, "content": msg.content}
        if msg.name:
            out["name"] = msg.name
        return out
    if isinstance(msg, UserMessage):
        content: Any = msg.content if isinstance(msg.content, str) else [dict(p) for p in msg.content]
        return {"role": "user", "content": content}
    if isinstance(msg, SystemMessage):
        return {"role": "system", "content": msg.content}
    raise TypeError(f"not a message: {type(msg).__name__}")


def tools_wire(tools: Iterable[ToolLike]) -> list[dict[str, Any]]:
    """Tools as ``{"type": "function", "function": {...}}``."""
    return [{"type": "function", "function": function_definition(t)} for t in tools]


def request_body(
    *,
    model: str,
    messages: Sequence[Message],
    dialect: Dialect,
    tools: Sequence[ToolLike] | None,
    sampling: Mapping[str, Any],
    defaults: Mapping[str, Any],
    stream: bool,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body of a chat-completions request.

    ``defaults`` are the configured sampling defaults (left out where the dialect does not document them);
    ``sampling`` what the caller gave for this request (always sent).
    """
    body: dict[str, Any] = {"model": model, "messages": [message_wire(m, dialect) for m in messages]}
    if tools:
        body["tools"] = tools_wire(tools)
    dropped = dialect.dropped_params
    body.update({k: v for k, v in defaults.items() if v is not None and k not in dropped})
    body.update({k: v for k, v in sampling.items() if v is not None})
    body.update(dialect.request_extras)
    if extra_body:
        body.update(extra_body)
    if stream:
        body["stream"] = True
        if dialect.usage_in_stream:
            body["stream_options"] = {"include_usage": True}
    return body
