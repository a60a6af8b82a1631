"""MiniMax-M2.1 on your own GPUs: the SDK starts SGLang, waits until it is ready, and talks to it.

    python examples/local_sglang.py --model-path /models/MiniMax-M2.1 --tp 4   # needs GPUs and sglang
    python examples/local_sglang.py --dry-run   # print the server's command line only
    python examples/local_sglang.py --demo      # the command line, then a chat with a stand-in server

Without a GPU (no ``nvidia-smi``) or without sglang installed, it is a dry run: it prints the command line
``backend="sglang"`` would run (:func:`minimax_sdk.backends.sglang.launch_argv`) and stops there.
``--demo`` then talks to the reference server in SGLang's dialect, attached by ``base_url`` as to a
running server (``backend="sglang"`` reads its ``/model_info`` to learn the reasoning parser).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil

from minimax_sdk import MiniMax
from minimax_sdk.backends.sglang import SGLangLaunch, format_command, launch_argv

QUESTION = [{"role": "user", "content": "Say hello from a local GPU."}]


def can_run_sglang() -> bool:
    return shutil.which("nvidia-smi") is not None and importlib.util.find_spec("sglang") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-path", default="MiniMaxAI/MiniMax-M2.1", help="a local path or a Hub id")
    parser.add_argument("--tp", type=int, default=4, help="GPUs per copy of the model (tensor parallel)")
    parser.add_argument("--dry-run", action="store_true", help="print the server's command line and stop")
    parser.add_argument("--demo", action="store_true", help="dry run, then a chat with a stand-in on loopback")
    args = parser.parse_args()
    launch = SGLangLaunch(args.model_path, tp=args.tp, port=30000)
    if args.dry_run or args.demo or not can_run_sglang():
        why = "dry run" if args.dry_run or args.demo else "dry run: no GPU or no sglang here"
        print(f"({why}) the server's command line:")
        print(format_command(launch_argv(launch)))
        if args.demo:
            demo()
        return
    with MiniMax(backend="sglang", sglang={"model_path": args.model_path, "tp": args.tp}) as client:
        print("starting SGLang (minutes: weights, memory pool, CUDA graphs)...")
        response = client.chat(QUESTION)
    print(f"reasoning: {response.message.reasoning}\nanswer: {response.message.content}")


def demo() -> None:
    from minimax_sdk.testing import ReferenceServer, Turn

    with ReferenceServer(dialect="openai-split") as server:
        server.script(Turn(reasoning="Greet, and say where from.", content="Hello from a (stand-in) local GPU!"))
        with MiniMax(backend="sglang", base_url=server.base_url) as client:
            response = client.chat(QUESTION)
    print(f"reasoning: {response.message.reasoning}\nanswer: {response.message.content}")


if __name__ == "__main__":
    main()
