"""The reference server started the way a launcher starts SGLang, with SGLang's start-up behaviour.

A :class:`StartupScript` says how the process behaves before and after it serves: a weight load that prints
SGLang-style log lines (``Load weight begin``, a ``Loading safetensors checkpoint shards`` bar redrawn with
carriage returns, ``Load weight end``, ``Memory pool end``), a gate file the load waits for, a crash while
loading, the port bound only after the load (as SGLang does), never becoming ready, a crash after it is
ready, SIGTERM ignored (as SGLang's ranks >= 1 do), a grandchild that leaves the process group and the
session and lives on, and a port held as another instance would. Standard library only; it shares no code
with the SDK's launcher it stands in for.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ._server import ReferenceServer

__all__ = ["READY_LINE", "StartupScript", "run_standin"]

READY_LINE = "The server is fired up and ready to roll!"
CRASH_EXIT_STATUS = 3
_GATE_POLL_S = 0.02


@dataclass(frozen=True)
class StartupScript:
    """How the stand-in starts; the defaults make a plain reference server (port bound at once, no load)."""

    shards: int = 0
    load_seconds: float = 0.0
    load_gate: Path | None = None
    bind_after_load: bool = False
    crash_during_load: bool = False
    never_ready: bool = False
    crash_after_ready: float | None = None
    crash_when_file: Path | None = None
    ignore_sigterm: bool = False
    grandchild: bool = False
    occupy_port: int | None = None
    server_args: str = ""

    @property
    def loads(self) -> bool:
        """Whether a weight load is simulated before the server turns ready."""
        return bool(self.shards or self.load_seconds or self.load_gate or self.crash_during_load)


def log(message: str, *, rank: str = " TP0") -> None:
    """A line in SGLang's log format, ``[YYYY-MM-DD HH:MM:SS TP0] message``, on stderr."""
    print(f"[{time.strftime('%Y-%m-%d %H:%M:%S')}{rank}] {message}", file=sys.stderr, flush=True)


async def run_standin(server: ReferenceServer, script: StartupScript, announce: Callable[[str], None]) -> int:
    """Run the stand-in until SIGTERM or SIGINT (SIGINT only with ``ignore_sigterm``); the exit status.

    ``announce`` receives the base URL once the port is open (the CLI prints it on stdout).
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    held = _occupy(server.host, script.occupy_port) if script.occupy_port is not None else None
    try:
        _install_signals(loop, stop, script.ignore_sigterm)
        if script.grandchild:
            _start_grandchild()
        if script.server_args:
            log(f"server_args=ServerArgs({script.server_args})", rank="")
        return await _run(server, script, announce, stop)
    finally:
        if held is not None:
            held.close()


async def _run(
    server: ReferenceServer, script: StartupScript, announce: Callable[[str], None], stop: asyncio.Event
) -> int:
    loop = asyncio.get_running_loop()
    status = 0
    tasks: list[asyncio.Task[None]] = []
    warm_up = server.ready_after  # the wait after the load; the server's own value is infinite while it loads

    def turn_ready() -> None:
        if script.never_ready:
            server.ready_in(math.inf)
            return
        server.ready_in(warm_up)
        loop.call_later(warm_up, lambda: log(READY_LINE, rank=""))
        if script.crash_after_ready is not None:
            loop.call_later(warm_up + script.crash_after_ready, _crash, "crash after ready")
        if script.crash_when_file is not None:
            tasks.append(loop.create_task(_crash_when(script.crash_when_file)))

    async def load_then_ready() -> None:
        nonlocal status
        status = await _load(script, stop)
        if status:
            stop.set()
        else:
            turn_ready()

    if script.bind_after_load:
        status = await _load(script, stop)
        if status or stop.is_set():
            return status

    def started(running: ReferenceServer) -> None:
        announce(running.base_url)
        if script.loads and not script.bind_after_load:
            running.ready_in(math.inf)
            tasks.append(loop.create_task(load_then_ready()))
        else:
            turn_ready()

    await server.serve(stop, on_started=started)
    for task in tasks:
        task.cancel()
    return status


async def _load(script: StartupScript, stop: asyncio.Event) -> int:
    """Print a weight load in SGLang's words; 1 when it "crashes", 0 when it ends (or was stopped)."""
    shards = script.shards or 2
    step = script.load_seconds / shards
    log("Load weight begin. avail mem=139.20 GB")
    started = time.monotonic()
    for done in range(1, shards + 1):
        if await _stopped_within(stop, step):
            return 0
        percent = round(100 * done / shards)
        sys.stderr.write(
            f"\rLoading safetensors checkpoint shards: {percent:3d}% Completed | {done}/{shards} "
            f"[00:0{min(done, 9)}<00:00,  1.00it/s]"
        )
        sys.stderr.flush()
        if done == 1 and script.load_gate is not None and not await _wait_for_file(script.load_gate, stop):
            return 0
        if done == 1 and script.crash_during_load:
            sys.stderr.write("\n")
            log("Scheduler hit an exception: Traceback (most recent call last):")
            log("RuntimeError: the stand-in failed while loading weights (as asked)")
            log("Rank 0 scheduler died during initialization (exit code: 1)", rank="")
            return 1
    sys.stderr.write("\n")
    elapsed = time.monotonic() - started
    log(f"Load weight end. elapsed={elapsed:.2f} s, type=MiniMaxM2ForCausalLM, avail mem=84.10 GB, mem usage=55.10 GB.")
    log("KV Cache is allocated. #tokens: 200000, K size: 6.10 GB, V size: 6.10 GB")
    log("Memory pool end. avail mem=12.30 GB")
    return 0


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    if seconds <= 0:
        return stop.is_set()
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        return False
    return True


async def _wait_for_file(path: Path, stop: asyncio.Event) -> bool:
    """Wait until ``path`` exists (True) or the stand-in is told to stop (False)."""
    while not path.exists():
        if await _stopped_within(stop, _GATE_POLL_S):
            return False
    return True


async def _crash_when(path: Path) -> None:
    while not path.exists():
        await asyncio.sleep(_GATE_POLL_S)
    _crash("crash file appeared")


def _crash(reason: str) -> None:
    log(f"Scheduler hit an exception: RuntimeError: the stand-in crashed ({reason})")
    os._exit(CRASH_EXIT_STATUS)


def _install_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event, ignore_sigterm: bool) -> None:
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if ignore_sigterm:
        message = "SIGTERM received on node_rank 1; waiting for the rank-0 ShutdownReq broadcast (ignoring it)"
        loop.add_signal_handler(signal.SIGTERM, lambda: log(message))
    else:
        loop.add_signal_handler(signal.SIGTERM, stop.set)


def _start_grandchild() -> None:
    """A process that leaves the process group and the session (``setsid``) and sleeps until killed."""
    code = "import time\nwhile True: time.sleep(3600)"
    child = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdin=subprocess.DEVNULL)
    log(f"grandchild pid={child.pid} left the process group and the session", rank="")


def _occupy(host: str, port: int) -> socket.socket:
    """Listen on ``host:port`` as another server instance would."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, port))
    sock.listen(8)
    log(f"holding port {sock.getsockname()[1]} as another instance would", rank="")
    return sock
