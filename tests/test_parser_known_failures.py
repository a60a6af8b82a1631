"""FORMAT.md section 6: each way existing parsers (vLLM, SGLang, llama.cpp, Ollama) fail, as a test here.

Each test is named after the failure it prevents. ``parse`` also streams each text in several chunkings.
"""

from __future__ import annotations

import json

from minimax_sdk.parsing import ContentDelta, StreamParser, ToolCallArgumentsDelta, ToolCallStart

from .parser_support import block, call_xml, cut, parse, replay, stream, tool

EDIT = tool("edit_file", path={"type": "string"}, content={"type": "string"})


def test_closing_tags_inside_a_string_value_do_not_truncate_it() -> None:
    # vllm-project/vllm#44060
    content = 'html = "<p>x</parameter></minimax:tool_call></invoke></p>"\nprint(html)\n'
    out = parse(block(call_xml("edit_file", ("path", "a.py"), ("content", content))), [EDIT])
    assert out.tool_calls[0].arguments == {"path": "a.py", "content": content}


def test_tool_call_without_think_close_is_not_swallowed_into_reasoning() -> None:
    # MiniMax-AI/MiniMax-M2.1#10
    text = "I should look this up.\n" + block(call_xml("search", ("q", "weather")))
    out = parse(text, [tool("search", q={"type": "string"})], in_reasoning=True)
    assert out.reasoning == "I should look this up."
    assert [(c.name, c.arguments) for c in out.tool_calls] == [("search", {"q": "weather"})]


def test_text_after_and_between_blocks_is_not_dropped() -> None:
    text = block(call_xml("a")) + "\nmiddle\n" + block(call_xml("b")) + "\nthe end"
    out = parse(text)
    assert out.content == "\nmiddle\nthe end"  # the newline before <minimax:tool_call> is the tag's
    assert [c.name for c in out.tool_calls] == ["a", "b"]


def test_start_tag_split_across_one_character_deltas_is_recognised() -> None:
    # sgl-project/sglang#35564
    text = "Sure.\n" + block(call_xml("f", ("x", "1")))
    events, result = stream(list(text), [tool("f", x={"type": "integer"})])
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    assert content == "Sure."
    assert "<" not in content
    assert result.tool_calls[0].arguments == {"x": 1}


def test_several_tokens_per_delta_lose_no_arguments() -> None:
    # vllm-project/vllm PR #35895
    text = block(
        call_xml("f", ("a", "1"), ("b", "two"), ("c", "[3]")),
        call_xml("f", ("a", "4"), ("b", "five"), ("c", "[6]")),
    )
    tools = [tool("f", a={"type": "integer"}, b={"type": "string"}, c={"type": "array"})]
    for sizes in ((17,), (40, 3), (len(text),)):
        events, result = stream(cut(text, sizes), tools)
        rep = replay(events)
        assert [json.loads(rep.argument_json[i]) for i in (0, 1)] == [
            {"a": 1, "b": "two", "c": [3]},
            {"a": 4, "b": "five", "c": [6]},
        ]
        assert [c.arguments for c in result.tool_calls] == [rep.ends[0], rep.ends[1]]


def test_parameters_of_call_two_do_not_leak_into_call_one_when_streamed() -> None:
    # sgl-project/sglang#23071
    text = block(call_xml("f", ("a", "first")), call_xml("g", ("b", "second")))
    events, _ = stream(list(text))
    rep = replay(events)
    assert rep.ends == {0: {"a": "first"}, 1: {"b": "second"}}
    deltas = [e for e in events if isinstance(e, ToolCallArgumentsDelta)]
    assert "".join(d.delta for d in deltas if d.index == 0) == '{"a": "first"}'
    assert "".join(d.delta for d in deltas if d.index == 1) == '{"b": "second"}'


def test_string_schema_values_null_none_and_numbers_stay_strings() -> None:
    # vllm-project/vllm#39567, sgl-project/sglang#16057
    tools = [tool("f", a={"type": "string"}, b={"type": "string"}, c={"type": "string"}, d={"type": "string"})]
    out = parse(block(call_xml("f", ("a", "null"), ("b", "none"), ("c", "123"), ("d", "true"))), tools)
    assert out.tool_calls[0].arguments == {"a": "null", "b": "none", "c": "123", "d": "true"}


def test_nullable_parameter_with_a_real_value_keeps_the_value() -> None:
    # sgl-project/sglang#16057
    tools = [tool("f", n={"anyOf": [{"type": "integer"}, {"type": "null"}]}, s={"type": ["string", "null"]})]
    out = parse(block(call_xml("f", ("n", "5"), ("s", "text"))), tools)
    assert out.tool_calls[0].arguments == {"n": 5, "s": "text"}
    out = parse(block(call_xml("f", ("n", "null"), ("s", "null"))), tools)
    assert out.tool_calls[0].arguments == {"n": None, "s": None}


def test_leading_indentation_and_trailing_newline_of_code_are_not_stripped() -> None:
    # vllm-project/vllm PR #48846
    code = "    if x:\n        return y\n"
    out = parse(block(call_xml("edit_file", ("path", "m.py"), ("content", code))), [EDIT])
    assert out.tool_calls[0].arguments["content"] == code


def test_explicit_think_from_m2_5_does_not_leak_into_content() -> None:
    # vllm-project/vllm#38212
    text = "<think>\nLet me think.\n</think>\n\nHello!"
    out = parse(text, in_reasoning=False)
    assert (out.reasoning, out.content) == ("Let me think.", "Hello!")
    out = parse(text, in_reasoning=True)
    assert (out.reasoning, out.content) == ("Let me think.", "Hello!")


def test_unknown_tool_name_while_streaming_dumps_no_xml_and_keeps_later_calls() -> None:
    text = "Calling.\n" + block(call_xml("nope", ("x", "1")), call_xml("get", ("k", "v")))
    tools = [tool("get", k={"type": "string"})]
    events, result = stream(list(text), tools)
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    assert content == "Calling."
    assert [e.name for e in events if isinstance(e, ToolCallStart)] == ["get"]
    assert [c.reason for c in result.invalid_tool_calls] == ["unknown_tool"]
    assert [(c.name, c.arguments) for c in result.tool_calls] == [("get", {"k": "v"})]


def test_inf_huge_and_nan_numbers_do_not_raise_or_turn_the_output_into_content() -> None:
    tools = [tool("f", a={"type": "number"}, b={"type": "number"}, c={"type": "number"}, d={"type": "integer"})]
    out = parse("ok\n" + block(call_xml("f", ("a", "inf"), ("b", "1e999"), ("c", "NaN"), ("d", "7"))), tools)
    assert out.content == "ok"
    call = out.tool_calls[0]
    assert call.arguments == {"a": "inf", "b": "1e999", "c": "NaN", "d": 7}
    assert len(call.warnings) == 3


def test_a_50_kb_string_argument_streams_before_the_call_ends() -> None:
    # vllm-project/vllm#39649
    body = "".join(f"line {i}: <tag attr='{i}'>text</tag>\n" for i in range(1500))
    assert len(body) > 50_000
    text = block(call_xml("edit_file", ("path", "big.html"), ("content", body)))
    parser = StreamParser([EDIT])
    value_start = text.index(body)
    streamed = ""
    fed = 0
    for piece in cut(text, [4]):
        fed += len(piece)
        streamed += "".join(e.delta for e in parser.feed(piece) if isinstance(e, ToolCallArgumentsDelta))
        if value_start < fed <= value_start + len(body):
            prefix = '{"path": "big.html", "content": "'
            assert streamed.startswith(prefix)
            arrived = json.loads('"' + streamed[len(prefix) :] + '"')
            # everything that arrived is out, but for at most a partial "</parameter>" (11 characters)
            assert body[: fed - value_start].startswith(arrived)
            assert len(arrived) >= fed - value_start - 11
    parser.close()
    assert parser.result.tool_calls[0].arguments["content"] == body
