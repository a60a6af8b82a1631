"""SGLang's own endpoints, enough for a launcher's supervisor to take the reference server for SGLang.

``/health``, ``/health_generate`` and ``/ready`` (503 until ready), ``/v1/models``, ``/model_info`` (and the
deprecated ``/get_model_info``), and ``POST /generate``: the raw completion of the turn (as the model
writes it after the prompt's ``<think>\\n``) with ``meta_info``; streamed, ``text`` is cumulative.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ._dialects import Dialect, pieces
from ._faults import DONE_EVENT, Reply, dumps, sse_event
from ._turns import Turn, estimate_tokens, raw_completion

__all__ = [
    "generate_payload_error",
    "generate_reply",
    "generate_user_text",
    "health_reply",
    "model_info_reply",
]

EOS_TOKEN_ID = 200020
MAX_MODEL_LEN = 204800
_USER_HEADER = "]~b]user\n"
_END_OF_MESSAGE = "[e~["


def health_reply(ready: bool) -> Reply:
    """200 with an empty body when ready, else 503 (as SGLang while it starts)."""
    return Reply(status=200 if ready else 503, content_type="text/plain; charset=utf-8")


def models_reply(model: str) -> Reply:
    entry = {
        "id": model,
        "object": "model",
        "created": int(time.time()),
        "owned_by": "sglang",
        "root": model,
        "max_model_len": MAX_MODEL_LEN,
    }
    return Reply(body=dumps({"object": "list", "data": [entry]}))


def model_info_reply(dialect: Dialect, model: str, overrides: Mapping[str, Any]) -> Reply:
    info: dict[str, Any] = {
        "model_path": model,
        "tokenizer_path": model,
        "served_model_name": model,
        "is_generation": True,
        "preferred_sampling_params": None,
        "weight_version": "default",
        "load_format": "auto",
        "reasoning_parser": dialect.sglang_reasoning_parser,
        "tool_call_parser": dialect.sglang_tool_call_parser,
        "model_type": "minimax_m2",
        "architectures": ["MiniMaxM2ForCausalLM"],
    }
    info.update(overrides)
    return Reply(body=dumps(info))


def generate_payload_error(payload: Mapping[str, Any]) -> str | None:
    """Why a ``/generate`` body cannot be served (None when it can): one prompt, as text or token ids."""
    text, ids = payload.get("text"), payload.get("input_ids")
    if isinstance(text, str) or (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
        return None
    return "'text' must be a string or 'input_ids' a list of integers (batches are not supported)"


def generate_user_text(payload: Mapping[str, Any]) -> str:
    """The last user message of a rendered M2 prompt; the whole text if it has none; "" for token ids."""
    text = payload.get("text")
    if not isinstance(text, str):
        return ""
    start = text.rfind(_USER_HEADER)
    if start < 0:
        return text
    body = text[start + len(_USER_HEADER) :]
    return body.split(_END_OF_MESSAGE, 1)[0]


def _finish(turn: Turn, completion_tokens: int) -> dict[str, Any]:
    if turn.finish_reason == "length":
        return {"type": "length", "length": completion_tokens}
    if turn.finish_reason == "abort":
        return {"type": "abort", "message": "aborted"}
    return {"type": "stop", "matched": EOS_TOKEN_ID}


def generate_reply(payload: Mapping[str, Any], turn: Turn, *, request_id: str, chunk_chars: int) -> Reply:
    """The ``/generate`` answer: JSON, or SSE events with cumulative ``text`` when ``stream`` is set."""
    ids = payload.get("input_ids")
    prompt_tokens = len(ids) if isinstance(ids, list) else estimate_tokens(str(payload.get("text", "")))
    raw = raw_completion(turn)

    def result(text: str, done: bool) -> dict[str, Any]:
        tokens = estimate_tokens(text)
        meta = {
            "id": request_id,
            "finish_reason": _finish(turn, tokens) if done else None,
            "prompt_tokens": prompt_tokens,
            "completion_tokens": tokens,
            "cached_tokens": 0,
        }
        return {"text": text, "meta_info": meta}

    if not payload.get("stream"):
        return Reply(body=dumps(result(raw, True)))
    events: list[bytes] = []
    sent = ""
    parts = pieces(raw, chunk_chars)
    for index, piece in enumerate(parts):
        sent += piece
        events.append(sse_event(result(sent, index == len(parts) - 1)))
    return Reply(events=[*events, DONE_EVENT])
