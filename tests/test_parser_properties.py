"""Property-based tests of the parser (hypothesis): never raises, streaming equals whole text, round trip,
no character lost (FORMAT.md sections 2 and 3, rules 9 and 10)."""

from __future__ import annotations

import ast
import itertools
import json
import math
import re
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from minimax_sdk.parsing import (
    InvalidToolCall,
    ReasoningBlock,
    StreamParser,
    TextBlock,
    ToolCall,
    parse_output,
)
from minimax_sdk.template import render_tool_call

from .parser_support import check_stream_matches, counter_ids, cut, stream

# Characters that never occur in a tag, so filtering a text down to them removes exactly the tags.
PAYLOAD = "XYZ019é漢😀#&;"
NAMES = st.text("XYZ", min_size=1, max_size=3)

FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "<think>",
            "</think>",
            "<minimax:tool_call>",
            "</minimax:tool_call>",
            "</invoke>",
            "</parameter>",
            "\n",
            "\r\n",
            "\r",
            "  ",
            "\t",
            "<",
            ">",
            "</",
            "<minimax:tool_ca",
            "</thi",
            "</para",
            "<invoke name=",
            "<parameter name=",
            '"',
        ]
    ),
    NAMES.map(lambda n: f'<invoke name="{n}">'),
    NAMES.map(lambda n: f"<invoke name='{n}' extra=\"1\">"),
    NAMES.map(lambda n: f'<parameter name="{n}">'),
    NAMES.map(lambda n: f"<parameter name={n}>"),
    st.text(PAYLOAD + " \n", min_size=1, max_size=8),
)
RANDOM_TAGS = st.lists(FRAGMENTS, max_size=40).map("".join)
VALUE = st.lists(
    st.one_of(
        st.text(PAYLOAD + " \n\t", min_size=1, max_size=6),
        st.sampled_from(["</parameter>", "</invoke>", "</minimax:tool_call>", "<", "</parameter>\n", "\r\n"]),
        # JSON and near-JSON, so typed parameters see numbers, booleans, containers and what is not JSON
        st.sampled_from(["1", "2.5", "-3", "true", "False", "null", "[1, 2]", '{"a": 1}', "{'a': 1}", "NaN"]),
        st.sampled_from(["1e999", '"q"', "[1, ", "[[[[[[1]]]]]]"]),
    ),
    max_size=5,
).map("".join)
WS = st.sampled_from(["", "\n", "\r\n", " ", "\n\n"])


@st.composite
def _invoke(draw: st.DrawFn) -> str:
    name = draw(NAMES)
    params = draw(st.lists(st.tuples(NAMES, VALUE, WS), max_size=3))
    body = "".join(f'<parameter name="{k}">{v}</parameter>{ws or chr(10)}' for k, v, ws in params)
    return f'<invoke name="{name}">{draw(WS)}{body}</invoke>{draw(WS)}'


@st.composite
def _turn(draw: st.DrawFn) -> str:
    """A plausible output: reasoning, content, blocks of invokes; then cut, or noise inserted."""
    parts = [draw(st.sampled_from(["", "<think>\n"])), draw(st.text(PAYLOAD + " \n", max_size=10))]
    parts.append(draw(st.sampled_from(["\n</think>\n\n", "", "</think>"])))
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(st.text(PAYLOAD + " \n", max_size=6)) + "\n<minimax:tool_call>\n")
        parts.extend(draw(st.lists(_invoke(), max_size=3)))
        parts.append(draw(st.sampled_from(["</minimax:tool_call>", ""])))
    text = "".join(parts)
    if draw(st.booleans()):
        noise = draw(FRAGMENTS)
        at = draw(st.integers(0, len(text)))
        text = text[:at] + noise + text[at:]
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


TAGGY_TEXT = st.one_of(RANDOM_TAGS, _turn())
ANY_TEXT = st.one_of(st.text(max_size=300), TAGGY_TEXT)


def _params(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


RICH_TOOLS = [
    {
        "name": "X",
        "parameters": _params(
            X={"type": "number"}, Y={"type": ["string", "null"]}, Z={"type": "array", "items": {"type": "integer"}}
        ),
    },
    {
        "name": "Y",
        "parameters": _params(X={"type": "boolean"}, Y={"type": "object"}, Z={"anyOf": [{"type": "integer"}, {}]}),
    },
    {
        "name": "Z",
        "parameters": {
            **_params(X={"$ref": "#/$defs/n"}, Y={}, Z={"enum": ["a", 1, None]}),
            "$defs": {"n": {"type": ["integer", "null"]}},
        },
    },
]
TOOLS = st.sampled_from(
    [
        None,
        [],
        [{"name": "X", "parameters": {"type": "object", "properties": {"Y": {"type": "string"}}}}],
        [{"name": n, "parameters": {"type": "object", "properties": {"Z": {"type": "integer"}}}} for n in "XYZ"],
        RICH_TOOLS,
    ]
)


def _cuts(text: str, data: st.DataObject) -> list[str]:
    points = sorted(data.draw(st.sets(st.integers(0, max(0, len(text))), max_size=30)))
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if b > a]


# (a) parsing never raises ----------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(text=ANY_TEXT, tools=TOOLS, mode=st.sampled_from([None, True, False]))
def test_parse_never_raises(text: str, tools: Any, mode: bool | None) -> None:
    out = parse_output(text, tools, in_reasoning=mode)
    for b in out.blocks:
        assert isinstance(b, ReasoningBlock | TextBlock | ToolCall | InvalidToolCall)


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, tools=TOOLS, mode=st.booleans(), data=st.data())
def test_streaming_never_raises(text: str, tools: Any, mode: bool, data: st.DataObject) -> None:
    parser = StreamParser(tools, in_reasoning=mode)
    for piece in _cuts(text, data):
        parser.feed(piece)
    parser.close()
    assert parser.close() == []


# (b) streaming equals whole-text parsing ----------------------------------------------------------------------------


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TAGGY_TEXT, tools=TOOLS, mode=st.booleans(), data=st.data())
def test_streaming_equals_whole_text_for_any_cuts(text: str, tools: Any, mode: bool, data: st.DataObject) -> None:
    whole = parse_output(text, tools, in_reasoning=mode, id_factory=counter_ids())
    events, result = stream(_cuts(text, data), tools, in_reasoning=mode)
    check_stream_matches(text, whole, events, result)


@settings(max_examples=150, deadline=None)
@given(text=TAGGY_TEXT, tools=TOOLS, mode=st.booleans())
def test_streaming_one_character_at_a_time_equals_whole_text(text: str, tools: Any, mode: bool) -> None:
    whole = parse_output(text, tools, in_reasoning=mode, id_factory=counter_ids())
    events, result = stream(cut(text, [1]), tools, in_reasoning=mode)
    check_stream_matches(text, whole, events, result)


# (d) no character of the input is lost --------------------------------------------------------------------------------


_EXTRA_ATTRIBUTE = re.compile(r"""<(?:invoke|parameter) name=(?:"[^"]*"|'[^']*'|[^\s>"'/]+)\s+[^\s>/]""")


def _payload(text: str) -> str:
    return "".join(ch for ch in text if ch in PAYLOAD)


def _block_text(block: Any) -> str:
    if isinstance(block, ReasoningBlock | TextBlock):
        return block.text
    if isinstance(block, InvalidToolCall):
        return block.raw
    parts = [block.name]
    for key, value in block.arguments.items():
        parts += [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
    return "".join(parts)


@settings(max_examples=600, deadline=None)
@given(text=TAGGY_TEXT, tools=TOOLS, mode=st.sampled_from([None, True, False]))
def test_no_character_is_lost(text: str, tools: Any, mode: bool | None) -> None:
    out = parse_output(text, tools, in_reasoning=mode)
    dupes = [c for c in out.tool_calls if any("more than once" in w for w in c.warnings)]
    assume(not dupes)  # a duplicated parameter keeps only its last value, by design (5.9)
    assume(not _EXTRA_ATTRIBUTE.search(text))  # other attributes of a head are ignored, by design
    assert _payload("".join(_block_text(b) for b in out.blocks)) == _payload(text)


# (c) round trip: render a call as the template does, parse it back ---------------------------------------------------

# Each schema with the JSON types it allows, written out by hand (not computed by the parser's own code).
SCALAR_TABLE: list[tuple[dict[str, Any], frozenset[str]]] = [
    ({"type": "string"}, frozenset({"string"})),
    ({"type": "integer"}, frozenset({"integer"})),
    ({"type": "number"}, frozenset({"number"})),
    ({"type": "boolean"}, frozenset({"boolean"})),
    ({"type": "null"}, frozenset({"null"})),
    ({"type": ["string", "null"]}, frozenset({"string", "null"})),
    ({"type": ["integer", "string"]}, frozenset({"integer", "string"})),
    ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, frozenset({"integer", "null"})),
    (
        {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
        frozenset({"string", "number", "boolean"}),
    ),
    ({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}, frozenset({"string", "array"})),
    ({"enum": ["red", "green", "null", "1"]}, frozenset({"string"})),
    ({"type": "array", "items": {"type": "integer"}}, frozenset({"array"})),
    ({"type": "array", "items": {"type": "string"}}, frozenset({"array"})),
    ({"type": "object"}, frozenset({"object"})),
    ({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}}, frozenset({"object"})),
    ({"type": "array", "items": {"type": "object", "properties": {"x": {"type": "boolean"}}}}, frozenset({"array"})),
]
SCALARS = st.sampled_from(range(len(SCALAR_TABLE)))
PARAM_NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
SCHEMAS = st.dictionaries(PARAM_NAMES, SCALARS, min_size=1, max_size=5)
_NOT_JSON = object()


def _reject(constant: str) -> Any:
    raise ValueError(constant)


def _json_type(value: Any) -> str:
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else kinds[type(value)]


def _fits(value: Any, types: frozenset[str]) -> bool:
    kind = _json_type(value)
    if kind == "number" and not math.isfinite(value):
        return False
    if kind == "string":
        return False  # FORMAT.md 5.7: a JSON-decoded string is never used
    if kind == "integer" and "number" in types:
        return True
    if kind == "number" and "integer" in types and value.is_integer():
        return True
    return kind in types


def _decoded(text: str, types: frozenset[str]) -> Any:
    try:
        return json.loads(text, parse_constant=_reject)
    except ValueError:
        pass
    if types & {"object", "array"} and text[:1] in "[{":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return _NOT_JSON
        return value if isinstance(value, dict | list) else _NOT_JSON
    return _NOT_JSON


def reads_as_another_type(value: str, types: frozenset[str]) -> bool:
    """FORMAT.md 5.7, independently of the parser: a string that also reads as another allowed type."""
    if types == {"string"}:
        return False
    text = value.strip()
    if "boolean" in types and text.lower() in ("true", "false"):
        return True
    decoded = _decoded(text, types)
    return decoded is not _NOT_JSON and _fits(decoded, types)


def closes_early(value: str) -> bool:
    """FORMAT.md 5.2: a ``</parameter>`` inside the value closes it only before whitespace and a next tag."""
    return re.search(r"</parameter>\s*(?:<parameter name=|</invoke>)", value) is not None


def _string_value(data: st.DataObject, drawn: str) -> str:
    """Sometimes replace a drawn string by one full of tags, so that the lookahead is exercised."""
    return data.draw(VALUE) if data.draw(st.booleans()) else drawn


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(picked=SCHEMAS, data=st.data())
def test_render_then_parse_returns_the_same_arguments(picked: dict[str, int], data: st.DataObject) -> None:
    props = {key: SCALAR_TABLE[i][0] for key, i in picked.items()}
    schema = {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
    arguments = data.draw(from_schema(schema))
    for key, value in arguments.items():
        types = SCALAR_TABLE[picked[key]][1]
        if isinstance(value, str):
            if "enum" not in props[key]:
                value = arguments[key] = _string_value(data, value)
            assume(not closes_early(value))
            assume(not reads_as_another_type(value, types))
    tools = [{"name": "f", "parameters": schema}]
    text = "<minimax:tool_call>\n" + render_tool_call("f", arguments) + "</minimax:tool_call>"
    whole = parse_output(text, tools, in_reasoning=False)
    assert [c.name for c in whole.tool_calls] == ["f"]
    assert whole.tool_calls[0].arguments == arguments
    assert list(whole.tool_calls[0].arguments) == list(arguments)
    assert whole.tool_calls[0].warnings == ()
    events, streamed = stream(cut(text, [3]), tools)
    check_stream_matches(
        text, parse_output(text, tools, in_reasoning=False, id_factory=counter_ids()), events, streamed
    )
