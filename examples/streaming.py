"""Streaming: the reasoning (dimmed on a terminal) apart from the answer, as the tokens arrive.

python examples/streaming.py            # the backend from MINIMAX_* env vars / minimax.toml
python examples/streaming.py --demo     # a scripted reference server on 127.0.0.1 (no key needed)
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from minimax_sdk import ContentDelta, MiniMax, ReasoningDelta

DIM, RESET = ("\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "")


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax() as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="minimax", chunk_chars=5) as server:
        server.script(
            Turn(
                reasoning="A haiku: five, seven, five syllables. About streaming tokens.",
                content="Tokens drift like snow,\none by one the answer grows,\nthought before the word.",
            )
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()
    with client_for(args.demo) as client:
        stream = client.stream([{"role": "user", "content": "Write a haiku about streaming."}])
        shown = ""
        for event in stream:
            if isinstance(event, ReasoningDelta):
                if shown != "reasoning":
                    print(f"{DIM}[thinking] ", end="")
                    shown = "reasoning"
                print(event.text, end="", flush=True)
            elif isinstance(event, ContentDelta):
                if shown != "content":
                    print(f"{RESET}\n[answer] ", end="")
                    shown = "content"
                print(event.text, end="", flush=True)
        print(RESET)
        response = stream.response
    print(
        f"finish: {response.finish_reason}, reasoning kept for the next turn: {len(response.message.reasoning)} chars"
    )


if __name__ == "__main__":
    main()
