"""``minimax demo`` in a pseudo-terminal: without a key it says it is a scripted replay, streams the reasoning
dimmed and apart from the answer, shows each tool call with its real result and the reasoning sent back each
turn, and ends with the usage. With a backend configured it runs against it. Plus the demo's tools."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minimax_sdk.cli._demo import scripted_outputs
from minimax_sdk.cli._demo_tools import evaluate, folder_tools
from minimax_sdk.testing import ReferenceServer, Turn
from tests.terminal_support import finish, plain, spawn, styled_text


def test_demo_without_a_key_replays_scripted_turns_and_shows_what_happens(tmp_path: Path) -> None:
    child = spawn(["demo", "--chunk-delay", "0"], tmp_path)
    child.expect("scripted replay")
    child.expect("thinking:")
    status, screen = finish(child)
    assert status == 0
    text = plain(screen)
    dim, normal = styled_text(screen)
    assert "Traceback" not in text
    # the reasoning is dimmed, the answer is not, and neither is mixed into the other
    assert "I need two facts from the notes" in dim
    assert "I will use the calculator" in dim
    assert "I need two facts" not in normal
    assert "costs **$2,325.60**" in normal
    assert "$2,325.60**" not in dim
    assert text.index("I need two facts") < text.index("answer:")
    # the tool calls and their results (from the bundled notes and the calculator, really run)
    assert '→ search_files(query="per seat")' in text
    assert "← search_files: team.md:3: The team has 12 members" in text
    assert "pricing.md:6: - Team: $19 per seat per month." in text
    assert '→ read_file(path="pricing.md")' in text
    assert '→ calculate(expression="19 * 12 * 12 * (100 - 15) / 100")' in text
    assert "← calculate: 2325.6" in text
    # the reasoning sent back, read from each request: one more assistant message each turn
    sent = [(int(c), int(m)) for c, m in re.findall(r"↩ reasoning sent back: (\d+) chars in (\d+) assistant", text)]
    assert [m for _, m in sent] == [1, 2, 3]
    assert all(c > 0 for c, _ in sent)
    assert sent[0][0] < sent[1][0] < sent[2][0]
    assert re.search(
        r"usage: \d+ prompt \+ \d+ completion = \d+ tokens · 4 turns · 4 tool calls · stop: completed", text
    )


def test_demo_banner_comes_first_and_says_it_is_a_replay(tmp_path: Path) -> None:
    child = spawn(["demo", "--chunk-delay", "0"], tmp_path)
    status, screen = finish(child)
    assert status == 0
    first = plain(screen).strip().splitlines()[0]
    assert first.startswith("scripted replay: no API key is set")
    assert "reference server" in first


def test_demo_runs_against_the_configured_backend(tmp_path: Path) -> None:
    with ReferenceServer(dialect="openai-split") as server:
        server.script(
            Turn(
                reasoning="Multiply with the tool.",
                tool_calls=[{"name": "calculate", "arguments": {"expression": "6*7"}}],
            ),
            Turn(reasoning="It is 42.", content="The answer is 42."),
        )
        child = spawn(["demo"], tmp_path, MINIMAX_BACKEND="openai", MINIMAX_BASE_URL=server.base_url)
        status, screen = finish(child)
        requests = server.requests
    text = plain(screen)
    assert status == 0, text
    assert text.startswith("live: backend openai")
    assert "scripted replay" not in text
    assert "← calculate: 42" in text
    assert "The answer is 42." in styled_text(screen)[1]
    assert "↩ reasoning sent back: 23 chars in 1 assistant message" in text
    assert requests[1].json is not None
    assert requests[1].json["messages"][1]["reasoning_content"] == "Multiply with the tool."


def test_demo_options_for_the_live_model_are_refused_in_the_replay_in_one_line(tmp_path: Path) -> None:
    child = spawn(["demo", "--question", "hi"], tmp_path)
    status, screen = finish(child)
    lines = plain(screen).strip().splitlines()
    assert status == 2
    assert lines == [lines[0]]
    assert lines[0].startswith("minimax demo: error: --folder and --question need the live model")


def test_scripted_turns_are_raw_m2_output() -> None:
    outputs = scripted_outputs()
    assert len(outputs) == 4
    assert all(o.startswith("<think>\n") and "\n</think>\n" in o for o in outputs)
    assert all("<minimax:tool_call>" in o for o in outputs[:3])


def test_calculator_evaluates_arithmetic_without_eval() -> None:
    assert evaluate("19 * 12 * 12 * (100 - 15) / 100") == 2325.6
    assert evaluate("-2 ** 3 + sqrt(16) + 7 // 2 + 7 % 4") == -8 + 4 + 3 + 3
    for bad in ("__import__('os').system('true')", "x + 1", "'a' * 3", "2 ** 100000", "1 / 0", "(1).real", "True + 1"):
        with pytest.raises(ValueError):  # noqa: PT011
            evaluate(bad)


def test_file_tools_search_and_read_inside_the_folder_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\nBeta line\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("beta again\n", encoding="utf-8")
    (tmp_path / ".hidden").write_text("beta hidden\n", encoding="utf-8")
    (tmp_path.parent / "outside.txt").write_text("secret\n", encoding="utf-8")
    tools = {t.name: t for t in folder_tools(tmp_path)}
    assert tools["search_files"].invoke({"query": "beta"}).text == "a.txt:2: Beta line\nsub/b.md:1: beta again"
    assert tools["read_file"].invoke({"path": "sub/b.md"}).text == "beta again\n"
    outside = tools["read_file"].invoke({"path": "../outside.txt"})
    assert outside.is_error
    assert "outside the folder" in outside.text
    assert tools["calculate"].invoke({"expression": "6*7"}).text == "42"


@pytest.mark.parametrize("expression", ["((10**999)**999)**999", "(10**999)**999", " * ".join(["10**999"] * 11)])
def test_the_calculator_refuses_numbers_too_large_to_compute_quickly(expression: str) -> None:
    from minimax_sdk.cli._demo_tools import evaluate

    with pytest.raises(ValueError, match="more than 10000 digits"):
        evaluate(expression)
