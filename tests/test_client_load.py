"""1,000 concurrent streams through one ``AsyncMiniMax``: every answer right, no descriptor left behind.

The reference server runs in this process (on its own thread), so while the streams are open the process
holds both ends of every connection, about 2,000 sockets; the soft ``RLIMIT_NOFILE`` is raised for that
when it is lower and the hard limit allows.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import time
from collections.abc import Callable, Iterator

import pytest

from minimax_sdk import AsyncMiniMax
from minimax_sdk.messages import ChatResponse, DoneEvent, StreamEvent
from minimax_sdk.parsing import ContentDelta, ReasoningDelta
from minimax_sdk.testing import ReferenceServer

STREAMS = 1000
ECHO_REASONING = "The user wants their last message echoed back."  # the reference server's echo turn
# After aclose() the count must be back where it started. Up to 2 more are tolerated for descriptors a
# process opens once and keeps, whatever the number of connections (a resolver or nscd socket on the
# first name lookup, a lazily created event-loop helper); a leak here would be hundreds.
FD_TOLERANCE = 2
DEADLINE_S = 90.0


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


@pytest.fixture
def enough_descriptors() -> Iterator[None]:
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd to count open descriptors")
    needed = 2 * STREAMS + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


async def await_until(condition: Callable[[], bool], what: str, deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {deadline_s} s")
        await asyncio.sleep(0.01)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_thousand_concurrent_streams_through_one_async_client(enough_descriptors: None) -> None:
    messages = [f"stream {i:04d}: echo me back, please ({i * 7919 % 1000:03d})" for i in range(STREAMS)]

    async def main(server: ReferenceServer) -> tuple[list[tuple[list[StreamEvent], ChatResponse]], int, int, int]:
        gc.collect()  # descriptors earlier tests left to the collector close now, not during the measurement
        before = open_fds()
        client = AsyncMiniMax(
            backend="minimax", base_url=server.base_url, api_key="sk-load", timeout=60.0, connect_timeout=30.0
        )
        all_open = asyncio.Event()
        opened = 0
        at_peak = 0

        async def one(text: str) -> tuple[list[StreamEvent], ChatResponse]:
            nonlocal opened, at_peak
            events: list[StreamEvent] = []
            stream = client.stream([{"role": "user", "content": text}])
            async for event in stream:
                events.append(event)
                if len(events) == 1:  # this stream is open and answering: wait until all of them are
                    opened += 1
                    if opened == STREAMS:
                        at_peak = open_fds()
                        all_open.set()
                    await all_open.wait()
            return events, stream.response

        try:
            results = await asyncio.wait_for(asyncio.gather(*(one(text) for text in messages)), DEADLINE_S)
        finally:
            await client.aclose()
        await await_until(lambda: server.open_connections == 0, "the server saw every connection close")
        return results, before, at_peak, open_fds()

    started = time.monotonic()
    with ReferenceServer("minimax") as server:
        results, before, at_peak, after = asyncio.run(main(server))
        elapsed = time.monotonic() - started
        assert server.peak_connections >= STREAMS  # all of them were open at once
        assert len(server.requests) == STREAMS  # no retries, no extra requests

    assert len(results) == STREAMS
    for text, (events, response) in zip(messages, results, strict=True):
        assert response.message.content == text
        assert response.message.reasoning == ECHO_REASONING
        assert isinstance(events[-1], DoneEvent)
        assert events[-1].response is response
        assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == text
        assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == ECHO_REASONING
    assert at_peak >= before + STREAMS  # the count is meaningful: every stream held a socket here
    # no descriptor of these streams is left (others of this process may close meanwhile: no lower bound)
    assert after <= before + FD_TOLERANCE, (before, at_peak, after)
    print(f"\n{STREAMS} streams in {elapsed:.1f} s; descriptors {before} -> {at_peak} at peak -> {after}")
