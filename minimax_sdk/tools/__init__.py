"""Tools the model can call: schemas from Python types, argument validation, and results.

Four ways to define one (see ``docs/tools.md``): the :func:`tool` decorator on a function or a model class,
:meth:`Tool.from_function`, :meth:`Tool.from_model` (pydantic model, dataclass, TypedDict) and
:meth:`Tool.from_schema` (a raw JSON Schema).
"""

from minimax_sdk.tools._results import ToolResult
from minimax_sdk.tools._tool import Tool, tool

__all__ = ["Tool", "ToolResult", "tool"]
