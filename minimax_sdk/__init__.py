"""minimax-sdk: a dependable SDK for MiniMax-M2.1 and the M2 model family.

The public API is exactly :data:`__all__`; everything in a module whose name starts with ``_`` is private.
``import minimax_sdk`` imports none of langchain, sglang, openai or torch.
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import ArgumentProblem, MiniMaxError, ToolArgumentsError
from .parsing import (
    Block,
    ContentDelta,
    Event,
    InvalidToolCall,
    InvalidToolCallEvent,
    ParsedOutput,
    ReasoningBlock,
    ReasoningDelta,
    StreamParser,
    TextBlock,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    parse_output,
)
from .template import TemplateError, render_assistant_turn, render_conversation, render_tool_call
from .tools import Tool, ToolResult, tool

try:
    __version__ = version("minimax-sdk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "ArgumentProblem",
    "Block",
    "ContentDelta",
    "Event",
    "InvalidToolCall",
    "InvalidToolCallEvent",
    "MiniMaxError",
    "ParsedOutput",
    "ReasoningBlock",
    "ReasoningDelta",
    "StreamParser",
    "TemplateError",
    "TextBlock",
    "Tool",
    "ToolArgumentsError",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "ToolResult",
    "__version__",
    "parse_output",
    "render_assistant_turn",
    "render_conversation",
    "render_tool_call",
    "tool",
]
