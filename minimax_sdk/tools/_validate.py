"""Checking arguments against exactly the schema the model saw, and reporting problems a model can act on.

:class:`SchemaChecker` runs ``jsonschema`` (the draft the schema declares, Draft 2020-12 otherwise) and turns
every error into an :class:`~minimax_sdk.errors.ArgumentProblem`; :func:`problems_from_pydantic` does the
same for the errors of the conversion step that follows. Problem texts name JSON paths and JSON types and
quote a given value only when it is short, so secrets and long texts are never echoed back.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from minimax_sdk._json_types import json_type
from minimax_sdk._safe_json import MAX_DEPTH, UnreadableJSON, loads
from minimax_sdk.errors import ArgumentProblem, ToolArgumentsError
from minimax_sdk.tools._fast_check import compile_check
from minimax_sdk.tools._finite import non_finite_problems

if TYPE_CHECKING:  # jsonschema and pydantic are imported when the first tool is built, not with the package
    from jsonschema import FormatChecker, ValidationError
    from pydantic import ValidationError as PydanticValidationError

__all__ = [
    "SchemaChecker",
    "as_arguments_object",
    "check_schema",
    "describe_schema",
    "json_path",
    "json_type",
    "problems_from_pydantic",
    "too_deep",
]

_MAX_QUOTED = 40
_MAX_ENUM_LISTED = 10
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WEAK = frozenset({"anyOf", "oneOf"})


@functools.cache
def _formats() -> FormatChecker:
    """Formats checked while validating: cheap, dependency-free and unambiguous. ``date-time``, ``time`` and
    ``duration`` are left to the conversion step (pydantic), which accepts the forms Python users expect."""
    from jsonschema import FormatChecker

    return FormatChecker(formats=("date", "uuid", "ipv4", "ipv6", "email"))


def _quote(value: Any) -> str | None:
    """``value`` as compact JSON when that is at most 40 characters, else ``None``."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return text if len(text) <= _MAX_QUOTED else None


def _count(number: Any, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _given(value: Any) -> str:
    """What was given, for a message: the type, plus the value when short or the size when long."""
    kind = json_type(value)
    if isinstance(value, (list, tuple)):
        return f"array of {_count(len(value), 'item')}"
    if isinstance(value, Mapping) or value is None:
        return kind
    quoted = _quote(value)
    if quoted is not None:
        return f"{kind} {quoted}"
    if isinstance(value, str):
        return f"string of {_count(len(value), 'character')}"
    return kind


def _short_key(key: str) -> str:
    return key if len(key) <= _MAX_QUOTED else key[: _MAX_QUOTED - 1] + "…"


def json_path(parts: Iterable[str | int]) -> str:
    """A JSON path: ``$``, ``$.items[2].qty``, ``$["key with spaces"]`` (long keys are shortened)."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{_short_key(part)}"
        else:
            out += f"[{json.dumps(_short_key(part), ensure_ascii=False)}]"
    return out


def describe_schema(schema: Any) -> str:
    """A short phrase for what ``schema`` accepts: ``integer``, ``string or null``, ``one of "a", "b"``."""
    if schema is True or schema == {}:
        return "any value"
    if not isinstance(schema, Mapping):
        return "no value"
    if "const" in schema:
        return f"the value {_quote(schema['const']) or 'given by the schema'}"
    if isinstance(schema.get("enum"), list):
        values = [_quote(v) or "…" for v in schema["enum"][:_MAX_ENUM_LISTED]]
        more = ", …" if len(schema["enum"]) > _MAX_ENUM_LISTED else ""
        return "one of " + ", ".join(values) + more
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array" and isinstance(schema.get("items"), Mapping) and "type" in schema["items"]:
        return f"array of {describe_schema(schema['items'])}"
    if isinstance(kind, str):
        return f"{kind} ({schema['format']})" if isinstance(schema.get("format"), str) else kind
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            return " or ".join(dict.fromkeys(describe_schema(s) for s in schema[keyword]))
    if "properties" in schema or "$ref" in schema:
        return "object"
    return "a valid value"


def _schema_types(schema: Any) -> set[str] | None:
    """JSON types ``schema`` can accept at its top level, or ``None`` when that is not plain to see."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if "const" in schema:
        return {json_type(schema["const"])}
    if isinstance(schema.get("enum"), list):
        return {json_type(v) for v in schema["enum"]}
    if "properties" in schema:
        return {"object"}
    return None


def _accepts_type(types: set[str] | None, value: Any) -> bool:
    if types is None:
        return True
    kind = json_type(value)
    if kind == "integer" and "number" in types:
        return True
    if kind == "number" and "integer" in types and float(value).is_integer():
        return True
    return kind in types


def _problem(path: str, expected: str, value: Any, message: str | None = None) -> ArgumentProblem:
    got = json_type(value)
    return ArgumentProblem(path, expected, got, message or f"expected {expected}, got {_given(value)}")


def _not_json(reason: str) -> ArgumentProblem:
    return ArgumentProblem("$", "a JSON object", "invalid JSON", f"expected a JSON object, got {reason}")


def too_deep(tool_name: str) -> ToolArgumentsError:
    """The error for arguments nested too deeply to check (Python's recursion limit was reached)."""
    message = f"expected arguments nested at most {MAX_DEPTH} levels deep, got deeper nesting"
    return ToolArgumentsError(tool_name, [ArgumentProblem("$", "a JSON object", "object", message)])


def as_arguments_object(tool_name: str, arguments: Any) -> dict[str, Any]:
    """Arguments as a dict: a mapping as is, a JSON text decoded; ``None`` and ``""`` mean no arguments."""
    if arguments is None or (isinstance(arguments, str) and not arguments.strip()):
        return {}
    if isinstance(arguments, (str, bytes, bytearray)):
        try:
            arguments = loads(arguments)
        except UnreadableJSON as exc:
            raise ToolArgumentsError(tool_name, [_not_json(exc.reason)]) from None
    if not isinstance(arguments, Mapping):
        raise ToolArgumentsError(tool_name, [_problem("$", "object", arguments)])
    return dict(arguments)


def _ranked(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Errors shallow before deep, in schema order, ``anyOf``/``oneOf`` misses last (best_match's criteria).

    A value of the wrong type also fails its enum, bounds, pattern…: only the type error is kept.
    """
    found = list(errors)
    mistyped = {tuple(e.absolute_path) for e in found if e.validator == "type"}
    kept = [e for e in found if e.validator == "type" or tuple(e.absolute_path) not in mistyped]
    order = {id(e): i for i, e in enumerate(kept)}
    return sorted(kept, key=lambda e: (len(e.absolute_path), e.validator in _WEAK, order[id(e)]))


class SchemaChecker:
    """Validates arguments against one JSON Schema and reports every problem, most relevant first."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        """Raises ``jsonschema.exceptions.SchemaError`` when ``schema`` is not a valid JSON Schema."""
        from jsonschema.validators import Draft202012Validator, validator_for

        validator_cls = validator_for(schema, default=Draft202012Validator)
        validator_cls.check_schema(dict(schema))
        self._schema = schema
        self._validator = validator_cls(schema, format_checker=_formats())
        self._certainly_valid = compile_check(schema)

    def problems(self, instance: Any) -> list[ArgumentProblem]:
        """Every problem of ``instance``: shallow before deep, in schema order, ``anyOf`` misses last; then each
        NaN or Infinity the schema does not allow explicitly (``"allowNonFinite": true``, see ``_finite``).

        Raises ``RecursionError`` for an instance nested too deeply to walk.
        """
        quick = self._certainly_valid  # most calls are valid: a plain check first, jsonschema when unsure
        found: list[ArgumentProblem] = []
        if quick is None or not quick(instance):
            found = self._convert_all(self._validator.iter_errors(instance))
        found += non_finite_problems(instance, self._schema, json_path)
        return list(dict.fromkeys(found))

    def _convert_all(self, errors: Iterable[ValidationError]) -> list[ArgumentProblem]:
        return [problem for error in _ranked(errors) for problem in self._convert(error)]

    def _convert(self, error: ValidationError) -> list[ArgumentProblem]:
        if error.validator in _WEAK:
            return self._alternatives(error)
        return _HANDLERS.get(str(error.validator), _generic)(error)

    def _resolve(self, schema: Any) -> Any:
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        node: Any = self._schema
        for part in ref[2:].split("/"):
            if not isinstance(node, Mapping) or part not in node:
                return schema
            node = node[part]
        return node

    def _alternatives(self, error: ValidationError) -> list[ArgumentProblem]:
        """``anyOf``/``oneOf``: the errors inside the one branch of the given type, else a summary."""
        branches: Sequence[Any] = error.validator_value if isinstance(error.validator_value, list) else []
        resolved = [self._resolve(b) for b in branches]
        fitting = [i for i, b in enumerate(resolved) if _accepts_type(_schema_types(b), error.instance)]
        if len(fitting) == 1:
            inner = [c for c in error.context or [] if c.relative_schema_path[0] == fitting[0]]
            if inner:
                return self._convert_all(inner)
        path = json_path(error.absolute_path)
        if error.validator == "oneOf" and len(fitting) > 1 and not error.context:
            expected = "a value matching exactly one alternative"
            return [_problem(path, expected, error.instance, f"{expected}, got one matching several")]
        expected = " or ".join(dict.fromkeys(describe_schema(b) for b in resolved)) or "a valid value"
        return [_problem(path, expected, error.instance)]


def _type(error: ValidationError) -> list[ArgumentProblem]:
    expected = describe_schema({"type": error.validator_value})
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


def _required(error: ValidationError) -> list[ArgumentProblem]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    properties = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    out = []
    for key in required:
        if key in instance:
            continue
        expected = describe_schema(properties.get(key, True))
        message = f"missing required argument (expected {expected})"
        out.append(ArgumentProblem(json_path([*error.absolute_path, key]), expected, "nothing", message))
    return out


def _additional(error: ValidationError) -> list[ArgumentProblem]:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator_value is not False or not isinstance(error.instance, Mapping):
        return _generic(error)
    allowed = list(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    path = json_path(error.absolute_path)
    expected = "only keys: " + ", ".join(allowed) if allowed else "no keys"
    out = []
    for key in error.instance:
        if key in allowed or any(p.search(key) for p in patterns):
            continue
        allowed_text = f"allowed: {', '.join(allowed)}" if allowed else "this object takes no keys"
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
        hint = f"did you mean `{close[0]}`? " if close else ""
        message = f"unexpected key `{_short_key(key)}` ({hint}{allowed_text})"
        out.append(ArgumentProblem(path, expected, "unexpected key", message))
    return out


def _bound(error: ValidationError) -> list[ArgumentProblem]:
    words = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
        "multipleOf": "a multiple of",
    }
    kind = error.schema.get("type", "number") if isinstance(error.schema, Mapping) else "number"
    kind = kind if isinstance(kind, str) else "number"
    expected = f"{kind} {words[str(error.validator)]} {error.validator_value}"
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


def _size(error: ValidationError) -> list[ArgumentProblem]:
    bound = "at least" if str(error.validator).startswith("min") else "at most"
    noun, unit = {
        "Length": ("string", "character"),
        "Items": ("array", "item"),
        "Properties": ("object", "key"),
    }[str(error.validator)[3:]]
    size = len(error.instance) if isinstance(error.instance, (str, list, Mapping)) else 0
    expected = f"{noun} of {bound} {_count(error.validator_value, unit)}"
    message = f"expected {expected}, got {noun} of {_count(size, unit)}"
    return [_problem(json_path(error.absolute_path), expected, error.instance, message)]


def _enum(error: ValidationError) -> list[ArgumentProblem]:
    keyword = "const" if error.validator == "const" else "enum"
    expected = describe_schema({keyword: error.validator_value})
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


def _pattern(error: ValidationError) -> list[ArgumentProblem]:
    pattern = str(error.validator_value)
    shown = f"`{pattern}`" if len(pattern) <= 2 * _MAX_QUOTED else "the pattern"
    expected = f"string matching {shown}"
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


def _format(error: ValidationError) -> list[ArgumentProblem]:
    expected = f"string in `{error.validator_value}` format"
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


def _unique(error: ValidationError) -> list[ArgumentProblem]:
    expected = "array of unique items"
    message = f"expected {expected}, got an array with duplicates"
    return [_problem(json_path(error.absolute_path), expected, error.instance, message)]


def _generic(error: ValidationError) -> list[ArgumentProblem]:
    # a ``false`` schema (no validator) allows nothing here
    expected = "no value" if error.validator is None else f"a value satisfying `{error.validator}` of the schema"
    return [_problem(json_path(error.absolute_path), expected, error.instance)]


_HANDLERS: dict[str, Callable[[ValidationError], list[ArgumentProblem]]] = {
    "type": _type,
    "required": _required,
    "additionalProperties": _additional,
    "minimum": _bound,
    "maximum": _bound,
    "exclusiveMinimum": _bound,
    "exclusiveMaximum": _bound,
    "multipleOf": _bound,
    "minLength": _size,
    "maxLength": _size,
    "minItems": _size,
    "maxItems": _size,
    "minProperties": _size,
    "maxProperties": _size,
    "enum": _enum,
    "const": _enum,
    "pattern": _pattern,
    "format": _format,
    "uniqueItems": _unique,
}


def _located(loc: Sequence[int | str], data: Any) -> tuple[list[str | int], Any]:
    """The part of a pydantic ``loc`` that points into ``data`` (union tags and ``[key]`` markers dropped)."""
    parts: list[str | int] = []
    node = data
    for item in loc:
        in_object = isinstance(node, Mapping) and isinstance(item, str) and item in node
        in_array = isinstance(node, (list, tuple)) and isinstance(item, int) and 0 <= item < len(node)
        if in_object or in_array:
            parts.append(item)
            node = node[item]
    return parts, node


def problems_from_pydantic(exc: PydanticValidationError, data: Any) -> list[ArgumentProblem]:
    """The errors of the conversion step as problems; messages never include the input value."""
    out: list[ArgumentProblem] = []
    for err in exc.errors(include_url=False, include_input=False, include_context=False):
        parts, value = _located(err["loc"], data)
        expected = str(err["msg"])
        if expected.startswith("Value error, "):
            expected = expected[len("Value error, ") :]
        message = f"{expected} (got {_given(value)})"
        out.append(ArgumentProblem(json_path(parts), expected, json_type(value), message))
    return out


def check_schema(schema: Mapping[str, Any]) -> SchemaChecker:
    """A checker for ``schema``; raises ``ValueError`` naming the problem when it is not a valid schema."""
    from jsonschema.exceptions import SchemaError

    try:
        return SchemaChecker(schema)
    except SchemaError as exc:
        where = json_path(exc.path) if exc.path else "$"
        raise ValueError(f"not a valid JSON Schema at {where}: {exc.message}") from None
