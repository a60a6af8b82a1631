"""Shared helpers for the parser tests: parse a text whole and streamed, and check they agree."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from minimax_sdk.parsing import (
    ContentDelta,
    Event,
    InvalidToolCallEvent,
    ParsedOutput,
    ReasoningDelta,
    StreamParser,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    parse_output,
)


def counter_ids() -> Callable[[], str]:
    """Deterministic call ids, so whole-text and streamed results compare equal."""
    counter = itertools.count()
    return lambda: f"call_{next(counter):024x}"


def cut(text: str, sizes: Sequence[int]) -> list[str]:
    """``text`` cut into pieces whose sizes cycle through ``sizes``."""
    pieces, i, k = [], 0, 0
    while i < len(text):
        size = max(1, sizes[k % len(sizes)])
        pieces.append(text[i : i + size])
        i += size
        k += 1
    return pieces


@dataclass
class Replay:
    """What a consumer rebuilds from the events of one stream."""

    reasoning: str = ""
    content: str = ""
    starts: dict[int, tuple[str, str]] = field(default_factory=dict)
    argument_json: dict[int, str] = field(default_factory=dict)
    ends: dict[int, dict[str, Any]] = field(default_factory=dict)
    invalid: dict[int, tuple[str, str]] = field(default_factory=dict)


def replay(events: Iterable[Event]) -> Replay:
    out = Replay()
    for ev in events:
        if isinstance(ev, ReasoningDelta):
            assert ev.text, "empty reasoning delta"
            out.reasoning += ev.text
        elif isinstance(ev, ContentDelta):
            assert ev.text, "empty content delta"
            out.content += ev.text
        elif isinstance(ev, ToolCallStart):
            assert ev.index not in out.starts, "a call started twice"
            out.starts[ev.index] = (ev.id, ev.name)
            out.argument_json[ev.index] = ""
        elif isinstance(ev, ToolCallArgumentsDelta):
            assert ev.index in out.starts, "argument delta before its start"
            out.argument_json[ev.index] += ev.delta
        elif isinstance(ev, ToolCallEnd):
            assert ev.index in out.starts, "end without start"
            out.ends[ev.index] = ev.arguments
        elif isinstance(ev, InvalidToolCallEvent):
            out.invalid[ev.index] = (ev.raw, ev.reason)
    return out


def stream(
    pieces: Iterable[str],
    tools: Any = None,
    *,
    in_reasoning: bool = False,
) -> tuple[list[Event], ParsedOutput]:
    parser = StreamParser(tools, in_reasoning=in_reasoning, id_factory=counter_ids())
    events: list[Event] = []
    for piece in pieces:
        events.extend(parser.feed(piece))
    events.extend(parser.close())
    return events, parser.result


def check_stream_matches(text: str, whole: ParsedOutput, events: list[Event], result: ParsedOutput) -> None:
    """FORMAT.md rule 10: same blocks, same text, argument JSON equal to the final arguments."""
    assert result == whole
    rep = replay(events)
    assert rep.reasoning == whole.reasoning
    assert rep.content == whole.content
    valid = {c.id: c for c in whole.tool_calls}
    for index, (call_id, name) in rep.starts.items():
        if index in rep.invalid:
            continue
        call = valid[call_id]
        assert call.name == name
        assert rep.ends[index] == call.arguments
        if not any("more than once" in w for w in call.warnings):
            assert rep.argument_json[index] == json.dumps(call.arguments, ensure_ascii=False)
            assert json.loads(rep.argument_json[index]) == call.arguments
    assert len(rep.ends) == len(whole.tool_calls)
    assert sorted(raw for raw, _ in rep.invalid.values()) == sorted(c.raw for c in whole.invalid_tool_calls)


CHUNKINGS: tuple[tuple[int, ...], ...] = ((1,), (2,), (3, 1, 4), (4,), (7, 2), (64,), (1_000_000,))


def parse(text: str, tools: Any = None, *, in_reasoning: bool | None = None) -> ParsedOutput:
    """``parse_output`` with deterministic ids, checked against streaming in several chunkings."""
    whole = parse_output(text, tools, in_reasoning=in_reasoning, id_factory=counter_ids())
    mode = in_reasoning if in_reasoning is not None else whole_mode(text)
    for sizes in CHUNKINGS:
        events, result = stream(cut(text, sizes), tools, in_reasoning=mode)
        check_stream_matches(text, whole, events, result)
    return whole


def whole_mode(text: str) -> bool:
    from minimax_sdk.parsing import starts_in_reasoning

    return starts_in_reasoning(text)


def tool(name: str, **props: Any) -> dict[str, Any]:
    """An OpenAI-style tool dict with the given property schemas."""
    return {
        "type": "function",
        "function": {"name": name, "description": "", "parameters": {"type": "object", "properties": props}},
    }


def call_xml(name: str, *params: tuple[str, str]) -> str:
    body = "".join(f'<parameter name="{k}">{v}</parameter>\n' for k, v in params)
    return f'<invoke name="{name}">\n{body}</invoke>\n'


def block(*invokes: str) -> str:
    return "<minimax:tool_call>\n" + "".join(invokes) + "</minimax:tool_call>"
