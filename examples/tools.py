"""Tools by hand: the model asks for a call, your code runs it, the result goes back with the history.

    python examples/tools.py            # the backend from MINIMAX_* env vars / minimax.toml
    python examples/tools.py --demo     # a scripted reference server on 127.0.0.1 (no key needed)

The assistant message goes back as it came (its reasoning included: M2.1's interleaved thinking).
``client.run(...)`` does this loop for you (see agent_loop.py); here each step is visible.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from typing import Any

from minimax_sdk import MiniMax, ToolMessage, tool


@tool
def add(a: float, b: float) -> float:
    """Add two numbers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax() as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="Use the add tool rather than guessing.",
                tool_calls=[{"name": "add", "arguments": {"a": 1234.5, "b": 8765.5}}],
            ),
            Turn(reasoning="The tool said 10000.", content="1234.5 + 8765.5 = 10000."),
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()
    tools = {add.name: add}
    messages: list[Any] = [{"role": "user", "content": "What is 1234.5 + 8765.5? Use the tool."}]
    with client_for(args.demo) as client:
        for _ in range(5):
            message = client.chat(messages, tools=list(tools.values())).message
            messages.append(message)  # reasoning and tool calls go back as they came
            if not message.tool_calls:
                print(f"answer: {message.content}")
                return
            for call in message.tool_calls:
                result = tools[call.name].invoke(call.arguments)
                print(f"-> {call.name}({call.arguments}) = {result.text}")
                messages.append(ToolMessage(tool_call_id=call.id, content=result.text, name=call.name))
    raise SystemExit("no answer after 5 turns")


if __name__ == "__main__":
    main()
