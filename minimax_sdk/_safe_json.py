"""Reading JSON from outside without foreign exceptions: one error type, and a bound on nesting.

``json.loads`` raises three unrelated exceptions on hostile input: ``JSONDecodeError`` for bad syntax,
a plain ``ValueError`` for an integer longer than Python's int-string limit (4,300 digits by default), and
``RecursionError`` for deep nesting (an array 100,000 levels deep). :func:`loads` turns all of them into
:class:`UnreadableJSON` and also refuses values nested deeper than :data:`MAX_DEPTH`, which other code
(validators, encoders, ``copy.deepcopy``) would walk recursively and fail on later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["MAX_DEPTH", "UnreadableJSON", "loads", "nested_deeper_than"]

MAX_DEPTH = 100
"""Arrays and objects nested deeper than this are refused: far beyond any real tool argument or API body,
far below the ~1,000 Python frames where recursive code starts to fail."""


class UnreadableJSON(ValueError):
    """The text is not JSON the SDK reads: bad syntax, a number too long to convert, nesting too deep, or
    bytes that are not UTF-8. ``kind`` says which (``syntax``, ``digits``, ``depth``, ``utf8``), ``reason`` in
    words that never quote the input."""

    def __init__(self, reason: str, kind: str = "syntax") -> None:
        self.reason = reason
        self.kind = kind
        super().__init__(reason)


_scan_once: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""``(value, end)`` for the JSON value starting at an index of a ``str``: what ``json.loads`` runs inside."""


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` has lists / dicts nested more than ``limit`` levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _may_nest_deeper(text: str | bytes | bytearray, limit: int) -> bool:
    """Cheap pre-check: fewer opening brackets than ``limit`` cannot nest deeper than it."""
    if isinstance(text, str):
        return text.count("[") + text.count("{") > limit
    return text.count(b"[") + text.count(b"{") > limit


def _utf8(data: bytes) -> str | bytes:
    """``data`` decoded, as an HTTP body nearly always is UTF-8; else unchanged (json.loads reads the rest)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def loads(text: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``, raising only :class:`UnreadableJSON` (a ``ValueError``) on any bad input.

    ``NaN`` and ``Infinity`` are read as ``json.loads`` reads them; deciding whether they are acceptable is
    left to the caller (tool validation rejects them unless the schema allows them).
    """
    fast = _utf8(text) if type(text) is bytes else text
    if type(fast) is str:
        # the common case first: the C scanner without json.loads' wrappers (a stream reads thousands of small
        # objects); anything it does not read whole (whitespace around the value, bad input) takes the path below
        try:
            value, end = _scan_once(fast, 0)
        except Exception:  # StopIteration, JSONDecodeError, RecursionError, ValueError: re-read below
            pass
        else:
            # nesting deeper than max_depth takes max_depth + 1 brackets opened and closed: a shorter text cannot
            if end == len(fast) and (end <= 2 * max_depth + 1 or not _may_nest_deeper(fast, max_depth)):
                return value
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableJSON(f"invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except UnicodeDecodeError:
        raise UnreadableJSON("bytes that are not UTF-8 text", "utf8") from None
    except RecursionError:
        raise UnreadableJSON(f"JSON nested more than {max_depth} levels deep", "depth") from None
    except ValueError:  # Python's int-string limit (the only other ValueError json.loads raises)
        raise UnreadableJSON("a JSON number with too many digits to convert", "digits") from None
    if _may_nest_deeper(text, max_depth) and nested_deeper_than(value, max_depth):
        raise UnreadableJSON(f"JSON nested more than {max_depth} levels deep", "depth")
    return value
