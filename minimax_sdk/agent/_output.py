"""Typed final answers (``run(..., output_type=...)``): the answer tool, and reading an answer given as text.

The output type becomes one more tool, ``final_answer``, whose parameters are the type's JSON Schema. It is
offered beside the caller's tools and nothing is forced (no ``tool_choice``, no ``response_format``), so the
model keeps thinking and calling tools as usual; calling ``final_answer`` is how it answers. Its arguments
go through the tool layer like any call's: checked against exactly the schema sent, then converted to the
type (a pydantic model, a dataclass or a TypedDict instance; the dict itself for a JSON Schema).

A model that answers in text instead is read too: the whole reply as JSON, else the last fenced block, else
the last complete JSON object in it (never the reasoning). See ``docs/typed_output.md`` for why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .._json_types import json_type
from .._safe_json import MAX_DEPTH, UnreadableJSON, loads, nested_deeper_than
from ..errors import ArgumentProblem, ToolArgumentsError
from ..tools import Tool

__all__ = ["OUTPUT_TOOL", "OutputType", "output_tool", "read_text_answer"]

OUTPUT_TOOL = "final_answer"
"""The name of the tool the model gives its typed answer with."""

OutputType = type[Any] | Mapping[str, Any]

_INSTRUCTION = (
    "Give your final answer by calling this tool: its arguments are the answer. Call it once you have "
    "everything you need (after your other tool calls have returned), and call it alone."
)
_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n(.*?)```", re.DOTALL)
_NOT_FOUND = object()
_MAX_LISTED = 10


def _returned(value: Any) -> Any:
    return value


def _as_given(**arguments: Any) -> dict[str, Any]:
    return arguments


def _description(own: str) -> str:
    return f"{_INSTRUCTION}\n\n{own}" if own else _INSTRUCTION


def output_tool(output_type: OutputType) -> Tool:
    """The ``final_answer`` tool for ``output_type``: running it validates and returns the typed answer.

    Raises ``TypeError`` for a type that is not a pydantic model, a dataclass or a TypedDict, and
    ``ValueError`` for a JSON Schema that is not valid or not an ``"type": "object"`` schema.
    """
    from ..tools._schema import is_model_type, model_binding  # pydantic: loaded when a typed answer is asked for

    if isinstance(output_type, Mapping):
        schema = dict(output_type)
        if schema.get("type") != "object":
            raise ValueError(
                'output_type: a JSON Schema must be an object schema ("type": "object"); '
                "put another value in a property of an object"
            )
        own = schema.get("description")
        return Tool.from_schema(
            OUTPUT_TOOL, schema, description=_description(own if isinstance(own, str) else ""), func=_as_given
        )
    if not is_model_type(output_type):
        raise TypeError(
            "output_type must be a pydantic model, a dataclass or a TypedDict class, or a JSON Schema dict; "
            f"got {output_type!r}"
        )
    binding = model_binding(output_type, OUTPUT_TOOL)
    return Tool(OUTPUT_TOOL, _description(binding.description), binding, _returned)


def _json_value(text: str) -> Any:
    try:
        return loads(text)
    except UnreadableJSON:
        return _NOT_FOUND


def _last_object(text: str) -> Any:
    """The last complete JSON object in ``text`` (an earlier one may be something the model quoted)."""
    decoder = json.JSONDecoder()
    found: Any = _NOT_FOUND
    start = text.find("{")
    while start >= 0:
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            found = value
        start = text.find("{", end)
    if found is not _NOT_FOUND and nested_deeper_than(found, MAX_DEPTH):
        return _NOT_FOUND
    return found


def json_in_text(text: str) -> Any:
    """The JSON value of a text answer: the whole text, else the last fenced block, else the last object;
    ``_NOT_FOUND`` when there is none."""
    candidates = [text.strip(), *(m.group(1).strip() for m in reversed(list(_FENCE.finditer(text))))]
    for candidate in candidates:
        value = _json_value(candidate) if candidate else _NOT_FOUND
        if value is not _NOT_FOUND:
            return value
    return _last_object(text)


def read_text_answer(tool: Tool, text: str) -> tuple[bool, Any]:
    """``(True, value)`` for a text answer that holds a valid answer, else ``(False, message)``: what to tell
    the model so that it answers again."""
    data = json_in_text(text)
    if data is _NOT_FOUND:
        return False, (
            f"Your reply is not a final answer in the required form. Call the `{tool.name}` tool with your "
            "answer as its arguments."
        )
    if not isinstance(data, dict):  # validate() would read null as no arguments, and a string as JSON text
        kind = json_type(data)
        return False, _correction([ArgumentProblem("$", "object", kind, f"expected object, got {kind}")], tool.name)
    try:
        return True, tool.validate(data)
    except ToolArgumentsError as exc:
        return False, _correction(exc.problems, tool.name)


def _correction(problems: Sequence[ArgumentProblem], tool_name: str) -> str:
    listed = "\n".join(f"- {p}" for p in problems[:_MAX_LISTED])
    more = f"\n- … and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
    return (
        f"Your answer does not match the required output:\n{listed}{more}\n"
        f"Call the `{tool_name}` tool with the corrected answer as its arguments."
    )
