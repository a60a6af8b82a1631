"""Start server processes from one long-lived thread.

Linux sends the parent-death signal when the *thread* that forked the child ends, not the process. A
server started from a short-lived thread (``asyncio.to_thread``, a request handler, a thread pool that is
shut down) would be killed when that thread finished. So every server is forked by one daemon thread that
lives until the interpreter exits; the signal then fires only when the whole host process dies.
"""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future

__all__ = ["spawn"]

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
