"""The agent loop's bookkeeping, shared by the blocking and the async runner: limits, the transcript,
turning a response into the calls to run, and tool results into messages.

Nothing here does I/O; ``_runner.py`` calls the model and runs the tools.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._tool_spec import ToolLike, function_definition
from ..messages import (
    AssistantMessage,
    ChatResponse,
    Message,
    MessageLike,
    ToolMessage,
    Usage,
    UserMessage,
    to_messages,
)
from ..parsing import Block, InvalidToolCall, ToolCall
from ..tools import Tool, ToolResult
from ._context import ContextPolicy, KeepFirstAndLast
from ._output import read_text_answer
from ._types import RunHooks, RunResult, StopReason

if TYPE_CHECKING:
    from ..config import Prices


def _monotonic() -> float:
    return time.monotonic()


@dataclass(frozen=True)
class Limits:
    """When a run stops: model calls, tool calls, seconds, failed calls in a row per tool, and typed answers
    that did not validate (``output_type``: ``max_output_retries`` corrections, then ``output_retry_limit``)."""

    max_turns: int = 50
    max_tool_calls: int = 500
    time_budget: float | None = None
    max_tool_retries: int = 3
    concurrency: int = 8
    max_output_retries: int = 2

    def __post_init__(self) -> None:
        for name in ("max_turns", "max_tool_calls", "max_tool_retries", "concurrency", "max_output_retries"):
            if getattr(self, name) < (0 if name.endswith("_retries") else 1):
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.time_budget is not None and self.time_budget <= 0:
            raise ValueError(f"time_budget must be positive seconds, got {self.time_budget}")


@dataclass(frozen=True)
class PlannedCall:
    """One call of a turn: the tool to run with its arguments, or the error to answer it with."""

    call: ToolCall
    tool: Tool | None
    error: str | None = None


def as_runnable_tools(tools: Iterable[Any]) -> list[Tool]:
    """Tools the loop can execute: ``Tool`` objects with a function, plain functions, or tool dicts with a
    ``"callable"`` (or ``"func"``) key beside the definition."""
    out: list[Tool] = []
    for item in tools:
        if isinstance(item, Tool):
            tool = item
        elif isinstance(item, Mapping):
            func = item.get("callable") or item.get("func")
            function = item.get("function")
            spec: Mapping[str, Any] = function if isinstance(function, Mapping) else item
            if func is None:
                raise ValueError(f"tool {spec.get('name')!r} has no 'callable': the loop cannot run it")
            tool = Tool.from_schema(
                spec["name"], spec.get("parameters") or {}, description=spec.get("description") or "", func=func
            )
        elif callable(item):
            tool = Tool.from_function(item)
        else:
            raise TypeError(f"a tool must be a Tool, a function or a dict with a callable, got {type(item).__name__}")
        if tool.func is None:
            raise ValueError(f"tool {tool.name!r} has no function: the loop cannot run it")
        out.append(tool)
    names = [t.name for t in out]
    if len(set(names)) != len(names):
        raise ValueError(f"two tools share a name: {sorted(n for n in names if names.count(n) > 1)[0]!r}")
    return out


def _unknown_tool_text(name: str | None, known: Sequence[str]) -> str:
    return f"Error: there is no tool named `{name}`. Available tools: {', '.join(known) or 'none'}."


def _invalid_text(invalid: InvalidToolCall, known: Sequence[str]) -> str:
    if invalid.reason == "unknown_tool":
        return _unknown_tool_text(invalid.name, known)
    if invalid.reason == "truncated":
        return (
            "Error: your tool call was cut off before it ended, so it was not run. "
            "Call the tool again with the complete call, and keep long arguments shorter."
        )
    return (
        f"Error: your tool call could not be read ({invalid.detail}), so it was not run. "
        "Write it again: one <invoke name=...> per call, each argument in its own <parameter name=...>."
    )


def _for_history(message: AssistantMessage) -> AssistantMessage:
    """The message as the transcript keeps it: an unreadable call stands as a call with no arguments, so the
    error result that answers it has a call to follow (M2 pairs results with calls by position)."""
    if not message.invalid_tool_calls:
        return message
    blocks: list[Block] = [
        ToolCall(b.id, b.name or "invalid_tool_call", {}) if isinstance(b, InvalidToolCall) else b
        for b in message.blocks
    ]
    return AssistantMessage(
        tuple(blocks),
        reasoning_channel=message.reasoning_channel,
        dialect=message.dialect,
        reasoning_details=message.reasoning_details,
    )


def _with_warnings(text: str, call: ToolCall) -> str:
    """The result as the model reads it: what the parser had to decide about the call (a parameter given
    twice, a value kept as text) is said after it, so the model can correct its next call."""
    if not call.warnings:
        return text
    return text + "\n\nNote on your call: " + "; ".join(call.warnings) + "."


class Loop:
    """The state of one run."""

    def __init__(
        self,
        messages: Iterable[MessageLike],
        tools: Sequence[Tool],
        limits: Limits,
        policy: ContextPolicy | None,
        hooks: RunHooks | None,
        clock: Callable[[], float] | None = None,
        output: Tool | None = None,
        prices: Prices | None = None,
    ) -> None:
        """``output``: the answer tool of ``run(..., output_type=...)`` (see ``_output``), offered last."""
        if output is not None:
            if any(t.name == output.name for t in tools):
                raise ValueError(
                    f"a tool is named `{output.name}`, the name of the tool that gives the typed answer "
                    "(output_type); rename that tool"
                )
            tools = [*tools, output]
        self.output = output
        self.answer: tuple[Any] | None = None  # the valid typed answer, once given
        self.output_failures = 0
        self.last_problems = ""
        self.transcript: list[Message] = to_messages(messages)
        self.tools = {t.name: t for t in tools}
        # what the model is shown (and the context policy measures): the definitions, built once for the run
        self.definitions: list[ToolLike] = [{"type": "function", "function": function_definition(t)} for t in tools]
        self.limits = limits
        self.policy = policy if policy is not None else KeepFirstAndLast()
        self.hooks = hooks or RunHooks()
        self.clock = clock or _monotonic
        self.started = self.clock()
        self.usage = Usage()
        self.turns = 0
        self.calls = 0
        self.failures: dict[str, int] = {}
        self.prices = prices

    def _time_left(self) -> bool:
        budget = self.limits.time_budget
        return budget is None or self.clock() - self.started < budget

    def before_turn(self) -> tuple[StopReason, str] | None:
        """A stop before the next model call, or None to go on (then the turn counter advances)."""
        if self.turns >= self.limits.max_turns:
            return "max_turns", f"{self.limits.max_turns} model calls made"
        if not self._time_left():
            return "time_budget", f"{self.limits.time_budget} s spent"
        self.turns += 1
        return None

    def to_send(self) -> list[Message]:
        messages = self.policy.apply(self.transcript, self.definitions)
        self.hooks.on_turn_start(self.turns, messages)
        return messages

    def accept(self, response: ChatResponse) -> list[PlannedCall] | None:
        """Record a response; the calls to run, or None when the model answered without calling a tool."""
        self.hooks.on_response(self.turns, response)
        if response.usage is not None:
            self.usage = self.usage + response.usage
            self.hooks.on_usage(response.usage, self.usage)
        message = response.message
        history = _for_history(message)  # block for block, an unreadable call replaced by its stand-in
        self.transcript.append(history)
        known = sorted(self.tools)
        planned: list[PlannedCall] = []
        for block, original in zip(history.blocks, message.blocks, strict=True):
            if not isinstance(block, ToolCall):
                continue
            if isinstance(original, InvalidToolCall):
                planned.append(PlannedCall(block, None, _invalid_text(original, known)))
            else:
                tool = self.tools.get(block.name)
                planned.append(PlannedCall(block, tool, None if tool else _unknown_tool_text(block.name, known)))
        return planned or None

    def before_tools(self, planned: Sequence[PlannedCall]) -> tuple[StopReason, str] | None:
        if self.calls + len(planned) > self.limits.max_tool_calls:
            return "max_tool_calls", f"{self.limits.max_tool_calls} tool calls allowed, {self.calls} made"
        if not self._time_left():
            return "time_budget", f"{self.limits.time_budget} s spent"
        return None

    def record(self, planned: Sequence[PlannedCall], results: Sequence[ToolResult]) -> tuple[StopReason, str] | None:
        """Append the results in call order; a stop when a tool failed more times in a row than allowed."""
        self.calls += len(planned)
        over: str | None = None
        for item, result in zip(planned, results, strict=True):
            self.transcript.append(ToolMessage(item.call.id, _with_warnings(result.text, item.call), item.call.name))
            name = item.call.name
            if self.output is not None and name == self.output.name:
                if result.is_error:
                    self._reject(result.text)
                else:
                    self._accept(result.value)
                continue
            self.failures[name] = self.failures.get(name, 0) + 1 if result.is_error else 0
            if self.failures[name] > self.limits.max_tool_retries and over is None:
                over = name
        if self.answer is not None:
            return "completed", ""
        if over is not None:
            return "tool_retry_limit", f"calls to `{over}` failed {self.failures[over]} times in a row"
        return self._output_limit()

    def answered(self) -> tuple[StopReason, str] | None:
        """The model answered without a tool call: the run is complete, unless a typed answer is wanted and
        the text holds no valid one; then the problems go back as a user message (None: go on)."""
        if self.output is None:
            return "completed", ""
        last = self.transcript[-1]
        valid, found = read_text_answer(self.output, last.content if isinstance(last, AssistantMessage) else "")
        if valid:
            self._accept(found)
            return "completed", ""
        self._reject(found)
        stop = self._output_limit()
        if stop is None:
            self.transcript.append(UserMessage(found))  # what to fix, for the next turn
        return stop

    def _accept(self, value: Any) -> None:
        if self.answer is None:  # the first valid answer of a turn is the one
            self.answer = (value,)

    def _reject(self, problems: str) -> None:
        self.output_failures += 1
        self.last_problems = problems

    def _output_limit(self) -> tuple[StopReason, str] | None:
        if self.answer is not None or self.output_failures <= self.limits.max_output_retries:
            return None
        return (
            "output_retry_limit",
            f"{self.output_failures} answers did not fit the output type; the last: {self.last_problems}",
        )

    def result(self, reason: StopReason, detail: str) -> RunResult[Any]:
        last = next((m for m in reversed(self.transcript) if isinstance(m, AssistantMessage)), None)
        return RunResult(
            messages=self.transcript,
            final_answer=last.content if last is not None else "",
            usage=self.usage,
            stop_reason=reason,
            turns=self.turns,
            tool_calls=self.calls,
            detail=detail,
            output=self.answer[0] if self.answer is not None else None,
            cost=self.prices.cost(self.usage) if self.prices is not None else None,
        )
