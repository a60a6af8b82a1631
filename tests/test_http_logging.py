"""Request and response lines on the ``minimax_sdk`` logger at DEBUG, keys redacted; ``MINIMAX_LOG``."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
import textwrap

import pytest

from minimax_sdk import AsyncMiniMax, AuthenticationError, MiniMax
from minimax_sdk.testing import Fault, ReferenceServer

KEY = "sk-test-logging-0123456789"
HI = [{"role": "user", "content": "hi"}]
pytestmark = pytest.mark.usefixtures("clean_env")


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "minimax_sdk" and r.levelno == logging.DEBUG]


def test_chat_logs_its_request_and_response_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")
    with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key=KEY) as client:
        response = client.chat(HI)
        url = f"{server.base_url}/chat/completions"
    request, reply = _lines(caplog)
    assert re.fullmatch(rf"request: POST {re.escape(url)} \(chat, \d+ bytes\)", request)
    assert re.fullmatch(rf"response: POST {re.escape(url)} -> 200 in \d+ ms \(request id \S+\)", reply)
    assert response.request_id is not None
    assert response.request_id in reply


def test_stream_logs_its_head_and_one_line_at_the_end(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")
    with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key=KEY) as client:
        client.stream(HI).until_done()
    request, head, end = _lines(caplog)
    assert "(stream, " in request
    assert re.search(r"-> 200 in \d+ ms \(request id \S+\), streaming$", head)
    match = re.fullmatch(r"stream ended: POST \S+ after \d+ ms, (\d+) events \(request id \S+\)", end)
    assert match is not None
    assert int(match.group(1)) > 1


def test_async_chat_and_stream_log_the_same_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")

    async def go(base_url: str) -> None:
        async with AsyncMiniMax(base_url=base_url, api_key=KEY) as client:
            await client.chat(HI)
            async for _ in client.stream(HI):
                pass

    with ReferenceServer("minimax") as server:
        asyncio.run(go(server.base_url))
    lines = _lines(caplog)
    assert [line.split(":")[0] for line in lines] == ["request", "response", "request", "response", "stream ended"]


def test_a_stream_stopped_early_says_so(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")
    with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key=KEY) as client:
        stream = client.stream(HI)
        next(iter(stream))
        stream.close()
    assert _lines(caplog)[-1].startswith("stream stopped: POST ")


def test_an_echoed_key_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")
    with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key=KEY) as client:
        server.fault(Fault.status(401, message=f"invalid key {KEY}", headers={"x-request-id": f"req-{KEY}"}))
        with pytest.raises(AuthenticationError):
            client.chat(HI, extra_query={"key": KEY})
    assert KEY not in caplog.text
    assert any("-> 401 in" in line and "********" in line for line in _lines(caplog))
    assert all("key=********" in line for line in _lines(caplog))


def test_retry_decisions_and_connection_failures_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="minimax_sdk")
    with ReferenceServer("minimax") as server:
        base_url = server.base_url
        with MiniMax(base_url=base_url, api_key=KEY, max_retries=1) as client:
            server.fault(Fault.status(503, retry_after="0"))
            client.chat(HI)
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any(line.startswith("retrying request in") for line in infos)
    with MiniMax(base_url=base_url, api_key=KEY, max_retries=0) as client, pytest.raises(Exception, match="connect"):
        client.chat(HI)  # the server is gone
    assert re.match(r"no response: POST \S+ after \d+ ms: APIConnectionError", _lines(caplog)[-1])


def test_minimax_log_debug_prints_redacted_lines_on_stderr() -> None:
    script = textwrap.dedent(
        f"""
        from minimax_sdk import MiniMax
        from minimax_sdk.testing import ReferenceServer
        with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key={KEY!r}) as client:
            client.chat([{{"role": "user", "content": "hi"}}], extra_headers={{"x-note": {KEY!r}}})
            print("answer:", client.chat([{{"role": "user", "content": "hi"}}]).message.content)
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIMAX_", "NVIDIA_", "OPENAI_"))}
    for level, expect_debug in (("debug", True), ("warning", False)):
        out = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, "MINIMAX_LOG": level},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert "answer:" in out.stdout
        assert KEY not in out.stderr
        assert ("DEBUG minimax_sdk: response: POST http://127.0.0.1:" in out.stderr) is expect_debug
