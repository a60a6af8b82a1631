"""Start-up progress read from SGLang's own log lines.

SGLang 0.5.23 logs (per tensor-parallel rank, prefixed ``[time TPn]``): ``Load weight begin``, a tqdm bar
``Loading safetensors checkpoint shards:  40% Completed | 52/130 [...]`` (updated with carriage returns),
``Load weight end``, ``Memory pool end``, ``Capture ... CUDA graph begin``, ``Entering DeepGEMM JIT
Pre-Compile session`` (10-20 minutes for FP8 models without a warm cache), and finally ``The server is fired
up and ready to roll!``. A :class:`ProgressTracker` turns those lines into :class:`Progress` events, each
stage once (ranks repeat them), shard fractions only when they grow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["READY_LINE", "Progress", "ProgressTracker", "Stage", "describe_elapsed"]

Stage = Literal[
    "launched",
    "loading_weights",
    "weights_loaded",
    "memory_pool",
    "compiling",
    "cuda_graphs",
    "server_up",
    "ready",
    "error",
]

READY_LINE = "The server is fired up and ready to roll!"

_SHARDS = re.compile(r"Loading safetensors checkpoint shards:\s*(\d+)%[^|]*\|\s*(\d+)/(\d+)")
_MARKERS: tuple[tuple[str, Stage, str], ...] = (
    ("Load weight begin", "loading_weights", "loading weights"),
    ("Load weight end", "weights_loaded", "weights loaded"),
    ("KV Cache is allocated", "memory_pool", "KV cache allocated"),
    ("Memory pool end", "memory_pool", "KV cache allocated"),
    ("DeepGEMM JIT Pre-Compile session", "compiling", "compiling DeepGEMM kernels (often 10-20 minutes)"),
    ("CUDA graph begin", "cuda_graphs", "capturing CUDA graphs"),
    (READY_LINE, "server_up", "server up, waiting for /ready"),
)
_ERRORS = ("Scheduler hit an exception", "scheduler died during initialization", "Traceback (most recent call last)")


@dataclass(frozen=True)
class Progress:
    """One start-up event.

    ``stage`` is where the start is; ``message`` says it in words; ``elapsed`` is seconds since the server
    was started; ``fraction`` is the share of weight shards loaded (0..1) when SGLang reported it;
    ``line`` is the server's log line behind the event (None for the SDK's own events); ``heartbeat`` is
    True for the periodic "still at this stage" event sent while the log is quiet.
    """

    stage: Stage
    message: str
    elapsed: float
    fraction: float | None = None
    line: str | None = None
    heartbeat: bool = False


def describe_elapsed(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


class ProgressTracker:
    """Turns log lines into :class:`Progress` events; remembers the furthest stage for heartbeats."""

    def __init__(self) -> None:
        self.stage: Stage = "launched"
        self.message = "starting"
        self.fraction: float | None = None
        self._seen: set[Stage] = set()

    def feed(self, line: str, elapsed: float) -> Progress | None:
        """The event a log line makes, or None when it says nothing new."""
        shards = _SHARDS.search(line)
        if shards is not None:
            done, total = int(shards.group(2)), int(shards.group(3))
            fraction = done / total if total else None
            if fraction is None or (self.fraction is not None and fraction <= self.fraction):
                return None
            self.fraction = fraction
            return self._advance("loading_weights", f"loading weights: {done}/{total} shards", elapsed, line)
        if any(marker in line for marker in _ERRORS):
            return Progress("error", line.strip(), elapsed, self.fraction, line)
        for marker, stage, message in _MARKERS:
            if marker in line:
                if stage in self._seen:
                    return None  # reported already: every rank logs its own copy
                self._seen.add(stage)
                return self._advance(stage, message, elapsed, line)
        return None

    def ready(self, elapsed: float) -> Progress:
        """The final event: the server answered its readiness probe."""
        self.stage, self.message = "ready", f"ready after {describe_elapsed(elapsed)}"
        return Progress("ready", self.message, elapsed, self.fraction)

    def heartbeat(self, elapsed: float) -> Progress:
        """A "still here" event for the current stage."""
        message = f"still {self.message} ({describe_elapsed(elapsed)} since start)"
        return Progress(self.stage, message, elapsed, self.fraction, heartbeat=True)

    def _advance(self, stage: Stage, message: str, elapsed: float, line: str) -> Progress:
        self.stage, self.message = stage, message
        return Progress(stage, message, elapsed, self.fraction, line)
