"""Signatures and models against the exact JSON Schema the model is shown (a table of golden schemas).

String annotations on purpose (``from __future__ import annotations``): hints are resolved from strings, as
in most user code.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import pathlib
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal, Optional, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import NotRequired, TypedDict

from minimax_sdk._tool_spec import function_definition
from minimax_sdk.tools import Tool

# --- types used by the signatures -----------------------------------------------------------------------


class Unit(str, enum.Enum):
    """Temperature unit."""

    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Documented(enum.Enum):
    """Colours.

    Attributes:
        RED: the red one
    """

    RED = "red"


class Address(BaseModel):
    """A postal address.

    Attributes:
        street: Street and number.
    """

    street: str
    zip_code: str = Field(pattern=r"^\d{5}$", description="Five digits.")


class Item(BaseModel):
    sku: str
    qty: int = 1


class Node(BaseModel):
    value: int
    children: list[Node] = []


class Person(BaseModel):
    name: str
    employer: Company | None = None


class Company(BaseModel):
    name: str
    staff: list[Person] = []


@dataclasses.dataclass
class Point:
    """A point.

    Args:
        x: Horizontal.
        y: Vertical.
    """

    x: float
    y: float = 0.0


class Filter(TypedDict):
    field: str
    value: NotRequired[int]


class Cat(BaseModel):
    kind: Literal["cat"]
    meows: bool


class Dog(BaseModel):
    kind: Literal["dog"]
    barks: bool


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")
    a: int


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: int


# --- the signatures -------------------------------------------------------------------------------------


def f_str(city: str) -> None: ...
def f_int(days: int) -> None: ...
def f_float(ratio: float) -> None: ...
def f_bool(flag: bool) -> None: ...
def f_none(nothing: None) -> None: ...
def f_optional(note: Optional[str] = None) -> None: ...  # noqa: UP045
def f_pipe_none_required(note: str | None) -> None: ...
def f_union(key: Union[int, str] = 0) -> None: ...  # noqa: UP007
def f_literal(mode: Literal["brief", "full"] = "brief") -> None: ...
def f_literal_one(mode: Literal["only"]) -> None: ...
def f_literal_mixed(v: Literal["a", 1]) -> None: ...
def f_str_enum(unit: Unit = Unit.CELSIUS) -> None: ...
def f_int_enum(level: Level) -> None: ...
def f_enum_docstring(colour: Documented) -> None: ...
def f_list(tags: list[str]) -> None: ...
def f_bare_list(things: list) -> None: ...  # type: ignore[type-arg]
def f_list_any(things: list[Any]) -> None: ...
def f_tuple(pair: tuple[int, str]) -> None: ...
def f_tuple_var(nums: tuple[int, ...]) -> None: ...
def f_set(tags: set[str]) -> None: ...
def f_frozenset(ids: frozenset[int]) -> None: ...
def f_bare_dict(extra: dict) -> None: ...  # type: ignore[type-arg]
def f_dict_any(extra: dict[str, Any]) -> None: ...
def f_dict_typed(counts: dict[str, int]) -> None: ...
def f_dict_optional(counts: dict[str, int] | None = None) -> None: ...
def f_list_optional(tags: list[str] | None = None) -> None: ...
def f_nested_model(address: Address) -> None: ...
def f_optional_model(address: Optional[Address] = None) -> None: ...  # noqa: UP045
def f_list_of_models(items: list[Item]) -> None: ...
def f_model_twice(a: Item, b: Item) -> None: ...
def f_dataclass(point: Point) -> None: ...
def f_typeddict(flt: Filter) -> None: ...
def f_recursive(tree: Node) -> None: ...
def f_mutual(person: Person) -> None: ...
def f_defaults(a: int = 3, b: str = "x", c: list[int] = [1, 2], d: float = 0.5, e: bool = False) -> None: ...  # noqa: B006
def f_field_bounds(days: Annotated[int, Field(ge=1, le=14, description="Days ahead.")] = 1) -> None: ...
def f_field_string(
    code: Annotated[str, Field(pattern=r"^[A-Z]{3}$", min_length=3, max_length=3)],
) -> None: ...
def f_field_exclusive(p: Annotated[float, Field(gt=0, lt=1)]) -> None: ...
def f_field_list(tags: Annotated[list[str], Field(min_length=1, max_length=5)]) -> None: ...
def f_annotated_text(city: Annotated[str, "The city, in English."]) -> None: ...
def f_field_default(n: int = Field(3, description="How many.")) -> None: ...
def f_datetime(when: datetime.datetime) -> None: ...
def f_date(day: datetime.date) -> None: ...
def f_time(at: datetime.time) -> None: ...
def f_timedelta(span: datetime.timedelta) -> None: ...
def f_uuid(id: uuid.UUID) -> None: ...
def f_path(path: pathlib.Path) -> None: ...
def f_no_params() -> None: ...
def f_unannotated(x, y=2) -> None: ...  # type: ignore[no-untyped-def]
def f_odd_names(json: str, schema: int, _private: bool = False, model_config: str = "") -> None: ...
def f_order(b: int, /, a: str, *, c: float = 1.0) -> None: ...
def f_discriminated(pet: Annotated[Union[Cat, Dog], Field(discriminator="kind")]) -> None: ...  # noqa: UP007
def f_open_model(o: Open) -> None: ...
def f_closed_model(c: Closed) -> None: ...
def f_described_model(address: Annotated[Address, Field(description="Where to deliver.")]) -> None: ...
async def f_async(city: str) -> str:
    return city


def f_google(city: str, days: int = 1, unit: str = "c") -> None:
    """Get the weather forecast.

    Uses the national service.

    Args:
        city: City name.
        days: Days ahead,
            at most 14.

    Keyword Args:
        unit: Unit letter.

    Returns:
        The forecast.
    """


def f_numpy(city: str, days: int = 1) -> None:
    """Get the weather forecast.

    Parameters
    ----------
    city : str
        City name.
    days : int
        Days ahead.

    Returns
    -------
    str
    """


def f_sphinx(city: str, days: int = 1) -> None:
    """Get the weather forecast.

    :param city: City name.
    :param days: Days ahead.
    :returns: The forecast.
    """


def f_precedence(
    a: Annotated[str, Field(description="from Field")],
    b: Annotated[str, "from Annotated"],
    c: str,
) -> None:
    """Precedence.

    Args:
        a: from docstring
        b: from docstring
        c: from docstring
    """


# --- expected schemas -----------------------------------------------------------------------------------

S = {"type": "string"}
I = {"type": "integer"}  # noqa: E741
NULL = {"type": "null"}
ADDRESS = {
    "type": "object",
    "description": "A postal address.",
    "properties": {
        "street": {"type": "string", "description": "Street and number."},
        "zip_code": {"type": "string", "description": "Five digits.", "pattern": r"^\d{5}$"},
    },
    "required": ["street", "zip_code"],
    "additionalProperties": False,
}
ITEM = {
    "type": "object",
    "properties": {"sku": S, "qty": {"type": "integer", "default": 1}},
    "required": ["sku"],
    "additionalProperties": False,
}
NODE = {
    "type": "object",
    "properties": {
        "value": I,
        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []},
    },
    "required": ["value"],
    "additionalProperties": False,
}
PERSON = {
    "type": "object",
    "properties": {
        "name": S,
        "employer": {"anyOf": [{"$ref": "#/$defs/Company"}, NULL], "default": None},
    },
    "required": ["name"],
    "additionalProperties": False,
}
COMPANY = {
    "type": "object",
    "properties": {"name": S, "staff": {"type": "array", "items": {"$ref": "#/$defs/Person"}, "default": []}},
    "required": ["name"],
    "additionalProperties": False,
}


def obj(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


CASES: list[tuple[Callable[..., Any], dict[str, Any]]] = [
    (f_str, obj({"city": S}, ["city"])),
    (f_int, obj({"days": I}, ["days"])),
    (f_float, obj({"ratio": {"type": "number"}}, ["ratio"])),
    (f_bool, obj({"flag": {"type": "boolean"}}, ["flag"])),
    (f_none, obj({"nothing": NULL}, ["nothing"])),
    (f_optional, obj({"note": {"anyOf": [S, NULL], "default": None}}, [])),
    (f_pipe_none_required, obj({"note": {"anyOf": [S, NULL]}}, ["note"])),
    (f_union, obj({"key": {"anyOf": [I, S], "default": 0}}, [])),
    (f_literal, obj({"mode": {"type": "string", "enum": ["brief", "full"], "default": "brief"}}, [])),
    (f_literal_one, obj({"mode": {"type": "string", "const": "only"}}, ["mode"])),
    (f_literal_mixed, obj({"v": {"enum": ["a", 1]}}, ["v"])),
    (
        f_str_enum,
        obj(
            {
                "unit": {
                    "type": "string",
                    "description": "Temperature unit.",
                    "enum": ["celsius", "fahrenheit"],
                    "default": "celsius",
                }
            },
            [],
        ),
    ),
    (f_int_enum, obj({"level": {"type": "integer", "enum": [1, 2]}}, ["level"])),
    (
        f_enum_docstring,
        obj({"colour": {"type": "string", "description": "Colours.", "enum": ["red"]}}, ["colour"]),
    ),
    (f_list, obj({"tags": {"type": "array", "items": S}}, ["tags"])),
    (f_bare_list, obj({"things": {"type": "array"}}, ["things"])),
    (f_list_any, obj({"things": {"type": "array"}}, ["things"])),
    (
        f_tuple,
        obj({"pair": {"type": "array", "prefixItems": [I, S], "minItems": 2, "maxItems": 2}}, ["pair"]),
    ),
    (f_tuple_var, obj({"nums": {"type": "array", "items": I}}, ["nums"])),
    (f_set, obj({"tags": {"type": "array", "items": S, "uniqueItems": True}}, ["tags"])),
    (f_frozenset, obj({"ids": {"type": "array", "items": I, "uniqueItems": True}}, ["ids"])),
    (f_bare_dict, obj({"extra": {"type": "object"}}, ["extra"])),
    (f_dict_any, obj({"extra": {"type": "object"}}, ["extra"])),
    (f_dict_typed, obj({"counts": {"type": "object", "additionalProperties": I}}, ["counts"])),
    (
        f_dict_optional,
        obj({"counts": {"anyOf": [{"type": "object", "additionalProperties": I}, NULL], "default": None}}, []),
    ),
    (f_list_optional, obj({"tags": {"anyOf": [{"type": "array", "items": S}, NULL], "default": None}}, [])),
    (f_nested_model, obj({"address": ADDRESS}, ["address"])),
    (f_optional_model, obj({"address": {"anyOf": [ADDRESS, NULL], "default": None}}, [])),
    (f_list_of_models, obj({"items": {"type": "array", "items": ITEM}}, ["items"])),
    (f_model_twice, obj({"a": ITEM, "b": ITEM}, ["a", "b"])),
    (
        f_dataclass,
        obj(
            {
                "point": obj(
                    {
                        "x": {"type": "number", "description": "Horizontal."},
                        "y": {"type": "number", "description": "Vertical.", "default": 0.0},
                    },
                    ["x"],
                    description="A point.",
                )
            },
            ["point"],
        ),
    ),
    (f_typeddict, obj({"flt": obj({"field": S, "value": I}, ["field"])}, ["flt"])),
    (f_recursive, obj({"tree": {"$ref": "#/$defs/Node"}}, ["tree"], **{"$defs": {"Node": NODE}})),
    (
        f_mutual,
        obj(
            {"person": {"$ref": "#/$defs/Person"}},
            ["person"],
            **{"$defs": {"Person": PERSON, "Company": COMPANY}},
        ),
    ),
    (
        f_defaults,
        obj(
            {
                "a": {"type": "integer", "default": 3},
                "b": {"type": "string", "default": "x"},
                "c": {"type": "array", "items": I, "default": [1, 2]},
                "d": {"type": "number", "default": 0.5},
                "e": {"type": "boolean", "default": False},
            },
            [],
        ),
    ),
    (
        f_field_bounds,
        obj(
            {
                "days": {
                    "type": "integer",
                    "description": "Days ahead.",
                    "minimum": 1,
                    "maximum": 14,
                    "default": 1,
                }
            },
            [],
        ),
    ),
    (
        f_field_string,
        obj({"code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3}}, ["code"]),
    ),
    (f_field_exclusive, obj({"p": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}, ["p"])),
    (f_field_list, obj({"tags": {"type": "array", "items": S, "minItems": 1, "maxItems": 5}}, ["tags"])),
    (f_annotated_text, obj({"city": {"type": "string", "description": "The city, in English."}}, ["city"])),
    (f_field_default, obj({"n": {"type": "integer", "description": "How many.", "default": 3}}, [])),
    (f_datetime, obj({"when": {"type": "string", "format": "date-time"}}, ["when"])),
    (f_date, obj({"day": {"type": "string", "format": "date"}}, ["day"])),
    (f_time, obj({"at": {"type": "string", "format": "time"}}, ["at"])),
    (f_timedelta, obj({"span": {"type": "string", "format": "duration"}}, ["span"])),
    (f_uuid, obj({"id": {"type": "string", "format": "uuid"}}, ["id"])),
    (f_path, obj({"path": {"type": "string", "format": "path"}}, ["path"])),
    (f_no_params, obj({}, [])),
    (f_unannotated, obj({"x": {}, "y": {"default": 2}}, ["x"])),
    (
        f_odd_names,
        obj(
            {
                "json": S,
                "schema": I,
                "_private": {"type": "boolean", "default": False},
                "model_config": {"type": "string", "default": ""},
            },
            ["json", "schema"],
        ),
    ),
    (f_order, obj({"b": I, "a": S, "c": {"type": "number", "default": 1.0}}, ["b", "a"])),
    (
        f_discriminated,
        obj(
            {
                "pet": {
                    "oneOf": [
                        obj(
                            {"kind": {"type": "string", "const": "cat"}, "meows": {"type": "boolean"}},
                            ["kind", "meows"],
                        ),
                        obj(
                            {"kind": {"type": "string", "const": "dog"}, "barks": {"type": "boolean"}},
                            ["kind", "barks"],
                        ),
                    ]
                }
            },
            ["pet"],
        ),
    ),
    (f_open_model, obj({"o": {"type": "object", "properties": {"a": I}, "required": ["a"]}}, ["o"])),
    (f_closed_model, obj({"c": obj({"a": I}, ["a"])}, ["c"])),
    (f_described_model, obj({"address": {**ADDRESS, "description": "Where to deliver."}}, ["address"])),
    (f_async, obj({"city": S}, ["city"])),
    (
        f_google,
        obj(
            {
                "city": {"type": "string", "description": "City name."},
                "days": {"type": "integer", "description": "Days ahead,\nat most 14.", "default": 1},
                "unit": {"type": "string", "description": "Unit letter.", "default": "c"},
            },
            ["city"],
        ),
    ),
    (
        f_numpy,
        obj(
            {
                "city": {"type": "string", "description": "City name."},
                "days": {"type": "integer", "description": "Days ahead.", "default": 1},
            },
            ["city"],
        ),
    ),
    (
        f_sphinx,
        obj(
            {
                "city": {"type": "string", "description": "City name."},
                "days": {"type": "integer", "description": "Days ahead.", "default": 1},
            },
            ["city"],
        ),
    ),
    (
        f_precedence,
        obj(
            {
                "a": {"type": "string", "description": "from Field"},
                "b": {"type": "string", "description": "from Annotated"},
                "c": {"type": "string", "description": "from docstring"},
            },
            ["a", "b", "c"],
        ),
    ),
]


def test_the_table_has_at_least_forty_signatures() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("func", "expected"), CASES, ids=[f.__name__ for f, _ in CASES])
def test_signature_gives_exact_schema(func: Callable[..., Any], expected: dict[str, Any]) -> None:
    parameters = Tool.from_function(func).definition["function"]["parameters"]
    assert json.dumps(parameters, sort_keys=True) == json.dumps(expected, sort_keys=True)


@pytest.mark.parametrize("func", [f_google, f_numpy, f_sphinx], ids=["google", "numpy", "sphinx"])
def test_docstring_styles_give_the_tool_description_without_sections(func: Callable[..., Any]) -> None:
    expected = "Get the weather forecast.\n\nUses the national service." if func is f_google else None
    assert Tool.from_function(func).description == (expected or "Get the weather forecast.")


def test_keys_come_in_a_readable_order() -> None:
    parameters = Tool.from_function(f_field_bounds).parameters
    assert json.dumps(parameters) == (
        '{"type": "object", "properties": {"days": {"type": "integer", "description": "Days ahead.", '
        '"minimum": 1, "maximum": 14, "default": 1}}, "required": [], "additionalProperties": false}'
    )


def test_definition_is_the_openai_tool_dict() -> None:
    t = Tool.from_function(f_sphinx)
    assert t.definition == {
        "type": "function",
        "function": {
            "name": "f_sphinx",
            "description": "Get the weather forecast.",
            "parameters": CASES[[f for f, _ in CASES].index(f_sphinx)][1],
        },
    }


def test_definition_without_description_has_no_description_key() -> None:
    assert "description" not in Tool.from_function(f_str).definition["function"]


def test_definition_is_a_copy_that_cannot_change_the_tool() -> None:
    t = Tool.from_function(f_str)
    t.definition["function"]["parameters"]["properties"]["city"]["type"] = "integer"
    t.parameters["required"].clear()
    assert t.parameters == obj({"city": S}, ["city"])


def test_tool_spec_accepts_tool_objects_and_sees_the_same_schema() -> None:
    t = Tool.from_function(f_google)
    assert function_definition(t) == t.definition["function"]
