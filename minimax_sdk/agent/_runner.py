"""Running the loop: call the model, run the turn's tools (concurrently), repeat. Blocking and async.

Both runners are generators of :data:`RunEvent`; ``run`` consumes one and returns the last event's result.
Calls of one turn run concurrently up to ``Limits.concurrency``: the blocking runner in a thread pool, the
async runner on the event loop (sync tools in worker threads). Results go back in call order, and the hooks
are called on the caller's side (its thread, or its event loop).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from ..messages import ChatResponse, DoneEvent, Message, StreamEvent
from ..tools import ToolResult
from ..tools._results import error_result
from ..tracing import tool_span, turn_started
from ._loop import Loop, PlannedCall
from ._types import RunDoneEvent, RunEvent, StopReason, ToolEndEvent, ToolStartEvent, TurnStartEvent

CallModel = Callable[[list[Message]], Generator[StreamEvent, None, ChatResponse]]


def _answer(item: PlannedCall) -> ToolResult | None:
    """The result of a call that is answered without running anything (unknown or unreadable)."""
    if item.error is not None:
        return ToolResult(item.error, is_error=True)
    return ToolResult("Error: this tool cannot be run.", is_error=True) if item.tool is None else None


def _run_one(item: PlannedCall) -> ToolResult:
    assert item.tool is not None
    with tool_span(item.call) as traced:
        try:
            return traced(item.tool.invoke(item.call.arguments))
        except Exception as exc:  # invoke turns tool errors into results; a last guard (e.g. no event loop)
            return traced(error_result(exc))


class _Pool:
    """One thread pool for a whole run, started at the first parallel batch (threads cost ~100 µs each)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ThreadPoolExecutor | None = None

    def get(self) -> ThreadPoolExecutor:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="minimax-tool")
        return self.pool

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)


def _execute(loop: Loop, planned: Sequence[PlannedCall], pool: _Pool) -> Generator[RunEvent, None, list[ToolResult]]:
    results: list[ToolResult | None] = [_answer(p) for p in planned]
    for item in planned:
        loop.hooks.on_tool_start(item.call)
        yield ToolStartEvent(item.call.id, item.call.name, dict(item.call.arguments))
    pending = [i for i, r in enumerate(results) if r is None]
    done_order: list[int] = [i for i, r in enumerate(results) if r is not None]
    if len(pending) == 1:
        results[pending[0]] = _run_one(planned[pending[0]])
        done_order.append(pending[0])
    elif pending:
        executor = pool.get()
        # each call in a copy of this context: its tracing span nests under the turn, and tools see contextvars
        futures = {executor.submit(contextvars.copy_context().run, _run_one, planned[i]): i for i in pending}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done_order.append(futures[future])
    for i in done_order:
        yield _ended(loop, planned[i], results[i])
    return [r for r in results if r is not None]


def drive(loop: Loop, call_model: CallModel) -> Iterator[RunEvent]:
    """The blocking loop, as events; the last one is a :class:`RunDoneEvent`."""
    pool = _Pool(loop.limits.concurrency)
    try:
        yield from _drive_turns(loop, call_model, pool)
    finally:
        pool.shutdown()


def _drive_turns(loop: Loop, call_model: CallModel, pool: _Pool) -> Iterator[RunEvent]:
    stop: tuple[StopReason, str] | None = None
    while stop is None:
        stop = loop.before_turn()
        if stop is not None:
            break
        turn_started(loop.turns)
        yield TurnStartEvent(loop.turns)
        response = yield from call_model(loop.to_send())
        planned = loop.accept(response)
        if planned is None:
            stop = loop.answered()  # completed, or a typed answer to correct (None: go on)
            continue
        stop = loop.before_tools(planned)
        if stop is not None:
            break
        results = yield from _execute(loop, planned, pool)
        stop = loop.record(planned, results)
    assert stop is not None
    reason, detail = stop
    yield RunDoneEvent(loop.result(reason, detail))


async def _aexecute(loop: Loop, planned: Sequence[PlannedCall]) -> AsyncIterator[RunEvent | list[ToolResult]]:
    """Start events, then end events as calls finish, then (last) the results in call order."""
    limit = asyncio.Semaphore(loop.limits.concurrency)
    results: list[ToolResult | None] = [_answer(p) for p in planned]
    for item in planned:
        loop.hooks.on_tool_start(item.call)
        yield ToolStartEvent(item.call.id, item.call.name, dict(item.call.arguments))

    async def one(index: int) -> int:
        item = planned[index]
        assert item.tool is not None
        async with limit:
            with tool_span(item.call) as traced:
                try:
                    results[index] = traced(await item.tool.ainvoke(item.call.arguments))
                except Exception as exc:
                    results[index] = traced(error_result(exc))
        return index

    finished = [i for i, r in enumerate(results) if r is not None]
    tasks = [asyncio.ensure_future(one(i)) for i, r in enumerate(results) if r is None]
    try:
        for index in finished:
            yield _ended(loop, planned[index], results[index])
        for next_done in asyncio.as_completed(tasks):
            index = await next_done
            yield _ended(loop, planned[index], results[index])
    finally:
        for task in tasks:
            task.cancel()
    yield [r for r in results if r is not None]


def _ended(loop: Loop, item: PlannedCall, result: ToolResult | None) -> ToolEndEvent:
    assert result is not None
    loop.hooks.on_tool_end(item.call, result)
    return ToolEndEvent(item.call.id, item.call.name, result)


AsyncCallModel = Callable[[list[Message]], AsyncIterator[Any]]


async def adrive(loop: Loop, call_model: AsyncCallModel) -> AsyncIterator[RunEvent]:
    """The async loop, as events; the model's events come through, its :class:`DoneEvent` carries the response."""
    stop: tuple[StopReason, str] | None = None
    while stop is None:
        stop = loop.before_turn()
        if stop is not None:
            break
        turn_started(loop.turns)
        yield TurnStartEvent(loop.turns)
        response: ChatResponse | None = None
        async for event in call_model(loop.to_send()):
            if isinstance(event, DoneEvent):
                response = event.response
            yield event
        assert response is not None, "the model call ended without a response"
        planned = loop.accept(response)
        if planned is None:
            stop = loop.answered()  # completed, or a typed answer to correct (None: go on)
            continue
        stop = loop.before_tools(planned)
        if stop is not None:
            break
        results: list[ToolResult] = []
        async for item in _aexecute(loop, planned):
            if isinstance(item, list):
                results = item
            else:
                yield item
        stop = loop.record(planned, results)
    assert stop is not None
    reason, detail = stop
    yield RunDoneEvent(loop.result(reason, detail))
