"""What the embedded SGLang tests share: a weather tool, two scripted turns, and a check that pids are gone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from minimax_sdk import ChatResponse
from minimax_sdk.parsing import InvalidToolCall, ToolCall
from minimax_sdk.testing import Turn

WEATHER = {
    "name": "get_weather",
    "description": "Forecast.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
CALL = Turn(
    reasoning="Need the forecast.",
    content="Let me check.",
    tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
)
ANSWER = Turn(reasoning="Sunny: say so.", content="It is sunny in Paris.")
USER = [{"role": "user", "content": "Weather in Paris?"}]


def get_weather(city: str) -> str:
    """Forecast for a city."""
    return f"{city}: sunny"


def alive(pids: list[int]) -> list[int]:
    """The pids that still name a live process (not gone, not a zombie)."""
    found = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rfind(")") + 2 :].split()[0] not in ("Z", "X"):
            found.append(pid)
    return found


def comparable(response: ChatResponse, *, server_finish: bool = True) -> ChatResponse:
    """What two backends must agree on: not the ids a server assigns, its usage, model name or dialect (nor
    the server's own finish reason, with ``server_finish=False``: an engine has no server to say one)."""
    blocks = tuple(
        replace(b, id=f"id{i}") if isinstance(b, ToolCall | InvalidToolCall) else b
        for i, b in enumerate(response.message.blocks)
    )
    message = replace(response.message, blocks=blocks, dialect=None)
    return replace(
        response, message=message, usage=None, id=None, request_id=None, model=None, server_finish_reason=None
    )
