"""benchmarks/run_all.py: its texts parse to what it expects, its checks catch a wrong result, and its quick
mode runs and writes the summary. No figure is asserted: only that the runner works and checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from minimax_sdk import StreamParser, parse_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
import run_all  # noqa: E402


@pytest.mark.parametrize(
    "expected",
    [
        corpus.reasoning_and_content(20_000),
        corpus.angle_heavy(20_000),
        corpus.small_calls(30),
        corpus.one_call(1_000),
        corpus.write_file(20_000),
    ],
    ids=["reasoning", "angle-heavy", "small-calls", "one-call", "write-file"],
)
def test_each_text_parses_to_its_expected_result_whole_and_streamed(expected: corpus.Expected) -> None:
    whole = parse_output(expected.text, corpus.CALL_TOOLS, in_reasoning=True)
    run_all.check_parsed("whole", whole, expected)
    parser = StreamParser(corpus.CALL_TOOLS, in_reasoning=True)
    for piece in corpus.deltas(expected.text, 4):
        parser.feed(piece)
    parser.close()
    assert run_all.same_result(parser.result, whole)


def test_deltas_keep_the_special_tokens_whole() -> None:
    text = corpus.small_calls(3).text
    pieces = corpus.deltas(text, 4)
    assert "".join(pieces) == text
    assert pieces.count("<minimax:tool_call>") == text.count("<minimax:tool_call>") == 1
    assert "</think>" in pieces
    assert "</minimax:tool_call>" in pieces
    assert all(len(p) <= 4 for p in pieces if p not in corpus.SPECIAL_TOKENS)


def test_the_checks_reject_a_wrong_parse() -> None:
    expected = corpus.small_calls(10)
    wrong = parse_output(expected.text.replace("user/3/", "user/4/"), corpus.CALL_TOOLS, in_reasoning=True)
    with pytest.raises(AssertionError, match="calls"):
        run_all.check_parsed("ours", wrong, expected)
    cut = parse_output(expected.text[: len(expected.text) // 2], corpus.CALL_TOOLS, in_reasoning=True)
    with pytest.raises(AssertionError):
        run_all.check_parsed("ours", cut, expected)
    with pytest.raises(AssertionError):
        run_all.check_peer("sglang", expected.reasoning, expected.content, expected.calls[1:], expected)


def test_quick_mode_runs_and_writes_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--repeat", "1"]
    command += ["--only", "whole,agent,tools", "--json", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    summary: dict[str, Any] = json.loads(out.read_text())
    rows = summary["rows"]
    cases = [r["case"] for r in rows]
    for start in ("whole text", "agent loop", "`chat(tools=[a_python_function])`"):
        assert any(case.startswith(start) for case in cases), cases
    for row in rows:
        assert row["result"] in ("PASS", "FAIL")
        assert len(row["ours"]["samples"]) >= 1
        assert all(isinstance(v, float) for v in row["ours"]["samples"])
        for peer in row["peers"].values():
            assert "skipped" in peer or peer["median"] > 0
    assert "| case |" in done.stdout
    assert summary["markdown"] in done.stdout
