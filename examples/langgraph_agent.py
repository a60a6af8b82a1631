"""A LangGraph ReAct agent on MiniMax-M2.1 through ChatMiniMax, on any backend the SDK speaks.

The agent streams the model's reasoning, its answer and its tool calls as they arrive; every turn's
reasoning goes back to the model with the history (MiniMax-M2.1's interleaved thinking).

    pip install 'minimax-sdk[langchain]'

    # the MiniMax platform (key from MINIMAX_API_KEY)
    python examples/langgraph_agent.py "What should I wear in Paris today?"
    # a self-hosted vLLM / SGLang server
    python examples/langgraph_agent.py --backend openai --base-url http://gpu-node:30000/v1 "..."
    # NVIDIA's API catalog (key from NVIDIA_API_KEY)
    python examples/langgraph_agent.py --backend nvidia "..."
    # no key, no network: the SDK's reference server on loopback, with a scripted model
    python examples/langgraph_agent.py --demo      (also --reference-server)

Without options, the backend, model and URL come from the environment (MINIMAX_BACKEND, MINIMAX_MODEL,
MINIMAX_BASE_URL) or ``minimax.toml``, as for ``minimax_sdk.MiniMax``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.messages import AIMessageChunk, ToolMessage
from langchain_core.tools import tool

from langchain_minimax import ChatMiniMax

DEFAULT_QUESTION = "What should I wear in Paris today, and is it lunch time there yet?"


@tool
def get_weather(city: str) -> str:
    """The current weather in a city.

    Args:
        city: The city's name, e.g. "Paris".
    """
    return f"{city}: 14 °C, light rain until the afternoon."


@tool
def get_local_time(city: str) -> str:
    """The local time in a city.

    Args:
        city: The city's name, e.g. "Paris".
    """
    return f"{city}: 11:40."


@contextlib.contextmanager
def reference_server() -> Iterator[str]:
    """The SDK's reference server, scripted to play a two-tool agent run; yields its base URL."""
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="minimax", chunk_chars=6, chunk_delay=0.01) as server:
        server.script(
            Turn(
                reasoning="The user asks about clothes and lunch in Paris. Weather first.",
                content="Let me check the weather.",
                tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
            ),
            Turn(
                reasoning="Rain and 14 °C: a raincoat. Now the local time.",
                tool_calls=[{"name": "get_local_time", "arguments": {"city": "Paris"}}],
            ),
            Turn(
                reasoning="11:40 is just before lunch. Answer both.",
                content="Take a light raincoat: 14 °C with rain until the afternoon. It is 11:40, so lunch is close.",
            ),
        )
        yield server.base_url


def build_agent(model: ChatMiniMax, tools: list[Any]) -> Any:
    """``langchain.agents.create_agent`` (the ``[langchain]`` extra installs langchain); LangGraph's prebuilt
    ReAct agent only where langchain is missing (a LangGraph-only install)."""
    try:
        from langchain.agents import create_agent  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from langgraph.prebuilt import create_react_agent

        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # "moved to langchain.agents": the same loop, kept for LangGraph-only installs
            return create_react_agent(model, tools)
    return create_agent(model, tools)


def run(model: ChatMiniMax, question: str) -> None:
    agent = build_agent(model, [get_weather, get_local_time])
    kind = ""
    for message, _metadata in agent.stream({"messages": [("user", question)]}, stream_mode="messages"):
        if isinstance(message, ToolMessage):
            print(f"\n[tool {message.name}] {message.content}")
            kind = ""
            continue
        if not isinstance(message, AIMessageChunk):
            continue
        for block in message.content if isinstance(message.content, list) else []:
            if not isinstance(block, dict) or block.get("type") not in ("reasoning", "text"):
                continue
            if block["type"] != kind:
                kind = block["type"]
                print(f"\n[{'thinking' if kind == 'reasoning' else 'answer'}] ", end="")
            print(block.get("reasoning") or block.get("text") or "", end="", flush=True)
        for call in message.tool_call_chunks:
            if call.get("name"):
                print(f"\n[call {call['name']}] ", end="")
                kind = ""
            print(call.get("args") or "", end="", flush=True)
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("question", nargs="?", default=DEFAULT_QUESTION)
    parser.add_argument("--backend", help="minimax, minimax-inline, nvidia or openai")
    parser.add_argument("--base-url", help="the OpenAI-compatible base URL, e.g. http://127.0.0.1:30000/v1")
    parser.add_argument("--model", help="the model id (default: the backend's M2.1 id)")
    parser.add_argument(
        "--demo", "--reference-server", dest="demo", action="store_true", help="run offline against a scripted server"
    )
    args = parser.parse_args(argv)
    options: dict[str, Any] = {"backend": args.backend, "base_url": args.base_url, "model": args.model}
    with contextlib.ExitStack() as stack:
        if args.demo:
            options.update(backend="minimax", base_url=stack.enter_context(reference_server()), api_key="offline")
        run(ChatMiniMax(**{k: v for k, v in options.items() if v is not None}), args.question)
    return 0


if __name__ == "__main__":
    sys.exit(main())
