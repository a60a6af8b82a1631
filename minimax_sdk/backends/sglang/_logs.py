"""The server's output: read from its pipe on a thread, written to a log file, the last lines kept in memory.

Lines end at ``\\n`` or ``\\r`` (tqdm progress bars redraw with carriage returns), so every bar update is a
line of its own in the file and the tail. Secrets (the server's API key, which SGLang prints with its
arguments) are masked before anything is written or kept.
"""

from __future__ import annotations

import codecs
import os
import re
import select
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from ..._secret import redact

__all__ = ["LogCapture"]

_MAX_LINE_CHARS = 16_384
_READ_BYTES = 65_536
_IDLE_CHECK_S = 0.05
_LINE_END = re.compile(r"\r\n|\r|\n")


class LogCapture:
    """Copies a child's output from ``fd`` to ``path``, keeps the last ``tail_lines`` lines, and hands each
    line to ``on_line`` (called on the reader thread). :meth:`start` begins; the thread ends at end of file
    (every writer closed the pipe) and closes ``fd``."""

    def __init__(
        self,
        path: Path,
        *,
        tail_lines: int = 200,
        secrets: Iterable[str] = (),
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._secrets = tuple(s for s in secrets if s)
        self._on_line = on_line
        self._lock = threading.Lock()
        self._file: IO[str] = path.open("a", encoding="utf-8", errors="replace")
        self._thread: threading.Thread | None = None
        self._finished = threading.Event()
        self._idle = threading.Condition()
        self._idle_count = 0  # times the reader found the pipe empty after handling everything before

    def note(self, text: str) -> None:
        """Write a line of the SDK's own (``# minimax-sdk: ...``) to the file, not the tail."""
        with self._lock:
            self._file.write(f"# minimax-sdk: {redact(text, self._secrets)}\n")
            self._file.flush()

    def start(self, fd: int) -> None:
        """Read ``fd`` on a daemon thread until end of file."""
        self._thread = threading.Thread(target=self._run, args=(fd,), name="sglang-log", daemon=True)
        self._thread.start()

    def tail(self, lines: int | None = None) -> str:
        """The last ``lines`` lines kept (all of them by default), joined with newlines."""
        with self._lock:
            kept = list(self._tail)
        return "\n".join(kept if lines is None else kept[-lines:])

    def catch_up(self, timeout: float) -> bool:
        """Wait until every byte already in the pipe has been read and handled (True), or ``timeout``.

        The reader reports each time it finds the pipe empty; one such report after this call began means
        all the output written before the call is in the file, the tail, and ``on_line``'s hands.
        """
        with self._idle:
            start = self._idle_count
            return self._idle.wait_for(lambda: self._idle_count > start or self._finished.is_set(), timeout)

    def wait_closed(self, timeout: float) -> bool:
        """Wait until the pipe reached end of file (True) or ``timeout`` passed (False)."""
        return self._finished.wait(timeout)

    def close(self) -> None:
        """Close the file (the reader thread, if still running, stops writing to it)."""
        with self._lock:
            if not self._file.closed:
                self._file.close()

    def _run(self, fd: int) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        try:
            while True:
                if not _readable(fd):
                    with self._idle:
                        self._idle_count += 1
                        self._idle.notify_all()
                    continue
                try:
                    chunk = os.read(fd, _READ_BYTES)
                except OSError:
                    chunk = b""
                text = decoder.decode(chunk, final=not chunk)
                pending += text
                parts = _LINE_END.split(pending)
                # the last part has no line end yet (a "\r\n" cut in two makes an empty line, which is skipped)
                pending = parts.pop() if chunk else ""
                if len(pending) > _MAX_LINE_CHARS:
                    parts.append(pending)
                    pending = ""
                for part in parts:
                    self._line(part)
                if not chunk:
                    break
        finally:
            os.close(fd)
            with self._idle:
                self._finished.set()
                self._idle.notify_all()

    def _line(self, raw: str) -> None:
        if not raw.strip():
            return
        line = redact(raw, self._secrets)
        with self._lock:
            self._tail.append(line)
            if not self._file.closed:
                self._file.write(line + "\n")
                self._file.flush()
        if self._on_line is not None:
            self._on_line(line)


def _readable(fd: int) -> bool:
    """Whether ``fd`` has data or end of file to read, waiting up to ``_IDLE_CHECK_S``."""
    try:
        ready, _, _ = select.select([fd], [], [], _IDLE_CHECK_S)
    except OSError:
        return True  # let the read report the problem
    return bool(ready)
