"""Normalising tool definitions: OpenAI-style dicts, bare function dicts, and objects with ``.definition``.

Every consumer of tool definitions (the parser's type coercion, the prompt renderer, the HTTP backends) goes
through :func:`function_definitions`, so they all see the same schema the model saw.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable


@runtime_checkable
class HasDefinition(Protocol):
    """Anything that describes itself as an OpenAI-style tool dict (the SDK's ``Tool`` does)."""

    @property
    def definition(self) -> Mapping[str, Any]: ...


ToolLike: TypeAlias = Mapping[str, Any] | HasDefinition


def function_definition(tool: ToolLike) -> dict[str, Any]:
    """The ``function`` object (``name``, ``description``, ``parameters``) of one tool.

    Accepts ``{"type": "function", "function": {...}}``, a bare ``{"name": ..., "parameters": ...}`` and any
    object with a ``definition`` property returning the former. Raises ``TypeError`` / ``ValueError`` with a
    message naming what is wrong.
    """
    # a Mapping check first: isinstance() against a runtime-checkable Protocol costs ~10 µs a call
    spec: Any = tool if isinstance(tool, Mapping) else getattr(tool, "definition", None)
    if not isinstance(spec, Mapping):
        raise TypeError(f"a tool must be a dict or have a .definition, got {type(tool).__name__}: {str(tool)[:80]!r}")
    if "function" in spec and isinstance(spec["function"], Mapping):
        spec = spec["function"]
    elif spec.get("type") == "function":  # flat Responses-API style: the "type" key is not the function's
        spec = {k: v for k, v in spec.items() if k != "type"}
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a tool definition needs a non-empty string 'name', got {name!r}")
    params = spec.get("parameters")
    if params is not None and not isinstance(params, Mapping):
        raise ValueError(f"tool {name!r}: 'parameters' must be a JSON Schema object, got {type(params).__name__}")
    return dict(spec)


def function_definitions(tools: Iterable[ToolLike]) -> list[dict[str, Any]]:
    """:func:`function_definition` of each tool, in order."""
    return [function_definition(t) for t in tools]
