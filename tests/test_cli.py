"""The ``minimax parse`` command: JSON out, clear one-line errors and exit status 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from minimax_sdk.cli import main

RAW = (
    'Thinking it over.\n</think>\n\nChecking.\n<minimax:tool_call>\n<invoke name="get">\n'
    '<parameter name="id">42</parameter>\n</invoke>\n</minimax:tool_call>'
)
TOOLS = [
    {
        "type": "function",
        "function": {"name": "get", "parameters": {"properties": {"id": {"type": "string"}}}},
    }
]


class _Stdin(io.StringIO):
    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.buffer = io.BytesIO(data)


def _run(argv: list[str], stdin: bytes = b"") -> tuple[int, dict[str, object] | None]:
    out = io.StringIO()
    status = main(argv, stdin=_Stdin(stdin), stdout=out)
    return status, (json.loads(out.getvalue()) if out.getvalue() else None)


def test_parse_file_prints_reasoning_content_and_calls(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text(RAW, encoding="utf-8")
    status, data = _run(["parse", str(tmp_path / "out.txt")])
    assert status == 0
    assert data is not None
    assert data["reasoning"] == "Thinking it over."
    assert data["content"] == "Checking."
    assert [(c["name"], c["arguments"]) for c in data["tool_calls"]] == [("get", {"id": 42})]  # type: ignore[index,union-attr]
    assert [b["type"] for b in data["blocks"]] == ["reasoning", "text", "tool_call"]  # type: ignore[index,union-attr]


def test_parse_reads_standard_input_and_uses_tool_schemas(tmp_path: Path) -> None:
    (tmp_path / "tools.json").write_text(json.dumps(TOOLS), encoding="utf-8")
    status, data = _run(["parse", "--tools", str(tmp_path / "tools.json")], stdin=RAW.encode())
    assert status == 0
    assert data is not None
    assert data["tool_calls"][0]["arguments"] == {"id": "42"}  # type: ignore[index]


def test_in_reasoning_flag_reads_text_without_think_close_as_reasoning() -> None:
    status, data = _run(["parse", "--in-reasoning"], stdin=b"still thinking")
    assert status == 0
    assert data is not None
    assert (data["reasoning"], data["content"]) == ("still thinking", "")


def test_unknown_tool_is_reported_as_invalid(tmp_path: Path) -> None:
    (tmp_path / "tools.json").write_text(json.dumps({"tools": []}), encoding="utf-8")
    status, data = _run(["parse", "--tools", str(tmp_path / "tools.json")], stdin=RAW.encode())
    assert status == 0
    assert data is not None
    assert data["invalid_tool_calls"][0]["reason"] == "unknown_tool"  # type: ignore[index]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no such file"),
        ({"in.txt": b"\xff\xfeabc"}, "not UTF-8"),
        ({"in.txt": RAW.encode(), "tools.json": b"{not json"}, "not valid JSON"),
        ({"in.txt": RAW.encode(), "tools.json": b'{"a": 1}'}, "expected a JSON list"),
        ({"in.txt": RAW.encode(), "tools.json": b'[{"description": "no name"}]'}, "tool #0"),
        ({"in.txt": RAW.encode(), "tools.json": b"[42]"}, "tool #0"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, bytes], message: str
) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    argv = ["parse", str(tmp_path / "in.txt")]
    if "tools.json" in files:
        argv += ["--tools", str(tmp_path / "tools.json")]
    status, _ = _run(argv)
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_directory_instead_of_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["parse", str(tmp_path)])[0] == 2
    assert "directory" in capsys.readouterr().err


def test_console_script_runs_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text(RAW, encoding="utf-8")
    cmd = [sys.executable, "-c", "from minimax_sdk.cli import entry_point; entry_point()"]
    ok = subprocess.run([*cmd, "parse", "--compact", str(tmp_path / "out.txt")], capture_output=True, timeout=60)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["content"] == "Checking."
    bad = subprocess.run([*cmd, "parse", str(tmp_path / "missing.txt")], capture_output=True, timeout=60)
    assert bad.returncode == 2
    assert b"Traceback" not in bad.stderr
    assert b"no such file" in bad.stderr
