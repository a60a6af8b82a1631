"""The parser's fast paths (issue 13): a ``<`` that cannot start a tag, tag prefixes cut by deltas, near-miss
tags, value deltas with ``<`` in them, long values kept in chunks, schema shortcuts and remembered scalars.

Each text is parsed whole and streamed cut at every position (and one character at a time): the results must
agree (FORMAT.md rule 10) and be what the rules say."""

from __future__ import annotations

import re
import tracemalloc
from typing import Any

import pytest

from minimax_sdk.parsing import (
    ParsedOutput,
    ReasoningBlock,
    StreamParser,
    TextBlock,
    ToolCall,
    parse_output,
    starts_in_reasoning,
)
from minimax_sdk.parsing._call import COMPACT_AT
from minimax_sdk.parsing._coerce import coerce, coerce_short, parameter_types
from minimax_sdk.parsing._machine import new_call_id, tool_schemas

from .parser_support import block, call_xml, check_stream_matches, counter_ids, parse, stream, tool

EDIT = tool("write_file", path={"type": "string"}, content={"type": "string"})
TYPED = tool("f", n={"type": "integer"}, b={"type": "boolean"}, s={"type": "string"})


def every_split(text: str, tools: Any = None, *, in_reasoning: bool = False) -> ParsedOutput:
    """The whole-text result, checked against the stream cut in two at every position and fed by characters."""
    whole = parse_output(text, tools, in_reasoning=in_reasoning, id_factory=counter_ids())
    for i in range(len(text) + 1):
        events, result = stream([text[:i], text[i:]], tools, in_reasoning=in_reasoning)
        check_stream_matches(text, whole, events, result)
    events, result = stream(list(text), tools, in_reasoning=in_reasoning)
    check_stream_matches(text, whole, events, result)
    return whole


# --- reasoning and content: only the real tags stop the scan -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "if a < b and c <= d: <div class='x'>hi</div> vec<int> <- x<y <T>",
        "a <\nb",
        "<",
        "x <",
        "<<<think",
        "a <b> </b> <br/> <!-- c -->",
    ],
)
def test_a_less_than_sign_that_starts_no_tag_is_content(text: str) -> None:
    out = every_split(text)
    assert out.blocks == (TextBlock(text),)


@pytest.mark.parametrize(
    "near_miss", ["<thinking>", "</thinking>", "<think >", "</ think>", "<Think>", "<minimax:tool>"]
)
def test_near_miss_tags_are_text(near_miss: str) -> None:
    text = f"before {near_miss} after"
    assert every_split(text).blocks == (TextBlock(text),)
    assert every_split(text, in_reasoning=True).blocks == (ReasoningBlock(text),)


@pytest.mark.parametrize("cut_tag", ["</think", "</thi", "<", "<think", "<minimax:tool_call", "<minimax:tool_ca"])
def test_a_tag_prefix_at_the_end_of_the_output_is_text(cut_tag: str) -> None:
    assert every_split("answer " + cut_tag).blocks == (TextBlock("answer " + cut_tag),)
    assert every_split("thought " + cut_tag, in_reasoning=True).blocks == (ReasoningBlock("thought " + cut_tag),)


def test_tags_after_many_other_less_than_signs_are_found() -> None:
    noise = "x < y, <div>, </div>, <thinking>, </think x, " * 20
    text = f"{noise}\n</think>\n\n{noise}<think>\nmore {noise}\n</think>\n\ndone"
    out = every_split(text, in_reasoning=True)
    assert out.blocks == (
        ReasoningBlock(noise),
        TextBlock(noise),
        ReasoningBlock("more " + noise),
        TextBlock("done"),
    )


def test_a_tool_call_block_after_less_than_signs_in_content() -> None:
    text = "a < b, <b>bold</b>" + block(call_xml("write_file", ("path", "p"), ("content", "x")))
    out = every_split(text, [EDIT])
    assert out.content == "a < b, <b>bold</b>"
    assert [c.arguments for c in out.tool_calls] == [{"path": "p", "content": "x"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a < b </think> c", True),
        ("<div> </think>", True),
        ("<thinking> </think>", True),
        ("x <think> y </think>", False),
        ("x <minimax:tool_call> </think>", False),
        ("a < b", False),
        ("</think", False),
        ("", False),
    ],
)
def test_starts_in_reasoning_looks_at_the_first_real_tag(text: str, expected: bool) -> None:
    assert starts_in_reasoning(text) is expected
    mode_out = parse_output(text, id_factory=counter_ids())
    assert mode_out == parse_output(text, in_reasoning=expected, id_factory=counter_ids())


# --- values: deltas with "<" stay on the fast path, "</parameter>" cut anywhere is still found ---------------


@pytest.mark.parametrize(
    "value",
    [
        "if a < b:\n    html = '<div>' + x + '</div>'\n",
        "<",
        "a <",
        "</",
        "</param",
        "x</parameter>y",  # not followed by <parameter name= or </invoke>: part of the value
        "</parameter >",
        "<parameter name='q'>",
    ],
)
def test_values_with_less_than_signs_stream_as_they_come(value: str) -> None:
    text = block(call_xml("write_file", ("path", "p"), ("content", value)))
    out = every_split(text, [EDIT])
    assert [c.arguments for c in out.tool_calls] == [{"path": "p", "content": value}]


@pytest.mark.parametrize("cut_close", ["</parameter", "</para", "</", "<"])
def test_a_value_cut_inside_its_closing_tag_is_a_truncated_call(cut_close: str) -> None:
    text = '<minimax:tool_call>\n<invoke name="write_file">\n<parameter name="content">code' + cut_close
    out = every_split(text, [EDIT])
    (invalid,) = out.invalid_tool_calls
    assert invalid.reason == "truncated"
    assert invalid.raw.endswith("code" + cut_close)


def test_a_long_value_in_small_deltas_is_kept_whole_and_in_order() -> None:
    value = "".join(f"line {i}: a < b and </div> {i}\n" for i in range(COMPACT_AT * 3))
    text = block(call_xml("write_file", ("path", "big.py"), ("content", value)))
    whole = parse(text, [EDIT])
    assert whole.tool_calls[0].arguments["content"] == value
    for size in (1, 3, 4):
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        events, result = stream(pieces, [EDIT])
        check_stream_matches(text, whole, events, result)


def test_a_truncated_long_value_keeps_all_its_text() -> None:
    value = "x < y\n" * (COMPACT_AT * 2)
    text = '<minimax:tool_call>\n<invoke name="write_file">\n<parameter name="content">' + value
    parser = StreamParser([EDIT], id_factory=counter_ids())
    for i in range(0, len(text), 4):
        parser.feed(text[i : i + 4])
    parser.close()
    (invalid,) = parser.result.invalid_tool_calls
    assert invalid.raw.endswith('<parameter name="content">' + value)
    assert parser.result == parse_output(text, [EDIT], id_factory=counter_ids())


def test_streaming_a_long_value_keeps_about_two_bytes_per_byte() -> None:
    """tracemalloc counts allocations, not time: the peak while streaming a 400 KB value in 4-character deltas
    (events dropped, as a consumer that forwards them does) stays under 3 bytes per input byte."""
    value = "    if x < limit: y = '<b>' + z  # </b>\n" * 10_000
    text = block(call_xml("write_file", ("path", "p"), ("content", value)))
    parser = StreamParser([EDIT])
    tracemalloc.start()
    try:
        for i in range(0, len(text), 4):
            parser.feed(text[i : i + 4])
        parser.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parser.result.tool_calls[0].arguments["content"] == value
    assert peak < 3 * len(text), peak / len(text)


# --- per-parse shortcuts ---------------------------------------------------------------------------------


def test_tool_schemas_shortcut_gives_what_function_definition_gives() -> None:
    class WithDefinition:
        @property
        def definition(self) -> dict[str, Any]:
            return {"type": "function", "function": {"name": "obj", "parameters": {"type": "object"}}}

    tools = [
        EDIT,
        {"name": "bare", "parameters": {"type": "object"}},
        {"type": "function", "name": "flat", "parameters": None},
        {"type": "function", "function": {"name": "no_params"}},
        WithDefinition(),
        tool("write_file", path={"type": "integer"}),  # a later tool of the same name wins
    ]
    schemas = tool_schemas(tools)
    assert schemas is not None
    assert list(schemas) == ["write_file", "bare", "flat", "no_params", "obj"]
    assert schemas["write_file"] == {"type": "object", "properties": {"path": {"type": "integer"}}}
    assert schemas["no_params"] is None
    assert schemas["flat"] is None


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ({"type": "function", "function": {"name": ""}}, ValueError),
        ({"type": "function", "function": {"name": "f", "parameters": "object"}}, ValueError),
        ({"type": "function", "function": {"name": 3}}, ValueError),
        ("not a tool", TypeError),
    ],
)
def test_bad_tools_still_get_a_clear_error(bad: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_output("text", [bad])


def test_parameter_types_shortcut_matches_the_full_schema_walk() -> None:
    props = {
        "s": {"type": "string", "description": "x"},
        "n": {"type": "number"},
        "i": {"type": "integer"},
        "e": {"type": "string", "enum": [1, 2]},  # enum narrows: not the shortcut
        "u": {"type": "weird"},
        "l": {"type": ["string", "null"]},
        "r": {"$ref": "#/$defs/x"},
    }
    table = parameter_types({"type": "object", "properties": props, "$defs": {"x": {"type": "boolean"}}})
    assert table["s"] == frozenset({"string"})
    assert table["n"] == frozenset({"number", "integer"})
    assert table["i"] == frozenset({"integer"})
    assert table["e"] == frozenset()
    assert table["u"] == frozenset({"weird"})
    assert table["l"] == frozenset({"string", "null"})
    assert table["r"] == frozenset({"boolean"})
    assert table["s"] is parameter_types({"properties": {"s": {"type": "string"}}})["s"]  # shared by identity


@pytest.mark.parametrize(
    ("raw", "allowed"),
    [
        ("42", frozenset({"integer"})),
        ("042", frozenset({"integer"})),
        ("true", frozenset({"boolean"})),
        ("TRUE", frozenset({"boolean", "string"})),
        ("null", None),
        ("abc", frozenset({"integer"})),
        ("[1, 2]", frozenset({"array"})),
        ("5.0", frozenset({"integer"})),
        ("1e999", frozenset({"number"})),
    ],
)
def test_remembered_coercion_equals_coercion(raw: str, allowed: Any) -> None:
    for name in ("a", "b", "a"):  # the same value again, under another name: warnings name the parameter
        assert coerce_short(raw, allowed, name) == coerce(raw, allowed, name)


def test_remembered_values_are_never_shared_containers() -> None:
    first, _ = coerce_short("[1]", frozenset({"array"}), "a")
    first.append(2)
    assert coerce_short("[1]", frozenset({"array"}), "a") == ([1], None)


def test_many_calls_get_distinct_well_formed_ids() -> None:
    ids = [new_call_id() for _ in range(1_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch("call_[0-9a-f]{24}", i) for i in ids)
    calls = "".join(call_xml("f", ("n", str(i)), ("b", "true"), ("s", "x")) for i in range(100))
    out = parse_output(block(calls), [TYPED])
    assert len({c.id for c in out.tool_calls}) == 100
    assert out.tool_calls[7] == ToolCall(out.tool_calls[7].id, "f", {"n": 7, "b": True, "s": "x"})


def test_repeated_value_deltas_stream_the_same_json_each_time() -> None:
    pieces = ['"', "\\", "\n", "é", "\x01", "ab", "\t", "</", "x"] * 50
    head = '<minimax:tool_call>\n<invoke name="write_file">\n<parameter name="content">'
    text = head + "".join(pieces) + "</parameter>\n</invoke>\n</minimax:tool_call>"
    whole = parse_output(text, [EDIT], id_factory=counter_ids())
    assert whole.tool_calls[0].arguments == {"content": "".join(pieces)}
    for _ in range(2):  # a second stream meets the pieces the first one already escaped
        events, result = stream([head, *pieces, "</parameter>\n</invoke>\n</minimax:tool_call>"], [EDIT])
        check_stream_matches(text, whole, events, result)
