"""``minimax doctor`` against the reference server: one right configuration and the usual wrong ones, each
giving one line with its fix; the configuration's sources are shown and the key never is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from minimax_sdk.cli import main
from minimax_sdk.testing import Fault, ReferenceServer

KEY = "sk-doctor-test-key-0123456789"
pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MINIMAX_API_KEY", KEY)
    return KEY


def _doctor(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["doctor", *argv], stdout=out)
    text = out.getvalue()
    assert KEY not in text
    return status, text


def _problems(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("FAIL")]


def _row(text: str, key: str) -> list[str]:
    return next(line.split() for line in text.splitlines() if line.split()[:1] == [key])


def test_a_right_configuration_passes_every_check(key: str) -> None:
    with ReferenceServer("minimax") as server:
        status, text = _doctor("--base-url", server.base_url)
        chats = [r for r in server.requests if r.path == "/v1/chat/completions"]
    assert status == 0, text
    assert _problems(text) == []
    assert "serves MiniMax-M2.1" in text
    assert "reasoning arrived in reasoning_details" in text
    assert text.rstrip().endswith("all checks passed")
    assert [r.json["max_tokens"] for r in chats] == [1]
    assert _row(text, "base_url")[-1] == "argument"
    assert _row(text, "backend")[-1] == "default"
    assert _row(text, "api_key")[-3:] == ["environment", "variable", "MINIMAX_API_KEY"]
    assert "********" in _row(text, "api_key")


def test_a_wrong_key_says_which_variable_to_fix(key: str) -> None:
    with ReferenceServer("minimax") as server:
        server.fault(Fault.status(401, message=f"invalid api key {KEY}"))
        status, text = _doctor("--base-url", server.base_url)
    assert status == 1
    (problem,) = _problems(text)
    assert "refused the API key" in problem
    assert problem.endswith("Fix: set MINIMAX_API_KEY to a valid key for this server")


def test_a_base_url_without_v1_gets_add_v1(key: str) -> None:
    with ReferenceServer("minimax") as server:
        root = server.base_url.removesuffix("/v1")
        status, text = _doctor("--base-url", root)
    assert status == 1
    (problem,) = _problems(text)
    assert "HTTP 404" in problem
    assert problem.endswith(f"Fix: add /v1: pass --base-url {root}/v1")
    assert "skip  one-token chat" in text


def test_a_backend_that_does_not_match_the_server_is_named(key: str) -> None:
    with ReferenceServer("openai-raw") as server:  # raw completions: reasoning inline, no reasoning_details
        status, text = _doctor("--backend", "minimax", "--base-url", server.base_url)
    assert status == 1
    (problem,) = _problems(text)
    assert "reasoning arrived inline in the content, but backend 'minimax' expects reasoning_details" in problem
    assert problem.endswith("e.g. pass --backend openai")
    with ReferenceServer("openai-raw") as server:
        assert _doctor("--backend", "openai", "--base-url", server.base_url)[0] == 0


def test_a_model_the_server_does_not_serve(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIMAX_MODEL", "MiniMax-M9")
    with ReferenceServer("minimax") as server:
        status, text = _doctor("--base-url", server.base_url)
    assert status == 1
    (problem,) = _problems(text)
    assert problem.endswith("Fix: set MINIMAX_MODEL=MiniMax-M2.1")


def test_no_reasoning_at_all_is_a_problem(key: str) -> None:
    from minimax_sdk.testing import Turn

    with ReferenceServer("openai-split") as server:
        server.script(Turn(content="OK"))
        status, text = _doctor("--backend", "openai", "--base-url", server.base_url)
    assert status == 1
    (problem,) = _problems(text)
    assert "no reasoning came back" in problem
    assert "Fix: " in problem


def test_sglang_attach_mode_reads_model_info() -> None:
    with ReferenceServer("openai-split") as server:
        status, text = _doctor("--backend", "sglang", "--base-url", server.base_url)
    assert status == 0, text
    assert "model_info: GET" in text
    assert "reasoning parser minimax" in text


def test_sources_from_a_file_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReferenceServer("openai-split") as server:
        config = tmp_path / "minimax.toml"
        config.write_text(f'backend = "openai"\nbase_url = "{server.base_url}"\n[sampling]\ntemperature = 0.5\n')
        monkeypatch.setenv("MINIMAX_TIMEOUT", "30")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        status, text = _doctor("--config", str(config))
    assert status == 0, text
    assert _row(text, "backend")[-2:] == ["file", str(config)]
    assert _row(text, "timeout")[1:] == ["30", "environment", "variable", "MINIMAX_TIMEOUT"]
    assert _row(text, "sampling.temperature")[-2:] == ["file", str(config)]
    assert _row(text, "api_key")[-1] == "OPENAI_API_KEY"


def test_a_bad_setting_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIMAX_TIMEOUT", "soon")
    status, text = _doctor("--backend", "openai", "--base-url", "http://127.0.0.1:9/v1")
    assert status == 1
    (problem,) = _problems(text)
    assert "MINIMAX_TIMEOUT" in problem


def test_embedded_sglang_is_not_started() -> None:
    status, text = _doctor("--backend", "sglang")
    assert status == 0
    assert "minimax serve --dry-run" in text
