"""The OpenAI-compatible wire format: request bodies (reasoning in each dialect's channel) and the readers that
feed responses and stream chunks to the one assembler."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .._message_dicts import details_text, feed_reasoning_field
from ..assembly import Assembler
from ..messages import (
    AssistantMessage,
    Message,
    ReasoningChannel,
    StreamEvent,
    SystemMessage,
    ToolMessage,
    Usage,
    UserMessage,
)
from .base import ChatRequest
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
    if isinstance(msg, ToolMessage | UserMessage | SystemMessage):
        return msg.to_dict()
    raise TypeError(f"not a message: {type(msg).__name__}")


def request_body(
    request: ChatRequest, dialect: Dialect, defaults: Mapping[str, Any], extra_body: Mapping[str, Any], *, stream: bool
) -> dict[str, Any]:
    """The JSON body of a chat-completions request.

    ``defaults`` are the configured sampling defaults (left out where the dialect does not document them);
    the request's own sampling is always sent. Then the dialect's extras, the configured ``extra_body`` and
    the request's ``extra_body``, each merged over what came before.
    """
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [message_wire(m, dialect) for m in request.messages],
    }
    if request.tools:
        body["tools"] = [{"type": "function", "function": dict(t)} for t in request.tools]
    dropped = dialect.dropped_params
    body.update({k: v for k, v in defaults.items() if v is not None and k not in dropped})
    body.update(request.sampling)
    body.update(dialect.request_extras)
    body.update(extra_body)
    body.update(request.options.extra_body)
    if stream:
        body["stream"] = True
        if dialect.usage_in_stream:
            body["stream_options"] = {"include_usage": True}
    return body


# --- reading ---------------------------------------------------------------------------------------------------

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


def _metadata(data: Mapping[str, Any], assembler: Assembler) -> None:
    if assembler.model is None and isinstance(data.get("model"), str):
        assembler.model = data["model"]
    if assembler.id is None and isinstance(data.get("id"), str):
        assembler.id = data["id"]


def read_response(body: Mapping[str, Any], assembler: Assembler) -> list[StreamEvent]:
    """Feed a non-streaming chat-completions body to ``assembler``; the events it settles (a streaming
    assembler's; none otherwise). ValueError on a wrong shape."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise ValueError("the response has no choices")
    choice = choices[0]
    msg = choice.get("message")
    if not isinstance(msg, Mapping):
        raise ValueError("the response's first choice has no message")
    _metadata(body, assembler)
    events = feed_reasoning_field(msg, assembler)
    content = msg.get("content")
    events += assembler.content(content if isinstance(content, str) else "")
    for key, call in enumerate(msg.get("tool_calls") or ()):
        fn = call.get("function") if isinstance(call, Mapping) else None
        if isinstance(fn, Mapping):
            args = fn.get("arguments")
            args_text = args if isinstance(args, str) else json.dumps(args or {})
            events += assembler.tool_call_delta(key, call_id=call.get("id"), name=fn.get("name"), arguments=args_text)
    finish = choice.get("finish_reason")
    assembler.server_finish_reason = finish if isinstance(finish, str) else None
    usage = usage_from(body.get("usage"))
    if usage is not None:
        events += assembler.add_usage(usage)
    return events


class ChunkReader:
    """Feeds decoded stream chunks to an assembler: reasoning fields (``reasoning_details`` snapshots or
    increments), content, tool-call fragments by their ``index``, usage and the finish reason."""

    def __init__(self, assembler: Assembler, dialect: Dialect) -> None:
        self.assembler = assembler
        self._details_mode = dialect.reasoning_details_mode
        self._details_so_far = ""
        self._details_last: Mapping[str, Any] | None = None

    def feed(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        # called for every event of a stream: ``type(x) is dict`` is tried first (what JSON gives), as the
        # Mapping ABC's isinstance check costs more than most of a chunk's other work
        assembler = self.assembler
        events: list[StreamEvent] = []
        if assembler.model is None or assembler.id is None:
            _metadata(chunk, assembler)
        choices = chunk.get("choices")
        if choices and isinstance(choices, list):
            choice = choices[0]
            if type(choice) is dict or isinstance(choice, Mapping):
                delta = choice.get("delta")
                if delta and (type(delta) is dict or isinstance(delta, Mapping)):
                    details = delta.get("reasoning_details")
                    if details and isinstance(details, list):
                        events += assembler.reasoning(self._details_piece(details), "reasoning_details")
                    for key in _FIELDS:
                        value = delta.get(key)
                        if value and isinstance(value, str):
                            events += assembler.reasoning(value, key)
                    content = delta.get("content")
                    if content and isinstance(content, str):
                        events += assembler.content(content)
                    calls = delta.get("tool_calls")
                    if calls and isinstance(calls, list):
                        self._calls(calls, events)
                finish = choice.get("finish_reason")
                if isinstance(finish, str):
                    assembler.server_finish_reason = finish
        usage_data = chunk.get("usage")
        if usage_data is not None:  # most servers send "usage": null in every chunk but the last
            usage = usage_from(usage_data)
            if usage is not None:
                events += assembler.add_usage(usage)
        return events

    def _calls(self, calls: list[Any], events: list[StreamEvent]) -> None:
        assembler = self.assembler
        for call in calls:
            if isinstance(call, Mapping):
                index = call.get("index")
                fn = call.get("function")
                fn = fn if isinstance(fn, Mapping) else {}
                events.extend(
                    assembler.tool_call_delta(
                        index if isinstance(index, int) else assembler.call_count,
                        call_id=_string(call.get("id")),
                        name=_string(fn.get("name")),
                        arguments=_string(fn.get("arguments")),
                    )
                )

    def _details_piece(self, details: list[Any]) -> str:
        """The new reasoning text in streamed ``reasoning_details``: cumulative snapshots or increments."""
        text = details_text(details)
        items = [d for d in details if isinstance(d, Mapping)]
        if items:
            self._details_last = items[-1]
        so_far = self._details_so_far
        mode = self._details_mode
        if mode == "cumulative" or (mode == "auto" and so_far and text.startswith(so_far)):
            piece = text[len(so_far) :]
            self._details_so_far = text
        else:
            piece = text
            self._details_so_far = so_far + text
        return piece

    def close(self) -> list[StreamEvent]:
        """End of stream: the ``reasoning_details`` to send back (the last item's fields with the whole text),
        then the assembler's closing events."""
        if self._details_last is not None:
            self.assembler.reasoning_details = ({**self._details_last, "text": self._details_so_far},)
        return self.assembler.close()


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
