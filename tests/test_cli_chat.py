"""``minimax chat`` in a pseudo-terminal against the reference server (``--backend openai --base-url``): the
reasoning streams dimmed and apart from the answer, tool calls and results show, the history goes back with
its reasoning, errors are one line and a hint, Ctrl-C and Ctrl-D leave cleanly. Plus ``--json`` for scripts."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from minimax_sdk.cli._tool_files import load_tools
from minimax_sdk.testing import Fault, ReferenceServer, Turn
from tests.terminal_support import child_env, finish, minimax_argv, plain, screen, spawn, styled_text

PROMPT = "you› "
TOOLS = '''
def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first.
        b: The second.
    """
    return a + b


def _helper() -> None:
    pass
'''


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(dialect="openai-split") as running:
        yield running


@pytest.fixture
def tools_file(tmp_path: Path) -> Path:
    path = tmp_path / "my_tools.py"
    path.write_text(TOOLS, encoding="utf-8")
    return path


def _adding_turns() -> tuple[Turn, Turn]:
    return (
        Turn(
            reasoning="The user wants a sum; use the add tool.",
            tool_calls=[{"name": "add", "arguments": {"a": 2, "b": 3}}],
        ),
        Turn(reasoning="The tool says 5.", content="2 + 3 = 5."),
    )


def _chat(server: ReferenceServer, tmp_path: Path, *args: str) -> pexpect.spawn:
    return spawn(["chat", "--backend", "openai", "--base-url", server.base_url, *args], tmp_path)


def test_one_question_streams_reasoning_apart_from_the_answer_and_shows_tool_calls(
    server: ReferenceServer, tmp_path: Path, tools_file: Path
) -> None:
    server.script(*_adding_turns())
    status, shown = finish(_chat(server, tmp_path, "--tools", str(tools_file), "What is 2 + 3?"))
    text = plain(shown)
    dim, normal = styled_text(shown)
    assert status == 0, text
    assert "Traceback" not in text
    assert "The user wants a sum; use the add tool." in dim
    assert "The tool says 5." in dim
    assert "2 + 3 = 5." in normal
    assert "2 + 3 = 5." not in dim
    assert "use the add tool" not in normal
    assert "→ add(a=2, b=3)" in text
    assert "← add: 5" in text
    assert text.index("use the add tool") < text.index("→ add(a=2, b=3)") < text.index("← add: 5")
    assert text.index("The tool says 5.") < text.index("answer:") < text.index("2 + 3 = 5.")
    assert "↩ reasoning sent back: 39 chars in 1 assistant message" in text


def test_hide_reasoning_shows_only_the_answer(server: ReferenceServer, tmp_path: Path, tools_file: Path) -> None:
    server.script(*_adding_turns())
    status, shown = finish(_chat(server, tmp_path, "--hide-reasoning", "--tools", str(tools_file), "2 + 3?"))
    text = plain(shown)
    assert status == 0, text
    assert "use the add tool" not in text
    assert "thinking:" not in text
    assert "← add: 5" in text
    assert "2 + 3 = 5." in text


def test_conversation_keeps_history_with_reasoning_and_ends_at_an_empty_line(
    server: ReferenceServer, tmp_path: Path
) -> None:
    server.script(
        Turn(reasoning="A greeting; answer in kind.", content="Hello!"),
        Turn(reasoning="They ask what I said before.", content="I said hello."),
    )
    child = _chat(server, tmp_path)
    child.expect_exact(PROMPT)
    child.sendline("hi")
    child.expect_exact("Hello!")
    child.expect_exact(PROMPT)
    child.sendline("what did you say?")
    child.expect_exact("I said hello.")
    child.expect_exact(PROMPT)
    child.sendline("")
    status, shown = finish(child)
    assert status == 0
    assert "↩ reasoning sent back: 27 chars in 1 assistant message" in plain(shown)
    second = server.requests[1].json
    assert second is not None
    assert second["messages"] == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "reasoning_content": "A greeting; answer in kind.", "content": "Hello!"},
        {"role": "user", "content": "what did you say?"},
    ]


def test_ctrl_d_at_the_prompt_leaves_with_status_0(server: ReferenceServer, tmp_path: Path) -> None:
    child = _chat(server, tmp_path)
    child.expect_exact(PROMPT)
    child.sendeof()
    status, shown = finish(child)
    assert status == 0
    assert "Traceback" not in shown


def test_ctrl_c_at_the_prompt_leaves_cleanly_with_status_130(server: ReferenceServer, tmp_path: Path) -> None:
    child = _chat(server, tmp_path)
    child.expect_exact(PROMPT)
    child.sendintr()
    status, shown = finish(child)
    assert status == 130
    assert "Traceback" not in shown
    assert "KeyboardInterrupt" not in shown


def test_ctrl_c_while_the_answer_is_awaited_leaves_cleanly(server: ReferenceServer, tmp_path: Path) -> None:
    server.fault(Fault.stall(300))  # the server holds the reply until the client hangs up
    child = _chat(server, tmp_path)
    child.expect_exact(PROMPT)
    child.sendline("are you there?")
    server.wait_for_requests(1, timeout=120)
    child.sendintr()
    status, shown = finish(child)
    assert status == 130
    assert "Traceback" not in shown
    assert "interrupted" in plain(shown)


def test_a_missing_key_is_one_line_and_a_hint(tmp_path: Path) -> None:
    status, shown = finish(spawn(["chat", "hello"], tmp_path))
    lines = plain(shown).strip().splitlines()
    assert status == 2
    assert len(lines) == 2, lines
    assert lines[0].startswith("minimax chat: error: the minimax backend needs an API key")
    assert "MINIMAX_API_KEY" in lines[0]
    assert lines[1].startswith("hint: ")
    assert "minimax demo" in lines[1]


def test_a_server_that_is_not_there_is_one_line_and_a_hint(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = spawn(["chat", "--backend", "openai", "--base-url", f"http://127.0.0.1:{port}/v1", "hello"], tmp_path)
    status, shown = finish(child)
    lines = plain(shown).strip().splitlines()
    assert status == 1
    assert len(lines) == 2, lines
    assert lines[0].startswith("minimax chat: error: ")
    assert f"127.0.0.1:{port}" in lines[0]
    assert lines[1].startswith("hint: is the server running?")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    out = subprocess.run(
        [*minimax_argv(), "chat", "--debug", "hello"],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert "Traceback" in out.stderr
    assert "ConfigError" in out.stderr


def test_json_prints_one_object_per_exchange(server: ReferenceServer, tmp_path: Path, tools_file: Path) -> None:
    server.script(*_adding_turns(), Turn(reasoning="Same sum.", content="Still 5."))
    out = subprocess.run(
        [
            *minimax_argv(),
            "chat",
            "--backend",
            "openai",
            "--base-url",
            server.base_url,
            "--tools",
            str(tools_file),
            "--json",
        ],
        input="What is 2 + 3?\nAgain?\n",
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert first["reasoning"] == "The user wants a sum; use the add tool.\n\nThe tool says 5."
    assert first["content"] == "2 + 3 = 5."
    assert first["tool_calls"] == [{"id": "call_000001_0", "name": "add", "arguments": {"a": 2, "b": 3}, "result": "5"}]
    assert first["usage"]["total_tokens"] > 0
    assert second["content"] == "Still 5."
    assert second["tool_calls"] == []
    last = server.requests[-1].json
    assert last is not None
    assert [m["role"] for m in last["messages"]] == ["user", "assistant", "tool", "assistant", "user"]


def test_tools_file_gives_its_public_functions_or_only_its_decorated_tools(tmp_path: Path, tools_file: Path) -> None:
    assert [t.__name__ for t in load_tools(str(tools_file))] == ["add"]
    decorated = tmp_path / "decorated.py"
    decorated.write_text(
        "from minimax_sdk import tool\n\n@tool\ndef shout(text: str) -> str:\n    return text.upper()\n\n"
        "def not_a_tool() -> None:\n    pass\n",
        encoding="utf-8",
    )
    assert [t.name for t in load_tools(str(decorated))] == ["shout"]
    status, shown = finish(spawn(["chat", "--tools", str(tmp_path / "nope.py"), "hi"], tmp_path))
    assert status == 2
    assert plain(shown).strip() == f"minimax chat: error: --tools {tmp_path / 'nope.py'}: no such file"


def test_screen_helper_sees_the_prompt(server: ReferenceServer, tmp_path: Path) -> None:
    child = _chat(server, tmp_path)
    child.expect_exact(PROMPT)
    assert "an empty line or Ctrl-D ends the conversation" in plain(screen(child))
    child.sendline("")
    assert finish(child)[0] == 0
