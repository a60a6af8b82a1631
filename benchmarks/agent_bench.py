"""Agent-loop overhead per turn, without a model or real tools.

Run: ``.venv/bin/python benchmarks/agent_bench.py``. A stand-in backend returns a prepared response at once
(each turn: 1 or 16 tool calls to a no-op tool), so what is timed is the loop's own work per turn: context
policy (estimating the rendered prompt), request building, validating and invoking each call (a thread pool
for parallel calls), and recording results. Figures are the best of 5 runs of 20 turns, in microseconds per
turn, for the default policy (KeepFirstAndLast, which renders the prompt to estimate tokens) and for
KeepEverything.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from minimax_sdk import ChatRequest, MiniMax, StreamEvent
from minimax_sdk.agent import KeepEverything, KeepFirstAndLast, Limits
from minimax_sdk.messages import AssistantMessage, ChatResponse, Usage
from minimax_sdk.parsing import ReasoningBlock, ToolCall

TURNS = 20


def lookup(key: str, limit: int = 10) -> str:
    """A no-op tool.

    Args:
        key: What to look up.
        limit: How many results.
    """
    return key


class StandInBackend:
    """Answers every request at once with ``calls`` tool calls (the loop stops at max_turns)."""

    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.n = 0

    def chat(self, request: ChatRequest) -> ChatResponse:
        self.n += 1
        blocks: list[Any] = [ReasoningBlock(f"Turn {self.n}: look up {self.calls} keys. " * 5)]
        blocks += [ToolCall(f"call_{self.n}_{i}", "lookup", {"key": f"k{i}", "limit": 5}) for i in range(self.calls)]
        return ChatResponse(AssistantMessage(tuple(blocks), "reasoning_content", "openai"), Usage(100, 50, 150))

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        raise NotImplementedError("the benchmark calls chat only")

    def close(self) -> None:
        pass


def transcript(prior: int) -> list[dict[str, str]]:
    """A conversation of ``prior`` earlier messages (user and assistant in turn), then the user's request."""
    earlier = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"Message {i}: " + "some earlier words " * 10}
        for i in range(prior)
    ]
    return [*earlier, {"role": "user", "content": "go"}]


def per_turn_samples(calls: int, policy: Any, prior: int = 0, runs: int = 5, turns: int = TURNS) -> list[float]:
    """Microseconds per turn of ``runs`` runs of ``turns`` turns, each from a transcript of ``prior`` messages."""
    messages = transcript(prior)
    samples = []
    for _ in range(runs):
        client = MiniMax(backend=StandInBackend(calls), model="m")
        start = time.perf_counter()
        result = client.run(
            messages,
            tools=[lookup],
            limits=Limits(max_turns=turns, max_tool_calls=10_000),
            context_policy=policy,
        )
        elapsed = time.perf_counter() - start
        assert result.stop_reason == "max_turns"
        assert result.tool_calls == turns * calls
        assert all(m.content == f"k{i % calls}" for i, m in enumerate(r for r in result.messages if r.role == "tool"))
        samples.append(elapsed / turns * 1e6)
    return samples


def per_turn(calls: int, policy: Any) -> float:
    return min(per_turn_samples(calls, policy))


def main() -> None:
    print(f"agent-loop overhead, microseconds per turn (best of 5 runs of {TURNS} turns)")
    print(f"{'calls per turn':>15} {'KeepFirstAndLast':>18} {'KeepEverything':>16}")
    for calls in (1, 16):
        a = per_turn(calls, KeepFirstAndLast())
        b = per_turn(calls, KeepEverything())
        print(f"{calls:>15} {a:>18,.0f} {b:>16,.0f}")


if __name__ == "__main__":
    main()
