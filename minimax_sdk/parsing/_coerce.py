"""Turning raw parameter text into typed values, guided by the tool's JSON Schema (FORMAT.md rule 6).

A parameter's *allowed types* are computed once per tool from its schema (``type``, ``enum``/``const``,
``anyOf``/``oneOf``/``allOf``, ``$ref`` into ``$defs``/``definitions``). ``None`` means "any": no type
information, so a value that is valid JSON as a whole is decoded and anything else stays text.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from typing import Any

from .._json_types import json_type
from .._safe_json import MAX_DEPTH, nested_deeper_than

AllowedTypes = frozenset[str] | None
"""The JSON types a parameter accepts, or ``None`` for any."""

STRING_ONLY: frozenset[str] = frozenset({"string"})
_NUMERIC = frozenset({"integer", "number"})
_CONTAINERS = frozenset({"object", "array"})
_MAX_SCHEMA_DEPTH = 64
_MAX_LITERAL_LEN = 100_000
_MAX_QUICK_DIGITS = 18
"""Longer digit strings go through the JSON decoder, which refuses what Python's int-string limit refuses."""


class _Invalid(Exception):
    """Raised inside JSON decoding for NaN, Infinity and numbers that overflow a float."""


def _reject_constant(name: str) -> Any:
    raise _Invalid(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Invalid(text)
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
_FAIL: Any = object()


def _too_deep(text: str, value: Any) -> bool:
    """Whether a decoded container nests deeper than ``MAX_DEPTH`` (counting brackets first: cheap)."""
    return text.count("[") + text.count("{") > MAX_DEPTH and nested_deeper_than(value, MAX_DEPTH)


def strict_json(text: str) -> Any:
    """Decode ``text`` (already stripped) as one JSON value; ``_FAIL`` if it is not one, is not finite, holds
    an integer too long for Python's int-string limit, or nests deeper than ``MAX_DEPTH``."""
    try:
        value, end = _DECODER.raw_decode(text)
    except (ValueError, _Invalid, RecursionError):
        return _FAIL
    if end != len(text) or (text[:1] in ("[", "{") and _too_deep(text, value)):
        return _FAIL
    return value


# --- allowed types from a schema ----------------------------------------------------------------------------


def _expand(types: frozenset[str]) -> frozenset[str]:
    return types | {"integer"} if "number" in types else types


def _intersect(constraints: list[frozenset[str]]) -> AllowedTypes:
    if not constraints:
        return None
    result = _expand(constraints[0])
    for c in constraints[1:]:
        result &= _expand(c)
    return frozenset(result)


def _resolve_ref(ref: str, root: Mapping[str, Any]) -> Any:
    if not ref.startswith("#/"):
        return None
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _union(branches: Any, root: Mapping[str, Any], depth: int) -> AllowedTypes:
    if not isinstance(branches, list) or not branches:
        return None
    found: set[str] = set()
    for branch in branches:
        allowed = allowed_types(branch, root, depth + 1)
        if allowed is None:
            return None
        found |= allowed
    return frozenset(found)


def allowed_types(schema: Any, root: Mapping[str, Any], depth: int = 0) -> AllowedTypes:
    """The JSON types ``schema`` admits, ``None`` when it says nothing about types."""
    if not isinstance(schema, Mapping) or depth > _MAX_SCHEMA_DEPTH:
        return None
    constraints: list[frozenset[str]] = []
    declared = schema.get("type")
    if isinstance(declared, str):
        constraints.append(frozenset({declared}))
    elif isinstance(declared, list) and declared and all(isinstance(t, str) for t in declared):
        constraints.append(frozenset(declared))
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        constraints.append(frozenset(json_type(v) for v in schema["enum"]))
    if "const" in schema:
        constraints.append(frozenset({json_type(schema["const"])}))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            union = _union(schema[key], root, depth)
            if union is not None:
                constraints.append(union)
    for branch in schema.get("allOf", ()) if isinstance(schema.get("allOf"), list) else ():
        sub = allowed_types(branch, root, depth + 1)
        if sub is not None:
            constraints.append(sub)
    ref = schema.get("$ref")
    if isinstance(ref, str):
        sub = allowed_types(_resolve_ref(ref, root), root, depth + 1)
        if sub is not None:
            constraints.append(sub)
    return _intersect(constraints)


def parameter_types(parameters: Mapping[str, Any] | None) -> dict[str, AllowedTypes]:
    """Allowed types of each declared property of a tool's ``parameters`` schema."""
    if type(parameters) is not dict and not isinstance(parameters, Mapping):
        return {}
    props = parameters.get("properties")
    if type(props) is not dict and not isinstance(props, Mapping):
        return {}
    # one shared object for "string only" (_property_types gives it), so the hot path can test it by identity
    return {str(name): _property_types(sub, parameters) for name, sub in props.items()}


_TYPE_KEYWORDS = frozenset({"enum", "const", "anyOf", "oneOf", "allOf", "$ref"})
"""The keywords besides ``type`` that :func:`allowed_types` reads."""
_SINGLE_TYPE: dict[str, AllowedTypes] = {}
"""What :func:`allowed_types` gives for ``{"type": NAME}``, by NAME (a handful of entries)."""


def _property_types(schema: Any, root: Mapping[str, Any]) -> AllowedTypes:
    """:func:`allowed_types` of one property, with a shortcut for the commonest schema: a plain dict whose
    only type keyword is ``"type": "<name>"`` (the per-parse cost of tools given to :func:`parse_output`)."""
    if type(schema) is dict and _TYPE_KEYWORDS.isdisjoint(schema):
        declared = schema.get("type")
        if type(declared) is str:
            known = _SINGLE_TYPE.get(declared, _FAIL)
            if known is _FAIL and len(_SINGLE_TYPE) < 64:
                known = _SINGLE_TYPE[declared] = _shared(allowed_types({"type": declared}, {}))
            if known is not _FAIL:
                return known  # type: ignore[no-any-return]
    return _shared(allowed_types(schema, root))


def _shared(allowed: AllowedTypes) -> AllowedTypes:
    return STRING_ONLY if allowed == STRING_ONLY else allowed


# --- coercion -----------------------------------------------------------------------------------------------


def _is_json_compatible(value: Any, depth: int = 0) -> bool:
    if depth > 200:
        return False
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json_compatible(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_compatible(v, depth + 1) for k, v in value.items())
    return False


def _python_literal(text: str) -> Any:
    """A dict or list written as a Python literal (``{'a': 1}``), never evaluated as code."""
    if len(text) > _MAX_LITERAL_LEN or text[:1] not in ("{", "["):
        return _FAIL
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _FAIL
    if isinstance(value, (dict, list)) and _is_json_compatible(value) and not _too_deep(text, value):
        return value
    return _FAIL


def _accept(value: Any, allowed: frozenset[str]) -> Any:
    """``value`` converted to an allowed type, or ``_FAIL``."""
    kind = json_type(value)
    if kind == "string":
        return _FAIL  # FORMAT.md 5.7: a JSON-decoded string is never used
    if kind in allowed:
        return value
    if kind == "integer" and "number" in allowed:
        return value
    if kind == "number" and "integer" in allowed and value.is_integer():
        return int(value)
    return _FAIL


def _describe(allowed: frozenset[str]) -> str:
    return " or ".join(sorted(allowed)) if allowed else "no type"


def coerce(raw: str, allowed: AllowedTypes, name: str) -> tuple[Any, str | None]:
    """The value of parameter ``name`` written as ``raw``, and a warning when it could not be typed."""
    if allowed is None:
        value = strict_json(raw.strip())
        # FORMAT.md 5.7: a JSON-decoded string is never used ("hello" with its quotes stays as written)
        return (raw, None) if value is _FAIL or isinstance(value, str) else (value, None)
    if allowed is STRING_ONLY or allowed == STRING_ONLY:
        return raw, None
    text = raw.strip()
    quick = len(text) <= _MAX_QUICK_DIGITS and text.isdigit() and text.isascii()
    if quick and (text[0] != "0" or len(text) == 1) and allowed & _NUMERIC:
        return int(text), None  # the commonest non-string value, without the JSON decoder
    lowered = text.lower()
    if "boolean" in allowed and lowered in ("true", "false"):
        return lowered == "true", None
    value = strict_json(text)
    if value is not _FAIL:
        value = _accept(value, allowed)
    elif allowed & _CONTAINERS:
        value = _python_literal(text)
        if value is not _FAIL:
            value = _accept(value, allowed)
    if value is not _FAIL:
        return value, None
    if "string" in allowed:
        return raw, None
    shown = text if len(text) <= 40 else text[:37] + "..."
    return raw, f"parameter {name!r}: expected {_describe(allowed)}, got {shown!r}; kept as text"


_REMEMBERED: dict[tuple[str, AllowedTypes], Any] = {}
_REMEMBER_MAX_LEN = 32
_REMEMBER_MAX_ENTRIES = 4096
_SCALARS = (int, bool, float, str, type(None))


def coerce_short(raw: str, allowed: AllowedTypes, name: str) -> tuple[Any, str | None]:
    """:func:`coerce`, remembering short values that gave an immutable scalar and no warning (``42``, ``true``,
    ``null``: the same few values come back call after call). The result is the same as :func:`coerce`'s."""
    if len(raw) > _REMEMBER_MAX_LEN:
        return coerce(raw, allowed, name)
    key = (raw, allowed)
    value = _REMEMBERED.get(key, _FAIL)
    if value is not _FAIL:
        return value, None
    value, warning = coerce(raw, allowed, name)
    if warning is None and type(value) in _SCALARS:
        if len(_REMEMBERED) >= _REMEMBER_MAX_ENTRIES:
            _REMEMBERED.clear()
        _REMEMBERED[key] = value
    return value, warning
