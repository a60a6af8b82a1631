"""Unit tests of ``minimax_sdk.template``: each rule of the MiniMax-M2 format and each deviation, exactly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from minimax_sdk.template import TemplateError, render_assistant_turn, render_conversation, render_tool_call

HEAD = "]~!b[]~b]system\nYou are a helpful assistant.[e~[\n"
PROMPT = "]~b]ai\n<think>\n"
WEATHER_FUNCTION = {
    "name": "get_weather",
    "description": "Weather für eine Stadt",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
WEATHER_TOOL = {"type": "function", "function": WEATHER_FUNCTION}
TOOLS_BLOCK = (
    "\n\n# Tools\nYou may call one or more tools to assist with the user query.\n"
    "Here are the tools available in JSONSchema format:\n\n<tools>\n"
    '<tool>{"name": "get_weather", "description": "Weather für eine Stadt", "parameters": {"type": "object", '
    '"properties": {"city": {"type": "string"}}, "required": ["city"]}}</tool>\n'
    "</tools>\n\nWhen making tool calls, use XML format to invoke tools and pass parameters:\n\n"
    "<minimax:tool_call>\n"
    '<invoke name="tool-name-1">\n'
    '<parameter name="param-key-1">param-value-1</parameter>\n'
    '<parameter name="param-key-2">param-value-2</parameter>\n'
    "...\n</invoke>\n</minimax:tool_call>"
)
CALL_PARIS = {
    "id": "c1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": {"city": "Paris"}},
}
INVOKE_PARIS = '<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n'
BLOCK_PARIS = f"\n<minimax:tool_call>\n{INVOKE_PARIS}</minimax:tool_call>"


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def calling(content: Any = "", **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content, "tool_calls": [CALL_PARIS], **extra}


# --- system turn ----------------------------------------------------------------------------------------


def test_minimal_prompt() -> None:
    assert render_conversation([user("hi")]) == f"{HEAD}]~b]user\nhi[e~[\n{PROMPT}"


def test_no_generation_prompt() -> None:
    assert render_conversation([user("hi")], add_generation_prompt=False) == f"{HEAD}]~b]user\nhi[e~[\n"


def test_empty_conversation_is_just_the_system_turn() -> None:
    assert render_conversation([], add_generation_prompt=False) == HEAD


def test_model_identity_when_there_is_no_system_message() -> None:
    out = render_conversation([user("hi")], model_identity="I am M2.1.")
    assert out.startswith("]~!b[]~b]system\nI am M2.1.[e~[\n]~b]user\n")


@pytest.mark.parametrize("content", ["", None, []], ids=["empty", "none", "empty-list"])
def test_model_identity_when_system_content_is_empty(content: Any) -> None:
    out = render_conversation([{"role": "system", "content": content}, user("hi")], model_identity="Identity")
    assert out.startswith("]~!b[]~b]system\nIdentity[e~[\n")


def test_system_content_replaces_model_identity() -> None:
    out = render_conversation([{"role": "system", "content": "Be terse."}, user("hi")], model_identity="Id")
    assert out == f"]~!b[]~b]system\nBe terse.[e~[\n]~b]user\nhi[e~[\n{PROMPT}"


def test_system_content_list_of_only_images_gives_empty_system_text() -> None:
    system = {"role": "system", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
    assert render_conversation([system], add_generation_prompt=False) == "]~!b[]~b]system\n[e~[\n"


def test_current_date_and_location() -> None:
    system = {"role": "system", "content": "S", "current_date": "2025-12-23", "current_location": "Zürich"}
    out = render_conversation([system], add_generation_prompt=False)
    assert out == "]~!b[]~b]system\nS\nCurrent date: 2025-12-23\nCurrent location: Zürich[e~[\n"


def test_current_date_with_empty_content_follows_model_identity() -> None:
    out = render_conversation([{"role": "system", "content": "", "current_date": "today"}], add_generation_prompt=False)
    assert out == "]~!b[]~b]system\nYou are a helpful assistant.\nCurrent date: today[e~[\n"


def test_current_date_must_be_a_string() -> None:
    with pytest.raises(TemplateError, match=r"messages\[0\] \(system\): 'current_date' must be a string"):
        render_conversation([{"role": "system", "content": "S", "current_date": 20251223}])


def test_later_system_messages_are_dropped() -> None:
    messages = [user("a"), {"role": "system", "content": "ignored"}, user("b")]
    assert render_conversation(messages) == f"{HEAD}]~b]user\na[e~[\n]~b]user\nb[e~[\n{PROMPT}"


# --- tools ----------------------------------------------------------------------------------------------


def test_tools_block() -> None:
    out = render_conversation([user("hi")], [WEATHER_TOOL])
    assert out == f"]~!b[]~b]system\nYou are a helpful assistant.{TOOLS_BLOCK}[e~[\n]~b]user\nhi[e~[\n{PROMPT}"


@pytest.mark.parametrize("tools", [None, []], ids=["none", "empty"])
def test_no_tools_block_without_tools(tools: Any) -> None:
    assert render_conversation([user("hi")], tools) == f"{HEAD}]~b]user\nhi[e~[\n{PROMPT}"


def test_tools_block_follows_system_text_and_date() -> None:
    system = {"role": "system", "content": "S", "current_date": "d"}
    out = render_conversation([system], [WEATHER_TOOL], add_generation_prompt=False)
    assert out == f"]~!b[]~b]system\nS\nCurrent date: d{TOOLS_BLOCK}[e~[\n"


def test_flat_tool_is_accepted_like_the_openai_shape() -> None:
    """Deviation: the template raises on a flat tool (``tool.function`` is undefined)."""
    assert render_conversation([user("hi")], [WEATHER_FUNCTION]) == render_conversation([user("hi")], [WEATHER_TOOL])


def test_tool_object_with_definition_is_accepted() -> None:
    class WeatherTool:
        @property
        def definition(self) -> Mapping[str, Any]:
            return WEATHER_TOOL

    assert render_conversation([user("hi")], [WeatherTool()]) == render_conversation([user("hi")], [WEATHER_TOOL])


def test_several_tools_one_per_line_in_order() -> None:
    other = {"type": "function", "function": {"name": "now", "parameters": {}}}
    out = render_conversation([], [other, WEATHER_TOOL])
    assert '<tools>\n<tool>{"name": "now", "parameters": {}}</tool>\n<tool>{"name": "get_weather", ' in out


@pytest.mark.parametrize(
    ("tools", "problem"),
    [
        ([{"type": "function", "function": {"description": "no name"}}], "non-empty string 'name'"),
        ([42], "a tool must be a dict"),
        (WEATHER_TOOL, "tools: must be a sequence of tools, got dict"),
        (
            [{"name": "f", "parameters": {"default": {1, 2}}}],
            r"tools\[0\]: the definition is not JSON-serialisable",
        ),
    ],
    ids=["no-name", "not-a-tool", "one-tool-not-in-a-list", "not-serialisable"],
)
def test_invalid_tools_raise(tools: Any, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem):
        render_conversation([user("hi")], tools)


# --- user content ---------------------------------------------------------------------------------------


def test_user_content_list_joins_text_parts_and_strings() -> None:
    content = [
        {"type": "text", "text": "a "},
        {"type": "image_url", "image_url": {"url": "u"}},
        "b",
        7,
        {"text": "c"},
    ]
    assert render_conversation([user(content)], add_generation_prompt=False) == f"{HEAD}]~b]user\na b[e~[\n"


def test_text_part_without_text_is_empty() -> None:
    content = [{"type": "text"}, {"type": "text", "text": None}, "x"]
    assert render_conversation([user(content)], add_generation_prompt=False) == f"{HEAD}]~b]user\nx[e~[\n"


def test_content_none_renders_empty() -> None:
    """Deviation: the template writes the literal text ``None``."""
    out = render_conversation([user(None), {"role": "assistant", "content": None}], add_generation_prompt=False)
    assert out == f"{HEAD}]~b]user\n[e~[\n]~b]ai\n[e~[\n"


@pytest.mark.parametrize("content", [5, {"type": "text", "text": "x"}, b"bytes"], ids=["int", "mapping", "bytes"])
def test_unsupported_content_raises_with_the_index(content: Any) -> None:
    with pytest.raises(TemplateError, match=r"messages\[2\] \(user\): content must be a string, a list of parts"):
        render_conversation([{"role": "system", "content": "S"}, user("ok"), user(content)])


def test_non_string_text_part_raises() -> None:
    with pytest.raises(TemplateError, match=r"messages\[0\] \(user\): content\[1\]: 'text' must be a string"):
        render_conversation([user(["a", {"type": "text", "text": 3}])])


# --- assistant turns: reasoning -------------------------------------------------------------------------


def test_reasoning_kept_after_the_last_user_message_only() -> None:
    old = {"role": "assistant", "content": "A1", "reasoning_content": "R1"}
    new = {"role": "assistant", "content": "A2", "reasoning_content": "R2"}
    out = render_conversation([user("q1"), old, user("q2"), new], add_generation_prompt=False)
    assert out == (
        f"{HEAD}]~b]user\nq1[e~[\n]~b]ai\nA1[e~[\n]~b]user\nq2[e~[\n]~b]ai\n<think>\nR2\n</think>\n\nA2[e~[\n"
    )


def test_reasoning_kept_in_every_turn_of_the_current_tool_loop() -> None:
    first = calling("", reasoning_content="R1")
    final = {"role": "assistant", "content": "Done", "reasoning_content": "R2"}
    messages = [user("q"), first, {"role": "tool", "content": "Sunny"}, final]
    out = render_conversation(messages, add_generation_prompt=False)
    assert out == (
        f"{HEAD}]~b]user\nq[e~[\n]~b]ai\n<think>\nR1\n</think>\n\n{BLOCK_PARIS}[e~[\n"
        "]~b]tool\n<response>Sunny</response>[e~[\n]~b]ai\n<think>\nR2\n</think>\n\nDone[e~[\n"
    )


def test_reasoning_without_any_user_message_is_kept() -> None:
    out = render_conversation([{"role": "assistant", "content": "A", "reasoning_content": "R"}])
    assert out == f"{HEAD}]~b]ai\n<think>\nR\n</think>\n\nA[e~[\n{PROMPT}"


def test_reasoning_alias_is_used_when_reasoning_content_is_absent() -> None:
    """Deviation: vLLM's newer ``reasoning`` field; the template knows only ``reasoning_content``."""
    assert render_assistant_turn({"role": "assistant", "content": "A", "reasoning": "R"}) == "<think>\nR\n</think>\n\nA"
    both = {"content": "A", "reasoning_content": "R1", "reasoning": "R2"}
    assert render_assistant_turn(both) == "<think>\nR1\n</think>\n\nA"
    none_first = {"content": "A", "reasoning_content": None, "reasoning": "R2"}
    assert render_assistant_turn(none_first) == "<think>\nR2\n</think>\n\nA"


@pytest.mark.parametrize("key", ["reasoning_content", "reasoning"])
def test_non_string_reasoning_raises(key: str) -> None:
    with pytest.raises(TemplateError, match=rf"message: '{key}' must be a string, got list"):
        render_assistant_turn({"content": "A", key: ["R"]})


def test_keep_reasoning_false_drops_reasoning() -> None:
    assert render_assistant_turn({"content": "A", "reasoning_content": "R"}, keep_reasoning=False) == "A"


def test_reasoning_keeps_its_inner_newlines() -> None:
    assert render_assistant_turn({"content": "A", "reasoning_content": "\nR\n"}) == "<think>\n\nR\n\n</think>\n\nA"


@pytest.mark.parametrize(
    ("content", "reasoning", "rest"),
    [
        ("<think>R</think>A", "R", "A"),
        ("<think>\nR\n</think>\n\nA\n", "R", "A"),
        ("R</think>A", "R", "A"),
        ("pre<think>ignored<think>R</think>A", "R", "A"),
        ("<think>R</think>lost</think>A", "R", "A"),
        ("<think>R</think>", "R", ""),
        ("<think>\n\n</think>A", "", "A"),
        ("<think> R </think> A", " R ", " A"),
    ],
    ids=[
        "plain",
        "newlines-stripped",
        "no-open-tag",
        "last-open-tag",
        "text-between-closes-lost",
        "no-content",
        "empty-reasoning",
        "spaces-kept",
    ],
)
def test_reasoning_extracted_from_content(content: str, reasoning: str, rest: str) -> None:
    expected = (f"<think>\n{reasoning}\n</think>\n\n" if reasoning else "") + rest
    assert render_assistant_turn({"role": "assistant", "content": content}) == expected
    assert render_assistant_turn({"role": "assistant", "content": content}, keep_reasoning=False) == rest


def test_reasoning_extracted_from_content_list() -> None:
    message = {"content": [{"type": "text", "text": "<think>R"}, "</think>A"]}
    assert render_assistant_turn(message) == "<think>\nR\n</think>\n\nA"


def test_content_with_think_tags_is_verbatim_when_reasoning_content_is_given() -> None:
    message = {"content": "<think>x</think>A", "reasoning_content": ""}
    assert render_assistant_turn(message) == "<think>x</think>A"
    message = {"content": "<think>x</think>A", "reasoning_content": "R"}
    assert render_assistant_turn(message) == "<think>\nR\n</think>\n\n<think>x</think>A"


# --- assistant turns: tool calls ------------------------------------------------------------------------


def test_tool_call_block_after_content() -> None:
    assert render_assistant_turn(calling("Checking.")) == f"Checking.{BLOCK_PARIS}"


def test_empty_content_with_reasoning_gives_three_newlines_before_the_block() -> None:
    assert render_assistant_turn(calling("", reasoning_content="R")) == f"<think>\nR\n</think>\n\n{BLOCK_PARIS}"
    assert "</think>\n\n\n<minimax:tool_call>" in render_assistant_turn(calling(reasoning_content="R"))


def test_empty_content_without_reasoning_starts_with_a_newline() -> None:
    assert render_assistant_turn(calling(None)) == BLOCK_PARIS


def test_parallel_calls_in_one_block() -> None:
    second = {"name": "get_weather", "arguments": {"city": "東京", "days": 3}}
    message = {"content": "", "tool_calls": [CALL_PARIS, second]}
    assert render_assistant_turn(message) == (
        f"\n<minimax:tool_call>\n{INVOKE_PARIS}"
        '<invoke name="get_weather">\n<parameter name="city">東京</parameter>\n'
        '<parameter name="days">3</parameter>\n</invoke>\n</minimax:tool_call>'
    )


def test_flat_tool_call_renders_like_the_openai_shape() -> None:
    flat = {"content": "", "tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]}
    assert render_assistant_turn(flat) == render_assistant_turn(calling())


def test_json_string_arguments_are_decoded() -> None:
    """Deviation: the template needs a dict (``'str object' has no attribute 'items'``)."""
    call = {
        "type": "function",
        "function": {"name": "f", "arguments": '{"b": 1, "a": "x", "c": [true, null]}'},
    }
    assert render_assistant_turn({"content": "", "tool_calls": [call]}) == (
        '\n<minimax:tool_call>\n<invoke name="f">\n<parameter name="b">1</parameter>\n'
        '<parameter name="a">x</parameter>\n<parameter name="c">[true, null]</parameter>\n'
        "</invoke>\n</minimax:tool_call>"
    )


@pytest.mark.parametrize("arguments", [None, "", "  ", {}], ids=["none", "empty-string", "blank", "empty-dict"])
def test_missing_arguments_mean_no_parameters(arguments: Any) -> None:
    message = {"content": "", "tool_calls": [{"function": {"name": "now", "arguments": arguments}}]}
    assert (
        render_assistant_turn(message) == '\n<minimax:tool_call>\n<invoke name="now">\n</invoke>\n</minimax:tool_call>'
    )


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ("[1, 2]", "'arguments' must be a JSON object, not a list"),
        ('"text"', "'arguments' must be a JSON object, not a str"),
        ("{not json", "'arguments' is not valid JSON"),
        (42, "'arguments' must be a mapping or a JSON object string, got int"),
    ],
    ids=["json-array", "json-string", "invalid-json", "int"],
)
def test_bad_arguments_raise_with_the_index(arguments: Any, problem: str) -> None:
    call = {"function": {"name": "f", "arguments": arguments}}
    messages = [user("q"), {"role": "assistant", "content": "", "tool_calls": [CALL_PARIS, call]}]
    with pytest.raises(TemplateError, match=rf"messages\[1\] \(assistant\): tool_calls\[1\]: {problem}"):
        render_conversation(messages)


@pytest.mark.parametrize(
    ("call", "problem"),
    [
        ({"function": {"arguments": {}}}, "the tool name must be a non-empty string, got None"),
        ({"name": "", "arguments": {}}, "the tool name must be a non-empty string, got ''"),
        ("get_weather", "must be a mapping, got str"),
        ({"function": "get_weather"}, "'function' must be a mapping, got str"),
        ({"name": "f", "arguments": {1: "x"}}, "argument names must be strings, got 1"),
        ({"name": "f", "arguments": {"x": {1, 2}}}, "argument 'x' is not JSON-serialisable"),
    ],
    ids=["no-name", "empty-name", "not-a-mapping", "function-not-a-mapping", "int-key", "set-value"],
)
def test_bad_tool_calls_raise(call: Any, problem: str) -> None:
    with pytest.raises(TemplateError, match=rf"message: tool_calls\[0\]: {problem}"):
        render_assistant_turn({"content": "", "tool_calls": [call]})


def test_tool_calls_must_be_a_list() -> None:
    with pytest.raises(TemplateError, match="message: 'tool_calls' must be a list, got dict"):
        render_assistant_turn({"content": "", "tool_calls": CALL_PARIS})


def test_empty_tool_calls_list_renders_no_block() -> None:
    assert render_assistant_turn({"content": "A", "tool_calls": []}) == "A"


def test_render_assistant_turn_rejects_other_roles() -> None:
    with pytest.raises(TemplateError, match="needs an assistant message, got role 'user'"):
        render_assistant_turn(user("hi"))
    with pytest.raises(TemplateError, match="must be a mapping, got str"):
        render_assistant_turn("hello")  # type: ignore[arg-type]


def test_render_assistant_turn_accepts_a_message_without_role() -> None:
    assert render_assistant_turn({"content": "A"}) == "A"


# --- render_tool_call -----------------------------------------------------------------------------------


def test_render_tool_call_values() -> None:
    arguments = {
        "s": 'raw <b>&amp;</b> "q"',
        "i": 3,
        "f": 2.5,
        "t": True,
        "n": None,
        "l": [1, "ü", None],
        "o": {"k": {"deep": False}},
        "multi": "  line 1\n\tline 2\n",
        "numeric_string": "123",
    }
    assert render_tool_call("edit", arguments) == (
        '<invoke name="edit">\n'
        '<parameter name="s">raw <b>&amp;</b> "q"</parameter>\n'
        '<parameter name="i">3</parameter>\n'
        '<parameter name="f">2.5</parameter>\n'
        '<parameter name="t">true</parameter>\n'
        '<parameter name="n">null</parameter>\n'
        '<parameter name="l">[1, "ü", null]</parameter>\n'
        '<parameter name="o">{"k": {"deep": false}}</parameter>\n'
        '<parameter name="multi">  line 1\n\tline 2\n</parameter>\n'
        '<parameter name="numeric_string">123</parameter>\n'
        "</invoke>\n"
    )


def test_render_tool_call_without_arguments() -> None:
    assert render_tool_call("now", {}) == '<invoke name="now">\n</invoke>\n'


def test_render_tool_call_does_not_escape_names() -> None:
    assert (
        render_tool_call('a"b', {"k<": "v"}) == '<invoke name="a"b">\n<parameter name="k<">v</parameter>\n</invoke>\n'
    )


def test_render_tool_call_rejects_an_empty_name() -> None:
    with pytest.raises(TemplateError, match="tool call '': the tool name must be a non-empty string"):
        render_tool_call("", {})


# --- tool results ---------------------------------------------------------------------------------------


def test_consecutive_tool_results_share_one_turn() -> None:
    messages = [
        user("q"),
        calling(),
        {"role": "tool", "content": "Sunny"},
        {"role": "tool", "content": "Rain"},
    ]
    out = render_conversation(messages)
    assert out.endswith(
        f"{BLOCK_PARIS}[e~[\n]~b]tool\n<response>Sunny</response>\n<response>Rain</response>[e~[\n{PROMPT}"
    )


def test_tool_result_list_content() -> None:
    content = [
        {"type": "text", "text": "t"},
        "s",
        {"output": "o", "type": "text", "text": "ignored"},
        {"output": None},
        {"type": "text"},
        3,
    ]
    out = render_conversation([user("q"), calling(), {"role": "tool", "content": content}], add_generation_prompt=False)
    assert out.endswith(
        "]~b]tool\n<response>t\n</response>\n<response>s\n</response>\n<response>o\n</response>"
        "\n<response>None\n</response>\n<response>{'type': 'text'}\n</response>"
        "\n<response>3\n</response>[e~[\n"
    )


def test_tool_result_none_content_is_empty() -> None:
    """Deviation: the template raises (it iterates over ``None``)."""
    out = render_conversation([user("q"), calling(), {"role": "tool", "content": None}], add_generation_prompt=False)
    assert out.endswith("]~b]tool\n<response></response>[e~[\n")


def test_tool_result_mapping_content_raises() -> None:
    with pytest.raises(TemplateError, match=r"messages\[2\] \(tool\): content must be a string, a list or None"):
        render_conversation([user("q"), calling(), {"role": "tool", "content": {"output": "x"}}])


def test_conversation_may_end_with_a_tool_result() -> None:
    out = render_conversation([user("q"), calling(), {"role": "tool", "content": "Sunny"}])
    assert out == (
        f"{HEAD}]~b]user\nq[e~[\n]~b]ai\n{BLOCK_PARIS}[e~[\n]~b]tool\n<response>Sunny</response>[e~[\n{PROMPT}"
    )


def test_tool_results_separated_by_a_dropped_system_message_get_two_turns() -> None:
    messages = [
        user("q"),
        calling(),
        {"role": "tool", "content": "1"},
        {"role": "system", "content": "dropped"},
        {"role": "tool", "content": "2"},
    ]
    out = render_conversation(messages, add_generation_prompt=False)
    assert out.endswith("]~b]tool\n<response>1</response>[e~[\n]~b]tool\n<response>2</response>[e~[\n")
    assert "dropped" not in out


@pytest.mark.parametrize(
    ("messages", "index"),
    [
        ([{"role": "tool", "content": "x"}], 0),
        ([user("q"), {"role": "tool", "content": "x"}], 1),
        ([user("q"), {"role": "assistant", "content": "A"}, {"role": "tool", "content": "x"}], 2),
        (
            [user("q"), calling(), {"role": "assistant", "content": "A", "tool_calls": []}, {"role": "tool"}],
            3,
        ),
        ([{"role": "system", "content": "S"}, user("q"), {"role": "tool", "content": "x"}], 2),
    ],
    ids=[
        "first-message",
        "after-user",
        "after-assistant-without-calls",
        "after-empty-calls",
        "index-counts-system",
    ],
)
def test_tool_result_without_a_tool_call_raises(messages: list[dict[str, Any]], index: int) -> None:
    pattern = rf"messages\[{index}\] \(tool\): a tool result must follow an assistant message with tool calls"
    with pytest.raises(TemplateError, match=pattern):
        render_conversation(messages)


def test_tool_result_after_a_user_message_following_a_tool_call_is_accepted() -> None:
    """As in the template: only the last assistant message counts; user messages in between do not matter."""
    out = render_conversation([user("a"), calling(), user("b"), {"role": "tool", "content": "x"}])
    assert out.endswith("]~b]user\nb[e~[\n]~b]tool\n<response>x</response>[e~[\n" + PROMPT)


# --- messages in general --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["developer", "function", None, "Assistant"])
def test_unknown_role_raises(role: Any) -> None:
    with pytest.raises(TemplateError, match=rf"messages\[1\]: unknown role {role!r}"):
        render_conversation([user("q"), {"role": role, "content": "x"}])


def test_message_must_be_a_mapping() -> None:
    with pytest.raises(TemplateError, match=r"messages\[0\]: must be a mapping, got str"):
        render_conversation(["hi"])  # type: ignore[list-item]


def test_messages_must_be_a_sequence() -> None:
    with pytest.raises(TemplateError, match="messages: must be a sequence of mappings, got dict"):
        render_conversation(user("hi"))  # type: ignore[arg-type]


def test_template_error_is_a_value_error() -> None:
    assert issubclass(TemplateError, ValueError)


class FrozenMessage(Mapping[str, Any]):
    """A mapping that is not a dict."""

    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def test_any_mapping_works_not_only_dict() -> None:
    call = FrozenMessage(function=MappingProxyType({"name": "get_weather", "arguments": FrozenMessage(city="Paris")}))
    messages = [
        FrozenMessage(role="system", content="S", current_date="d"),
        FrozenMessage(role="user", content=(MappingProxyType({"type": "text", "text": "q"}),)),
        FrozenMessage(role="assistant", content="", reasoning_content="R", tool_calls=(call,)),
        FrozenMessage(role="tool", content="Sunny"),
    ]
    as_dicts = [
        {"role": "system", "content": "S", "current_date": "d"},
        user("q"),
        calling("", reasoning_content="R"),
        {"role": "tool", "content": "Sunny"},
    ]
    assert render_conversation(messages) == render_conversation(as_dicts)
    assert "<think>\nR\n</think>\n\n" + BLOCK_PARIS in render_conversation(messages)


def test_rendering_does_not_import_jinja() -> None:
    code = (
        "import sys\n"
        "from minimax_sdk.template import render_conversation\n"
        "out = render_conversation([{'role': 'user', 'content': 'hi'}], "
        "[{'name': 'f', 'parameters': {}}])\n"
        "assert out.endswith(']~b]ai\\n<think>\\n'), out\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'markupsafe')))\n"
    )
    repo_root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo_root)
    assert result.stdout.strip() == "[]"
