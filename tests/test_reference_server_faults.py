"""Each fault of the reference server has the effect a client would observe, and leaves the script intact."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from minimax_sdk.testing import Fault, ReferenceServer, Turn
from tests.test_reference_server import USER, chat, sse_data, stream_chunks

pytestmark = pytest.mark.timeout(30)

TIMEOUT = httpx.Timeout(5.0)
SCRIPTED = Turn(reasoning="Think it over.", content="The scripted answer, long enough for many chunks.")


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer("openai-split") as running:
        running.script(SCRIPTED)
        yield running


def read_stream(server: ReferenceServer, timeout: httpx.Timeout = TIMEOUT) -> tuple[bytes, BaseException | None]:
    """Everything a streaming request received, and the exception that ended it (None if it ended well)."""
    received = bytearray()
    body = {"messages": USER, "stream": True}
    try:
        with httpx.stream("POST", f"{server.base_url}/chat/completions", json=body, timeout=timeout) as response:
            assert response.status_code == 200
            for data in response.iter_raw():
                received += data
    except httpx.TransportError as exc:
        return bytes(received), exc
    return bytes(received), None


def content_of(response: httpx.Response) -> str:
    content = response.json()["choices"][0]["message"]["content"]
    assert isinstance(content, str)
    return content


def test_status_fault_sends_code_retry_headers_and_openai_error(server: ReferenceServer) -> None:
    server.fault(Fault.status(429, retry_after="1", retry_after_ms="1000", should_retry=False))
    response = chat(server)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.headers["retry-after-ms"] == "1000"
    assert response.headers["x-should-retry"] == "false"
    assert response.headers["x-request-id"].startswith("req_")
    error = response.json()["error"]
    assert error["type"] == "rate_limit_error"
    assert error["code"] == "rate_limit_exceeded"
    assert error["message"]
    assert content_of(chat(server)) == SCRIPTED.content  # the faulted request took no turn


def test_status_fault_with_custom_body_and_streaming_request(server: ReferenceServer) -> None:
    server.fault(
        Fault.status(503, body={"error": {"message": "overloaded", "type": "server_error", "code": None}}),
        Fault.status(502, body="<html>bad gateway</html>", content_type="text/html"),
    )
    first = chat(server, stream=True)
    assert first.status_code == 503
    assert first.headers["content-type"] == "application/json"
    assert first.json()["error"]["message"] == "overloaded"
    second = chat(server)
    assert (second.status_code, second.text) == (502, "<html>bad gateway</html>")
    assert json.loads(Fault.status(500).body)["error"]["type"] == "server_error"


def test_base_resp_fault_is_an_error_inside_http_200(server: ReferenceServer) -> None:
    server.fault(Fault.base_resp(1002, "rate limit exceeded"), Fault.base_resp(2013, "invalid params", in_stream=True))
    response = chat(server)
    assert response.status_code == 200
    assert response.json() == {"base_resp": {"status_code": 1002, "status_msg": "rate limit exceeded"}}
    raw, error = read_stream(server)
    assert error is None
    assert sse_data(raw) == ['{"base_resp":{"status_code":2013,"status_msg":"invalid params"}}', "[DONE]"]
    assert content_of(chat(server)) == SCRIPTED.content


def test_reset_after_chunks_breaks_the_stream_and_gives_the_turn_back(server: ReferenceServer) -> None:
    server.fault(Fault.reset_after(3))
    raw, error = read_stream(server)
    assert isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError))
    assert len(sse_data(raw)) == 3
    assert content_of(chat(server)) == SCRIPTED.content


def test_reset_on_a_json_request_fails_after_the_head(server: ReferenceServer) -> None:
    server.fault(Fault.reset_after(0))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        chat(server)


def test_stall_before_response_hits_the_client_read_timeout(server: ReferenceServer) -> None:
    server.fault(Fault.stall(10.0))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.base_url}/chat/completions", json={"messages": USER}, timeout=0.3)
    assert time.monotonic() - started < 5


def test_stall_then_the_response_arrives(server: ReferenceServer) -> None:
    server.fault(Fault.stall(0.2))
    started = time.monotonic()
    assert content_of(chat(server)) == SCRIPTED.content
    assert time.monotonic() - started >= 0.2


def test_stall_after_chunks_times_out_mid_stream(server: ReferenceServer) -> None:
    server.fault(Fault.stall(10.0, after_chunks=2))
    raw, error = read_stream(server, httpx.Timeout(5.0, read=0.3))
    assert isinstance(error, httpx.ReadTimeout)
    assert len(sse_data(raw)) == 2


def test_malformed_sse_line_is_inserted_and_the_stream_goes_on(server: ReferenceServer) -> None:
    server.fault(Fault.malformed_sse(after_chunks=1))
    raw, error = read_stream(server)
    assert error is None
    payloads = sse_data(raw)
    assert payloads[1] == "{this is not json"
    assert payloads[-1] == "[DONE]"
    good = [json.loads(p) for p in payloads[:-1] if p != "{this is not json"]
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in good) == SCRIPTED.content


def test_truncated_json_body_has_honest_content_length(server: ReferenceServer) -> None:
    server.fault(Fault.truncated())
    response = chat(server)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert response.content.startswith(b'{"id":')
    assert content_of(chat(server)) == SCRIPTED.content  # the cut reply gave its turn back


def test_truncated_stream_ends_mid_json_without_done(server: ReferenceServer) -> None:
    server.fault(Fault.truncated(after_chunks=2))
    raw, error = read_stream(server)
    assert error is None
    payloads = sse_data(raw)
    assert len(payloads) == 3
    json.loads(payloads[1])
    with pytest.raises(json.JSONDecodeError):
        json.loads(payloads[2])


def test_invalid_utf8_bytes_inside_a_chunk(server: ReferenceServer) -> None:
    server.fault(Fault.invalid_utf8(), Fault.invalid_utf8())
    raw, error = read_stream(server)
    assert error is None
    assert b"\xff\xfe\xfd" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lenient = raw.decode("utf-8", errors="replace")
    chunks = stream_chunks(lenient.encode("utf-8"))
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert content == "\ufffd\ufffd\ufffd" + SCRIPTED.content
    body = chat(server).content
    assert b'"content":"\xff\xfe\xfdWhat is the weather' in body  # the echo turn: the script was used up


def test_disconnect_closes_without_a_response(server: ReferenceServer) -> None:
    server.fault(Fault.disconnect())
    with pytest.raises(httpx.RemoteProtocolError):
        chat(server)
    assert server.requests[0].json == {"messages": USER}
    assert content_of(chat(server)) == SCRIPTED.content


def test_faults_apply_one_per_inference_request_in_order(server: ReferenceServer) -> None:
    server.fault(Fault.status(500), Fault.status(429))
    assert httpx.get(f"{server.url}/health", timeout=TIMEOUT).status_code == 200
    assert [chat(server).status_code for _ in range(3)] == [500, 429, 200]
    assert [r.path for r in server.requests] == ["/health", *["/v1/chat/completions"] * 3]


def test_fault_and_script_reject_wrong_types(server: ReferenceServer) -> None:
    with pytest.raises(TypeError):
        server.fault(429)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        server.script({"content": "x"})  # type: ignore[arg-type]
