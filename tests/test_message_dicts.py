"""Messages survive being saved: ``to_dict()`` is plain JSON and ``from_dict()`` gives back an equal message, for
every message type; a dict with a key the SDK does not know raises instead of being sent empty."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minimax_sdk import AssistantMessage, SystemMessage, ToolMessage, UserMessage
from minimax_sdk.messages import to_message, to_messages
from minimax_sdk.parsing import InvalidToolCall, ReasoningBlock, TextBlock, ToolCall

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
blocks = st.one_of(
    st.builds(ReasoningBlock, st.text(max_size=20)),
    st.builds(TextBlock, st.text(max_size=20)),
    st.builds(
        ToolCall,
        st.text(min_size=1, max_size=8),
        st.text(min_size=1, max_size=8),
        st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        st.lists(st.text(max_size=10), max_size=2).map(tuple),
    ),
    st.builds(
        InvalidToolCall,
        st.text(max_size=8),
        st.none() | st.text(max_size=8),
        st.text(max_size=20),
        st.sampled_from(["truncated", "unknown_tool", "malformed"]),
        st.text(max_size=20),
    ),
)
assistant_messages = st.builds(
    AssistantMessage,
    st.lists(blocks, max_size=6).map(tuple),
    reasoning_channel=st.none() | st.sampled_from(["reasoning_details", "reasoning_content", "reasoning", "inline"]),
    dialect=st.none() | st.sampled_from(["minimax", "openai", "my-kind"]),
    reasoning_details=st.none()
    | st.lists(st.dictionaries(st.sampled_from(["type", "id", "text", "index"]), json_values), max_size=2).map(tuple),
    raw_content=st.none() | st.text(max_size=20),
)


def _through_json(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


@given(assistant_messages)
def test_assistant_messages_round_trip_through_json(message: AssistantMessage) -> None:
    assert AssistantMessage.from_dict(_through_json(message.to_dict())) == message
    assert to_message(_through_json(message.to_dict())) == message


@pytest.mark.parametrize(
    "message",
    [
        SystemMessage("Be brief."),
        UserMessage("hi"),
        UserMessage(({"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "data:,"}})),
        ToolMessage("call_1", "42", "calc"),
        ToolMessage("call_2", "no name"),
    ],
    ids=["system", "user", "user-parts", "tool", "tool-no-name"],
)
def test_other_messages_round_trip_through_json(message: Any) -> None:
    assert type(message).from_dict(_through_json(message.to_dict())) == message


def test_a_response_message_saved_keeps_reasoning_calls_and_invalid_calls() -> None:
    message = AssistantMessage(
        (
            ReasoningBlock("think"),
            TextBlock("Let me check."),
            ToolCall("c1", "get_weather", {"city": "Paris"}, ("duplicated parameter 'city'",)),
            InvalidToolCall("c2", None, "<invoke name=", "truncated", "cut off"),
        ),
        reasoning_channel="reasoning_details",
        dialect="minimax",
        reasoning_details=({"type": "reasoning.text", "text": "think"},),
    )
    saved = json.dumps(message.to_dict())
    assert AssistantMessage.from_dict(json.loads(saved)) == message


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"role": "user", "contnet": "hi"}, "contnet"),
        ({"role": "system", "content": "x", "tone": "dry"}, "tone"),
        ({"role": "tool", "tool_call_id": "c", "content": "x", "result": 1}, "result"),
        ({"role": "assistant", "content": "x", "reasoning_contnet": "r"}, "reasoning_contnet"),
        ({"role": "assistant", "blocks": [], "dialekt": "x"}, "dialekt"),
        ({"role": "assistant", "blocks": [{"type": "text", "text": "x", "extra": 1}]}, "extra"),
        ({"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f"}, "args": {}}]}, "args"),
        ({"role": "assistant", "content": "x", "refusal": "I won't"}, "refusal"),
    ],
)
def test_unknown_keys_raise_naming_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=f"messages\\[0\\].*'{key}'"):
        to_messages([data])


def test_the_openai_clients_own_empty_fields_are_accepted() -> None:
    dumped = {
        "role": "assistant",
        "content": "Hi",
        "refusal": None,
        "annotations": [],
        "audio": None,
        "function_call": None,
        "tool_calls": None,
        "reasoning_content": "r",
    }
    message = to_message(dumped)
    assert isinstance(message, AssistantMessage)
    assert (message.reasoning, message.content) == ("r", "Hi")


def test_a_hand_made_assistant_dict_keeps_reasoning_and_calls() -> None:
    message = to_message(
        {
            "role": "assistant",
            "content": "Checking.",
            "reasoning_content": "need weather",
            "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "w", "arguments": '{"a": 1}'}}],
        }
    )
    assert isinstance(message, AssistantMessage)
    assert (message.reasoning, message.content, message.reasoning_channel) == (
        "need weather",
        "Checking.",
        "reasoning_content",
    )
    assert message.tool_calls == [ToolCall("c1", "w", {"a": 1})]


def test_from_dict_of_the_wrong_role_is_an_error() -> None:
    with pytest.raises(ValueError, match="the dict is a UserMessage"):
        AssistantMessage.from_dict({"role": "user", "content": "hi"})


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        ({"type": "sound", "text": "x"}, "unknown block type"),
        ({"type": "tool_call", "id": "c", "name": "f", "arguments": "{}"}, "'arguments' must be an object"),
        ({"type": "invalid_tool_call", "id": "c", "raw": "", "reason": "odd"}, "'reason' must be one of"),
        ({"type": "text"}, "'text' must be a string"),
    ],
)
def test_bad_blocks_name_the_block_and_problem(block: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=rf"blocks\[0\].*{problem}"):
        AssistantMessage.from_dict({"role": "assistant", "blocks": [block]})
