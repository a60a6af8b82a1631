"""Faults: data objects saying how the next inference request goes wrong, and the code that delivers replies.

A route builds a :class:`Reply` (a JSON body, or a list of SSE events). A fault turns it into a
:class:`Plan` (the same reply, altered, plus stalls and interruptions), and :func:`deliver` carries the plan
out on a connection. Faults that need no content (status, ``base_resp``, disconnect) take no scripted turn.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ._http import Connection
from ._turns import Turn

__all__ = ["DONE_EVENT", "Fault", "Plan", "Reply", "deliver", "error_reply", "plan_for", "sse_event"]

FaultKind = Literal["status", "base_resp", "disconnect", "reset", "stall", "malformed_sse", "truncated", "invalid_utf8"]

DONE_EVENT = b"data: [DONE]\n\n"
INVALID_UTF8 = b"\xff\xfe\xfd"
# A private-use character stands in for the invalid bytes while the reply is built; one character, so
# chunking never splits it, and it becomes ``INVALID_UTF8`` once encoded.
_MARKER = "\ue000"

_ERROR_KINDS: Mapping[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("not_found_error", None),
    408: ("timeout_error", None),
    409: ("conflict_error", None),
    413: ("invalid_request_error", "request_too_large"),
    422: ("invalid_request_error", None),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    529: ("overloaded_error", None),
}


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sse_event(payload: Any) -> bytes:
    """One server-sent event carrying ``payload`` as JSON."""
    return b"data: " + dumps(payload) + b"\n\n"


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    """An OpenAI-style error object for ``status``."""
    kind, code = _ERROR_KINDS.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    text = message or f"reference server: HTTP {status}"
    return {"error": {"message": text, "type": kind, "param": None, "code": code}}


@dataclass
class Reply:
    """A response to send: a body (sent with Content-Length) or SSE events (sent chunked)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    events: list[bytes] | None = None
    content_type: str | None = None

    @property
    def media_type(self) -> str:
        if self.content_type is not None:
            return self.content_type
        return "text/event-stream; charset=utf-8" if self.events is not None else "application/json"


def error_reply(status: int, message: str | None = None) -> Reply:
    return Reply(status=status, body=dumps(error_body(status, message)))


@dataclass(frozen=True)
class Fault:
    """How the next inference request goes wrong. Build one with the class methods."""

    kind: FaultKind
    http_status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str = "application/json"
    after_chunks: int | None = None
    seconds: float = 0.0
    line: bytes = b""
    in_stream: bool = False

    @classmethod
    def status(
        cls,
        code: int,
        *,
        retry_after: str | None = None,
        retry_after_ms: str | None = None,
        should_retry: bool | None = None,
        body: Mapping[str, Any] | str | bytes | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> Fault:
        """Answer HTTP ``code``: headers ``Retry-After``, ``retry-after-ms``, ``x-should-retry`` if given;
        the body is ``body`` (a mapping is sent as JSON) or an OpenAI error object with ``message``."""
        extra = [("retry-after", retry_after), ("retry-after-ms", retry_after_ms)]
        if should_retry is not None:
            extra.append(("x-should-retry", "true" if should_retry else "false"))
        all_headers = [(k, v) for k, v in extra if v is not None] + list((headers or {}).items())
        if body is None:
            body = error_body(code, message)
        raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else dumps(body)
        return cls("status", http_status=code, headers=tuple(all_headers), body=raw, content_type=content_type)

    @classmethod
    def base_resp(
        cls, status_code: int = 1002, status_msg: str = "rate limit exceeded", *, in_stream: bool = False
    ) -> Fault:
        """MiniMax style: HTTP 200 whose body is ``{"base_resp": {...}}`` with no choices. With
        ``in_stream`` a streaming request gets it as the only SSE event instead of a JSON body."""
        body = dumps({"base_resp": {"status_code": status_code, "status_msg": status_msg}})
        return cls("base_resp", body=body, in_stream=in_stream)

    @classmethod
    def disconnect(cls) -> Fault:
        """Read the request, then close the connection without any response."""
        return cls("disconnect")

    @classmethod
    def reset_after(cls, chunks: int) -> Fault:
        """Send the head and ``chunks`` SSE events (a JSON reply: the head only), then reset (TCP RST)."""
        return cls("reset", after_chunks=chunks)

    @classmethod
    def stall(cls, seconds: float, *, after_chunks: int | None = None) -> Fault:
        """Wait ``seconds`` before the response (or after ``after_chunks`` SSE events), then go on.
        The wait ends early if the client goes away."""
        return cls("stall", seconds=seconds, after_chunks=after_chunks)

    @classmethod
    def malformed_sse(cls, *, after_chunks: int = 1, line: str = "data: {this is not json") -> Fault:
        """Insert ``line`` as an event after ``after_chunks`` events; the stream then goes on. A JSON reply
        becomes the line's text."""
        return cls("malformed_sse", after_chunks=after_chunks, line=line.encode())

    @classmethod
    def truncated(cls, *, after_chunks: int = 1) -> Fault:
        """End early but cleanly: a JSON body cut in the middle (Content-Length honest); a stream whose
        event after ``after_chunks`` events is cut mid-JSON, then the terminating chunk, no ``[DONE]``."""
        return cls("truncated", after_chunks=after_chunks)

    @classmethod
    def invalid_utf8(cls) -> Fault:
        """The content starts with the bytes ``ff fe fd`` (not UTF-8), inside a JSON string."""
        return cls("invalid_utf8")

    @property
    def needs_turn(self) -> bool:
        """Whether the reply carries a turn's content (status, base_resp and disconnect do not)."""
        return self.kind not in ("status", "base_resp", "disconnect")

    def prepare_turn(self, turn: Turn) -> Turn:
        """The turn to build the reply from."""
        if self.kind == "invalid_utf8":
            return dataclasses.replace(turn, content=_MARKER + turn.content)
        return turn


@dataclass(frozen=True)
class Plan:
    """A reply and what to do to it while sending. ``reply`` None: close without a response.

    ``interrupt_at`` counts SSE events sent before the interruption (for a JSON reply any value means
    right after the head).
    """

    reply: Reply | None
    stall_before: float = 0.0
    interrupt: Literal["reset", "stall"] | None = None
    interrupt_at: int = 0
    stall_seconds: float = 0.0
    delivers_turn: bool = True


def _cut(data: bytes) -> bytes:
    return data[: max(1, len(data) // 2)]


def _plan_status(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    return Plan(Reply(fault.http_status, list(fault.headers), fault.body, content_type=fault.content_type))


def _plan_base_resp(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    if fault.in_stream and streaming:
        return Plan(Reply(events=[b"data: " + fault.body + b"\n\n", DONE_EVENT]))
    return Plan(Reply(body=fault.body))


def _plan_disconnect(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    return Plan(None, delivers_turn=False)


def _plan_reset(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    return Plan(reply, interrupt="reset", interrupt_at=fault.after_chunks or 0, delivers_turn=False)


def _plan_stall(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    if fault.after_chunks is None:
        return Plan(reply, stall_before=fault.seconds)
    return Plan(reply, interrupt="stall", interrupt_at=fault.after_chunks, stall_seconds=fault.seconds)


def _plan_malformed(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    if reply.events is None:
        return Plan(dataclasses.replace(reply, body=fault.line))
    events = list(reply.events)
    events.insert(min(fault.after_chunks or 0, len(events)), fault.line + b"\n\n")
    return Plan(dataclasses.replace(reply, events=events))


def _plan_truncated(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    if reply.events is None:
        return Plan(dataclasses.replace(reply, body=_cut(reply.body)), delivers_turn=False)
    at = min(fault.after_chunks or 0, len(reply.events) - 1)
    events = [*reply.events[:at], _cut(reply.events[at])]
    return Plan(dataclasses.replace(reply, events=events), delivers_turn=False)


def _plan_invalid_utf8(fault: Fault, reply: Reply, streaming: bool) -> Plan:
    marker = _MARKER.encode()
    if reply.events is None:
        return Plan(dataclasses.replace(reply, body=reply.body.replace(marker, INVALID_UTF8)))
    events = [event.replace(marker, INVALID_UTF8) for event in reply.events]
    return Plan(dataclasses.replace(reply, events=events))


_PLANNERS: Mapping[FaultKind, Callable[[Fault, Reply, bool], Plan]] = {
    "status": _plan_status,
    "base_resp": _plan_base_resp,
    "disconnect": _plan_disconnect,
    "reset": _plan_reset,
    "stall": _plan_stall,
    "malformed_sse": _plan_malformed,
    "truncated": _plan_truncated,
    "invalid_utf8": _plan_invalid_utf8,
}


def plan_for(fault: Fault | None, reply: Reply, *, streaming: bool) -> Plan:
    """The plan for ``reply`` under ``fault`` (no fault: send it as it is)."""
    if fault is None:
        return Plan(reply)
    return _PLANNERS[fault.kind](fault, reply, streaming)


async def deliver(
    conn: Connection,
    plan: Plan,
    headers: list[tuple[str, str]],
    *,
    keep_alive: bool,
    chunk_delay: float = 0.0,
) -> bool:
    """Carry out ``plan``; True when the whole reply went out and the connection may serve another request."""
    if plan.stall_before and await conn.wait_for_peer_close(plan.stall_before):
        return False
    reply = plan.reply
    if reply is None:
        await conn.close()
        return False
    head = [*headers, ("content-type", reply.media_type), *reply.headers]
    head.append(("connection", "keep-alive" if keep_alive else "close"))
    if reply.events is None:
        await conn.send_head(reply.status, [*head, ("content-length", str(len(reply.body)))])
        if plan.interrupt == "reset":
            await conn.reset()
            return False
        await conn.send(reply.body)
        return True
    await conn.send_head(reply.status, [*head, ("cache-control", "no-cache"), ("transfer-encoding", "chunked")])
    return await _send_events(conn, plan, reply.events, chunk_delay)


async def _send_events(conn: Connection, plan: Plan, events: list[bytes], chunk_delay: float) -> bool:
    for index in range(len(events) + 1):
        if plan.interrupt is not None and index == min(plan.interrupt_at, len(events)):
            if plan.interrupt == "reset":
                await conn.reset()
                return False
            if await conn.wait_for_peer_close(plan.stall_seconds):
                return False
        if index == len(events):
            break
        if chunk_delay and index:
            await asyncio.sleep(chunk_delay)
        await conn.send_chunk(events[index])
    await conn.send_chunk(b"")
    return True
