"""FORMAT.md section 3 (rules), section 4 (whitespace) and section 5 (edge cases, decided).

Every test parses through ``parse`` (tests/parser_support.py), which also streams the same text in several
chunkings and asserts that streaming gives the same result (rule 10).
"""

from __future__ import annotations

import json
import re

import pytest

from minimax_sdk.parsing import (
    InvalidToolCall,
    ReasoningBlock,
    TextBlock,
    ToolCall,
    parse_output,
)

from .parser_support import block, call_xml, counter_ids, cut, parse, stream, tool

WEATHER = tool("get_weather", city={"type": "string"}, days={"type": "integer"})

# --- section 2: the result --------------------------------------------------------------------------------


def test_spec_example_parses_into_reasoning_content_and_two_calls() -> None:
    text = "I need the weather for two cities.\n</think>\n\nLet me check both.\n" + block(
        call_xml("get_weather", ("city", "Paris"), ("days", "3")),
        call_xml("get_weather", ("city", "Tokyo"), ("days", "3")),
    )
    out = parse(text, [WEATHER], in_reasoning=True)
    assert out.reasoning == "I need the weather for two cities."
    assert out.content == "Let me check both."
    assert [(c.name, c.arguments) for c in out.tool_calls] == [
        ("get_weather", {"city": "Paris", "days": 3}),
        ("get_weather", {"city": "Tokyo", "days": 3}),
    ]
    assert [type(b) for b in out.blocks] == [ReasoningBlock, TextBlock, ToolCall, ToolCall]
    assert out.invalid_tool_calls == []


def test_call_ids_are_call_underscore_24_hex_and_unique() -> None:
    text = block(call_xml("a"), call_xml("b"))
    ids = [c.id for c in parse_output(text).tool_calls]
    assert all(re.fullmatch(r"call_[0-9a-f]{24}", i) for i in ids)
    assert len(set(ids)) == 2


def test_id_factory_is_used() -> None:
    out = parse_output(block(call_xml("a")), id_factory=lambda: "fixed")
    assert out.tool_calls[0].id == "fixed"


def test_arguments_keep_the_order_written() -> None:
    out = parse(block(call_xml("f", ("z", "1"), ("a", "2"), ("m", "3"))))
    assert list(out.tool_calls[0].arguments) == ["z", "a", "m"]


def test_tools_accept_bare_function_dicts_and_openai_dicts() -> None:
    bare = {"name": "f", "parameters": {"type": "object", "properties": {"x": {"type": "string"}}}}
    wrapped = {"type": "function", "function": bare}
    for tools in ([bare], [wrapped]):
        assert parse(block(call_xml("f", ("x", "007"))), tools).tool_calls[0].arguments == {"x": "007"}


def test_tools_accept_objects_with_a_definition() -> None:
    class Described:
        definition = tool("f", x={"type": "integer"})

    assert parse(block(call_xml("f", ("x", "7"))), [Described()]).tool_calls[0].arguments == {"x": 7}


def test_a_tool_without_a_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="name"):
        parse_output("x", [{"parameters": {}}])


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="str"):
        parse_output(b"bytes")  # type: ignore[arg-type]


# --- rule 1: reasoning ----------------------------------------------------------------------------------------


def test_reasoning_runs_until_think_close() -> None:
    out = parse("thinking <b>hard</b>\n</think>\n\nanswer", in_reasoning=True)
    assert (out.reasoning, out.content) == ("thinking <b>hard</b>", "answer")


def test_tool_call_block_ends_reasoning_without_think_close() -> None:
    out = parse("let me call\n" + block(call_xml("f", ("a", "1"))), in_reasoning=True)
    assert out.reasoning == "let me call"
    assert out.tool_calls[0].arguments == {"a": 1}


def test_explicit_think_at_start_opens_reasoning() -> None:
    out = parse("<think>\nplan\n</think>\n\nhello", in_reasoning=False)
    assert (out.reasoning, out.content) == ("plan", "hello")


def test_think_later_in_content_opens_reasoning_again() -> None:
    out = parse("a\n</think>\n\nb<think>\nc\n</think>\n\nd", in_reasoning=True)
    assert out.reasoning == "ac"
    assert out.content == "bd"
    assert [b.text for b in out.blocks if isinstance(b, ReasoningBlock | TextBlock)] == ["a", "b", "c", "d"]


def test_stray_think_close_in_content_is_dropped() -> None:
    out = parse("hello\n</think>\n\nworld", in_reasoning=False)
    assert out.content == "helloworld"
    assert out.reasoning == ""


# --- rule 2: content everywhere outside reasoning and blocks --------------------------------------------------


def test_content_before_between_and_after_blocks() -> None:
    text = "before\n" + block(call_xml("a")) + "between\n" + block(call_xml("b")) + "after"
    out = parse(text)
    assert out.content == "beforebetweenafter"
    assert [type(b).__name__ for b in out.blocks] == [
        "TextBlock",
        "ToolCall",
        "TextBlock",
        "ToolCall",
        "TextBlock",
    ]


# --- rule 3: names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        '<invoke name="f">',
        "<invoke name='f'>",
        "<invoke name=f>",
        '<invoke name="f" description="ignored">',
        "<invoke name='f' x=1>",
    ],
)
def test_invoke_name_quoting_and_extra_attributes(head: str) -> None:
    text = f'<minimax:tool_call>\n{head}\n<parameter name="k">v</parameter>\n</invoke>\n</minimax:tool_call>'
    out = parse(text)
    assert [(c.name, c.arguments) for c in out.tool_calls] == [("f", {"k": "v"})]


@pytest.mark.parametrize("head", ['<parameter name="k">', "<parameter name='k'>", "<parameter name=k>"])
def test_parameter_name_quoting(head: str) -> None:
    text = f'<minimax:tool_call>\n<invoke name="f">\n{head}v</parameter>\n</invoke>\n</minimax:tool_call>'
    assert parse(text).tool_calls[0].arguments == {"k": "v"}


def test_parameter_extra_attributes_are_ignored() -> None:
    text = block('<invoke name="f">\n<parameter name="k" type="string">v</parameter>\n</invoke>\n')
    assert parse(text).tool_calls[0].arguments == {"k": "v"}


# --- rule 4: closing-tag lookahead ------------------------------------------------------------------------------


def test_parameter_close_inside_a_value_is_text() -> None:
    value = "x = '</parameter>'\ny = 1"
    out = parse(block(call_xml("edit", ("code", value), ("n", "2"))), [tool("edit", code={"type": "string"})])
    assert out.tool_calls[0].arguments == {"code": value, "n": 2}


def test_parameter_close_followed_by_whitespace_and_invoke_close_closes() -> None:
    text = block('<invoke name="f">\n<parameter name="a">v</parameter>  \r\n\t </invoke>\n')
    assert parse(text).tool_calls[0].arguments == {"a": "v"}


def test_invoke_close_inside_a_value_is_text() -> None:
    value = "<invoke>\n</invoke>\nnot the end"
    out = parse(block(call_xml("f", ("s", value))), [tool("f", s={"type": "string"})])
    assert out.tool_calls[0].arguments == {"s": value}


def test_invoke_close_closes_before_next_invoke() -> None:
    text = '<minimax:tool_call>\n<invoke name="a">\n</invoke> <invoke name="b">\n</invoke>\n</minimax:tool_call>'
    assert [c.name for c in parse(text).tool_calls] == ["a", "b"]


def test_block_close_closes_the_block() -> None:
    out = parse(block(call_xml("a")) + "tail")
    assert out.content == "tail"
    assert len(out.tool_calls) == 1


# --- rule 5: values verbatim --------------------------------------------------------------------------------------


def test_string_values_keep_indentation_and_newlines() -> None:
    value = "\n    def f():\n        return 1\n\n"
    out = parse(block(call_xml("w", ("code", value))), [tool("w", code={"type": "string"})])
    assert out.tool_calls[0].arguments["code"] == value


def test_crlf_inside_values_is_kept() -> None:
    value = "line1\r\nline2\r\n"
    out = parse(block(call_xml("w", ("s", value))), [tool("w", s={"type": "string"})])
    assert out.tool_calls[0].arguments["s"] == value


def test_non_string_values_ignore_surrounding_whitespace() -> None:
    out = parse(
        block(call_xml("f", ("n", "\n  42 \n"), ("b", " true\t"))),
        [tool("f", n={"type": "integer"}, b={"type": "boolean"})],
    )
    assert out.tool_calls[0].arguments == {"n": 42, "b": True}


def test_crlf_between_tags_is_whitespace() -> None:
    text = (
        'r\r\n</think>\r\n\r\nc\r\n<minimax:tool_call>\r\n<invoke name="f">\r\n'
        '<parameter name="a">1</parameter>\r\n</invoke>\r\n</minimax:tool_call>'
    )
    out = parse(text, in_reasoning=True)
    assert (out.reasoning, out.content) == ("r", "c")
    assert out.tool_calls[0].arguments == {"a": 1}


# --- rule 6: type coercion (the full table is in test_parser_coercion.py) --------------------------------------


def test_schema_refs_are_resolved_for_coercion() -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"$ref": "#/$defs/Count"}, "s": {"$ref": "#/$defs/Name"}},
        "$defs": {"Count": {"type": "integer"}, "Name": {"type": "string"}},
    }
    tools = [{"name": "f", "parameters": schema}]
    out = parse(block(call_xml("f", ("n", "5"), ("s", "5"))), tools)
    assert out.tool_calls[0].arguments == {"n": 5, "s": "5"}


def test_parameter_missing_from_schema_is_decoded_as_any() -> None:
    out = parse(block(call_xml("f", ("extra", "[1, 2]"), ("word", "hello"))), [tool("f")])
    assert out.tool_calls[0].arguments == {"extra": [1, 2], "word": "hello"}


def test_without_tools_values_are_json_when_valid_else_text() -> None:
    out = parse(block(call_xml("f", ("a", "3"), ("b", "null"), ("c", "hello world"), ("d", '{"x": 1}'))))
    assert out.tool_calls[0].arguments == {"a": 3, "b": None, "c": "hello world", "d": {"x": 1}}


def test_uncoercible_value_is_kept_as_text_with_a_warning() -> None:
    out = parse(block(call_xml("get_weather", ("city", "Paris"), ("days", "three"))), [WEATHER])
    call = out.tool_calls[0]
    assert call.arguments == {"city": "Paris", "days": "three"}
    assert len(call.warnings) == 1
    assert "days" in call.warnings[0]
    assert "integer" in call.warnings[0]


def test_duplicated_parameter_keeps_last_value_with_a_warning() -> None:
    out = parse(block(call_xml("f", ("a", "1"), ("b", "2"), ("a", "3"))))
    call = out.tool_calls[0]
    assert call.arguments == {"a": 3, "b": 2}
    assert list(call.arguments) == ["a", "b"]
    assert any("more than once" in w for w in call.warnings)


# --- rule 7: unknown tools ---------------------------------------------------------------------------------------


def test_unknown_tool_is_an_invalid_call_with_raw_text() -> None:
    invoke = call_xml("delete_everything", ("path", "/"))
    out = parse("ok\n" + block(invoke, call_xml("get_weather", ("city", "Oslo"))), [WEATHER])
    assert out.content == "ok"
    [bad] = out.invalid_tool_calls
    assert bad.reason == "unknown_tool"
    assert bad.name == "delete_everything"
    assert bad.raw == invoke.rstrip("\n")
    assert [c.name for c in out.tool_calls] == ["get_weather"]


def test_empty_tools_list_makes_every_name_unknown() -> None:
    out = parse(block(call_xml("f")), [])
    assert [c.reason for c in out.invalid_tool_calls] == ["unknown_tool"]


def test_tools_none_means_no_checking() -> None:
    assert [c.name for c in parse(block(call_xml("anything"))).tool_calls] == ["anything"]


# --- rule 8: truncated output ------------------------------------------------------------------------------------


def test_unterminated_reasoning_is_reasoning() -> None:
    out = parse("still thinking about <it", in_reasoning=True)
    assert out.reasoning == "still thinking about <it"
    assert out.blocks == (ReasoningBlock("still thinking about <it"),)


def test_unterminated_call_is_invalid_truncated_with_its_raw_text() -> None:
    partial = '<invoke name="f">\n<parameter name="a">half a val'
    out = parse("text\n<minimax:tool_call>\n" + partial)
    [bad] = out.invalid_tool_calls
    assert (bad.reason, bad.name, bad.raw) == ("truncated", "f", partial)
    assert out.content == "text"


# --- rule 9 lives in test_parser_properties.py; rule 11 in benchmarks/ ---------------------------------------------

# --- section 4: whitespace the template adds ------------------------------------------------------------------------


def test_template_rendering_of_a_full_turn_parses_back_exactly() -> None:
    reasoning, content = "  indented\nthought  ", "  Answer with\n\nblank lines  "
    text = (
        f"<think>\n{reasoning}\n</think>\n\n{content}\n<minimax:tool_call>\n"
        '<invoke name="f">\n<parameter name="s">  v  </parameter>\n</invoke>\n</minimax:tool_call>'
    )
    out = parse(text, [tool("f", s={"type": "string"})], in_reasoning=False)
    assert (out.reasoning, out.content) == (reasoning, content)
    assert out.tool_calls[0].arguments == {"s": "  v  "}


def test_empty_content_with_reasoning_and_calls_three_newlines() -> None:
    out = parse("<think>\nr\n</think>\n\n\n" + block(call_xml("f")), in_reasoning=False)
    assert (out.reasoning, out.content, len(out.tool_calls)) == ("r", "", 1)


def test_only_one_newline_before_think_close_belongs_to_the_tag() -> None:
    out = parse("r\n\n</think>\n\n\n\nc", in_reasoning=True)
    assert (out.reasoning, out.content) == ("r\n", "\n\nc")


def test_only_one_newline_after_think_open_belongs_to_the_tag() -> None:
    out = parse("<think>\n\nr</think>c", in_reasoning=False)
    assert (out.reasoning, out.content) == ("\nr", "c")


def test_only_one_newline_before_block_open_belongs_to_the_tag() -> None:
    out = parse("c\n\n" + block(call_xml("f")))
    assert out.content == "c\n"


def test_text_after_block_close_is_kept_verbatim() -> None:
    out = parse(block(call_xml("f")) + "\n\nDone.\n")
    assert out.content == "\n\nDone.\n"


def test_whitespace_between_tags_inside_a_block_is_dropped() -> None:
    text = '<minimax:tool_call>\n\n  <invoke name="f">  \n\t<parameter name="a">1</parameter>\n\n</invoke>\n\n</minimax:tool_call>'
    out = parse(text)
    assert out.content == ""
    assert out.tool_calls[0].arguments == {"a": 1}


# --- section 5: edge cases -------------------------------------------------------------------------------------------


def test_5_1_call_with_invoke_close_but_no_block_close_is_valid() -> None:
    out = parse('<minimax:tool_call>\n<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>\n')
    assert [(c.name, c.arguments) for c in out.tool_calls] == [("f", {"a": 1})]
    assert out.invalid_tool_calls == []


def test_5_1_unterminated_invoke_is_truncated() -> None:
    out = parse('<minimax:tool_call>\n<invoke name="f">\n<parameter name="a">1</parameter>\n')
    assert [c.reason for c in out.invalid_tool_calls] == ["truncated"]
    assert out.tool_calls == []


def test_5_1_empty_block_cut_off_is_truncated() -> None:
    out = parse("hi\n<minimax:tool_call>\n")
    assert out.content == "hi"
    [bad] = out.invalid_tool_calls
    assert bad.reason == "truncated"
    assert bad.raw.startswith("<minimax:tool_call>")


@pytest.mark.parametrize("fragment", ["<minimax:tool_ca", "</thi", "<thin", "<", "</", "<minimax:tool_call"])
def test_5_1_partial_tag_at_the_end_is_text(fragment: str) -> None:
    assert parse("answer " + fragment, in_reasoning=False).content == "answer " + fragment
    assert parse("thought " + fragment, in_reasoning=True).reasoning == "thought " + fragment


def test_5_1_partial_invoke_tag_at_end_of_block_is_content() -> None:
    out = parse(block(call_xml("f"))[: -len("</minimax:tool_call>")] + "<invo")
    assert out.content == "<invo"
    assert len(out.tool_calls) == 1


def test_5_2_missing_parameter_close_runs_on_and_truncates() -> None:
    text = block('<invoke name="f">\n<parameter name="a">1\n<parameter name="b">2</parameter>\n</invoke>\n')
    text = text.replace("</parameter>\n</invoke>\n</minimax:tool_call>", "\n</invoke>\n</minimax:tool_call>")
    out = parse(text)
    assert [c.reason for c in out.invalid_tool_calls] == ["truncated"]
    assert out.tool_calls == []


def test_5_2_invoke_close_not_followed_by_a_tag_does_not_close() -> None:
    text = '<minimax:tool_call>\n<invoke name="f">\n</invoke> trailing words\n</invoke>\n</minimax:tool_call>'
    out = parse(text)
    [bad] = out.invalid_tool_calls
    assert bad.reason == "malformed"


def test_5_2_invoke_close_at_the_end_of_output_closes() -> None:
    out = parse('<minimax:tool_call>\n<invoke name="f">\n<parameter name="a">1</parameter>\n</invoke>  ')
    assert [c.name for c in out.tool_calls] == ["f"]


def test_5_3_text_inside_a_block_outside_invokes_is_content() -> None:
    text = '<minimax:tool_call>\nnote: calling f\n<invoke name="f">\n</invoke>\n</minimax:tool_call>'
    out = parse(text)
    assert out.content == "note: calling f\n"
    assert len(out.tool_calls) == 1


def test_5_3_text_inside_an_invoke_outside_parameters_is_malformed() -> None:
    invoke = '<invoke name="f">\nstray words\n<parameter name="a">1</parameter>\n</invoke>'
    out = parse(block(invoke + "\n"))
    [bad] = out.invalid_tool_calls
    assert (bad.reason, bad.name, bad.raw) == ("malformed", "f", invoke)
    assert out.tool_calls == []


def test_a_tag_head_holding_another_tag_is_not_a_head() -> None:
    # found by the no-loss property: the name "X" of the inner tag must not vanish into the outer head
    invoke = '<invoke name="f"><parameter name=<parameter name="X"></parameter>\n</invoke>'
    out = parse(block(invoke + "\n"))
    [bad] = out.invalid_tool_calls
    assert (bad.reason, bad.raw) == ("malformed", invoke)
    out = parse(block('<invoke name=<invoke name="g">\n</invoke>\n'))
    assert [c.name for c in out.tool_calls] == ["g"]
    assert out.content == "<invoke name="


def test_5_3_invoke_without_a_name_is_malformed() -> None:
    out = parse(block('<invoke name="">\n</invoke>\n'))
    assert [c.reason for c in out.invalid_tool_calls] == ["malformed"]


def test_5_3_block_closed_before_invoke_close_is_malformed() -> None:
    out = parse('<minimax:tool_call>\n<invoke name="f">\nstray</minimax:tool_call>ok')
    assert [c.reason for c in out.invalid_tool_calls] == ["malformed"]
    assert out.content == "ok"


def test_5_4_reasoning_and_content_are_joined_without_separator() -> None:
    out = parse("<think>a</think>b<think>c</think>d", in_reasoning=False)
    assert (out.reasoning, out.content) == ("ac", "bd")


def test_5_5_think_inside_reasoning_is_dropped() -> None:
    out = parse("one <think>\ntwo\n</think>\n\nthree", in_reasoning=True)
    assert (out.reasoning, out.content) == ("one two", "three")


def test_5_5_stray_think_close_drops_its_whitespace() -> None:
    out = parse("a\r\n</think>\r\n\r\n\r\nb", in_reasoning=False)
    assert out.content == "a\r\nb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("r\n</think>\n\nc", True),
        ("<think>\nr\n</think>\n\nc", False),
        ("plain content", False),
        ("c <minimax:tool_call>\n</think>", False),
        ("r </think> c <think> r2 </think>", True),
    ],
)
def test_5_6_in_reasoning_none_looks_before_the_first_block(text: str, expected: bool) -> None:
    from minimax_sdk.parsing import starts_in_reasoning

    assert starts_in_reasoning(text) is expected
    out = parse_output(text)
    assert bool(out.reasoning) is (expected or "<think>" in text.split("<minimax:tool_call>")[0])


def test_5_7_union_with_string_keeps_raw_text_unless_another_type_decodes() -> None:
    tools = [tool("f", v={"type": ["string", "integer"]})]
    assert parse(block(call_xml("f", ("v", "12"))), tools).tool_calls[0].arguments == {"v": 12}
    assert parse(block(call_xml("f", ("v", '"quoted"'))), tools).tool_calls[0].arguments == {"v": '"quoted"'}
    assert parse(block(call_xml("f", ("v", " hi "))), tools).tool_calls[0].arguments == {"v": " hi "}


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_5_8_non_finite_numbers_where_string_allowed_are_text_without_warning(raw: str) -> None:
    for schema in ({"type": ["number", "string"]}, {}, {"description": "anything"}):
        call = parse(block(call_xml("f", ("x", raw))), [tool("f", x=schema)]).tool_calls[0]
        assert call.arguments == {"x": raw}
        assert call.warnings == ()


def test_5_8_integer_accepts_exponent_and_number_accepts_integer() -> None:
    tools = [tool("f", i={"type": "integer"}, n={"type": "number"})]
    call = parse(block(call_xml("f", ("i", "1e2"), ("n", "7"))), tools).tool_calls[0]
    assert call.arguments == {"i": 100, "n": 7}
    assert type(call.arguments["i"]) is int


def test_5_9_duplicated_parameter_end_event_carries_final_arguments() -> None:
    from .parser_support import replay, stream

    events, _ = stream([block(call_xml("f", ("a", "1"), ("a", "2")))], [tool("f", a={"type": "integer"})])
    rep = replay(events)
    assert rep.ends[0] == {"a": 2}


def test_5_10_bare_invoke_outside_a_block_is_content() -> None:
    text = call_xml("f", ("a", "1"))
    out = parse(text)
    assert out.content == text
    assert out.tool_calls == []


# --- no loss (section 2) ---------------------------------------------------------------------------------------------


def test_invalid_call_blocks_and_text_account_for_every_character() -> None:
    text = (
        "c1\n<minimax:tool_call>\n"
        + call_xml("f", ("a", "1"))
        + '<invoke name="g">\nzzz\n</invoke>\n</minimax:tool_call>c2'
    )
    out = parse(text)
    assert out.content == "c1c2"
    assert len(out.tool_calls) == 1
    assert out.invalid_tool_calls[0].raw == '<invoke name="g">\nzzz\n</invoke>'


def test_events_stream_string_arguments_as_json_fragments() -> None:
    from .parser_support import replay, stream

    value = 'quote " backslash \\ newline \n tab \t unicode é 漢字 😀'
    text = block(call_xml("f", ("s", value), ("n", "1")))
    events, result = stream(list(text), [tool("f", s={"type": "string"}, n={"type": "integer"})])
    rep = replay(events)
    assert json.loads(rep.argument_json[0]) == {"s": value, "n": 1}
    assert rep.argument_json[0] == json.dumps({"s": value, "n": 1}, ensure_ascii=False)
    assert result.tool_calls[0].arguments == {"s": value, "n": 1}


def test_invalid_call_objects_are_typed() -> None:
    out = parse('<minimax:tool_call>\n<invoke name="f">')
    [bad] = out.invalid_tool_calls
    assert isinstance(bad, InvalidToolCall)
    assert bad.detail
    assert bad.id.startswith("call_")


def test_counter_ids_helper_is_deterministic() -> None:
    a, b = counter_ids(), counter_ids()
    assert [a(), a()] == [b(), b()]


def test_sdk_tool_objects_type_the_arguments() -> None:
    from minimax_sdk import Tool

    def read(path: str, start: int = 0, follow: bool = False) -> str:
        """Read a file."""
        return path

    t = Tool.from_function(read)
    out = parse(block(call_xml("read", ("path", "123"), ("start", "7"), ("follow", "TRUE"))), [t])
    assert out.tool_calls[0].arguments == {"path": "123", "start": 7, "follow": True}
    assert t.validate(out.tool_calls[0].arguments) is not None


@pytest.mark.parametrize("head", ['<parameter name=0"X">', '<parameter name="k"0>', "<parameter name='k'x>"])
def test_a_parameter_head_with_more_than_a_name_is_kept_whole_as_an_invalid_call(head: str) -> None:
    # found by test_no_character_is_lost: the characters after the name were dropped
    text = f'<minimax:tool_call>\n<invoke name="f">\n{head}v</parameter>\n</invoke>\n</minimax:tool_call>'
    out = parse_output(text)
    (invalid,) = [b for b in out.blocks if isinstance(b, InvalidToolCall)]
    assert head in invalid.raw
    assert out.tool_calls == []
    _events, result = stream(cut(text, [1]), None, in_reasoning=False)
    assert [b.raw for b in result.blocks if isinstance(b, InvalidToolCall)] == [invalid.raw]
