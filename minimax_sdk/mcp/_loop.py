"""An asyncio event loop on a daemon thread: the home of one MCP session.

The ``mcp`` client is async and its connection must stay in the task that opened it; blocking code (``MiniMax.run``
runs tools in worker threads) and async code on any other loop (``AsyncMiniMax.run``, LangGraph) both reach it by
submitting coroutines here with :meth:`LoopThread.submit`, which returns a ``concurrent.futures.Future``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """Starts at construction; :meth:`stop` ends it (pending tasks are cancelled first)."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    @property
    def is_current(self) -> bool:
        """Whether the caller runs on this loop's thread (where blocking on a submitted future would deadlock)."""
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` on the loop; raises ``RuntimeError`` (and closes ``coro``) once the loop is stopped."""
        try:
            return asyncio.run_coroutine_threadsafe(coro, self.loop)
        except RuntimeError:
            coro.close()
            raise

    def stop(self) -> None:
        """Stop the loop and wait for its thread (not from the loop's own thread)."""
        if self.loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # closed in between
            self.loop.call_soon_threadsafe(self.loop.stop)
        if not self.is_current:
            self._thread.join()
