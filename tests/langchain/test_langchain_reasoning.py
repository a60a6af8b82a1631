"""Reasoning with ChatMiniMax: read from every wire shape, given as standard blocks, sent back on later turns.

Assertions are on the requests the reference server recorded: an assistant turn's reasoning must go back in
the channel its backend expects, whether the history holds ChatMiniMax's own messages (invoked or streamed,
sync or async), LangGraph's v1 standard-block copies, or messages from other integrations (reasoning in
``additional_kwargs``, inline ``<think>``, Anthropic ``thinking`` blocks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from langchain_core.load import dumps, loads
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, ToolMessage
from langchain_tests.utils.stream_lifecycle import assert_valid_event_stream

from langchain_minimax import ChatMiniMax
from minimax_sdk.testing import ReferenceServer, Turn

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

REASONING = "The user wants Paris; call get_weather."
CALL = {"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}


def get_weather(city: str, days: int = 1) -> str:
    """Forecast for a city.

    Args:
        city: The city.
        days: How many days ahead.
    """
    return "sunny"


def _details(message: dict[str, Any]) -> str:
    return str(message["reasoning_details"][0]["text"])


def _field(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda message: str(message[name])


def _inline(message: dict[str, Any]) -> str:
    content = str(message["content"])
    assert content.startswith("<think>"), content
    assert "<minimax:tool_call>" not in content  # calls go back structured, never twice
    return content.removeprefix("<think>").split("</think>")[0].strip("\n")


# case id: (server dialect, server options, SDK backend, how the request's assistant message holds reasoning)
CASES: dict[str, tuple[str, dict[str, Any], str, Callable[[dict[str, Any]], str]]] = {
    "minimax": ("minimax", {}, "minimax", _details),
    "minimax-incremental": ("minimax", {"reasoning_details_mode": "incremental"}, "minimax", _details),
    "minimax-inline": ("minimax-inline", {}, "minimax-inline", _inline),
    "openai-split": ("openai-split", {}, "openai", _field("reasoning_content")),
    "openai-split-reasoning": ("openai-split", {"reasoning_field": "reasoning"}, "openai", _field("reasoning")),
    "openai-append-think": ("openai-append-think", {}, "openai", _inline),
    "openai-raw": ("openai-raw", {}, "openai", _inline),
    "nvidia": ("nvidia", {}, "nvidia", _field("reasoning_content")),
}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[ReferenceServer, ChatMiniMax, Callable[..., str]]]:
    dialect, options, backend, read = CASES[request.param]
    with ReferenceServer(dialect=dialect, chunk_chars=3, **options) as server:
        server.script(
            Turn(reasoning=REASONING, content="Let me check.", tool_calls=[CALL]),
            Turn(reasoning="Done.", content="Sunny in Paris."),
        )
        yield server, ChatMiniMax(backend=backend, base_url=server.base_url, api_key="sk-loopback"), read


def _aggregate(chunks: list[AIMessageChunk]) -> AIMessage:
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return full


async def _acall(model: Any, messages: list[BaseMessage], mode: str) -> AIMessage:
    if mode == "ainvoke":
        result: AIMessage = await model.ainvoke(messages)
        return result
    return _aggregate([chunk async for chunk in model.astream(messages)])


def _call(model: Any, messages: list[BaseMessage], mode: str) -> AIMessage:
    if mode == "invoke":
        result: AIMessage = model.invoke(messages)
        return result
    return _aggregate(list(model.stream(messages)))


def _check_loop(server: ReferenceServer, read: Callable[[dict[str, Any]], str], first: AIMessage) -> None:
    assert [(b["type"], b.get("reasoning", b.get("text"))) for b in first.content_blocks[:2]] == [
        ("reasoning", REASONING),
        ("text", "Let me check."),
    ]
    assert "<think>" not in first.text
    assert first.additional_kwargs["reasoning_content"] == REASONING
    assert [(c["name"], c["args"]) for c in first.tool_calls] == [("get_weather", {"city": "Paris", "days": 3})]
    sent = server.requests[1].json["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool"]
    assert read(sent[1]) == REASONING
    assert [c["function"]["name"] for c in sent[1]["tool_calls"]] == ["get_weather"]
    assert sent[2]["tool_call_id"] == first.tool_calls[0]["id"]


@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_tool_loop_sends_reasoning_back(
    case: tuple[ReferenceServer, ChatMiniMax, Callable[[dict[str, Any]], str]], mode: str
) -> None:
    server, model, read = case
    bound = model.bind_tools([get_weather])
    history: list[BaseMessage] = [HumanMessage("Weather in Paris?")]
    first = _call(bound, history, mode)
    history += [first, ToolMessage("Sunny, 21 C", tool_call_id=first.tool_calls[0]["id"])]
    second = _call(bound, history, mode)
    _check_loop(server, read, first)
    assert second.text == "Sunny in Paris."


@pytest.mark.parametrize("mode", ["ainvoke", "astream"])
async def test_async_tool_loop_sends_reasoning_back(
    case: tuple[ReferenceServer, ChatMiniMax, Callable[[dict[str, Any]], str]], mode: str
) -> None:
    server, model, read = case
    bound = model.bind_tools([get_weather])
    history: list[BaseMessage] = [HumanMessage("Weather in Paris?")]
    first = await _acall(bound, history, mode)
    history += [first, ToolMessage("Sunny, 21 C", tool_call_id=first.tool_calls[0]["id"])]
    await _acall(bound, history, mode)
    _check_loop(server, read, first)


# --- histories in other shapes ----------------------------------------------------------------------------

_TOOL_CALL = {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1", "type": "tool_call"}

FOREIGN: dict[str, AIMessage] = {
    "v1-blocks": AIMessage(
        content=[
            {"type": "reasoning", "reasoning": REASONING, "index": 0},
            {"type": "text", "text": "Let me check.", "index": 1},
            {"type": "tool_call", "id": "call_1", "name": "get_weather", "args": {"city": "Paris"}},
        ],
        tool_calls=[_TOOL_CALL],
        response_metadata={"output_version": "v1", "model_provider": "minimax"},
    ),
    "reasoning-content": AIMessage(
        content="Let me check.", additional_kwargs={"reasoning_content": REASONING}, tool_calls=[_TOOL_CALL]
    ),
    "reasoning-details": AIMessage(
        content="Let me check.",
        additional_kwargs={"reasoning_details": [{"type": "reasoning.text", "index": 0, "text": REASONING}]},
        tool_calls=[_TOOL_CALL],
    ),
    "inline-think": AIMessage(content=f"<think>\n{REASONING}\n</think>\n\nLet me check.", tool_calls=[_TOOL_CALL]),
    "anthropic-thinking": AIMessage(
        content=[
            {"type": "thinking", "thinking": REASONING, "signature": "sig"},
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
        ],
        tool_calls=[_TOOL_CALL],
    ),
}
BACKENDS: dict[str, tuple[str, str, Callable[[dict[str, Any]], str]]] = {
    "minimax": ("minimax", "minimax", _details),
    "minimax-inline": ("minimax-inline", "minimax-inline", _inline),
    "openai": ("openai-split", "openai", _field("reasoning_content")),
}


@pytest.mark.parametrize("backend_id", list(BACKENDS))
@pytest.mark.parametrize("shape", list(FOREIGN))
def test_history_in_any_shape_sends_reasoning_back(shape: str, backend_id: str) -> None:
    dialect, backend, read = BACKENDS[backend_id]
    history = [HumanMessage("Weather in Paris?"), FOREIGN[shape], ToolMessage("Sunny", tool_call_id="call_1")]
    with ReferenceServer(dialect=dialect) as server:
        ChatMiniMax(backend=backend, base_url=server.base_url, api_key="k").bind_tools([get_weather]).invoke(history)
    sent = server.requests[0].json["messages"][1]
    assert read(sent) == REASONING
    assert sent["content"].endswith("Let me check.")
    assert sent["tool_calls"][0]["id"] == "call_1"


@pytest.mark.filterwarnings("ignore:The function `loads` is in beta")
def test_messages_survive_serialization_and_keep_their_channel() -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(Turn(reasoning=REASONING, content="Let me check.", tool_calls=[CALL]), Turn(content="ok"))
        model = ChatMiniMax(base_url=server.base_url, api_key="k").bind_tools([get_weather])
        first = _aggregate(list(model.stream("Weather?")))
        revived = loads(dumps(first), allowed_objects="messages")
        model.invoke([HumanMessage("Weather?"), revived, ToolMessage("Sunny", tool_call_id=first.tool_calls[0]["id"])])
    sent = server.requests[1].json["messages"][1]
    details = first.additional_kwargs["reasoning_details"]
    assert sent["reasoning_details"] == details  # the platform's own items, unchanged
    assert details[0]["id"] == "reasoning-text-1"


def test_edited_reply_is_sent_as_edited_not_as_it_arrived() -> None:
    with ReferenceServer(dialect="minimax-inline") as server:
        server.script(Turn(reasoning=REASONING, content="Draft answer."), Turn(content="ok"))
        model = ChatMiniMax(backend="minimax-inline", base_url=server.base_url, api_key="k")
        reply = model.invoke("Hi")
        assert reply.additional_kwargs["minimax"]["raw_content"] == f"<think>\n{REASONING}\n</think>\n\nDraft answer."
        edited = reply.model_copy(update={"content": [reply.content[0], {"type": "text", "text": "Final answer."}]})
        model.invoke([HumanMessage("Hi"), edited, HumanMessage("And?")])
    assert server.requests[1].json["messages"][1]["content"] == f"<think>\n{REASONING}\n</think>\n\nFinal answer."


def test_system_messages_fold_into_one_leading_message() -> None:
    from langchain_core.messages import SystemMessage

    with ReferenceServer(dialect="minimax") as server:
        model = ChatMiniMax(base_url=server.base_url, api_key="k")
        model.invoke([SystemMessage("Be brief."), HumanMessage("Hi"), SystemMessage("Use French."), HumanMessage("Yo")])
    sent = server.requests[0].json["messages"]
    assert sent[0] == {"role": "system", "content": "Be brief.\n\nUse French."}
    assert [m["role"] for m in sent] == ["system", "user", "user"]


# --- the shape of what comes out -------------------------------------------------------------------------------


def test_stream_shares_one_running_index_and_ends_with_one_final_chunk() -> None:
    second_call = {"name": "get_weather", "arguments": {"city": "Lyon"}}
    with ReferenceServer(dialect="minimax-inline", chunk_chars=1) as server:  # tags cut at every character
        server.script(Turn(reasoning=REASONING, content="Checking both.", tool_calls=[CALL, second_call]))
        model = ChatMiniMax(backend="minimax-inline", base_url=server.base_url, api_key="k")
        chunks = list(model.bind_tools([get_weather]).stream("Paris and Lyon?"))
    indexes = [(b["type"], b["index"]) for c in chunks for b in c.content if isinstance(b, dict)] + [
        ("tool_call_chunk", t["index"]) for c in chunks for t in c.tool_call_chunks
    ]
    assert sorted(set(indexes)) == [("reasoning", 0), ("text", 1), ("tool_call_chunk", 2), ("tool_call_chunk", 3)]
    last = chunks[-1]
    assert (last.chunk_position, last.content, last.tool_call_chunks) == ("last", [], [])
    assert [c for c in chunks if c.usage_metadata] == [last]
    assert [c for c in chunks if "model_name" in c.response_metadata] == [last]
    assert last.response_metadata["finish_reason"] == "tool_calls"
    full = _aggregate(chunks)
    assert full.text == "Checking both."
    assert full.additional_kwargs["reasoning_content"] == REASONING
    assert [c["args"] for c in full.tool_calls] == [{"city": "Paris", "days": 3}, {"city": "Lyon"}]
    assert [b["type"] for b in full.content_blocks] == ["reasoning", "text", "tool_call", "tool_call"]


def test_v1_output_and_v3_events_keep_reasoning_text_and_tool_calls_apart() -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(*[Turn(reasoning=REASONING, content="Let me check.", tool_calls=[CALL])] * 3)
        v1 = ChatMiniMax(base_url=server.base_url, api_key="k", output_version="v1").bind_tools([get_weather])
        streamed = _aggregate(list(v1.stream("Weather?")))
        invoked = v1.invoke("Weather?")
        events_stream = ChatMiniMax(base_url=server.base_url, api_key="k").bind_tools([get_weather])
        stream = events_stream.stream_events("Weather?", version="v3")
        events = list(stream)
    for message in (streamed, invoked, stream.output):
        assert [b["type"] for b in message.content_blocks] == ["reasoning", "text", "tool_call"], message
        assert message.content_blocks[0]["reasoning"] == REASONING
    assert_valid_event_stream(events)


def test_invalid_tool_calls_are_reported_not_dropped() -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="r",
                tool_calls=[{"name": "get_weather", "arguments": '{"city": '}, {"name": "launch", "arguments": {}}],
            )
        )
        reply = ChatMiniMax(base_url=server.base_url, api_key="k").bind_tools([get_weather]).invoke("Go")
    assert reply.tool_calls == []
    assert [(c["name"], c["args"]) for c in reply.invalid_tool_calls] == [
        ("get_weather", '{"city": '),
        ("launch", "{}"),
    ]
    assert reply.invalid_tool_calls[0]["error"].startswith("malformed")
    assert reply.invalid_tool_calls[1]["error"].startswith("unknown_tool")


def test_invalid_call_goes_back_only_when_a_tool_message_answers_it() -> None:
    bad = {
        "name": "get_weather",
        "args": '{"city": ',
        "id": "call_bad",
        "error": "malformed",
        "type": "invalid_tool_call",
    }
    other = {**bad, "id": "call_unanswered"}
    history = [
        HumanMessage("Go"),
        AIMessage(content="", invalid_tool_calls=[bad, other]),
        ToolMessage("Error: your arguments were not JSON", tool_call_id="call_bad", status="error"),
    ]
    with ReferenceServer(dialect="openai-split") as server:
        ChatMiniMax(backend="openai", base_url=server.base_url).invoke(history)
    calls = server.requests[0].json["messages"][1]["tool_calls"]
    assert [(c["id"], c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("call_bad", "get_weather", "{}")  # arguments that could not be read go back empty
    ]


def test_request_fields_come_from_init_then_per_call_kwargs() -> None:
    with ReferenceServer(dialect="openai-split") as server:
        model = ChatMiniMax(
            backend="openai",
            base_url=server.base_url,
            temperature=0.3,
            top_p=0.8,
            max_tokens=64,
            stop=["END"],
            model_kwargs={"top_k": 20},
        )
        model.invoke("a")
        model.invoke("b", model="MiniMaxAI/MiniMax-M2", temperature=0.9, stop=["STOP"])
        reply = model.bind_tools([get_weather], tool_choice="get_weather", parallel_tool_calls=False).invoke("c")
    first, second, third = (r.json for r in server.requests)
    assert {k: first[k] for k in ("model", "temperature", "top_p", "max_tokens", "stop", "top_k")} == {
        "model": "MiniMaxAI/MiniMax-M2.1",
        "temperature": 0.3,
        "top_p": 0.8,
        "max_tokens": 64,
        "stop": ["END"],
        "top_k": 20,
    }
    assert (second["model"], second["temperature"], second["stop"]) == ("MiniMaxAI/MiniMax-M2", 0.9, ["STOP"])
    assert third["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert third["parallel_tool_calls"] is False
    assert third["tools"][0]["function"]["parameters"]["required"] == ["city"]
    assert reply.response_metadata["model_provider"] == "minimax"


def test_streaming_instance_invokes_through_the_stream() -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(Turn(reasoning=REASONING, content="Hi."))
        reply = ChatMiniMax(base_url=server.base_url, api_key="k", streaming=True).invoke("Hello")
    assert server.requests[0].json["stream"] is True
    assert (reply.text, reply.additional_kwargs["reasoning_content"]) == ("Hi.", REASONING)
    assert reply.usage_metadata is not None


def test_one_model_serves_several_event_loops() -> None:
    import asyncio

    with ReferenceServer(dialect="minimax") as server:
        model = ChatMiniMax(base_url=server.base_url, api_key="k")
        first = asyncio.run(model.ainvoke("one"))
        second = asyncio.run(model.ainvoke("two"))  # a fresh loop: the client of the closed one is not reused
    assert (first.text, second.text) == ("one", "two")
