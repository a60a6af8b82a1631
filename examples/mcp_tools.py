"""An agent with one local tool and the tools of two MCP servers: one started on stdio, one over HTTP.

    pip install 'minimax-sdk[mcp]'

    python examples/mcp_tools.py                      # the backend from MINIMAX_* env vars / minimax.toml
    python examples/mcp_tools.py --http URL           # use an MCP server already running at URL (.../mcp)
    python examples/mcp_tools.py --demo               # a scripted reference server on 127.0.0.1 (no key needed)

Both MCP servers are this file's own small ones (``--serve stdio`` / ``--serve http``), written with the ``mcp``
package's server API; any MCP server works the same way. The model calls a local tool and one tool of each
server in the same turn; they run in parallel, and each turn's reasoning goes back with the history.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence

from minimax_sdk import Limits, MiniMax, RunDoneEvent, ToolEndEvent, ToolStartEvent, TurnStartEvent, tool
from minimax_sdk.mcp import mcp_http, mcp_stdio, mcp_tools

QUESTION = "I fly from Paris to Tokyo tomorrow: how far is it, what's the weather there, and what should I pack?"


@tool
def packing_list(temperature_c: float) -> list[str]:
    """What to pack for a trip.

    Args:
        temperature_c: The expected temperature at the destination, in °C.
    """
    items = ["passport", "charger"]
    return [*items, "umbrella", "light jacket"] if temperature_c < 20 else [*items, "sunglasses"]


# The two MCP servers


def serve(transport: str) -> None:
    """Run one of the example's MCP servers: ``stdio`` (the geography one) or ``http`` (the weather one)."""
    from mcp.server.mcpserver import MCPServer

    if transport == "stdio":
        geo = MCPServer("geography")

        @geo.tool(description="The great-circle distance between two cities, in km.")
        def distance_km(origin: str, destination: str) -> int:
            known = {frozenset({"Paris", "Tokyo"}): 9714, frozenset({"Paris", "Rome"}): 1106}
            return known.get(frozenset({origin, destination}), 5000)

        geo.run("stdio")
        return

    import uvicorn

    weather = MCPServer("weather")

    @weather.tool(description="Tomorrow's forecast for a city.")
    def forecast(city: str) -> dict[str, object]:
        return {"city": city, "sky": "light rain", "temperature_c": 17}

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # an ephemeral port, announced once bound
    sock.listen(64)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(weather.streamable_http_app(), log_level="warning")).run(sockets=[sock])


@contextlib.contextmanager
def http_server() -> Iterator[str]:
    """This file's HTTP MCP server in a child process; yields its URL."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "http"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline().split()[1])
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        child.kill()
        child.wait()


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax() as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="Distance, weather and packing are independent: three calls at once. 17 °C is a guess.",
                tool_calls=[
                    {"name": "distance_km", "arguments": {"origin": "Paris", "destination": "Tokyo"}},
                    {"name": "forecast", "arguments": {"city": "Tokyo"}},
                    {"name": "packing_list", "arguments": {"temperature_c": 17}},
                ],
            ),
            Turn(
                reasoning="9,714 km; light rain at 17 °C, so the umbrella list fits.",
                content="Paris to Tokyo is about 9,714 km. Tomorrow in Tokyo: light rain, 17 °C. "
                "Pack your passport, a charger, an umbrella and a light jacket.",
            ),
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    parser.add_argument("--http", metavar="URL", help="an MCP server's streamable HTTP endpoint to use")
    parser.add_argument("--serve", choices=["stdio", "http"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    with contextlib.ExitStack() as stack:
        url = args.http or stack.enter_context(http_server())
        geo = stack.enter_context(mcp_stdio(sys.executable, [__file__, "--serve", "stdio"], timeout=30))
        weather = stack.enter_context(mcp_http(url, timeout=30))
        client = stack.enter_context(client_for(args.demo))
        tools = [packing_list, *mcp_tools(geo, weather)]
        print("tools:", ", ".join(t.name for t in tools))
        for event in client.run_stream(
            [{"role": "user", "content": QUESTION}], tools=tools, limits=Limits(max_turns=6)
        ):
            if isinstance(event, TurnStartEvent):
                print(f"--- turn {event.turn}")
            elif isinstance(event, ToolStartEvent):
                print(f"  -> {event.name}({event.arguments})")
            elif isinstance(event, ToolEndEvent):
                print(f"  <- {event.name}: {event.result.text}")
            elif isinstance(event, RunDoneEvent):
                result = event.result
                print(f"answer: {result.final_answer}")
                print(f"stop: {result.stop_reason}, turns: {result.turns}, tool calls: {result.tool_calls}")


if __name__ == "__main__":
    main()
