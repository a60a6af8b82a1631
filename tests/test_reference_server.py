"""The reference server speaks each dialect's wire shape, JSON and SSE, and records what it receives.

Everything goes through httpx against the real server on loopback; SSE is parsed here, by hand, so these
tests do not lean on the SDK's own client.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from minimax_sdk.testing import DIALECTS, Fault, ReferenceServer, Turn

pytestmark = pytest.mark.timeout(30)

TIMEOUT = httpx.Timeout(5.0)
USER = [{"role": "user", "content": "What is the weather in Paris?"}]
TURN = Turn(
    reasoning="Need the forecast; call get_weather.",
    content="Let me check.",
    tool_calls=[{"name": "get_weather", "arguments": {"location": "Paris", "days": 3, "unit": "°C"}}],
)
ARGUMENTS_JSON = '{"location": "Paris", "days": 3, "unit": "°C"}'
RAW_CALL = (
    "\n<minimax:tool_call>\n"
    '<invoke name="get_weather">\n'
    '<parameter name="location">Paris</parameter>\n'
    '<parameter name="days">3</parameter>\n'
    '<parameter name="unit">°C</parameter>\n'
    "</invoke>\n"
    "</minimax:tool_call>"
)


# -- helpers shared with the other test_reference_server_* files -------------------------------------------


def sse_data(raw: bytes) -> list[str]:
    """The ``data:`` payloads of an SSE body, in order (events split on blank lines)."""
    text = raw.decode("utf-8")
    payloads = []
    for event in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].removeprefix(" ") for line in event.split("\n") if line.startswith("data:")]
        if data:
            payloads.append("\n".join(data))
    return payloads


def stream_chunks(raw: bytes) -> list[dict[str, Any]]:
    """The JSON chunks of a chat stream, checking it ends with ``[DONE]``."""
    payloads = sse_data(raw)
    assert payloads[-1] == "[DONE]"
    return [json.loads(payload) for payload in payloads[:-1]]


def chat(server: ReferenceServer, **body: Any) -> httpx.Response:
    body.setdefault("messages", USER)
    return httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=TIMEOUT)


def reassemble(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Fold stream deltas back into one message, OpenAI style, keeping every reasoning_details text seen."""
    message: dict[str, Any] = {"content": "", "reasoning_content": "", "reasoning": "", "details": []}
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        if chunk.get("usage"):
            message["usage"] = chunk["usage"]
        for choice in chunk["choices"]:
            delta = choice["delta"]
            for field in ("content", "reasoning_content", "reasoning"):
                message[field] += delta.get(field) or ""
            message["details"] += [item["text"] for item in delta.get("reasoning_details", [])]
            for call in delta.get("tool_calls", []):
                if call["index"] not in calls:
                    assert set(call) == {"index", "id", "type", "function"}
                    assert call["function"]["arguments"] == ""
                    calls[call["index"]] = {
                        "id": call["id"],
                        "name": call["function"]["name"],
                        "arguments": "",
                    }
                else:
                    assert set(call) == {"index", "function"}
                    calls[call["index"]]["arguments"] += call["function"]["arguments"]
            if choice["finish_reason"] is not None:
                message["finish_reason"] = choice["finish_reason"]
    message["tool_calls"] = [calls[index] for index in sorted(calls)]
    return message


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[ReferenceServer]:
    options = getattr(request, "param", {"dialect": "minimax"})
    with ReferenceServer(**options) as running:
        yield running


def streamed(server: ReferenceServer, **body: Any) -> list[dict[str, Any]]:
    response = chat(server, stream=True, **body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["transfer-encoding"] == "chunked"
    return stream_chunks(response.content)


# -- non-streaming shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_minimax_puts_reasoning_in_reasoning_details_with_base_resp(server: ReferenceServer) -> None:
    server.script(TURN)
    body = chat(server, model="MiniMax-M2.1", reasoning_split=True).json()
    message = body["choices"][0]["message"]
    assert message == {
        "role": "assistant",
        "content": "Let me check.",
        "reasoning_details": [
            {
                "type": "reasoning.text",
                "id": "reasoning-text-1",
                "format": "MiniMax-response-v1",
                "index": 0,
                "text": "Need the forecast; call get_weather.",
            }
        ],
        "tool_calls": [
            {
                "id": message["tool_calls"][0]["id"],
                "type": "function",
                "function": {"name": "get_weather", "arguments": ARGUMENTS_JSON},
            }
        ],
    }
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["object"] == "chat.completion"
    assert body["base_resp"] == {"status_code": 0, "status_msg": ""}
    assert body["usage"]["prompt_tokens_details"] == {"cached_tokens": 0}
    assert body["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize("server", [{"dialect": "minimax-inline"}], indirect=True)
def test_minimax_inline_puts_think_block_in_content(server: ReferenceServer) -> None:
    server.script(TURN)
    body = chat(server).json()
    message = body["choices"][0]["message"]
    assert message["content"] == "<think>\nNeed the forecast; call get_weather.\n</think>\n\nLet me check."
    assert "reasoning_details" not in message
    assert message["tool_calls"][0]["function"]["arguments"] == ARGUMENTS_JSON
    assert body["base_resp"]["status_code"] == 0


@pytest.mark.parametrize(
    ("server", "field"),
    [
        ({"dialect": "openai-split"}, "reasoning_content"),
        ({"dialect": "openai-split", "reasoning_field": "reasoning"}, "reasoning"),
        ({"dialect": "nvidia"}, "reasoning_content"),
    ],
    indirect=["server"],
)
def test_split_dialects_put_reasoning_in_their_field(server: ReferenceServer, field: str) -> None:
    server.script(TURN)
    body = chat(server).json()
    message = body["choices"][0]["message"]
    assert message[field] == "Need the forecast; call get_weather."
    assert set(message) == {"role", "content", field, "tool_calls"}
    assert message["content"] == "Let me check."
    assert "base_resp" not in body
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}


@pytest.mark.parametrize("server", [{"dialect": "openai-append-think"}], indirect=True)
def test_append_think_prefixes_think_tag_to_content(server: ReferenceServer) -> None:
    server.script(TURN)
    message = chat(server).json()["choices"][0]["message"]
    assert message["content"] == "<think>Need the forecast; call get_weather.\n</think>\n\nLet me check."
    assert message["tool_calls"][0]["function"]["name"] == "get_weather"


@pytest.mark.parametrize("server", [{"dialect": "openai-raw"}], indirect=True)
def test_raw_dialect_returns_completion_with_xml_tool_calls(server: ReferenceServer) -> None:
    server.script(TURN)
    body = chat(server).json()
    message = body["choices"][0]["message"]
    assert message == {
        "role": "assistant",
        "content": "Need the forecast; call get_weather.\n</think>\n\nLet me check." + RAW_CALL,
    }
    assert body["choices"][0]["finish_reason"] == "stop"


def test_raw_dialect_renders_non_string_values_as_json() -> None:
    turn = Turn(tool_calls=[{"name": "f", "arguments": {"s": "a b", "n": None, "l": [1, "é"], "o": {"k": True}}}])
    with ReferenceServer("openai-raw") as server:
        server.script(turn)
        content = chat(server).json()["choices"][0]["message"]["content"]
    assert content == (
        "\n</think>\n\n\n<minimax:tool_call>\n"
        '<invoke name="f">\n'
        '<parameter name="s">a b</parameter>\n'
        '<parameter name="n">null</parameter>\n'
        '<parameter name="l">[1, "é"]</parameter>\n'
        '<parameter name="o">{"k": true}</parameter>\n'
        "</invoke>\n</minimax:tool_call>"
    )


def test_model_ids_per_dialect_and_request_model_echoed() -> None:
    expected = {
        "minimax": "MiniMax-M2.1",
        "minimax-inline": "MiniMax-M2.1",
        "openai-split": "MiniMaxAI/MiniMax-M2.1",
        "openai-append-think": "MiniMaxAI/MiniMax-M2.1",
        "openai-raw": "MiniMaxAI/MiniMax-M2.1",
        "nvidia": "minimaxai/minimax-m2.1",
    }
    assert {name: dialect.model for name, dialect in DIALECTS.items()} == expected
    with ReferenceServer("nvidia") as server:
        assert chat(server).json()["model"] == "minimaxai/minimax-m2.1"
        assert chat(server, model="other").json()["model"] == "other"


@pytest.mark.parametrize("server", [{"dialect": "openai-split"}], indirect=True)
def test_explicit_usage_and_finish_reason_are_sent_as_given(server: ReferenceServer) -> None:
    server.script(Turn(content="cut", usage={"prompt_tokens": 7, "completion_tokens": 1}, finish_reason="length"))
    body = chat(server).json()
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 1}
    assert body["choices"][0]["finish_reason"] == "length"


@pytest.mark.parametrize("server", [{"dialect": "openai-split"}], indirect=True)
def test_tool_calls_accept_openai_shape_and_string_arguments(server: ReferenceServer) -> None:
    call = {"id": "call_x", "type": "function", "function": {"name": "f", "arguments": '{"a": 1'}}
    server.script(Turn(tool_calls=[call]))
    message = chat(server).json()["choices"][0]["message"]
    assert message["content"] is None
    assert message["tool_calls"] == [call]


# -- streaming shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_stream_reassembles_to_the_non_streaming_message(name: str) -> None:
    with ReferenceServer(name) as server:
        server.script(TURN, TURN)
        whole = chat(server).json()["choices"][0]["message"]
        chunks = streamed(server)
    message = reassemble(chunks)
    assert message["content"] == (whole["content"] or "")
    assert message["reasoning_content"] == whole.get("reasoning_content", "")
    if "reasoning_details" in whole:
        assert message["details"][-1] == whole["reasoning_details"][0]["text"]
    assert [(c["name"], c["arguments"]) for c in message["tool_calls"]] == [
        (c["function"]["name"], c["function"]["arguments"]) for c in whole.get("tool_calls", [])
    ]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk["id"] for chunk in chunks}) == 1


@pytest.mark.parametrize("name", ["minimax-inline", "openai-append-think", "openai-raw"])
def test_stream_cuts_tags_across_chunks(name: str) -> None:
    with ReferenceServer(name, chunk_chars=4) as server:
        server.script(TURN)
        chunks = streamed(server)
    fragments = [c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]]
    assert all(len(fragment) <= 4 for fragment in fragments)
    assert not any("</think>" in fragment for fragment in fragments)
    assert "</think>" in "".join(fragments)


@pytest.mark.parametrize("server", [{"dialect": "openai-split", "chunk_chars": 3}], indirect=True)
def test_tool_call_arguments_stream_in_fragments(server: ReferenceServer) -> None:
    server.script(Turn(tool_calls=[{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": {"y": "z"}}]))
    chunks = streamed(server)
    deltas = [c["choices"][0]["delta"]["tool_calls"][0] for c in chunks if "tool_calls" in c["choices"][0]["delta"]]
    assert [d["index"] for d in deltas if "id" in d] == [0, 1]
    assert all(len(d["function"]["arguments"]) <= 3 for d in deltas)
    calls = reassemble(chunks)["tool_calls"]
    assert [(c["name"], json.loads(c["arguments"])) for c in calls] == [("a", {"x": 1}), ("b", {"y": "z"})]
    assert len({c["id"] for c in calls}) == 2
    assert reassemble(chunks)["finish_reason"] == "tool_calls"


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_minimax_streams_cumulative_reasoning_details_by_default(server: ReferenceServer) -> None:
    server.script(Turn(reasoning="abcdefghij", content="ok"))
    texts = reassemble(streamed(server))["details"]
    assert texts == ["abcd", "abcdefgh", "abcdefghij"]


@pytest.mark.parametrize("server", [{"dialect": "minimax", "reasoning_details_mode": "incremental"}], indirect=True)
def test_minimax_streams_incremental_reasoning_details_on_request(server: ReferenceServer) -> None:
    server.script(Turn(reasoning="abcdefghij", content="ok"))
    assert reassemble(streamed(server))["details"] == ["abcd", "efgh", "ij"]


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_minimax_always_puts_usage_and_base_resp_on_the_last_chunk(server: ReferenceServer) -> None:
    chunks = streamed(server)
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["usage"]["completion_tokens_details"]["reasoning_tokens"] > 0
    assert last["base_resp"] == {"status_code": 0, "status_msg": ""}
    assert not any("usage" in chunk for chunk in chunks[:-1])


@pytest.mark.parametrize("server", [{"dialect": "openai-split"}], indirect=True)
def test_openai_usage_chunk_only_with_include_usage(server: ReferenceServer) -> None:
    without = streamed(server)
    assert not any("usage" in chunk for chunk in without)
    assert without[-1]["choices"][0]["finish_reason"] == "stop"
    with_usage = streamed(server, stream_options={"include_usage": True})
    assert with_usage[-1]["choices"] == []
    assert with_usage[-1]["usage"]["total_tokens"] > 0
    assert with_usage[-2]["choices"][0]["finish_reason"] == "stop"


# -- script, echo, recording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("server", [{"dialect": "openai-split"}], indirect=True)
def test_turns_are_served_in_order_then_the_last_user_message_is_echoed(server: ReferenceServer) -> None:
    server.script(Turn(content="one"), Turn(content="two"))
    contents = [chat(server).json()["choices"][0]["message"]["content"] for _ in range(3)]
    assert contents == ["one", "two", "What is the weather in Paris?"]
    parts = [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url"}, "b"]}]
    assert chat(server, messages=[*USER, *parts]).json()["choices"][0]["message"]["content"] == "ab"
    assert server.pending == (0, 0)


@pytest.mark.parametrize("server", [{"dialect": "openai-split"}], indirect=True)
def test_requests_are_recorded_with_lowercase_headers_and_json(server: ReferenceServer) -> None:
    server.fault(Fault.status(500))
    headers = {"Authorization": "Bearer k", "X-Custom": "v"}
    httpx.post(f"{server.base_url}/chat/completions?x=1", json={"messages": USER}, headers=headers, timeout=TIMEOUT)
    httpx.get(f"{server.url}/health", timeout=TIMEOUT)
    first, second = server.wait_for_requests(2, timeout=5)
    assert (first.method, first.path, first.query) == ("POST", "/v1/chat/completions", "x=1")
    assert first.headers["authorization"] == "Bearer k"
    assert first.headers["x-custom"] == "v"
    assert first.json == {"messages": USER}
    assert (second.method, second.path, second.json) == ("GET", "/health", None)
    server.script(Turn(content="x"))
    server.clear()
    assert server.requests == []
    assert server.pending == (0, 0)


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_keep_alive_serves_several_requests_on_one_connection(server: ReferenceServer) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        for _ in range(3):
            client.post(f"{server.base_url}/chat/completions", json={"messages": USER, "stream": True})
            assert client.post(f"{server.base_url}/chat/completions", json={"messages": USER}).status_code == 200
    assert server.peak_connections == 1
    assert len(server.requests) == 6


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_raw_socket_request_with_connection_close(server: ReferenceServer) -> None:
    body = json.dumps({"messages": USER}).encode()
    head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head.encode() + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_text, _, payload = data.partition(b"\r\n\r\n")
    assert head_text.startswith(b"HTTP/1.1 200 OK")
    assert b"connection: close" in head_text.lower()
    assert json.loads(payload)["choices"][0]["message"]["content"] == "What is the weather in Paris?"


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_chunked_request_body_is_accepted(server: ReferenceServer) -> None:
    def parts() -> Iterator[bytes]:
        yield b'{"messages": [{"role": "user", '
        yield b'"content": "chunked"}]}'

    response = httpx.post(f"{server.base_url}/chat/completions", content=parts(), timeout=TIMEOUT)
    assert response.json()["choices"][0]["message"]["content"] == "chunked"


@pytest.mark.parametrize("server", [{"dialect": "minimax"}], indirect=True)
def test_bad_requests_get_openai_style_errors(server: ReferenceServer) -> None:
    url = f"{server.base_url}/chat/completions"
    bad = httpx.post(url, content=b"{nope", timeout=TIMEOUT)
    assert bad.status_code == 400
    assert bad.json()["error"]["type"] == "invalid_request_error"
    assert httpx.post(f"{server.base_url}/nowhere", json={}, timeout=TIMEOUT).status_code == 404
    wrong_method = httpx.get(url, timeout=TIMEOUT)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"


def test_options_must_fit_the_dialect() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        ReferenceServer("vllm")
    with pytest.raises(ValueError, match="reasoning_details_mode"):
        ReferenceServer("openai-split", reasoning_details_mode="incremental")
    with pytest.raises(ValueError, match="reasoning_field"):
        ReferenceServer("minimax", reasoning_field="reasoning")
    with pytest.raises(ValueError, match="chunk_chars"):
        ReferenceServer(chunk_chars=0)
    with pytest.raises(TypeError, match="name"):
        Turn(tool_calls=[{"arguments": {}}])


def test_stop_closes_open_connections_and_is_idempotent() -> None:
    server = ReferenceServer("minimax").start()
    client = httpx.Client(timeout=TIMEOUT)
    url = f"{server.base_url}/chat/completions"
    try:
        client.post(url, json={"messages": USER})
        assert server.open_connections == 1
        server.stop()
        server.stop()
        assert server.open_connections == 0
        with pytest.raises(RuntimeError, match="not running"):
            _ = server.base_url
        with pytest.raises(httpx.TransportError):
            client.post(url, json={"messages": USER})
    finally:
        client.close()


def test_stop_ends_a_stalled_response_promptly() -> None:
    server = ReferenceServer("minimax").start()
    server.fault(Fault.stall(60.0))
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            httpx.post(f"{server.base_url}/chat/completions", json={"messages": USER}, timeout=30)
        except httpx.TransportError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    server.wait_for_requests(1, timeout=5)
    started = time.monotonic()
    server.stop()
    caller.join(timeout=10)
    assert time.monotonic() - started < 5
    assert len(outcome) == 1
    assert isinstance(outcome[0], (httpx.RemoteProtocolError, httpx.ReadError))


def test_async_with_serves_from_its_own_thread() -> None:
    async def run() -> str:
        async with ReferenceServer("openai-split") as server, httpx.AsyncClient(timeout=TIMEOUT) as client:
            server.script(Turn(content="async"))
            response = await client.post(f"{server.base_url}/chat/completions", json={"messages": USER})
            content = response.json()["choices"][0]["message"]["content"]
            assert isinstance(content, str)
            return content

    assert asyncio.run(run()) == "async"
