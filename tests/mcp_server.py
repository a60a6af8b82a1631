"""A small MCP server written with the ``mcp`` package's own server API, for the MCP tests and the example.

    python tests/mcp_server.py stdio          # serves on stdin/stdout
    python tests/mcp_server.py http           # streamable HTTP on 127.0.0.1, an ephemeral port

In HTTP mode the socket is bound before anything else and its port is printed as the first line of stdout
(``PORT <n>``): a client that read the line can connect at once (the kernel queues the connection until the
server accepts it), so nobody waits a fixed time. ``--prefix`` renames every tool (``<prefix>_<name>``), so two
copies of this server can serve one agent without a name clash.
"""

from __future__ import annotations

import argparse
import base64
import os
import signal
import socket
import sys
import threading

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import EmbeddedResource, ImageContent, TextContent, TextResourceContents

# 1x1 transparent PNG
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def build(prefix: str) -> MCPServer:
    server = MCPServer("minimax-sdk-test-server")
    released = threading.Event()

    def name(base: str) -> str:
        return f"{prefix}_{base}" if prefix else base

    @server.tool(name=name("add"), description="Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    @server.tool(name=name("forecast"), description="The weather forecast for a city.")
    def forecast(city: str, days: int = 1) -> str:
        return f"{city}: sunny for {days} day(s)"

    @server.tool(name=name("divide"), description="Divide a by b; fails on b = 0.")
    def divide(a: float, b: float) -> float:
        if b == 0:
            raise ToolError("cannot divide by zero: pass a non-zero b")
        return a / b

    @server.tool(name=name("mixed"), description="Text, an image and an embedded resource.")
    def mixed() -> list[TextContent | ImageContent | EmbeddedResource]:
        return [
            TextContent(text="first line"),
            ImageContent(data=base64.b64encode(PIXEL_PNG).decode(), mime_type="image/png"),
            EmbeddedResource(resource=TextResourceContents(uri="file:///notes.txt", text="resource text")),
        ]

    @server.tool(name=name("pid"), description="The server's process id.")
    def pid() -> int:
        return os.getpid()

    @server.tool(name=name("wait"), description="Wait until the `release` tool is called.")
    async def wait() -> str:
        import anyio

        await anyio.to_thread.run_sync(released.wait, abandon_on_cancel=True)
        return "released"

    @server.tool(name=name("release"), description="Let every `wait` call finish.")
    def release() -> str:
        released.set()
        return "released the waiters"

    @server.tool(name=name("crash"), description="Kill this server process in the middle of the call.")
    def crash() -> str:
        os.kill(os.getpid(), signal.SIGKILL)
        return "unreachable"

    return server


def serve_http(server: MCPServer) -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    app = server.streamable_http_app(host="127.0.0.1")
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    server = build(args.prefix)
    if args.transport == "stdio":
        server.run("stdio")
    else:
        serve_http(server)
    sys.exit(0)


if __name__ == "__main__":
    main()
