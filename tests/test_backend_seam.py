"""The backend seam: a registered kind serves chat, stream, run and ChatMiniMax with no change to the client; the
same conversation through HTTP (the reference server) and through the in-process function backend gives equal
responses; a response, its stream and its saved-and-reloaded dict give the same message, in every dialect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from minimax_sdk import (
    AssistantMessage,
    AsyncMiniMax,
    BackendKind,
    ChatRequest,
    ChatResponse,
    FunctionBackend,
    MiniMax,
    ToolMessage,
    register_backend,
)
from minimax_sdk.backends.registry import unregister_backend
from minimax_sdk.parsing import ContentDelta, InvalidToolCall, ReasoningDelta, ToolCall, ToolCallEnd
from minimax_sdk.testing import DIALECTS, ReferenceServer, Turn
from minimax_sdk.testing._turns import raw_completion

pytestmark = pytest.mark.usefixtures("clean_env")

WEATHER = {
    "name": "get_weather",
    "description": "Forecast.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
CALL_TURN = Turn(
    reasoning="The user wants Paris; call get_weather.",
    content="Let me check.",
    tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris", "days": 2}}],
)
ANSWER_TURN = Turn(reasoning="Sunny: say so.", content="It is sunny in Paris.")
USER = [{"role": "user", "content": "Weather in Paris?"}]

# server dialect -> the client backend that reads it
HTTP_CASES = {name: dialect.backend for name, dialect in DIALECTS.items()}


def get_weather(city: str, days: int = 1) -> str:
    """Forecast for a city."""
    return f"{city}: sunny for {days} days"


def _ids_normalised(message: AssistantMessage) -> AssistantMessage:
    blocks = tuple(
        replace(b, id=f"id{i}") if isinstance(b, ToolCall | InvalidToolCall) else b
        for i, b in enumerate(message.blocks)
    )
    return replace(message, blocks=blocks)


def _comparable(response: ChatResponse) -> ChatResponse:
    """What two backends must agree on: everything but the ids a server assigns and the usage it counts."""
    return replace(
        response,
        message=_ids_normalised(response.message),
        usage=None,
        id=None,
        request_id=None,
        server_finish_reason=None,
    )


def _reloaded(message: AssistantMessage) -> AssistantMessage:
    return AssistantMessage.from_dict(json.loads(json.dumps(message.to_dict())))


# --- one message, however it arrived --------------------------------------------------------------------


@pytest.mark.parametrize("server_dialect", sorted(HTTP_CASES))
def test_response_its_stream_and_its_saved_dict_give_the_same_message(server_dialect: str) -> None:
    with ReferenceServer(server_dialect) as server:
        server.script(CALL_TURN, CALL_TURN)
        with MiniMax(backend=HTTP_CASES[server_dialect], base_url=server.base_url, api_key="sk-test-seam") as client:
            whole = client.chat(USER, tools=[WEATHER])
            streamed = client.stream(USER, tools=[WEATHER]).until_done()
    assert _comparable(whole) == _comparable(streamed)
    assert whole.message.tool_calls[0].arguments == {"city": "Paris", "days": 2}
    assert whole.message.reasoning == CALL_TURN.reasoning
    for message in (whole.message, streamed.message):
        assert _reloaded(message) == message  # exactly, ids and the reasoning's origin included
    assert whole.finish_reason == streamed.finish_reason == "tool_calls"


@pytest.mark.parametrize("server_dialect", ["openai-raw", "openai-split"])
@pytest.mark.parametrize("streaming", [False, True], ids=["chat", "stream"])
def test_http_and_the_function_backend_give_equal_responses(server_dialect: str, streaming: bool) -> None:
    """The same conversation: the reference server answers over HTTP; the function answers in-process with
    what that server's model wrote (raw M2 text) or what its parsers produced (a structured message)."""

    def model(request: ChatRequest) -> str | AssistantMessage:
        turn = ANSWER_TURN if any(isinstance(m, ToolMessage) for m in request.messages) else CALL_TURN
        if server_dialect == "openai-raw":
            return raw_completion(turn)
        calls = [{"name": c.name, "arguments": c.arguments} for c in turn.calls]
        return AssistantMessage.build(turn.content, reasoning=turn.reasoning, tool_calls=calls)

    def conversation(client: MiniMax) -> list[ChatResponse]:
        first = client.stream(USER, tools=[WEATHER]).until_done() if streaming else client.chat(USER, tools=[WEATHER])
        call = first.message.tool_calls[0]
        history = [*USER, first.message, ToolMessage(call.id, get_weather(**call.arguments), call.name)]
        second = client.stream(history, tools=[WEATHER]).until_done() if streaming else client.chat(history)
        return [first, second]

    with ReferenceServer(server_dialect) as server:
        server.script(CALL_TURN, ANSWER_TURN)
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            over_http = conversation(client)
    with MiniMax(backend=FunctionBackend(model, dialect="openai"), model=over_http[0].model) as client:
        in_process = conversation(client)
    assert [_comparable(r) for r in over_http] == [_comparable(r) for r in in_process]
    assert over_http[1].message.content == "It is sunny in Paris."


# --- a kind registered by a test serves everything ---------------------------------------------------------


def _scripted_model(request: ChatRequest) -> str:
    if any(isinstance(m, ToolMessage) for m in request.messages):
        return "<think>Sunny: say so.</think>\nIt is sunny in Paris."
    return (
        '<think>Need the forecast.</think>\n<minimax:tool_call>\n<invoke name="get_weather">\n'
        '<parameter name="city">Paris</parameter>\n</invoke>\n</minimax:tool_call>'
    )


@pytest.fixture
def scripted_kind() -> Iterator[list[FunctionBackend]]:
    """A backend kind named "scripted", built from settings like any other; the backends it built."""
    built: list[FunctionBackend] = []

    def factory(settings: Any, *, asynchronous: bool, http_client: Any = None) -> FunctionBackend:
        backend = FunctionBackend(_scripted_model, dialect=settings.backend)
        built.append(backend)
        return backend

    register_backend(BackendKind("scripted", factory, "MiniMax-M2.1", needs_base_url=False))
    try:
        yield built
    finally:
        unregister_backend("scripted")


def test_a_registered_kind_serves_chat_stream_and_run(scripted_kind: list[FunctionBackend]) -> None:
    with MiniMax(backend="scripted") as client:
        response = client.chat(USER, tools=[get_weather])
        assert response.message.tool_calls[0].arguments == {"city": "Paris"}
        assert response.finish_reason == "tool_calls"
        assert response.server_finish_reason == "stop"
        events = list(client.stream(USER, tools=[get_weather]))
        assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "Need the forecast."
        assert [e.call.name for e in events if isinstance(e, ToolCallEnd)] == ["get_weather"]
        result = client.run(USER, tools=[get_weather])
    assert result.final_answer == "It is sunny in Paris."
    assert result.stop_reason == "completed"
    assert result.tool_calls == 1
    sent = scripted_kind[0].requests[-1]  # the run's second turn carries the first turn's reasoning
    assert [type(m).__name__ for m in sent.messages] == ["UserMessage", "AssistantMessage", "ToolMessage"]
    assert sent.messages[1].reasoning == "Need the forecast."  # type: ignore[union-attr]
    assert scripted_kind[0].closed


def test_a_registered_kind_serves_the_async_client(scripted_kind: list[FunctionBackend]) -> None:
    async def main() -> tuple[str, str]:
        async with AsyncMiniMax(backend="scripted") as client:
            text = "".join(
                [e.text async for e in client.stream(USER, tools=[get_weather]) if isinstance(e, ReasoningDelta)]
            )
            result = await client.run(USER, tools=[get_weather])
        return text, result.final_answer

    assert asyncio.run(main()) == ("Need the forecast.", "It is sunny in Paris.")


def test_a_registered_kind_serves_chat_minimax(scripted_kind: list[FunctionBackend]) -> None:
    pytest.importorskip("langchain_core")
    from langchain_minimax import ChatMiniMax

    model = ChatMiniMax(backend="scripted").bind_tools([get_weather])
    reply = model.invoke("Weather in Paris?")
    assert reply.tool_calls[0]["args"] == {"city": "Paris"}
    assert reply.content_blocks[0] == {"type": "reasoning", "reasoning": "Need the forecast."}
    chunks = list(model.stream("Weather in Paris?"))
    assert sum(chunks[1:], chunks[0]).tool_calls[0]["name"] == "get_weather"  # type: ignore[attr-defined]


def test_a_backend_object_needs_no_url_no_key_and_no_kind() -> None:
    backend = FunctionBackend(lambda request: "<think>r</think>\nHello.")
    with MiniMax(backend=backend, model="m") as client:
        assert client.settings.backend == "custom"
        response = client.chat([{"role": "user", "content": "hi"}])
    assert (response.message.reasoning, response.message.content, response.model) == ("r", "Hello.", "m")
    assert backend.closed


def test_the_sync_client_refuses_an_async_function_with_a_clear_error() -> None:
    async def model(request: ChatRequest) -> str:
        return "hi"

    with (
        MiniMax(backend=FunctionBackend(model)) as client,
        pytest.raises(TypeError, match="the function is async: use AsyncMiniMax"),
    ):
        client.chat([{"role": "user", "content": "hi"}])


def test_an_object_that_is_not_a_backend_is_refused() -> None:
    with pytest.raises(TypeError, match="MiniMax needs a backend with chat, stream and close"):
        MiniMax(backend=object())  # type: ignore[arg-type]


def test_function_backend_streams_pieces_as_deltas() -> None:
    backend = FunctionBackend(lambda request: iter(["<think>a", "b</think>", "\nHel", "lo"]))
    with MiniMax(backend=backend) as client:
        events = list(client.stream([{"role": "user", "content": "hi"}]))
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "ab"
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Hello"
