"""SGLang's endpoints, the command-line entry and a concurrency smoke test of the reference server."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from minimax_sdk.testing import Fault, ReferenceServer, Turn
from tests.test_reference_server import USER, sse_data, stream_chunks

pytestmark = pytest.mark.timeout(30)

TIMEOUT = httpx.Timeout(5.0)
TURN = Turn(reasoning="Call it.", content="Sure.", tool_calls=[{"name": "f", "arguments": {"k": "v", "n": 2}}])
RAW = 'Call it.\n</think>\n\nSure.\n<minimax:tool_call>\n<invoke name="f">\n<parameter name="k">v</parameter>\n<parameter name="n">2</parameter>\n</invoke>\n</minimax:tool_call>'
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer("openai-split") as running:
        yield running


def get(server: ReferenceServer, path: str) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", timeout=TIMEOUT)


def generate(server: ReferenceServer, body: dict[str, object]) -> httpx.Response:
    return httpx.post(f"{server.url}/generate", json=body, timeout=TIMEOUT)


def test_health_endpoints_answer_200_when_ready(server: ReferenceServer) -> None:
    assert [get(server, p).status_code for p in ("/health", "/health_generate", "/ready")] == [200, 200, 200]


def test_ready_after_answers_503_until_then() -> None:
    """Readiness as an event (``mark_ready``), not a race against a timer: the test cannot lose on a slow or
    loaded machine (it did, as ``assert 200 == 503``, when the 0.3 s ran out before the first poll)."""
    health = ("/health", "/health_generate", "/ready")
    with ReferenceServer("openai-split", ready_after=float("inf")) as server:
        assert [get(server, p).status_code for p in health] == [503] * 3
        assert get(server, "/model_info").status_code == 200
        assert [get(server, p).status_code for p in health] == [503] * 3
        server.mark_ready()
        assert [get(server, p).status_code for p in health] == [200] * 3


def test_ready_after_is_never_earlier_than_its_delay() -> None:
    """Only a lower bound, which holds on any machine: the first 200 comes at least 0.3 s after start."""
    started = time.monotonic()
    with ReferenceServer("openai-split", ready_after=0.3) as server:
        while get(server, "/health").status_code != 200:
            assert time.monotonic() - started < 60, "never became ready"
            time.sleep(0.05)  # a supervisor polls /health the same way
        assert time.monotonic() - started >= 0.3


def test_models_lists_the_served_model(server: ReferenceServer) -> None:
    data = get(server, "/v1/models").json()
    assert data["object"] == "list"
    assert [m["id"] for m in data["data"]] == ["MiniMaxAI/MiniMax-M2.1"]


def test_model_info_describes_model_and_parsers() -> None:
    with ReferenceServer("openai-append-think", model_info={"load_format": "dummy"}) as server:
        info = get(server, "/model_info").json()
        assert get(server, "/get_model_info").json() == info
    assert info["model_path"] == "MiniMaxAI/MiniMax-M2.1"
    assert info["is_generation"] is True
    assert info["load_format"] == "dummy"
    assert info["reasoning_parser"] == "minimax-append-think"
    assert info["tool_call_parser"] == "minimax-m2"
    assert info["architectures"] == ["MiniMaxM2ForCausalLM"]


def test_generate_returns_the_raw_completion_with_meta_info(server: ReferenceServer) -> None:
    server.script(TURN)
    body = generate(server, {"input_ids": [1, 2, 3], "sampling_params": {"max_new_tokens": 64}}).json()
    assert body["text"] == RAW
    meta = body["meta_info"]
    assert meta["prompt_tokens"] == 3
    assert meta["completion_tokens"] > 0
    assert meta["finish_reason"] == {"type": "stop", "matched": 200020}


def test_generate_streams_cumulative_text(server: ReferenceServer) -> None:
    server.script(Turn(content="abcdefghij", reasoning="r", finish_reason="length"))
    response = generate(server, {"text": "prompt", "stream": True})
    payloads = sse_data(response.content)
    assert payloads[-1] == "[DONE]"
    events = [json.loads(p) for p in payloads[:-1]]
    texts = [e["text"] for e in events]
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(texts))
    assert texts[-1] == "r\n</think>\n\nabcdefghij"
    assert [e["meta_info"]["finish_reason"] for e in events][-2:] == [None, {"type": "length", "length": 6}]


def test_generate_echoes_the_last_user_message_of_a_rendered_prompt(server: ReferenceServer) -> None:
    prompt = "]~!b[]~b]system\nYou are helpful.[e~[\n]~b]user\nfirst[e~[\n]~b]ai\nok[e~[\n]~b]user\nsecond[e~[\n]~b]ai\n<think>\n"
    assert generate(server, {"text": prompt}).json()["text"].endswith("</think>\n\nsecond")
    assert generate(server, {"text": ["a", "b"]}).status_code == 400


def test_generate_takes_faults_like_chat(server: ReferenceServer) -> None:
    server.fault(Fault.status(503))
    assert generate(server, {"text": "x"}).status_code == 503


def test_chat_streams_from_a_cli_subprocess_and_exits_zero_on_sigterm(tmp_path: Path) -> None:
    turns = tmp_path / "turns.json"
    turns.write_text(json.dumps([{"content": "from the file", "reasoning": "r"}]), encoding="utf-8")
    command = [sys.executable, "-m", "minimax_sdk.testing", "--dialect", "openai-split", "--port", "0"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    with subprocess.Popen(
        [*command, "--turns", str(turns)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stderr is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            assert base_url.endswith("/v1")
            body = {"messages": USER, "stream": True}
            response = httpx.post(f"{base_url}/chat/completions", json=body, timeout=TIMEOUT)
            chunks = stream_chunks(response.content)
            assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == "from the file"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            assert "The server is fired up and ready to roll!" in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()


def test_cli_rejects_bad_arguments_and_a_taken_port(server: ReferenceServer) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    for args, code, message in [
        (["--dialect", "nonsense"], 2, "invalid choice"),
        (["--port", str(server.port)], 1, "cannot serve"),
    ]:
        command = [sys.executable, "-m", "minimax_sdk.testing", *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=20, env=env)
        assert result.returncode == code
        assert message in result.stderr


@pytest.mark.timeout(60)
def test_three_hundred_concurrent_streams() -> None:
    streams, clients_count = 300, 10

    async def run(server: ReferenceServer) -> list[int]:
        limits = httpx.Limits(max_connections=streams // clients_count)
        clients = [httpx.AsyncClient(limits=limits, timeout=TIMEOUT) for _ in range(clients_count)]
        all_open = asyncio.Event()
        opened = 0

        async def one(index: int) -> int:
            nonlocal opened
            body = {"messages": [{"role": "user", "content": f"stream {index}"}], "stream": True}
            async with clients[index % clients_count].stream(
                "POST", f"{server.base_url}/chat/completions", json=body
            ) as response:
                opened += 1
                if opened == streams:
                    all_open.set()
                await all_open.wait()  # every stream is open at once before any is read
                raw = b"".join([part async for part in response.aiter_raw()])
            content = "".join(c["choices"][0]["delta"].get("content") or "" for c in stream_chunks(raw))
            return int(content.removeprefix("stream "))

        try:
            return await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(streams))), timeout=45)
        finally:
            for client in clients:
                await client.aclose()

    with ReferenceServer("minimax") as server:
        assert asyncio.run(run(server)) == list(range(streams))
        assert server.peak_connections >= streams
