"""MCP tools in LangChain: ``bind_tools`` sends the server's schemas, and a LangGraph agent runs a local tool
and two MCP tools (stdio and HTTP) in parallel; a server killed mid-run is an error ToolMessage."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import tool

from langchain_minimax import ChatMiniMax, as_langchain_tool
from minimax_sdk import Tool
from minimax_sdk.testing import ReferenceServer, Turn

pytest.importorskip("mcp")

from tests.mcp_support import HttpServer, stdio_session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # create_react_agent moved to langchain.agents (not a dependency here)
    from langgraph.prebuilt import create_react_agent

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

R = ["Gate, sum and forecast at once.", "Now the risky one.", "Done."]


@pytest.fixture(scope="module")
def http_server() -> Iterator[HttpServer]:
    with HttpServer(prefix="h") as server:
        yield server


def test_bind_tools_sends_the_mcp_servers_schema(http_server: HttpServer) -> None:
    model = ChatMiniMax(backend="minimax", base_url="http://127.0.0.1:9/v1", api_key="sk-unused")
    with http_server.session() as session:
        add = session.tools(["h_add"])[0]
        for form in (add, as_langchain_tool(add)):
            bound: Any = model.bind_tools([form])
            assert bound.kwargs["tools"] == [add.definition]


def test_as_langchain_tool_runs_the_sdk_tool_and_reports_errors_as_error_messages() -> None:
    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        return a / b

    lc_tool = as_langchain_tool(Tool.from_function(divide))
    ok = lc_tool.invoke({"type": "tool_call", "name": "divide", "id": "1", "args": {"a": 1, "b": 4}})
    assert (ok.content, ok.status) == ("0.25", "success")
    failed = lc_tool.invoke({"type": "tool_call", "name": "divide", "id": "2", "args": {"a": 1, "b": 0}})
    assert (failed.content, failed.status) == ("Error: ZeroDivisionError: float division by zero", "error")
    invalid = lc_tool.invoke({"type": "tool_call", "name": "divide", "id": "3", "args": {"a": "x"}})
    assert invalid.status == "error"
    assert "Invalid arguments for tool `divide`" in invalid.content
    with pytest.raises(TypeError, match="takes a minimax_sdk Tool"):
        as_langchain_tool(divide)  # type: ignore[arg-type]


def _script(server: ReferenceServer) -> None:
    def call(name: str, **arguments: Any) -> dict[str, Any]:
        return {"name": name, "arguments": arguments}

    server.script(
        Turn(
            reasoning=R[0],
            tool_calls=[call("h_wait"), call("s_add", a=2, b=3), call("open_gate"), call("h_forecast", city="Rome")],
        ),
        Turn(reasoning=R[1], tool_calls=[call("s_crash"), call("h_add", a=1, b=1)]),
        Turn(reasoning=R[2], content="The stdio server died; the rest worked."),
    )


@pytest.mark.parametrize("mode", ["invoke", "ainvoke"])
def test_langgraph_agent_with_a_local_tool_and_stdio_and_http_mcp_tools(http_server: HttpServer, mode: str) -> None:
    with (
        ReferenceServer(dialect="minimax") as server,
        stdio_session(prefix="s", name="stdio-server", timeout=60) as stdio,
        http_server.session(timeout=60) as http,
    ):
        _script(server)
        release = http.tools(["h_release"])[0]

        @tool
        def open_gate() -> str:
            """Let the HTTP server's waiting calls finish."""
            return f"gate open: {release.invoke({}).text}"

        tools = [as_langchain_tool(t) for t in [*stdio.tools(), *http.tools()]]
        model = ChatMiniMax(backend="minimax", base_url=server.base_url, api_key="sk-loopback")
        agent = create_react_agent(model, [*tools, open_gate])
        inputs = {"messages": [("user", "Go.")]}
        if mode == "invoke":
            messages = agent.invoke(inputs)["messages"]
        else:
            messages = asyncio.run(agent.ainvoke(inputs))["messages"]
        requests = server.wait_for_requests(3)
    replies = [m for m in messages if isinstance(m, ToolMessage)]
    # h_wait only returns once open_gate (local) released it: the first turn's calls ran at the same time
    assert [m.content for m in replies[:4]] == [
        "released",
        "5",
        "gate open: released the waiters",
        "Rome: sunny for 1 day(s)",
    ]
    crashed = replies[4]
    assert crashed.status == "error"
    assert str(crashed.content).startswith("Error: the MCP server `stdio-server` is not available")
    assert (replies[5].content, replies[5].status) == ("2", "success")
    assert messages[-1].text == "The stdio server died; the rest worked."
    for turn in (1, 2):
        sent = requests[turn].json["messages"]
        assert [m["reasoning_details"][0]["text"] for m in sent if m["role"] == "assistant"] == R[:turn]
