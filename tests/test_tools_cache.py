"""A function's tool is derived once and reused while the function is unchanged; nothing is kept alive."""

from __future__ import annotations

import functools
import gc
import inspect
import weakref
from typing import Annotated, Any

import pytest

from minimax_sdk import FunctionBackend, MiniMax, Tool, ToolArgumentsError, tool
from minimax_sdk.backends.base import ChatRequest
from minimax_sdk.tools import _function_cache, _schema


def lookup(key: str, limit: int = 10) -> str:
    """Look a key up.

    Args:
        key: What to look up.
        limit: How many results.
    """
    return f"{key}:{limit}"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tools actually derived from a function (cache misses)."""
    seen: list[str] = []
    original = _schema.function_binding

    def counting(func: Any, tool_name: str) -> Any:
        seen.append(tool_name)
        return original(func, tool_name)

    monkeypatch.setattr(_schema, "function_binding", counting)
    _function_cache._CACHE.clear()  # each test starts with nothing built
    return seen


def _same_behaviour(a: Tool, b: Tool) -> None:
    assert a.definition == b.definition
    assert a.name == b.name
    assert a.description == b.description
    assert a.is_async == b.is_async
    assert a.validate({"key": "k"}) == b.validate({"key": "k"}) == {"key": "k", "limit": 10}
    assert a.invoke({"key": "k", "limit": 2}) == b.invoke({"key": "k", "limit": 2})
    for bad in ({"limit": "x"}, {"key": 1, "extra": True}, "not json"):
        with pytest.raises(ToolArgumentsError) as first:
            a.validate(bad)
        with pytest.raises(ToolArgumentsError) as second:
            b.validate(bad)
        assert first.value.problems == second.value.problems
        assert first.value.tool_name == second.value.tool_name


def test_the_second_tool_of_a_function_is_not_derived_again(builds: list[str]) -> None:
    first = Tool.from_function(lookup)
    second = Tool.from_function(lookup)
    assert builds == ["lookup"]
    assert first is not second
    _same_behaviour(first, second)


def test_a_tool_from_the_cache_behaves_as_a_freshly_built_one(builds: list[str]) -> None:
    Tool.from_function(lookup)
    cached = Tool.from_function(lookup)

    def fresh_copy(key: str, limit: int = 10) -> str:
        return f"{key}:{limit}"

    fresh_copy.__doc__ = lookup.__doc__
    fresh = Tool.from_function(fresh_copy, name="lookup")
    assert builds == ["lookup", "lookup"]
    _same_behaviour(cached, fresh)


def test_names_and_descriptions_are_per_call(builds: list[str]) -> None:
    named = Tool.from_function(lookup, name="find")
    described = Tool.from_function(lookup, description="Other text.")
    plain = Tool.from_function(lookup)
    assert (named.name, described.description, plain.description) == ("find", "Other text.", "Look a key up.")
    with pytest.raises(ToolArgumentsError) as exc:
        named.validate({})
    assert exc.value.tool_name == "find"
    assert builds == ["find", "lookup"]


def test_a_redefined_function_gets_a_new_tool(builds: list[str]) -> None:
    def area(width: int) -> int:
        return width

    first = Tool.from_function(area)

    def area(width: float, height: float = 1.0) -> float:  # type: ignore[no-redef]
        return width * height

    second = Tool.from_function(area)
    assert builds == ["area", "area"]
    assert list(first.parameters["properties"]) == ["width"]
    assert list(second.parameters["properties"]) == ["width", "height"]


def test_a_function_changed_in_place_is_derived_again(builds: list[str]) -> None:
    def scale(value: int, factor: int = 2) -> int:
        """Scale a value."""
        return value * factor

    Tool.from_function(scale)
    scale.__doc__ = "Multiply a value."
    assert Tool.from_function(scale).description == "Multiply a value."
    scale.__defaults__ = (3,)
    assert Tool.from_function(scale).parameters["properties"]["factor"]["default"] == 3
    scale.__annotations__["value"] = Annotated[float, "The value."]
    prop = Tool.from_function(scale).parameters["properties"]["value"]
    assert prop == {"type": "number", "description": "The value."}
    scale.__signature__ = inspect.Signature([inspect.Parameter("only", inspect.Parameter.KEYWORD_ONLY)])  # type: ignore[attr-defined]
    assert list(Tool.from_function(scale).parameters["properties"]) == ["only"]
    assert builds == ["scale"] * 5
    Tool.from_function(scale)
    assert len(builds) == 5


def test_a_string_hint_follows_the_module_name_it_refers_to(builds: list[str]) -> None:
    namespace: dict[str, Any] = {}
    source = "def pick(choice: 'Kind') -> str:\n    return str(choice)\n"
    exec(compile(source, "<hint>", "exec", dont_inherit=True), namespace)
    namespace["Kind"] = int
    assert Tool.from_function(namespace["pick"]).parameters["properties"]["choice"]["type"] == "integer"
    namespace["Kind"] = str
    assert Tool.from_function(namespace["pick"]).parameters["properties"]["choice"]["type"] == "string"
    assert builds == ["pick", "pick"]


def test_a_wrapped_function_follows_what_it_wraps(builds: list[str]) -> None:
    def inner(city: str) -> str:
        return city

    @functools.wraps(inner)
    def outer(*args: Any, **kwargs: Any) -> Any:
        return inner(*args, **kwargs)

    Tool.from_function(outer)
    Tool.from_function(outer)
    inner.__defaults__ = ("Paris",)
    assert Tool.from_function(outer).parameters["required"] == []
    assert builds == ["inner", "inner"]


class Shop:
    def price(self, item: str) -> float:
        """Price of an item."""
        return 1.0


class CheapShop(Shop):
    def price(self, item: str) -> float:  # no docstring: inspect.getdoc takes the base class's
        return 0.5


def test_methods_share_the_derived_parts_but_call_their_own_instance(builds: list[str]) -> None:
    a, b = Shop(), CheapShop()
    first, second = Tool.from_function(a.price), Tool.from_function(Shop().price)
    assert builds == ["price"]
    assert first.func is not None
    assert first.func.__self__ is a
    cheap = Tool.from_function(b.price)
    assert cheap.description == "Price of an item."
    assert cheap.invoke({"item": "x"}).value == 0.5
    assert second.invoke({"item": "x"}).value == 1.0


def test_partials_and_callable_objects_are_built_each_time(builds: list[str]) -> None:
    class Counter:
        __name__ = "count"

        def __call__(self, step: int) -> int:
            return step

    part = functools.partial(lookup, limit=3)
    counter = Counter()
    for _ in range(2):
        Tool.from_function(part)
        Tool.from_function(counter)
    assert builds == ["lookup", "count", "lookup", "count"]


def test_the_cache_keeps_no_function_or_class_alive() -> None:
    def make() -> Any:
        def temporary(x: int) -> int:
            return x

        return temporary

    func = make()
    Tool.from_function(func)
    Tool.from_function(func)
    ref = weakref.ref(func)
    del func
    gc.collect()
    assert ref() is None

    class Service:
        def run(self, x: int) -> int:
            return x

    Tool.from_function(Service().run)
    service_ref = weakref.ref(Service)
    del Service
    gc.collect()
    assert service_ref() is None


def test_chat_with_a_function_derives_its_tool_once(builds: list[str]) -> None:
    seen: list[Any] = []

    def model(request: ChatRequest) -> str:
        seen.append(request.tools)
        return "done"

    client = MiniMax(backend=FunctionBackend(model), model="m")
    for _ in range(3):
        client.chat([{"role": "user", "content": "hi"}], tools=[lookup])
    assert builds == ["lookup"]
    assert seen[0] == seen[1] == seen[2] == (Tool.from_function(lookup).definition["function"],)


def test_the_decorator_still_gives_a_new_tool_each_time(builds: list[str]) -> None:
    assert tool(lookup) is not tool(lookup)
    assert builds == ["lookup"]
