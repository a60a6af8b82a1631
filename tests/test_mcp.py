"""MCP servers' tools as SDK tools, against a real server written with the ``mcp`` package's server API
(``tests/mcp_server.py``), started here: on stdio (a child process of the session) and on streamable HTTP
(a process on 127.0.0.1). Results, server errors, timeouts, a server killed mid-call, the session's life, and
an agent run mixing one local tool and two MCP tools in parallel."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from minimax_sdk import AsyncMiniMax, MiniMax, Tool
from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.mcp import (
    MCPConnectionError,
    MCPSession,
    MCPTimeoutError,
    MCPTool,
    MCPToolError,
    mcp_http,
    mcp_stdio,
    mcp_tools,
)
from minimax_sdk.messages import ToolMessage
from minimax_sdk.testing import ReferenceServer, Turn

pytest.importorskip("mcp")

from tests.mcp_server import build
from tests.mcp_support import HttpServer, stdio_session


@pytest.fixture(scope="module")
def stdio() -> Iterator[MCPSession]:
    """One stdio server for the tests that do not break it."""
    with stdio_session(timeout=60) as session:
        yield session


@pytest.fixture(scope="module")
def http_server() -> Iterator[HttpServer]:
    with HttpServer() as server:
        yield server


def _tools(session: MCPSession) -> dict[str, MCPTool]:
    return {t.name: t for t in session.tools()}


# Loading


def test_importing_the_sdk_does_not_import_mcp() -> None:
    code = "import sys, minimax_sdk, minimax_sdk.mcp\nprint('mcp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_a_missing_mcp_package_is_a_clear_error() -> None:
    code = (
        "import sys; sys.modules['mcp'] = None\n"
        "from minimax_sdk.mcp import mcp_stdio\n"
        "try:\n    mcp_stdio('x')\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "pip install 'minimax-sdk[mcp]'" in out.stdout


# Listing


def test_tools_are_listed_with_the_servers_schemas_unchanged(stdio: MCPSession) -> None:
    served = {t.name: t for t in asyncio.run(build("").list_tools())}  # the server's own view, in-process
    tools = stdio.tools()
    assert [t.name for t in tools] == list(served)
    for tool in tools:
        assert isinstance(tool, Tool)
        assert tool.parameters == served[tool.name].input_schema
        assert tool.description == served[tool.name].description
        assert tool.definition["function"]["parameters"] == served[tool.name].input_schema
    assert stdio.server_info["name"] == "minimax-sdk-test-server"
    assert stdio.is_connected


def test_tools_by_name_and_with_a_prefix(stdio: MCPSession) -> None:
    picked = stdio.tools(["forecast", "add"], prefix="calc.")
    assert [(t.name, t.remote_name) for t in picked] == [("calc_add", "add"), ("calc_forecast", "forecast")]
    assert picked[0].invoke({"a": 1, "b": 2}).text == "3"
    with pytest.raises(ValueError, match="no tool named 'nope'"):
        stdio.tools(["nope"])


def test_two_servers_with_the_same_tool_names_need_a_prefix(stdio: MCPSession, http_server: HttpServer) -> None:
    with http_server.session() as http:
        with pytest.raises(ValueError, match="both have a tool named `add`"):
            mcp_tools(stdio, http)
        names = [t.name for t in [*stdio.tools(), *http.tools(prefix="h_")]]
        assert "add" in names
        assert "h_add" in names


# Calls and results


def test_results_text_structured_and_mixed_content(stdio: MCPSession) -> None:
    tools = _tools(stdio)
    added = tools["add"].invoke({"a": 2, "b": 40})
    assert (added.text, added.value, added.is_error) == ("42", {"result": 42}, False)
    assert tools["forecast"].invoke('{"city": "Paris", "days": 2}').text == "Paris: sunny for 2 day(s)"
    mixed = tools["mixed"].invoke({})
    assert mixed.text.splitlines() == [
        "first line",
        "[image image/png, 68 bytes]",
        "[resource file:///notes.txt]",
        "resource text",
    ]


def test_every_kind_of_content_block_has_a_text() -> None:
    from minimax_sdk.mcp._content import call_result

    blocks = [
        {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
        {"type": "resource", "resource": {"uri": "file:///a.bin", "blob": "AAAAAA==", "mimeType": "application/x"}},
        {"type": "resource_link", "name": "report", "uri": "file:///report.pdf"},
        {"type": "future_kind", "x": 1},
    ]
    result = call_result("srv", "t", {"content": blocks})
    assert result.text.splitlines() == [
        "[audio audio/wav, 3 bytes]",
        "[resource file:///a.bin, application/x, 4 bytes]",
        "[resource link report: file:///report.pdf]",
        '{"type":"future_kind","x":1}',
    ]
    structured = call_result("srv", "t", {"content": [], "structuredContent": {"ok": True, "n": 2}})
    assert (structured.text, structured.value) == ('{"ok":true,"n":2}', {"ok": True, "n": 2})
    silent_failure = call_result("srv", "t", {"content": [], "isError": True})
    assert silent_failure.is_error
    assert silent_failure.text == "Error: the MCP tool `t` failed without saying why"


def test_arguments_are_validated_before_the_server_is_called(stdio: MCPSession) -> None:
    result = _tools(stdio)["add"].invoke({"a": "two"})
    assert result.is_error
    assert isinstance(result.error, ToolArgumentsError)
    assert "`$.a`: expected integer" in result.text
    assert "`$.b`: missing required argument" in result.text


def test_a_tool_error_is_a_result_the_model_can_act_on(stdio: MCPSession) -> None:
    result = _tools(stdio)["divide"].invoke({"a": 1, "b": 0})
    assert result.is_error
    assert isinstance(result.error, MCPToolError)
    assert result.text.startswith("Error: ")
    assert "cannot divide by zero: pass a non-zero b" in result.text
    unknown = stdio.call("no_such_tool", {})
    assert unknown.is_error
    assert "no_such_tool" in unknown.text


def test_calling_the_tool_object_raises_the_servers_error(stdio: MCPSession) -> None:
    tools = _tools(stdio)
    assert tools["add"](a=1, b=1) == "2"
    with pytest.raises(MCPToolError, match="cannot divide by zero"):
        tools["divide"](a=1, b=0)


def test_parallel_calls_share_the_session_from_threads_and_event_loops(stdio: MCPSession) -> None:
    add = _tools(stdio)["add"]
    results: list[str] = []

    def call(n: int) -> None:
        results.append(add.invoke({"a": n, "b": 1000}).text)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    async def in_a_loop() -> list[str]:
        answers = await asyncio.gather(*(add.ainvoke({"a": n, "b": 2000}) for n in range(8)))
        return [a.text for a in answers]

    assert sorted(results) == [str(1000 + n) for n in range(8)]
    assert asyncio.run(in_a_loop()) == [str(2000 + n) for n in range(8)]


def test_a_call_that_takes_too_long_times_out_and_the_session_goes_on() -> None:
    with stdio_session(timeout=0.5) as session:
        tools = _tools(session)
        result = tools["wait"].invoke({})
        assert result.is_error
        assert isinstance(result.error, MCPTimeoutError)
        assert "did not finish within 0.5 s" in result.text
        assert tools["add"].invoke({"a": 1, "b": 1}).text == "2"


# A server that dies


def test_a_stdio_server_killed_during_a_call_gives_a_clear_error_then_answers_at_once() -> None:
    with stdio_session(timeout=None) as session:  # no timeout: only the crash can end the call
        tools = _tools(session)
        crashed = tools["crash"].invoke({})
        assert crashed.is_error
        assert isinstance(crashed.error, MCPConnectionError)
        assert "is not available: the connection closed" in crashed.text
        assert "cannot be used for the rest of this session" in crashed.text
        assert not session.is_connected
        assert session.failure is crashed.error
        later = tools["add"].invoke({"a": 1, "b": 1})
        assert (later.text, later.error) == (crashed.text, crashed.error)
        listed_again = session.tools(["add"])[0].invoke({"a": 1, "b": 1})  # still listed; answers the same
        assert listed_again.error is crashed.error


def test_a_stdio_server_killed_from_outside_while_a_call_waits() -> None:
    with stdio_session(timeout=None) as session:
        tools = _tools(session)
        pid = int(tools["pid"].invoke({}).text)
        results: list[Any] = []
        waiter = threading.Thread(target=lambda: results.append(tools["wait"].invoke({})))
        waiter.start()
        os.kill(pid, signal.SIGKILL)
        waiter.join()
        assert results[0].is_error
        assert isinstance(results[0].error, MCPConnectionError)
        assert "is not available" in results[0].text


def test_an_http_server_killed_during_a_call_gives_a_clear_error() -> None:
    with HttpServer() as server, server.session(timeout=None) as session:
        tools = _tools(session)
        assert tools["add"].invoke({"a": 1, "b": 2}).text == "3"
        results: list[Any] = []
        waiter = threading.Thread(target=lambda: results.append(tools["wait"].invoke({})))
        waiter.start()
        server.kill()
        waiter.join()
        assert results[0].is_error
        assert isinstance(results[0].error, MCPConnectionError)
        later = tools["add"].invoke({"a": 1, "b": 2})
        assert later.is_error
        assert isinstance(later.error, MCPConnectionError)


# The session's life


def test_a_server_that_exits_at_start_is_a_connection_error_with_its_stderr() -> None:
    code = "import sys; print('no config file: server.toml', file=sys.stderr); sys.exit(3)"
    with pytest.raises(MCPConnectionError, match="could not connect") as caught:
        mcp_stdio(sys.executable, ["-c", code]).connect()
    assert "no config file: server.toml" in caught.value.stderr_tail
    assert "no config file: server.toml" in str(caught.value)


def test_a_server_that_never_answers_the_handshake_times_out() -> None:
    silent = mcp_stdio(sys.executable, ["-c", "import sys; sys.stdin.read()"], connect_timeout=0.5)
    with pytest.raises(MCPConnectionError, match=r"no answer to the MCP handshake within 0\.5 s"):
        silent.connect()


def test_an_http_endpoint_that_refuses_is_a_connection_error() -> None:
    with HttpServer() as server:
        url = server.url
    with pytest.raises(MCPConnectionError, match="could not connect"):
        mcp_http(url).connect()


def test_bad_arguments_are_refused_before_anything_starts() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        mcp_http("127.0.0.1:8000/mcp")
    with pytest.raises(TypeError, match="not one string"):
        mcp_stdio("python", "server.py")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        mcp_stdio("python", ["server.py"], timeout=0)


def test_calls_after_close_and_calls_cut_by_close_are_answered(http_server: HttpServer) -> None:
    session = http_server.session(timeout=None)
    with pytest.raises(RuntimeError, match="open the MCP session first"):
        session.tools()
    session.connect()
    tools = _tools(session)
    results: list[Any] = []
    waiter = threading.Thread(target=lambda: results.append(tools["wait"].invoke({})))
    waiter.start()
    session.close()
    waiter.join()
    assert results[0].is_error
    assert "is closed" in results[0].text
    after = tools["add"].invoke({"a": 1, "b": 1})
    assert after.is_error
    assert "is closed" in after.text
    session.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="already opened"):
        session.connect()


def test_async_with_and_ainvoke() -> None:
    async def scenario() -> list[str]:
        async with stdio_session() as session:
            tools = _tools(session)
            answers = await asyncio.gather(
                tools["add"].ainvoke({"a": 1, "b": 2}), tools["forecast"].ainvoke({"city": "Oslo"})
            )
            return [a.text for a in answers]

    assert asyncio.run(scenario()) == ["3", "Oslo: sunny for 1 day(s)"]


def test_cancelling_an_async_caller_cancels_its_call_and_the_session_goes_on() -> None:
    async def scenario() -> str:
        async with stdio_session(timeout=None) as session:
            tools = _tools(session)
            waiting = asyncio.ensure_future(tools["wait"].ainvoke({}))
            await asyncio.sleep(0)  # let it start
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            return (await tools["add"].ainvoke({"a": 1, "b": 1})).text

    assert asyncio.run(scenario()) == "2"


# The agent loop: one local tool and two MCP tools (stdio and HTTP) in parallel, then the stdio server dies


R = ["Three things at once: the gate, a sum, a forecast.", "Now the risky one.", "Try the sum again.", "Done."]


def _script(server: ReferenceServer) -> None:
    def call(name: str, **arguments: Any) -> dict[str, Any]:
        return {"name": name, "arguments": arguments}

    server.script(
        Turn(
            reasoning=R[0],
            tool_calls=[call("h_wait"), call("s_add", a=2, b=3), call("open_gate"), call("h_forecast", city="Rome")],
        ),
        Turn(reasoning=R[1], tool_calls=[call("s_crash"), call("h_add", a=1, b=1)]),
        Turn(reasoning=R[2], tool_calls=[call("s_add", a=2, b=3)]),
        Turn(reasoning=R[3], content="The stdio server is gone; the rest worked."),
    )


def _check_run(server: ReferenceServer, messages: list[Any]) -> None:
    contents = [m.content for m in messages if isinstance(m, ToolMessage)]
    # h_wait only returns once open_gate (local) released it: the calls of the first turn ran at the same time
    assert contents[:4] == ["released", "5", "gate open: released the waiters", "Rome: sunny for 1 day(s)"]
    assert contents[4].startswith("Error: the MCP server `stdio-server` is not available: the connection closed")
    assert contents[5] == "2"
    assert contents[6] == contents[4]  # later calls get the same answer, at once
    requests = server.wait_for_requests(4)
    for turn in range(1, 4):  # every request carries the reasoning of every earlier turn
        sent = requests[turn].json["messages"]
        assert [m["reasoning_details"][0]["text"] for m in sent if m["role"] == "assistant"] == R[:turn]


def _gate(http: MCPSession) -> Tool:
    release = http.tools(["release"])[0]

    def open_gate() -> str:
        """Let the HTTP server's waiting calls finish."""
        return f"gate open: {release.invoke({}).text}"

    return Tool.from_function(open_gate)


def test_agent_run_with_a_local_tool_and_stdio_and_http_mcp_tools(http_server: HttpServer) -> None:
    with (
        ReferenceServer(dialect="minimax") as server,
        stdio_session(name="stdio-server", timeout=60) as stdio,
        http_server.session(timeout=60) as http,
        MiniMax(backend="minimax", base_url=server.base_url, api_key="sk-test") as client,
    ):
        _script(server)
        tools = [*stdio.tools(prefix="s_"), _gate(http), *http.tools(prefix="h_")]
        result = client.run([{"role": "user", "content": "Go."}], tools=tools)
    assert result.stop_reason == "completed"
    assert result.final_answer == "The stdio server is gone; the rest worked."
    _check_run(server, result.messages)


def test_async_agent_run_with_mcp_tools() -> None:
    async def scenario() -> None:
        with HttpServer() as http_server, ReferenceServer(dialect="minimax") as server:
            _script(server)
            async with (
                stdio_session(name="stdio-server", timeout=60) as stdio,
                http_server.session(timeout=60) as http,
                AsyncMiniMax(backend="minimax", base_url=server.base_url, api_key="sk-test") as client,
            ):
                tools = [*stdio.tools(prefix="s_"), _gate(http), *http.tools(prefix="h_")]
                result = await client.run([{"role": "user", "content": "Go."}], tools=tools)
            assert result.stop_reason == "completed"
            _check_run(server, result.messages)

    asyncio.run(scenario())
