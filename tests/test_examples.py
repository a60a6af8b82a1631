"""The examples run as a user would run them (demo mode: a scripted reference server on loopback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_agent_loop_example_runs_in_demo_mode() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIMAX_", "NVIDIA_", "OPENAI_"))}
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "agent_loop.py"), "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    assert "-> get_weather({'city': 'Paris', 'days': 2})" in out.stdout
    assert "<- 69.8" in out.stdout
    assert "stop: completed, turns: 3, tool calls: 3" in out.stdout
