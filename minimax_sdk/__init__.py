"""minimax-sdk: a dependable SDK for MiniMax-M2.1 and the M2 model family.

The public API is exactly :data:`__all__`; everything in a module whose name starts with ``_`` is private.
``import minimax_sdk`` imports none of langchain, sglang, openai or torch.
"""

from importlib.metadata import PackageNotFoundError, version

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
from .config import Settings, load_settings
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

try:
    __version__ = version("minimax-sdk")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

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
