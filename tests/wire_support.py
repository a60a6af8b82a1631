"""The HTTP backend's readers as the wire tests drive them: a whole JSON body, or chunks, into the assembler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from minimax_sdk._tool_spec import ToolLike
from minimax_sdk.assembly import Assembler
from minimax_sdk.backends._wire import ChunkReader, read_response
from minimax_sdk.backends.dialects import Dialect
from minimax_sdk.messages import ChatResponse


def response_from_json(
    body: Mapping[str, Any], dialect: Dialect, tools: Sequence[ToolLike] | None, request_id: str | None = None
) -> ChatResponse:
    """The response the HTTP backend builds for a non-streaming body (ValueError on a wrong shape)."""
    assembler = Assembler(tools, raw_mode=dialect.raw_mode, dialect=dialect.name, stream=False)
    assembler.request_id = request_id
    read_response(body, assembler)
    assembler.close()
    assert assembler.response is not None
    return assembler.response


def stream_reader(dialect: Dialect, tools: Sequence[ToolLike] | None) -> ChunkReader:
    """What the HTTP backend reads one stream's chunks with."""
    return ChunkReader(Assembler(tools, raw_mode=dialect.raw_mode, dialect=dialect.name, stream=True), dialect)
