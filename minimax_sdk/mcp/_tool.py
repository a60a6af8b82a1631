"""An MCP server's tool as an SDK :class:`~minimax_sdk.tools.Tool`: :class:`MCPTool`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools import Tool, ToolResult
from minimax_sdk.tools._binding import schema_binding
from minimax_sdk.tools._results import arguments_error_result

if TYPE_CHECKING:
    from minimax_sdk.mcp._session import MCPSession

__all__ = ["MCPTool", "model_name"]

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


def model_name(name: str) -> str:
    """The name the model sees for an MCP tool name: ``[A-Za-z0-9_-]``, at most 64 characters."""
    return _NOT_ALLOWED.sub("_", name)[:64] or "_"


class MCPTool(Tool):
    """A tool of an MCP server, run through its :class:`~minimax_sdk.mcp.MCPSession`.

    Like any other tool: :meth:`validate` checks arguments against the server's schema (invalid ones are
    answered without calling the server), :meth:`invoke` / :meth:`ainvoke` return a :class:`ToolResult` and never
    raise for the model's sake. ``invoke`` blocks (safe in worker threads and inside a running event loop);
    ``ainvoke`` awaits without blocking. Calling the object calls the server with no validation and returns the
    result's text, raising the result's ``error`` if it failed.
    """

    def __init__(self, session: MCPSession, spec: dict[str, Any], *, name: str) -> None:
        self._session = session
        self._remote_name = str(spec["name"])
        schema = spec.get("inputSchema")
        parameters = dict(schema) if isinstance(schema, dict) else {}
        parameters.setdefault("type", "object")  # the MCP schema requires it; an empty schema means no arguments
        if parameters["type"] != "object":
            raise ValueError(f'the MCP tool `{self._remote_name}` has an input schema whose type is not "object"')
        description = str(spec.get("description") or spec.get("title") or "")
        try:
            super().__init__(name, description, schema_binding(parameters, description), self._run)
        except ValueError as exc:
            raise ValueError(f"the MCP tool `{self._remote_name}` of `{session.name}`: {exc}") from None

    @property
    def session(self) -> MCPSession:
        """The session the calls go through."""
        return self._session

    @property
    def remote_name(self) -> str:
        """The tool's name on the server (``name`` may differ: a prefix, replaced characters)."""
        return self._remote_name

    def invoke(self, arguments: Any = None) -> ToolResult:
        """Validate ``arguments`` against the server's schema, call the server and wait for its result."""
        try:
            checked = self.validate(arguments)
        except ToolArgumentsError as exc:
            return arguments_error_result(exc)
        return self._session.call(self._remote_name, checked)

    async def ainvoke(self, arguments: Any = None) -> ToolResult:
        """:meth:`invoke` for async code: the caller's event loop is not blocked."""
        try:
            checked = self.validate(arguments)
        except ToolArgumentsError as exc:
            return arguments_error_result(exc)
        return await self._session.acall(self._remote_name, checked)

    def _run(self, **arguments: Any) -> Any:
        result = self._session.call(self._remote_name, arguments)
        if result.error is not None:
            raise result.error
        return result.text

    def __repr__(self) -> str:
        return f"MCPTool(name={self.name!r}, server={self._session.name!r})"
