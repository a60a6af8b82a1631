"""Per-backend profiles: where reasoning arrives, how it goes back, and how to reach the server.

A profile is data. The HTTP backend reads these fields; nothing branches on a dialect's name. What settings
need (base URL, key, default model) is the backend kind's, in :mod:`minimax_sdk.backends.registry`; an HTTP
kind's dialect has the kind's name.

| dialect          | reasoning arrives as                         | goes back as          | tool calls arrive as |
|------------------|----------------------------------------------|-----------------------|----------------------|
| ``minimax``      | ``reasoning_details`` (``reasoning_split``)  | ``reasoning_details`` | structured           |
| ``minimax-inline`` | inline ``<think>`` in content              | inline, unchanged     | structured           |
| ``nvidia``       | ``reasoning_content`` or inline: both read   | the channel it came in | structured or XML   |
| ``openai``       | ``reasoning_content``, ``reasoning``, inline, raw | the channel it came in | structured or XML |

Whatever the profile, content is always run through the parser, so raw tags left there by a server without
a reasoning or tool parser still give clean reasoning, content and tool calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..messages import RawMode, ReasoningChannel


@dataclass(frozen=True)
class Dialect:
    """How one kind of backend speaks the OpenAI-compatible protocol."""

    name: str
    request_extras: dict[str, Any] = field(default_factory=dict)
    """Fields added to every request body (e.g. MiniMax's ``reasoning_split``)."""
    send_reasoning_as: ReasoningChannel = "reasoning_content"
    """The channel for history whose reasoning did not come from this dialect."""
    raw_mode: RawMode = "auto"
    usage_in_stream: bool = True
    """Ask for usage in the last chunk (``stream_options.include_usage``)."""
    dropped_params: frozenset[str] = frozenset()
    """Sampling parameters this backend does not document; left out of requests even when defaulted."""
    reasoning_details_mode: Literal["auto", "cumulative", "incremental"] = "auto"
    """Streamed ``reasoning_details`` text: snapshots of the whole text so far, or pieces; ``auto`` decides
    per chunk (a chunk that starts with the text so far is a snapshot)."""


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect(
            name="minimax",
            request_extras={"reasoning_split": True},
            send_reasoning_as="reasoning_details",
            raw_mode="tagged",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="minimax-inline",
            send_reasoning_as="inline",
            raw_mode="tagged",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="nvidia",
            send_reasoning_as="reasoning_content",
            raw_mode="auto",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="openai",
            send_reasoning_as="reasoning_content",
            raw_mode="auto",
        ),
        Dialect(
            # the embedded SGLang backend's: raw_mode is set from the server's reasoning parser
            name="sglang",
            send_reasoning_as="reasoning_content",
            raw_mode="auto",
        ),
    )
}


def get_dialect(name: str) -> Dialect:
    """The profile called ``name``; ValueError listing the known ones otherwise."""
    try:
        return DIALECTS[name]
    except KeyError:
        known = ", ".join(sorted(DIALECTS))
        raise ValueError(f"unknown backend {name!r}; known backends: {known}") from None
