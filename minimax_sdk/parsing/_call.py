"""The tool call being read: its raw text, its arguments so far, and the JSON it has streamed."""

from __future__ import annotations

import json
from typing import Any

from ._coerce import AllowedTypes, coerce_short
from .types import ToolCall

_ENCODER = json.JSONEncoder(ensure_ascii=False)


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` without building an encoder per call."""
    return _ENCODER.encode(value)


COMPACT_AT = 256
"""A value's pieces are joined into one chunk every this many pieces: a long value streamed in small deltas
then costs about one byte per character (and one more for the final join), not a str object per delta."""


def duplicate_warning(name: str) -> str:
    return f"parameter {name!r} was given more than once; the last value is kept"


def unknown_tool_detail(name: str | None) -> str:
    return f"no tool named {name!r} was offered"


class PendingCall:
    """Mutable state of one ``<invoke>`` while it is read."""

    __slots__ = (
        "allowed",
        "arguments",
        "chunks",
        "id",
        "index",
        "keys_written",
        "known",
        "malformed",
        "name",
        "param",
        "parts",
        "raw",
        "streaming",
        "types",
        "unknown",
        "warnings",
    )

    def __init__(self, index: int, call_id: str, name: str | None) -> None:
        self.index = index
        self.id = call_id
        self.name = name
        self.raw: list[str] = []
        self.arguments: dict[str, Any] = {}
        self.warnings: list[str] = []
        self.types: dict[str, AllowedTypes] = {}
        self.known = False
        self.unknown = False
        self.malformed = ""
        self.param: str | None = None
        self.parts: list[str] = []
        self.chunks: list[str] = []
        self.allowed: AllowedTypes = None
        self.streaming = False
        self.keys_written = 0

    def key_prefix(self, key: str) -> str:
        """The JSON text that opens the next key of the streamed arguments object."""
        prefix = "{" if self.keys_written == 0 else ", "
        self.keys_written += 1
        return prefix + dumps(key) + ": "

    def add(self, text: str) -> None:
        """Append ``text`` to the value being read."""
        parts = self.parts
        parts.append(text)
        if len(parts) >= COMPACT_AT:
            self.compact()

    def compact(self) -> None:
        """Join the pieces read so far into one chunk."""
        self.chunks.append("".join(self.parts))
        self.parts = []

    def take_value(self) -> str:
        """The raw text of the value being read, which starts afresh."""
        if self.chunks:
            self.compact()
            chunks, self.chunks = self.chunks, []
            return chunks[0] if len(chunks) == 1 else "".join(chunks)
        raw = "".join(self.parts)
        self.parts = []
        return raw

    def close_param(self) -> Any:
        """Decode the parameter just read and store it; returns its value."""
        name, raw = self.param, self.take_value()
        self.raw.append(raw)
        if not name:
            return None
        value, warning = coerce_short(raw, self.allowed, name)
        if warning:
            self.warnings.append(warning)
        if name in self.arguments:
            self.warnings.append(duplicate_warning(name))
        self.arguments[name] = value
        return value

    def to_tool_call(self) -> ToolCall:
        assert self.name is not None
        return ToolCall(self.id, self.name, self.arguments, tuple(self.warnings))
