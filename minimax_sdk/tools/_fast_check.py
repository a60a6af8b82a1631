"""A quick yes for valid arguments: a plain-Python check of the JSON Schema keywords tools usually use.

``jsonschema`` walks a schema keyword by keyword through its dispatch machinery: tens of microseconds for
the smallest tool, on every call. Most calls are valid, so :func:`compile_check` builds, once per schema, a
function that answers ``True`` only when the instance is certainly valid; ``False`` means "not sure", and
the caller then runs ``jsonschema`` as before (which finds the problems, or finds none). The check is
stricter than JSON Schema where that keeps it simple (``1.0`` is no ``integer`` here, a ``str`` subclass is
no ``string``): strictness only sends more cases to ``jsonschema``, never a wrong answer.

A schema using anything outside the supported keywords (``$schema``, ``oneOf``, ``uniqueItems``, ``format``
values that are checked, an unknown keyword, …) gets no quick check at all: ``compile_check`` returns
``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["compile_check"]

Check = Callable[[Any], bool]

# Keywords that never fail an instance here (``allowNonFinite`` is read by ``_finite``).
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly"}
    | {"$defs", "definitions", "allowNonFinite"}
)
_CHECKED_FORMATS = frozenset({"date", "uuid", "ipv4", "ipv6", "email"})  # what ``_validate`` checks
_SCALARS = (str, int, float, bool, type(None))
_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})
# The types a keyword for another type does not apply to. A keyword for strings, say, applies to a ``str``
# subclass too, and one for numbers to a ``Decimal``: such values are "not sure" (``False``).
_PLAIN = frozenset({str, int, float, bool, list, dict, type(None)})


class _Unsupported(Exception):
    """The schema uses something the quick check does not do."""


def _is_type(name: str) -> Check:
    if name == "object":
        return lambda x: type(x) is dict
    if name == "array":
        return lambda x: type(x) is list
    if name == "string":
        return lambda x: type(x) is str
    if name == "integer":
        return lambda x: type(x) is int
    if name == "number":
        return lambda x: type(x) is int or type(x) is float
    if name == "boolean":
        return lambda x: type(x) is bool
    if name == "null":
        return lambda x: x is None
    raise _Unsupported(name)


def _on(kind: type, check: Check) -> Check:
    """``check`` for values of exactly ``kind``; ``True`` for other plain JSON values; ``False`` otherwise."""
    return lambda x: check(x) if type(x) is kind else type(x) in _PLAIN


def _on_numbers(check: Check) -> Check:
    return lambda x: check(x) if type(x) is int or type(x) is float else type(x) in _PLAIN


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, Mapping):
            raise _Unsupported("schema")
        plain_object = self._plain_object(schema)
        if plain_object is not None:
            return plain_object
        checks: list[Check] = []
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            if key == "format":
                if value in _CHECKED_FORMATS:
                    raise _Unsupported(key)
                continue
            checks.append(self._keyword(key, value, schema))
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        return lambda x: all(check(x) for check in checks)

    def _plain_object(self, schema: Mapping[str, Any]) -> Check | None:
        """One function for the most common shape (a tool's arguments): an object with properties, required
        keys and additional properties, nothing else to check."""
        keys = {k for k in schema if k not in _ANNOTATIONS}
        if schema.get("type") != "object" or not keys <= _OBJECT_KEYWORDS:
            return None
        properties = schema.get("properties") or {}
        required = schema.get("required") or []
        if not isinstance(properties, Mapping) or not isinstance(required, list):
            raise _Unsupported("properties")
        if not all(isinstance(n, str) for n in required):
            raise _Unsupported("required")
        props = {name: self.compile(sub) for name, sub in properties.items()}
        extra = self.compile(schema.get("additionalProperties", True))
        names = tuple(required)

        def check(x: Any) -> bool:
            if type(x) is not dict:
                return False
            for key, value in x.items():
                if not props.get(key, extra)(value):
                    return False
            return all(n in x for n in names)

        return check

    def _keyword(self, key: str, value: Any, schema: Mapping[str, Any]) -> Check:
        if key == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise _Unsupported(key)
            tests = [_is_type(n) for n in names]
            return tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests))
        if key == "properties":
            if not isinstance(value, Mapping):
                raise _Unsupported(key)
            props = {name: self.compile(sub) for name, sub in value.items()}
            return _on(dict, lambda x: all(props[k](v) for k, v in x.items() if k in props))
        if key == "required":
            if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
                raise _Unsupported(key)
            names = list(value)
            return _on(dict, lambda x: all(n in x for n in names))
        if key == "additionalProperties":
            if "patternProperties" in schema:
                raise _Unsupported(key)
            known = frozenset(schema.get("properties") or ())
            extra = self.compile(value)
            return _on(dict, lambda x: all(extra(v) for k, v in x.items() if k not in known))
        if key == "items":
            if "prefixItems" in schema:
                raise _Unsupported(key)
            item = self.compile(value)
            return _on(list, lambda x: all(item(v) for v in x))
        if key in ("enum", "const"):
            options = value if key == "enum" else [value]
            if not isinstance(options, list) or not all(type(o) in _SCALARS for o in options):
                raise _Unsupported(key)
            pairs = [(type(o), o) for o in options]
            return lambda x: any(type(x) is t and x == o for t, o in pairs)
        if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if type(value) not in (int, float):
                raise _Unsupported(key)
            return _on_numbers(_bound(key, value))
        if key in ("minLength", "maxLength", "minItems", "maxItems"):
            if type(value) is not int:
                raise _Unsupported(key)
            kind: type = str if key.endswith("Length") else list
            if key.startswith("min"):
                return _on(kind, lambda x: len(x) >= value)
            return _on(kind, lambda x: len(x) <= value)
        if key == "pattern":
            try:
                pattern = re.compile(value)
            except (re.error, TypeError):
                raise _Unsupported(key) from None
            return _on(str, lambda x: pattern.search(x) is not None)
        if key in ("anyOf", "allOf"):
            if not isinstance(value, list) or not value:
                raise _Unsupported(key)
            branches = [self.compile(sub) for sub in value]
            if key == "anyOf":
                return lambda x: any(b(x) for b in branches)
            return lambda x: all(b(x) for b in branches)
        if key == "$ref":
            return self._ref(value)
        raise _Unsupported(key)

    def _ref(self, ref: Any) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise _Unsupported("$ref")
        if ref not in self.refs:
            node: Any = self.root
            for part in ref[2:].split("/"):
                if not isinstance(node, Mapping) or part not in node:
                    raise _Unsupported("$ref")
                node = node[part]
            resolved: list[Check] = []
            self.refs[ref] = lambda x: resolved[0](x)  # recursive schemas refer to themselves
            resolved.append(self.compile(node))
        return self.refs[ref]


def _bound(key: str, limit: float) -> Check:
    if key == "minimum":
        return lambda x: bool(x >= limit)
    if key == "maximum":
        return lambda x: bool(x <= limit)
    if key == "exclusiveMinimum":
        return lambda x: bool(x > limit)
    return lambda x: bool(x < limit)


def compile_check(schema: Mapping[str, Any]) -> Check | None:
    """A function answering ``True`` only for instances valid against ``schema`` (Draft 2020-12), or ``None``
    when the schema uses something it does not check."""
    if "$schema" in schema:
        return None
    try:
        return _Compiler(schema).compile(schema)
    except _Unsupported:
        return None
