"""Which way of asking for a typed answer works on M2.1-format turns: measured on the reference server.

Run: ``.venv/bin/python benchmarks/typed_output_paths.py``. For every dialect of the reference server (the
MiniMax platform's ``reasoning_details`` and inline ``<think>``, vLLM / SGLang split and append-think parsers,
raw completions with XML tool calls, NVIDIA), blocking and streamed, it runs ``client.run(...,
output_type=Trip)`` (a nested pydantic model) on scripted turns where the model first calls a tool, then
answers in one of four ways:

- ``tool``: calls ``final_answer`` with valid arguments;
- ``tool, fixed``: calls it with an invalid nested field, reads the problems, calls it again;
- ``json text``: answers with the JSON object as its whole reply;
- ``prose, fixed``: answers in prose, is told to call ``final_answer``, does.

For each run it checks: the typed output, the user's tool ran, every earlier turn's reasoning was sent back on
the last request, and no request carried ``response_format`` or ``tool_choice``. It also prints what the
``final_answer`` definition adds to each prompt (the M2 chat template rendered with and without it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from minimax_sdk import MiniMax
from minimax_sdk.agent import RunDoneEvent, RunResult
from minimax_sdk.agent._output import output_tool
from minimax_sdk.messages import AssistantMessage, UserMessage
from minimax_sdk.template import render_conversation
from minimax_sdk.testing import DIALECTS, ReferenceServer, Turn
from minimax_sdk.tools import Tool

BACKEND = {name: dialect.backend for name, dialect in DIALECTS.items()}


class Address(BaseModel):
    city: str
    country: str = Field(min_length=2, max_length=2)


class Trip(BaseModel):
    """A trip plan."""

    destination: Address
    days: int = Field(ge=1)


def get_weather(city: str) -> str:
    """Forecast for a city."""
    return f"{city}: sunny"


VALID = {"destination": {"city": "Paris", "country": "FR"}, "days": 3}
INVALID = {"destination": {"city": "Paris", "country": "France"}, "days": 3}


def _answer(arguments: dict[str, Any], reasoning: str) -> Turn:
    return Turn(reasoning=reasoning, tool_calls=[{"name": "final_answer", "arguments": arguments}])


SCENARIOS: dict[str, list[Turn]] = {
    "tool": [_answer(VALID, "R2")],
    "tool, fixed": [_answer(INVALID, "R2"), _answer(VALID, "R3")],
    "json text": [Turn(reasoning="R2", content='{"destination": {"city": "Paris", "country": "FR"}, "days": 3}')],
    "prose, fixed": [Turn(reasoning="R2", content="Three days in Paris."), _answer(VALID, "R3")],
}


def run_one(dialect: str, scenario: str, streaming: bool) -> tuple[bool, int]:
    """Whether every check held, and the number of model calls."""
    first = Turn(reasoning="R1", tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}])
    with ReferenceServer(dialect=dialect) as server:
        server.script(first, *SCENARIOS[scenario])
        with MiniMax(backend=BACKEND[dialect], base_url=server.base_url, api_key="demo") as client:
            user = [{"role": "user", "content": "Plan three days in Paris."}]
            if streaming:
                done = list(client.run_stream(user, tools=[get_weather], output_type=Trip))[-1]
                assert isinstance(done, RunDoneEvent)
                result: RunResult[Any] = done.result
            else:
                result = client.run(user, tools=[get_weather], output_type=Trip)
        requests = [r.json or {} for r in server.requests]
    last = requests[-1]["messages"]
    reasoning = [m.reasoning for m in result.messages if isinstance(m, AssistantMessage)]
    sent_back = all(r in str(last) for r in reasoning[:-1])
    plain = all("response_format" not in r and "tool_choice" not in r for r in requests)
    ok = (
        result.stop_reason == "completed"
        and result.output == Trip.model_validate(VALID)
        and "Paris: sunny" in str(result.messages)
        and sent_back
        and plain
    )
    return ok, result.turns


def prompt_cost() -> tuple[int, int]:
    """Characters the ``final_answer`` definition adds to the rendered M2 prompt, and the prompt without it."""
    messages = [UserMessage("Plan three days in Paris.")]
    weather = Tool.from_function(get_weather).definition
    without = render_conversation(messages, [weather], add_generation_prompt=True)
    with_answer = render_conversation(messages, [weather, output_tool(Trip).definition], add_generation_prompt=True)
    return len(with_answer) - len(without), len(without)


def main() -> None:
    print("| dialect | " + " | ".join(SCENARIOS) + " |")
    print("|---|" + "---|" * len(SCENARIOS))
    failures = 0
    for dialect in BACKEND:
        cells = []
        for scenario in SCENARIOS:
            runs = [run_one(dialect, scenario, streaming) for streaming in (False, True)]
            failures += sum(not ok for ok, _ in runs)
            cells.append(f"{'ok' if all(ok for ok, _ in runs) else 'FAILED'} ({runs[0][1]} calls)")
        print(f"| `{dialect}` | " + " | ".join(cells) + " |")
    added, base = prompt_cost()
    print(
        f"\nfinal_answer definition for Trip: +{added} characters of rendered prompt (about {added / 3.5:.0f} tokens)"
    )
    print(f"on a {base}-character prompt with one tool")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
