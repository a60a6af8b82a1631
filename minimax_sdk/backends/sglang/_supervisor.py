"""The supervisor of one local SGLang server: start it, watch it come up, notice when it dies, stop it.

Synchronous on purpose (async code calls it in a thread: ``await asyncio.to_thread(supervisor.start)``).
"""

from __future__ import annotations

import dataclasses
import os
import queue
import subprocess
import tempfile
import time
import warnings
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Literal

import httpx

from ...errors import BackendCrashedError, BackendProcessError, BackendStartupError
from ._argv import child_env, find_sglang_command, format_command, launch_argv
from ._child import Child
from ._launch import SGLangLaunch
from ._logs import LogCapture
from ._ports import connect_host, pick_free_port, port_problem, url_host
from ._progress import Progress, ProgressTracker, Stage, describe_elapsed
from ._spawn import start_in_session

__all__ = ["ProgressCallback", "Supervisor", "stop_ranks"]

ProgressCallback = Callable[[Progress], None]
_State = Literal["new", "starting", "ready", "exited", "stopped"]
_MESSAGE_TAIL_LINES = 25
_PROBE_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
_CATCH_UP_S = 10.0


class _StartupEvents:
    """Progress parsed on the log thread, handed to the thread waiting in :meth:`Supervisor.start`."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.tracker = ProgressTracker()
        self.queue: queue.SimpleQueue[Progress] = queue.SimpleQueue()
        self.clock = clock
        self.started_at = clock()
        self.active = True

    def on_line(self, line: str) -> None:
        if not self.active:
            return
        event = self.tracker.feed(line, self.clock() - self.started_at)
        if event is not None:
            self.queue.put(event)


class Supervisor:
    """Starts an SGLang server for :class:`SGLangLaunch` settings and keeps it in check.

    ``start()`` picks or checks the port, starts the server in its own session (process group) with the
    Linux parent-death signal set, copies its output to ``log_path`` (default: a new file in the temp
    directory) keeping the last ``tail_lines`` lines, reports :class:`Progress` to ``on_progress`` (on the
    calling thread; a heartbeat every ``heartbeat_interval`` seconds while the log is quiet), and polls
    ``GET /ready`` (``/health`` where ``/ready`` answers 404) every ``poll_interval`` seconds until it answers
    200, the process exits, or ``startup_timeout`` passes. Failures raise :class:`BackendStartupError` with
    the log tail, after everything that was started has been stopped.

    ``check()`` raises :class:`BackendCrashedError` once the server has died. ``stop()`` (also ``close()``,
    leaving a ``with`` block, garbage collection and interpreter exit) sends SIGTERM to the server, waits
    ``stop_timeout``, then SIGKILLs its process group and every descendant seen, and confirms by pid that
    all are gone. ``clock`` exists for tests.
    """

    def __init__(
        self,
        launch: SGLangLaunch,
        *,
        log_path: str | os.PathLike[str] | None = None,
        on_progress: ProgressCallback | None = None,
        heartbeat_interval: float = 30.0,
        poll_interval: float = 1.0,
        tail_lines: int = 200,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if heartbeat_interval <= 0 or poll_interval <= 0 or tail_lines < 1:
            raise ValueError("heartbeat_interval and poll_interval must be positive, tail_lines at least 1")
        self.launch = launch
        self._log_path = Path(log_path) if log_path is not None else None
        self._on_progress = on_progress
        self._heartbeat_interval = heartbeat_interval
        self._poll_interval = poll_interval
        self._tail_lines = tail_lines
        self._clock = clock
        self._state: _State = "new"
        self._resolved: SGLangLaunch | None = None
        self._child: Child | None = None
        self._finalizer: weakref.finalize[[], Supervisor] | None = None
        self._events: _StartupEvents | None = None

    # -- what it runs ----------------------------------------------------------------------------------------

    @property
    def resolved_launch(self) -> SGLangLaunch:
        """The settings as started: with the port and the launcher command filled in."""
        if self._resolved is None:
            raise RuntimeError("the server has not been started: call start() first")
        return self._resolved

    @property
    def argv(self) -> list[str]:
        """The command line the server was started with (it may hold the API key: see ``format_command``)."""
        return launch_argv(self.resolved_launch)

    @property
    def port(self) -> int:
        port = self.resolved_launch.port
        assert port is not None
        return port

    @property
    def url(self) -> str:
        """``http://HOST:PORT``, where SGLang's own endpoints (``/ready``, ``/model_info``) live."""
        return f"http://{url_host(connect_host(self.resolved_launch.host))}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, ``http://HOST:PORT/v1``."""
        return f"{self.url}/v1"

    @property
    def pid(self) -> int | None:
        return self._child.popen.pid if self._child is not None else None

    @property
    def pids(self) -> list[int]:
        """Every process seen as part of the server so far (its own pid first)."""
        if self._child is None:
            return []
        self._child.tracked.scan()
        return self._child.tracked.pids

    @property
    def returncode(self) -> int | None:
        """The server's exit status once it has exited (negative: killed by that signal), else None."""
        return self._child.popen.poll() if self._child is not None else None

    @property
    def log_path(self) -> Path | None:
        return self._child.capture.path if self._child is not None else self._log_path

    def log_tail(self, lines: int | None = None) -> str:
        """The last lines of the server's output (secrets masked)."""
        return self._child.capture.tail(lines) if self._child is not None else ""

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Supervisor:
        """Start the server and block until it is ready; returns ``self``. Calling it again when ready
        does nothing; a stopped supervisor cannot start again (make a new one: a fresh port is safer)."""
        if self._state == "ready":
            return self
        if self._state != "new":
            raise RuntimeError(f"this supervisor is {self._state}; create a new one to start another server")
        self._state = "starting"
        try:
            self._spawn(self._resolve())
            self._wait_until_ready()
        except BaseException:
            self._state = "stopped"
            self._abandon()
            raise
        self._state = "ready"
        return self

    def _abandon(self) -> None:
        """After a failed start: kill whatever was started; a failure to do so is warned about, so that the
        reason the start failed is the error the caller sees."""
        if self._finalizer is not None:
            self._finalizer.detach()
        if self._child is None:
            return
        try:
            self._child.stop(graceful=False)
        except BackendProcessError as exc:
            warnings.warn(str(exc), RuntimeWarning, stacklevel=3)

    def check(self) -> None:
        """Raise :class:`BackendCrashedError` (with the log tail) if the server has died since it was
        ready; the processes it left are killed first. Does nothing while it runs."""
        if self._state != "ready" or self._child is None:
            if self._state == "exited":
                raise self._crashed_error()
            return
        if self._child.popen.poll() is None:
            self._child.tracked.scan()
            return
        self._state = "exited"
        self._child.stop(graceful=False)
        raise self._crashed_error()

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait until the server's main process exits; its exit status, or None after ``timeout``."""
        if self._child is None:
            return None
        try:
            return self._child.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """Stop the server (see the class docstring). Idempotent; never starts anything."""
        if self._state in ("new", "starting") and self._child is None:
            self._state = "stopped"
            return
        self._state = "stopped" if self._state != "exited" else "exited"
        if self._finalizer is not None:
            self._finalizer.detach()
        if self._child is not None:
            self._child.stop()

    def close(self) -> None:
        """Same as :meth:`stop`."""
        self.stop()

    def __enter__(self) -> Supervisor:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- starting --------------------------------------------------------------------------------------------

    def _resolve(self) -> SGLangLaunch:
        launch = self.launch
        if launch.port is None:
            launch = dataclasses.replace(launch, port=pick_free_port(connect_host(launch.host)))
        else:
            problem = port_problem(launch.host, launch.port)
            if problem is not None:
                raise BackendStartupError(
                    f"cannot start the SGLang server: {problem}. Choose another port, or leave the port unset "
                    "to use a free one. Nothing was started."
                )
        if launch.command is None and not launch.router:
            launch = dataclasses.replace(launch, command=find_sglang_command(launch.python))
        self._resolved = launch
        return launch

    def _spawn(self, launch: SGLangLaunch) -> None:
        argv = launch_argv(launch)
        path = self._log_path or _new_log_path(self.port)
        path.parent.mkdir(parents=True, exist_ok=True)
        events = self._events = _StartupEvents(self._clock)
        capture = LogCapture(path, tail_lines=self._tail_lines, secrets=launch.secrets, on_line=events.on_line)
        capture.note(f"starting: {format_command(argv, launch.secrets)}")
        env = child_env(launch, os.environ)
        try:
            popen, read_end = start_in_session(argv, env)
        except OSError as exc:
            capture.note(f"could not start: {exc}")
            capture.close()
            raise BackendStartupError(
                f"cannot start the SGLang server with {argv[0]!r}: {exc.strerror or exc}. Install sglang in "
                "that interpreter (pip install 'minimax-sdk[sglang]'), or set `python` or `command`.",
                log_path=str(path),
            ) from exc
        capture.note(
            f"pid {popen.pid}, which leads its own session and process group; if the SDK's process is killed "
            f"before it can stop the server, list leftovers with `ps -s {popen.pid}` and stop them with "
            f"`kill -KILL -- -{popen.pid}`"
        )
        capture.start(read_end)
        self._child = Child(popen, capture, launch.stop_timeout)
        self._finalizer = weakref.finalize(self, self._child.stop_quietly)
        self._emit(Progress("launched", f"started pid {popen.pid}; log: {path}", 0.0))

    def _wait_until_ready(self) -> None:
        child, events = self._child, self._events
        assert child is not None
        assert events is not None
        started = events.started_at
        deadline = started + self.resolved_launch.startup_timeout
        next_heartbeat = started + self._heartbeat_interval
        next_probe = started
        probe_path = "/ready"
        with httpx.Client(timeout=_PROBE_TIMEOUT, trust_env=False) as http:
            while True:
                wake = min(next_probe, next_heartbeat, deadline)
                try:
                    event: Progress | None = events.queue.get(timeout=max(0.0, wake - self._clock()))
                except queue.Empty:
                    event = None
                if event is not None:
                    self._emit(event)
                    self._drain(events)
                    next_heartbeat = self._clock() + self._heartbeat_interval
                    if events.tracker.stage == "server_up":
                        next_probe = self._clock()
                if self._state != "starting":
                    raise self._startup_error("was stopped before it was ready", None)
                returncode = child.popen.poll()
                if returncode is not None:
                    raise self._startup_error(f"exited with status {returncode} while starting", returncode)
                now = self._clock()
                if now >= deadline:
                    raise self._startup_error(
                        f"was not ready within startup_timeout={self.resolved_launch.startup_timeout:g} s", None
                    )
                if now >= next_probe:
                    child.tracked.scan()
                    status = _probe(http, f"{self.url}{probe_path}")
                    if status == 404 and probe_path == "/ready":
                        probe_path = "/health"  # an older server, a router, or a rank >= 1 health stub
                        status = _probe(http, f"{self.url}{probe_path}")
                    if status == 200:
                        child.tracked.scan()  # everything started before the port opened is known now
                        child.capture.catch_up(_CATCH_UP_S)  # the lines written before the port opened
                        events.active = False
                        self._drain(events)
                        self._emit(events.tracker.ready(self._clock() - started))
                        return
                    next_probe = now + self._poll_interval
                if now >= next_heartbeat:
                    self._emit(events.tracker.heartbeat(now - started))
                    next_heartbeat = now + self._heartbeat_interval

    def _drain(self, events: _StartupEvents) -> None:
        while not events.queue.empty():  # this thread is the only consumer
            self._emit(events.queue.get_nowait())

    def _emit(self, event: Progress) -> None:
        if self._child is not None:
            self._child.capture.note(f"progress: {event.message}")
        if self._on_progress is not None:
            self._on_progress(event)

    # -- errors ----------------------------------------------------------------------------------------------

    def _stage(self) -> tuple[Stage, str]:
        tracker = self._events.tracker if self._events is not None else ProgressTracker()
        return tracker.stage, tracker.message

    def _startup_error(self, what: str, returncode: int | None) -> BackendStartupError:
        child = self._child
        assert child is not None
        assert self._events is not None
        elapsed = self._clock() - self._events.started_at
        child.stop(graceful=False)  # the log is complete once every writer is gone
        _, message = self._stage()
        text = f"The SGLang server {what} (after {describe_elapsed(elapsed)}; last stage: {message})."
        return BackendStartupError(
            _with_tail(text, child.capture),
            log_tail=child.capture.tail(),
            log_path=str(child.capture.path),
            returncode=returncode if returncode is not None else child.popen.returncode,
        )

    def _crashed_error(self) -> BackendCrashedError:
        child = self._child
        assert child is not None
        returncode = child.popen.returncode
        text = f"The SGLang server at {self.url} died after it was ready (exit status {returncode})."
        return BackendCrashedError(
            _with_tail(text, child.capture),
            log_tail=child.capture.tail(),
            log_path=str(child.capture.path),
            returncode=returncode,
        )


def stop_ranks(supervisors: Iterable[Supervisor]) -> None:
    """Stop the supervisors of one multi-node server, rank 0 first.

    Ranks >= 1 ignore SIGTERM and exit when rank 0 broadcasts its shutdown, so rank 0 goes first and the
    others are stopped after it (their SIGKILL is the backstop). Every supervisor is stopped even when one
    fails; the first error is raised afterwards.
    """
    errors = [
        error for supervisor in sorted(supervisors, key=lambda s: s.launch.node_rank) if (error := _stop(supervisor))
    ]
    if errors:
        raise errors[0]


def _stop(supervisor: Supervisor) -> BackendProcessError | None:
    try:
        supervisor.stop()
    except BackendProcessError as exc:
        return exc
    return None


def _probe(http: httpx.Client, url: str) -> int | None:
    """The status of ``GET url``, or None when there was no answer (nothing listens yet, a timeout)."""
    try:
        return http.get(url).status_code
    except httpx.HTTPError:
        return None


def _with_tail(text: str, capture: LogCapture) -> str:
    tail = capture.tail(_MESSAGE_TAIL_LINES)
    lines = [text, f"Log: {capture.path}"]
    if tail:
        lines += ["Last lines of the log:", *(f"  {line}" for line in tail.splitlines())]
    else:
        lines.append("The server wrote nothing.")
    return "\n".join(lines)


def _new_log_path(port: int) -> Path:
    fd, name = tempfile.mkstemp(prefix=f"minimax-sglang-{port}-", suffix=".log")
    os.close(fd)
    return Path(name)
