"""Per-request options do what openai-python users expect, on that request only, over loopback HTTP; sampling is
typed; unknown keywords, and a key, are refused rather than sent in the body; errors name the method and URL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from minimax_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncMiniMax,
    InternalServerError,
    MiniMax,
    NotFoundError,
)
from minimax_sdk.testing import Fault, ReferenceServer, Turn

pytestmark = pytest.mark.usefixtures("clean_env")

KEY = "sk-request-options-0123456789"
USER = [{"role": "user", "content": "hi"}]


@pytest.fixture
def server() -> Any:
    with ReferenceServer("openai-split") as srv:
        yield srv


def _client(server: ReferenceServer, **kwargs: Any) -> MiniMax:
    return MiniMax(backend="openai", base_url=server.base_url, api_key=KEY, **kwargs)


def test_timeout_applies_to_that_request_only(server: ReferenceServer) -> None:
    server.fault(Fault.stall(60), Fault.stall(2))  # a stall ends as soon as the client goes away
    with _client(server) as client:
        with pytest.raises(APITimeoutError, match=r"POST http://127\.0\.0\.1"):
            client.chat(USER, timeout=0.5, max_retries=0)
        assert client.chat(USER).message.content  # the next request waits out a 2 s stall: 600 s timeout again


def test_max_retries_applies_to_that_request_only(server: ReferenceServer) -> None:
    server.fault(Fault.status(503), Fault.status(503))
    with _client(server) as client:
        with pytest.raises(InternalServerError):
            client.chat(USER, max_retries=0)
        assert len(server.requests) == 1  # not retried
        assert client.chat(USER).message.content  # the client's 2 retries: the second 503, then success
    assert len(server.requests) == 3


def test_stream_max_retries_applies_too(server: ReferenceServer) -> None:
    server.fault(Fault.status(503))
    with _client(server) as client, pytest.raises(InternalServerError):
        list(client.stream(USER, max_retries=0))
    assert len(server.requests) == 1


@pytest.mark.parametrize("streaming", [False, True], ids=["chat", "stream"])
def test_extra_headers_query_and_body_go_on_that_request_only(server: ReferenceServer, streaming: bool) -> None:
    options: dict[str, Any] = {
        "extra_headers": {"X-Trace": "t-1"},
        "extra_query": {"api-version": "2"},
        "extra_body": {"reasoning_split": True, "temperature": 0.25},
    }
    with _client(server) as client:
        if streaming:
            client.stream(USER, **options).until_done()
            client.stream(USER).until_done()
        else:
            client.chat(USER, **options)
            client.chat(USER)
    first, second = server.requests
    assert first.headers["x-trace"] == "t-1"
    assert first.query == "api-version=2"
    assert first.json["reasoning_split"] is True  # merged into the body, not nested under "extra_body"
    assert first.json["temperature"] == 0.25  # and last: over the sampling defaults
    assert "extra_body" not in first.json
    assert "x-trace" not in second.headers
    assert second.query == ""
    assert "reasoning_split" not in second.json
    assert second.json["temperature"] == 1.0


def test_typed_sampling_is_sent_and_options_are_not(server: ReferenceServer) -> None:
    with _client(server) as client:
        client.chat(USER, temperature=0.5, top_k=20, max_tokens=64, seed=7, stop=["END"], timeout=30, max_retries=1)
    body = server.requests[0].json
    assert (body["temperature"], body["top_k"], body["max_tokens"], body["seed"], body["stop"]) == (
        0.5,
        20,
        64,
        7,
        ["END"],
    )
    for option in ("timeout", "max_retries", "extra_headers", "extra_query", "extra_body", "api_key"):
        assert option not in body


@pytest.mark.parametrize("method", ["chat", "stream", "run"])
def test_unknown_keywords_are_a_type_error_naming_extra_body(server: ReferenceServer, method: str) -> None:
    with _client(server) as client:
        call = getattr(client, method)
        kwargs: dict[str, Any] = {"tools": []} if method == "run" else {}
        with pytest.raises(TypeError, match=r"unexpected keyword argument 'temprature'.*extra_body=\{'temprature'"):
            call(USER, temprature=0.5, **kwargs)
    assert server.requests == []


def test_a_key_is_never_taken_per_request(server: ReferenceServer) -> None:
    with _client(server) as client, pytest.raises(TypeError, match="does not take api_key") as info:
        client.chat(USER, api_key="sk-other-key-0123456789")  # type: ignore[call-arg]
    assert "sk-other-key" not in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize(("option", "value"), [("timeout", 0), ("max_retries", -1), ("extra_headers", ["x"])])
def test_bad_option_values_are_type_errors(server: ReferenceServer, option: str, value: Any) -> None:
    with _client(server) as client, pytest.raises(TypeError, match=option):
        client.chat(USER, **{option: value})


def test_async_client_applies_options_per_request(server: ReferenceServer) -> None:
    server.fault(Fault.status(503))

    async def main() -> None:
        async with AsyncMiniMax(backend="openai", base_url=server.base_url) as client:
            with pytest.raises(InternalServerError):
                await client.chat(USER, max_retries=0)
            await client.chat(USER, extra_headers={"X-Trace": "a"})
            await client.stream(USER, extra_body={"x_flag": 1}).until_done()

    asyncio.run(main())
    assert len(server.requests) == 3
    assert server.requests[1].headers["x-trace"] == "a"
    assert server.requests[2].json["x_flag"] == 1


# --- finish_reason ---------------------------------------------------------------------------------------


def test_finish_reason_is_tool_calls_when_the_message_has_calls_whatever_the_server_said() -> None:
    turn = Turn(
        reasoning="call it",
        tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
        finish_reason="stop",  # a server without a tool parser says so
    )
    with ReferenceServer("openai-raw") as server:
        server.script(turn, turn)
        with _client(server) as client:
            whole = client.chat(USER)
            streamed = client.stream(USER).until_done()
    for response in (whole, streamed):
        assert response.finish_reason == "tool_calls"
        assert response.server_finish_reason == "stop"


# --- errors say where -------------------------------------------------------------------------------------


def test_connection_errors_name_the_method_and_url_never_the_key() -> None:
    with ReferenceServer() as server:
        url = server.base_url
    # the server is gone: nothing listens on its port any more
    with (
        MiniMax(backend="openai", base_url=url, api_key=KEY, max_retries=0) as client,
        pytest.raises(APIConnectionError) as info,
    ):
        client.chat(USER)
    assert f"POST {url}/chat/completions" in str(info.value)
    assert KEY not in str(info.value)


def test_user_info_in_the_base_url_is_not_shown() -> None:
    with ReferenceServer() as server:
        host = server.base_url.split("//", 1)[1]
    with (
        MiniMax(backend="openai", base_url=f"http://user:{KEY}@{host}", max_retries=0) as client,
        pytest.raises(APIConnectionError) as info,
    ):
        client.chat(USER)
    assert KEY not in str(info.value)
    assert f"POST http://{host}/chat/completions" in str(info.value)


def test_a_404_without_v1_hints_at_the_missing_v1(server: ReferenceServer) -> None:
    root = server.base_url.removesuffix("/v1")
    with MiniMax(backend="openai", base_url=root) as client, pytest.raises(NotFoundError) as info:
        client.chat(USER)
    message = str(info.value)
    assert f"POST {root}/chat/completions" in message
    assert "does not end in /v1" in message
    with (
        MiniMax(backend="openai", base_url=server.base_url + "/nothing/v1") as client,
        pytest.raises(NotFoundError) as info,
    ):
        client.chat(USER)
    assert "does not end in /v1" not in str(info.value)  # a URL that ends in /v1 gets no such hint
