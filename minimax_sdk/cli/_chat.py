"""``minimax chat [QUESTION]``: one question, or a conversation at a prompt, streamed: reasoning apart from the
answer, tool calls and results as they happen. History (reasoning included) is kept across turns."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from ..agent import RunDoneEvent
from ._common import UsageError, add_backend_options
from ._display import RunDisplay, SentRequests, usage_line
from ._failures import report_failure
from ._tool_files import load_tools

HTTP_BACKENDS = ("minimax", "minimax-inline", "nvidia", "openai")
EXIT_INTERRUPTED = 130
PROMPT = "you› "


@contextlib.contextmanager
def open_client(args: argparse.Namespace, sent: SentRequests) -> Iterator[Any]:
    """The client for the flags and settings; an HTTP backend's requests go through ``sent``'s hook."""
    from ..client import MiniMax
    from ..config import load_settings

    settings = load_settings(args.config, backend=args.backend, model=args.model, base_url=args.base_url)
    http = sent.client(settings.timeout, settings.connect_timeout) if settings.backend in HTTP_BACKENDS else None
    try:
        with MiniMax(settings=settings, http_client=http) as client:
            yield client
    finally:
        if http is not None:
            http.close()


def turn_record(result: Any, start: int) -> dict[str, Any]:
    """One exchange as JSON for scripts: the reasoning, the answer, the tool calls with results, the usage."""
    from ..messages import AssistantMessage, ToolMessage

    new = result.messages[start:]
    results = {m.tool_call_id: m for m in new if isinstance(m, ToolMessage)}
    reasoning, calls = [], []
    for message in new:
        if not isinstance(message, AssistantMessage):
            continue
        if message.reasoning:
            reasoning.append(message.reasoning)
        for call in message.tool_calls:
            answer = results.get(call.id)
            calls.append(
                {"id": call.id, "name": call.name, "arguments": call.arguments, "result": answer and answer.content}
            )
    usage = result.usage
    return {
        "reasoning": "\n\n".join(reasoning),
        "content": result.final_answer,
        "tool_calls": calls,
        "usage": {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
            "reasoning_tokens": usage.reasoning_tokens,
        },
        "stop_reason": result.stop_reason,
    }


class Conversation:
    """The history and one exchange at a time, drawn on the console or written as JSON lines."""

    def __init__(self, args: argparse.Namespace, client: Any, tools: list[Any], sent: SentRequests, out: TextIO):
        self.args = args
        self.client = client
        self.tools = tools
        self.sent = sent
        self.out = out
        self.console = Console(file=out, highlight=False, soft_wrap=True)
        self.history: list[Any] = []

    def ask(self, question: str) -> None:
        start = len(self.history)
        events = self.client.run_stream([*self.history, {"role": "user", "content": question}], tools=self.tools)
        if self.args.json:
            result = next(e.result for e in events if isinstance(e, RunDoneEvent))
            self.out.write(json.dumps(turn_record(result, start), ensure_ascii=False) + "\n")
            self.out.flush()
        else:
            display = RunDisplay(self.console, show_reasoning=not self.args.hide_reasoning, sent=self.sent)
            result = display.show(events)
            self.console.print(
                Text(usage_line(result.usage, result.turns, result.tool_calls, result.stop_reason), "dim")
            )
        self.history = list(result.messages)


def read_question(stdin: TextIO, stdout: TextIO, prompt: str) -> str | None:
    """The next line at the prompt; None at an empty line or end of input."""
    if stdin is sys.stdin and stdin.isatty():
        try:
            line = input(prompt)
        except EOFError:
            return None
    else:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if not line:
            return None
    return line.strip() or None


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    tools = load_tools(args.tools) if args.tools else []
    sent = SentRequests()
    try:
        with open_client(args, sent) as client:
            conversation = Conversation(args, client, tools, sent, stdout)
            if args.question:
                conversation.ask(" ".join(args.question))
                return 0
            if not args.json:
                conversation.console.print(Text("an empty line or Ctrl-D ends the conversation", "dim"))
            while (question := read_question(stdin, stdout, "" if args.json else PROMPT)) is not None:
                conversation.ask(question)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except UsageError:
        raise
    except Exception as exc:
        return report_failure("chat", exc, debug=args.debug)
    return 0


def register(commands: Any) -> None:
    chat = commands.add_parser(
        "chat",
        help="ask the model a question, or chat at a prompt (reasoning streamed apart from the answer)",
        description="One question (minimax chat 'QUESTION'), or a conversation at a prompt (an empty line or "
        "Ctrl-D ends it). Reasoning streams dimmed, apart from the answer; tool calls and results show as they "
        "happen; the history, reasoning included, goes back to the model each turn.",
    )
    chat.add_argument("question", nargs="*", metavar="QUESTION", help="ask this and exit (default: a prompt)")
    chat.add_argument("--hide-reasoning", action="store_true", help="do not show the model's reasoning")
    chat.add_argument("--tools", metavar="PATH.py", help="tool functions: a file's @tool ones, or all public")
    add_backend_options(chat)
    chat.add_argument("--json", action="store_true", help="one JSON object per exchange (reasoning, content, ...)")
    chat.add_argument("--debug", action="store_true", help="show the traceback of an error")
    chat.set_defaults(handler=run)
