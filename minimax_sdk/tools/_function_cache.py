"""What ``Tool.from_function`` derives from a function, built once per function and reused.

Deriving a tool from a function (reading its signature and docstring, building a pydantic model, generating
and tidying the JSON Schema, checking it) costs milliseconds; ``client.chat(tools=[a_function])`` would pay
that on every call. :class:`Prepared` holds the result, kept per function object in a weak mapping: the
entry goes when the function does, and a redefined function is a new object, so it is built anew.

Only plain Python functions and methods bound to one are cached; other callables (``functools.partial``,
objects with ``__call__``, builtins) are rebuilt each time, as before. An entry is used only while the
function still looks as it did when built: the same code, defaults, docstring, annotations, ``__wrapped__``
and ``__signature__``, and, for a hint written as a string, the same objects behind the names it uses in the
function's module. Changing a default *value* in place (appending to a list default) is not noticed.
"""

from __future__ import annotations

import re
import threading
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minimax_sdk.tools._binding import Binding
from minimax_sdk.tools._validate import SchemaChecker

__all__ = ["Prepared", "cached", "remember"]

_MAX_WRAPPED = 8
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MISSING = object()


@dataclass(frozen=True)
class Prepared:
    """Everything of a function tool that does not depend on the tool object: shared, never changed."""

    binding: Binding
    parameters_json: str
    checker: SchemaChecker


# (tool name, a weak reference to the class a method is bound to, or None) -> (fingerprint, prepared)
_Entries = dict[tuple[str, object], tuple[tuple[object, ...], Prepared]]
_CACHE: weakref.WeakKeyDictionary[types.FunctionType, _Entries] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _key(func: Callable[..., Any]) -> tuple[types.FunctionType, object] | None:
    """The function to key the cache on, and the class of a bound method (its docstring can be inherited from a
    base class), held weakly so that the cache keeps no class alive."""
    if type(func) is types.FunctionType:
        return func, None
    if type(func) is types.MethodType and type(func.__func__) is types.FunctionType:
        owner = func.__self__
        return func.__func__, weakref.ref(owner if isinstance(owner, type) else type(owner))
    return None


def _string_hint_names(fn: types.FunctionType, hint: str) -> tuple[object, ...]:
    """The objects the names in a string hint stand for in the function's module (what ``eval`` would see)."""
    found = fn.__globals__
    return tuple(found.get(name, _MISSING) for name in _NAME.findall(hint))


def _fingerprint(func: types.FunctionType) -> tuple[object, ...] | None:
    """What building the tool read from the function, compared by identity; ``None``: do not cache."""
    parts: list[object] = []
    fn: Any = func
    for _ in range(_MAX_WRAPPED):
        if type(fn) is not types.FunctionType:
            return None
        own = fn.__dict__
        annotations = fn.__annotations__
        parts += [fn.__code__, fn.__defaults__, fn.__kwdefaults__, fn.__doc__, own.get("__signature__")]
        for name, hint in annotations.items():
            parts += [name, hint]
            if isinstance(hint, str):
                parts += _string_hint_names(fn, hint)
        wrapped = own.get("__wrapped__", _MISSING)
        parts.append(wrapped)
        if wrapped is _MISSING or "__signature__" in own:
            return tuple(parts)
        fn = wrapped
    return None


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def cached(func: Callable[..., Any], tool_name: str) -> Prepared | None:
    """The prepared parts of ``func``'s tool named ``tool_name``, if built before and still valid."""
    key = _key(func)
    if key is None:
        return None
    fn, owner = key
    entries = _CACHE.get(fn)
    entry = entries.get((tool_name, owner)) if entries is not None else None
    if entry is None:
        return None
    fingerprint = _fingerprint(fn)
    return entry[1] if fingerprint is not None and _same(entry[0], fingerprint) else None


def remember(func: Callable[..., Any], tool_name: str, prepared: Prepared) -> None:
    """Keep ``prepared`` for ``func`` (a no-op for callables that are not cached)."""
    key = _key(func)
    if key is None:
        return
    fn, owner = key
    fingerprint = _fingerprint(fn)
    if fingerprint is None:
        return
    with _LOCK:
        _CACHE.setdefault(fn, {})[(tool_name, owner)] = (fingerprint, prepared)
