"""The engine child: ``python -m minimax_sdk.backends.sglang._engine_child CONFIG_JSON``.

An in-process ``sglang.Engine`` changes its host process globally (event loop policy, logging, signal
handlers, ``spawn``) and its shutdown kills every child of the host (SGLANG.md §1.6), so the SDK runs it here,
in a process of its own, and talks to it over a pipe. The protocol is JSON lines:

- parent → child (stdin): ``{"id": 1, "prompt": "...", "sampling": {...}}``; end of input means stop;
- child → parent (stdout): ``{"event": "ready"}`` once the engine is up; for each request, pieces of the raw
  completion ``{"id": 1, "text": "..."}`` in order, then ``{"id": 1, "done": true, "finish_reason": "stop",
  "prompt_tokens": n, "completion_tokens": m, "cached_tokens": k}``, or ``{"id": 1, "error": "..."}``.

Everything else the engine prints goes to stderr, which the parent keeps as the log. The engine is chosen by
``config["engine"]`` (``"module:factory"``; the default builds ``sglang.Engine``), so tests run this same
program with a stand-in engine. Standard library only, apart from the engine itself.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
import threading
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

__all__ = ["ChildEngine", "SGLangEngine", "main"]

DEFAULT_ENGINE = "minimax_sdk.backends.sglang._engine_child:SGLangEngine"


class ChildEngine(Protocol):
    """What the child drives: an engine built from ``config["engine_args"]`` (blocking until it is ready)."""

    def generate(self, prompt: str, sampling: Mapping[str, Any]) -> AsyncIterator[dict[str, Any]]:
        """Pieces ``{"text": delta}``, then one ``{"finish_reason", "prompt_tokens", "completion_tokens",
        "cached_tokens"}``."""
        ...

    def shutdown(self) -> None: ...


class SGLangEngine:
    """``sglang.Engine`` with the model's own tokenizer: the prompt the SDK rendered becomes token ids (the
    M2 role markers are special tokens of that tokenizer; the neutralised markers of untrusted text are not),
    and the completion is detokenised with ``skip_special_tokens=False``, so the SDK's parser sees it whole."""

    def __init__(self, engine_args: Mapping[str, Any]) -> None:
        import sglang  # only here, in the child process
        from transformers import AutoTokenizer

        args = dict(engine_args)
        self._tokenizer = AutoTokenizer.from_pretrained(
            args.get("tokenizer_path") or args["model_path"], trust_remote_code=bool(args.get("trust_remote_code"))
        )
        self._engine = sglang.Engine(**args)

    async def generate(self, prompt: str, sampling: Mapping[str, Any]) -> AsyncIterator[dict[str, Any]]:
        input_ids = self._tokenizer.encode(prompt, add_special_tokens=False)  # the prompt has its own ]~!b[
        params = {**sampling, "skip_special_tokens": False}
        stream = await self._engine.async_generate(input_ids=input_ids, sampling_params=params, stream=True)
        sent = ""
        meta: Mapping[str, Any] = {}
        async for chunk in stream:
            text = chunk.get("text", "")  # cumulative by default
            if len(text) > len(sent):
                yield {"text": text[len(sent) :]}
                sent = text
            meta = chunk.get("meta_info") or meta
        finish = meta.get("finish_reason")
        yield {
            "finish_reason": finish.get("type") if isinstance(finish, Mapping) else finish,
            "prompt_tokens": meta.get("prompt_tokens", len(input_ids)),
            "completion_tokens": meta.get("completion_tokens"),
            "cached_tokens": meta.get("cached_tokens"),  # prompt tokens found in the radix cache
        }

    def shutdown(self) -> None:
        self._engine.shutdown()


class _Writer:
    def __init__(self) -> None:
        self._lock = threading.Lock()

    def send(self, message: Mapping[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False)
        with self._lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()


async def _answer(engine: ChildEngine, request: Mapping[str, Any], out: _Writer) -> None:
    rid = request.get("id")
    try:
        async for piece in engine.generate(str(request["prompt"]), request.get("sampling") or {}):
            if "text" in piece:
                out.send({"id": rid, "text": piece["text"]})
            else:
                out.send({"id": rid, "done": True, **piece})
    except Exception as exc:  # the parent turns it into an error for that request; the engine goes on
        out.send({"id": rid, "error": f"{type(exc).__name__}: {exc}"})


async def _serve(engine: ChildEngine, out: _Writer) -> None:
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:  # a thread: stdin is a pipe, and the engine's loop must stay free
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="engine-stdin", daemon=True).start()
    tasks: set[asyncio.Task[None]] = set()
    while (line := await lines.get()) is not None:
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"engine child: unreadable request line: {exc}", file=sys.stderr, flush=True)
            continue
        task = loop.create_task(_answer(engine, request, out))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)


def main(argv: list[str] | None = None) -> int:
    config = json.loads((argv or sys.argv[1:])[0])
    module_name, _, attribute = str(config.get("engine") or DEFAULT_ENGINE).partition(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    loop = asyncio.new_event_loop()  # before the engine, which keeps the loop it finds
    asyncio.set_event_loop(loop)
    engine: ChildEngine = factory(config.get("engine_args") or {})
    out = _Writer()
    out.send({"event": "ready"})
    try:
        loop.run_until_complete(_serve(engine, out))
    finally:
        engine.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
