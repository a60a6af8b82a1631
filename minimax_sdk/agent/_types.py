"""What the agent loop returns and reports: the result, stop reasons, progress events and hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias

from typing_extensions import TypeVar

from ..messages import ChatResponse, Message, StreamEvent, Usage
from ..parsing import ToolCall
from ..tools import ToolResult

StopReason: TypeAlias = Literal[
    "completed", "max_turns", "max_tool_calls", "time_budget", "tool_retry_limit", "output_retry_limit"
]
"""Why a run ended: the model answered (``completed``; with an ``output_type``, with a valid answer), or a
limit was reached (``output_retry_limit``: more invalid typed answers than ``Limits.max_output_retries``)."""

OutputT = TypeVar("OutputT", default=Any)


@dataclass(frozen=True)
class RunResult(Generic[OutputT]):
    """The outcome of :meth:`MiniMax.run`: the whole transcript, the last answer, usage summed over turns.

    With ``output_type``, ``output`` is the validated answer (an instance of the type; the dict for a JSON
    Schema), or ``None`` when the run ended without one (see ``stop_reason``). Without it, ``None``.
    """

    messages: list[Message]
    final_answer: str
    usage: Usage
    stop_reason: StopReason
    turns: int
    tool_calls: int
    detail: str = ""
    """For a limit: which one and its value, in words (for ``output_retry_limit``, the last problems)."""
    output: OutputT | None = None
    """The typed final answer (``run(..., output_type=...)``), or ``None``."""
    cost: float | None = None
    """The estimated cost of ``usage`` at the prices in the settings (``[prices]``); None without prices."""


@dataclass(slots=True)
class TurnStartEvent:
    """A model call is about to be made (``turn`` counts from 1)."""

    turn: int
    type: Literal["turn_start"] = "turn_start"


@dataclass(slots=True)
class ToolStartEvent:
    """A tool call is about to run (``name`` may be unknown to the loop: it is then answered with an error)."""

    call_id: str
    name: str
    arguments: dict[str, object] = field(default_factory=dict)
    type: Literal["tool_start"] = "tool_start"


@dataclass(slots=True)
class ToolEndEvent:
    """A tool call finished; ``result.is_error`` tells whether it failed."""

    call_id: str
    name: str
    result: ToolResult
    type: Literal["tool_end"] = "tool_end"


@dataclass(slots=True)
class RunDoneEvent:
    """The run ended; ``result`` is what :meth:`MiniMax.run` returns."""

    result: RunResult[Any]
    type: Literal["run_done"] = "run_done"


RunEvent: TypeAlias = StreamEvent | TurnStartEvent | ToolStartEvent | ToolEndEvent | RunDoneEvent


class RunHooks:
    """Progress callbacks for a CLI or UI; subclass and override what you need. Called on the caller's side:
    from the thread that called ``run`` (blocking client) or on the event loop (async client)."""

    def on_turn_start(self, turn: int, messages: list[Message]) -> None:
        """Before each model call, with the messages about to be sent (after context management)."""

    def on_response(self, turn: int, response: ChatResponse) -> None:
        """After each model call."""

    def on_tool_start(self, call: ToolCall) -> None:
        """Before a tool runs (possibly in another thread for the blocking client's parallel calls)."""

    def on_tool_end(self, call: ToolCall, result: ToolResult) -> None:
        """After a tool ran, or was answered with an error (unknown tool, invalid arguments)."""

    def on_usage(self, usage: Usage, total: Usage) -> None:
        """After each model call that reported usage: this turn's and the run's total so far."""
