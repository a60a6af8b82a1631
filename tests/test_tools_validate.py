"""Argument validation: exactly the schema the model saw, every problem reported, texts a model can act on."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import pickle
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, field_validator
from typing_extensions import TypedDict

from minimax_sdk.errors import ArgumentProblem, MiniMaxError, ToolArgumentsError
from minimax_sdk.tools import Tool


class Unit(str, enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


class Line(BaseModel):
    sku: str
    qty: Annotated[int, Field(ge=1)]


class Order(BaseModel):
    lines: list[Line]
    note: str | None = None


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Filter(TypedDict):
    field: str


class Booking(BaseModel):
    start: datetime.datetime
    room: uuid.UUID

    @field_validator("start")
    @classmethod
    def not_in_the_past(cls, value: datetime.datetime) -> datetime.datetime:
        if value.year < 2000:
            raise ValueError("bookings start in 2000 or later")
        return value


def get_weather(city: str, days: int = 1) -> str:
    return f"{city}: sunny for {days} days"


def everything(
    name: str,
    count: int,
    ratio: float,
    flag: bool,
    unit: Unit,
    mode: Literal["brief", "full"],
    maybe: int | None,
    tags: set[str],
    pair: tuple[int, str],
    counts: dict[str, int],
    extra: dict[str, Any],
    order: Order,
    point: Point,
    flt: Filter,
    when: datetime.datetime,
    code: Annotated[str, Field(pattern=r"^[A-Z]{3}$", max_length=3)],
    days: Annotated[int, Field(ge=1, le=14)],
    share: Annotated[float, Field(gt=0, lt=1)],
    items: Annotated[list[int], Field(min_length=1, max_length=3)],
) -> None: ...


WEATHER = Tool.from_function(get_weather)
EVERYTHING = Tool.from_function(everything)
GOOD: dict[str, Any] = {
    "name": "n",
    "count": 1,
    "ratio": 0.5,
    "flag": True,
    "unit": "celsius",
    "mode": "brief",
    "maybe": None,
    "tags": ["a", "b"],
    "pair": [1, "x"],
    "counts": {"a": 1},
    "extra": {"anything": [1, {"goes": None}]},
    "order": {"lines": [{"sku": "s", "qty": 2}]},
    "point": {"x": 1, "y": 2.5},
    "flt": {"field": "f"},
    "when": "2024-05-01T10:30:00Z",
    "code": "ABC",
    "days": 3,
    "share": 0.25,
    "items": [1],
}


def problems(t: Tool, arguments: Any) -> list[tuple[str, str]]:
    with pytest.raises(ToolArgumentsError) as info:
        t.validate(arguments)
    assert info.value.tool_name == t.name
    return [(p.path, p.message) for p in info.value.problems]


def with_(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


# --- valid arguments are converted ------------------------------------------------------------------------


def test_valid_arguments_are_converted_to_python_values() -> None:
    values = EVERYTHING.validate(GOOD)
    assert list(values) == list(GOOD)
    assert values["unit"] is Unit.CELSIUS
    assert values["tags"] == {"a", "b"}
    assert values["pair"] == (1, "x")
    assert values["order"] == Order(lines=[Line(sku="s", qty=2)])
    assert values["point"] == Point(1.0, 2.5)
    assert values["when"] == datetime.datetime(2024, 5, 1, 10, 30, tzinfo=datetime.timezone.utc)
    assert values["extra"] == {"anything": [1, {"goes": None}]}


def test_defaults_fill_missing_optional_arguments() -> None:
    assert WEATHER.validate({"city": "Paris"}) == {"city": "Paris", "days": 1}


def test_model_tool_returns_an_instance() -> None:
    booking = Tool.from_model(Booking).validate({"start": "2024-01-01T09:00:00", "room": str(uuid.UUID(int=1))})
    assert booking == Booking(start=datetime.datetime(2024, 1, 1, 9), room=uuid.UUID(int=1))


@pytest.mark.parametrize("arguments", ['{"city": "Paris"}', b'{"city": "Paris"}'])
def test_json_text_arguments_are_decoded(arguments: str | bytes) -> None:
    assert WEATHER.validate(arguments) == {"city": "Paris", "days": 1}


@pytest.mark.parametrize("arguments", [None, "", "  "])
def test_no_arguments_mean_an_empty_object(arguments: Any) -> None:
    assert Tool.from_function(lambda: None, name="noop").validate(arguments) == {}


# --- wrong types ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"name": 5}, ("$.name", "expected string, got integer 5")),
        ({"count": "5"}, ("$.count", 'expected integer, got string "5"')),
        ({"count": 1.5}, ("$.count", "expected integer, got number 1.5")),
        ({"ratio": "0.5"}, ("$.ratio", 'expected number, got string "0.5"')),
        ({"flag": "true"}, ("$.flag", 'expected boolean, got string "true"')),
        ({"flag": 1}, ("$.flag", "expected boolean, got integer 1")),
        ({"name": None}, ("$.name", "expected string, got null")),
        ({"tags": "a,b"}, ("$.tags", 'expected array, got string "a,b"')),
        ({"counts": [1, 2]}, ("$.counts", "expected object, got array of 2 items")),
        ({"order": "o"}, ("$.order", 'expected object, got string "o"')),
        ({"maybe": "x"}, ("$.maybe", 'expected integer or null, got string "x"')),
    ],
)
def test_wrong_type_names_path_expected_and_given(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    assert problems(EVERYTHING, with_(**changes)) == [expected]


def test_integral_float_is_an_integer_and_int_is_a_number() -> None:
    values = EVERYTHING.validate(with_(count=5.0, ratio=2))
    assert (values["count"], values["ratio"]) == (5, 2.0)
    assert type(values["count"]) is int


# --- missing and extra keys -----------------------------------------------------------------------------


def test_missing_required_names_each_key_and_its_type() -> None:
    arguments = {k: v for k, v in GOOD.items() if k not in ("name", "days")}
    assert problems(EVERYTHING, arguments) == [
        ("$.name", "missing required argument (expected string)"),
        ("$.days", "missing required argument (expected integer)"),
    ]


def test_missing_nested_key() -> None:
    assert problems(EVERYTHING, with_(order={"lines": [{"qty": 1}]})) == [
        ("$.order.lines[0].sku", "missing required argument (expected string)")
    ]


def test_extra_top_level_key_is_rejected_not_dropped() -> None:
    assert problems(WEATHER, {"city": "Paris", "foo": 1}) == [("$", "unexpected key `foo` (allowed: city, days)")]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"order": {"lines": [{"sku": "s", "qty": 1, "price": 3}]}}, "$.order.lines[0]"),
        ({"point": {"x": 1, "y": 2, "z": 3}}, "$.point"),
        ({"flt": {"field": "f", "op": "eq"}}, "$.flt"),
    ],
    ids=["pydantic-model", "dataclass", "typeddict"],
)
def test_extra_nested_key_is_rejected(changes: dict[str, Any], path: str) -> None:
    ((where, message),) = problems(EVERYTHING, with_(**changes))
    assert where == path
    assert message.startswith("unexpected key `")


def test_a_misspelt_key_gets_a_suggestion() -> None:
    assert problems(WEATHER, {"city": "Paris", "dayz": 2}) == [
        ("$", "unexpected key `dayz` (did you mean `days`? allowed: city, days)")
    ]


def test_free_form_dict_accepts_any_keys() -> None:
    assert EVERYTHING.validate(with_(extra={"x": 1, "y": [True]}))["extra"] == {"x": 1, "y": [True]}


def test_the_example_message_of_the_issue() -> None:
    with pytest.raises(ToolArgumentsError) as info:
        WEATHER.validate({"city": "Paris", "days": "two", "foo": 1})
    assert info.value.to_model_message() == (
        "Invalid arguments for tool `get_weather`:\n"
        "- `$`: unexpected key `foo` (allowed: city, days)\n"
        '- `$.days`: expected integer, got string "two"\n'
        "Fix the arguments and call the tool again."
    )


# --- enums, literals, constraints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"unit": "kelvin"}, ("$.unit", 'expected one of "celsius", "fahrenheit", got string "kelvin"')),
        ({"unit": 3}, ("$.unit", "expected string, got integer 3")),
        ({"mode": "short"}, ("$.mode", 'expected one of "brief", "full", got string "short"')),
        ({"days": 20}, ("$.days", "expected integer <= 14, got integer 20")),
        ({"days": 0}, ("$.days", "expected integer >= 1, got integer 0")),
        ({"share": 1}, ("$.share", "expected number < 1, got integer 1")),
        ({"share": 0}, ("$.share", "expected number > 0, got integer 0")),
        ({"code": "abc"}, ("$.code", 'expected string matching `^[A-Z]{3}$`, got string "abc"')),
        ({"items": []}, ("$.items", "expected array of at least 1 item, got array of 0 items")),
        ({"items": [1, 2, 3, 4]}, ("$.items", "expected array of at most 3 items, got array of 4 items")),
        ({"tags": ["a", "a"]}, ("$.tags", "expected array of unique items, got an array with duplicates")),
        ({"pair": [1]}, ("$.pair", "expected array of at least 2 items, got array of 1 item")),
        ({"pair": ["x", "y"]}, ("$.pair[0]", 'expected integer, got string "x"')),
        (
            {"order": {"lines": [{"sku": "s", "qty": 0}]}},
            ("$.order.lines[0].qty", "expected integer >= 1, got integer 0"),
        ),
        ({"counts": {"a b": "1"}}, ('$.counts["a b"]', 'expected integer, got string "1"')),
    ],
)
def test_value_violations(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    assert problems(EVERYTHING, with_(**changes)) == [expected]


def test_every_problem_is_reported_shallow_first() -> None:
    found = problems(
        EVERYTHING,
        with_(count="x", unit="kelvin", order={"lines": [{"sku": 1, "qty": 1}, {"sku": "s", "qty": "2"}]}),
    )
    assert found == [
        ("$.count", 'expected integer, got string "x"'),
        ("$.unit", 'expected one of "celsius", "fahrenheit", got string "kelvin"'),
        ("$.order.lines[0].sku", "expected string, got integer 1"),
        ("$.order.lines[1].qty", 'expected integer, got string "2"'),
    ]


class Box(BaseModel):
    line: Line | None = None
    unit: Unit | None = None


def test_optional_nested_model_reports_inside_the_object() -> None:
    assert problems(Tool.from_model(Box), {"line": {"sku": "s", "qty": "1"}}) == [
        ("$.line.qty", 'expected integer, got string "1"')
    ]


def test_optional_enum_reports_the_enum_once() -> None:
    assert problems(Tool.from_model(Box), {"unit": "kelvin"}) == [
        ("$.unit", 'expected one of "celsius", "fahrenheit", got string "kelvin"')
    ]
    assert problems(Tool.from_model(Box), {"unit": 5}) == [
        ("$.unit", 'expected one of "celsius", "fahrenheit" or null, got integer 5')
    ]


# --- conversion (pydantic) errors -----------------------------------------------------------------------


def test_bad_datetime_is_reported_by_the_conversion_step() -> None:
    ((path, message),) = problems(EVERYTHING, with_(when="next tuesday"))
    assert path == "$.when"
    assert "datetime" in message
    assert message.endswith('(got string "next tuesday")')


def test_custom_validator_message_reaches_the_model() -> None:
    booking = Tool.from_model(Booking)
    assert problems(booking, {"start": "1999-01-01T00:00:00", "room": str(uuid.UUID(int=1))}) == [
        ("$.start", 'bookings start in 2000 or later (got string "1999-01-01T00:00:00")')
    ]


def test_uuid_format_is_checked() -> None:
    booking = Tool.from_model(Booking)
    assert problems(booking, {"start": "2024-01-01T00:00:00", "room": "room-7"}) == [
        ("$.room", 'expected string in `uuid` format, got string "room-7"')
    ]


# --- arguments as the parser delivers them ----------------------------------------------------------------
# The parser coerces raw XML text with the tool's schema: ``5`` for an integer parameter arrives as the int 5;
# what could not be coerced arrives as the raw string (with a parser warning). Validation is strict: such a
# string is reported, never silently converted a second time.


def test_parser_coerced_values_validate() -> None:
    assert WEATHER.validate({"city": "Paris", "days": 5}) == {"city": "Paris", "days": 5}


def test_string_only_parameters_keep_numeric_looking_text() -> None:
    assert WEATHER.validate({"city": "123", "days": 1})["city"] == "123"
    assert WEATHER.validate({"city": "null"})["city"] == "null"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"city": "Paris", "days": "5 days"}, ("$.days", 'expected integer, got string "5 days"')),
        ({"city": "Paris", "days": "five"}, ("$.days", 'expected integer, got string "five"')),
    ],
)
def test_values_the_parser_could_not_coerce_are_reported(arguments: dict[str, Any], expected: tuple[str, str]) -> None:
    assert problems(WEATHER, arguments) == [expected]


def test_uncoerced_structures_are_reported_as_strings() -> None:
    found = problems(EVERYTHING, with_(items="[1, 2", maybe="nul", flag="yes"))
    assert found == [  # same depth: schema order, ``anyOf`` misses last (as jsonschema's best_match ranks)
        ("$.flag", 'expected boolean, got string "yes"'),
        ("$.items", 'expected array, got string "[1, 2"'),
        ("$.maybe", 'expected integer or null, got string "nul"'),
    ]


def test_a_value_can_break_several_rules() -> None:
    assert problems(EVERYTHING, with_(code="ABCD")) == [
        ("$.code", 'expected string matching `^[A-Z]{3}$`, got string "ABCD"'),
        ("$.code", "expected string of at most 3 characters, got string of 4 characters"),
    ]


# --- never echo long values -----------------------------------------------------------------------------


def test_long_values_are_never_echoed() -> None:
    secret = "s3cr3t-" * 100
    with pytest.raises(ToolArgumentsError) as info:
        WEATHER.validate({"city": ["x"] * 50, "days": secret, secret: 1})
    text = info.value.to_model_message()
    assert "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t-" not in text
    assert "got string of 700 characters" in text
    assert "got array of 50 items" in text
    assert all(p.got in {"string", "array", "unexpected key"} for p in info.value.problems)


def test_long_enum_lists_are_cut() -> None:
    t = Tool.from_schema("pick", {"type": "object", "properties": {"n": {"enum": list(range(30))}}, "required": ["n"]})
    ((_, message),) = problems(t, {"n": 99})
    assert message == "expected one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …, got integer 99"


# --- input shape ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ('{"city": ', "expected a JSON object, got invalid JSON (Expecting value at line 1 column 10)"),
        ("[1, 2]", "expected object, got array of 2 items"),
        (42, "expected object, got integer 42"),
        (b"\xff", "expected a JSON object, got bytes that are not UTF-8 text"),
    ],
)
def test_arguments_that_are_not_an_object(arguments: Any, message: str) -> None:
    assert problems(WEATHER, arguments) == [("$", message)]


def test_more_than_twenty_problems_are_summarised() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    t = Tool.from_schema("many", schema)
    with pytest.raises(ToolArgumentsError) as info:
        t.validate({f"k{i}": "x" for i in range(25)})
    lines = info.value.to_model_message().splitlines()
    assert len(info.value.problems) == 25
    assert lines[-2] == "- … and 5 more problems"
    assert len(lines) == 23


# --- raw-schema tools -----------------------------------------------------------------------------------


def test_schema_tool_validates_against_its_own_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"q": {"type": "string", "minLength": 1}, "limit": {"type": "integer"}},
        "required": ["q"],
    }
    t = Tool.from_schema("search", schema)
    assert t.validate({"q": "x", "other": [1]}) == {"q": "x", "other": [1]}  # schema is open: kept
    assert problems(t, {"q": "", "limit": "3"}) == [
        ("$.q", "expected string of at least 1 character, got string of 0 characters"),
        ("$.limit", 'expected integer, got string "3"'),
    ]


def test_schema_tool_with_recursive_refs() -> None:
    schema = {
        "type": "object",
        "properties": {"tree": {"$ref": "#/$defs/T"}},
        "$defs": {"T": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/T"}}}}},
    }
    t = Tool.from_schema("tree", schema)
    assert problems(t, {"tree": {"kids": [{"kids": [{"kids": 5}]}]}}) == [
        ("$.tree.kids[0].kids[0].kids", "expected array, got integer 5")
    ]


def test_schema_tool_honours_a_declared_draft() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"pair": {"type": "array", "items": [{"type": "integer"}, {"type": "string"}]}},
    }
    t = Tool.from_schema("old", schema)
    assert problems(t, {"pair": ["a", "b"]}) == [("$.pair[0]", 'expected integer, got string "a"')]


def test_validation_uses_the_schema_that_was_sent_even_if_a_copy_is_changed() -> None:
    t = Tool.from_function(get_weather)
    t.definition["function"]["parameters"]["additionalProperties"] = True
    t.parameters["properties"].pop("city")
    assert problems(t, {"city": "x", "foo": 1}) == [("$", "unexpected key `foo` (allowed: city, days)")]


# --- the error type -------------------------------------------------------------------------------------


def test_error_is_one_type_in_the_tree_and_a_value_error() -> None:
    with pytest.raises(ToolArgumentsError) as info:
        WEATHER.validate({})
    err = info.value
    assert isinstance(err, MiniMaxError)
    assert isinstance(err, ValueError)
    assert err.problems == [
        ArgumentProblem("$.city", "string", "nothing", "missing required argument (expected string)")
    ]
    assert str(err) == "Invalid arguments for tool `get_weather`: `$.city`: missing required argument (expected string)"


def test_error_pickles() -> None:
    err = ToolArgumentsError("t", [ArgumentProblem("$", "object", "array", "expected object, got array")])
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.tool_name, copy.problems, str(copy)) == (err.tool_name, err.problems, str(err))


def test_problem_is_frozen() -> None:
    problem = ArgumentProblem("$", "object", "array", "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.path = "$.x"  # type: ignore[misc]
