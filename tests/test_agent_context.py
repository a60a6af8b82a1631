"""The default context policy measures each message once, and decides exactly as a full render would."""

from __future__ import annotations

import copy
import math
import pickle
import random
from collections.abc import Sequence
from typing import Any

import pytest

from minimax_sdk import AssistantMessage, SystemMessage, TemplateError, ToolMessage, UserMessage, render_conversation
from minimax_sdk.agent import KeepFirstAndLast, estimate_tokens
from minimax_sdk.messages import Message
from minimax_sdk.parsing import ToolCall
from minimax_sdk.template import RenderedLength, tools_block_length

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look a key up.",
            "parameters": {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]},
        },
    }
]


def _text(rng: random.Random) -> str:
    words = ["alpha", "béta", "<think>", "</think>", "\n", "]~b]", "x" * rng.randint(0, 400), "工具", ""]
    return " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))


def _assistant(rng: random.Random, n: int) -> AssistantMessage:
    calls = [
        {"name": "lookup", "arguments": {"key": _text(rng), "n": rng.randint(0, 99)}} for _ in range(rng.randint(0, 3))
    ]
    reasoning = _text(rng) if rng.random() < 0.7 else ""
    return AssistantMessage.build(_text(rng), reasoning=reasoning, tool_calls=calls)


def _transcript(rng: random.Random) -> list[Message]:
    """A run-like transcript: system or not, users, assistant turns with their results, stray system turns."""
    out: list[Message] = []
    if rng.random() < 0.6:
        out.append(SystemMessage(_text(rng) if rng.random() < 0.8 else ""))
    out.append(UserMessage(_text(rng)))
    for n in range(rng.randint(0, 30)):
        message = _assistant(rng, n)
        out.append(message)
        out += [ToolMessage(c.id, _text(rng), c.name) for c in message.tool_calls]
        roll = rng.random()
        if roll < 0.1:
            out.append(UserMessage(_text(rng)))
        elif roll < 0.13:
            out.append(SystemMessage(_text(rng)))
        elif roll < 0.16:
            out.append(UserMessage(({"type": "text", "text": _text(rng)}, {"type": "image_url"})))
    return out


def _full_length(messages: Sequence[Message], tools: Sequence[Any] | None) -> int:
    return len(render_conversation(messages, tools, add_generation_prompt=True))


@pytest.mark.parametrize("seed", range(40))
def test_the_running_length_is_the_rendered_length_at_every_step(seed: int) -> None:
    rng = random.Random(seed)
    messages = _transcript(rng)
    tools = TOOLS if seed % 2 else None
    running = RenderedLength()
    assert running.total + tools_block_length(tools) == _full_length([], tools)
    for i, message in enumerate(messages):
        running.add(message)
        assert running.total + tools_block_length(tools) == _full_length(messages[: i + 1], tools)


@pytest.mark.parametrize("seed", range(40))
def test_keep_first_and_last_decides_as_a_full_render_does(seed: int) -> None:
    rng = random.Random(1000 + seed)
    messages = _transcript(rng)
    tools = TOOLS if seed % 3 else None
    total = math.ceil(_full_length(messages, tools) / 3.5)
    # windows that put the trigger below, around and above the transcript's final size
    for window in (max(1, total // 3), total // 2 + 1, total * 3 + 1, 204_800):
        for keep_last in (0, 1, 5):
            policy = KeepFirstAndLast(context_window=window, trigger=0.5, keep_last=keep_last)
            for end in range(len(messages) + 1):  # the run's growing transcript, one policy for the run
                prefix = messages[:end]
                assert policy.apply(prefix, tools) == policy._apply_in_full(prefix, tools), (window, keep_last, end)


def test_a_transcript_that_changes_under_the_policy_is_measured_again() -> None:
    rng = random.Random(7)
    policy = KeepFirstAndLast(context_window=2_000, trigger=0.5, keep_last=1)
    transcripts = [_transcript(rng) for _ in range(6)]
    for messages in transcripts * 2 + [transcripts[0][:-3], list(reversed(transcripts[1]))[1:]]:
        try:
            expected: Any = policy._apply_in_full(messages, TOOLS)
        except TemplateError as exc:
            expected = str(exc)
        try:
            got: Any = policy.apply(messages, TOOLS)
        except TemplateError as exc:
            got = str(exc)
        assert got == expected
    policy.apply(transcripts[0], TOOLS)
    other_tools = copy.deepcopy(TOOLS)
    other_tools[0]["function"]["description"] = "A much longer description. " * 500
    assert policy.apply(transcripts[0], other_tools) == policy._apply_in_full(transcripts[0], other_tools)


def _broken_run(turns: int) -> list[Message]:
    """A tool result right after a user message (no call before it): the template cannot render that."""
    out: list[Message] = [UserMessage("hi"), ToolMessage("call_x", "orphan")]
    for n in range(turns):
        out.append(AssistantMessage.build("", tool_calls=[ToolCall(f"c{n}", "lookup", {"key": "k"})]))
        out.append(ToolMessage(f"c{n}", "ok", "lookup"))
    return out


def test_an_unrenderable_transcript_fails_only_where_it_failed_before() -> None:
    policy = KeepFirstAndLast(context_window=10, trigger=0.5, keep_last=2)
    short = _broken_run(3)  # too few turns to need an estimate: nothing is rendered
    assert policy.apply(short, TOOLS) == short
    with pytest.raises(TemplateError, match=r"messages\[1\] \(tool\)"):
        policy.apply(_broken_run(6), TOOLS)
    with pytest.raises(TemplateError, match=r"messages\[1\] \(tool\)"):
        estimate_tokens(_broken_run(6), TOOLS)


def test_mappings_in_the_transcript_are_measured_in_full() -> None:
    rng = random.Random(3)
    messages: list[Any] = [m.to_dict() if isinstance(m, UserMessage) else m for m in _transcript(rng)]
    policy = KeepFirstAndLast(context_window=500, trigger=0.5, keep_last=1)
    for end in range(len(messages) + 1):
        assert policy.apply(messages[:end], TOOLS) == policy._apply_in_full(messages[:end], TOOLS)


def test_the_memory_is_not_part_of_the_policy_value() -> None:
    policy = KeepFirstAndLast(trigger=0.5)
    policy.apply(_transcript(random.Random(1)), TOOLS)
    assert policy == KeepFirstAndLast(trigger=0.5)
    assert hash(policy) == hash(KeepFirstAndLast(trigger=0.5))
    assert repr(policy) == repr(KeepFirstAndLast(trigger=0.5))
    restored = pickle.loads(pickle.dumps(policy))
    assert restored == policy
    assert copy.deepcopy(policy) == policy
    messages = _transcript(random.Random(2))
    assert restored.apply(messages, TOOLS) == restored._apply_in_full(messages, TOOLS)


def test_estimate_tokens_is_the_rendered_length_over_chars_per_token() -> None:
    messages = _transcript(random.Random(5))
    assert estimate_tokens(messages, TOOLS) == math.ceil(_full_length(messages, TOOLS) / 3.5)
    assert estimate_tokens(messages, TOOLS, chars_per_token=1.0) == _full_length(messages, TOOLS)


@pytest.mark.parametrize("seed", range(10))
def test_the_trigger_is_exact_to_the_token(seed: int) -> None:
    messages = _transcript(random.Random(2000 + seed))
    while sum(isinstance(m, AssistantMessage) for m in messages) < 3:
        messages += [_assistant(random.Random(seed), 0), UserMessage("more")]
    tokens = estimate_tokens(messages, TOOLS)
    at_limit = KeepFirstAndLast(context_window=tokens, trigger=1.0, keep_last=1)
    assert at_limit.apply(messages, TOOLS) == messages  # exactly at the trigger: nothing dropped
    over = KeepFirstAndLast(context_window=tokens - 1, trigger=1.0, keep_last=1)
    kept = over.apply(messages, TOOLS)
    assert len(kept) < len(messages)
    assert kept == over._apply_in_full(messages, TOOLS)
