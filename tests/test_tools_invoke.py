"""Running tools: results as text, errors as results, sync and async, tools the caller executes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
import functools
import threading
from typing import Any

import pytest
from pydantic import BaseModel

from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools import Tool, ToolResult, tool


class Forecast(BaseModel):
    city: str
    temp: float


@dataclasses.dataclass
class Reading:
    at: datetime.date
    value: int


class Colour(enum.Enum):
    RED = "red"


class Opaque:
    def __str__(self) -> str:
        return "<opaque thing>"


class BrokenStr:
    def __str__(self) -> str:
        raise RuntimeError("cannot render")


def returning(value: Any) -> Tool:
    def give() -> Any:
        return value

    return Tool.from_function(give)


# --- return values to text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("plain text, as is", "plain text, as is"),
        ('{"already": "json"}', '{"already": "json"}'),
        ({"a": 1, "b": [True, None]}, '{"a":1,"b":[true,null]}'),
        ([1, "two"], '[1,"two"]'),
        ((1, 2), "[1,2]"),
        (Forecast(city="Paris", temp=21.5), '{"city":"Paris","temp":21.5}'),
        (Reading(datetime.date(2024, 5, 1), 3), '{"at":"2024-05-01","value":3}'),
        ({"when": datetime.datetime(2024, 5, 1, 12)}, '{"when":"2024-05-01T12:00:00"}'),
        ({"thing": Opaque()}, '{"thing":"<opaque thing>"}'),
        ({"ünï": "cödé"}, '{"ünï":"cödé"}'),
        (None, "null"),
        (True, "true"),
        (42, "42"),
        (2.5, "2.5"),
        (Colour.RED, "red"),
        (Opaque(), "<opaque thing>"),
        (datetime.date(2024, 5, 1), "2024-05-01"),
    ],
)
def test_return_value_becomes_text(value: Any, text: str) -> None:
    result = returning(value).invoke({})
    assert result == ToolResult(text, is_error=False, value=value, error=None)


def test_unrenderable_return_value_is_an_error_result() -> None:
    result = returning(BrokenStr()).invoke({})
    assert (result.text, result.is_error) == ("Error: RuntimeError: cannot render", True)


# --- exceptions and invalid arguments -------------------------------------------------------------------


@tool
def divide(a: int, b: int) -> float:
    """Divide a by b."""
    if b == 0:
        raise ValueError("b must not be zero")
    return a / b


def test_exception_in_the_tool_becomes_an_error_result() -> None:
    result = divide.invoke({"a": 1, "b": 0})
    assert result.text == "Error: ValueError: b must not be zero"
    assert result.is_error
    assert isinstance(result.error, ValueError)
    assert result.value is None


def test_exception_without_message_and_long_message() -> None:
    def empty() -> None:
        raise KeyError

    def long() -> None:
        raise RuntimeError("x" * 5000)

    assert Tool.from_function(empty).invoke().text == "Error: KeyError"
    text = Tool.from_function(long).invoke().text
    assert text == "Error: RuntimeError: " + "x" * 2000 + "… (truncated)"


def test_invalid_arguments_become_an_error_result_and_the_tool_is_not_called() -> None:
    calls: list[int] = []

    def record(n: int) -> int:
        calls.append(n)
        return n

    result = Tool.from_function(record).invoke({"n": "one"})
    assert result.is_error
    assert isinstance(result.error, ToolArgumentsError)
    assert result.text == (
        "Invalid arguments for tool `record`:\n"
        '- `$.n`: expected integer, got string "one"\n'
        "Fix the arguments and call the tool again."
    )
    assert calls == []


def test_validation_error_raised_inside_a_tool_is_an_ordinary_tool_error() -> None:
    def nested() -> None:
        divide.validate({"a": "x", "b": 1})

    result = Tool.from_function(nested).invoke()
    assert result.is_error
    assert result.text.startswith("Error: ToolArgumentsError: Invalid arguments for tool `divide`")


def test_base_exceptions_are_not_swallowed() -> None:
    class Stop(BaseException):
        pass

    def stop() -> None:
        raise Stop

    with pytest.raises(Stop):
        Tool.from_function(stop).invoke()


def test_arguments_can_be_json_text() -> None:
    assert divide.invoke('{"a": 3, "b": 2}').text == "1.5"


# --- calling conventions --------------------------------------------------------------------------------


def test_converted_values_reach_the_function() -> None:
    seen: dict[str, Any] = {}

    def book(when: datetime.date, forecast: Forecast, tags: set[str]) -> str:
        seen.update(when=when, forecast=forecast, tags=tags)
        return "ok"

    Tool.from_function(book).invoke({"when": "2024-05-01", "forecast": {"city": "P", "temp": 1}, "tags": ["a"]})
    assert seen == {"when": datetime.date(2024, 5, 1), "forecast": Forecast(city="P", temp=1), "tags": {"a"}}


def test_positional_only_and_keyword_only_parameters() -> None:
    def f(a: int, /, b: int, *, c: int = 10) -> int:
        return a * 100 + b * 10 + c

    assert Tool.from_function(f).invoke({"a": 1, "b": 2, "c": 3}).text == "123"


def test_partial_and_callable_objects() -> None:
    def power(base: int, exp: int) -> int:
        return int(base**exp)

    class Greeter:
        def __call__(self, who: str) -> str:
            return f"hi {who}"

    assert Tool.from_function(functools.partial(power, exp=2)).invoke({"base": 3}).text == "9"
    assert Tool.from_function(Greeter(), name="greet").invoke({"who": "bo"}).text == "hi bo"


def test_model_tool_with_a_function_gets_the_instance() -> None:
    t = Tool.from_model(Forecast, lambda f: f"{f.city}: {f.temp}")
    assert t.invoke({"city": "Oslo", "temp": -3}).text == "Oslo: -3.0"


def test_schema_tool_with_a_function_gets_keyword_arguments() -> None:
    schema = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    t = Tool.from_schema("search", schema, func=lambda **kw: sorted(kw.items()))
    assert t.invoke({"q": "x", "page": 2}).text == '[["page",2],["q","x"]]'


def test_decorated_function_is_still_directly_callable() -> None:
    assert divide(6, 3) == 2.0
    assert isinstance(divide, Tool)
    assert repr(divide) == "Tool(name='divide', parameters=['a', 'b'])"


# --- tools the caller executes --------------------------------------------------------------------------


def test_tool_without_function_validates_but_refuses_to_run() -> None:
    t = tool(Forecast)
    assert t.func is None
    assert t.validate({"city": "Rome", "temp": 30}) == Forecast(city="Rome", temp=30)
    with pytest.raises(TypeError, match="has no function: the caller executes it"):
        t.invoke({"city": "Rome", "temp": 30})
    with pytest.raises(TypeError, match="has no function"):
        asyncio.run(t.ainvoke({}))
    with pytest.raises(TypeError, match="has no function"):
        t()


def test_schema_tool_without_function() -> None:
    t = Tool.from_schema("handoff", {"type": "object"}, description="Hand off.")
    assert t.validate({"to": "billing"}) == {"to": "billing"}
    with pytest.raises(TypeError, match="has no function"):
        t.invoke({})


# --- async ----------------------------------------------------------------------------------------------


@tool
async def fetch(url: str) -> dict[str, Any]:
    """Fetch a URL."""
    await asyncio.sleep(0)
    if url == "bad":
        raise ConnectionError("refused")
    return {"url": url, "status": 200}


def test_async_tool_runs_from_sync_code() -> None:
    assert fetch.is_async
    assert fetch.invoke({"url": "u"}).text == '{"url":"u","status":200}'


def test_async_tool_inside_a_running_loop_needs_ainvoke() -> None:
    async def main() -> ToolResult:
        with pytest.raises(RuntimeError, match=r"use `await tool\.ainvoke"):
            fetch.invoke({"url": "u"})
        return await fetch.ainvoke({"url": "u"})

    assert asyncio.run(main()).text == '{"url":"u","status":200}'


def test_async_exception_and_invalid_arguments_are_error_results() -> None:
    async def main() -> tuple[ToolResult, ToolResult]:
        return await fetch.ainvoke({"url": "bad"}), await fetch.ainvoke({"url": 1})

    failed, invalid = asyncio.run(main())
    assert (failed.text, failed.is_error) == ("Error: ConnectionError: refused", True)
    assert invalid.is_error
    assert isinstance(invalid.error, ToolArgumentsError)


def test_sync_tool_runs_in_a_worker_thread_under_ainvoke() -> None:
    def where() -> bool:
        return threading.current_thread() is threading.main_thread()

    assert asyncio.run(Tool.from_function(where).ainvoke({})).text == "false"
    assert Tool.from_function(where).invoke({}).text == "true"


def test_sync_function_returning_an_awaitable_is_awaited() -> None:
    async def later(x: int) -> int:
        return x * 2

    def make(x: int) -> Any:
        return later(x)

    t = Tool.from_function(make)
    assert not t.is_async
    assert t.invoke({"x": 2}).text == "4"
    assert asyncio.run(t.ainvoke({"x": 3})).text == "6"


def test_sync_function_returning_a_coroutine_inside_a_loop_is_refused_cleanly() -> None:
    async def later() -> int:
        return 1

    t = Tool.from_function(lambda: later(), name="lazy")

    async def main() -> None:
        with pytest.raises(RuntimeError, match="event loop is running"):
            t.invoke()

    asyncio.run(main())  # no "coroutine was never awaited" warning: it is closed


def test_async_callable_object_and_partial_are_detected() -> None:
    class Fetcher:
        async def __call__(self, url: str) -> str:
            return url

    async def echo(a: str, b: str) -> str:
        return a + b

    assert Tool.from_function(Fetcher(), name="fetcher").is_async
    assert Tool.from_function(functools.partial(echo, b="!")).is_async
    assert Tool.from_function(functools.partial(echo, b="!")).invoke({"a": "hi"}).text == "hi!"


def test_cancellation_propagates() -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    t = Tool.from_function(forever)

    async def main() -> None:
        task = asyncio.create_task(t.ainvoke())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
