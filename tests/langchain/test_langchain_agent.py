"""A LangGraph ReAct agent with two tools on ChatMiniMax: every model request carries the earlier turns' reasoning.

The reference server records the requests; the second and third must hold the first (and second) turn's
reasoning in the backend's own channel, whichever way the agent runs: ``invoke`` (non-streaming model calls),
``stream(stream_mode="messages")`` and ``astream`` (streamed model calls, aggregated chunks in state),
``stream_events(version="v3")`` (LangGraph stores v1 content blocks), and a run resumed from a checkpoint
(messages deserialized from the checkpointer).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from langchain_minimax import ChatMiniMax
from minimax_sdk.testing import ReferenceServer, Turn

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # create_react_agent moved to langchain.agents (not a dependency here)
    from langgraph.prebuilt import create_react_agent

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"]), pytest.mark.filterwarnings("ignore::DeprecationWarning")]

R1 = "The user asks for weather and time. First the weather: call get_weather."
R2 = "Sunny. Now the time: call get_time."
R3 = "I have both; answer."


@tool
def get_weather(city: str) -> str:
    """The current weather in a city."""
    return f"Sunny in {city}."


@tool
def get_time(city: str) -> str:
    """The local time in a city."""
    return f"It is noon in {city}."


def _details(message: dict[str, Any]) -> str:
    return str(message["reasoning_details"][0]["text"])


def _inline(message: dict[str, Any]) -> str:
    content = str(message["content"])
    assert content.startswith("<think>\n")
    return content[len("<think>\n") : content.index("\n</think>")]


def _field(message: dict[str, Any]) -> str:
    return str(message["reasoning_content"])


DIALECTS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    # server dialect: (SDK backend, how the reasoning of an assistant message is read from the request)
    "minimax": ("minimax", _details),
    "minimax-inline": ("minimax-inline", _inline),
    "openai-split": ("openai", _field),
}


@pytest.fixture(params=list(DIALECTS))
def setup(request: pytest.FixtureRequest) -> Iterator[tuple[ReferenceServer, ChatMiniMax, Callable[..., str]]]:
    backend, read = DIALECTS[request.param]
    with ReferenceServer(dialect=request.param) as server:
        server.script(
            Turn(
                reasoning=R1,
                content="Checking the weather.",
                tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
            ),
            Turn(reasoning=R2, tool_calls=[{"name": "get_time", "arguments": {"city": "Paris"}}]),
            Turn(reasoning=R3, content="Sunny, and it is noon in Paris."),
        )
        yield server, ChatMiniMax(backend=backend, base_url=server.base_url, api_key="sk-loopback"), read


def _assert_reasoning_sent_back(server: ReferenceServer, read: Callable[[dict[str, Any]], str]) -> None:
    requests = server.wait_for_requests(3)
    assert len(requests) == 3
    histories = [r.json["messages"] for r in requests]
    assert [m["role"] for m in histories[1]] == ["user", "assistant", "tool"]
    assert [m["role"] for m in histories[2]] == ["user", "assistant", "tool", "assistant", "tool"]
    assert [read(m) for m in histories[1] if m["role"] == "assistant"] == [R1]
    assert [read(m) for m in histories[2] if m["role"] == "assistant"] == [R1, R2]
    second = histories[2][3]
    assert [c["function"]["name"] for c in second["tool_calls"]] == ["get_time"]
    assert histories[2][4]["tool_call_id"] == second["tool_calls"][0]["id"]


def _run(agent: Any, mode: str, config: dict[str, Any]) -> list[Any]:
    inputs = {"messages": [("user", "Weather and time in Paris?")]}
    if mode == "invoke":
        return list(agent.invoke(inputs, config)["messages"])
    if mode == "stream":
        chunks = [chunk for chunk, _ in agent.stream(inputs, config, stream_mode="messages")]
        assert any(getattr(c, "tool_call_chunks", None) for c in chunks)  # the model really streamed
    elif mode == "astream":

        async def consume() -> None:
            async for _ in agent.astream(inputs, config, stream_mode="messages"):
                pass

        asyncio.run(consume())
    else:
        for _ in agent.stream_events(inputs, config, version="v3"):
            pass
    return list(agent.get_state(config).values["messages"])


@pytest.mark.parametrize("mode", ["invoke", "stream", "astream", "events_v3"])
def test_agent_requests_carry_earlier_reasoning(
    setup: tuple[ReferenceServer, ChatMiniMax, Callable[[dict[str, Any]], str]], mode: str
) -> None:
    server, model, read = setup
    agent = create_react_agent(model, [get_weather, get_time], checkpointer=InMemorySaver())
    messages = _run(agent, mode, {"configurable": {"thread_id": mode}})
    _assert_reasoning_sent_back(server, read)
    replies = [m for m in messages if isinstance(m, AIMessage)]
    first_blocks = [m.content_blocks[0] for m in replies]
    assert [(b["type"], b.get("reasoning")) for b in first_blocks] == [("reasoning", r) for r in (R1, R2, R3)]
    assert replies[-1].text == "Sunny, and it is noon in Paris."
    if mode == "events_v3":  # LangGraph stored the v1 standard-block form
        assert all(m.response_metadata.get("output_version") == "v1" for m in replies)


def test_agent_resumed_from_a_checkpoint_sends_the_stored_reasoning(
    setup: tuple[ReferenceServer, ChatMiniMax, Callable[[dict[str, Any]], str]],
) -> None:
    server, model, read = setup
    agent = create_react_agent(model, [get_weather, get_time], checkpointer=InMemorySaver(), interrupt_before=["tools"])
    config = {"configurable": {"thread_id": "resume"}}
    agent.invoke({"messages": [("user", "Weather and time in Paris?")]}, config)
    agent.invoke(None, config)  # state read back from the checkpointer
    agent.invoke(None, config)
    _assert_reasoning_sent_back(server, read)
