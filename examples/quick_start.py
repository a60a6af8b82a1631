"""Quick start: one question, the model's reasoning apart from its answer, and the token usage.

python examples/quick_start.py            # the backend from MINIMAX_* env vars / minimax.toml
python examples/quick_start.py --demo     # a scripted reference server on 127.0.0.1 (no key needed)
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from minimax_sdk import MiniMax

QUESTION = "In one sentence: why is the sky blue?"


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
                reasoning="Rayleigh scattering: shorter wavelengths scatter more. One sentence.",
                content="Air molecules scatter blue light far more than red, so blue reaches us from all of the sky.",
            )
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo") as client:
            yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()
    with client_for(args.demo) as client:
        response = client.chat([{"role": "user", "content": QUESTION}])
    print(f"reasoning: {response.message.reasoning}")
    print(f"answer: {response.message.content}")
    if response.usage is not None:
        print(f"tokens: {response.usage.prompt_tokens} in, {response.usage.completion_tokens} out")


if __name__ == "__main__":
    main()
