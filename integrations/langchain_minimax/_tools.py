"""Tools for ``bind_tools``: every LangChain tool form through the SDK's ``Tool`` layer, and ``tool_choice``.

Functions, pydantic (v2) models and dataclasses get their schema from the SDK (``Tool.from_function`` /
``Tool.from_model``), the same schema the SDK's parser types XML arguments with. Forms whose meaning is
LangChain's own (``BaseTool`` and runnables turned into tools, ``TypedDict`` with LangChain's
``Annotated[type, default, "description"]`` convention, pydantic v1 models, dicts in OpenAI, Anthropic or JSON
Schema shape) go through ``convert_to_openai_tool`` first and then ``Tool.from_schema``. Either way the request
carries the SDK tool's ``definition``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from langchain_core.tools import BaseTool, StructuredTool, ToolException
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel, Field
from typing_extensions import is_typeddict

from minimax_sdk.tools import Tool, ToolResult

__all__ = [
    "SDKTool",
    "ToolInput",
    "as_langchain_tool",
    "as_sdk_tool",
    "is_pydantic_class",
    "tool_choice_param",
    "tool_definitions",
]

ToolInput: TypeAlias = Mapping[str, Any] | type | Callable[..., Any] | BaseTool | Tool


def _from_openai(spec: Mapping[str, Any]) -> Tool:
    function = spec.get("function", spec)
    parameters = dict(function.get("parameters") or {})
    parameters.setdefault("type", "object")
    parameters.setdefault("properties", {})
    return Tool.from_schema(function["name"], parameters, description=function.get("description") or "")


def _langchain_converted(tool: Any) -> Tool:
    return _from_openai(convert_to_openai_tool(tool))


class SDKTool(StructuredTool):
    """A LangChain tool that runs an SDK :class:`~minimax_sdk.tools.Tool` (made by :func:`as_langchain_tool`)."""

    sdk_tool: Any = Field(default=None, exclude=True)
    """The SDK tool: ``bind_tools`` sends its definition unchanged."""


def _content(result: ToolResult) -> str:
    if result.is_error:
        raise ToolException(result.text)  # handle_tool_error: an error ToolMessage with this text
    return result.text


def as_langchain_tool(tool: Tool) -> BaseTool:
    """A LangChain tool (for LangGraph's ``ToolNode``, ``create_agent``) that runs the SDK ``tool``.

    The SDK validates the arguments against the tool's own schema and runs it (``tool.invoke`` on LangGraph's
    sync path, ``tool.ainvoke`` on its async path); the message content is the result's text, and a failed
    call (invalid arguments, an exception, an MCP server's error) becomes a ``ToolMessage`` with
    ``status="error"`` instead of an exception. ``bind_tools`` sends the SDK tool's definition unchanged.
    """
    if not isinstance(tool, Tool):
        raise TypeError(f"as_langchain_tool takes a minimax_sdk Tool, got {type(tool).__name__}")

    def run(**arguments: Any) -> str:
        return _content(tool.invoke(arguments))

    async def arun(**arguments: Any) -> str:
        return _content(await tool.ainvoke(arguments))

    return SDKTool(
        name=tool.name,
        description=tool.description or tool.name,
        args_schema=tool.parameters,
        func=run,
        coroutine=arun,
        handle_tool_error=True,
        sdk_tool=tool,
    )


def as_sdk_tool(tool: ToolInput) -> Tool:
    """The SDK ``Tool`` for any tool form ``bind_tools`` accepts (see the module docstring)."""
    if isinstance(tool, Tool):
        return tool
    if isinstance(tool, SDKTool) and isinstance(tool.sdk_tool, Tool):
        return tool.sdk_tool
    if isinstance(tool, BaseTool | Mapping) or is_typeddict(tool):
        return _langchain_converted(tool)
    if isinstance(tool, type):
        pydantic_v2 = issubclass(tool, BaseModel)
        if not (pydantic_v2 or dataclasses.is_dataclass(tool)):
            return _langchain_converted(tool)  # pydantic v1 and anything else LangChain knows
        try:
            return Tool.from_model(tool)
        except (TypeError, ValueError):
            return _langchain_converted(tool)
    if callable(tool):
        try:
            return Tool.from_function(tool)
        except (TypeError, ValueError):
            return _langchain_converted(tool)
    raise TypeError(f"cannot use {tool!r} as a tool: pass a function, a model class, a BaseTool or a dict")


def tool_definitions(tools: Sequence[ToolInput]) -> list[dict[str, Any]]:
    """The OpenAI-style definitions of ``tools``, in order (plain JSON: safe to bind and to trace)."""
    return [as_sdk_tool(t).definition for t in tools]


def tool_choice_param(choice: str | bool | Mapping[str, Any] | None, names: Sequence[str]) -> Any:
    """LangChain's ``tool_choice`` as the OpenAI-compatible request field (None: leave it out).

    ``"any"``, ``"required"`` and ``True`` force some call (``"required"``); ``"none"`` / ``False`` forbid
    calls; ``"auto"`` leaves it to the model; a tool's name forces that tool; a dict is sent as it is.
    """
    if choice is None:
        return None
    if choice is True or choice in ("any", "required"):
        return "required"
    if choice is False or choice == "none":
        return "none"
    if choice == "auto":
        return "auto"
    if isinstance(choice, str):
        if choice not in names:
            raise ValueError(f"tool_choice {choice!r} is not one of the bound tools: {', '.join(names) or 'none'}")
        return {"type": "function", "function": {"name": choice}}
    if isinstance(choice, Mapping):
        return dict(choice)
    raise TypeError(f"tool_choice must be a string, a bool or a dict, got {type(choice).__name__}")


def is_pydantic_class(schema: Any) -> bool:
    """A pydantic model class, v1 or v2."""
    return isinstance(schema, type) and is_basemodel_subclass(schema)
