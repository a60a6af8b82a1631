"""Reading SGLang's output: lines split at newlines and carriage returns, secrets masked, progress events."""

from __future__ import annotations

import os
from pathlib import Path

from minimax_sdk.backends.sglang._logs import LogCapture
from minimax_sdk.backends.sglang._progress import ProgressTracker, describe_elapsed

SHARDS = "Loading safetensors checkpoint shards: {p:3d}% Completed | {n}/4 [00:01<00:03,  1.00it/s]"


def test_lines_end_at_newlines_and_carriage_returns_and_secrets_are_masked(tmp_path: Path) -> None:
    seen: list[str] = []
    capture = LogCapture(tmp_path / "server.log", tail_lines=3, secrets=["sk-1"], on_line=seen.append)
    read_end, write_end = os.pipe()
    capture.start(read_end)
    for chunk in (b"one\r\ntw", b"o\rthr", b"ee key=sk-1 \xe2\x9c", b"\x93\n", b"\n\r\nlast"):  # a character cut in two
        os.write(write_end, chunk)
    os.close(write_end)
    assert capture.wait_closed(30)
    assert seen == ["one", "two", "three key=******** \u2713", "last"]
    assert capture.tail() == "two\nthree key=******** \u2713\nlast"
    assert capture.tail(1) == "last"
    capture.note("a note with sk-1")
    capture.close()
    text = (tmp_path / "server.log").read_text()
    assert text == "one\ntwo\nthree key=******** \u2713\nlast\n# minimax-sdk: a note with ********\n"


def test_catch_up_returns_once_written_output_is_handled(tmp_path: Path) -> None:
    seen: list[str] = []
    capture = LogCapture(tmp_path / "server.log", on_line=seen.append)
    read_end, write_end = os.pipe()
    capture.start(read_end)
    os.write(write_end, b"Load weight end.\n")
    assert capture.catch_up(30)
    assert seen == ["Load weight end."]
    os.close(write_end)
    assert capture.wait_closed(30)
    capture.close()


def test_tracker_reports_each_stage_once_and_growing_shard_fractions() -> None:
    tracker = ProgressTracker()
    lines = [
        "[2026-11-29 10:00:00 TP0] Load weight begin. avail mem=139.20 GB",
        "[2026-11-29 10:00:00 TP1] Load weight begin. avail mem=139.20 GB",
        SHARDS.format(p=25, n=1),
        SHARDS.format(p=25, n=1),
        SHARDS.format(p=50, n=2),
        "[2026-11-29 10:00:09 TP0] Entering DeepGEMM JIT Pre-Compile session. It may take a long time",
        "[2026-11-29 10:01:00 TP0] Load weight end. elapsed=60.00 s, type=MiniMaxM2ForCausalLM, avail mem=84.10 GB",
        "[2026-11-29 10:01:00 TP1] Load weight end. elapsed=60.00 s",
        "[2026-11-29 10:01:01 TP0] Memory pool end. avail mem=12.30 GB",
        "[2026-11-29 10:01:02 TP0] Capture decode CUDA graph begin. This can take up to several minutes.",
        "[2026-11-29 10:01:30 TP0] Capture prefill CUDA graph begin.",
        "[2026-11-29 10:02:00] The server is fired up and ready to roll!",
        "an unrelated line",
    ]
    events = [e for i, line in enumerate(lines) if (e := tracker.feed(line, float(i))) is not None]
    assert [(e.stage, e.message, e.fraction) for e in events] == [
        ("loading_weights", "loading weights", None),
        ("loading_weights", "loading weights: 1/4 shards", 0.25),
        ("loading_weights", "loading weights: 2/4 shards", 0.5),
        ("compiling", "compiling DeepGEMM kernels (often 10-20 minutes)", 0.5),
        ("weights_loaded", "weights loaded", 0.5),
        ("memory_pool", "KV cache allocated", 0.5),
        ("cuda_graphs", "capturing CUDA graphs", 0.5),
        ("server_up", "server up, waiting for /ready", 0.5),
    ]
    assert events[1].line == SHARDS.format(p=25, n=1)
    beat = tracker.heartbeat(75.0)
    assert (beat.stage, beat.heartbeat, beat.message) == (
        "server_up",
        True,
        "still server up, waiting for /ready (1 min 15 s since start)",
    )
    assert tracker.ready(3700.0).message == "ready after 1 h 01 min"


def test_errors_are_reported_every_time() -> None:
    tracker = ProgressTracker()
    line = "[2026-11-29 10:00:00 TP0] Scheduler hit an exception: Traceback (most recent call last):"
    first, second = tracker.feed(line, 1.0), tracker.feed(line, 2.0)
    assert first is not None
    assert second is not None
    assert first.stage == "error"
    assert tracker.stage == "launched"


def test_describe_elapsed() -> None:
    assert [describe_elapsed(s) for s in (0, 59.9, 61, 3599, 3600)] == [
        "0 s",
        "59 s",
        "1 min 01 s",
        "59 min 59 s",
        "1 h 00 min",
    ]
