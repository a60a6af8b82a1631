"""Tools from models and raw schemas, the decorator's forms, and the errors when a tool cannot be built."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypedDict

from minimax_sdk.tools import Tool, tool


class Shipment(BaseModel):
    """Ship a parcel.

    Sent the same day when booked before noon.

    Attributes:
        to: Recipient address.
        weight_kg: Parcel weight.
    """

    to: str
    weight_kg: float = Field(gt=0)
    express: bool = False


@dataclasses.dataclass
class Point:
    """A point.

    Args:
        x: Horizontal.
        y: Vertical.
    """

    x: float
    y: float = 0.0


class Options(TypedDict, total=False):
    """Search options.

    Attributes:
        limit: At most this many.
    """

    limit: int
    exact: bool


class Tree(BaseModel):
    label: str
    children: list[Tree] = []


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")
    a: int


TREE = {
    "type": "object",
    "properties": {
        "label": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}, "default": []},
    },
    "required": ["label"],
    "additionalProperties": False,
}


def test_pydantic_model_docstring_gives_tool_and_field_descriptions() -> None:
    t = Tool.from_model(Shipment)
    assert (t.name, t.model) == ("Shipment", Shipment)
    assert t.description == "Ship a parcel.\n\nSent the same day when booked before noon."
    assert t.parameters == {
        "type": "object",
        "properties": {
            "to": {"type": "string", "description": "Recipient address."},
            "weight_kg": {"type": "number", "description": "Parcel weight.", "exclusiveMinimum": 0},
            "express": {"type": "boolean", "default": False},
        },
        "required": ["to", "weight_kg"],
        "additionalProperties": False,
    }


def test_dataclass() -> None:
    t = Tool.from_model(Point)
    assert t.description == "A point."
    assert t.parameters == {
        "type": "object",
        "properties": {
            "x": {"type": "number", "description": "Horizontal."},
            "y": {"type": "number", "description": "Vertical.", "default": 0.0},
        },
        "required": ["x"],
        "additionalProperties": False,
    }
    assert t.validate({"x": 1}) == Point(1.0, 0.0)


def test_typeddict_not_total() -> None:
    t = Tool.from_model(Options)
    assert t.description == "Search options."
    assert t.parameters == {
        "type": "object",
        "properties": {
            "limit": {"type": "integer", "description": "At most this many."},
            "exact": {"type": "boolean"},
        },
        "required": [],
        "additionalProperties": False,
    }
    assert t.validate({"limit": 3}) == {"limit": 3}


def test_recursive_model_keeps_defs_and_writes_the_root_out() -> None:
    assert Tool.from_model(Tree).parameters == {**TREE, "$defs": {"Tree": TREE}}


def test_model_that_keeps_extra_keys_is_open() -> None:
    t = Tool.from_model(Open)
    assert t.parameters == {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    assert t.validate({"a": 1, "b": 2}).model_extra == {"b": 2}


def test_decorator_on_a_model_class_with_options() -> None:
    t = tool(name="ship", description="Ship it.")(Shipment)
    assert (t.name, t.description, t.model, t.func) == ("ship", "Ship it.", Shipment, None)


def test_decorator_bare_on_a_class() -> None:
    assert tool(Point).name == "Point"


def test_decorator_options_on_a_function() -> None:
    @tool(name="weather", description="Custom.")
    def get_weather(city: str) -> str:
        """Docstring text."""
        return city

    assert get_weather.definition["function"]["name"] == "weather"
    assert get_weather.definition["function"]["description"] == "Custom."


def test_from_schema_sends_the_schema_unchanged() -> None:
    schema = {
        "type": "object",
        "title": "Kept",
        "properties": {"q": {"type": "string", "title": "Query"}},
        "required": ["q"],
    }
    t = Tool.from_schema("search", schema, description="Search the web.")
    assert t.definition == {
        "type": "function",
        "function": {"name": "search", "description": "Search the web.", "parameters": schema},
    }
    assert t.model is None


# --- errors when a tool cannot be built -----------------------------------------------------------------


class NotAModel:
    pass


def f_callable_param(cb: Callable[[int], int]) -> None: ...
def f_varargs(*args: int) -> None: ...
def f_kwargs(**kwargs: int) -> None: ...
def f_alias(x: int = Field(1, alias="y")) -> None: ...
def f_ok(x: int) -> None: ...


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Tool.from_function(f_callable_param), "parameter `cb`"),
        (lambda: Tool.from_function(f_varargs), "`args` takes any number"),
        (lambda: Tool.from_function(f_kwargs), "`kwargs` takes any number"),
        (lambda: Tool.from_function(f_alias), "has an alias"),
        (lambda: Tool.from_function(lambda x: x), "tool name"),
        (lambda: Tool.from_function(42), "needs a callable"),
        (lambda: Tool.from_model(NotAModel), "pydantic model, a dataclass or a TypedDict"),
        (lambda: tool(NotAModel), "pydantic model, a dataclass or a TypedDict"),
        (lambda: tool(tool(f_ok)), "already a Tool"),
        (lambda: Tool.from_schema("x", {"type": "array"}), '"type": "object"'),
        (lambda: Tool.from_schema("x", {"type": "object", "properties": {"a": {"type": 5}}}), "not a valid"),
        (lambda: Tool.from_schema("x", {"type": "object", "default": float("nan")}), "not JSON"),
        (lambda: Tool.from_schema("bad name!", {"type": "object"}), "tool name"),
    ],
    ids=[
        "callable",
        "varargs",
        "kwargs",
        "alias",
        "lambda",
        "not-callable",
        "plain-class",
        "decorator-plain-class",
        "already-tool",
        "not-object",
        "invalid-schema",
        "not-json",
        "bad-name",
    ],
)
def test_building_fails_with_a_clear_message(build: Callable[[], Any], match: str) -> None:
    with pytest.raises((TypeError, ValueError), match=match):
        build()


def test_unresolvable_hint_names_the_function() -> None:
    def local() -> None:
        class Local(BaseModel):
            a: int

        def f(x: Local) -> None: ...

        Tool.from_function(f)

    with pytest.raises(TypeError, match="cannot read the type hints"):
        local()
