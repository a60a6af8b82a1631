"""Every example runs as a user would run it, in demo mode (a scripted reference server on loopback), and
exits 0 with the output it promises."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

EXPECTED: dict[str, list[str]] = {
    "agent_loop.py": [
        "-> get_weather({'city': 'Paris', 'days': 2})",
        "<- 69.8",
        "stop: completed, turns: 3, tool calls: 3",
    ],
    "quick_start.py": ["reasoning: Rayleigh scattering", "answer: Air molecules scatter blue light", "tokens: "],
    "tools.py": ["-> add({'a': 1234.5, 'b': 8765.5}) = 10000.0", "answer: 1234.5 + 8765.5 = 10000."],
    "streaming.py": ["[thinking] A haiku", "[answer] Tokens drift like snow", "finish: stop"],
    "langgraph_agent.py": ["[call get_weather]", "[tool get_local_time] Paris: 11:40.", "lunch is close"],
    "typed_output.py": [
        "<- sent back: - `$.days[0].place.country`: expected string of at most 2 characters",
        "stop: completed, turns: 3",
        "day 2: Lyon (FR): Fourvière hill.",
    ],
    "tracing.py": [
        "invoke_agent  [",
        "  turn  [agent.turn=1]",
        "    chat MiniMax-M2.1  [",
        "    execute_tool get_weather  [tool.name='get_weather']",
        "tokens: 1800 in (800 cached), 120 out",
        "cost: 0.000468 USD",
    ],
    "mcp_tools.py": [
        "tools: packing_list, distance_km, forecast",
        "<- distance_km: 9714",
        '"sky": "light rain"',
        "stop: completed, turns: 2, tool calls: 3",
    ],
    "local_sglang.py": ["-m sglang.launch_server --model-path", "--reasoning-parser", "answer: Hello from a"],
}


def test_every_example_is_run_here() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_in_demo_mode(name: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIMAX_", "NVIDIA_", "OPENAI_"))}
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    for expected in EXPECTED[name]:
        assert expected in out.stdout


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_langgraph_example_uses_create_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    agents = pytest.importorskip("langchain.agents")  # the [langchain] extra installs langchain
    made: list[Any] = []
    monkeypatch.setattr(agents, "create_agent", lambda model, tools: made.append((model, tools)) or "agent")
    example = _load("langgraph_agent")
    assert example.build_agent("model", ["tool"]) == "agent"
    assert made == [("model", ["tool"])]
