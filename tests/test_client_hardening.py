"""Client items of the outside attack (issue 11): each test is named after the failure it pins."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any

import pytest

from minimax_sdk import APITimeoutError, AsyncMiniMax, DeadlineExceededError, MiniMax, ResponseValidationError
from minimax_sdk.parsing import ContentDelta, ReasoningDelta
from minimax_sdk.testing import Fault, ReferenceServer, Turn

pytestmark = pytest.mark.usefixtures("clean_env")

USER = [{"role": "user", "content": "hi"}]
WHOLE = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello there.", "reasoning_content": "Greet back."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
}


def test_a_server_that_ignores_stream_true_is_read_as_the_answer_not_retried() -> None:
    with ReferenceServer("openai-split") as server:
        server.fault(Fault.status(200, body=WHOLE), Fault.status(200, body=WHOLE))
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            stream = client.stream(USER)
            events = list(stream)
        assert len(server.requests) == 1  # read, not retried as "ended before [DONE]"

        async def main() -> Any:
            async with AsyncMiniMax(backend="openai", base_url=server.base_url) as aclient:
                return await aclient.stream(USER).until_done()

        async_response = asyncio.run(main())
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "Greet back."
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Hello there."
    for response in (stream.response, async_response):
        assert (response.message.reasoning, response.message.content) == ("Greet back.", "Hello there.")
        assert response.usage is not None
        assert response.usage.total_tokens == 7


HUGE = "1" * 5000
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "body",
    [
        f'{{"choices": [{{"message": {{"content": "x"}}}}], "usage": {{"prompt_tokens": {HUGE}}}}}',
        f'{{"choices": [{{"message": {{"content": "x"}}}}], "extra": {DEEP}}}',
    ],
    ids=["5000-digit-number", "100k-deep-array"],
)
def test_a_hostile_response_body_is_a_response_validation_error_not_a_foreign_one(body: str) -> None:
    with ReferenceServer("openai-split") as server:
        server.fault(Fault.status(200, body=body.encode()), Fault.status(200, body=body.encode()))
        with MiniMax(backend="openai", base_url=server.base_url, max_retries=0) as client:
            with pytest.raises(ResponseValidationError, match="the response body is not valid JSON"):
                client.chat(USER)
            with pytest.raises(ResponseValidationError, match="the response body is not valid JSON"):
                list(client.stream(USER))  # a JSON answer to a stream is read whole


def test_hostile_tool_call_arguments_make_an_invalid_call_and_keep_the_rest() -> None:
    body = {
        "choices": [
            {
                "message": {
                    "content": "Calling.",
                    "reasoning_content": "think",
                    "tool_calls": [
                        {"id": "a", "function": {"name": "f", "arguments": '{"n": ' + HUGE + "}"}},
                        {"id": "b", "function": {"name": "f", "arguments": '{"n": 1}'}},
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    with ReferenceServer("openai-split") as server:
        server.fault(Fault.status(200, body=body))
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            message = client.chat(USER).message
    assert (message.reasoning, message.content) == ("think", "Calling.")
    assert [c.id for c in message.tool_calls] == ["b"]
    assert message.invalid_tool_calls[0].reason == "malformed"
    assert "too many digits" in message.invalid_tool_calls[0].detail


def test_sequential_streams_reuse_one_connection() -> None:
    with ReferenceServer("openai-split") as server:
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            for _ in range(20):
                client.stream(USER).until_done()
            for _ in range(5):
                client.chat(USER)

        async def main() -> None:
            async with AsyncMiniMax(backend="openai", base_url=server.base_url) as aclient:
                for _ in range(20):
                    await aclient.stream(USER).until_done()

        asyncio.run(main())
        assert server.connections_accepted == 2  # one for the blocking client, one for the async one


def test_breaking_out_of_an_async_stream_in_async_with_logs_no_error() -> None:
    """``async with client.stream(...) as s: async for ev in s: break`` used to leave an async generator
    suspended, and the loop reported ``aclose(): asynchronous generator is already running``."""

    async def main(url: str) -> None:
        async with AsyncMiniMax(backend="openai", base_url=url) as client, client.stream(USER) as stream:
            async for _ in stream:
                break

    with ReferenceServer("openai-split") as server:
        for _ in range(5):
            loop = asyncio.new_event_loop()
            errors: list[dict[str, Any]] = []
            loop.set_exception_handler(lambda _loop, context, seen=errors: seen.append(context))
            loop.run_until_complete(main(server.base_url))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            assert errors == []


@pytest.mark.parametrize("backend", ["minimax", "minimax-inline"])
def test_a_backend_that_expects_a_reasoning_parser_reads_a_raw_server_right_and_says_so(
    backend: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, item 12: against a server with no reasoning parser, the reasoning used to be glued to the
    answer (the </think> and the blank line dropped)."""
    monkeypatch.setattr("minimax_sdk.assembly._WARNED", set())
    turn = Turn(reasoning="The user greets me.", content="Hello there.")
    with ReferenceServer("openai-raw") as server:
        server.script(turn, turn, turn)
        with MiniMax(backend=backend, base_url=server.base_url, api_key="sk-mismatch-0000") as client:
            whole = client.chat(USER).message
            events = list(client.stream(USER))
            client.chat([*USER, whole, {"role": "user", "content": "again"}])
    streamed = events[-1].response.message  # type: ignore[union-attr]
    for message in (whole, streamed):
        assert (message.reasoning, message.content) == ("The user greets me.", "Hello there.")
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Hello there."
    warnings = [r for r in caplog.records if "sent a raw completion" in r.getMessage()]
    assert len(warnings) == 1  # once per backend, naming the fix
    assert "backend='openai'" in warnings[0].getMessage()
    sent = server.requests[2].json["messages"][1]
    assert "The user greets me." in json.dumps(sent)  # the reasoning goes back, not glued into the answer


# --- deadlines (item 7): a server that keeps a call alive without answering ----------------------------------


class _Trickler:
    """A raw HTTP server on loopback that answers every request with headers, then sends ``piece`` every
    ``every`` seconds until the client goes away: keep-alive comments (SSE) or a body one byte at a time."""

    def __init__(self, content_type: str, piece: bytes, every: float) -> None:
        self.content_type, self.piece, self.every = content_type, piece, every
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/v1"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            self.requests += 1
            head = f"HTTP/1.1 200 OK\r\ncontent-type: {self.content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
            try:
                conn.sendall(head.encode())
                while not self._stop.wait(self.every):
                    conn.sendall(f"{len(self.piece):x}\r\n".encode() + self.piece + b"\r\n")
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


def test_keep_alive_comments_do_not_hold_a_stream_past_its_timeout() -> None:
    server = _Trickler("text/event-stream", b": keep-alive\n\n", 0.2)
    try:
        with (
            MiniMax(backend="openai", base_url=server.base_url, max_retries=0) as client,
            pytest.raises(APITimeoutError, match="no stream event for 1 s"),
        ):
            list(client.stream(USER, timeout=1))
    finally:
        server.close()


@pytest.mark.parametrize("streaming", [False, True], ids=["chat", "stream-json"])
def test_a_trickled_body_is_cut_at_the_deadline_and_not_retried(streaming: bool) -> None:
    server = _Trickler("application/json", b" ", 0.1)
    try:
        with MiniMax(backend="openai", base_url=server.base_url, max_retries=2) as client:
            call = (lambda: list(client.stream(USER, timeout=5, deadline=1))) if streaming else None
            with pytest.raises(DeadlineExceededError, match="deadline of 1 s passed"):
                call() if call is not None else client.chat(USER, timeout=5, deadline=1)
        assert server.requests == 1  # a passed deadline is never retried
    finally:
        server.close()


def test_the_deadline_setting_applies_to_every_request() -> None:
    server = _Trickler("application/json", b" ", 0.1)
    try:
        with MiniMax(backend="openai", base_url=server.base_url, deadline=1) as client:
            assert client.settings.deadline == 1.0
            with pytest.raises(DeadlineExceededError):
                client.chat(USER)
    finally:
        server.close()
