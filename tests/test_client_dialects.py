"""The client against the reference server, every dialect: a two-turn tool loop where the second request
carries the first turn's reasoning in the place that backend expects (asserted on the recorded request)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from minimax_sdk import MiniMax
from minimax_sdk.messages import AssistantMessage, ChatResponse, DoneEvent, ToolMessage
from minimax_sdk.parsing import ContentDelta, ReasoningDelta, ToolCallEnd
from minimax_sdk.testing import DIALECTS, ReferenceServer, Turn

REASONING = "The user wants Paris; call get_weather."
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Forecast.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": ["city"],
            },
        },
    }
]


def _inline(msg: dict[str, Any]) -> str:
    return str(msg["content"])


CASES: dict[str, tuple[str, dict[str, Any], Callable[[dict[str, Any]], None]]] = {
    # case id: (server dialect, server options, check of the assistant message in the second request)
    "minimax": ("minimax", {}, lambda m: _eq(m["reasoning_details"][0]["text"], REASONING)),
    "minimax-incremental": (
        "minimax",
        {"reasoning_details_mode": "incremental"},
        lambda m: _eq(m["reasoning_details"][0]["text"], REASONING),
    ),
    "minimax-inline": (
        "minimax-inline",
        {},
        lambda m: _eq(_inline(m), f"<think>\n{REASONING}\n</think>\n\nLet me check."),
    ),
    "openai-split": ("openai-split", {}, lambda m: _eq(m["reasoning_content"], REASONING)),
    "openai-split-reasoning-field": (
        "openai-split",
        {"reasoning_field": "reasoning"},
        lambda m: _eq(m["reasoning"], REASONING),
    ),
    "openai-append-think": ("openai-append-think", {}, lambda m: _has_inline(m)),
    "openai-raw": ("openai-raw", {}, lambda m: _has_inline(m)),
    "nvidia": ("nvidia", {}, lambda m: _eq(m["reasoning_content"], REASONING)),
}
CLIENT_BACKEND = {name: dialect.backend for name, dialect in DIALECTS.items()}


def _eq(got: Any, want: Any) -> None:
    assert got == want


def _has_inline(msg: dict[str, Any]) -> None:
    content = str(msg["content"])
    assert content.startswith("<think>")
    assert f"{REASONING}\n</think>" in content
    assert "<minimax:tool_call>" not in content  # the call goes back structured, never twice


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


@pytest.fixture(params=list(CASES))
def case(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[ReferenceServer, MiniMax, Callable[[dict[str, Any]], None]]]:
    server_dialect, options, check = CASES[request.param]
    with ReferenceServer(dialect=server_dialect, **options) as server:
        server.script(
            Turn(
                reasoning=REASONING,
                content="Let me check.",
                tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}],
            ),
            Turn(reasoning="Done.", content="Sunny in Paris."),
        )
        client = MiniMax(backend=CLIENT_BACKEND[server_dialect], base_url=server.base_url, api_key="sk-test")
        try:
            yield server, client, check
        finally:
            client.close()


def _loop(client: MiniMax, streaming: bool) -> tuple[ChatResponse, ChatResponse, list[Any]]:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    events: list[Any] = []

    def call() -> ChatResponse:
        if not streaming:
            return client.chat(messages, tools=TOOLS)
        stream = client.stream(messages, tools=TOOLS)
        events.extend(stream)
        return stream.response

    first = call()
    messages.append(first.message)
    messages.extend(ToolMessage(c.id, "Sunny, 21 C") for c in first.message.tool_calls)
    second = call()
    return first, second, events


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "sse"])
def test_two_turn_tool_loop_sends_reasoning_back(
    case: tuple[ReferenceServer, MiniMax, Callable[[dict[str, Any]], None]], streaming: bool
) -> None:
    server, client, check = case
    first, second, events = _loop(client, streaming)
    assert isinstance(first.message, AssistantMessage)
    assert first.message.reasoning == REASONING
    assert first.message.content == "Let me check."
    assert [(c.name, c.arguments) for c in first.message.tool_calls] == [("get_weather", {"city": "Paris", "days": 3})]
    assert (second.message.reasoning, second.message.content) == ("Done.", "Sunny in Paris.")
    sent = server.requests[1].json
    assistant = sent["messages"][1]
    assert assistant["role"] == "assistant"
    check(assistant)
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == ["get_weather"]
    assert sent["messages"][2]["role"] == "tool"
    assert sent["messages"][2]["tool_call_id"] == first.message.tool_calls[0].id
    assert sent["temperature"] == 1.0
    assert sent["top_p"] == 0.95
    if streaming:
        assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == REASONING + "Done."
        assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Let me check.Sunny in Paris."
        assert [e.arguments for e in events if isinstance(e, ToolCallEnd)] == [{"city": "Paris", "days": 3}]
        assert sum(isinstance(e, DoneEvent) for e in events) == 2
        assert sent["stream"] is True


def test_usage_and_ids_are_reported() -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="r",
                content="c",
                usage={"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
            )
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="sk-test") as client:
            resp = client.chat([{"role": "user", "content": "hi"}])
    assert resp.usage is not None
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (7, 3, 10)
    assert resp.finish_reason == "stop"
    assert server.requests[0].headers["authorization"] == "Bearer sk-test"
    assert server.requests[0].json["reasoning_split"] is True


@pytest.mark.parametrize(("raw_mode", "many"), [(None, False), ("raw", True)])
def test_raw_mode_setting_streams_a_raw_servers_reasoning_at_once(raw_mode: str | None, many: bool) -> None:
    reasoning = "a long chain of thought that arrives in many small chunks"
    with ReferenceServer(dialect="openai-raw", chunk_chars=4) as server:
        server.script(Turn(reasoning=reasoning, content="answer"))
        with MiniMax(backend="openai", base_url=server.base_url, raw_mode=raw_mode) as client:
            stream = client.stream([{"role": "user", "content": "think"}])
            pieces = [e.text for e in stream if isinstance(e, ReasoningDelta)]
    assert "".join(pieces) == reasoning
    assert stream.response.message.content == "answer"
    # auto mode must wait for </think> to know the output started inside reasoning: one late piece;
    # raw_mode="raw" knows it from the start and streams every chunk as it comes
    assert (len(pieces) > 5) is many
