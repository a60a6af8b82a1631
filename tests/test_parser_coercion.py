"""FORMAT.md rule 6 and edge cases 5.7-5.8: typing raw parameter text from the tool's JSON Schema."""

from __future__ import annotations

from typing import Any

import pytest

from minimax_sdk.parsing._coerce import allowed_types, coerce

S = {"type": "string"}
INT = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}
NULL = {"type": "null"}
OBJ = {"type": "object"}
ARR = {"type": "array"}


def _types(schema: dict[str, Any]) -> frozenset[str] | None:
    return allowed_types(schema, {"$defs": {"Int": INT, "Str": S, "Loop": {"$ref": "#/$defs/Loop"}}})


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (S, {"string"}),
        ({"type": ["string", "null"]}, {"string", "null"}),
        ({"enum": ["a", "b"]}, {"string"}),
        ({"enum": [1, "a", None]}, {"integer", "string", "null"}),
        ({"const": True}, {"boolean"}),
        ({"anyOf": [INT, NULL]}, {"integer", "null"}),
        ({"oneOf": [S, ARR]}, {"string", "array"}),
        ({"allOf": [{"$ref": "#/$defs/Int"}]}, {"integer"}),
        ({"$ref": "#/$defs/Str"}, {"string"}),
        ({"type": "number", "enum": [1, 2]}, {"integer"}),
        ({"anyOf": [INT, {}]}, None),
        ({}, None),
        ({"description": "anything"}, None),
        ({"$ref": "#/$defs/Missing"}, None),
        ({"$ref": "#/$defs/Loop"}, None),
        ("not a schema", None),
    ],
)
def test_allowed_types_from_schema(schema: Any, expected: set[str] | None) -> None:
    got = _types(schema)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        # "number" admits integers too, so an expanded "integer" may appear beside it
        assert set(expected) <= got <= set(expected) | {"integer"}


@pytest.mark.parametrize(
    ("raw", "schema", "value"),
    [
        # string-only keeps raw text, always
        ("null", S, "null"),
        ("123", S, "123"),
        ("true", S, "true"),
        ("  spaced\n", S, "  spaced\n"),
        ('{"a": 1}', S, '{"a": 1}'),
        ("a", {"enum": ["a", "b"]}, "a"),
        # numbers
        ("42", INT, 42),
        (" 42 ", INT, 42),
        ("5.0", INT, 5),
        ("1e2", INT, 100),
        ("-7", N, -7),
        ("2.5", N, 2.5),
        ("12345678901234567890123", INT, 12345678901234567890123),
        # booleans in any case
        ("true", B, True),
        ("False", B, False),
        ("TRUE", B, True),
        # null and nullable
        ("null", {"anyOf": [INT, NULL]}, None),
        ("5", {"anyOf": [INT, NULL]}, 5),
        ("null", {"type": ["string", "null"]}, None),
        ("None", {"type": ["string", "null"]}, "None"),
        # containers: JSON, then a Python literal
        ('{"a": [1, true, null]}', OBJ, {"a": [1, True, None]}),
        ("[1, 2]", ARR, [1, 2]),
        ("{'a': 1, 'b': [None, True]}", OBJ, {"a": 1, "b": [None, True]}),
        ("['x', 'y']", ARR, ["x", "y"]),
        # unions with string
        ("12", {"type": ["string", "integer"]}, 12),
        ("twelve", {"type": ["string", "integer"]}, "twelve"),
        ('"q"', {"type": ["string", "integer"]}, '"q"'),
        ("[1]", {"anyOf": [S, ARR]}, [1]),
        # no type information: JSON when the whole value is JSON, else text
        ("3", {}, 3),
        ("[1, 2", {}, "[1, 2"),
        ('"quoted"', {}, '"quoted"'),  # a JSON-decoded string is never used (FORMAT.md 5.7)
        ("hello", {}, "hello"),
        (" 3 ", {}, 3),
    ],
)
def test_coerce_value(raw: str, schema: dict[str, Any], value: Any) -> None:
    got, warning = coerce(raw, _types(schema), "p")
    assert got == value
    assert type(got) is type(value)
    assert warning is None


@pytest.mark.parametrize(
    ("raw", "schema"),
    [
        ("three", INT),
        ("NaN", N),
        ("Infinity", N),
        ("-Infinity", INT),
        ("1e999", N),
        ("2.5", INT),
        ("yes", B),
        ("[1, 2]", OBJ),
        ("{'a': f()}", OBJ),
        ("__import__('os')", OBJ),
        ("null", INT),
        ('"5"', INT),
        ("{1, 2}", ARR),
    ],
)
def test_uncoercible_values_stay_raw_with_a_warning(raw: str, schema: dict[str, Any]) -> None:
    got, warning = coerce(raw, _types(schema), "p")
    assert got == raw
    assert warning is not None
    assert "'p'" in warning


def test_warning_does_not_echo_long_values() -> None:
    _, warning = coerce("x" * 10_000, _types(INT), "p")
    assert warning is not None
    assert len(warning) < 200


def test_python_literal_fallback_never_evaluates_code(tmp_path: Any) -> None:
    marker = tmp_path / "pwned"
    raw = f"[__import__('pathlib').Path({str(marker)!r}).touch()]"
    got, warning = coerce(raw, _types(ARR), "p")
    assert got == raw
    assert warning is not None
    assert not marker.exists()


def test_deeply_nested_json_does_not_crash() -> None:
    raw = "[" * 100_000 + "]" * 100_000
    got, _ = coerce(raw, _types(ARR), "p")
    assert isinstance(got, (list, str))
