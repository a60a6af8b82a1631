"""The MiniMax-M2 output parser (FORMAT.md): reasoning, content and XML tool calls, whole text or streamed."""

from ._api import StreamParser, parse_output, starts_in_reasoning
from .types import (
    Block,
    ContentDelta,
    Event,
    InvalidReason,
    InvalidToolCall,
    InvalidToolCallEvent,
    ParsedOutput,
    ReasoningBlock,
    ReasoningDelta,
    TextBlock,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
)

__all__ = [
    "Block",
    "ContentDelta",
    "Event",
    "InvalidReason",
    "InvalidToolCall",
    "InvalidToolCallEvent",
    "ParsedOutput",
    "ReasoningBlock",
    "ReasoningDelta",
    "StreamParser",
    "TextBlock",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "parse_output",
    "starts_in_reasoning",
]
