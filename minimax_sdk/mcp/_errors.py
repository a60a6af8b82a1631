"""The exceptions of the MCP bridge, under :class:`~minimax_sdk.errors.MiniMaxError`.

A tool call never raises them at the model: each becomes an error :class:`~minimax_sdk.tools.ToolResult` whose
``error`` holds the exception. Opening a session raises :class:`MCPConnectionError` when the server cannot be
started or reached.
"""

from __future__ import annotations

from minimax_sdk.errors import MiniMaxError

__all__ = ["MCPConnectionError", "MCPError", "MCPTimeoutError", "MCPToolError"]


class MCPError(MiniMaxError):
    """Anything that went wrong with an MCP server; ``server`` names it."""

    def __init__(self, message: str, *, server: str) -> None:
        super().__init__(message)
        self.server = server


class MCPConnectionError(MCPError):
    """The server could not be started or reached, or the connection to it was lost (the process exited,
    the HTTP endpoint stopped answering). ``stderr_tail`` holds the last lines a stdio server wrote to its
    standard error, when the SDK captured them ("" otherwise)."""

    def __init__(self, message: str, *, server: str, stderr_tail: str = "") -> None:
        super().__init__(message, server=server)
        self.stderr_tail = stderr_tail


class MCPTimeoutError(MCPError, TimeoutError):
    """A tool call did not finish within the session's ``timeout``; it was cancelled."""


class MCPToolError(MCPError):
    """The server answered a call with an error: a result marked ``isError`` (``code`` is None) or a
    JSON-RPC error (``code`` is its code)."""

    def __init__(self, message: str, *, server: str, code: int | None = None) -> None:
        super().__init__(message, server=server)
        self.code = code
