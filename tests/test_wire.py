"""Requests on the wire: each dialect gets history with reasoning in its own channel."""

from __future__ import annotations

import json

import pytest

from minimax_sdk.backends._wire import message_wire, request_body
from minimax_sdk.backends.base import ChatRequest
from minimax_sdk.backends.dialects import DIALECTS, get_dialect
from minimax_sdk.messages import AssistantMessage, ToolMessage, UserMessage, to_message, to_messages
from minimax_sdk.parsing import ToolCall

from .wire_support import response_from_json

MSG = AssistantMessage.build(
    "Checking.", reasoning="Need data.", tool_calls=[ToolCall("c1", "get", {"k": "v", "n": 2})]
)


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            "minimax",
            {
                "reasoning_details": [
                    {
                        "type": "reasoning.text",
                        "id": "reasoning-text-1",
                        "format": "MiniMax-response-v1",
                        "index": 0,
                        "text": "Need data.",
                    }
                ],
                "content": "Checking.",
            },
        ),
        ("minimax-inline", {"content": "<think>\nNeed data.\n</think>\n\nChecking."}),
        ("openai", {"reasoning_content": "Need data.", "content": "Checking."}),
        ("nvidia", {"reasoning_content": "Need data.", "content": "Checking."}),
    ],
)
def test_hand_built_history_uses_the_dialects_channel(dialect: str, expected: dict[str, object]) -> None:
    wire = message_wire(MSG, DIALECTS[dialect])
    assert wire == {
        "role": "assistant",
        **expected,
        "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "get", "arguments": '{"k": "v", "n": 2}'}}
        ],
    }


def test_message_from_a_backend_goes_back_in_the_channel_it_came_in() -> None:
    body = {"choices": [{"message": {"content": "Hi", "reasoning": "r"}, "finish_reason": "stop"}]}
    msg = response_from_json(body, DIALECTS["openai"], None).message
    assert message_wire(msg, DIALECTS["openai"]) == {"role": "assistant", "reasoning": "r", "content": "Hi"}
    # to another backend it goes in that backend's channel
    assert message_wire(msg, DIALECTS["minimax-inline"])["content"] == "<think>\nr\n</think>\n\nHi"


def test_minimax_reasoning_details_are_sent_back_verbatim() -> None:
    details = [{"type": "reasoning.text", "id": "x-7", "format": "MiniMax-response-v1", "index": 0, "text": "r"}]
    body = {"choices": [{"message": {"content": "Hi", "reasoning_details": details}}]}
    msg = response_from_json(body, DIALECTS["minimax"], None).message
    assert message_wire(msg, DIALECTS["minimax"])["reasoning_details"] == details


def test_inline_content_is_sent_back_unchanged() -> None:
    content = "<think>\n  spaced reasoning \n</think>\n\n\nAnswer"
    msg = response_from_json({"choices": [{"message": {"content": content}}]}, DIALECTS["minimax-inline"], None).message
    assert message_wire(msg, DIALECTS["minimax-inline"])["content"] == content


def test_content_is_never_null() -> None:
    msg = AssistantMessage.build(tool_calls=[{"name": "f", "arguments": {}}])
    assert message_wire(msg, DIALECTS["openai"])["content"] == ""


def test_openai_dicts_convert_with_every_reasoning_form() -> None:
    for data in (
        {"role": "assistant", "content": "a", "reasoning_content": "r"},
        {"role": "assistant", "content": "a", "reasoning": "r"},
        {"role": "assistant", "content": "<think>\nr\n</think>\n\na"},
        {"role": "assistant", "content": "a", "reasoning_details": [{"text": "r"}]},
    ):
        msg = to_message(data)
        assert isinstance(msg, AssistantMessage)
        assert (msg.reasoning, msg.content) == ("r", "a")


def test_tool_call_dicts_with_json_string_arguments() -> None:
    msg = to_message(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": '{"a": 1}'}}],
        }
    )
    assert isinstance(msg, AssistantMessage)
    assert [(c.id, c.name, c.arguments) for c in msg.tool_calls] == [("c", "f", {"a": 1})]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"role": "wizard"}, "unknown message role"),
        ({"role": "tool", "content": "x"}, "tool_call_id"),
        (
            {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{oops"}}]},
            "not valid JSON",
        ),
        (
            {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "[1]"}}]},
            "JSON object",
        ),
        ({"role": "user", "content": 42}, "content"),
    ],
)
def test_bad_message_dicts_name_the_index_and_problem(bad: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        to_messages([{"role": "user", "content": "hi"}, bad])
    assert "messages[1]" in str(info.value)


def test_request_body_sampling_defaults_and_dialect_extras() -> None:
    request = ChatRequest(
        model="m",
        messages=(UserMessage("hi"), MSG, ToolMessage("c1", "result")),
        tools=({"name": "get", "parameters": {"type": "object"}},),
        sampling={"max_tokens": 10},
    )
    body = request_body(
        request, get_dialect("minimax"), {"temperature": 1.0, "top_p": 0.95, "top_k": 40}, {}, stream=True
    )
    assert body["reasoning_split"] is True
    assert (body["temperature"], body["top_p"], body["max_tokens"]) == (1.0, 0.95, 10)
    assert "top_k" not in body  # not documented by MiniMax's API: a default is not sent
    assert body["stream_options"] == {"include_usage": True}
    assert body["tools"] == [{"type": "function", "function": {"name": "get", "parameters": {"type": "object"}}}]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "tool"]
    explicit = request_body(ChatRequest("m", (), sampling={"top_k": 5}), get_dialect("minimax"), {}, {}, stream=False)
    assert explicit["top_k"] == 5
    assert json.dumps(explicit)


def test_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="minimax, minimax-inline, nvidia, openai"):
        get_dialect("vllm")
