"""Turning pydantic's JSON Schema into the plain, readable schema the model sees in its tools block.

- ``title`` keywords go (pydantic's ``"title": "City"`` next to a property named ``city`` is noise);
- every ``$ref`` to a non-recursive definition is replaced by the definition itself (keywords next to the
  ``$ref``, such as a field's own ``description`` or ``default``, win over the definition's); definitions
  that take part in a cycle stay in a root ``$defs`` and are referred to with ``$ref``; a root ``$ref``
  (a recursive model as the whole schema) is replaced by its definition;
- ``additionalProperties: true`` and ``items: {}`` go: they say nothing a bare ``object`` / ``array`` does
  not say, and a free-form ``dict`` stays ``{"type": "object"}`` rather than an emptied, closed object;
- ``discriminator`` goes (an OpenAPI keyword whose mapping points into ``$defs``; ``oneOf`` stays);
- keys come in a fixed, readable order: ``type`` and ``description`` first, ``default`` and ``$defs`` last.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["order_keys", "tidy_schema"]

_REF_PREFIX = "#/$defs/"
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_DROPPED = frozenset({"title", "discriminator"})
_KEY_ORDER = (
    "type",
    "description",
    "enum",
    "const",
    "format",
    "pattern",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
)
_KEY_LAST = ("default", "examples", "$defs")


def order_keys(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its keywords in the readable order (values untouched)."""
    first = [k for k in _KEY_ORDER if k in schema]
    last = [k for k in _KEY_LAST if k in schema]
    middle = [k for k in schema if k not in _KEY_ORDER and k not in _KEY_LAST]
    return {k: schema[k] for k in (*first, *middle, *last)}


def _subschemas(schema: Any) -> Iterator[Any]:
    """The schemas directly inside ``schema`` (not data such as ``default`` or ``enum``)."""
    if not isinstance(schema, Mapping):
        return
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, Mapping):
            yield from value.values()
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            yield from value
        elif key in _SCHEMA_VALUES:
            yield value


def _ref_name(schema: Any) -> str | None:
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return ref[len(_REF_PREFIX) :]
    return None


def _refs(schema: Any) -> set[str]:
    """Names of the definitions ``schema`` refers to, at any depth (not following the references)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        name = _ref_name(node)
        if name is not None:
            found.add(name)
        stack.extend(_subschemas(node))
    return found


def _recursive_names(defs: Mapping[str, Any]) -> set[str]:
    """Definitions that can reach themselves through references."""
    edges = {name: _refs(body) & set(defs) for name, body in defs.items()}
    recursive: set[str] = set()
    for start in defs:
        seen: set[str] = set()
        stack = list(edges[start])
        while stack:
            name = stack.pop()
            if name == start:
                recursive.add(start)
                break
            if name not in seen:
                seen.add(name)
                stack.extend(edges[name])
    return recursive


class _Tidier:
    def __init__(self, defs: Mapping[str, Any]) -> None:
        self._defs = defs
        self._recursive = _recursive_names(defs)
        self._done: dict[str, dict[str, Any]] = {}

    def has(self, name: str) -> bool:
        return name in self._defs

    def definition(self, name: str) -> dict[str, Any]:
        if name not in self._done:
            self._done[name] = self.node(self._defs[name])
        return copy.deepcopy(self._done[name])

    def node(self, schema: Any) -> Any:
        if not isinstance(schema, Mapping):
            return copy.deepcopy(schema)
        name = _ref_name(schema)
        if name is not None and name in self._defs and name not in self._recursive:
            siblings = self.node({k: v for k, v in schema.items() if k != "$ref"})
            return order_keys({**self.definition(name), **siblings})
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key in _DROPPED:
                continue
            if key in _SCHEMA_MAPS and isinstance(value, Mapping):
                out[key] = {k: self.node(v) for k, v in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.node(v) for v in value]
            elif key in _SCHEMA_VALUES:
                out[key] = self.node(value)
            else:
                out[key] = copy.deepcopy(value)
        if out.get("additionalProperties") is True:
            del out["additionalProperties"]
        if out.get("items") == {}:
            del out["items"]
        return order_keys(out)

    def kept_definitions(self, root: Any) -> dict[str, Any]:
        """The recursive definitions ``root`` needs (directly or through each other), each tidied."""
        kept: dict[str, Any] = {}
        pending = sorted(_refs(root) & self._recursive)
        while pending:
            name = pending.pop(0)
            if name in kept:
                continue
            kept[name] = self.definition(name)
            pending.extend(sorted((_refs(kept[name]) & self._recursive) - set(kept)))
        return kept


def tidy_schema(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The readable form of ``raw`` (a pydantic JSON Schema); see the module docstring for the rules."""
    defs = raw.get("$defs", {})
    tidier = _Tidier(defs if isinstance(defs, Mapping) else {})
    body = {k: v for k, v in raw.items() if k != "$defs"}
    root_name = _ref_name(body)
    if root_name is not None and tidier.has(root_name):
        siblings = {k: v for k, v in body.items() if k != "$ref"}
        root = order_keys({**tidier.definition(root_name), **tidier.node(siblings)})
    else:
        root = tidier.node(body)
    kept = tidier.kept_definitions(root)
    if kept:
        root["$defs"] = kept
    return root
