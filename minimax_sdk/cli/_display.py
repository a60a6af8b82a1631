"""The terminal renderer shared by ``minimax demo`` and ``minimax chat``: an agent run's events on screen.

Reasoning is streamed dimmed under its own label, apart from the answer; each tool call and its result are
shown as they happen; the reasoning each turn sends back is read from the request as it went on the wire
(:class:`SentRequests`, an httpx request hook); usage closes the run. ``rich`` is imported here, by the CLI
only, never by ``import minimax_sdk``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from rich.console import Console
from rich.text import Text

from ..agent import RunDoneEvent, RunResult, ToolEndEvent, ToolStartEvent, TurnStartEvent
from ..messages import Usage
from ..parsing import ContentDelta, ReasoningDelta

Section = Literal["none", "reasoning", "answer"]

REASONING_STYLE = "dim italic"
RESULT_LIMIT = 400
RESULT_LINES = 12
"""How much of a tool result is shown on screen (the model gets the whole result)."""


@dataclass
class SentReasoning:
    """The reasoning carried by the assistant messages of one request body, as sent."""

    chars: int = 0
    messages: int = 0


def reasoning_in_body(body: Any) -> SentReasoning:
    """Count the reasoning of the assistant messages in a chat request body, whatever its channel
    (``reasoning_details``, ``reasoning_content``, ``reasoning``, or inline ``<think>…</think>``)."""
    found = SentReasoning()
    messages = body.get("messages") if isinstance(body, dict) else None
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        chars = _reasoning_chars(message)
        if chars:
            found.chars += chars
            found.messages += 1
    return found


def _reasoning_chars(message: dict[str, Any]) -> int:
    details = message.get("reasoning_details")
    if isinstance(details, list):
        return sum(len(d.get("text") or "") for d in details if isinstance(d, dict))
    for name in ("reasoning_content", "reasoning"):
        value = message.get(name)
        if isinstance(value, str) and value:
            return len(value)
    content = message.get("content")
    if isinstance(content, str) and "</think>" in content:
        return len(content.split("</think>", 1)[0].replace("<think>", "").strip())
    return 0


@dataclass
class SentRequests:
    """An httpx request hook that keeps the reasoning sent back by each chat request."""

    sent: list[SentReasoning] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> None:
        if not request.url.path.endswith("/chat/completions"):
            return
        try:
            body = json.loads(request.content)
        except (ValueError, UnicodeDecodeError):
            return
        self.sent.append(reasoning_in_body(body))

    def client(self, timeout: float, connect_timeout: float) -> httpx.Client:
        """An httpx client for the HTTP backends that calls this hook on every request."""
        return httpx.Client(timeout=httpx.Timeout(timeout, connect=connect_timeout), event_hooks={"request": [self]})

    def latest(self) -> SentReasoning | None:
        return self.sent[-1] if self.sent else None


class RunDisplay:
    """Draws one agent run's events (``MiniMax.run_stream``) on a console."""

    def __init__(self, console: Console, *, show_reasoning: bool = True, sent: SentRequests | None = None) -> None:
        self.console = console
        self.show_reasoning = show_reasoning
        self.sent = sent
        self._section: Section = "none"
        self._turn = 0
        self._turn_announced = True
        self._at_line_start = True

    def show(self, events: Iterable[Any]) -> RunResult:
        """Draw every event; returns the run's result."""
        for event in events:
            if isinstance(event, RunDoneEvent):
                self._end_line()
                return event.result
            self.event(event)
        raise RuntimeError("the run ended without its result")

    def event(self, event: Any) -> None:
        if isinstance(event, TurnStartEvent):
            self._turn = event.turn
            self._turn_announced = False
            return
        if not self._turn_announced:
            self._announce_turn()
        if isinstance(event, ReasoningDelta):
            if self.show_reasoning and event.text:
                self._enter("reasoning")
                self._write(event.text, REASONING_STYLE)
        elif isinstance(event, ContentDelta):
            if event.text.strip() or self._section == "answer":
                self._enter("answer")
                self._write(event.text.lstrip("\n") if self._at_line_start else event.text, "")
        elif isinstance(event, ToolStartEvent):
            self._end_line()
            self._section = "none"
            arguments = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in event.arguments.items())
            self._line(Text.assemble(("→ ", "bold cyan"), (f"{event.name}({arguments})", "cyan")))
        elif isinstance(event, ToolEndEvent):
            style = "red" if event.result.is_error else "green"
            shown = shown_result(event.result.text)
            self._line(Text.assemble(("← ", f"bold {style}"), (f"{event.name}: ", "bold"), (shown, style)))

    def usage(self, result: RunResult) -> None:
        """The run's totals: tokens, turns, tool calls, stop reason."""
        self._end_line()
        self._line(Text(usage_line(result.usage, result.turns, result.tool_calls, result.stop_reason), "bold"))

    def _announce_turn(self) -> None:
        self._turn_announced = True
        self._end_line()
        self._section = "none"
        self._line(Text(f"── turn {self._turn} " + "─" * 30, "blue"))
        latest = self.sent.latest() if self.sent is not None else None
        if latest is not None and (self._turn > 1 or latest.messages):
            self._line(
                Text(
                    f"↩ reasoning sent back: {latest.chars} chars in {latest.messages} assistant message"
                    f"{'' if latest.messages == 1 else 's'}",
                    "magenta",
                )
            )

    def _enter(self, section: Section) -> None:
        if self._section == section:
            return
        self._end_line()
        self._section = section
        if section == "reasoning":
            self._line(Text("thinking:", "dim bold"))
        else:
            self._line(Text("answer:", "bold green"))

    def _write(self, text: str, style: str) -> None:
        if not text:
            return
        self.console.print(Text(text, style), end="", soft_wrap=True, highlight=False)
        self._at_line_start = text.endswith("\n")

    def _line(self, text: Text) -> None:
        self.console.print(text, soft_wrap=True, highlight=False)
        self._at_line_start = True

    def _end_line(self) -> None:
        if not self._at_line_start:
            self.console.print()
            self._at_line_start = True


def shown_result(text: str) -> str:
    """A tool result for the screen: at most RESULT_LINES lines and RESULT_LIMIT characters, indented."""
    lines = text.strip("\n").splitlines() or [""]
    shown = "\n  ".join(lines[:RESULT_LINES])
    if len(shown) > RESULT_LIMIT:
        shown = shown[:RESULT_LIMIT] + "…"
    if len(lines) > RESULT_LINES or len(shown) > RESULT_LIMIT + 1:
        shown += f"\n  … ({len(text)} chars in all)"
    return shown


def usage_line(usage: Usage, turns: int, tool_calls: int, stop_reason: str) -> str:
    reasoning = f" ({usage.reasoning_tokens} reasoning)" if usage.reasoning_tokens else ""
    return (
        f"usage: {usage.prompt_tokens} prompt + {usage.completion_tokens} completion{reasoning} = "
        f"{usage.total_tokens} tokens · {turns} turns · {tool_calls} tool calls · stop: {stop_reason}"
    )


def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)
