"""The parser's public entry points: :func:`parse_output` and :class:`StreamParser`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .._tool_spec import ToolLike
from . import _tags as t
from ._machine import Machine, tool_schemas
from .types import ParsedOutput


def starts_in_reasoning(text: str) -> bool:
    """Whether ``text`` reads as a raw completion that began inside ``<think>`` (FORMAT.md 2 and 5.6).

    True when a ``</think>`` comes before any ``<think>``, looking only before the first tool-call block.
    """
    return _opens_with_think_close(text, t.find_text_tag(text, 0))


def _opens_with_think_close(text: str, first_tag: int) -> bool:
    """Whether the first text tag, at ``first_tag`` (-1: none), is ``</think>``: the test above, in one scan."""
    return first_tag >= 0 and text.startswith(t.THINK_CLOSE, first_tag)


def parse_output(
    text: str,
    tools: Iterable[ToolLike] | None = None,
    *,
    in_reasoning: bool | None = None,
    id_factory: Callable[[], str] | None = None,
) -> ParsedOutput:
    """Parse one whole assistant output into reasoning, content and tool calls. Never raises on any text.

    ``tools`` are OpenAI-style tool dicts, bare function dicts, or objects with a ``.definition`` (the SDK's
    ``Tool``); their schemas type the arguments. ``None`` means no checking; ``[]`` makes every name unknown.
    ``in_reasoning``: True for raw completions of a prompt that ended inside ``<think>``, False for content
    that may hold explicit ``<think>…</think>``, None to decide from the text.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_output() needs a str, got {type(text).__name__}")
    first_tag = t.find_text_tag(text, 0)
    if in_reasoning is None:
        in_reasoning = _opens_with_think_close(text, first_tag)
    machine = Machine(tool_schemas(tools), in_reasoning=in_reasoning, events=False, id_factory=id_factory)
    machine.parse_all(text, first_tag)
    return machine.snapshot()


class StreamParser(Machine):
    """Parse an assistant output delta by delta, with the same result as :func:`parse_output`.

    ``feed(delta)`` returns the events the new text settles; ``close()`` ends the output and returns the
    last ones; ``result`` is the :class:`ParsedOutput` (final after ``close()``). Text that may still turn out
    to be a tag is held back, never more than the ambiguous tag and the whitespace after it.
    ``in_reasoning=True`` for raw completions of a prompt that ended inside ``<think>`` (M2 / M2.1 servers
    without a reasoning parser).
    """

    def __init__(
        self,
        tools: Iterable[ToolLike] | None = None,
        *,
        in_reasoning: bool = False,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(tool_schemas(tools), in_reasoning=in_reasoning, events=True, id_factory=id_factory)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def result(self) -> ParsedOutput:
        """The blocks parsed so far; the final result once :meth:`close` was called."""
        return self.snapshot()
