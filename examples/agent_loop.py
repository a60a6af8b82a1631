"""An agent loop with two tools, run against any backend.

    python examples/agent_loop.py              # the backend from MINIMAX_* env vars / minimax.toml
    python examples/agent_loop.py --demo       # a scripted reference server on 127.0.0.1 (no key needed)

It prints each step as it happens (run_stream), then the final answer, the stop reason and token usage.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from minimax_sdk import (
    ContentDelta,
    Limits,
    MiniMax,
    RunDoneEvent,
    ToolEndEvent,
    ToolStartEvent,
    TurnStartEvent,
    tool,
)


@tool
def get_weather(city: str, days: int = 1) -> dict[str, object]:
    """Get the weather forecast for a city.

    Args:
        city: City name, in English.
        days: How many days ahead (1-7).
    """
    return {"city": city, "days": days, "forecast": "sunny", "high_c": 21}


@tool
def convert_temperature(celsius: float) -> float:
    """Convert a temperature from Celsius to Fahrenheit.

    Args:
        celsius: The temperature in degrees Celsius.
    """
    return round(celsius * 9 / 5 + 32, 1)


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax() as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="I need the forecast for both cities; call the tool twice in parallel.",
                content="Checking both cities.",
                tool_calls=[
                    {"name": "get_weather", "arguments": {"city": "Paris", "days": 2}},
                    {"name": "get_weather", "arguments": {"city": "Tokyo", "days": 2}},
                ],
            ),
            Turn(
                reasoning="Both sunny at 21 C; the user wants Fahrenheit.",
                tool_calls=[{"name": "convert_temperature", "arguments": {"celsius": 21}}],
            ),
            Turn(reasoning="69.8 F.", content="Paris and Tokyo: sunny, highs of 21 °C (69.8 °F)."),
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()
    question = "What's the weather in Paris and Tokyo for the next two days, in Fahrenheit?"
    with client_for(args.demo) as client:
        for event in client.run_stream(
            [{"role": "user", "content": question}],
            tools=[get_weather, convert_temperature],
            limits=Limits(max_turns=8),
        ):
            if isinstance(event, TurnStartEvent):
                print(f"\n--- turn {event.turn}")
            elif isinstance(event, ContentDelta):
                print(event.text, end="", flush=True)
            elif isinstance(event, ToolStartEvent):
                print(f"\n  -> {event.name}({event.arguments})")
            elif isinstance(event, ToolEndEvent):
                print(f"  <- {event.result.text}")
            elif isinstance(event, RunDoneEvent):
                result = event.result
                print(f"\n\nanswer: {result.final_answer}")
                print(f"stop: {result.stop_reason}, turns: {result.turns}, tool calls: {result.tool_calls}")
                print(f"tokens: {result.usage.prompt_tokens} in, {result.usage.completion_tokens} out")


if __name__ == "__main__":
    main()
