"""The public API is pinned: adding or removing a name is a deliberate change to this list."""

from __future__ import annotations

import subprocess
import sys

import minimax_sdk

EXPECTED = {
    "DeadlineExceededError",
    "Assembler",
    "AsyncBackend",
    "Backend",
    "BackendKind",
    "ChatParams",
    "ChatRequest",
    "FunctionBackend",
    "RequestOptions",
    "register_backend",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ArgumentProblem",
    "AssistantMessage",
    "AsyncChatStream",
    "AsyncMiniMax",
    "AuthenticationError",
    "BadRequestError",
    "Block",
    "ChatResponse",
    "ChatStream",
    "ConfigError",
    "ConflictError",
    "ContentDelta",
    "DoneEvent",
    "Event",
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
    "render_assistant_turn",
    "render_conversation",
    "render_tool_call",
    "tool",
}


def test_all_is_exactly_the_pinned_api() -> None:
    assert set(minimax_sdk.__all__) == EXPECTED
    assert len(minimax_sdk.__all__) == len(EXPECTED), "duplicate names in __all__"


def test_every_public_name_resolves() -> None:
    for name in minimax_sdk.__all__:
        assert getattr(minimax_sdk, name) is not None


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from minimax_sdk import *", namespace)
    assert set(namespace) - {"__builtins__"} == EXPECTED


def test_importing_the_sdk_pulls_in_no_heavy_optional_dependency() -> None:
    code = (
        "import sys, minimax_sdk\n"
        "heavy = {'langchain_core', 'langchain', 'sglang', 'openai', 'torch', 'jinja2'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
