"""Hostile outputs (issue 11, items 1, 2, 3 and 5): parsing never raises, streams in linear time, applies one
tag-head cap whole and streamed, and keeps blocks in the order they were written."""

from __future__ import annotations

from typing import Any

import pytest

from minimax_sdk.parsing import InvalidToolCall, ReasoningBlock, StreamParser, TextBlock, ToolCall, parse_output
from minimax_sdk.parsing._tags import HEAD_MAX

from .parser_support import block, call_xml, cut, parse, tool

INT_TOOL = tool("f", n={"type": "integer"}, s={"type": "string"})
ANY_TOOL = tool("f", n={}, s={"type": "string"})
ARRAY_TOOL = tool("f", n={"type": "array"}, s={"type": "string"})


def _one_call(out: Any) -> ToolCall:
    assert len(out.tool_calls) == 1, out.blocks
    call: ToolCall = out.tool_calls[0]
    return call


# --- item 1: values Python cannot convert never make the parser raise ------------------------------------------


@pytest.mark.parametrize("digits", [4_301, 5_000, 20_000])
def test_integer_beyond_the_int_string_limit_is_kept_as_text_with_a_warning(digits: int) -> None:
    number = "1" * digits
    text = "Let me check." + block(call_xml("f", ("n", number), ("s", "x")), call_xml("f", ("n", "7")))
    out = parse(text, [INT_TOOL])  # whole text, and streamed in several chunkings, agree
    assert out.content == "Let me check."
    first, second = out.tool_calls
    assert first.arguments == {"n": number, "s": "x"}
    assert any("expected integer" in w for w in first.warnings)
    assert second.arguments == {"n": 7}


def test_integer_beyond_the_int_string_limit_in_an_untyped_parameter_is_kept_as_text() -> None:
    number = "9" * 5_000
    for tools in ([ANY_TOOL], None):
        call = _one_call(parse(block(call_xml("f", ("n", number))), tools))
        assert call.arguments == {"n": number}
        assert call.warnings == ()


def test_integer_beyond_the_int_string_limit_inside_an_array_is_kept_as_text() -> None:
    value = "[1, " + "2" * 5_000 + "]"
    call = _one_call(parse(block(call_xml("f", ("n", value))), [ARRAY_TOOL]))
    assert call.arguments == {"n": value}
    assert call.warnings


@pytest.mark.parametrize("depth", [101, 1_500, 100_000])
@pytest.mark.parametrize("schema", [ANY_TOOL, ARRAY_TOOL])
def test_deeply_nested_value_is_kept_as_text(depth: int, schema: dict[str, Any]) -> None:
    value = "[" * depth + "]" * depth
    text = block(call_xml("f", ("n", value), ("s", "after")))
    out = parse_output(text, [schema])
    call = _one_call(out)
    assert call.arguments == {"n": value, "s": "after"}
    if depth <= 1_500:  # streaming checks cost a parse per chunking: enough at the smaller depths
        parse(text, [schema])


def test_value_nested_up_to_the_limit_is_decoded() -> None:
    value = "[" * 100 + "]" * 100
    call = _one_call(parse(block(call_xml("f", ("n", value))), [ARRAY_TOOL]))
    assert isinstance(call.arguments["n"], list)
    assert call.warnings == ()


def test_deeply_nested_python_literal_is_kept_as_text() -> None:
    value = "[" * 150 + "'a'" + "]" * 150
    call = _one_call(parse(block(call_xml("f", ("n", value))), [ARRAY_TOOL]))
    assert call.arguments == {"n": value}


# --- item 2: whitespace held after a closing tag is not scanned again per delta ----------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<parameter name="a">x</parameter>', "y</parameter>\n</invoke>\n</minimax:tool_call>"),
        ('<parameter name="a">x</parameter>', '<parameter name="b">y</parameter>\n</invoke>\n</minimax:tool_call>'),
        ('<parameter name="a">x</parameter>\n</invoke>', "y</invoke>\n</minimax:tool_call>"),
        ('<parameter name="a">x</parameter>\n</invoke>', '<invoke name="g">\n</invoke>\n</minimax:tool_call>'),
        ('<parameter name="a">x</parameter>\n</invoke>', ""),
    ],
)
def test_held_back_whitespace_after_a_closing_tag_stays_out_of_the_scan_buffer(before: str, after: str) -> None:
    """40,000 spaces fed one at a time: the buffer the parser re-reads per delta stays small (it held them all
    before, and scanned them again for every delta: quadratic)."""
    head = '<minimax:tool_call>\n<invoke name="f">\n'
    text = head + before + " " * 40_000 + after
    parser = StreamParser()
    largest = 0
    for ch in text:
        parser.feed(ch)
        largest = max(largest, len(parser._buf) - parser._pos)
    parser.close()
    assert largest <= 64
    assert parser.result == parse_output(text, in_reasoning=False, id_factory=_same_ids(parser.result))


def _same_ids(result: Any) -> Any:
    ids = iter([b.id for b in result.blocks if isinstance(b, ToolCall | InvalidToolCall)])
    return lambda: next(ids)


@pytest.mark.parametrize("ws", [" ", "\n", "\r\n", " \t\n"])
def test_held_back_whitespace_is_kept_in_the_value_or_the_raw_text(ws: str) -> None:
    spaces = ws * 50
    value = "x</parameter>" + spaces + "y"
    out = parse(block(call_xml("f", ("s", value))), [INT_TOOL])
    assert _one_call(out).arguments == {"s": value}
    text = block('<invoke name="f">\n<parameter name="s">x</parameter>\n</invoke>' + spaces + "y</invoke>\n")
    invalid = parse(text, [INT_TOOL]).invalid_tool_calls
    assert [(c.reason, c.raw) for c in invalid] == [
        ("malformed", '<invoke name="f">\n<parameter name="s">x</parameter>\n</invoke>' + spaces + "y</invoke>")
    ]


# --- item 3: one cap on tag heads, whole text and streamed ------------------------------------------------------

INVOKE_NAME_MAX = HEAD_MAX - len('<invoke name="">')
PARAM_NAME_MAX = HEAD_MAX - len('<parameter name="">')


@pytest.mark.parametrize("length", [INVOKE_NAME_MAX - 1, INVOKE_NAME_MAX, INVOKE_NAME_MAX + 1, 1_010, 2_000])
def test_long_invoke_name_reads_the_same_whole_and_streamed(length: int) -> None:
    text = '<minimax:tool_call>\n<invoke name="' + "a" * length + '">\n</invoke>\n</minimax:tool_call>'
    out = parse(text)  # checks every chunking, one character at a time included, against the whole text
    assert len(out.tool_calls) == (1 if length <= INVOKE_NAME_MAX else 0)


@pytest.mark.parametrize("length", [PARAM_NAME_MAX - 1, PARAM_NAME_MAX, PARAM_NAME_MAX + 1, 1_030])
def test_long_parameter_name_reads_the_same_whole_and_streamed(length: int) -> None:
    text = block(call_xml("f", ("p" * length, "1")))
    out = parse(text)
    if length <= PARAM_NAME_MAX:
        assert _one_call(out).arguments == {"p" * length: 1}
    else:
        assert [c.reason for c in out.invalid_tool_calls] == ["malformed"]


# --- item 5: FORMAT.md 5.7 and block order ------------------------------------------------------------------------


@pytest.mark.parametrize("tools", [None, [ANY_TOOL]])
def test_untyped_json_string_keeps_its_quotes(tools: Any) -> None:
    call = _one_call(parse(block(call_xml("f", ("n", '"hello"'), ("m", '"a\\u0062"'))), tools))
    assert call.arguments == {"n": '"hello"', "m": '"a\\u0062"'}


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        ("A<minimax:tool_call>B", False, [TextBlock("A"), "invalid", TextBlock("B")]),
        ("<minimax:tool_call>B", False, ["invalid", TextBlock("B")]),
        ("A<minimax:tool_call>", False, [TextBlock("A"), "invalid"]),
        ("A\n<minimax:tool_call>\n  B C", False, [TextBlock("A"), "invalid", TextBlock("B C")]),
        ("r<minimax:tool_call>B", True, [ReasoningBlock("r"), "invalid", TextBlock("B")]),
        ("r</think>A<minimax:tool_call>B", True, [ReasoningBlock("r"), TextBlock("A"), "invalid", TextBlock("B")]),
    ],
)
def test_text_written_after_an_unterminated_empty_block_follows_its_invalid_call(
    text: str, mode: bool, expected: list[Any]
) -> None:
    out = parse(text, in_reasoning=mode)
    shown = ["invalid" if isinstance(b, InvalidToolCall) else b for b in out.blocks]
    assert shown == expected
    assert out.invalid_tool_calls[0].reason == "truncated"


def test_duplicated_parameter_is_reported_on_the_tool_call_whole_and_streamed() -> None:
    text = block(call_xml("f", ("n", "1"), ("n", "2")))
    call = _one_call(parse(text, [INT_TOOL]))
    assert call.arguments == {"n": 2}
    assert call.warnings == ("parameter 'n' was given more than once; the last value is kept",)
    parser = StreamParser([INT_TOOL])
    ends = [ev for piece in cut(text, [5]) for ev in parser.feed(piece) if ev.type == "tool_call_end"]
    assert [ev.call.warnings for ev in ends] == [call.warnings]
