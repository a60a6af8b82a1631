"""Driving the ``minimax`` command in a pseudo-terminal as a user would (pexpect), and reading its screen.

The child gets the environment without any MINIMAX_*, NVIDIA_* or OPENAI_* variable, runs in an empty folder
(no ``minimax.toml``), and has a wide terminal so that lines do not wrap. Tests wait for output with
``expect``; the timeouts are safety nets, never the thing a test waits on.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from pathlib import Path

import pexpect

SAFETY_TIMEOUT = 120
_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_OTHER_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-ln-z]|\x1b\][^\x07]*\x07")


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIMAX_", "NVIDIA_", "OPENAI_"))}
    env.pop("NO_COLOR", None)
    env.update({"TERM": "xterm-256color", "COLUMNS": "200", "LINES": "50", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def minimax_argv() -> list[str]:
    script = Path(sys.executable).parent / "minimax"
    if script.exists():
        return [str(script)]
    found = shutil.which("minimax")
    return [found] if found else [sys.executable, "-c", "from minimax_sdk.cli import entry_point; entry_point()"]


def spawn(args: list[str], cwd: Path, **env: str) -> pexpect.spawn:
    argv = [*minimax_argv(), *args]
    child = pexpect.spawn(
        argv[0],
        argv[1:],
        cwd=str(cwd),
        env=child_env(**env),
        encoding="utf-8",
        codec_errors="replace",
        timeout=SAFETY_TIMEOUT,
        dimensions=(50, 200),
    )
    child.logfile_read = io.StringIO()  # the whole screen, whatever the expects consumed
    return child


def screen(child: pexpect.spawn) -> str:
    """Everything the child has drawn so far."""
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def finish(child: pexpect.spawn) -> tuple[int | None, str]:
    """Wait for the child to end; its exit status (or -signal) and its whole screen."""
    child.expect(pexpect.EOF)
    child.close()
    status = child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)
    return status, screen(child)


def plain(screen: str) -> str:
    """The screen's text without escape sequences, with Unix line ends."""
    return _OTHER_ESCAPES.sub("", _SGR.sub("", screen)).replace("\r\n", "\n")


def styled_text(screen: str) -> tuple[str, str]:
    """(the text drawn dimmed, the text drawn without dim), escape sequences removed."""
    dim: list[str] = []
    normal: list[str] = []
    current = False
    position = 0
    for match in _SGR.finditer(screen):
        (dim if current else normal).append(screen[position : match.start()])
        current = _dim_after(match.group(1), current)
        position = match.end()
    (dim if current else normal).append(screen[position:])
    return plain("".join(dim)), plain("".join(normal))


def _dim_after(sequence: str, dim: bool) -> bool:
    """Whether text is dimmed after an SGR sequence's parameters (colour parameters skipped)."""
    params = [int(p) if p else 0 for p in sequence.split(";")]
    i = 0
    while i < len(params):
        code = params[i]
        if code in (38, 48, 58):
            i += 3 if params[i + 1 : i + 2] == [5] else 5
            continue
        if code in (0, 22):
            dim = False
        elif code == 2:
            dim = True
        i += 1
    return dim
