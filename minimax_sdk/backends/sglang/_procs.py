"""Processes of a supervised server: the parent-death signal, finding every descendant, and killing them.

A server started with ``start_new_session=True`` leads its own session and process group (both ids equal
its pid), so ``killpg`` reaches it and every child that stayed in the group. Children that left the group
(``setpgrp``, as sglang-router's workers do) or the session (``setsid``) are found by walking ``/proc``
for descendants while their ancestors are alive; each is remembered with its start time, so a pid the
kernel has since given to an unrelated process is never signalled.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ProcessInfo", "TrackedProcesses", "describe_pids", "is_alive", "parent_death_hook", "process_table"]

_PROC = Path("/proc")
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ProcessInfo:
    """One line of the process table: ids, parent, group, session, state letter, start time (clock ticks)."""

    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start_time: int


def _read_stat(pid: int) -> ProcessInfo | None:
    try:
        raw = (_PROC / str(pid) / "stat").read_bytes().decode("ascii", "replace")
    except OSError:
        return None
    # "pid (comm) state ppid pgrp session ... starttime(22nd field)"; comm may hold spaces and parentheses
    fields = raw[raw.rfind(")") + 2 :].split()
    try:
        return ProcessInfo(pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0], int(fields[19]))
    except (IndexError, ValueError):
        return None


def process_table() -> dict[int, ProcessInfo]:
    """Every process this user can see, by pid (empty where there is no ``/proc``)."""
    table: dict[int, ProcessInfo] = {}
    try:
        entries = os.listdir(_PROC)
    except OSError:
        return table
    for entry in entries:
        if entry.isdigit():
            info = _read_stat(int(entry))
            if info is not None:
                table[info.pid] = info
    return table


def is_alive(pid: int, start_time: int) -> bool:
    """Whether the process that had this pid and start time still runs (a zombie counts as gone)."""
    info = _read_stat(pid)
    return info is not None and info.start_time == start_time and info.state not in ("Z", "X")


class TrackedProcesses:
    """Every process that belonged to one server: its session and group, and all its descendants seen."""

    def __init__(self, root: int) -> None:
        self.root = root
        self._known: dict[int, int] = {}  # pid -> start time
        info = _read_stat(root)
        if info is not None:
            self._known[root] = info.start_time

    @property
    def pids(self) -> list[int]:
        """Every pid seen so far, the root first."""
        return sorted(self._known, key=lambda pid: (pid != self.root, pid))

    def scan(self) -> None:
        """Remember every live process of the root's session or group, and every descendant of a process
        remembered so far (children that left the session are found through their parents)."""
        table = process_table()
        if not table:
            return
        children: dict[int, list[int]] = {}
        for info in table.values():
            children.setdefault(info.ppid, []).append(info.pid)
        queue = [pid for pid, start in self._known.items() if pid in table and table[pid].start_time == start]
        if self._root_id_is_ours(table):
            queue += [pid for pid, info in table.items() if self.root in (info.sid, info.pgid)]
        seen: set[int] = set()
        while queue:
            pid = queue.pop()
            if pid in seen or pid == os.getpid():
                continue
            seen.add(pid)
            entry = table.get(pid)
            if entry is None or entry.state in ("Z", "X"):
                continue
            self._known.setdefault(pid, entry.start_time)
            queue.extend(children.get(pid, ()))

    def _root_id_is_ours(self, table: dict[int, ProcessInfo]) -> bool:
        """False once the root's pid belongs to another process (then its id names someone else's group)."""
        root = table.get(self.root)
        return root is None or root.start_time == self._known.get(self.root, root.start_time)

    def alive(self) -> list[int]:
        """The remembered processes that still run."""
        return [pid for pid in self.pids if is_alive(pid, self._known[pid])]

    def signal_all(self, signum: int) -> None:
        """Send ``signum`` to the root's process group and to every remembered process still running."""
        if self._root_id_is_ours(process_table()):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.root, signum)
        for pid in self.alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)


def _prctl() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None
    function = libc.prctl
    function.argtypes = [ctypes.c_int, ctypes.c_ulong]
    function.restype = ctypes.c_int
    return function


def parent_death_hook(signum: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the kernel send ``signum`` to the child when the thread that started it
    ends (Linux ``PR_SET_PDEATHSIG``), or None off Linux. The child exits at once if its parent is already
    gone. Start the child from a thread that lives as long as the process (see ``_spawn``)."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signum)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return hook


def describe_pids(pids: Iterable[int]) -> str:
    """``"1234, 1240"`` with each process's command name when it can be read."""
    parts = []
    for pid in pids:
        try:
            name = (_PROC / str(pid) / "comm").read_text().strip()
        except OSError:
            name = ""
        parts.append(f"{pid} ({name})" if name else str(pid))
    return ", ".join(parts)
