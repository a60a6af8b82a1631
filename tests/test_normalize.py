"""The normaliser: every dialect's response and stream shape into one typed message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from minimax_sdk.backends._wire import usage_from
from minimax_sdk.backends.dialects import DIALECTS, Dialect
from minimax_sdk.messages import DoneEvent, UsageEvent
from minimax_sdk.parsing import (
    ContentDelta,
    InvalidToolCallEvent,
    ReasoningDelta,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
)

from .wire_support import response_from_json, stream_reader

TOOLS = [{"type": "function", "function": {"name": "get", "parameters": {"properties": {"k": {"type": "string"}}}}}]
RAW_CALL = (
    '\n<minimax:tool_call>\n<invoke name="get">\n<parameter name="k">007</parameter>\n</invoke>\n</minimax:tool_call>'
)


def _body(message: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": "r1",
        "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        **extra,
    }


def _structured(name: str = "get", args: str = '{"k": "v"}', call_id: str = "c1") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


@pytest.mark.parametrize(
    ("dialect", "message", "channel"),
    [
        (
            "minimax",
            {"content": "Hi", "reasoning_details": [{"type": "reasoning.text", "text": "think"}]},
            "reasoning_details",
        ),
        ("minimax-inline", {"content": "<think>\nthink\n</think>\n\nHi"}, "inline"),
        ("openai", {"content": "Hi", "reasoning_content": "think"}, "reasoning_content"),
        ("openai", {"content": "Hi", "reasoning": "think"}, "reasoning"),
        ("openai", {"content": "<think>\nthink\n</think>\n\nHi"}, "inline"),
        ("openai", {"content": "think\n</think>\n\nHi"}, "inline"),
        ("nvidia", {"content": "Hi", "reasoning_content": "think"}, "reasoning_content"),
    ],
)
def test_every_reasoning_shape_gives_the_same_message(dialect: str, message: dict[str, Any], channel: str) -> None:
    resp = response_from_json(_body({"role": "assistant", **message}), DIALECTS[dialect], None, "req-1")
    assert (resp.message.reasoning, resp.message.content) == ("think", "Hi")
    assert resp.message.reasoning_channel == channel
    assert resp.message.dialect == dialect
    assert (resp.finish_reason, resp.model, resp.id, resp.request_id) == ("stop", "m", "r1", "req-1")


def test_raw_xml_tool_calls_in_content_become_tool_calls() -> None:
    resp = response_from_json(_body({"content": "thinking\n</think>\n\nok" + RAW_CALL}), DIALECTS["openai"], TOOLS)
    assert resp.message.reasoning == "thinking"
    assert resp.message.content == "ok"
    assert [(c.name, c.arguments) for c in resp.message.tool_calls] == [("get", {"k": "007"})]
    assert resp.message.raw_content is None  # content with XML calls is never sent back raw


def test_structured_tool_calls_are_decoded_and_checked() -> None:
    message = {
        "content": "",
        "tool_calls": [
            _structured(),
            _structured("nope", "{}", "c2"),
            _structured("get", "{bad", "c3"),
            _structured("get", "[1]", "c4"),
        ],
    }
    resp = response_from_json(_body(message), DIALECTS["openai"], TOOLS)
    assert [(c.id, c.arguments) for c in resp.message.tool_calls] == [("c1", {"k": "v"})]
    assert [(c.id, c.reason) for c in resp.message.invalid_tool_calls] == [
        ("c2", "unknown_tool"),
        ("c3", "malformed"),
        ("c4", "malformed"),
    ]


def test_usage_with_reasoning_and_cached_tokens() -> None:
    usage = usage_from(
        {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "completion_tokens_details": {"reasoning_tokens": 3},
            "prompt_tokens_details": {"cached_tokens": 4},
        }
    )
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (10, 5, 15)
    assert (usage.reasoning_tokens, usage.cached_tokens) == (3, 4)
    assert usage_from(None) is None
    assert usage_from({"prompt_tokens": 2, "completion_tokens": 1}).total_tokens == 3  # type: ignore[union-attr]


@pytest.mark.parametrize("body", [{}, {"choices": []}, {"choices": [{"message": "x"}]}, {"choices": ["x"]}])
def test_wrong_shapes_are_value_errors(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="choice"):
        response_from_json(body, DIALECTS["openai"], None)


# --- streaming ---------------------------------------------------------------------------------------------------


def _chunks(
    deltas: list[dict[str, Any]], finish: str = "stop", usage: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    out = [{"id": "s1", "model": "m", "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    out.append({"id": "s1", "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    if usage:
        out.append({"id": "s1", "choices": [], "usage": usage})
    return out


def _run(dialect: Dialect, chunks: list[dict[str, Any]], tools: Any = None) -> tuple[list[Any], Any]:
    norm = stream_reader(dialect, tools)
    events: list[Any] = []
    for chunk in chunks:
        events += norm.feed(chunk)
    events += norm.close()
    assert isinstance(events[-1], DoneEvent)
    return events, events[-1].response


def _text(events: list[Any], kind: type) -> str:
    return "".join(e.text for e in events if isinstance(e, kind))


def test_cumulative_reasoning_details_emit_only_the_new_suffix() -> None:
    snapshots = ["Th", "Think", "Thinking hard"]
    deltas = [{"reasoning_details": [{"type": "reasoning.text", "text": s}]} for s in snapshots] + [{"content": "Hi"}]
    events, resp = _run(DIALECTS["minimax"], _chunks(deltas))
    assert [e.text for e in events if isinstance(e, ReasoningDelta)] == ["Th", "ink", "ing hard"]
    assert resp.message.reasoning == "Thinking hard"
    assert resp.message.reasoning_details[0]["text"] == "Thinking hard"


def test_incremental_reasoning_details_are_appended() -> None:
    pieces = ["Th", "ink", "ing"]
    deltas = [{"reasoning_details": [{"type": "reasoning.text", "text": s}]} for s in pieces]
    events, resp = _run(DIALECTS["minimax"], _chunks(deltas))
    assert _text(events, ReasoningDelta) == "Thinking"
    assert resp.message.reasoning == "Thinking"


def test_raw_stream_is_held_until_think_close_decides_then_parsed() -> None:
    text = "plan it\n</think>\n\nanswer" + RAW_CALL
    deltas = [{"content": text[i : i + 3]} for i in range(0, len(text), 3)]
    events, resp = _run(DIALECTS["openai"], _chunks(deltas), TOOLS)
    assert _text(events, ReasoningDelta) == "plan it"
    assert _text(events, ContentDelta) == "answer"
    assert resp.message.tool_calls[0].arguments == {"k": "007"}
    assert resp.message.reasoning_channel == "inline"


def test_append_think_stream_starts_tagged() -> None:
    text = "<think>\nplan\n</think>\n\nanswer"
    events, resp = _run(DIALECTS["openai"], _chunks([{"content": c} for c in text]))
    assert (resp.message.reasoning, resp.message.content) == ("plan", "answer")
    assert _text(events, ContentDelta) == "answer"


def test_split_reasoning_field_then_content_is_not_held() -> None:
    norm = stream_reader(DIALECTS["openai"], None)
    assert [e.text for e in norm.feed(_chunks([{"reasoning_content": "r"}])[0]) if isinstance(e, ReasoningDelta)] == [
        "r"
    ]
    got = norm.feed(_chunks([{"content": "answer"}])[0])
    assert [e.text for e in got if isinstance(e, ContentDelta)] == ["answer"]


def test_plain_content_without_tags_is_content_at_the_end() -> None:
    events, resp = _run(DIALECTS["openai"], _chunks([{"content": "just "}, {"content": "text"}]))
    assert (resp.message.reasoning, resp.message.content) == ("", "just text")
    assert _text(events, ContentDelta) == "just text"


def test_structured_tool_call_deltas_assemble_and_end() -> None:
    deltas = [
        {"tool_calls": [{"index": 0, "id": "c1", "type": "function", "function": {"name": "get", "arguments": ""}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"k": '}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": '"v"}'}}]},
        {"tool_calls": [{"index": 1, "id": "c2", "function": {"name": "nope", "arguments": "{}"}}]},
    ]
    events, resp = _run(DIALECTS["openai"], _chunks(deltas, "tool_calls"), TOOLS)
    starts = [e for e in events if isinstance(e, ToolCallStart)]
    assert [(s.index, s.id, s.name) for s in starts] == [(0, "c1", "get")]
    assert "".join(e.delta for e in events if isinstance(e, ToolCallArgumentsDelta)) == '{"k": "v"}'
    assert [e.arguments for e in events if isinstance(e, ToolCallEnd)] == [{"k": "v"}]
    assert [e.reason for e in events if isinstance(e, InvalidToolCallEvent)] == ["unknown_tool"]
    assert resp.finish_reason == "tool_calls"


def test_calls_from_content_and_structured_calls_share_one_index_sequence() -> None:
    text = "r\n</think>\n\n" + RAW_CALL
    deltas = [
        {"content": text},
        {"tool_calls": [{"index": 0, "id": "c9", "function": {"name": "get", "arguments": "{}"}}]},
    ]
    events, resp = _run(DIALECTS["openai"], _chunks(deltas), TOOLS)
    assert sorted(e.index for e in events if isinstance(e, ToolCallStart)) == [0, 1]
    assert len(resp.message.tool_calls) == 2


def test_usage_event_and_response_usage() -> None:
    events, resp = _run(
        DIALECTS["openai"], _chunks([{"content": "x"}], usage={"prompt_tokens": 3, "completion_tokens": 1})
    )
    assert [e.usage.total_tokens for e in events if isinstance(e, UsageEvent)] == [4]
    assert resp.usage.prompt_tokens == 3
    assert json.dumps(resp.message.content) == '"x"'


def test_delivered_is_false_until_output_arrives() -> None:
    norm = stream_reader(DIALECTS["openai"], None)
    norm.feed({"id": "s", "choices": [{"index": 0, "delta": {"role": "assistant"}}]})
    assert not norm.assembler.delivered
    norm.feed({"id": "s", "choices": [{"index": 0, "delta": {"content": "x"}}]})
    assert norm.assembler.delivered
