"""The quick check says "valid" only where jsonschema finds no error, and it is what valid calls take."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Annotated, Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from pydantic import BaseModel, Field

from minimax_sdk.tools import Tool
from minimax_sdk.tools._fast_check import compile_check


class Size(enum.Enum):
    SMALL = "small"
    LARGE = "large"


class Item(BaseModel):
    sku: Annotated[str, Field(pattern=r"^[A-Z]{3}-\d+$")]
    qty: Annotated[int, Field(ge=1, le=99)] = 1
    tags: list[str] = []


class Node(BaseModel):
    name: str
    children: list[Node] = []


def order(
    items: list[Item],
    size: Size,
    note: Annotated[str, Field(min_length=2, max_length=8)] | None = None,
    ratio: Annotated[float, Field(gt=0, lt=1)] = 0.5,
    mode: Literal["fast", "slow", 3, True] = "fast",
    extra: dict[str, int] | None = None,
) -> str:
    return "ok"


SCHEMAS: list[dict[str, Any]] = [
    Tool.from_function(order).parameters,
    Tool.from_model(Item).parameters,
    {
        "type": "object",
        "properties": {
            "a": {"anyOf": [{"type": "integer", "minimum": 3}, {"type": "null"}]},
            "b": {"allOf": [{"type": "number"}, {"exclusiveMaximum": 2.5}]},
            "c": {"type": ["string", "array"], "minItems": 1, "maxItems": 2, "maxLength": 3, "items": {"const": 1}},
            "d": {"enum": ["x", 1, 2.5, False, None]},
            "e": {"format": "date-time", "type": "string"},
        },
        "additionalProperties": {"type": "boolean"},
        "required": ["a"],
    },
    {"type": "object", "properties": {"x": True, "y": False}, "required": []},
]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
ODD = st.sampled_from([decimal.Decimal("0.1"), 1.0, datetime.date(2024, 1, 1), Size.SMALL, (1, 2)])


def _agrees(schema: dict[str, Any], instance: Any) -> None:
    quick = compile_check(schema)
    assert quick is not None
    if quick(instance):
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(instance)]
        assert errors == [], instance


@pytest.mark.parametrize("index", range(len(SCHEMAS)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_yes_is_never_wrong(index: int, data: st.DataObject) -> None:
    schema = SCHEMAS[index]
    valid = data.draw(from_schema(schema))
    _agrees(schema, valid)
    key = data.draw(st.text(max_size=4))
    _agrees(schema, {**valid, key: data.draw(JSON | ODD)})
    _agrees(schema, data.draw(JSON))
    for name in valid:
        _agrees(schema, {**valid, name: data.draw(JSON | ODD)})


NODE = Tool.from_model(Node).parameters  # recursive: hypothesis-jsonschema cannot draw it
NODES = st.recursive(
    st.fixed_dictionaries({"name": st.text(max_size=3)}),
    lambda inner: st.fixed_dictionaries({"name": st.text(max_size=3), "children": st.lists(inner, max_size=2)}),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None)
@given(node=NODES, other=JSON | ODD)
def test_a_yes_is_never_wrong_for_a_recursive_schema(node: dict[str, Any], other: Any) -> None:
    quick = compile_check(NODE)
    assert quick is not None
    assert quick(node)
    _agrees(NODE, node)
    _agrees(NODE, {"name": "n", "children": [node, other]})
    _agrees(NODE, {**node, "name": other})


@pytest.mark.parametrize("index", range(2))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_valid_plain_arguments_get_a_yes(index: int, data: st.DataObject) -> None:
    schema = SCHEMAS[index]
    quick = compile_check(schema)
    assert quick is not None
    valid = data.draw(from_schema(schema))
    plain = all(not isinstance(v, float) or not v.is_integer() for v in _leaves(valid))
    if plain:  # 1.0 for an integer is left to jsonschema
        assert quick(valid)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


@pytest.mark.parametrize(
    "schema",
    [
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
        {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
        {"type": "object", "properties": {"a": {"type": "string", "format": "uuid"}}},
        {"type": "object", "properties": {"a": {"type": "array", "uniqueItems": True}}},
        {"type": "object", "properties": {"a": {"$ref": "https://example.com/schema"}}},
        {"type": "object", "x-unknown": 1},
    ],
)
def test_schemas_it_does_not_know_get_no_quick_check(schema: dict[str, Any]) -> None:
    assert compile_check(schema) is None


def test_a_tool_still_reports_every_problem() -> None:
    tool = Tool.from_function(order)
    with pytest.raises(Exception, match="size") as exc:
        tool.validate({"items": [{"sku": "bad", "qty": 0}], "size": "medium"})
    assert len(exc.value.problems) == 3  # type: ignore[attr-defined]


class Text(str):
    pass


class Items(list):  # type: ignore[type-arg]
    pass


class Mapping(dict):  # type: ignore[type-arg]
    pass


OBJECT = {
    "type": "object",
    "properties": {"a": {"type": "string"}, "b": {"type": "number"}},
    "required": ["a"],
    "additionalProperties": False,
}
A_REF = {"$ref": "#/$defs/A", "$defs": {"A": {"type": "string"}}}
# (schema, an invalid instance, a valid one): each keyword at its boundary
BOUNDARIES: list[tuple[dict[str, Any], Any, Any]] = [
    ({"minimum": 1}, 0, 1),
    ({"minimum": 1}, decimal.Decimal("0.5"), 1.5),
    ({"maximum": 1}, 1.5, 1),
    ({"exclusiveMinimum": 1}, 1, 1.01),
    ({"exclusiveMaximum": 1}, 1.0, 0),
    ({"minLength": 2}, "a", "ab"),
    ({"minLength": 2}, Text("a"), "ab"),
    ({"maxLength": 1}, "ab", "a"),
    ({"minItems": 1}, [], [None]),
    ({"maxItems": 0}, Items([1]), []),
    ({"pattern": "^a"}, "ba", "ab"),
    ({"pattern": "^a"}, Text("b"), 3),
    ({"type": "integer"}, True, -3),
    ({"type": "number"}, False, 2.5),
    ({"type": "string"}, None, ""),
    ({"type": ["string", "null"]}, 1, None),
    ({"enum": [1, "x"]}, True, 1),
    ({"enum": [1, "x"]}, "1", "x"),
    ({"const": False}, 0, False),
    ({"required": ["a"]}, {}, {"a": None}),
    ({"required": ["a"]}, Mapping(), "not an object"),
    ({"properties": {"a": {"type": "string"}}}, {"a": 1}, {"b": 1}),
    ({"properties": {"a": {"type": "string"}}}, Mapping(a=1), {"a": "x"}),
    ({"properties": {"y": False}}, {"y": 1}, {"x": 1}),
    ({"properties": {"a": True}, "additionalProperties": False}, {"b": 1}, {"a": [1]}),
    ({"additionalProperties": {"type": "string"}}, {"b": 1}, {"b": "1"}),
    ({"items": {"type": "string"}}, [1], ["1"]),
    ({"items": {"type": "string"}}, Items([1]), ["1"]),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 1, None),
    ({"allOf": [{"type": "number"}, {"minimum": 2}]}, 1, 2),
    (A_REF, 1, "a"),
    # a tool's arguments: one function for the whole object
    (OBJECT, {"a": "x", "c": 1}, {"a": "x"}),
    (OBJECT, {"b": 1.5}, {"a": "x", "b": 1.5}),
    (OBJECT, {"a": 1}, {"a": "", "b": -1}),
    ({"type": "object", "properties": {"a": {"type": "string"}}}, {"a": 1}, {"b": [1]}),
]


@pytest.mark.parametrize(("schema", "invalid", "valid"), BOUNDARIES)
def test_each_keyword_at_its_boundary(schema: dict[str, Any], invalid: Any, valid: Any) -> None:
    quick = compile_check(schema)
    assert quick is not None
    assert list(Draft202012Validator(schema).iter_errors(invalid)) != []
    assert not quick(invalid)
    assert list(Draft202012Validator(schema).iter_errors(valid)) == []
    assert quick(valid)


@pytest.mark.parametrize(
    ("value", "sure"),
    [
        (Mapping(a="x"), False),
        ({"a": Text("x")}, False),
        ({"a": "x", "b": decimal.Decimal(1)}, False),
        ({"a": "x", "b": 1.0}, True),
    ],
)
def test_values_of_other_types_than_json_ones_are_left_to_jsonschema(value: Any, sure: bool) -> None:
    quick = compile_check(OBJECT)
    assert quick is not None
    assert list(Draft202012Validator(OBJECT).iter_errors(value)) == []
    assert quick(value) is sure
