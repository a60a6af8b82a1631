"""Context management for long runs: what of the transcript is sent to the model each turn.

A policy sees the whole transcript and returns the messages to send; the transcript itself is never
changed (``RunResult.messages`` is always complete). The default, :class:`KeepFirstAndLast`, follows what
MiniMax reported for BrowseComp: once the prompt passes a share of the context window, keep the first
assistant turn and the last five, dropping the turns in between. A turn is an assistant message together
with the tool results that answer it, so every tool result still follows its call. System and user messages
are always kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .._tool_spec import ToolLike
from ..messages import AssistantMessage, Message, ToolMessage
from ..template import render_conversation

CONTEXT_WINDOW = 204_800
"""MiniMax-M2.x context window on MiniMax's API, in tokens."""


class ContextPolicy(Protocol):
    """Chooses the messages sent to the model from the whole transcript."""

    def apply(self, messages: Sequence[Message], tools: Sequence[ToolLike] | None) -> list[Message]: ...


def estimate_tokens(messages: Sequence[Message], tools: Sequence[ToolLike] | None, chars_per_token: float = 3.5) -> int:
    """Tokens of the prompt the M2 chat template renders for ``messages``, estimated from its length.

    3.5 characters a token errs on the high side for English and code with M2's 200k-entry vocabulary, so a
    policy triggers a little early rather than late. Pass your own ``chars_per_token`` for other text.
    """
    prompt = render_conversation(messages, tools, add_generation_prompt=True)
    return math.ceil(len(prompt) / chars_per_token)


class KeepEverything:
    """Send the whole transcript every turn (no context management)."""

    def apply(self, messages: Sequence[Message], tools: Sequence[ToolLike] | None) -> list[Message]:
        return list(messages)


def _turns(messages: Sequence[Message]) -> list[tuple[int, int]]:
    """(start, end) of each assistant turn: the assistant message and the tool results right after it."""
    spans = []
    i = 0
    while i < len(messages):
        if isinstance(messages[i], AssistantMessage):
            end = i + 1
            while end < len(messages) and isinstance(messages[end], ToolMessage):
                end += 1
            spans.append((i, end))
            i = end
        else:
            i += 1
    return spans


@dataclass(frozen=True)
class KeepFirstAndLast:
    """When the prompt exceeds ``trigger`` × ``context_window`` tokens, keep the first assistant turn and the
    last ``keep_last``, dropping the turns between (MiniMax used first + last five at 30% for BrowseComp)."""

    context_window: int = CONTEXT_WINDOW
    trigger: float = 0.3
    keep_last: int = 5
    chars_per_token: float = 3.5

    def __post_init__(self) -> None:
        if not 0 < self.trigger <= 1:
            raise ValueError(f"trigger must be in (0, 1], got {self.trigger}")
        if self.keep_last < 0 or self.context_window <= 0:
            raise ValueError("keep_last must be >= 0 and context_window > 0")

    def apply(self, messages: Sequence[Message], tools: Sequence[ToolLike] | None) -> list[Message]:
        turns = _turns(messages)
        if len(turns) <= 1 + self.keep_last:
            return list(messages)
        if estimate_tokens(messages, tools, self.chars_per_token) <= self.trigger * self.context_window:
            return list(messages)
        dropped = {i for start, end in turns[1 : len(turns) - self.keep_last] for i in range(start, end)}
        return [m for i, m in enumerate(messages) if i not in dropped]
