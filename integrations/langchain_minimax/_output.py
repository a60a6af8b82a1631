"""SDK responses and stream events → LangChain messages and chunks.

Content is a list of standard blocks: ``reasoning`` blocks (the model's thinking, never left as ``<think>`` in
text) and ``text`` blocks; tool calls go to ``tool_calls`` / ``invalid_tool_calls`` (``tool_call_chunks`` when
streaming). Streamed blocks share one running ``index``, reasoning, text and tool calls alike, so chunks
aggregate to one block each in v0, v1 and the v3 event protocol. The reasoning is mirrored to
``additional_kwargs["reasoning_content"]``; ``additional_kwargs["minimax"]`` records where it came from (and
``additional_kwargs["reasoning_details"]`` the platform's own items), plain JSON so it survives checkpoints.

Usage, ``finish_reason`` and ``model_name`` arrive once, on the final chunk, which is empty and has
``chunk_position="last"``.
"""

from __future__ import annotations

import json
from typing import Any, Literal, cast

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.messages import InvalidToolCall as LcInvalidToolCall
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatResult

from minimax_sdk.messages import AssistantMessage, ChatResponse, DoneEvent, StreamEvent, Usage
from minimax_sdk.parsing import (
    ContentDelta,
    InvalidToolCall,
    InvalidToolCallEvent,
    ReasoningBlock,
    ReasoningDelta,
    TextBlock,
    ToolCallArgumentsDelta,
    ToolCallStart,
)

from ._convert import STASH_KEY

__all__ = ["PROVIDER", "ChunkBuilder", "chat_result"]

PROVIDER = "minimax"


def usage_metadata(usage: Usage | None) -> UsageMetadata | None:
    """LangChain's usage record, with reasoning and cached tokens where the server reports them."""
    if usage is None:
        return None
    result: dict[str, Any] = {
        "input_tokens": usage.prompt_tokens,
        "output_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens or usage.prompt_tokens + usage.completion_tokens,
    }
    if usage.cached_tokens is not None:
        result["input_token_details"] = InputTokenDetails(cache_read=usage.cached_tokens)
    if usage.reasoning_tokens is not None:
        result["output_token_details"] = OutputTokenDetails(reasoning=usage.reasoning_tokens)
    # a plain dict: mypy reads the TypedDict's NotRequired detail keys as required
    return cast("UsageMetadata", result)


def response_metadata(response: ChatResponse, requested_model: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "model_name": response.model or requested_model,
        "finish_reason": response.finish_reason,
        "model_provider": PROVIDER,
    }
    if response.id:
        metadata["id"] = response.id
    if response.request_id:
        metadata["request_id"] = response.request_id
    return metadata


def origin_kwargs(message: AssistantMessage, *, with_reasoning: bool) -> dict[str, Any]:
    """The ``additional_kwargs`` that let the reasoning go back exactly as it came (plain JSON)."""
    out: dict[str, Any] = {}
    if with_reasoning and message.reasoning:
        out["reasoning_content"] = message.reasoning
    if message.reasoning_details:
        out["reasoning_details"] = [dict(d) for d in message.reasoning_details]
    origin: dict[str, Any] = {"reasoning_channel": message.reasoning_channel, "dialect": message.dialect}
    if message.raw_content is not None:
        origin["raw_content"] = message.raw_content
    out[STASH_KEY] = origin
    return out


def invalid_args(call: InvalidToolCall) -> str:
    """The arguments text of an invalid call (the server's JSON text, or the model's raw XML)."""
    try:
        data = json.loads(call.raw)
    except ValueError:
        return call.raw
    if isinstance(data, dict) and set(data) == {"name", "arguments"} and isinstance(data["arguments"], str):
        return data["arguments"]
    return call.raw


def _invalid(call: InvalidToolCall) -> LcInvalidToolCall:
    error = f"{call.reason}: {call.detail}" if call.detail else call.reason
    return invalid_tool_call(id=call.id, name=call.name, args=invalid_args(call), error=error)


def chat_result(response: ChatResponse, requested_model: str) -> ChatResult:
    """The ``ChatResult`` of one non-streamed response."""
    message = response.message
    content: list[str | dict[str, Any]] = []
    for block in message.blocks:
        if isinstance(block, ReasoningBlock):
            content.append({"type": "reasoning", "reasoning": block.text})
        elif isinstance(block, TextBlock):
            content.append({"type": "text", "text": block.text})
    ai = AIMessage(
        content=content,
        additional_kwargs=origin_kwargs(message, with_reasoning=True),
        tool_calls=[tool_call(id=c.id, name=c.name, args=dict(c.arguments)) for c in message.tool_calls],
        invalid_tool_calls=[_invalid(c) for c in message.invalid_tool_calls],
        usage_metadata=usage_metadata(response.usage),
        response_metadata=response_metadata(response, requested_model),
    )
    llm_output = {"model_name": ai.response_metadata["model_name"]}
    return ChatResult(generations=[ChatGeneration(message=ai)], llm_output=llm_output)


class ChunkBuilder:
    """Turns one stream's SDK events into ``AIMessageChunk``s with one running block index."""

    def __init__(self, requested_model: str) -> None:
        self._model = requested_model
        self._next = 0
        self._kind: Literal["reasoning", "text"] | None = None
        self._index = -1
        self._calls: dict[int, int] = {}  # the SDK's call index -> block index

    def _block_index(self, kind: Literal["reasoning", "text"] | None) -> int:
        if kind is None or kind != self._kind:
            self._index, self._next = self._next, self._next + 1
        self._kind = kind
        return self._index

    def _chunk(self, **fields: Any) -> AIMessageChunk:
        return AIMessageChunk(response_metadata={"model_provider": PROVIDER}, **fields)

    def _call_chunk(self, index: int, *, name: str | None, args: str, call_id: str | None) -> AIMessageChunk:
        chunk = tool_call_chunk(name=name, args=args, id=call_id, index=index)
        return self._chunk(content=[], tool_call_chunks=[chunk])

    def feed(self, event: StreamEvent) -> list[AIMessageChunk]:
        """The chunks for one event (none for events that carry nothing new)."""
        if isinstance(event, ReasoningDelta):
            block = {"type": "reasoning", "reasoning": event.text, "index": self._block_index("reasoning")}
            return [self._chunk(content=[block], additional_kwargs={"reasoning_content": event.text})]
        if isinstance(event, ContentDelta):
            return [self._chunk(content=[{"type": "text", "text": event.text, "index": self._block_index("text")}])]
        if isinstance(event, ToolCallStart):
            index = self._calls[event.index] = self._block_index(None)
            return [self._call_chunk(index, name=event.name, args="", call_id=event.id)]
        if isinstance(event, ToolCallArgumentsDelta):
            return [self._call_chunk(self._calls[event.index], name=None, args=event.delta, call_id=None)]
        if isinstance(event, InvalidToolCallEvent) and event.index not in self._calls:
            # A call that never started (an unknown tool, or unreadable from its start). A started call
            # cannot be taken back: its chunks are already out.
            index = self._calls[event.index] = self._block_index(None)
            call = event.call
            return [self._call_chunk(index, name=call.name, args=invalid_args(call), call_id=call.id)]
        if isinstance(event, DoneEvent):
            return [self.final_chunk(event.response)]
        return []  # ToolCallEnd (its arguments were streamed), UsageEvent (the final chunk has the total)

    def final_chunk(self, response: ChatResponse) -> AIMessageChunk:
        return AIMessageChunk(
            content=[],
            additional_kwargs=origin_kwargs(response.message, with_reasoning=False),
            response_metadata=response_metadata(response, self._model),
            usage_metadata=usage_metadata(response.usage),
            chunk_position="last",
        )


def message_text(chunk: AIMessageChunk) -> str:
    """The text a chunk adds (the token reported to callbacks)."""
    return "".join(str(b.get("text") or "") for b in chunk.content if isinstance(b, dict) and b.get("type") == "text")
