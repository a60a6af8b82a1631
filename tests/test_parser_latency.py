"""When events arrive (issue 11, item 15; FORMAT.md 3.4, 3.10 and 4).

The other streaming tests compare what a stream adds up to; these check *when*: after every delta, each
character of reasoning, content and string argument values has been emitted unless it may still turn out
to belong to a tag. What may be held back is worked out here from the specification, independently of
the parser: a newline that may belong to the next tag, the start of a tag, and in a value a
``</parameter>`` with the whitespace after it and the start of the tag that would follow it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from minimax_sdk.parsing import ContentDelta, ReasoningDelta, StreamParser, ToolCallArgumentsDelta, parse_output

TEXT_TAGS = ("<think>", "</think>", "<minimax:tool_call>")


def _alternatives(prefixes: set[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))


def _proper_prefixes(*tags: str) -> set[str]:
    return {tag[:k] for tag in tags for k in range(len(tag))}


# Text: an optional newline (\n, \r\n, or a \r that may become one) and the start of a text tag.
_TEXT_HELD = re.compile(f"(?:\\r\\n|\\n|\\r)?(?:{_alternatives(_proper_prefixes(*TEXT_TAGS))})")
# A value: the start of </parameter>, or all of it, whitespace, and the start of what would follow it.
_FOLLOWERS = _alternatives(_proper_prefixes("<parameter name=", "</invoke>"))
_VALUE_HELD = re.compile(
    f"(?:{_alternatives(_proper_prefixes('</parameter>') - {''})})|</parameter>\\s*(?:{_FOLLOWERS})"
)


def may_hold(fed: str, pattern: re.Pattern[str]) -> int:
    """The length of the longest suffix of ``fed`` that ``pattern`` matches whole: what may wait."""
    return max((len(fed) - k for k in range(len(fed) + 1) if pattern.fullmatch(fed, k)), default=0)


TEXT_PIECES = st.sampled_from(
    ["a", " ", "\n", "\r", "\r\n", "<", "</", "</thi", "<thin", "<minimax:tool_ca", "é", "<x>"]
)
VALUE_PIECES = st.sampled_from(
    [
        *("a", " ", "\n", "\r\n", "<", "</", "</para", "</parameter>", "</parameter>\n", "</parameter> ", "é"),
        *("<parameter name", "</invoke", "<invoke name=", "</minimax:tool_call>"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(text=st.lists(TEXT_PIECES, max_size=30).map("".join), in_reasoning=st.booleans())
def test_reasoning_and_content_are_emitted_as_soon_as_they_are_settled(text: str, in_reasoning: bool) -> None:
    whole = parse_output(text, in_reasoning=in_reasoning)
    assert (whole.reasoning if in_reasoning else whole.content) == text  # no tag can form from these pieces
    parser = StreamParser(in_reasoning=in_reasoning)
    emitted = ""
    for i in range(len(text)):
        for ev in parser.feed(text[i]):
            assert isinstance(ev, ReasoningDelta if in_reasoning else ContentDelta)
            emitted += ev.text
        fed = text[: i + 1]
        assert fed.startswith(emitted)
        assert len(emitted) >= len(fed) - may_hold(fed, _TEXT_HELD), f"held back too long after {fed!r}"


def _value_so_far(arguments_json: str) -> str:
    """The string value streamed so far, from the argument deltas of a one-parameter call."""
    opening = '{"s": "'
    assert arguments_json.startswith(opening) or opening.startswith(arguments_json)
    escaped = arguments_json[len(opening) :]
    value: Any = json.loads('"' + escaped + '"')
    assert isinstance(value, str)
    return value


@settings(max_examples=200, deadline=None)
@given(value=st.lists(VALUE_PIECES, max_size=25).map("".join))
def test_string_argument_is_emitted_as_soon_as_it_is_settled(value: str) -> None:
    tools = [{"name": "f", "parameters": {"type": "object", "properties": {"s": {"type": "string"}}}}]
    head = '<minimax:tool_call>\n<invoke name="f">\n<parameter name="s">'
    text = head + value + "</parameter>\n</invoke>\n</minimax:tool_call>"
    whole = parse_output(text, tools)
    assert [c.arguments for c in whole.tool_calls] == [{"s": value}]  # no piece can close the value early
    parser = StreamParser(tools)
    arguments = ""
    for i in range(len(head) + len(value)):
        arguments += "".join(ev.delta for ev in parser.feed(text[i]) if isinstance(ev, ToolCallArgumentsDelta))
        fed = value[: max(0, i + 1 - len(head))]
        if not fed:
            continue
        streamed = _value_so_far(arguments)
        assert fed.startswith(streamed)
        assert len(streamed) >= len(fed) - may_hold(fed, _VALUE_HELD), f"held back too long after {fed!r}"


def test_a_parser_that_holds_everything_until_close_fails_these_checks() -> None:
    """The oracle itself: text with nothing ambiguous in it may not be held at all."""
    assert may_hold("abc", _TEXT_HELD) == 0
    assert may_hold("ab\n</thi", _TEXT_HELD) == 6
    assert may_hold("ab\r", _TEXT_HELD) == 1
    assert may_hold("x</parameter>  \n<para", _VALUE_HELD) == len("</parameter>  \n<para")
    assert may_hold("x</parameter>  y", _VALUE_HELD) == 0
    assert may_hold("x</par", _VALUE_HELD) == 5
