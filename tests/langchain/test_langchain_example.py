"""``examples/langgraph_agent.py`` runs end to end offline, against the SDK's reference server."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"]), pytest.mark.filterwarnings("ignore::DeprecationWarning")]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "langgraph_agent.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("langgraph_agent_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_agent_runs_against_the_reference_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load().main(["--reference-server"]) == 0
    out = capsys.readouterr().out
    assert "[thinking] The user asks about clothes and lunch in Paris. Weather first." in out
    assert '[call get_weather] {"city": "Paris"}' in out
    assert "[tool get_local_time] Paris: 11:40." in out
    assert out.rstrip().endswith("It is 11:40, so lunch is close.")
    assert "<think>" not in out
