"""Real-model tests: run only with MINIMAX_API_KEY (the minimax dialect) or NVIDIA_API_KEY (nvidia).

Without a key each test is skipped with the reason; nothing here is reached otherwise.
"""

from __future__ import annotations

import os

import pytest

from minimax_sdk import MiniMax, ToolMessage
from minimax_sdk.parsing import ReasoningDelta

BACKENDS = [
    pytest.param("minimax", "MINIMAX_API_KEY", id="minimax"),
    pytest.param("minimax-inline", "MINIMAX_API_KEY", id="minimax-inline"),
    pytest.param("nvidia", "NVIDIA_API_KEY", id="nvidia"),
]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def _client(backend: str, env: str) -> MiniMax:
    if not os.environ.get(env):
        pytest.skip(f"{env} is not set: real-API tests for the {backend} backend need it")
    return MiniMax(backend=backend, timeout=120)


@pytest.mark.parametrize(("backend", "env"), BACKENDS)
def test_chat_returns_reasoning_and_content(backend: str, env: str) -> None:
    with _client(backend, env) as client:
        response = client.chat(
            [{"role": "user", "content": "What is 17 * 23? Answer with the number only."}], max_tokens=2048
        )
    assert "391" in response.message.content
    assert response.message.reasoning  # M2.x always thinks
    assert response.usage is not None
    assert response.usage.completion_tokens > 0


@pytest.mark.parametrize(("backend", "env"), BACKENDS)
def test_stream_gives_the_same_kind_of_response(backend: str, env: str) -> None:
    with _client(backend, env) as client:
        stream = client.stream([{"role": "user", "content": "Say hello in French, one word."}], max_tokens=1024)
        events = list(stream)
    assert any(isinstance(e, ReasoningDelta) for e in events)
    assert "bonjour" in stream.response.message.content.lower()


@pytest.mark.parametrize(("backend", "env"), BACKENDS)
def test_two_turn_tool_loop_with_reasoning_sent_back(backend: str, env: str) -> None:
    with _client(backend, env) as client:
        messages: list[object] = [{"role": "user", "content": "What's the weather in Paris? Use the tool."}]
        first = client.chat(messages, tools=[WEATHER], max_tokens=2048)  # type: ignore[arg-type]
        assert [c.name for c in first.message.tool_calls] == ["get_weather"]
        assert first.message.tool_calls[0].arguments.get("city", "").lower().startswith("paris")
        messages.append(first.message)
        messages += [ToolMessage(c.id, "Sunny, 21 C") for c in first.message.tool_calls]
        second = client.chat(messages, tools=[WEATHER], max_tokens=2048)  # type: ignore[arg-type]
    assert "21" in second.message.content or "sunny" in second.message.content.lower()
