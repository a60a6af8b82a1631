"""The :class:`Tool` class and the :func:`tool` decorator."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, overload

from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools._binding import Binding, CallArgs, schema_binding
from minimax_sdk.tools._function_cache import Prepared, cached, remember
from minimax_sdk.tools._results import ToolResult, arguments_error_result, error_result, success_result
from minimax_sdk.tools._validate import SchemaChecker, as_arguments_object, check_schema, too_deep

# ``_schema`` (pydantic, docstring_parser) is imported by the constructors that need it, so that
# ``import minimax_sdk`` and tools built from a raw JSON Schema do not load pydantic.

__all__ = ["Tool", "tool"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _checked_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"a tool name must be 1-64 letters, digits, '_' or '-', got {name!r}; pass name=... to choose one"
        )
    return name


def _is_async_callable(func: Any) -> bool:
    while isinstance(func, functools.partial):
        func = func.func
    if inspect.iscoroutinefunction(func):
        return True
    return callable(func) and inspect.iscoroutinefunction(type(func).__call__)


def _loop_is_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


class Tool:
    """A tool the model can call: a name, a description, a JSON Schema for its arguments, and (usually) a
    Python callable that runs it.

    Build one with :meth:`from_function`, :meth:`from_model`, :meth:`from_schema` or the :func:`tool`
    decorator. :attr:`definition` is what the model is shown; :meth:`validate` checks arguments against
    exactly that schema and converts them; :meth:`invoke` / :meth:`ainvoke` validate, run the tool and
    return a :class:`ToolResult` whose text goes back to the model. Calling the tool object itself calls the
    wrapped function directly, without validation.
    """

    def __init__(
        self,
        name: str,
        description: str,
        binding: Binding,
        func: Callable[..., Any] | None,
        *,
        _prepared: Prepared | None = None,
    ) -> None:
        """Use the constructors (``from_function``, ``from_model``, ``from_schema``) rather than this."""
        self._name = _checked_name(name)
        self._description = description
        self._binding = binding
        self._func = func
        self._is_async = func is not None and _is_async_callable(func)
        if _prepared is not None:  # a function's tool built before: the same schema text and checker
            self._parameters_json = _prepared.parameters_json
            self._checker: SchemaChecker = _prepared.checker
            return
        # The schema is kept as JSON text: what is validated is exactly what is sent, and each access to
        # ``definition`` decodes a fresh copy (several times faster than ``copy.deepcopy``).
        try:
            self._parameters_json = json.dumps(binding.parameters, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"tool `{self._name}`: parameters are not JSON: {exc}") from None
        try:
            self._checker = check_schema(json.loads(self._parameters_json))
        except ValueError as exc:
            raise ValueError(f"tool `{self._name}`: parameters are {exc}") from None

    # Constructors

    @classmethod
    def from_function(
        cls, func: Callable[..., Any], *, name: str | None = None, description: str | None = None
    ) -> Tool:
        """A tool from a function (sync or async): one property per parameter, in signature order.

        The description is ``description`` if given, else the docstring's text; each parameter's description
        comes from ``Field(description=...)``, a string in ``Annotated[...]`` or the docstring (Google, NumPy
        or Sphinx style), in that order.

        What is derived from a plain function (or a method) is built once and reused while the function is
        unchanged, so passing the same function to every ``chat`` call costs microseconds after the first;
        each call still returns a new ``Tool``.
        """
        if not callable(func):
            raise TypeError(f"Tool.from_function needs a callable, got {type(func).__name__}")
        target = func.func if isinstance(func, functools.partial) else func
        tool_name = _checked_name(name if name is not None else getattr(target, "__name__", None))
        prepared = cached(func, tool_name)
        if prepared is None:
            from minimax_sdk.tools._schema import function_binding

            built = cls(tool_name, "", function_binding(func, tool_name), func)
            prepared = Prepared(built._binding, built._parameters_json, built._checker)
            remember(func, tool_name, prepared)
        binding = prepared.binding
        text = binding.description if description is None else description
        return cls(tool_name, text, binding, func, _prepared=prepared)

    @classmethod
    def from_model(
        cls,
        model: type[Any],
        func: Callable[[Any], Any] | None = None,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> Tool:
        """A tool whose arguments are the fields of ``model`` (a pydantic model, a dataclass or a TypedDict).

        :meth:`validate` returns an instance of ``model``; ``func``, if given, is called with it. Without
        ``func`` the caller executes the tool (structured output, hand-offs) and ``invoke`` raises.
        """
        from minimax_sdk.tools._schema import model_binding

        tool_name = _checked_name(name if name is not None else getattr(model, "__name__", None))
        binding = model_binding(model, tool_name)
        return cls(tool_name, binding.description if description is None else description, binding, func)

    @classmethod
    def from_schema(
        cls,
        name: str,
        parameters: Mapping[str, Any],
        *,
        description: str = "",
        func: Callable[..., Any] | None = None,
    ) -> Tool:
        """A tool from a raw JSON Schema for its arguments (an ``"type": "object"`` schema), sent unchanged.

        :meth:`validate` returns the validated arguments dict; ``func``, if given, is called with them as
        keyword arguments. Without ``func`` the caller executes the tool and ``invoke`` raises.
        """
        tool_name = _checked_name(name)
        if not isinstance(parameters, Mapping) or parameters.get("type") != "object":
            raise ValueError(f'tool `{tool_name}`: parameters must be a JSON Schema with "type": "object"')
        return cls(tool_name, description, schema_binding(dict(parameters), description), func)

    # What the model sees

    @property
    def name(self) -> str:
        """The name the model calls the tool by."""
        return self._name

    @property
    def description(self) -> str:
        """The tool's description ("" when it has none)."""
        return self._description

    @property
    def parameters(self) -> dict[str, Any]:
        """A copy of the JSON Schema of the arguments, exactly as sent and validated against."""
        parameters: dict[str, Any] = json.loads(self._parameters_json)
        return parameters

    @property
    def definition(self) -> dict[str, Any]:
        """The OpenAI-style tool dict: ``{"type": "function", "function": {name, description, parameters}}``.

        A fresh copy on every access: changing it changes nothing in the tool. The parameters are plain JSON
        values (a tuple given to :meth:`from_schema` comes back as a list).
        """
        function: dict[str, Any] = {"name": self._name}
        if self._description:
            function["description"] = self._description
        function["parameters"] = self.parameters
        return {"type": "function", "function": function}

    @property
    def func(self) -> Callable[..., Any] | None:
        """The callable that runs the tool, or ``None`` for a tool the caller executes."""
        return self._func

    @property
    def model(self) -> type[Any] | None:
        """The model class of a :meth:`from_model` tool (what :meth:`validate` returns), else ``None``."""
        return self._binding.model

    @property
    def is_async(self) -> bool:
        """Whether the callable is a coroutine function."""
        return self._is_async

    # Validation and calls

    def validate(self, arguments: Any = None) -> Any:
        """Check ``arguments`` against :attr:`parameters`, then convert them to Python values.

        ``arguments`` is a dict (as the parser delivers it) or a JSON text (as OpenAI-style APIs deliver
        it); ``None`` or ``""`` mean no arguments. Returns the keyword arguments dict of a function tool,
        the model instance of a model tool, the (unchanged) dict of a schema tool. Raises
        :class:`~minimax_sdk.errors.ToolArgumentsError` listing every problem.
        """
        data = as_arguments_object(self._name, arguments)
        try:
            problems = self._checker.problems(data)
            if problems:
                raise ToolArgumentsError(self._name, problems)
            return self._binding.convert(data)
        except RecursionError:
            raise too_deep(self._name) from None

    def _callable(self) -> Callable[..., Any]:
        if self._func is None:
            raise TypeError(
                f"tool `{self._name}` has no function: the caller executes it (use tool.validate(arguments) "
                "to check and convert its arguments)"
            )
        return self._func

    def _prepare(self, arguments: Any) -> CallArgs:
        return self._binding.call_args(self.validate(arguments))

    def _refuse_inside_loop(self, pending: Awaitable[Any] | None = None) -> None:
        if _loop_is_running():
            if inspect.iscoroutine(pending):
                pending.close()
            raise RuntimeError(
                f"tool `{self._name}` is async and an event loop is running: use `await tool.ainvoke(...)`"
            )

    def invoke(self, arguments: Any = None) -> ToolResult:
        """Validate ``arguments``, run the tool, and return its result; never raises for the model's sake.

        Invalid arguments and exceptions inside the tool become error results (``is_error=True``). An async
        tool runs with ``asyncio.run``; inside a running event loop that is impossible and ``RuntimeError``
        says to use :meth:`ainvoke`. A tool without a function raises ``TypeError``.
        """
        func = self._callable()
        if self._is_async:
            self._refuse_inside_loop()
            return asyncio.run(self.ainvoke(arguments))
        try:
            args, kwargs = self._prepare(arguments)
        except ToolArgumentsError as exc:
            return arguments_error_result(exc)
        try:
            value = func(*args, **kwargs)
        except Exception as exc:
            return error_result(exc)
        if inspect.isawaitable(value):
            self._refuse_inside_loop(value)
            try:
                value = asyncio.run(_await(value))
            except Exception as exc:
                return error_result(exc)
        return success_result(value)

    async def ainvoke(self, arguments: Any = None) -> ToolResult:
        """Like :meth:`invoke`, awaiting an async tool and running a sync one in a worker thread."""
        func = self._callable()
        try:
            args, kwargs = self._prepare(arguments)
        except ToolArgumentsError as exc:
            return arguments_error_result(exc)
        try:
            if self._is_async:
                value = await func(*args, **kwargs)
            else:
                value = await asyncio.to_thread(func, *args, **kwargs)
            if inspect.isawaitable(value):
                value = await value
        except Exception as exc:
            return error_result(exc)
        return success_result(value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the wrapped function directly (no validation), so a decorated function still works."""
        return self._callable()(*args, **kwargs)

    def __repr__(self) -> str:
        names = list(self.parameters.get("properties", {}))
        return f"Tool(name={self._name!r}, parameters={names!r})"


@overload
def tool(
    obj: Callable[..., Any] | type[Any], /, *, name: str | None = None, description: str | None = None
) -> Tool: ...


@overload
def tool(
    obj: None = None, /, *, name: str | None = None, description: str | None = None
) -> Callable[[Callable[..., Any] | type[Any]], Tool]: ...


def tool(
    obj: Callable[..., Any] | type[Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
) -> Tool | Callable[[Callable[..., Any] | type[Any]], Tool]:
    """Make a :class:`Tool` from a function or a model class; usable bare or with options.

    >>> @tool
    ... def get_weather(city: str, days: int = 1) -> str:
    ...     '''Get the weather forecast.
    ...
    ...     Args:
    ...         city: City name.
    ...         days: How many days ahead.
    ...     '''
    ...     return "sunny"
    >>> get_weather.definition["function"]["parameters"]["required"]
    ['city']

    ``@tool(name="...", description="...")`` overrides the name and description; ``tool(SomeModel)`` (or
    ``@tool`` on a pydantic model, dataclass or TypedDict class) is :meth:`Tool.from_model` without a
    function: the caller executes it.
    """

    def make(target: Callable[..., Any] | type[Any]) -> Tool:
        if isinstance(target, Tool):
            raise TypeError(f"{target!r} is already a Tool")
        if isinstance(target, type):
            from minimax_sdk.tools._schema import is_model_type

            if not is_model_type(target):
                raise TypeError(
                    "@tool on a class needs a pydantic model, a dataclass or a TypedDict, got "
                    f"{target.__name__}; use Tool.from_function(...) to expose a constructor"
                )
            return Tool.from_model(target, name=name, description=description)
        return Tool.from_function(target, name=name, description=description)

    return make if obj is None else make(obj)
