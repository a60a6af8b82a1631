"""Property tests: random pydantic models as tools, arguments drawn from each tool's own schema.

- Every argument object that the schema allows (drawn by hypothesis-jsonschema) validates and converts.
- Replacing one value (top level or nested) by a value of a wrong type always fails, and every problem
  reported names exactly that value's JSON path.

Not covered here (hypothesis-jsonschema 0.23 cannot draw them: it ignores ``prefixItems`` and refuses
recursive ``$ref``): tuples and recursive models. The golden-schema table and the validation tests cover them.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import enum
import functools
import json
import pathlib
import re
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel, ConfigDict, Field, create_model
from typing_extensions import TypedDict

from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools import Tool


class Colour(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Inner(BaseModel):
    qty: int
    label: str = ""


@dataclasses.dataclass
class Spot:
    x: float


class Pick(TypedDict):
    field: str


Mutation = tuple[tuple[str | int, ...], Any]


def _no_nested(value: Any) -> list[Mutation]:
    return []


def _first_item(value: Any) -> list[Mutation]:
    return [((0,), "x")] if isinstance(value, list) and value else []


def _first_key(value: Any) -> list[Mutation]:
    return [((next(iter(value)),), "x")] if isinstance(value, dict) and value else []


def _key(key: str, wrong: Any) -> Any:
    return lambda value: [((key,), wrong)] if isinstance(value, dict) else []


def _first_item_key(value: Any) -> list[Mutation]:
    return [((0, "qty"), "x")] if isinstance(value, list) and value else []


@dataclass(frozen=True)
class Kind:
    """A field type, a default (``...``: required only), a wrong-typed value, and nested mutations."""

    annotation: Any
    default: Any
    wrong: Any
    nested: Any = _no_nested


KINDS = [
    Kind(str, "d", 12345),
    Kind(int, 0, "12"),
    Kind(float, 0.0, "1.5"),
    Kind(bool, False, "yes"),
    Kind(int | None, None, "x"),
    Kind(Literal["a", "b"], "a", 3),
    Kind(Colour, Colour.RED, 7),
    Kind(list[int], ..., "1,2", _first_item),
    Kind(dict[str, int], ..., [1], _first_key),
    Kind(set[str], ..., 5),
    Kind(datetime.datetime, ..., 20240101),
    Kind(datetime.date, ..., 5),
    Kind(uuid.UUID, ..., 7),
    Kind(pathlib.Path, ..., 1),
    Kind(Inner, ..., "inner", _key("qty", "x")),
    Kind(list[Inner], ..., {"qty": 1}, _first_item_key),
    Kind(Inner | None, None, "inner", _key("qty", "x")),
    Kind(Spot, ..., 1, _key("x", "y")),
    Kind(Pick, ..., 1, _key("field", 5)),
    Kind(Annotated[int, Field(ge=0, le=10)], 5, "5"),
    Kind(Annotated[str, Field(min_length=1, max_length=5)], "abc", 5),
    Kind(Union[int, str], 0, [1]),  # noqa: UP007
    Kind(dict[str, Any], ..., "x"),
]

FORMATS = {
    "uuid": st.uuids().map(str),
    "path": st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10),
}
NAMES = st.text(st.sampled_from('abcxyz_09 -."é'), min_size=1, max_size=8).filter(lambda n: n[0] not in "0 ")

# The JSON type name of each kind of wrong value above, written out here rather than computed by the SDK.
JSON_TYPE_OF_WRONG: dict[type, str] = {str: "string", int: "integer", list: "array", dict: "object"}

Spec = tuple[tuple[str, int, bool], ...]


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    kinds = draw(st.lists(st.integers(0, len(KINDS) - 1), min_size=1, max_size=4))
    names = draw(st.lists(NAMES, min_size=len(kinds), max_size=len(kinds), unique=True))
    optional = draw(st.lists(st.booleans(), min_size=len(kinds), max_size=len(kinds)))
    return tuple(zip(names, kinds, optional, strict=True))


@functools.cache
def build(spec: Spec) -> Tool:
    fields: dict[str, Any] = {}
    for i, (name, index, optional) in enumerate(spec):
        kind = KINDS[index]
        default = kind.default if optional else ...
        fields[f"f{i}"] = (Annotated[kind.annotation, Field(alias=name)], default)
    model = create_model("Random", __config__=ConfigDict(extra="forbid"), **fields)
    return Tool.from_model(model, name="random")


def expected_path(parts: tuple[str | int, ...]) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def replaced(arguments: dict[str, Any], parts: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(arguments)
    node: Any = out
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return out


def draw_arguments(t: Tool, data: st.DataObject) -> dict[str, Any]:
    arguments = data.draw(from_schema(t.parameters, custom_formats=FORMATS), label="arguments")
    assert isinstance(arguments, dict)
    return arguments


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@SETTINGS
@given(spec=specs(), data=st.data())
def test_arguments_drawn_from_the_schema_validate_and_convert(spec: Spec, data: st.DataObject) -> None:
    t = build(spec)
    arguments = draw_arguments(t, data)
    instance = t.validate(arguments)
    assert isinstance(instance, t.model)  # type: ignore[arg-type]
    assert set(instance.model_dump(by_alias=True)) == {name for name, _, _ in spec}


@SETTINGS
@given(spec=specs(), data=st.data())
def test_a_wrong_typed_value_fails_with_its_path(spec: Spec, data: st.DataObject) -> None:
    t = build(spec)
    arguments = draw_arguments(t, data)
    mutations: list[Mutation] = []
    for name, index, _ in spec:
        kind = KINDS[index]
        mutations.append(((name,), kind.wrong))
        if name in arguments:
            mutations.extend(((name, *inner), wrong) for inner, wrong in kind.nested(arguments[name]))
    parts, wrong = data.draw(st.sampled_from(mutations), label="mutation")
    with pytest.raises(ToolArgumentsError) as info:
        t.validate(replaced(arguments, parts, wrong))
    assert {p.path for p in info.value.problems} == {expected_path(parts)}
    assert {p.got for p in info.value.problems} == {JSON_TYPE_OF_WRONG[type(wrong)]}
