"""minimax-sdk: a dependable SDK for MiniMax-M2.1 and the M2 model family.

The public API is exactly :data:`__all__`; everything in a module whose name starts with ``_`` is private.
``import minimax_sdk`` imports none of langchain, sglang, openai or torch, and loads the rest on first use:
each public name is imported from its module when it is first read (``minimax_sdk.MiniMax``, ``from
minimax_sdk import MiniMax``), so a program pays only for the parts it uses; pydantic and jsonschema, for
instance, load when the first tool is built.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the same names, imported for type checkers and IDEs; at run time ``__getattr__`` does it
    from ._version import __version__
    from .agent import (
        KeepEverything,
        KeepFirstAndLast,
        Limits,
        RunDoneEvent,
        RunHooks,
        RunResult,
        ToolEndEvent,
        ToolStartEvent,
        TurnStartEvent,
    )
    from .assembly import Assembler
    from .backends.base import AsyncBackend, Backend, ChatParams, ChatRequest, RequestOptions
    from .backends.function import FunctionBackend
    from .backends.registry import BackendKind, register_backend
    from .client import AsyncChatStream, AsyncMiniMax, ChatStream, MiniMax
    from .config import Prices, Settings, load_settings
    from .errors import (
        APIConnectionError,
        APIError,
        APIStatusError,
        APITimeoutError,
        ArgumentProblem,
        AuthenticationError,
        BadRequestError,
        ConfigError,
        ConflictError,
        DeadlineExceededError,
        InsufficientBalanceError,
        InternalServerError,
        MiniMaxError,
        NotFoundError,
        OverloadedError,
        PermissionDeniedError,
        RateLimitError,
        ResponseValidationError,
        StreamInterruptedError,
        ToolArgumentsError,
    )
    from .messages import (
        AssistantMessage,
        ChatResponse,
        DoneEvent,
        Message,
        StreamEvent,
        SystemMessage,
        ToolMessage,
        Usage,
        UsageEvent,
        UserMessage,
    )
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
    from .tracing import Tracing

# Where each public name lives: read by ``__getattr__`` the first time the name is used.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "._version": ("__version__",),
    ".agent": (
        "KeepEverything",
        "KeepFirstAndLast",
        "Limits",
        "RunDoneEvent",
        "RunHooks",
        "RunResult",
        "ToolEndEvent",
        "ToolStartEvent",
        "TurnStartEvent",
    ),
    ".assembly": ("Assembler",),
    ".backends.base": (
        "AsyncBackend",
        "Backend",
        "ChatParams",
        "ChatRequest",
        "RequestOptions",
    ),
    ".backends.function": ("FunctionBackend",),
    ".backends.registry": (
        "BackendKind",
        "register_backend",
    ),
    ".client": (
        "AsyncChatStream",
        "AsyncMiniMax",
        "ChatStream",
        "MiniMax",
    ),
    ".config": (
        "Prices",
        "Settings",
        "load_settings",
    ),
    ".errors": (
        "APIConnectionError",
        "APIError",
        "APIStatusError",
        "APITimeoutError",
        "ArgumentProblem",
        "AuthenticationError",
        "BadRequestError",
        "ConfigError",
        "ConflictError",
        "DeadlineExceededError",
        "InsufficientBalanceError",
        "InternalServerError",
        "MiniMaxError",
        "NotFoundError",
        "OverloadedError",
        "PermissionDeniedError",
        "RateLimitError",
        "ResponseValidationError",
        "StreamInterruptedError",
        "ToolArgumentsError",
    ),
    ".messages": (
        "AssistantMessage",
        "ChatResponse",
        "DoneEvent",
        "Message",
        "StreamEvent",
        "SystemMessage",
        "ToolMessage",
        "Usage",
        "UsageEvent",
        "UserMessage",
    ),
    ".parsing": (
        "Block",
        "ContentDelta",
        "Event",
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
    ),
    ".template": (
        "TemplateError",
        "render_assistant_turn",
        "render_conversation",
        "render_tool_call",
    ),
    ".tools": (
        "Tool",
        "ToolResult",
        "tool",
    ),
    ".tracing": ("Tracing",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
# Modules that ``import minimax_sdk`` used to import, and so to make attributes of the package.
_SUBMODULES = frozenset(
    {"agent", "assembly", "backends", "client", "config", "errors", "messages", "parsing", "template", "tools"}
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ArgumentProblem",
    "Assembler",
    "AssistantMessage",
    "AsyncBackend",
    "AsyncChatStream",
    "AsyncMiniMax",
    "AuthenticationError",
    "Backend",
    "BackendKind",
    "BadRequestError",
    "Block",
    "ChatParams",
    "ChatRequest",
    "ChatResponse",
    "ChatStream",
    "ConfigError",
    "ConflictError",
    "ContentDelta",
    "DeadlineExceededError",
    "DoneEvent",
    "Event",
    "FunctionBackend",
    "InsufficientBalanceError",
    "InternalServerError",
    "InvalidToolCall",
    "InvalidToolCallEvent",
    "KeepEverything",
    "KeepFirstAndLast",
    "Limits",
    "Message",
    "MiniMax",
    "MiniMaxError",
    "NotFoundError",
    "OverloadedError",
    "ParsedOutput",
    "PermissionDeniedError",
    "Prices",
    "RateLimitError",
    "ReasoningBlock",
    "ReasoningDelta",
    "RequestOptions",
    "ResponseValidationError",
    "RunDoneEvent",
    "RunHooks",
    "RunResult",
    "Settings",
    "StreamEvent",
    "StreamInterruptedError",
    "StreamParser",
    "SystemMessage",
    "TemplateError",
    "TextBlock",
    "Tool",
    "ToolArgumentsError",
    "ToolCall",
    "ToolCallArgumentsDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "ToolEndEvent",
    "ToolMessage",
    "ToolResult",
    "ToolStartEvent",
    "Tracing",
    "TurnStartEvent",
    "Usage",
    "UsageEvent",
    "UserMessage",
    "__version__",
    "load_settings",
    "parse_output",
    "register_backend",
    "render_assistant_turn",
    "render_conversation",
    "render_tool_call",
    "tool",
]


def __getattr__(name: str) -> object:
    """Import a public name (or a subpackage such as ``minimax_sdk.agent``) the first time it is read."""
    module = _MODULE_OF.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later reads skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
