"""``backend = "sglang"``: the same chat / stream / tools / run / ChatMiniMax as any backend, on a supervised
server (the reference server started the way the launcher starts SGLang) and attached to a running one; crash
detection, stopping, and configuration errors."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minimax_sdk import AsyncMiniMax, ChatResponse, ConfigError, MiniMax, ToolMessage, load_settings
from minimax_sdk.backends.sglang._backend import SGLangBackend
from minimax_sdk.errors import BackendCrashedError
from minimax_sdk.parsing import ReasoningDelta
from minimax_sdk.testing import ReferenceServer, Turn

from .sglang_support import ANSWER, CALL, USER, WEATHER, alive, comparable, get_weather
from .test_sglang_supervisor import wait_for

pytestmark = [
    pytest.mark.usefixtures("clean_env"),
    pytest.mark.timeout(180),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tracking reads /proc (Linux)"),
]

REPO_ROOT = Path(__file__).resolve().parent.parent


def _turns_file(tmp_path: Path, turns: list[Turn]) -> Path:
    path = tmp_path / "turns.json"
    rows = [
        {"reasoning": t.reasoning, "content": t.content, "tool_calls": [dict(c.__dict__) for c in t.calls]}
        for t in turns
    ]
    path.write_text(json.dumps(rows))
    return path


def _sglang(
    tmp_path: Path, dialect: str, *switches: str, turns: list[Turn] | None = None, **extra: Any
) -> dict[str, Any]:
    command = [sys.executable, "-m", "minimax_sdk.testing", "--dialect", dialect, *switches]
    if turns:
        command += ["--turns", str(_turns_file(tmp_path, turns))]
    options: dict[str, Any] = {
        "model_path": "/models/tiny-m2",
        "command": command,
        "env": {"PYTHONPATH": str(REPO_ROOT)},
        "startup_timeout": 60.0,
        "stop_timeout": 20.0,
    }
    return {**options, **extra}


def _conversation(client: MiniMax) -> list[ChatResponse]:
    first = client.chat(USER, tools=[WEATHER])
    call = first.message.tool_calls[0]
    history = [*USER, first.message, ToolMessage(call.id, get_weather(**call.arguments), call.name)]
    second = client.stream(history, tools=[WEATHER]).until_done()
    return [first, second]


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[list[SGLangBackend]]:
    """The sglang backends a test made; afterwards, none of their processes is left."""
    made: list[SGLangBackend] = []
    yield made
    for backend in made:
        pids = backend.supervisor.pids if backend.supervisor is not None else []
        backend.close()
        assert alive(pids) == []


def test_supervised_server_gives_what_the_http_backend_gives(tmp_path: Path, supervised: list[SGLangBackend]) -> None:
    with ReferenceServer("openai-split") as server:
        server.script(CALL, ANSWER)
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            over_http = _conversation(client)
    client = MiniMax(backend="sglang", sglang=_sglang(tmp_path, "openai-split", turns=[CALL, ANSWER]))
    assert isinstance(client.backend, SGLangBackend)
    supervised.append(client.backend)
    assert client.backend.supervisor is not None
    assert client.backend.supervisor.pid is None  # nothing runs until the first request (or start())
    on_sglang = _conversation(client)
    assert [comparable(r) for r in on_sglang] == [comparable(r) for r in over_http]
    assert on_sglang[1].message.dialect == "sglang"
    argv = client.backend.supervisor.argv
    assert argv[argv.index("--served-model-name") + 1] == "MiniMaxAI/MiniMax-M2.1"
    pids = client.backend.supervisor.pids
    client.close()
    assert alive(pids) == []


def test_run_and_async_run_and_chat_minimax_on_a_supervised_server(
    tmp_path: Path, supervised: list[SGLangBackend]
) -> None:
    options = _sglang(tmp_path, "openai-split", turns=[CALL, ANSWER, CALL, ANSWER, CALL, ANSWER])
    with MiniMax(backend="sglang", sglang=options) as client:
        supervised.append(client.backend)
        result = client.run(USER, tools=[get_weather])
        assert (result.final_answer, result.tool_calls) == ("It is sunny in Paris.", 1)
        port = client.backend.supervisor.port  # type: ignore[union-attr]

    async def main() -> str:
        async with AsyncMiniMax(backend="sglang", sglang={**options, "port": port}) as aclient:
            supervised.append(aclient.backend)  # type: ignore[arg-type]
            await aclient.backend.astart()  # type: ignore[attr-defined]
            return (await aclient.run(USER, tools=[get_weather])).final_answer

    assert asyncio.run(main()) == "It is sunny in Paris."

    pytest.importorskip("langchain_core")
    from langchain_minimax import ChatMiniMax

    model = ChatMiniMax(backend="sglang", sglang=options)
    try:
        reply = model.bind_tools([get_weather]).invoke("Weather in Paris?")
        assert reply.tool_calls[0]["args"] == {"city": "Paris"}
    finally:
        backend = model._sync_client().backend
        supervised.append(backend)


@pytest.mark.parametrize(
    ("dialect", "parser", "mode"),
    [
        ("openai-split", "minimax", "tagged"),
        ("openai-append-think", "minimax-append-think", "tagged"),
        ("openai-raw", None, "raw"),
    ],
)
def test_attach_reads_the_reasoning_parser_from_model_info(dialect: str, parser: str | None, mode: str) -> None:
    with ReferenceServer(dialect, chunk_chars=3) as server:
        server.script(ANSWER)
        with MiniMax(backend="sglang", base_url=server.base_url) as client:
            events = list(client.stream(USER))
            http = client.backend._http  # type: ignore[attr-defined]
            assert http.dialect.raw_mode == mode
            assert http.dialect.name == "sglang"
        assert server.requests[0].path == "/model_info"
    response = events[-1].response  # type: ignore[union-attr]
    assert (response.message.reasoning, response.message.content) == (ANSWER.reasoning, ANSWER.content)
    # read as raw output, reasoning streams as it comes, not held until </think> decides
    assert len([e for e in events if isinstance(e, ReasoningDelta)]) > 1


def test_a_crash_after_ready_is_raised_on_the_next_call_with_the_log_tail(
    tmp_path: Path, supervised: list[SGLangBackend]
) -> None:
    trigger = tmp_path / "crash-now"
    client = MiniMax(backend="sglang", sglang=_sglang(tmp_path, "openai-split", "--crash-when-file", str(trigger)))
    supervised.append(client.backend)
    assert client.chat(USER).message.content
    supervisor = client.backend.supervisor
    assert supervisor is not None
    trigger.touch()
    wait_for(lambda: supervisor.returncode is not None, "the server to exit")
    with pytest.raises(BackendCrashedError) as info:
        client.chat(USER)
    assert info.value.returncode == 3
    assert "ready to roll" in info.value.log_tail
    client.close()


def test_sglang_settings_come_from_the_toml_table(tmp_path: Path) -> None:
    config = tmp_path / "minimax.toml"
    config.write_text(
        'backend = "sglang"\n\n[sglang]\nmodel_path = "/models/m"\ntp = 4\nmem_fraction = 0.85\npython = "/opt/sgl/python"\n'
    )
    settings = load_settings(config, environ={})
    assert settings.backend_options == {
        "sglang": {"model_path": "/models/m", "tp": 4, "mem_fraction": 0.85, "python": "/opt/sgl/python"}
    }
    client = MiniMax(settings=settings)
    launch = client.backend.supervisor.launch  # type: ignore[attr-defined]
    assert (launch.model_path, launch.tp, launch.mem_fraction) == ("/models/m", 4, 0.85)
    client.close()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs sglang.model_path"),
        ({"model_path": "/m", "tensor_parallel": 4}, "unknown sglang setting 'tensor_parallel'"),
        ({"model_path": "/m", "mode": "rocket"}, "sglang.mode must be one of"),
        ({"model_path": "/m", "tp": 0}, "sglang.tp"),
    ],
)
def test_bad_sglang_settings_are_config_errors_naming_the_key(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        MiniMax(backend="sglang", sglang=options)


def test_without_sglang_installed_the_backend_says_how_to_install_it() -> None:
    if importlib.util.find_spec("sglang") is not None:
        pytest.skip("sglang is installed here")
    with pytest.raises(ConfigError, match=r"pip install 'minimax-sdk\[sglang\]'"):
        MiniMax(backend="sglang", sglang={"model_path": "/models/m"})
