"""Hostile tool arguments (issue 11, items 1 and 4): only ``ToolArgumentsError`` (or an error result) comes out,
and NaN / Infinity pass only where the schema allows them explicitly."""

from __future__ import annotations

import math
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from minimax_sdk._safe_json import UnreadableJSON, loads
from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools import Tool


def _take_float(x: float) -> str:
    return f"got {x}"


def _take_positive(x: Annotated[float, Field(gt=0)]) -> str:
    return f"got {x}"


def _take_any(x: Any) -> str:
    return "ran"


def _take_list(x: list[Any]) -> str:
    return "ran"


def _take_non_finite(x: Annotated[float, Field(json_schema_extra={"allowNonFinite": True})]) -> str:
    return f"got {x}"


class Reading(BaseModel):
    values: list[float]
    extra: dict[str, float] = {}


# --- item 1: arguments Python cannot convert or walk ------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        '{"x": [' + "1" * 5_000 + "]}",
        '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"x": ' + "[" * 150 + "]" * 150 + "}",
        b'{"x": [' + b"7" * 5_000 + b"]}",
    ],
    ids=["5000-digit integer", "100k-deep array", "150-deep array", "bytes"],
)
def test_invoke_with_unreadable_json_arguments_gives_an_error_result(arguments: str | bytes) -> None:
    tool = Tool.from_function(_take_list)
    result = tool.invoke(arguments)
    assert result.is_error
    assert "Invalid arguments for tool `_take_list`" in result.text
    with pytest.raises(ToolArgumentsError) as info:
        tool.validate(arguments)
    assert [p.path for p in info.value.problems] == ["$"]


def test_validate_with_a_dict_nested_too_deeply_to_walk_raises_tool_arguments_error() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"$ref": "#/$defs/node"}},
        "$defs": {"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
    }
    tool = Tool.from_schema("tree", schema, func=lambda x: "ran")
    value: Any = []
    for _ in range(20_000):
        value = [value]
    with pytest.raises(ToolArgumentsError) as info:
        tool.validate({"x": value})
    assert "nested" in str(info.value)
    assert tool.invoke({"x": value}).is_error


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" + "1" * 5_000 + "]", "too many digits"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 100 levels"),
        ("[" * 101 + "]" * 101, "nested more than 100 levels"),
        ('{"a": }', "invalid JSON (Expecting value at line 1 column 7)"),
        (b"\xff\xfe\xfa", "not UTF-8"),
    ],
)
def test_safe_loads_raises_only_unreadable_json(text: str | bytes, reason: str) -> None:
    with pytest.raises(UnreadableJSON) as info:
        loads(text)
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)


def test_safe_loads_reads_what_json_loads_reads() -> None:
    assert loads('{"a": [1, 2.5, null, "x"]}') == {"a": [1, 2.5, None, "x"]}
    assert loads("[" * 100 + "]" * 100) is not None
    assert math.isnan(loads("NaN"))


# --- item 4: NaN and Infinity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_number_is_rejected_for_a_float_parameter(literal: str) -> None:
    tool = Tool.from_function(_take_float)
    result = tool.invoke('{"x": ' + literal + "}")
    assert result.is_error
    assert "`$.x`: expected a finite number" in result.text
    with pytest.raises(ToolArgumentsError):
        tool.validate({"x": float(literal.replace("1e999", "inf"))})


def test_infinity_does_not_pass_a_lower_bound() -> None:
    tool = Tool.from_function(_take_positive)
    with pytest.raises(ToolArgumentsError) as info:
        tool.validate({"x": math.inf})
    assert [p.path for p in info.value.problems] == ["$.x"]
    assert tool.validate({"x": 2.5}) == {"x": 2.5}


@pytest.mark.parametrize(
    ("func", "arguments", "path"),
    [
        (_take_any, {"x": math.nan}, "$.x"),
        (_take_list, {"x": [1, [math.inf]]}, "$.x[1][0]"),
    ],
)
def test_non_finite_number_is_rejected_where_the_schema_has_no_type(func: Any, arguments: Any, path: str) -> None:
    with pytest.raises(ToolArgumentsError) as info:
        Tool.from_function(func).validate(arguments)
    assert [p.path for p in info.value.problems] == [path]


def test_non_finite_numbers_nested_in_a_model_are_each_reported() -> None:
    tool = Tool.from_model(Reading)
    with pytest.raises(ToolArgumentsError) as info:
        tool.validate('{"values": [1, NaN, 2, -Infinity], "extra": {"k": Infinity}}')
    assert [p.path for p in info.value.problems] == ["$.values[1]", "$.values[3]", "$.extra.k"]


def test_non_finite_number_passes_where_the_schema_allows_it_explicitly() -> None:
    tool = Tool.from_function(_take_non_finite)
    assert tool.definition["function"]["parameters"]["properties"]["x"]["allowNonFinite"] is True
    assert math.isnan(tool.validate('{"x": NaN}')["x"])
    assert tool.invoke('{"x": Infinity}').text == "got inf"


@pytest.mark.parametrize(
    ("property_schema", "defs"),
    [
        ({"anyOf": [{"type": "number", "allowNonFinite": True}, {"type": "null"}]}, {}),
        ({"$ref": "#/$defs/loose"}, {"loose": {"type": "number", "allowNonFinite": True}}),
        ({"type": "array", "items": {"type": "number", "allowNonFinite": True}}, {}),
    ],
)
def test_allow_non_finite_is_found_through_combinators_refs_and_items(
    property_schema: dict[str, Any], defs: dict[str, Any]
) -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {"x": property_schema}}
    if defs:
        schema["$defs"] = defs
    tool = Tool.from_schema("t", schema)
    value = [math.nan] if property_schema.get("type") == "array" else math.nan
    assert tool.validate({"x": value}) == {"x": value}
