"""Samples, their summary (median, spread, best) and the rows of run_all.py's report."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stat:
    """Samples of one figure; ``higher_is_better`` decides which end is the best."""

    samples: list[float]
    higher_is_better: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return max(self.samples) if self.higher_is_better else min(self.samples)

    @property
    def spread(self) -> float:
        """Half the range of the samples, as a fraction of the median."""
        return (max(self.samples) - min(self.samples)) / 2 / self.median if self.median else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"median": self.median, "best": self.best, "spread": self.spread, "samples": self.samples}


@dataclass
class Row:
    """One line of the report: our figure, the peers' figures (or why a peer was skipped), the target."""

    case: str
    unit: str
    ours: Stat
    peers: dict[str, Stat | str] = field(default_factory=dict)
    target: str = "-"
    passed: bool | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "unit": self.unit,
            "ours": self.ours.to_dict(),
            "peers": {k: v.to_dict() if isinstance(v, Stat) else {"skipped": v} for k, v in self.peers.items()},
            "target": self.target,
            "result": verdict(self.passed),
            "note": self.note,
        }


def verdict(passed: bool | None) -> str:
    return "-" if passed is None else "PASS" if passed else "FAIL"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def interleaved(
    runners: dict[str, Callable[[], Any]], repeat: int, check: Callable[[str, Any], None]
) -> dict[str, list[float]]:
    """One checked warm-up run of each, then ``repeat`` rounds of one run each in turn; every result is checked."""
    for name, fn in runners.items():
        check(name, fn())
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, fn in runners.items():
            seconds, out = timed(fn)
            check(name, out)
            times[name].append(seconds)
    return times


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def cell(stat: Stat | str | None) -> str:
    if stat is None:
        return "-"
    if isinstance(stat, str):
        return f"skipped ({stat})"
    return f"{fmt(stat.median)} ±{stat.spread * 100:.0f}% (best {fmt(stat.best)})"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| case | unit | ours: median ±spread (best) | peer: median ±spread (best) | ours / peer | target | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        peers = row.peers or {"": None}
        first = True
        for name, stat in peers.items():
            ratio = f"{row.ours.median / stat.median:.2f}" if isinstance(stat, Stat) and stat.median else "-"
            peer = f"{name}: {cell(stat)}" if name else "-"
            if first:
                lines.append(
                    f"| {row.case} | {row.unit} | {cell(row.ours)} | {peer} | {ratio} | {row.target} "
                    f"| {verdict(row.passed)} |"
                )
            else:
                lines.append(f"| | | | {peer} | {ratio} | | |")
            first = False
    return "\n".join(lines)
