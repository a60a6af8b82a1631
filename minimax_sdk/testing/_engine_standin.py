"""A stand-in for ``sglang.Engine`` inside the SDK's engine child, for tests without GPUs or sglang.

It reads the prompt the way M2's tokenizer does, where only the exact role markers (``]~b]user``, ...) are
special tokens, so a marker neutralised inside untrusted text stays text. It answers with the raw completions
it was given (``replies``), in order, or by default with an echo that reports the turns it saw::

    Turns: system,user,ai.            <- the reasoning (the completion starts inside <think>)
    </think>

    <the last user message>

Pieces of ``chunk_chars`` characters are streamed. A reply ``"<exit>"`` makes the process exit with status 3
at once (an engine that crashes during a request). Standard library only; shares no code with the SDK.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any

__all__ = ["StandInEngine"]

_TURN = re.compile(r"\]~b\](\w+)\n")
_END = "[e~["


class StandInEngine:
    def __init__(self, engine_args: Mapping[str, Any]) -> None:
        self.replies = [str(r) for r in engine_args.get("replies", [])]
        self.chunk_chars = max(1, int(engine_args.get("chunk_chars", 4)))
        self._last_prompt = ""
        print("[stand-in TP0] Load weight begin. avail mem=139.20 GB", file=sys.stderr, flush=True)
        print("[stand-in TP0] Load weight end.", file=sys.stderr, flush=True)

    async def generate(self, prompt: str, sampling: Mapping[str, Any]) -> AsyncIterator[dict[str, Any]]:
        print(f"[stand-in] sampling {json.dumps(dict(sampling), sort_keys=True)}", file=sys.stderr, flush=True)
        text = self.replies.pop(0) if self.replies else self._echo(prompt)
        if text == "<exit>":
            print("[stand-in] Scheduler hit an exception: the stand-in crashed (as asked)", file=sys.stderr, flush=True)
            os._exit(3)
        for start in range(0, len(text), self.chunk_chars):
            yield {"text": text[start : start + self.chunk_chars]}
            await asyncio.sleep(0)
        # like SGLang's radix cache: the prompt's prefix shared with the previous prompt counts as cached
        last = self._last_prompt
        shared = next(
            (i for i, (a, b) in enumerate(zip(last, prompt, strict=False)) if a != b), min(len(last), len(prompt))
        )
        self._last_prompt = prompt
        usage = {"prompt_tokens": len(prompt) // 4, "completion_tokens": len(text) // 4, "cached_tokens": shared // 4}
        yield {"finish_reason": "stop", **usage}

    @staticmethod
    def _echo(prompt: str) -> str:
        turns = _TURN.findall(prompt)
        marker = "]~b]user\n"
        last_user = prompt[prompt.rfind(marker) + len(marker) :].split(_END, 1)[0] if marker in prompt else ""
        return f"Turns: {','.join(turns)}.\n</think>\n\n{last_user}"

    def shutdown(self) -> None:
        print("[stand-in] engine shut down", file=sys.stderr, flush=True)
