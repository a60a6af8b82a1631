"""The agent loop: call the model, run its tool calls (in parallel), repeat until it answers or a limit is hit.

Use it through :meth:`minimax_sdk.MiniMax.run` / :meth:`~minimax_sdk.MiniMax.run_stream` and their async
counterparts. Guide: ``docs/agent.md``.
"""

from ._context import CONTEXT_WINDOW, ContextPolicy, KeepEverything, KeepFirstAndLast, estimate_tokens
from ._loop import Limits
from ._types import (
    RunDoneEvent,
    RunEvent,
    RunHooks,
    RunResult,
    StopReason,
    ToolEndEvent,
    ToolStartEvent,
    TurnStartEvent,
)

__all__ = [
    "CONTEXT_WINDOW",
    "ContextPolicy",
    "KeepEverything",
    "KeepFirstAndLast",
    "Limits",
    "RunDoneEvent",
    "RunEvent",
    "RunHooks",
    "RunResult",
    "StopReason",
    "ToolEndEvent",
    "ToolStartEvent",
    "TurnStartEvent",
    "estimate_tokens",
]
