"""One running server process and how it is stopped: SIGTERM to the server, the deadline, then SIGKILL to
its process group and to every descendant ever seen, until each of them is confirmed gone."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time

from ...errors import BackendProcessError
from ._logs import LogCapture
from ._procs import TrackedProcesses, describe_pids

__all__ = ["Child"]

_KILL_CONFIRM_S = 30.0
"""How long processes get to disappear after SIGKILL (a process in uninterruptible sleep, e.g. inside a GPU
driver call, dies only when the call returns)."""
_LOG_DRAIN_S = 10.0
_RECHECK_S = 0.05


class Child:
    """A started server: its ``Popen``, the log capture, and the processes tracked for it."""

    def __init__(self, popen: subprocess.Popen[bytes], capture: LogCapture, stop_timeout: float) -> None:
        self.popen = popen
        self.capture = capture
        self.stop_timeout = stop_timeout
        self.tracked = TrackedProcesses(popen.pid)
        self._lock = threading.Lock()
        self._stopped = False
        self.tracked.scan()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self, *, graceful: bool = True) -> None:
        """Stop the server and everything it started; idempotent and safe from several threads.

        ``graceful``: SIGTERM to the server's main process (SGLang then drains requests and shuts its
        schedulers down; a SIGTERM to the whole group would kill the schedulers mid-drain, since they keep
        the default action), wait up to ``stop_timeout``, then SIGKILL the group and every tracked
        descendant. Raises :class:`BackendProcessError` naming the pids that survived SIGKILL.
        """
        with self._lock:
            if self._stopped:
                return
            self.tracked.scan()
            if graceful and self.popen.poll() is None:
                self.capture.note(f"stopping: SIGTERM to pid {self.popen.pid}, SIGKILL after {self.stop_timeout:g} s")
                self._terminate_root()
            self.tracked.scan()
            self._kill_all()
            self._stopped = True
        self.capture.wait_closed(_LOG_DRAIN_S)
        self.capture.note(f"stopped; exit status {self.popen.returncode}")
        self.capture.close()

    def stop_quietly(self) -> None:
        """:meth:`stop` for interpreter exit and garbage collection: never raises."""
        try:
            self.stop()
        except Exception as exc:  # at exit nobody can catch it: say it and go on
            print(f"minimax-sdk: stopping the SGLang server failed: {exc}", flush=True)

    def _terminate_root(self) -> None:
        try:
            self.popen.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.popen.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.capture.note(f"still running {self.stop_timeout:g} s after SIGTERM: SIGKILL")

    def _kill_all(self) -> None:
        deadline = time.monotonic() + _KILL_CONFIRM_S
        while True:
            self.tracked.signal_all(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(_RECHECK_S)
            left = self.tracked.alive()
            if not left and self.popen.returncode is not None:
                return
            if time.monotonic() >= deadline:
                raise BackendProcessError(
                    f"processes of the SGLang server still run {_KILL_CONFIRM_S:g} s after SIGKILL: "
                    f"{describe_pids(left)}",
                    log_path=str(self.capture.path),
                    log_tail=self.capture.tail(),
                    returncode=self.popen.returncode,
                )
            time.sleep(_RECHECK_S)
