"""``minimax serve``: the command line of the configured server (``--dry-run``), and a foreground run that
shows progress, prints the base URL once ready, and stops cleanly on Ctrl-C, leaving no process."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from minimax_sdk.cli import main

pytestmark = [
    pytest.mark.usefixtures("clean_env"),
    pytest.mark.timeout(120),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tracking reads /proc (Linux)"),
]
REPO_ROOT = Path(__file__).resolve().parent.parent


def _config(tmp_path: Path, **extra: object) -> Path:
    settings = {"model_path": "/models/MiniMax-M2.1", "tp": 4, **extra}
    lines = ['backend = "sglang"', "", "[sglang]", *(f"{key} = {_toml(value)}" for key, value in settings.items())]
    path = tmp_path / "minimax.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def test_dry_run_prints_the_command_line(tmp_path: Path) -> None:
    out = io.StringIO()
    status = main(
        ["serve", "--config", str(_config(tmp_path, python="/opt/py/bin/python")), "--dry-run", "--port", "31000"],
        stdout=out,
    )
    assert status == 0
    assert out.getvalue().split() == [
        "/opt/py/bin/python",
        "-m",
        "sglang.launch_server",
        "--model-path",
        "/models/MiniMax-M2.1",
        "--tp-size",
        "4",
        *out.getvalue().split()[7:],
    ]
    assert "--port 31000" in out.getvalue()
    assert "--served-model-name MiniMaxAI/MiniMax-M2.1" in out.getvalue()


def test_a_bad_setting_is_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--config", str(_config(tmp_path, tp_size=4)), "--dry-run"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert "unknown sglang setting 'tp_size'" in err


def test_serve_runs_until_ctrl_c_and_leaves_nothing(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "minimax_sdk.testing", "--dialect", "openai-split", "--shards", "3"]
    config = _config(tmp_path, command=command, env={"PYTHONPATH": str(REPO_ROOT)}, tp=1, startup_timeout=60)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from minimax_sdk.cli import entry_point; entry_point()",
            "serve",
            "--config",
            str(config),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()  # printed once the server is ready
        assert base_url.startswith("http://127.0.0.1:")
        assert httpx.get(base_url.removesuffix("/v1") + "/ready").status_code == 200
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "loading weights" in err
    assert "ready" in err
    assert "stopping the server" in err
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url.removesuffix("/v1") + "/ready")
