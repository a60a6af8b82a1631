"""Starting the test MCP server (``tests/mcp_server.py``): a stdio session, or an HTTP server process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from minimax_sdk.mcp import MCPSession, mcp_http, mcp_stdio

SERVER = Path(__file__).with_name("mcp_server.py")


def stdio_session(prefix: str = "", **options: Any) -> MCPSession:
    """A session (not yet open) with a fresh stdio server process."""
    args = [str(SERVER), "stdio", *(["--prefix", prefix] if prefix else [])]
    return mcp_stdio(sys.executable, args, **options)


class HttpServer:
    """The test server on streamable HTTP, in its own process: ``with HttpServer() as server: server.url``.

    Ready once it printed its port (it bound the socket first), so nothing waits a fixed time.
    """

    def __init__(self, prefix: str = "") -> None:
        args = [sys.executable, str(SERVER), "http", *(["--prefix", prefix] if prefix else [])]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"the test MCP server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}/mcp"

    def session(self, **options: Any) -> MCPSession:
        return mcp_http(self.url, **options)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def __enter__(self) -> HttpServer:
        return self

    def __exit__(self, *exc_info: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
