"""Context management for long runs: what of the transcript is sent to the model each turn.

A policy sees the whole transcript and returns the messages to send; the transcript itself is never
changed (``RunResult.messages`` is always complete). The default, :class:`KeepFirstAndLast`, follows what
MiniMax reported for BrowseComp: once the prompt passes a share of the context window, keep the first
assistant turn and the last five, dropping the turns in between. A turn is an assistant message together
with the tool results that answer it, so every tool result still follows its call. System and user messages
are always kept.

The policy remembers what it measured: the transcript of a run only grows, so each turn renders only the
messages added since the last one, and the decision is the one a full render would give (see
:class:`_Meter`).
"""

from __future__ import annotations

import bisect
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .._tool_spec import ToolLike
from ..messages import AssistantMessage, Message, SystemMessage, ToolMessage, UserMessage

if TYPE_CHECKING:  # the template (and its prompt guard's regexes) load when a prompt is first measured
    from ..template import RenderedLength

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
    from ..template import render_conversation

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


_SDK_MESSAGES = (SystemMessage, UserMessage, AssistantMessage, ToolMessage)


class _Meter:
    """What a policy measured of the transcript it saw last: the messages, the rendered prompt's length and
    the assistant turns, so that the next call only measures the messages added since.

    The messages seen before must still be there, the same objects, at the same places (checked on every
    call, a list comparison); otherwise measuring starts over. Only the SDK's message types (frozen) are
    measured this way; a transcript holding anything else, or a message the template cannot render, is left
    to the full computation. The tools block is measured again when the tools are other objects; a tool
    definition changed in place, or a tool call's arguments changed in place after the call was recorded,
    is not noticed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._seen: list[Message] = []
        from ..template import RenderedLength

        self._length: RenderedLength = RenderedLength()
        self._turns: list[list[int]] = []  # [start, end] of each assistant turn, as ``_turns`` gives them
        self._loose: list[int] = []  # indices of the messages in no turn (always kept), in order
        self._tools: tuple[Any, ...] | None = None
        self._tools_length = 0

    def __reduce__(self) -> tuple[Any, ...]:  # a copied or pickled policy starts with an empty memory
        return (_Meter, ())

    def measure(
        self, messages: Sequence[Message], tools: Sequence[ToolLike] | None
    ) -> tuple[int, list[list[int]], list[int]] | None:
        """The prompt's length, the turns of ``messages`` and the indices of the messages in no turn, or
        ``None`` when they cannot be measured here."""
        from ..template import TemplateError

        with self._lock:
            try:
                return self._measure(messages, tools)
            except TemplateError:
                return None

    def _measure(
        self, messages: Sequence[Message], tools: Sequence[ToolLike] | None
    ) -> tuple[int, list[list[int]], list[int]] | None:
        seen = len(self._seen)
        if len(messages) < seen or list(messages[:seen]) != self._seen:
            self._reset()
            seen = 0
        for message in messages[seen:]:
            if not isinstance(message, _SDK_MESSAGES):
                return None
            self._length.add(message)
            index = len(self._seen)
            self._seen.append(message)
            if isinstance(message, AssistantMessage):
                self._turns.append([index, index + 1])
            elif isinstance(message, ToolMessage) and self._turns and self._turns[-1][1] == index:
                self._turns[-1][1] = index + 1
            else:
                self._loose.append(index)
        key = tuple(tools) if tools else ()
        if self._tools is None or not _same_objects(key, self._tools):
            from ..template import tools_block_length

            self._tools_length = tools_block_length(tools)
            self._tools = key
        return self._length.total + self._tools_length, self._turns, self._loose


def _same_objects(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


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
        measured = self._meter().measure(messages, tools)
        if measured is None:
            return self._apply_in_full(messages, tools)
        length, turns, loose = measured
        if len(turns) <= 1 + self.keep_last:
            return list(messages)
        if math.ceil(length / self.chars_per_token) <= self.trigger * self.context_window:
            return list(messages)
        # what is kept: up to the second turn, the messages in no turn between the dropped turns (the dropped
        # turns are consecutive: whatever lies between them is in no turn), the last turns onwards
        start, end = turns[1][0], turns[len(turns) - self.keep_last - 1][1]
        between = loose[bisect.bisect_left(loose, start) : bisect.bisect_left(loose, end)]
        return [*messages[:start], *(messages[i] for i in between), *messages[end:]]

    def _apply_in_full(self, messages: Sequence[Message], tools: Sequence[ToolLike] | None) -> list[Message]:
        """The policy computed from scratch: a full render of the prompt (any transcript)."""
        turns = _turns(messages)
        if len(turns) <= 1 + self.keep_last:
            return list(messages)
        if estimate_tokens(messages, tools, self.chars_per_token) <= self.trigger * self.context_window:
            return list(messages)
        dropped = {i for start, end in turns[1 : len(turns) - self.keep_last] for i in range(start, end)}
        return [m for i, m in enumerate(messages) if i not in dropped]

    def _meter(self) -> _Meter:
        """This policy's memory of the last transcript (kept out of the dataclass fields: not compared, not
        shown, not copied)."""
        meter: _Meter | None = self.__dict__.get("_memory")
        if meter is None:
            meter = _Meter()
            object.__setattr__(self, "_memory", meter)
        return meter
