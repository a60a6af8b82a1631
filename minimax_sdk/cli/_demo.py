"""``minimax demo``: a small agent with real tools, run against the configured backend, or without a key
against the built-in reference server replaying scripted turns written in M2.1's output format."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from ._common import UsageError, add_backend_options
from ._display import RunDisplay, SentRequests
from ._failures import report_failure

QUESTION = "How much would a year of the Team plan cost for everyone on our team? It's all in my notes."
TURN_SEPARATOR = "=== next turn ==="
HTTP_BACKENDS = ("minimax", "minimax-inline", "nvidia", "openai")


def sample_folder() -> Path:
    """The bundled sample notes the demo searches by default."""
    return Path(str(resources.files("minimax_sdk.cli") / "demo_notes"))


def scripted_outputs() -> list[str]:
    """The replay's model outputs, raw M2.1 text (``<think>…</think>`` and ``<minimax:tool_call>`` XML)."""
    text = (resources.files("minimax_sdk.cli") / "demo_turns.txt").read_text(encoding="utf-8")
    return [part.strip("\n") for part in text.split(TURN_SEPARATOR)]


def scripted_turns(tools: list[Any]) -> list[Any]:
    """The raw outputs as reference-server turns (the server writes them back out as raw completions)."""
    from ..parsing import parse_output
    from ..testing import Turn

    definitions = [t.definition for t in tools]
    turns = []
    for raw in scripted_outputs():
        parsed = parse_output(raw, definitions)
        calls = [{"name": c.name, "arguments": c.arguments} for c in parsed.tool_calls]
        turns.append(Turn(reasoning=parsed.reasoning, content=parsed.content, tool_calls=calls))
    return turns


@dataclass
class Target:
    """Where the demo runs: the client, and a line saying what it is."""

    client: Any
    banner: str


@contextlib.contextmanager
def open_target(args: argparse.Namespace, tools: list[Any], sent: SentRequests) -> Iterator[Target]:
    from ..client import MiniMax
    from ..config import load_settings
    from ..errors import ConfigError

    settings = None
    if not args.replay:
        try:
            settings = load_settings(args.config, backend=args.backend, model=args.model, base_url=args.base_url)
        except ConfigError as exc:
            if exc.key != "api_key" or args.backend or args.base_url:
                raise
    if settings is not None:
        http = sent.client(settings.timeout, settings.connect_timeout) if settings.backend in HTTP_BACKENDS else None
        try:
            with MiniMax(settings=settings, http_client=http) as client:
                where = settings.base_url or settings.backend
                yield Target(client, f"live: backend {settings.backend}, model {settings.model} at {where}")
        finally:
            if http is not None:
                http.close()
        return
    from ..testing import ReferenceServer

    with ReferenceServer(dialect="openai-raw", chunk_chars=4, chunk_delay=args.chunk_delay) as server:
        server.script(*scripted_turns(tools))
        http = sent.client(30.0, 5.0)
        try:
            with MiniMax(backend="openai", base_url=server.base_url, raw_mode="raw", http_client=http) as client:
                yield Target(
                    client,
                    "scripted replay: no API key is set, so the built-in reference server on 127.0.0.1 replays "
                    "turns written in M2.1's raw output format (<think> + <minimax:tool_call> XML); the tools "
                    "run for real. Set MINIMAX_API_KEY (or NVIDIA_API_KEY with --backend nvidia) for the live model.",
                )
        finally:
            http.close()


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from ..agent import Limits
    from ._demo_tools import folder_tools

    console = Console(file=stdout, highlight=False, soft_wrap=True)
    folder = Path(args.folder) if args.folder else sample_folder()
    if not folder.is_dir():
        raise UsageError(f"--folder {args.folder}: not a folder")
    tools = folder_tools(folder)
    sent = SentRequests()
    try:
        with open_target(args, tools, sent) as target:
            replay = "scripted replay" in target.banner
            if replay and (args.folder or args.question):
                raise UsageError(
                    "--folder and --question need the live model (set MINIMAX_API_KEY): the replay is scripted "
                    "over the bundled sample notes"
                )
            question = args.question or QUESTION
            console.print(Text(target.banner, "bold yellow" if replay else "bold"))
            console.print(Text(f"tools: calculate, search_files, read_file over {folder}", "dim"))
            console.print(Text.assemble(("you: ", "bold"), question))
            display = RunDisplay(console, sent=sent)
            messages = [{"role": "user", "content": question}]
            result = display.show(target.client.run_stream(messages, tools=tools, limits=Limits(max_turns=12)))
            display.usage(result)
    except UsageError:
        raise
    except Exception as exc:
        return report_failure("demo", exc, debug=args.debug)
    return 0


def register(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="run a small agent with real tools (calculator, file search) and show how M2.1 works",
        description="A small agent with a calculator and a search over a folder's files. With an API key it "
        "runs against the configured backend; without one, the built-in reference server replays scripted "
        "turns in M2.1's output format (the tools still run). Shows the streamed reasoning apart from the "
        "answer, each tool call and result, the reasoning sent back each turn, and the usage.",
    )
    demo.add_argument("--replay", action="store_true", help="the scripted replay even when a key is set")
    demo.add_argument("--folder", help="the folder the file tools search (live model; default: bundled notes)")
    demo.add_argument("--question", help="what to ask (live model)")
    add_backend_options(demo)
    demo.add_argument("--chunk-delay", type=float, default=0.01, help=argparse.SUPPRESS)
    demo.add_argument("--debug", action="store_true", help="show the traceback of an error")
    demo.set_defaults(handler=run)
