"""The HTTP backend's connections and request headers: streams and chats share one keep-alive connection in
every dialect, however the caller reads the stream; the SDK's headers reach the server whether the backend
made its httpx client or was given one, and per-request headers override them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from minimax_sdk import AsyncMiniMax, MiniMax, __version__
from minimax_sdk.testing import ReferenceServer

USER = [{"role": "user", "content": "hi"}]
KEY = "sk-connections-test"

# (server dialect, backend kind): each server shape with the backend that reads it
SHAPES = [("openai-split", "openai"), ("openai-raw", "openai"), ("minimax", "minimax")]


@pytest.mark.parametrize(("dialect", "backend"), SHAPES)
def test_streams_read_every_way_and_chats_share_one_connection(dialect: str, backend: str) -> None:
    with ReferenceServer(dialect) as server:
        with MiniMax(backend=backend, base_url=server.base_url, api_key=KEY) as client:
            for _ in range(3):
                events = list(client.stream(USER))  # iterated to the end by the caller
                assert events[-1].type == "done"
                assert client.stream(USER).until_done().message.content
                assert client.chat(USER).message.content
                with client.stream(USER) as stream:  # read to the end inside ``with``
                    for _ in stream:
                        pass

        async def main() -> None:
            async with AsyncMiniMax(backend=backend, base_url=server.base_url, api_key=KEY) as aclient:
                for _ in range(3):
                    assert [event async for event in aclient.stream(USER)][-1].type == "done"
                    assert (await aclient.chat(USER)).message.content

        asyncio.run(main())
        assert len(server.requests) == 3 * 4 + 3 * 2
        assert server.connections_accepted == 2  # one for the blocking client, one for the async one


def _sdk_headers(headers: dict[str, str]) -> tuple[str | None, ...]:
    return headers.get("authorization"), headers.get("content-type"), headers.get("user-agent", "").split(" ")[0]


EXPECTED = (f"Bearer {KEY}", "application/json", f"minimax-sdk/{__version__}")


def test_headers_reach_the_server_from_an_own_and_a_given_client() -> None:
    with ReferenceServer("openai-split") as server:
        with MiniMax(backend="openai", base_url=server.base_url, api_key=KEY) as client:
            client.chat(USER)
            client.stream(USER).until_done()
            client.chat(USER, extra_headers={"x-trace": "1", "user-agent": "mine/1"})
        given = httpx.Client(headers={"x-team": "blue"})
        with MiniMax(backend="openai", base_url=server.base_url, api_key=KEY, http_client=given) as client:
            client.chat(USER)
            client.stream(USER).until_done()
            client.chat(USER, extra_headers={"x-trace": "2"})
        given.close()
        own, own_stream, own_extra, given_chat, given_stream, given_extra = (r.headers for r in server.requests)
    for headers in (own, own_stream, given_chat, given_stream, given_extra):
        assert _sdk_headers(headers) == EXPECTED
    assert own_extra["user-agent"] == "mine/1"
    assert own_extra["x-trace"] == "1"
    assert _sdk_headers(own_extra)[:2] == EXPECTED[:2]
    assert "x-trace" not in own
    assert "x-trace" not in own_stream
    assert given_extra["x-trace"] == "2"
    assert all(h["x-team"] == "blue" for h in (given_chat, given_stream, given_extra))  # the given client's own


def test_async_headers_reach_the_server_from_an_own_and_a_given_client() -> None:
    async def main(url: str) -> None:
        async with AsyncMiniMax(backend="openai", base_url=url, api_key=KEY) as client:
            await client.chat(USER)
            await client.chat(USER, extra_headers={"x-trace": "1"})
        given = httpx.AsyncClient(headers={"x-team": "blue"})
        async with given, AsyncMiniMax(backend="openai", base_url=url, api_key=KEY, http_client=given) as client:
            await client.stream(USER).until_done()

    with ReferenceServer("openai-split") as server:
        asyncio.run(main(server.base_url))
        own, own_extra, given_stream = (r.headers for r in server.requests)
    assert _sdk_headers(own) == _sdk_headers(own_extra) == _sdk_headers(given_stream) == EXPECTED
    assert own_extra["x-trace"] == "1"
    assert "x-trace" not in own
    assert given_stream["x-team"] == "blue"
