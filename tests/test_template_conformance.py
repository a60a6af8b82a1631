"""Conformance of ``minimax_sdk.template`` with MiniMax-M2's own chat template, and the parse-back round trip.

The reference is the Jinja template in ``../shared/reference/`` (next to the repository), rendered the way
transformers renders chat templates. Every conversation here must render byte for byte the same with our
renderer; every assistant turn of the current tool loop must parse back to what was rendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minimax_sdk.template import TemplateError, render_assistant_turn, render_conversation

TEMPLATE_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "minimax_m2_chat_template.jinja"

Message = dict[str, Any]
Render = Callable[..., str]
NO_TOOL_CALL = "Message has tool role, but there was no previous assistant message with a tool call!"


class ReferenceRaised(Exception):
    """What the reference template's ``raise_exception`` raises."""


# --- the reference renderer ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> Render:
    """The reference template compiled like transformers' ``apply_chat_template`` compiles it."""
    if not TEMPLATE_PATH.is_file():
        pytest.skip(f"reference chat template not found at {TEMPLATE_PATH} (a clone without ../shared/)")
    pytest.importorskip("jinja2", reason="jinja2 (a dev dependency) renders the reference template")
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def tojson(
        value: Any,
        ensure_ascii: bool = False,
        indent: int | None = None,
        separators: tuple[str, str] | None = None,
        sort_keys: bool = False,
    ) -> str:
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message: str) -> None:
        raise ReferenceRaised(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    compiled = env.from_string(TEMPLATE_PATH.read_text(encoding="utf-8"))

    def render(
        messages: Sequence[Message],
        tools: Sequence[Message] | None = None,
        add_generation_prompt: bool = True,
        **kwargs: Any,
    ) -> str:
        return compiled.render(messages=messages, tools=tools, add_generation_prompt=add_generation_prompt, **kwargs)

    return render


# --- building conversations ---------------------------------------------------------------------------


def _tool(name: str, description: str, properties: dict[str, Any], required: Sequence[str] = ()) -> Message:
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        parameters["required"] = list(required)
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


WEATHER = _tool(
    "get_weather",
    "Current weather for a city.",
    {"city": {"type": "string"}, "days": {"type": "integer"}},
    ["city"],
)
SEARCH = _tool("search", "Search the web. 搜索网页。", {"query": {"type": "string"}, "limit": {"type": "integer"}})
CONFIGURE = _tool(
    "configure",
    "Set options; every JSON type.",
    {
        "count": {"type": "integer"},
        "ratio": {"type": "number"},
        "enabled": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "matrix": {"type": "array", "items": {"type": "array"}},
        "options": {"type": "object"},
        "label": {"type": "string"},
        "code": {"type": "string"},
    },
)
WRITE_FILE = _tool(
    "write_file",
    'Write a file. Paths use "/" and \\ is escaped; café ☕.',
    {"path": {"type": "string"}, "content": {"type": "string"}},
    ["path", "content"],
)
NOW = _tool("now", "The time now; no arguments.", {})


def system(content: Any = "You are a careful agent.", **extra: Any) -> Message:
    return {"role": "system", "content": content, **extra}


def user(content: Any) -> Message:
    return {"role": "user", "content": content}


def call(name: str, **arguments: Any) -> Message:
    return {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": arguments}}


def assistant(content: Any = "", reasoning: str | None = None, calls: Sequence[Message] = ()) -> Message:
    message: Message = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    if calls:
        message["tool_calls"] = list(calls)
    return message


def tool(content: Any, call_id: str = "call_x") -> Message:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


@dataclass(frozen=True)
class Case:
    id: str
    messages: list[Message]
    tools: list[Message] | None = None
    add_generation_prompt: bool = True
    kwargs: dict[str, Any] = field(default_factory=dict)


WEATHER_LOOP = [
    user("Weather in Paris and Tokyo?"),
    assistant(
        "Let me check both.",
        "Two cities, so two calls.",
        [call("get_weather", city="Paris", days=3), call("get_weather", city="Tokyo", days=3)],
    ),
    tool("Sunny, 24°C", "call_1"),
    tool("Rain, 18°C", "call_2"),
]

CASES = [
    Case("minimal", [user("hi")]),
    Case("no_generation_prompt", [user("hi"), assistant("Hello!")], add_generation_prompt=False),
    Case("empty_conversation", []),
    Case("model_identity_override", [user("Who are you?")], kwargs={"model_identity": "You are MiniMax-M2.1."}),
    Case("system_prompt", [system(), user("hi")]),
    Case("system_current_date", [system(current_date="2025-12-23"), user("What day is it?")]),
    Case(
        "system_date_and_location",
        [system(current_date="2025-12-23", current_location="Zürich, Schweiz"), user("Where am I?")],
    ),
    Case("system_empty_content_uses_identity", [system("", current_date="2026-01-01"), user("hi")]),
    Case(
        "system_content_list",
        [system([{"type": "text", "text": "Be brief. "}, "Answer in French."]), user("hi")],
    ),
    Case("tools_single", [user("Weather in Paris?")], [WEATHER]),
    Case("tools_several_with_system", [system(), user("Find news")], [WEATHER, SEARCH, WRITE_FILE, NOW]),
    Case(
        "multi_turn_no_tools",
        [
            user("Hi"),
            assistant("Hello! How can I help?"),
            user("Tell me a joke"),
            assistant("Why…?"),
            user("Go"),
        ],
    ),
    Case(
        "reasoning_before_last_user_dropped",
        [user("2+2?"), assistant("4", "Simple arithmetic."), user("and 3+3?")],
    ),
    Case(
        "reasoning_after_last_user_kept",
        [user("2+2?"), assistant("4", "Simple arithmetic.\nAdd the numbers.")],
        add_generation_prompt=False,
    ),
    Case("tool_loop_parallel_calls", WEATHER_LOOP, [WEATHER]),
    Case(
        "tool_loop_final_answer",
        [*WEATHER_LOOP, assistant("Paris is sunny, Tokyo rainy.", "Both results are in.")],
        [WEATHER],
        add_generation_prompt=False,
    ),
    Case(
        "tool_loop_then_new_user_drops_reasoning",
        [*WEATHER_LOOP, assistant("Paris sunny, Tokyo rain.", "Summarise."), user("Thanks")],
        [WEATHER],
    ),
    Case(
        "two_loops_reasoning_only_in_current",
        [
            *WEATHER_LOOP,
            assistant("Done.", "Summarise."),
            user("Now search for umbrellas"),
            assistant("", "One search is enough.", [call("search", query="umbrella", limit=5)]),
            tool("3 results"),
            assistant("", "Also check the weather again.", [call("get_weather", city="Paris")]),
            tool("Cloudy"),
        ],
        [WEATHER, SEARCH],
    ),
    Case(
        "three_parallel_calls_consecutive_results",
        [
            user("Three cities"),
            assistant(
                "",
                "Three calls in parallel.",
                [call("get_weather", city=c) for c in ("Oslo", "Lima", "Cairo")],
            ),
            tool("Snow"),
            tool("Fog"),
            tool("Heat"),
        ],
        [WEATHER],
    ),
    Case(
        "int_and_float_arguments",
        [user("Configure"), assistant("", "Numbers.", [call("configure", count=42, ratio=0.375, label="x")])],
        [CONFIGURE],
    ),
    Case(
        "negative_and_large_numbers",
        [user("Configure"), assistant("", "Edge numbers.", [call("configure", count=-7, ratio=1.5e-08)])],
        [CONFIGURE],
    ),
    Case(
        "bool_and_null_arguments",
        [user("Configure"), assistant("", "Flags.", [call("configure", enabled=False, note=None)])],
        [CONFIGURE],
    ),
    Case(
        "list_arguments",
        [
            user("Configure"),
            assistant(
                "",
                "Lists.",
                [call("configure", tags=["a", "b c", "東京"], matrix=[[1, 2], [3.5, None], [True]])],
            ),
        ],
        [CONFIGURE],
    ),
    Case(
        "nested_object_arguments",
        [
            user("Configure"),
            assistant(
                "Setting options.",
                "Nested.",
                [
                    call(
                        "configure",
                        options={"retry": {"max": 3, "backoff": [0.5, 1.0]}, "mode": "fast", "on": True},
                    )
                ],
            ),
        ],
        [CONFIGURE],
    ),
    Case(
        "string_arguments_that_look_like_json",
        [
            user("Configure"),
            assistant("", "Strings that parse as JSON.", [call("configure", label="123", code="null")]),
        ],
        [CONFIGURE],
    ),
    Case(
        "cjk_arguments_and_content",
        [
            user("东京今天天气怎么样？"),
            assistant("我来查一下。", "用户想知道东京的天气。", [call("get_weather", city="東京", days=1)]),
            tool("晴れ、25度"),
        ],
        [WEATHER],
    ),
    Case(
        "emoji_arguments",
        [
            user("Search 🌧️☂️"),
            assistant("🔍", "Emoji query 🙂.", [call("search", query="umbrella ☂️ 🌧️ 👩‍👩‍👧")]),
            tool("🌂 found"),
        ],
        [SEARCH],
    ),
    Case(
        "accented_arguments",
        [
            user("Météo à Zürich ?"),
            assistant("Je regarde.", "Ville accentuée : Zürich, São Paulo.", [call("get_weather", city="Zürich")]),
        ],
        [WEATHER],
    ),
    Case(
        "multiline_indented_values",
        [
            user("Write the helper"),
            assistant(
                "Writing it now.",
                "A function with indentation.",
                [
                    call(
                        "write_file",
                        path="src/util.py",
                        content="def f(x):\n    if x < 0 and x > -10:\n        return {'a': x}\n\treturn x\n",
                    )
                ],
            ),
            tool("ok"),
        ],
        [WRITE_FILE],
    ),
    Case(
        "value_with_leading_indent_and_blank_lines",
        [
            user("Write it"),
            assistant(
                "",
                "Indentation matters.",
                [call("write_file", path="a.yaml", content="    key: value\n\n  - item\n")],
            ),
        ],
        [WRITE_FILE],
    ),
    Case(
        "think_in_content",
        [user("Why?"), assistant("<think>Because of physics.</think>Gravity.")],
        add_generation_prompt=False,
    ),
    Case(
        "think_in_content_with_newlines",
        [user("Why?"), assistant("<think>\nStep 1.\nStep 2.\n</think>\n\nThe answer.")],
        add_generation_prompt=False,
    ),
    Case(
        "think_in_content_without_open_tag",
        [user("Why?"), assistant("Reasoning without an open tag.</think>\n\nAnswer.")],
        add_generation_prompt=False,
    ),
    Case(
        "think_in_content_before_last_user_dropped",
        [user("Why?"), assistant("<think>Old reasoning.</think>Old answer."), user("And now?")],
    ),
    Case(
        "think_in_content_with_tool_call",
        [
            user("Weather?"),
            {
                "role": "assistant",
                "content": "<think>Need the tool.</think>\n\nChecking.",
                "tool_calls": [call("get_weather", city="Rome")],
            },
            tool("Warm"),
        ],
        [WEATHER],
    ),
    Case(
        "reasoning_content_keeps_think_tags_in_content",
        [user("Q"), assistant("<think>literal</think>A", "Real reasoning."), user("Q2")],
    ),
    Case(
        "empty_reasoning_content",
        [user("Q"), assistant("Just the answer.", "")],
        add_generation_prompt=False,
    ),
    Case(
        "tool_list_content_text_parts",
        [
            user("Search"),
            assistant("", "Search it.", [call("search", query="x")]),
            tool([{"type": "text", "text": "first hit"}, {"type": "text", "text": "second hit"}]),
        ],
        [SEARCH],
    ),
    Case(
        "tool_list_content_output_and_strings",
        [
            user("Weather"),
            assistant("", "Two calls.", [call("get_weather", city="A"), call("get_weather", city="B")]),
            tool([{"output": "Sunny"}, "plain string"]),
            tool("Rain"),
        ],
        [WEATHER],
    ),
    Case(
        "ends_with_tool_result_no_generation_prompt",
        [user("Time?"), assistant("", "Ask the clock.", [call("now")]), tool("12:00")],
        [NOW],
        add_generation_prompt=False,
    ),
    Case(
        "content_lists_user_and_assistant",
        [
            user(
                [
                    {"type": "text", "text": "Look at this: "},
                    {"type": "image_url", "image_url": {"url": "x"}},
                    "ok?",
                ]
            ),
            assistant([{"type": "text", "text": "A cat"}, " on a mat."], "Describe the image."),
        ],
        add_generation_prompt=False,
    ),
    Case(
        "empty_content_with_reasoning_and_call",
        [user("Time?"), assistant("", "Call it.", [call("now")])],
        [NOW],
    ),
    Case("empty_content_no_reasoning_with_call", [user("Time?"), assistant("", None, [call("now")])], [NOW]),
    Case("empty_content_no_calls", [user("Say nothing"), assistant("")], add_generation_prompt=False),
    Case(
        "flat_tool_calls",
        [
            user("Weather?"),
            {
                "role": "assistant",
                "content": "",
                "reasoning_content": "Flat call objects.",
                "tool_calls": [{"name": "get_weather", "arguments": {"city": "Lyon", "days": 2}}],
            },
            tool("Mild"),
        ],
        [WEATHER],
    ),
    Case(
        "content_with_markup_not_escaped",
        [user("HTML?"), assistant("Use <b>bold</b> & \"quotes\" like 'this'.", "Markup & entities.")],
        add_generation_prompt=False,
    ),
    Case(
        "later_system_message_dropped",
        [system(), user("hi"), system("Ignored instructions."), assistant("Hello."), user("again")],
    ),
    Case(
        "tool_results_split_by_system_message",
        [
            user("Two"),
            assistant("", "Two calls.", [call("get_weather", city="A"), call("get_weather", city="B")]),
            tool("one"),
            system("dropped"),
            tool("two"),
        ],
        [WEATHER],
    ),
    Case(
        "tool_after_user_following_tool_call",
        [user("A"), assistant("", None, [call("now")]), user("B"), tool("late result")],
        [NOW],
    ),
    Case(
        "reasoning_with_unicode_and_multiple_lines",
        [
            system(current_date="2025-12-23"),
            user("Plan a trip"),
            assistant(
                "Here is a plan.",
                "Étape 1 : Paris.\n第二步：東京。\n  Indented step 3 🚄",
                [call("search", query="trains Paris → Lyon", limit=3)],
            ),
            tool("TGV every hour"),
        ],
        [SEARCH],
    ),
]


def _case_id(case: Case) -> str:
    return case.id


def _render_both(reference: Render, case: Case) -> tuple[str, str]:
    expected = reference(case.messages, case.tools, case.add_generation_prompt, **case.kwargs)
    actual = render_conversation(
        case.messages, case.tools, add_generation_prompt=case.add_generation_prompt, **case.kwargs
    )
    return actual, expected


def test_enough_conformance_cases() -> None:
    assert len(CASES) >= 35
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_renders_like_the_reference_template(reference: Render, case: Case) -> None:
    actual, expected = _render_both(reference, case)
    assert actual == expected


# --- parse-back ---------------------------------------------------------------------------------------


def _current_loop_turns() -> list[tuple[Case, int]]:
    """(case, index) of every assistant message after the last user message, over all cases."""
    turns: list[tuple[Case, int]] = []
    for case in CASES:
        users = [i for i, m in enumerate(case.messages) if m["role"] == "user"]
        last_user = users[-1] if users else -1
        turns.extend((case, i) for i, m in enumerate(case.messages) if m["role"] == "assistant" and i > last_user)
    return turns


CURRENT_TURNS = _current_loop_turns()


def _turn_id(turn: tuple[Case, int]) -> str:
    return f"{turn[0].id}-message{turn[1]}"


def _visible(content: Any) -> str:
    if isinstance(content, list):
        return "".join(
            p if isinstance(p, str) else p["text"] for p in content if isinstance(p, str) or p["type"] == "text"
        )
    return str(content or "")


def _expected_turn(message: Mapping[str, Any]) -> tuple[str, str, list[tuple[str, str]]]:
    """(reasoning, content, calls as (name, arguments JSON)) as the template sees the message."""
    text = _visible(message.get("content"))
    if "reasoning_content" in message:
        reasoning = message["reasoning_content"]
    elif match := re.fullmatch(r"(?:<think>)?(.*?)</think>(.*)", text, re.DOTALL):
        reasoning, text = match[1].strip("\n"), match[2].strip("\n")
    else:
        reasoning = ""
    calls = [c.get("function", c) for c in message.get("tool_calls", [])]
    return reasoning, text, [(c["name"], json.dumps(c["arguments"], ensure_ascii=False)) for c in calls]


def test_parse_back_covers_the_interesting_turns() -> None:
    assert len(CURRENT_TURNS) >= 25
    assert any(m.get("tool_calls") for case, i in CURRENT_TURNS for m in [case.messages[i]])


@pytest.mark.parametrize("turn", CURRENT_TURNS, ids=_turn_id)
def test_current_turn_parses_back(turn: tuple[Case, int]) -> None:
    from minimax_sdk.parsing import parse_output

    case, index = turn
    message = case.messages[index]
    reasoning, content, calls = _expected_turn(message)
    out = parse_output(render_assistant_turn(message), tools=case.tools, in_reasoning=False)
    assert out.reasoning == reasoning
    assert out.content == content
    assert [(c.name, json.dumps(c.arguments, ensure_ascii=False)) for c in out.tool_calls] == calls
    assert not out.invalid_tool_calls


def test_current_turn_is_what_the_conversation_renders() -> None:
    """The turn fed to the parser is byte for byte the one inside the rendered conversation."""
    for case, index in CURRENT_TURNS:
        rendered = render_conversation(case.messages, case.tools)
        assert f"]~b]ai\n{render_assistant_turn(case.messages[index])}[e~[\n" in rendered, case.id


# --- random conversations -----------------------------------------------------------------------------

_TEXT = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=8),
        st.sampled_from(["<think>", "</think>", "\n", "\n\n", " ", "<b>", "{", "é", "東", "🙂"]),
    ),
    max_size=5,
).map("".join)
_NAME = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAME, inner, max_size=3),
    max_leaves=8,
)
_PARTS = st.lists(
    st.one_of(
        _TEXT,
        st.builds(lambda t: {"type": "text", "text": t}, _TEXT),
        st.just({"type": "image_url", "image_url": {"url": "data:,"}}),
    ),
    max_size=3,
)
_CALL = st.builds(
    lambda name, args, wrapped: (
        {"type": "function", "function": {"name": name, "arguments": args}}
        if wrapped
        else {"name": name, "arguments": args}
    ),
    _NAME,
    st.dictionaries(_NAME, _JSON, max_size=3),
    st.booleans(),
)
_ASSISTANT = st.builds(
    lambda content, reasoning, calls: {
        "role": "assistant",
        "content": content,
        **({"reasoning_content": reasoning} if reasoning is not None else {}),
        **({"tool_calls": calls} if calls else {}),
    },
    _TEXT | _PARTS,
    st.none() | _TEXT,
    st.lists(_CALL, max_size=3),
)
_TOOL_ITEM = st.one_of(
    _TEXT,
    st.builds(lambda t: {"type": "text", "text": t}, _TEXT),
    st.builds(lambda t: {"output": t}, _TEXT),
)
_TOOL_RESULT = st.builds(lambda c: {"role": "tool", "content": c}, _TEXT | st.lists(_TOOL_ITEM, max_size=3))
_TOOL_LOOP = st.builds(
    lambda turn, calls, results: [{**turn, "tool_calls": calls}, *results],
    _ASSISTANT,
    st.lists(_CALL, min_size=1, max_size=3),
    st.lists(_TOOL_RESULT, min_size=1, max_size=3),
)
# Blocks of messages: mostly well-formed turns, sometimes a stray tool result or a late system message.
_BLOCK = st.one_of(
    st.builds(lambda c: [{"role": "user", "content": c}], _TEXT | _PARTS),
    _ASSISTANT.map(lambda m: [m]),
    _TOOL_LOOP,
    _TOOL_LOOP,
    _TOOL_RESULT.map(lambda m: [m]),
    st.builds(lambda c: [{"role": "system", "content": c}], _TEXT),
)
_BODY = st.lists(_BLOCK, max_size=5).map(lambda blocks: [m for block in blocks for m in block])
_SYSTEM = st.builds(
    lambda content, date, place: {
        "role": "system",
        "content": content,
        **({"current_date": date} if date is not None else {}),
        **({"current_location": place} if place is not None else {}),
    },
    _TEXT | _PARTS,
    st.none() | _TEXT,
    st.none() | _TEXT,
)
_TOOLS = st.none() | st.lists(
    st.builds(
        lambda name, description, props: {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": {"type": "object", "properties": props},
            },
        },
        _NAME,
        _TEXT,
        st.dictionaries(_NAME, st.sampled_from([{"type": "string"}, {"type": "integer"}, {}]), max_size=2),
    ),
    max_size=2,
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.lists(_SYSTEM, max_size=1),
    body=_BODY,
    tools=_TOOLS,
    add_generation_prompt=st.booleans(),
)
def test_random_conversations_render_like_the_reference(
    reference: Render,
    head: list[Message],
    body: list[Message],
    tools: list[Message] | None,
    add_generation_prompt: bool,
) -> None:
    messages = head + body
    raised = ""
    try:
        expected = reference(messages, tools, add_generation_prompt)
    except ReferenceRaised as exc:
        raised = str(exc)
    if raised:
        assert raised == NO_TOOL_CALL
        with pytest.raises(TemplateError, match="tool result must follow an assistant message with tool calls"):
            render_conversation(messages, tools, add_generation_prompt=add_generation_prompt)
    else:
        assert render_conversation(messages, tools, add_generation_prompt=add_generation_prompt) == expected
