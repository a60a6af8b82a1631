"""Streamed ``content`` into the parser, once it is clear whether the output started inside reasoning.

A server without a reasoning parser sends the raw completion, which starts inside ``<think>`` with no
opening tag; an append-think server or MiniMax's platform send explicit ``<think>…</think>``; a server with a
split reasoning parser sends reasoning in a field and only the answer in content. With ``raw_mode="auto"``
the text is held until the first tag decides (FORMAT.md 5.6: ``</think>`` before any ``<think>`` means raw)
or a reasoning field shows the server splits. ``raw`` starts at once. ``tagged`` (what a profile expects from
a server with a reasoning parser) is decided from the text too, so a server that turns out to send raw
output (a misconfigured backend) is still read right; ``on_mismatch`` is told. A correctly configured tagged
server decides at once: its content starts with ``<think>`` or follows a reasoning field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._tool_spec import ToolLike
from .messages import RawMode
from .parsing import Event, ParsedOutput, StreamParser, starts_in_reasoning
from .parsing._tags import BLOCK_OPEN, THINK_CLOSE, THINK_OPEN

_TAGS = (THINK_CLOSE, THINK_OPEN, BLOCK_OPEN)
_OVERLAP = max(len(t) for t in _TAGS) - 1


class ContentRouter:
    """Feeds content deltas to a :class:`StreamParser` whose ``in_reasoning`` is decided from the text."""

    def __init__(
        self,
        tools: Sequence[ToolLike] | None,
        mode: RawMode,
        id_factory: Callable[[], str] | None,
        on_mismatch: Callable[[], None] | None = None,
    ) -> None:
        self._tools = tools
        self._id_factory = id_factory
        self._parser: StreamParser | None = None
        self._pending: list[str] = []
        self._tail = ""
        self._expects_tagged = mode == "tagged"
        self._on_mismatch = on_mismatch
        if mode == "raw":
            self._start(True)

    def _start(self, in_reasoning: bool) -> list[Event]:
        if in_reasoning and self._expects_tagged and self._on_mismatch is not None:
            self._on_mismatch()
        self._parser = StreamParser(self._tools, in_reasoning=in_reasoning, id_factory=self._id_factory)
        held, self._pending = "".join(self._pending), []
        return self._parser.feed(held) if held else []

    def _decision(self, text: str) -> bool | None:
        """True (raw) or False (tagged) once a tag decides; None while none has appeared."""
        window = self._tail + text
        self._tail = window[-_OVERLAP:]
        found = [(window.find(tag), tag) for tag in _TAGS]
        hits = [(i, tag) for i, tag in found if i >= 0]
        if not hits:
            return None
        return min(hits)[1] == THINK_CLOSE

    def feed(self, text: str) -> list[Event]:
        if self._parser is not None:
            return self._parser.feed(text)
        self._pending.append(text)
        decided = self._decision(text)
        return [] if decided is None else self._start(decided)

    def reasoning_field_seen(self) -> list[Event]:
        """The server splits reasoning into a field: content is the answer, tagged at most."""
        return self._start(False) if self._parser is None else []

    def close(self) -> list[Event]:
        events = self._start(starts_in_reasoning("".join(self._pending))) if self._parser is None else []
        assert self._parser is not None
        return events + self._parser.close()

    def result(self) -> ParsedOutput:
        return self._parser.result if self._parser is not None else ParsedOutput()
