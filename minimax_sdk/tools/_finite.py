"""Non-finite numbers (``NaN``, ``Infinity``, ``-Infinity``) in tool arguments.

They are not JSON values, and ``jsonschema`` lets them through ``"type": "number"`` and any bound
(``inf > 0``; every comparison with ``NaN`` is false). A tool accepts one only where the schema says so
explicitly: the schema of that value (or one of its ``anyOf`` / ``oneOf`` / ``allOf`` branches, or what its
``$ref`` points to) has ``"allowNonFinite": true``. For a function tool that is
``Annotated[float, Field(json_schema_extra={"allowNonFinite": True})]``. JSON Schema validators ignore the
keyword, so the schema stays valid; the model sees it in the tool's definition.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from minimax_sdk.errors import ArgumentProblem

__all__ = ["ALLOW_NON_FINITE", "non_finite_problems"]

ALLOW_NON_FINITE = "allowNonFinite"
_MAX_SCHEMA_DEPTH = 32
_BRANCHES = ("anyOf", "oneOf", "allOf")


def _is_non_finite(value: Any) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _has_non_finite(value: Any) -> bool:
    """Whether any float inside ``value`` is NaN or infinite (iterative: no recursion)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            if not math.isfinite(node):
                return True
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return False


class _Walker:
    """Follows the instance and, beside it, every schema that applies at each place."""

    def __init__(self, root: Mapping[str, Any], path_of: Any) -> None:
        self._root = root
        self._path_of = path_of
        self.problems: list[ArgumentProblem] = []

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None
        node: Any = self._root
        for part in filter(None, ref[1:].split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node

    def _expand(self, schema: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
        """``schema`` and every schema it applies through ``$ref`` and the combinators."""
        if not isinstance(schema, Mapping) or depth > _MAX_SCHEMA_DEPTH:
            return
        yield schema
        ref = schema.get("$ref")
        if isinstance(ref, str):
            yield from self._expand(self._resolve(ref), depth + 1)
        for key in _BRANCHES:
            branches = schema.get(key)
            if isinstance(branches, list):
                for branch in branches:
                    yield from self._expand(branch, depth + 1)

    def walk(self, value: Any, schemas: list[Mapping[str, Any]], parts: list[str | int]) -> None:
        if _is_non_finite(value):
            if not any(s.get(ALLOW_NON_FINITE) is True for s in schemas):
                self._report(value, parts)
        elif isinstance(value, Mapping):
            for key, child in value.items():
                if _has_non_finite(child):
                    self.walk(child, self._children(schemas, _key_schemas, key), [*parts, key])
        elif isinstance(value, (list, tuple)):
            for index, child in enumerate(value):
                if _has_non_finite(child):
                    self.walk(child, self._children(schemas, _item_schemas, index), [*parts, index])

    def _children(self, schemas: list[Mapping[str, Any]], pick: Any, key: Any) -> list[Mapping[str, Any]]:
        return [found for schema in schemas for sub in pick(schema, key) for found in self._expand(sub)]

    def _report(self, value: float, parts: list[str | int]) -> None:
        shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        message = f"expected a finite number, got {shown} (NaN and Infinity are not JSON numbers)"
        self.problems.append(ArgumentProblem(self._path_of(parts), "a finite number", "number", message))


def _key_schemas(schema: Mapping[str, Any], key: str) -> list[Any]:
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and key in properties:
        return [properties[key]]
    patterns = schema.get("patternProperties")
    matched = [sub for p, sub in patterns.items() if _matches(p, key)] if isinstance(patterns, Mapping) else []
    if matched:
        return matched
    return [schema.get("additionalProperties")]


def _matches(pattern: Any, key: str) -> bool:
    try:
        return bool(re.search(str(pattern), key))
    except re.error:
        return False


def _item_schemas(schema: Mapping[str, Any], index: int) -> list[Any]:
    prefix = schema.get("prefixItems")
    items = schema.get("items")
    if isinstance(items, list):  # draft 7 and earlier: a list of item schemas, then additionalItems
        prefix, items = items, schema.get("additionalItems")
    if isinstance(prefix, list) and index < len(prefix):
        return [prefix[index]]
    return [items]


def non_finite_problems(instance: Any, schema: Mapping[str, Any], path_of: Any) -> list[ArgumentProblem]:
    """A problem for each NaN / Infinity in ``instance`` whose schema does not allow it explicitly.

    ``path_of`` turns a list of keys and indexes into the JSON path text of a problem.
    """
    if not _has_non_finite(instance):
        return []
    walker = _Walker(schema, path_of)
    walker.walk(instance, list(walker._expand(schema)), [])
    return walker.problems
