"""A typed final answer: the agent calls a tool, then answers with a nested pydantic model.

    python examples/typed_output.py              # the backend from MINIMAX_* env vars / minimax.toml
    python examples/typed_output.py --demo       # a scripted reference server on 127.0.0.1 (no key needed)

``client.run(..., output_type=Itinerary)`` offers a ``final_answer`` tool beside the others; its arguments are
validated into an ``Itinerary``, and an invalid answer goes back to the model with the problems (the demo's
model gets the country code wrong once).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from pydantic import BaseModel, Field

from minimax_sdk import Limits, MiniMax, RunDoneEvent, RunResult, ToolEndEvent, ToolStartEvent, tool


class Place(BaseModel):
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. FR", min_length=2, max_length=2)


class Day(BaseModel):
    place: Place
    plan: str = Field(description="What to do that day, one sentence.")


class Itinerary(BaseModel):
    """A day-by-day travel plan."""

    days: list[Day] = Field(min_length=1)
    pack_umbrella: bool


@tool
def get_weather(city: str, days: int = 1) -> dict[str, object]:
    """Get the weather forecast for a city.

    Args:
        city: City name, in English.
        days: How many days ahead (1-7).
    """
    return {"city": city, "days": days, "forecast": ["rain", "sun"][:days]}


def _day(city: str, country: str, plan: str) -> dict[str, object]:
    return {"place": {"city": city, "country": country}, "plan": plan}


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax() as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    first_try = [_day("Lyon", "France", "Old town and the traboules."), _day("Lyon", "FR", "Fourvière hill.")]
    fixed = [_day("Lyon", "FR", "Old town and the traboules."), _day("Lyon", "FR", "Fourvière hill.")]
    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="I need the forecast before planning.",
                tool_calls=[{"name": "get_weather", "arguments": {"city": "Lyon", "days": 2}}],
            ),
            Turn(
                reasoning="Rain on day one: indoor plans first. Answer with final_answer.",
                tool_calls=[{"name": "final_answer", "arguments": {"days": first_try, "pack_umbrella": True}}],
            ),
            Turn(
                reasoning="The country must be a two-letter code.",
                tool_calls=[{"name": "final_answer", "arguments": {"days": fixed, "pack_umbrella": True}}],
            ),
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()
    question = "Plan two days in Lyon for me, starting tomorrow."
    result: RunResult[Itinerary] | None = None
    with client_for(args.demo) as client:
        for event in client.run_stream(
            [{"role": "user", "content": question}],
            tools=[get_weather],
            output_type=Itinerary,
            limits=Limits(max_turns=8, max_output_retries=2),
        ):
            if isinstance(event, ToolStartEvent):
                print(f"-> {event.name}")
            elif isinstance(event, ToolEndEvent) and event.result.is_error:
                problems = [line for line in event.result.text.splitlines() if line.startswith("- ")]
                print("<- sent back: " + "; ".join(problems))
            elif isinstance(event, ToolEndEvent):
                print(f"<- {event.result.text[:80]}")
            elif isinstance(event, RunDoneEvent):
                result = event.result  # client.run(...) returns it directly, typed RunResult[Itinerary]
    assert result is not None
    print(f"stop: {result.stop_reason}, turns: {result.turns}")
    itinerary = result.output
    if itinerary is None:
        print(f"no valid answer: {result.detail}")
        raise SystemExit(1)
    for number, day in enumerate(itinerary.days, 1):
        print(f"day {number}: {day.place.city} ({day.place.country}): {day.plan}")
    print(f"umbrella: {'yes' if itinerary.pack_umbrella else 'no'}")


if __name__ == "__main__":
    main()
