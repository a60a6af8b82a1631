"""The public API is pinned: adding or removing a name is a deliberate change to this list."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

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
    "Prices",
    "Settings",
    "Tracing",
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


_OPTIONAL = ["langchain_core", "langchain", "sglang", "openai", "torch", "jinja2", "mcp", "opentelemetry", "rich"]
_ON_FIRST_USE = ["pydantic", "pydantic_core", "jsonschema", "docstring_parser", "importlib.metadata"]


def _loaded_after(code: str, candidates: list[str]) -> list[str]:
    """Which of ``candidates`` a fresh interpreter has imported after running ``code``."""
    probe = f"import sys\n{code}\nprint(sorted(m for m in {candidates!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return list(ast.literal_eval(out.stdout.strip()))


def test_importing_the_sdk_pulls_in_no_heavy_optional_dependency() -> None:
    assert _loaded_after("import minimax_sdk", _OPTIONAL + _ON_FIRST_USE) == []


def test_a_client_with_tools_from_raw_schemas_needs_no_pydantic() -> None:
    code = (
        "from minimax_sdk import MiniMax, FunctionBackend, Tool\n"
        "client = MiniMax(backend=FunctionBackend(lambda request: 'hi'), model='m')\n"
        "echo = Tool.from_schema('echo', {'type': 'object', 'properties': {'x': {'type': 'string'}}}, func=lambda x: x.upper())\n"
        "assert client.chat([{'role': 'user', 'content': 'hi'}], tools=[echo]).message.content == 'hi'\n"
        "assert echo.invoke({'x': 'y'}).text == 'Y'\n"
    )
    # not rich: httpx imports it for its command line when it is installed
    optional = [name for name in _OPTIONAL if name != "rich"]
    assert _loaded_after(code, [*optional, "pydantic", "docstring_parser"]) == []


def test_pydantic_and_jsonschema_load_when_the_first_tool_is_built() -> None:
    code = "import minimax_sdk\n@minimax_sdk.tool\ndef add(a: int, b: int) -> int:\n    return a + b\n"
    assert _loaded_after(code, ["pydantic", "jsonschema", "docstring_parser"]) == [
        "docstring_parser",
        "jsonschema",
        "pydantic",
    ]


def test_names_resolve_on_first_use_and_dir_lists_them() -> None:
    code = "import minimax_sdk\nassert minimax_sdk.agent.KeepEverything is minimax_sdk.KeepEverything\n"
    assert _loaded_after(code, ["minimax_sdk.agent", "minimax_sdk.client"]) == ["minimax_sdk.agent"]
    assert set(minimax_sdk.__all__) <= set(dir(minimax_sdk))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        minimax_sdk.Nope  # noqa: B018
