"""Dialects: how each kind of server puts a turn on the wire. Each one is a profile (data), not a branch.

A :class:`Dialect` combines a reasoning style (where reasoning goes), whether tool calls are structured or
left as raw XML in the content, and the envelope details of the provider (model id, ``base_resp``, usage
details, usage in every stream). The functions at the bottom turn a :class:`~._turns.Turn` into a
non-streaming body or a list of streaming chunks for any profile.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

from ._turns import THINK_CLOSE, ToolCall, Turn, estimate_tokens, raw_tool_block

__all__ = [
    "DIALECTS",
    "ChatContext",
    "Dialect",
    "InlineThink",
    "ReasoningDetails",
    "ReasoningDetailsMode",
    "ReasoningField",
    "ReasoningStyle",
    "chat_chunks",
    "chat_completion",
    "resolve_dialect",
]

ReasoningDetailsMode = Literal["cumulative", "incremental"]
Json = dict[str, Any]


def pieces(text: str, size: int) -> list[str]:
    """``text`` cut every ``size`` characters, so tags and JSON get split at arbitrary places."""
    return [text[start : start + size] for start in range(0, len(text), size)]


class ReasoningStyle(Protocol):
    """Where a dialect puts reasoning: message fields, stream deltas, or inline text before the content."""

    def message_fields(self, reasoning: str) -> Json: ...

    def stream_deltas(self, reasoning: str, size: int) -> list[Json]: ...

    def inline_prefix(self, reasoning: str) -> str: ...


@dataclass(frozen=True)
class ReasoningDetails:
    """MiniMax ``reasoning_split``: ``reasoning_details`` items; streamed text cumulative or incremental."""

    mode: ReasoningDetailsMode = "cumulative"

    @staticmethod
    def item(text: str) -> Json:
        return {
            "type": "reasoning.text",
            "id": "reasoning-text-1",
            "format": "MiniMax-response-v1",
            "index": 0,
            "text": text,
        }

    def message_fields(self, reasoning: str) -> Json:
        return {"reasoning_details": [self.item(reasoning)]} if reasoning else {}

    def stream_deltas(self, reasoning: str, size: int) -> list[Json]:
        deltas: list[Json] = []
        sent = ""
        for piece in pieces(reasoning, size):
            sent += piece
            deltas.append({"reasoning_details": [self.item(sent if self.mode == "cumulative" else piece)]})
        return deltas

    def inline_prefix(self, reasoning: str) -> str:
        return ""


@dataclass(frozen=True)
class ReasoningField:
    """A split reasoning parser (vLLM / SGLang): reasoning in its own string field."""

    name: str = "reasoning_content"

    def message_fields(self, reasoning: str) -> Json:
        return {self.name: reasoning} if reasoning else {}

    def stream_deltas(self, reasoning: str, size: int) -> list[Json]:
        return [{self.name: piece} for piece in pieces(reasoning, size)]

    def inline_prefix(self, reasoning: str) -> str:
        return ""


@dataclass(frozen=True)
class InlineThink:
    """Reasoning inline in the content: ``open_tag + reasoning + "\\n</think>\\n\\n"`` before the text."""

    open_tag: str

    def message_fields(self, reasoning: str) -> Json:
        return {}

    def stream_deltas(self, reasoning: str, size: int) -> list[Json]:
        return []

    def inline_prefix(self, reasoning: str) -> str:
        return self.open_tag + reasoning + THINK_CLOSE


_MINIMAX_ENVELOPE: Mapping[str, Any] = MappingProxyType(
    {
        "input_sensitive": False,
        "output_sensitive": False,
        "input_sensitive_type": 0,
        "output_sensitive_type": 0,
        "base_resp": {"status_code": 0, "status_msg": ""},
    }
)


@dataclass(frozen=True)
class Dialect:
    """A wire profile. ``extra_fields`` go on every body and on the last stream chunk."""

    name: str
    model: str
    reasoning: ReasoningStyle
    tool_calls_in_content: bool = False
    content_when_empty: str | None = None
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    usage_details: bool = False
    always_stream_usage: bool = False
    sglang_reasoning_parser: str | None = None
    sglang_tool_call_parser: str | None = "minimax-m2"
    backend: str = "openai"
    """The SDK's backend kind that reads this wire profile: ``MiniMax(backend=dialect.backend, base_url=...)``."""


_HOSTED_MODEL = "MiniMax-M2.1"
_SERVED_MODEL = "MiniMaxAI/MiniMax-M2.1"
_MINIMAX_PLATFORM = Dialect(
    name="minimax",
    model=_HOSTED_MODEL,
    reasoning=ReasoningDetails(),
    content_when_empty="",
    extra_fields=_MINIMAX_ENVELOPE,
    backend="minimax",
    usage_details=True,
    always_stream_usage=True,
    sglang_tool_call_parser=None,
)
_OPENAI_SPLIT = Dialect(
    name="openai-split",
    model=_SERVED_MODEL,
    reasoning=ReasoningField(),
    sglang_reasoning_parser="minimax",
)

DIALECTS: Mapping[str, Dialect] = MappingProxyType(
    {
        "minimax": _MINIMAX_PLATFORM,
        "minimax-inline": dataclasses.replace(
            _MINIMAX_PLATFORM, name="minimax-inline", reasoning=InlineThink("<think>\n"), backend="minimax-inline"
        ),
        "openai-split": _OPENAI_SPLIT,
        "openai-append-think": dataclasses.replace(
            _OPENAI_SPLIT,
            name="openai-append-think",
            reasoning=InlineThink("<think>"),
            sglang_reasoning_parser="minimax-append-think",
        ),
        "openai-raw": dataclasses.replace(
            _OPENAI_SPLIT,
            name="openai-raw",
            reasoning=InlineThink(""),
            tool_calls_in_content=True,
            sglang_reasoning_parser=None,
            sglang_tool_call_parser=None,
        ),
        "nvidia": dataclasses.replace(_OPENAI_SPLIT, name="nvidia", model="minimaxai/minimax-m2.1", backend="nvidia"),
    }
)


def resolve_dialect(
    dialect: str | Dialect,
    *,
    model: str | None = None,
    reasoning_details_mode: ReasoningDetailsMode | None = None,
    reasoning_field: str | None = None,
) -> Dialect:
    """A dialect by name (or as given) with the server's options applied; options must fit the dialect."""
    if isinstance(dialect, str):
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
        dialect = DIALECTS[dialect]
    if model is not None:
        dialect = dataclasses.replace(dialect, model=model)
    if reasoning_details_mode is not None:
        if not isinstance(dialect.reasoning, ReasoningDetails):
            raise ValueError(f"reasoning_details_mode does not apply to dialect {dialect.name!r}")
        if reasoning_details_mode not in ("cumulative", "incremental"):
            raise ValueError(f"reasoning_details_mode must be cumulative or incremental: {reasoning_details_mode!r}")
        dialect = dataclasses.replace(dialect, reasoning=ReasoningDetails(reasoning_details_mode))
    if reasoning_field is not None:
        if not isinstance(dialect.reasoning, ReasoningField):
            raise ValueError(f"reasoning_field does not apply to dialect {dialect.name!r}")
        dialect = dataclasses.replace(dialect, reasoning=ReasoningField(reasoning_field))
    return dialect


@dataclass(frozen=True)
class ChatContext:
    """What a response needs besides the turn: ids, model, prompt size, stream options."""

    completion_id: str
    created: int
    model: str
    prompt_tokens: int
    chunk_chars: int = 4
    include_usage: bool = False

    def call_id(self, index: int, call: ToolCall) -> str:
        return call.id or f"call_{self.completion_id.rsplit('-', 1)[-1]}_{index}"


def finish_reason(dialect: Dialect, turn: Turn) -> str:
    if turn.finish_reason is not None:
        return turn.finish_reason
    return "tool_calls" if turn.calls and not dialect.tool_calls_in_content else "stop"


def usage(dialect: Dialect, turn: Turn, ctx: ChatContext) -> Json:
    """The turn's usage, or an estimate in the dialect's shape."""
    if turn.usage is not None:
        return dict(turn.usage)
    reasoning_tokens = estimate_tokens(turn.reasoning)
    completion = reasoning_tokens + estimate_tokens(turn.content)
    completion += sum(estimate_tokens(call.name + call.arguments_json) for call in turn.calls)
    result: Json = {
        "prompt_tokens": ctx.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": ctx.prompt_tokens + completion,
    }
    if dialect.usage_details:
        result["prompt_tokens_details"] = {"cached_tokens": 0}
        result["completion_tokens_details"] = {"reasoning_tokens": reasoning_tokens}
    return result


def content_text(dialect: Dialect, turn: Turn) -> str:
    """The ``content`` string: inline reasoning, the text, and raw tool-call XML as the dialect wants."""
    text = dialect.reasoning.inline_prefix(turn.reasoning) + turn.content
    if dialect.tool_calls_in_content:
        text += raw_tool_block(turn.calls)
    return text


def _structured_calls(dialect: Dialect, turn: Turn, ctx: ChatContext) -> list[Json]:
    if dialect.tool_calls_in_content:
        return []
    return [
        {
            "id": ctx.call_id(index, call),
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments_json},
        }
        for index, call in enumerate(turn.calls)
    ]


def chat_completion(dialect: Dialect, turn: Turn, ctx: ChatContext) -> Json:
    """The non-streaming ``chat.completion`` body."""
    message: Json = {
        "role": "assistant",
        "content": content_text(dialect, turn) or dialect.content_when_empty,
    }
    message.update(dialect.reasoning.message_fields(turn.reasoning))
    calls = _structured_calls(dialect, turn, ctx)
    if calls:
        message["tool_calls"] = calls
    body: Json = {
        "id": ctx.completion_id,
        "object": "chat.completion",
        "created": ctx.created,
        "model": ctx.model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(dialect, turn)}],
        "usage": usage(dialect, turn, ctx),
    }
    body.update(copy.deepcopy(dict(dialect.extra_fields)))
    return body


def _tool_call_deltas(calls: list[Json], size: int) -> list[Json]:
    deltas: list[Json] = []
    for index, call in enumerate(calls):
        head = {"index": index, "id": call["id"], "type": "function"}
        head["function"] = {"name": call["function"]["name"], "arguments": ""}
        deltas.append({"tool_calls": [head]})
        deltas.extend(
            {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}
            for piece in pieces(call["function"]["arguments"], size)
        )
    return deltas


def chat_chunks(dialect: Dialect, turn: Turn, ctx: ChatContext) -> list[Json]:
    """The ``chat.completion.chunk`` payloads of a stream, in order (``[DONE]`` not included)."""
    size = ctx.chunk_chars
    deltas: list[Json] = [{"role": "assistant", "content": ""}]
    deltas += dialect.reasoning.stream_deltas(turn.reasoning, size)
    deltas += [{"content": piece} for piece in pieces(content_text(dialect, turn), size)]
    deltas += _tool_call_deltas(_structured_calls(dialect, turn, ctx), size)
    envelope = {
        "id": ctx.completion_id,
        "object": "chat.completion.chunk",
        "created": ctx.created,
        "model": ctx.model,
    }
    chunks: list[Json] = [
        {**envelope, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]} for delta in deltas
    ]
    final: Json = {
        **envelope,
        "choices": [{"index": 0, "delta": {}, "finish_reason": finish_reason(dialect, turn)}],
    }
    chunks.append(final)
    if dialect.always_stream_usage:
        final["usage"] = usage(dialect, turn, ctx)
    elif ctx.include_usage:
        chunks.append({**envelope, "choices": [], "usage": usage(dialect, turn, ctx)})
    final.update(copy.deepcopy(dict(dialect.extra_fields)))
    return chunks
