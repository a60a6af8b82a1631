"""Per-backend profiles: where reasoning arrives, how it goes back, and how to reach the server.

A profile is data. The HTTP backend and the normaliser read these fields; nothing branches on a dialect's
name. Add a backend by adding a profile.

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

ReasoningChannel = Literal["reasoning_details", "reasoning_content", "reasoning", "inline"]
"""Where an assistant message's reasoning travels on the wire."""

RawMode = Literal["auto", "raw", "tagged"]
"""How to read content that arrives with no reasoning field: ``raw`` output starts inside ``<think>`` (a server
without a reasoning parser), ``tagged`` content holds explicit ``<think>…</think>`` (append-think servers, the
MiniMax platform's default), ``auto`` decides from the text (FORMAT.md 5.6)."""


@dataclass(frozen=True)
class Dialect:
    """How one kind of backend speaks the OpenAI-compatible protocol."""

    name: str
    default_base_url: str | None
    """None: the caller must give one (self-hosted servers)."""
    api_key_env: tuple[str, ...]
    """Environment variables holding the key, first found wins."""
    api_key_required: bool
    default_model: str
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
            default_base_url="https://api.minimax.io/v1",
            api_key_env=("MINIMAX_API_KEY",),
            api_key_required=True,
            default_model="MiniMax-M2.1",
            request_extras={"reasoning_split": True},
            send_reasoning_as="reasoning_details",
            raw_mode="tagged",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="minimax-inline",
            default_base_url="https://api.minimax.io/v1",
            api_key_env=("MINIMAX_API_KEY",),
            api_key_required=True,
            default_model="MiniMax-M2.1",
            send_reasoning_as="inline",
            raw_mode="tagged",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="nvidia",
            default_base_url="https://integrate.api.nvidia.com/v1",
            api_key_env=("NVIDIA_API_KEY",),
            api_key_required=True,
            default_model="minimaxai/minimax-m2.1",
            send_reasoning_as="reasoning_content",
            raw_mode="auto",
            dropped_params=frozenset({"top_k"}),
        ),
        Dialect(
            name="openai",
            default_base_url=None,
            api_key_env=("MINIMAX_API_KEY", "OPENAI_API_KEY"),
            api_key_required=False,
            default_model="MiniMaxAI/MiniMax-M2.1",
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
