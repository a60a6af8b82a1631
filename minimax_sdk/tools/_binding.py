"""How a tool's validated arguments become a Python call: :class:`Binding`, and the binding of a raw schema.

Kept apart from ``_schema`` (which needs pydantic) so that a tool built from a raw JSON Schema, and
``import minimax_sdk`` itself, never import pydantic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Binding", "CallArgs", "schema_binding"]

CallArgs = tuple[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class Binding:
    """How a tool's arguments map to Python: the schema, the conversion, and the call."""

    parameters: dict[str, Any]
    description: str
    convert: Callable[[dict[str, Any]], Any]
    call_args: Callable[[Any], CallArgs]
    model: type[Any] | None = None


def schema_binding(parameters: dict[str, Any], description: str) -> Binding:
    """The binding of a raw JSON Schema tool: arguments stay the validated dict, passed as keywords."""

    def convert(arguments: dict[str, Any]) -> dict[str, Any]:
        return arguments

    def call_args(arguments: dict[str, Any]) -> CallArgs:
        return (), dict(arguments)

    return Binding(parameters, description, convert, call_args)
