"""Tools from MCP servers: connect over stdio or streamable HTTP, use the server's tools as SDK tools.

Needs the ``mcp`` package (``pip install 'minimax-sdk[mcp]'``), imported only when a session opens.

    from minimax_sdk import MiniMax
    from minimax_sdk.mcp import mcp_http, mcp_stdio, mcp_tools

    with mcp_stdio("python", ["weather_server.py"]) as weather, mcp_http("http://127.0.0.1:8000/mcp") as files:
        result = MiniMax().run(messages, tools=[my_local_tool, *mcp_tools(weather, files)])

See ``docs/mcp.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TextIO

from minimax_sdk.mcp._errors import MCPConnectionError, MCPError, MCPTimeoutError, MCPToolError
from minimax_sdk.mcp._session import MCPSession
from minimax_sdk.mcp._tool import MCPTool
from minimax_sdk.mcp._transports import HttpTransport, StdioTransport, require_mcp

__all__ = [
    "MCPConnectionError",
    "MCPError",
    "MCPSession",
    "MCPTimeoutError",
    "MCPTool",
    "MCPToolError",
    "mcp_http",
    "mcp_stdio",
    "mcp_tools",
]

DEFAULT_TIMEOUT = 60.0
DEFAULT_CONNECT_TIMEOUT = 30.0


def mcp_stdio(
    command: str,
    args: Sequence[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    name: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    errlog: TextIO | None = None,
) -> MCPSession:
    """A session with a server the SDK starts as a child process and speaks to over stdin/stdout.

    Not connected yet: use it in ``with`` / ``async with`` (or call ``connect()`` and ``close()``). ``env`` adds
    variables to the small default environment the ``mcp`` package gives servers (``PATH``, ``HOME``, ...).
    ``timeout`` bounds each tool call (None: no limit), ``connect_timeout`` the start and handshake. The
    server's standard error goes to ``errlog`` if given, else it is kept and its tail quoted in connection
    errors. Closing the session stops the process.
    """
    require_mcp()
    transport = StdioTransport(command, args, env=env, cwd=cwd, errlog=errlog)
    return MCPSession(transport, name=name, timeout=timeout, connect_timeout=connect_timeout)


def mcp_http(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    name: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> MCPSession:
    """A session with a server at a streamable HTTP endpoint (e.g. ``http://127.0.0.1:8000/mcp``).

    ``headers`` go with every request (``{"Authorization": "Bearer ..."}``); ``timeout`` and
    ``connect_timeout`` as for :func:`mcp_stdio`. Not connected yet: use it in ``with`` / ``async with``.
    """
    require_mcp()
    transport = HttpTransport(url, headers=headers)
    return MCPSession(transport, name=name, timeout=timeout, connect_timeout=connect_timeout)


def mcp_tools(*sessions: MCPSession) -> list[MCPTool]:
    """Every tool of the given open sessions, in order; two tools with one name are a ``ValueError`` (use
    ``session.tools(prefix=...)`` to tell them apart)."""
    tools: list[MCPTool] = []
    owners: dict[str, MCPSession] = {}
    for session in sessions:
        if not isinstance(session, MCPSession):
            raise TypeError(f"mcp_tools takes MCP sessions (mcp_stdio(...), mcp_http(...)), got {session!r}")
        for tool in session.tools():
            if tool.name in owners:
                raise ValueError(
                    f"the MCP servers `{owners[tool.name].name}` and `{session.name}` both have a tool named "
                    f"`{tool.name}`: use session.tools(prefix=...) for one of them"
                )
            owners[tool.name] = session
            tools.append(tool)
    return tools
