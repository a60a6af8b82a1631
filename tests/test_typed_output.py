"""Typed final answers (``run(..., output_type=...)``) against the reference server: valid at once, valid after
a correction, given up after the limit; tool calls and reasoning kept in the same run; every dialect, both
answer paths (the ``final_answer`` tool and JSON text), every kind of output type, async and streamed."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from minimax_sdk import AsyncMiniMax, MiniMax, Tool
from minimax_sdk.agent import Limits, RunDoneEvent, RunResult, ToolEndEvent, ToolStartEvent, TurnStartEvent
from minimax_sdk.messages import AssistantMessage, DoneEvent, ToolMessage, UserMessage
from minimax_sdk.testing import DIALECTS, ReferenceServer, Turn


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


class Address(BaseModel):
    city: str
    country: str = Field(description="ISO 3166 code", min_length=2, max_length=2)


class Trip(BaseModel):
    """A trip plan."""

    destination: Address
    days: int = Field(ge=1)
    stops: list[Address] = []


VALID = {"destination": {"city": "Paris", "country": "FR"}, "days": 3, "stops": [{"city": "Lyon", "country": "FR"}]}
EXPECTED = Trip(destination=Address(city="Paris", country="FR"), days=3, stops=[Address(city="Lyon", country="FR")])
BAD_NESTED = {"destination": {"city": "Paris", "country": "France"}, "days": 3}  # country: 2 letters
USER = [{"role": "user", "content": "Plan a trip to Paris."}]
BACKEND = {name: dialect.backend for name, dialect in DIALECTS.items()}
ran: list[str] = []


def get_weather(city: str) -> str:
    """Forecast for a city.

    Args:
        city: City name.
    """
    ran.append(city)
    return f"{city}: sunny"


@pytest.fixture(autouse=True)
def _reset_ran() -> None:
    ran.clear()


def _call(name: str, arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments}


def _answer(arguments: Any, reasoning: str = "Answer now.") -> Turn:
    return Turn(reasoning=reasoning, tool_calls=[_call("final_answer", arguments)])


WEATHER = Turn(reasoning="Weather first.", content="Checking.", tool_calls=[_call("get_weather", {"city": "Paris"})])


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(dialect="minimax") as srv:
        yield srv


def _client(server: ReferenceServer, dialect: str = "minimax") -> MiniMax:
    return MiniMax(backend=BACKEND[dialect], base_url=server.base_url, api_key="sk-test")


def _tool_names(request_json: dict[str, Any]) -> list[str]:
    return [t["function"]["name"] for t in request_json.get("tools") or []]


def test_valid_on_the_first_try_with_a_tool_call_in_the_same_run(server: ReferenceServer) -> None:
    server.script(WEATHER, _answer(VALID))
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], output_type=Trip)
    assert result.stop_reason == "completed"
    assert isinstance(result.output, Trip)
    assert result.output == EXPECTED
    assert ran == ["Paris"]  # the user's tool ran in the same run
    assert (result.turns, result.tool_calls) == (2, 2)
    first, second = (r.json for r in server.requests)
    # the answer tool is offered beside the user's tools, nothing is forced
    assert _tool_names(first) == ["get_weather", "final_answer"]
    description = first["tools"][1]["function"]["description"]
    assert description.startswith("Give your final answer by calling this tool")
    assert description.endswith("A trip plan.")  # the model's docstring
    nested = first["tools"][1]["function"]["parameters"]
    assert nested["properties"]["destination"]["properties"]["country"]["maxLength"] == 2
    for body in (first, second):
        assert "response_format" not in body
        assert "tool_choice" not in body
    assert second["messages"][1]["reasoning_details"][0]["text"] == "Weather first."  # interleaved thinking
    # the transcript ends with the answer's tool result, so it can be continued as it is
    assert isinstance(result.messages[-1], ToolMessage)
    assert result.messages[-1].name == "final_answer"


def test_valid_after_one_correction_that_names_the_problem(server: ReferenceServer) -> None:
    server.script(WEATHER, _answer(BAD_NESTED, "First try."), _answer(VALID, "Fixed the country."))
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], output_type=Trip)
    assert result.stop_reason == "completed"
    assert result.output == EXPECTED
    assert result.turns == 3
    correction = server.requests[2].json["messages"]
    assert correction[-1]["role"] == "tool"
    assert "`$.destination.country`" in correction[-1]["content"]
    assert "at most 2 characters" in correction[-1]["content"]
    reasoning = [m["reasoning_details"][0]["text"] for m in correction if m["role"] == "assistant"]
    assert reasoning == ["Weather first.", "First try."]  # every turn's reasoning goes back
    assert ran == ["Paris"]


def test_given_up_after_the_limit(server: ReferenceServer) -> None:
    bad = {"destination": {"city": "Paris"}, "days": 0}
    server.script(WEATHER, _answer(bad), _answer(bad), _answer(bad), _answer(VALID))
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], output_type=Trip)  # default: 2 corrections
    assert result.stop_reason == "output_retry_limit"
    assert result.output is None
    assert result.turns == 4  # the weather turn and three answers; the fourth answer is never asked for
    assert len(server.requests) == 4
    assert "3 answers did not fit the output type" in result.detail
    assert "`$.days`" in result.detail
    assert "`$.destination.country`" in result.detail
    assert ran == ["Paris"]


def test_the_limit_is_a_setting(server: ReferenceServer) -> None:
    server.script(_answer({"days": 1}), _answer(VALID))
    with _client(server) as client:
        result = client.run(USER, output_type=Trip, limits=Limits(max_output_retries=0))
    assert (result.stop_reason, result.output, result.turns) == ("output_retry_limit", None, 1)
    with pytest.raises(ValueError, match="max_output_retries"):
        Limits(max_output_retries=-1)


def test_failed_answers_do_not_count_toward_the_tool_retry_limit(server: ReferenceServer) -> None:
    server.script(*[_answer({"days": 0}) for _ in range(3)], _answer(VALID))
    with _client(server) as client:
        result = client.run(USER, output_type=Trip, limits=Limits(max_tool_retries=0, max_output_retries=3))
    assert result.stop_reason == "completed"
    assert result.output == EXPECTED


def test_a_json_text_answer_is_read_and_validated(server: ReferenceServer) -> None:
    text = 'Here is the plan:\n```json\n{"destination": {"city": "Paris", "country": "FR"}, "days": 3}\n```'
    server.script(WEATHER, Turn(reasoning="Thinking {not json} here.", content=text))
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], output_type=Trip)
    assert result.stop_reason == "completed"
    assert result.output == Trip(destination=Address(city="Paris", country="FR"), days=3)
    assert result.final_answer == text
    assert isinstance(result.messages[-1], AssistantMessage)


def test_an_invalid_text_answer_gets_a_correction_message(server: ReferenceServer) -> None:
    server.script(
        Turn(reasoning="Answer in JSON.", content='{"destination": {"city": "Paris", "country": "FR"}, "days": 0}'),
        Turn(reasoning="Oops.", content="The trip is three days in Paris."),
        _answer(VALID, "Use the tool."),
    )
    with _client(server) as client:
        result = client.run(USER, output_type=Trip)
    assert result.stop_reason == "completed"
    assert result.output == EXPECTED
    second, third = server.requests[1].json["messages"], server.requests[2].json["messages"]
    assert second[-1]["role"] == "user"
    assert "`$.days`: expected integer >= 1, got integer 0" in second[-1]["content"]
    assert "final_answer" in second[-1]["content"]
    assert third[-1]["role"] == "user"
    assert "not a final answer in the required form" in third[-1]["content"]
    assert [m["reasoning_details"][0]["text"] for m in third if m["role"] == "assistant"] == [
        "Answer in JSON.",
        "Oops.",
    ]
    corrections = [m for m in result.messages if isinstance(m, UserMessage)][1:]
    assert len(corrections) == 2


def test_text_answers_count_toward_the_limit(server: ReferenceServer) -> None:
    server.script(Turn(content="no JSON"), Turn(content="[1, 2]"))
    with _client(server) as client:
        result = client.run(USER, output_type=Trip, limits=Limits(max_output_retries=1))
    assert result.stop_reason == "output_retry_limit"
    assert "expected object, got array" in result.detail
    assert len(server.requests) == 2


def test_an_answer_beside_other_calls_ends_the_run_after_they_ran(server: ReferenceServer) -> None:
    server.script(
        Turn(reasoning="Both.", tool_calls=[_call("get_weather", {"city": "Rome"}), _call("final_answer", VALID)])
    )
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather], output_type=Trip)
    assert (result.stop_reason, result.output) == ("completed", EXPECTED)
    assert ran == ["Rome"]
    assert [m.name for m in result.messages if isinstance(m, ToolMessage)] == ["get_weather", "final_answer"]


@dataclasses.dataclass
class Point:
    """A point."""

    x: int
    y: int


class Person(TypedDict):
    name: str
    age: int


SCHEMA = {
    "type": "object",
    "description": "A verdict.",
    "properties": {"ok": {"type": "boolean"}, "reasons": {"type": "array", "items": {"type": "string"}}},
    "required": ["ok"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("output_type", "bad", "good", "expected"),
    [
        (Point, {"x": 1}, {"x": 1, "y": 2}, Point(1, 2)),
        (Person, {"name": "Ada", "age": "old"}, {"name": "Ada", "age": 36}, {"name": "Ada", "age": 36}),
        (SCHEMA, {"ok": "yes"}, {"ok": True, "reasons": ["fine"]}, {"ok": True, "reasons": ["fine"]}),
    ],
    ids=["dataclass", "typeddict", "json-schema"],
)
def test_dataclass_typeddict_and_json_schema_output_types(
    server: ReferenceServer, output_type: Any, bad: dict[str, Any], good: dict[str, Any], expected: Any
) -> None:
    server.script(_answer(bad), _answer(good))
    with _client(server) as client:
        result = client.run(USER, output_type=output_type)
    assert result.stop_reason == "completed"
    assert result.output == expected
    assert type(result.output) is type(expected)
    assert result.turns == 2
    sent = server.requests[0].json["tools"][0]["function"]
    assert sent["name"] == "final_answer"
    own = {id(Point): "A point.", id(Person): "call it alone.", id(SCHEMA): "A verdict."}[id(output_type)]
    assert sent["description"].endswith(own)  # the type's own description follows the instruction


def test_async_client() -> None:
    async def scenario() -> RunResult[Trip]:
        async def lookup(city: str) -> str:
            """Look a city up."""
            return f"{city}: found"

        with ReferenceServer(dialect="openai-split") as srv:
            srv.script(
                Turn(reasoning="look", tool_calls=[_call("lookup", {"city": "Paris"})]),
                _answer(BAD_NESTED, "try"),
                _answer(VALID, "fixed"),
            )
            async with AsyncMiniMax(backend="openai", base_url=srv.base_url) as client:
                result = await client.run(USER, tools=[lookup], output_type=Trip)
            assert [m["reasoning_content"] for m in srv.requests[2].json["messages"] if m["role"] == "assistant"] == [
                "look",
                "try",
            ]
            return result

    result = asyncio.run(scenario())
    assert (result.stop_reason, result.output, result.turns) == ("completed", EXPECTED, 3)
    assert next(m.content for m in result.messages if isinstance(m, ToolMessage)) == "Paris: found"


def test_async_run_stream_gives_up_with_the_stop_reason() -> None:
    async def scenario() -> list[Any]:
        with ReferenceServer(dialect="minimax") as srv:
            srv.script(Turn(content="nope"), Turn(content="still nope"))
            async with AsyncMiniMax(backend="minimax", base_url=srv.base_url, api_key="k") as client:
                stream = client.run_stream(USER, output_type=Trip, limits=Limits(max_output_retries=1))
                return [event async for event in stream]

    events = asyncio.run(scenario())
    assert isinstance(events[-1], RunDoneEvent)
    assert (events[-1].result.stop_reason, events[-1].result.output) == ("output_retry_limit", None)
    assert [e.turn for e in events if isinstance(e, TurnStartEvent)] == [1, 2]


def test_run_stream_events(server: ReferenceServer) -> None:
    server.script(WEATHER, _answer(BAD_NESTED), _answer(VALID))
    with _client(server) as client:
        events = list(client.run_stream(USER, tools=[get_weather], output_type=Trip))
    kinds = [
        (type(e).__name__, getattr(e, "name", None))
        for e in events
        if isinstance(e, (TurnStartEvent, ToolStartEvent, ToolEndEvent, RunDoneEvent))
    ]
    assert kinds == [
        ("TurnStartEvent", None),
        ("ToolStartEvent", "get_weather"),
        ("ToolEndEvent", "get_weather"),
        ("TurnStartEvent", None),
        ("ToolStartEvent", "final_answer"),
        ("ToolEndEvent", "final_answer"),
        ("TurnStartEvent", None),
        ("ToolStartEvent", "final_answer"),
        ("ToolEndEvent", "final_answer"),
        ("RunDoneEvent", None),
    ]
    ends = [e for e in events if isinstance(e, ToolEndEvent) and e.name == "final_answer"]
    assert ends[0].result.is_error
    assert (ends[1].result.is_error, ends[1].result.value) == (False, EXPECTED)
    assert sum(isinstance(e, DoneEvent) for e in events) == 3  # each turn streamed
    done = events[-1]
    assert isinstance(done, RunDoneEvent)
    assert (done.result.stop_reason, done.result.output) == ("completed", EXPECTED)


# --- both answer paths on every dialect's M2.1-format turns (docs/typed_output.md, "Measured") --------------


@pytest.mark.parametrize("streaming", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("path", ["tool", "text"])
@pytest.mark.parametrize("dialect", list(BACKEND))
def test_both_answer_paths_work_on_every_dialect(dialect: str, path: str, streaming: bool) -> None:
    """A tool call, an invalid answer, a corrected one; the reasoning of each turn goes back every time."""
    if path == "tool":
        answers = [_answer(BAD_NESTED, "Second."), _answer(VALID, "Third.")]
    else:
        bad = '{"destination": {"city": "Paris", "country": "France"}, "days": 3}'
        good = 'Plan:\n```json\n{"destination": {"city": "Paris", "country": "FR"}, "days": 3}\n```'
        answers = [Turn(reasoning="Second.", content=bad), Turn(reasoning="Third.", content=good)]
    with ReferenceServer(dialect=dialect) as srv:
        srv.script(Turn(reasoning="First.", tool_calls=[_call("get_weather", {"city": "Paris"})]), *answers)
        with _client(srv, dialect) as client:
            if streaming:
                done = list(client.run_stream(USER, tools=[get_weather], output_type=Trip))[-1]
                assert isinstance(done, RunDoneEvent)
                result: RunResult[Any] = done.result
            else:
                result = client.run(USER, tools=[get_weather], output_type=Trip)
        last = srv.requests[2].json["messages"]
    assert result.stop_reason == "completed"
    expected = EXPECTED if path == "tool" else Trip(destination=Address(city="Paris", country="FR"), days=3)
    assert result.output == expected
    assert ran == ["Paris"]
    assert "`$.destination.country`" in last[-1]["content"]
    sent_back = [str(m) for m in last if m["role"] == "assistant"]
    assert "First." in sent_back[0]
    assert "Second." in sent_back[1]
    assert [m.reasoning for m in result.messages if isinstance(m, AssistantMessage)] == ["First.", "Second.", "Third."]


# --- what does not change, and bad input ----------------------------------------------------------------------


def test_without_output_type_nothing_changes(server: ReferenceServer) -> None:
    server.script(WEATHER, Turn(content='{"days": 3}'))
    with _client(server) as client:
        result = client.run(USER, tools=[get_weather])
    assert (result.stop_reason, result.output, result.final_answer) == ("completed", None, '{"days": 3}')
    assert _tool_names(server.requests[0].json) == ["get_weather"]


def test_bad_output_types_and_a_clashing_tool_name_fail_before_the_run(server: ReferenceServer) -> None:
    def final_answer(text: str) -> str:
        """Clash."""
        return text

    with _client(server) as client:
        with pytest.raises(ValueError, match="named `final_answer`"):
            client.run(USER, tools=[final_answer], output_type=Trip)
        with pytest.raises(TypeError, match="pydantic model, a dataclass or a TypedDict"):
            client.run(USER, output_type=int)
        with pytest.raises(ValueError, match="object schema"):
            client.run(USER, output_type={"type": "array"})
        with pytest.raises(ValueError, match="not a valid JSON Schema"):
            client.run(USER, output_type={"type": "object", "properties": {"a": {"type": 5}}})
    assert server.requests == []


def test_the_answer_tool_is_an_ordinary_tool_without_side_effects() -> None:
    from minimax_sdk.agent._output import output_tool

    tool = output_tool(Trip)
    assert isinstance(tool, Tool)
    assert tool.invoke(VALID).value == EXPECTED
    assert tool.invoke(BAD_NESTED).is_error


def test_output_is_typed_as_the_output_type() -> None:
    """mypy --strict over ``tests/typing/typed_output_types.py``: ``assert_type`` on each kind of output type."""
    api = pytest.importorskip("mypy.api")
    root = Path(__file__).resolve().parents[1]
    target = root / "tests" / "typing" / "typed_output_types.py"
    stdout, stderr, status = api.run(["--config-file", str(root / "pyproject.toml"), str(target)])
    assert status == 0, stdout + stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"x": 1, "y": 2}', Point(1, 2)),
        ('Two fences:\n```json\n{"x": 0, "y": 0}\n```\nthen\n```\n{"x": 1, "y": 2}\n```', Point(1, 2)),
        ('I compared {"x": 9} with the plan; the answer is {"x": 1, "y": 2}. Done.', Point(1, 2)),
    ],
    ids=["whole", "last-fence", "last-object"],
)
def test_where_a_text_answer_is_read(text: str, expected: Point) -> None:
    from minimax_sdk.agent._output import output_tool, read_text_answer

    assert read_text_answer(output_tool(Point), text) == (True, expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("null", "`$`: expected object, got null"),
        ('"{\\"x\\": 1, \\"y\\": 2}"', "`$`: expected object, got string"),  # JSON text inside a string: not read
        ('{"x": 1}', "`$.y`: missing required argument"),
        ("[" * 5000 + "]" * 5000, "not a final answer"),
        ('{"a": ' * 200 + "1" + "}" * 200, "not a final answer"),  # nested past the SDK's depth bound
        ("No JSON at all.", "Call the `final_answer` tool with your answer"),
    ],
    ids=["null", "string", "missing", "deep-array", "deep-object", "prose"],
)
def test_text_that_holds_no_valid_answer_gets_a_message(text: str, problem: str) -> None:
    from minimax_sdk.agent._output import output_tool, read_text_answer

    valid, message = read_text_answer(output_tool(Point), text)
    assert not valid
    assert problem in message
