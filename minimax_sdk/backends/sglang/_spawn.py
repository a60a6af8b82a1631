"""Start server processes from one long-lived thread.

Linux sends the parent-death signal when the *thread* that forked the child ends, not the process. A
server started from a short-lived thread (``asyncio.to_thread``, a request handler, a thread pool that is
shut down) would be killed when that thread finished. So every server is forked by one daemon thread that
lives until the interpreter exits; the signal then fires only when the whole host process dies.
"""

from __future__ import annotations

import os
import queue
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future

__all__ = ["spawn", "start_in_session"]

_Job = tuple[Callable[[], "subprocess.Popen[bytes]"], "Future[subprocess.Popen[bytes]]"]
_jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _serve() -> None:
    while True:
        start, result = _jobs.get()
        if not result.set_running_or_notify_cancel():
            continue
        try:
            result.set_result(start())
        except BaseException as exc:  # handed to the caller, who re-raises it
            result.set_exception(exc)


def spawn(start: Callable[[], subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """Run ``start`` (which creates the process) on the spawner thread and return its result."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_serve, name="sglang-spawner", daemon=True)
            _thread.start()
    result: Future[subprocess.Popen[bytes]] = Future()
    _jobs.put((start, result))
    return result.result()


def start_in_session(
    argv: Sequence[str], env: Mapping[str, str], *, stdin: int = subprocess.DEVNULL, piped_stdout: bool = False
) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``argv`` as the leader of a new session (its own process group), with the parent-death signal set
    where Linux has it, from the spawner thread. Its stderr, and its stdout unless ``piped_stdout`` (then a pipe
    of its own, ``popen.stdout``), go to a new pipe: returns the process and that pipe's read end."""
    from ._procs import parent_death_hook

    hook = parent_death_hook()
    read_end, write_end = os.pipe()
    try:
        popen = spawn(
            lambda: subprocess.Popen(
                list(argv),
                stdin=stdin,
                stdout=subprocess.PIPE if piped_stdout else write_end,
                stderr=write_end,
                env=dict(env),
                start_new_session=True,
                preexec_fn=hook,
            )
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return popen, read_end
