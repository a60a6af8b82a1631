"""The agent loop against the reference server: parallel calls, error recovery, every stop reason,
context management, reasoning carried every turn, hooks and events."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from minimax_sdk import AsyncMiniMax, MiniMax, Tool
from minimax_sdk.agent import (
    KeepFirstAndLast,
    Limits,
    RunDoneEvent,
    RunHooks,
    ToolEndEvent,
    ToolStartEvent,
    TurnStartEvent,
)
from minimax_sdk.messages import AssistantMessage, DoneEvent, ToolMessage
from minimax_sdk.parsing import ToolCall
from minimax_sdk.testing import ReferenceServer, Turn


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(dialect="minimax") as srv:
        yield srv


def _client(server: ReferenceServer) -> MiniMax:
    return MiniMax(backend="minimax", base_url=server.base_url, api_key="sk-test")


def _call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments}


USER = [{"role": "user", "content": "Go."}]


def get_weather(city: str, days: int = 1) -> str:
    """Forecast for a city.

    Args:
        city: City name.
        days: Days ahead.
    """
    return f"{city}: sunny for {days} days"


def test_parallel_calls_overlap_and_results_go_back_in_call_order(server: ReferenceServer) -> None:
    barrier = threading.Barrier(3, timeout=10)  # three calls must be running at once to pass it
    order: list[str] = []

    def meet(tag: str) -> str:
        """Wait for the other calls."""
        barrier.wait()
        order.append(tag)
        return f"met {tag}"

    server.script(
        Turn(
            reasoning="Three at once.",
            tool_calls=[_call("meet", tag="a"), _call("meet", tag="b"), _call("meet", tag="c")],
        ),
        Turn(reasoning="All met.", content="Done: a, b, c."),
    )
    with _client(server) as client:
        result = client.run(USER, tools=[meet])
    assert result.stop_reason == "completed"
    assert result.final_answer == "Done: a, b, c."
    assert sorted(order) == ["a", "b", "c"]
    tool_messages = [m for m in result.messages if isinstance(m, ToolMessage)]
    assert [m.content for m in tool_messages] == ["met a", "met b", "met c"]  # call order, not finish order
    sent = server.requests[1].json["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool", "tool"]
    assert sent[1]["reasoning_details"][0]["text"] == "Three at once."  # interleaved thinking
    assert (result.turns, result.tool_calls) == (2, 3)


def test_async_run_overlaps_async_tools() -> None:
    async def scenario() -> None:
        arrived = 0
        both = asyncio.Event()

        async def meet(tag: str) -> str:
            """Wait for the other call."""
            nonlocal arrived
            arrived += 1
            if arrived == 2:
                both.set()
            await asyncio.wait_for(both.wait(), timeout=10)
            return tag

        with ReferenceServer(dialect="openai-split") as srv:
            srv.script(
                Turn(reasoning="r1", tool_calls=[_call("meet", tag="x"), _call("meet", tag="y")]), Turn(content="ok")
            )
            async with AsyncMiniMax(backend="openai", base_url=srv.base_url) as client:
                result = await client.run(USER, tools=[meet])
            assert result.stop_reason == "completed"
            assert [m.content for m in result.messages if isinstance(m, ToolMessage)] == ["x", "y"]
            assert srv.requests[1].json["messages"][1]["reasoning_content"] == "r1"

    asyncio.run(scenario())


def test_unknown_tool_and_bad_arguments_are_answered_and_fixed_on_retry(server: ReferenceServer) -> None:
    server.script(
        Turn(
            reasoning="try",
            tool_calls=[_call("get_wether", city="Paris"), _call("get_weather", city="Paris", days="three")],
        ),
        Turn(reasoning="fix", tool_calls=[_call("get_weather", city="Paris", days=3)]),
        Turn(reasoning="done", content="Sunny."),
    )
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather])
    assert result.stop_reason == "completed"
    second = server.requests[1].json["messages"]
    unknown, bad = second[2]["content"], second[3]["content"]
    assert "no tool named `get_wether`" in unknown
    assert "get_weather" in unknown
    assert "$.days" in bad
    assert "integer" in bad
    third = server.requests[2].json["messages"]
    assert third[-1]["content"] == "Paris: sunny for 3 days"
    assert [m["reasoning_details"][0]["text"] for m in third if m["role"] == "assistant"] == ["try", "fix"]


def test_tool_that_raises_is_reported_and_counts_toward_the_retry_limit(server: ReferenceServer) -> None:
    def flaky(x: int) -> str:
        """Always fails."""
        raise RuntimeError(f"disk full at {x}")

    server.script(*[Turn(tool_calls=[_call("flaky", x=i)]) for i in range(5)])
    with _client(server) as client:
        result = client.run(USER, tools=[flaky], limits=Limits(max_tool_retries=2))
    assert result.stop_reason == "tool_retry_limit"
    assert "flaky" in result.detail
    assert result.tool_calls == 3
    assert server.requests[1].json["messages"][2]["content"] == "Error: RuntimeError: disk full at 0"


def test_max_turns_stops_with_a_reason(server: ReferenceServer) -> None:
    server.script(*[Turn(tool_calls=[_call("get_weather", city="Oslo")]) for _ in range(5)])
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], limits=Limits(max_turns=2))
    assert (result.stop_reason, result.turns, len(server.requests)) == ("max_turns", 2, 2)
    assert isinstance(result.messages[-1], ToolMessage)


def test_max_tool_calls_stops_before_running_too_many(server: ReferenceServer) -> None:
    server.script(Turn(tool_calls=[_call("get_weather", city=c) for c in ("A", "B", "C")]))
    ran: list[str] = []

    def tracked(city: str) -> str:
        """Track."""
        ran.append(city)
        return city

    with _client(server) as client:
        result = client.run(
            USER, tools=[Tool.from_function(tracked, name="get_weather")], limits=Limits(max_tool_calls=2)
        )
    assert result.stop_reason == "max_tool_calls"
    assert ran == []
    assert isinstance(result.messages[-1], AssistantMessage)


def test_time_budget_stops_the_run(server: ReferenceServer, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr("minimax_sdk.agent._loop.time.monotonic", lambda: now[0])

    def slow(city: str) -> str:
        """Takes 'an hour' on the fake clock."""
        now[0] += 3600
        return city

    server.script(*[Turn(tool_calls=[_call("slow", city="x")]) for _ in range(3)])
    with _client(server) as client:
        result = client.run(USER, tools=[slow], limits=Limits(time_budget=60))
    assert (result.stop_reason, result.turns, len(server.requests)) == ("time_budget", 1, 1)


def test_context_policy_drops_the_middle_turns_but_keeps_the_transcript(server: ReferenceServer) -> None:
    turns = [Turn(reasoning=f"step {i}", tool_calls=[_call("get_weather", city=f"C{i}")]) for i in range(5)]
    server.script(*turns, Turn(content="end"))
    policy = KeepFirstAndLast(context_window=10, trigger=0.5, keep_last=2)  # tiny window: always over
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], context_policy=policy)
    assert result.stop_reason == "completed"
    last = server.requests[-1].json["messages"]
    kept = [m["reasoning_details"][0]["text"] for m in last if m["role"] == "assistant"]
    assert kept == ["step 0", "step 3", "step 4"]  # first turn + last two, the middle dropped
    assert [m["content"] for m in last if m["role"] == "tool"] == [
        "C0: sunny for 1 days",
        "C3: sunny for 1 days",
        "C4: sunny for 1 days",
    ]
    assert sum(isinstance(m, AssistantMessage) for m in result.messages) == 6  # the transcript is whole


def test_hooks_and_run_stream_events(server: ReferenceServer) -> None:
    seen: list[str] = []

    class Recorder(RunHooks):
        def on_turn_start(self, turn: int, messages: list[Any]) -> None:
            seen.append(f"turn {turn}")

        def on_tool_start(self, call: ToolCall) -> None:
            seen.append(f"start {call.name}")

        def on_tool_end(self, call: ToolCall, result: Any) -> None:
            seen.append(f"end {call.name}")

        def on_usage(self, usage: Any, total: Any) -> None:
            seen.append("usage")

    server.script(Turn(reasoning="r", tool_calls=[_call("get_weather", city="Rome")]), Turn(content="Warm."))
    with _client(server) as client:
        events = list(client.run_stream(USER, tools=[get_weather], hooks=Recorder()))
    assert seen == ["turn 1", "usage", "start get_weather", "end get_weather", "turn 2", "usage"]
    kinds = [type(e) for e in events]
    assert kinds[0] is TurnStartEvent
    assert kinds.count(DoneEvent) == 2
    assert kinds.index(ToolStartEvent) < kinds.index(ToolEndEvent)
    assert isinstance(events[-1], RunDoneEvent)
    assert events[-1].result.final_answer == "Warm."
    assert events[-1].result.usage.total_tokens > 0


def test_truncated_raw_tool_call_is_answered_and_redone() -> None:
    cut_off = '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Li'
    with ReferenceServer(dialect="openai-raw") as srv:
        srv.script(
            Turn(reasoning="call", content="Checking.\n" + cut_off, finish_reason="length"),
            Turn(reasoning="again", tool_calls=[_call("get_weather", city="Lima")]),
            Turn(content="Done."),
        )
        with MiniMax(backend="openai", base_url=srv.base_url) as client:
            result = client.run(USER, tools=[get_weather])
        second = srv.requests[1].json["messages"]
    assert result.stop_reason == "completed"
    answers = [m.content for m in result.messages if isinstance(m, ToolMessage)]
    assert "cut off" in answers[0]
    assert answers[1] == "Lima: sunny for 1 days"
    # the unreadable call stands in history as a call with no arguments, so its error result follows a call
    assert second[1]["tool_calls"][0]["function"] == {"name": "get_weather", "arguments": "{}"}
    assert second[2]["role"] == "tool"
    assert second[2]["tool_call_id"] == second[1]["tool_calls"][0]["id"]


def test_tools_without_a_function_are_refused_before_the_run() -> None:
    with pytest.raises(ValueError, match="no function"):
        MiniMax(backend="openai", base_url="http://127.0.0.1:9/v1").run(
            USER, tools=[Tool.from_schema("f", {"type": "object"})]
        )
    with pytest.raises(ValueError, match="callable"):
        MiniMax(backend="openai", base_url="http://127.0.0.1:9/v1").run(USER, tools=[{"name": "f", "parameters": {}}])


def test_the_model_is_told_when_a_parameter_was_given_twice() -> None:
    """Issue 11, item 5: the parser keeps the last of a duplicated parameter with a warning; the loop passes
    the warning to the model with the result."""
    from minimax_sdk import ChatRequest, FunctionBackend, MiniMax, ToolMessage

    def model(request: ChatRequest) -> str:
        if any(isinstance(m, ToolMessage) for m in request.messages):
            return "<think>done</think>\nDone."
        return (
            '<minimax:tool_call>\n<invoke name="echo">\n<parameter name="text">a</parameter>\n'
            '<parameter name="text">b</parameter>\n</invoke>\n</minimax:tool_call>'
        )

    def echo(text: str) -> str:
        """Echo."""
        return text

    result = MiniMax(backend=FunctionBackend(model)).run([{"role": "user", "content": "go"}], tools=[echo])
    tool_result = next(m for m in result.messages if isinstance(m, ToolMessage))
    assert tool_result.content.startswith("b\n\nNote on your call: ")
    assert "'text' was given more than once" in tool_result.content
