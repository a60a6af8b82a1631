"""The SGLang supervisor, run against the reference server started the way the launcher starts SGLang.

Every test waits for events (a log line, a progress event, a file, a process exit), never for wall-clock
time; the timeouts are safety nets. After each test a fixture checks, by pid and start time, that no process
of any server started in it is left.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from minimax_sdk.backends.sglang import Progress, SGLangLaunch, Supervisor, stop_ranks
from minimax_sdk.errors import (
    APIError,
    BackendCrashedError,
    BackendProcessError,
    BackendStartupError,
)

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process tracking reads /proc (Linux)"),
]

REPO_ROOT = Path(__file__).resolve().parent.parent
STANDIN = (sys.executable, "-m", "minimax_sdk.testing", "--dialect", "openai-split")
SAFETY_S = 60.0
SECRET = "sk-test-secret-1234"

Make = Callable[..., Supervisor]


def _start_time(pid: int) -> int | None:
    """The process's start time (clock ticks), None when it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else int(fields[19])


def _grandchildren(supervisor: Supervisor) -> list[int]:
    return [int(pid) for pid in re.findall(r"grandchild pid=(\d+)", supervisor.log_tail())]


def wait_for(condition: Callable[[], Any], what: str, timeout: float = SAFETY_S) -> Any:
    """Poll ``condition`` until it is truthy (the event happened); fail after the safety timeout."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)
    return result


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[Make]:
    """Makes supervisors of the stand-in; afterwards stops them and asserts every process they had is gone."""
    made: list[Supervisor] = []

    def make(
        *switches: str,
        on_progress: Callable[[Progress], None] | None = None,
        heartbeat_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        **settings: Any,
    ) -> Supervisor:
        settings.setdefault("stop_timeout", 20.0)
        settings.setdefault("startup_timeout", SAFETY_S)
        launch = SGLangLaunch(
            "/models/tiny-m2", command=(*STANDIN, *switches), env={"PYTHONPATH": str(REPO_ROOT)}, **settings
        )
        supervisor = Supervisor(
            launch,
            log_path=tmp_path / f"server-{len(made)}.log",
            on_progress=on_progress,
            heartbeat_interval=heartbeat_interval,
            poll_interval=0.05,
            clock=clock,
        )
        made.append(supervisor)
        return supervisor

    yield make
    seen = {pid: _start_time(pid) for s in made for pid in [*s.pids, *_grandchildren(s)]}
    for supervisor in made:
        supervisor.stop()
    left = [pid for pid, start in seen.items() if start is not None and _start_time(pid) == start]
    assert not left, f"processes left after the test: {left}"


# --- start-up and progress -------------------------------------------------------------------------------


def test_starts_reports_progress_serves_and_stops_cleanly(supervise: Make) -> None:
    events: list[Progress] = []
    supervisor = supervise("--shards", "3", "--bind-after-load", on_progress=events.append, api_key=SECRET)
    assert supervisor.start() is supervisor
    stages = [e.stage for e in events]
    assert stages[0] == "launched"
    assert stages[-1] == "ready"
    for stage in ("loading_weights", "weights_loaded", "memory_pool"):
        assert stage in stages
    assert stages.index("loading_weights") < stages.index("weights_loaded") < stages.index("memory_pool")
    fractions = [e.fraction for e in events if e.stage == "loading_weights" and e.fraction is not None]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(e.elapsed >= 0 for e in events)

    info = httpx.get(f"{supervisor.url}/model_info", timeout=10).json()
    assert (info["model_path"], info["tool_call_parser"], info["reasoning_parser"]) == (
        "/models/tiny-m2",
        "minimax-m2",
        "minimax",
    )
    body = {"messages": [{"role": "user", "content": "hello"}]}
    reply = httpx.post(f"{supervisor.base_url}/chat/completions", json=body, timeout=10).json()
    assert reply["choices"][0]["message"]["content"]
    supervisor.check()

    supervisor.stop()
    assert supervisor.returncode == 0  # SIGTERM was enough
    log = supervisor.log_path.read_text() if supervisor.log_path else ""
    assert "# minimax-sdk: starting: " in log
    assert "Load weight end" in log
    assert "# minimax-sdk: stopped; exit status 0" in log
    assert SECRET not in log
    assert SECRET not in supervisor.log_tail()
    assert "api_key='********'" in supervisor.log_tail()


def test_heartbeat_while_the_load_is_stuck_and_the_port_stays_closed_until_loaded(
    supervise: Make, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    events: list[Progress] = []
    refused: list[bool] = []

    def on_progress(event: Progress) -> None:
        events.append(event)
        if event.stage == "loading_weights" and not refused:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", supervisor.port), timeout=5).close()
            refused.append(True)
        if event.heartbeat and event.stage == "loading_weights":
            gate.touch()  # the load goes on only after the SDK said it is still loading

    supervisor = supervise(
        "--shards", "2", "--load-gate", str(gate), "--bind-after-load", on_progress=on_progress, heartbeat_interval=0.05
    )
    supervisor.start()
    beats = [e for e in events if e.heartbeat and e.stage == "loading_weights"]
    assert beats
    assert all(beat.message.startswith("still loading weights") for beat in beats)
    assert refused == [True]
    assert events[-1].stage == "ready"


def test_a_timeout_stops_the_server_and_carries_the_log_tail(supervise: Make, tmp_path: Path) -> None:
    offset = [0.0]

    def clock() -> float:
        return time.monotonic() + offset[0]

    def on_progress(event: Progress) -> None:
        if event.stage == "loading_weights":
            offset[0] = 10_000.0  # the clock jumps past the deadline once the load is under way

    supervisor = supervise(
        "--shards", "2", "--load-gate", str(tmp_path / "never"), on_progress=on_progress, clock=clock
    )
    with pytest.raises(BackendStartupError) as caught:
        supervisor.start()
    error = caught.value
    assert "was not ready within startup_timeout=60 s" in str(error)
    assert "last stage: loading weights: 1/2 shards" in str(error)
    assert "Loading safetensors checkpoint shards:  50% Completed | 1/2" in error.log_tail
    assert "Loading safetensors checkpoint shards:  50% Completed | 1/2" in str(error)
    assert error.log_path == str(supervisor.log_path)
    assert error.returncode is not None
    assert supervisor.returncode is not None  # stopped before the error was raised


def test_a_server_that_never_turns_ready_times_out(supervise: Make) -> None:
    supervisor = supervise("--never-ready", startup_timeout=0.5)
    with pytest.raises(BackendStartupError, match=r"was not ready within startup_timeout=0.5 s"):
        supervisor.start()


def test_a_crash_while_loading_is_reported_with_its_status_and_log(supervise: Make) -> None:
    events: list[Progress] = []
    supervisor = supervise("--shards", "3", "--crash-during-load", on_progress=events.append)
    with pytest.raises(BackendStartupError) as caught:
        supervisor.start()
    error = caught.value
    assert error.returncode == 1
    assert "exited with status 1 while starting" in str(error)
    assert "scheduler died during initialization" in error.log_tail
    assert isinstance(error, APIError)
    assert "error" in [e.stage for e in events]


def test_a_missing_command_is_one_clear_error(tmp_path: Path) -> None:
    launch = SGLangLaunch("/m", command=(str(tmp_path / "no-such-sglang"), "serve"))
    supervisor = Supervisor(launch, log_path=tmp_path / "server.log")
    with pytest.raises(BackendStartupError, match=r"pip install 'minimax-sdk\[sglang\]'"):
        supervisor.start()
    assert supervisor.pid is None


def test_a_server_with_only_health_is_probed_there(supervise: Make) -> None:
    supervisor = supervise("--health-only").start()
    assert httpx.get(f"{supervisor.url}/ready", timeout=10).status_code == 404
    assert httpx.get(f"{supervisor.url}/health", timeout=10).status_code == 200


# --- after ready -----------------------------------------------------------------------------------------


def test_a_crash_after_ready_is_raised_by_check_and_leaves_nothing(supervise: Make, tmp_path: Path) -> None:
    trigger = tmp_path / "crash"
    supervisor = supervise("--grandchild", "--crash-when-file", str(trigger)).start()
    supervisor.check()
    [grandchild] = _grandchildren(supervisor)
    assert _start_time(grandchild) is not None
    trigger.touch()
    assert supervisor.wait(SAFETY_S) == 3
    with pytest.raises(BackendCrashedError) as caught:
        supervisor.check()
    assert caught.value.returncode == 3
    assert "the stand-in crashed" in caught.value.log_tail
    assert isinstance(caught.value, BackendProcessError)
    assert _start_time(grandchild) is None  # the orphan was tracked while its parent lived, and killed
    with pytest.raises(BackendCrashedError):
        supervisor.check()  # every later call says so too


def test_crash_after_ready_switch_exits_with_status_3() -> None:
    command = [*STANDIN, "--crash-after-ready", "0"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(command, capture_output=True, text=True, timeout=SAFETY_S, env=env, check=False)
    assert result.returncode == 3
    assert "The server is fired up and ready to roll!" in result.stderr
    assert "Scheduler hit an exception" in result.stderr


# --- stopping --------------------------------------------------------------------------------------------


def test_sigterm_ignored_escalates_to_sigkill_after_stop_timeout(supervise: Make) -> None:
    supervisor = supervise("--ignore-sigterm", stop_timeout=0.2).start()
    assert supervisor.pid is not None
    os.kill(supervisor.pid, signal.SIGTERM)
    wait_for(lambda: "ignoring it" in supervisor.log_tail(), "the stand-in to log that it ignores SIGTERM")
    assert supervisor.returncode is None
    supervisor.stop()
    assert supervisor.returncode == -signal.SIGKILL
    log = supervisor.log_path.read_text() if supervisor.log_path else ""
    assert "still running 0.2 s after SIGTERM: SIGKILL" in log


def test_a_grandchild_that_left_the_session_is_killed_on_stop(supervise: Make) -> None:
    supervisor = supervise("--grandchild").start()
    [grandchild] = _grandchildren(supervisor)
    assert os.getsid(grandchild) != supervisor.pid  # it left the server's session and group
    assert grandchild in supervisor.pids
    supervisor.stop()
    assert _start_time(grandchild) is None


def test_close_and_the_context_manager_stop_idempotently(supervise: Make) -> None:
    supervisor = supervise()
    with supervisor as running:
        assert httpx.get(f"{running.url}/ready", timeout=10).status_code == 200
    assert supervisor.returncode == 0
    supervisor.close()
    supervisor.stop()
    with pytest.raises(RuntimeError, match="create a new one"):
        supervisor.start()


def test_stop_ranks_stops_rank_zero_first(supervise: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = {"nnodes": 2, "tp": 2, "dist_init_addr": "127.0.0.1:20000"}
    rank1 = supervise("--ignore-sigterm", "--health-only", node_rank=1, stop_timeout=0.2, **nodes).start()
    rank0 = supervise(node_rank=0, **nodes).start()
    order: list[int] = []
    for supervisor in (rank0, rank1):
        original = supervisor.stop

        def stop(original: Callable[[], None] = original, rank: int = supervisor.launch.node_rank) -> None:
            order.append(rank)
            original()

        monkeypatch.setattr(supervisor, "stop", stop)
    stop_ranks([rank1, rank0])
    assert order == [0, 1]
    assert (rank0.returncode, rank1.returncode) == (0, -signal.SIGKILL)


# --- ports -----------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_given_port_that_is_taken_fails_before_anything_starts(supervise: Make) -> None:
    port = _free_port()
    holder = supervise("--occupy-port", str(port)).start()  # another instance holds the port
    assert holder.port != port
    second = supervise(port=port)
    with pytest.raises(BackendStartupError, match=rf"port {port} on 127.0.0.1 is already in use"):
        second.start()
    assert second.pid is None
    assert second.log_path is not None
    assert not second.log_path.exists()


def test_a_port_taken_while_loading_fails_late_with_the_servers_error(supervise: Make, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    thief = socket.socket()

    def on_progress(event: Progress) -> None:
        if event.stage == "loading_weights" and not gate.exists():
            thief.bind(("127.0.0.1", supervisor.port))  # someone takes the port while the weights load
            thief.listen(1)
            gate.touch()

    supervisor = supervise("--shards", "2", "--load-gate", str(gate), "--bind-after-load", on_progress=on_progress)
    try:
        with pytest.raises(BackendStartupError) as caught:
            supervisor.start()
    finally:
        thief.close()
    assert caught.value.returncode == 1
    assert "cannot serve" in caught.value.log_tail


# --- the host process ------------------------------------------------------------------------------------


def test_a_server_started_from_a_short_lived_thread_outlives_the_thread(supervise: Make) -> None:
    supervisor = supervise()
    thread = threading.Thread(target=supervisor.start)
    thread.start()
    thread.join(SAFETY_S)
    assert not thread.is_alive()
    # the parent-death signal is tied to the thread that forked the server: that thread must not be this one
    assert httpx.get(f"{supervisor.url}/ready", timeout=10).status_code == 200
    supervisor.check()


_HOST_SCRIPT = """
import os, sys, time
from minimax_sdk.backends.sglang import SGLangLaunch, Supervisor
launch = SGLangLaunch("/m", command=tuple(sys.argv[2:]), stop_timeout=20)
supervisor = Supervisor(launch, log_path=sys.argv[1], poll_interval=0.05).start()
print(supervisor.pid, flush=True)
if os.environ.get("LINGER"):
    time.sleep(3600)
"""


def _host(tmp_path: Path, *, linger: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LINGER": "1" if linger else ""}
    script = textwrap.dedent(_HOST_SCRIPT)
    command = [sys.executable, "-c", script, str(tmp_path / "host.log"), *STANDIN]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)


def test_interpreter_exit_stops_the_server(tmp_path: Path) -> None:
    with _host(tmp_path) as host:
        assert host.stdout is not None
        server = int(host.stdout.readline())
        started = _start_time(server)
        assert host.wait(SAFETY_S) == 0
    assert started is not None
    assert _start_time(server) != started  # the atexit hook stopped it before the interpreter ended
    assert "# minimax-sdk: stopped; exit status 0" in (tmp_path / "host.log").read_text()


def test_sigkill_of_the_host_takes_the_server_down(tmp_path: Path) -> None:
    with _host(tmp_path, linger=True) as host:
        assert host.stdout is not None
        server = int(host.stdout.readline())
        started = _start_time(server)
        host.kill()
        host.wait(SAFETY_S)
    assert started is not None
    wait_for(lambda: _start_time(server) != started, "the parent-death signal to end the server")


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [BackendStartupError, BackendCrashedError, BackendProcessError])
def test_backend_errors_are_api_errors_that_pickle(cls: type[BackendProcessError]) -> None:
    error = cls("it broke", log_tail="a\nb", log_path="/tmp/x.log", returncode=-9)
    assert isinstance(error, APIError)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is cls
    assert (clone.log_tail, clone.log_path, clone.returncode, str(clone)) == ("a\nb", "/tmp/x.log", -9, "it broke")
