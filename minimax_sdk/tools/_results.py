"""What running a tool gives back: :class:`ToolResult`, and the text the model reads from it.

Text rules, in order: a ``str`` is sent as is; an ``Enum`` member is rendered as its value; pydantic
models, dataclass instances, ``dict``, ``list``, ``tuple``, ``set``, ``None``, ``bool`` and numbers are sent
as compact JSON (``None`` → ``null``, ``True`` → ``true``; values inside them that JSON cannot hold, such as
``datetime``, use pydantic's JSON forms, anything else its ``str``); every other object is sent as
``str(value)``.

An exception raised by the tool becomes ``"Error: <ExceptionType>: <message>"`` (``"Error: <ExceptionType>"``
when the message is empty), with the message cut at 2,000 characters. Arguments that fail validation become
the error's :meth:`~minimax_sdk.errors.ToolArgumentsError.to_model_message` text.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from dataclasses import dataclass
from typing import Any

from minimax_sdk.errors import ToolArgumentsError

__all__ = ["ToolResult", "arguments_error_result", "error_result", "result_text", "success_result"]

_MAX_ERROR_MESSAGE = 2000
_JSON_VALUES = (dict, list, tuple, set, frozenset, bool, int, float, type(None))


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one tool call.

    ``text`` is what goes back to the model; ``is_error`` tells whether the call failed (invalid arguments
    or an exception in the tool); ``value`` is the tool's Python return value (``None`` on error) and
    ``error`` the exception (a :class:`~minimax_sdk.errors.ToolArgumentsError` for invalid arguments).
    """

    text: str
    is_error: bool = False
    value: Any = None
    error: Exception | None = None


def _is_pydantic_model(value: Any) -> bool:
    # pydantic is not imported for this: a model instance cannot exist before pydantic was imported
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)


def result_text(value: Any) -> str:
    """The text the model reads for a tool's return value (see the module docstring for the rules)."""
    if isinstance(value, str):
        return value
    if isinstance(value, enum.Enum):
        return result_text(value.value)
    is_dataclass_instance = dataclasses.is_dataclass(value) and not isinstance(value, type)
    if isinstance(value, _JSON_VALUES) or is_dataclass_instance or _is_pydantic_model(value):
        from pydantic_core import PydanticSerializationError, to_json

        try:
            return to_json(value, fallback=str).decode()
        except (PydanticSerializationError, ValueError, TypeError):
            return str(value)
    return str(value)


def success_result(value: Any) -> ToolResult:
    """The result of a call that returned ``value`` (an error result if the value cannot be rendered)."""
    try:
        text = result_text(value)
    except Exception as exc:  # a broken __str__ must not crash the caller either
        return error_result(exc)
    return ToolResult(text, value=value)


def arguments_error_result(exc: ToolArgumentsError) -> ToolResult:
    """The result of a call whose arguments did not validate: the text tells the model how to fix them."""
    return ToolResult(exc.to_model_message(), is_error=True, error=exc)


def error_result(exc: Exception) -> ToolResult:
    """The result of a call that raised ``exc`` inside the tool."""
    try:
        message = str(exc)
    except Exception:  # an exception whose __str__ itself fails
        message = ""
    if len(message) > _MAX_ERROR_MESSAGE:
        message = message[:_MAX_ERROR_MESSAGE] + "… (truncated)"
    name = type(exc).__name__
    return ToolResult(f"Error: {name}: {message}" if message else f"Error: {name}", is_error=True, error=exc)
