"""The client against every fault the reference server offers: ``chat()`` and ``stream()``, sync and async.

One table (``CASES``) says, for each fault, what the caller must see: either a successful retry (the server
recorded exactly that many requests and the response is the scripted one) or one exception class with its
``status_code``, ``request_id`` (the server sends ``x-request-id: req_<n>``, n counting requests from 1),
``code`` and the server's message. After every case no connection is left open, and a stream the caller
stops early closes its connection while the client stays open.

Retries are kept fast: ``max_retries=1`` and, where the case allows, a ``Retry-After`` of 10-20 ms. Cases
without one wait the SDK's first exponential backoff (0.375-0.5 s; the initial delay is not a setting).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any, Literal

import pytest

from minimax_sdk import AsyncMiniMax, MiniMax
from minimax_sdk.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    StreamInterruptedError,
)
from minimax_sdk.messages import ChatResponse, DoneEvent, StreamEvent
from minimax_sdk.parsing import ContentDelta, ReasoningDelta
from minimax_sdk.testing import Fault, ReferenceServer, Turn

pytestmark = pytest.mark.timeout(30)

KEY = "sk-fault-matrix-0123456789"
MESSAGES = [{"role": "user", "content": "Say something."}]
# minimax dialect, chunk_chars=4: event 0 is {"role", "content": ""}, events 1-6 the reasoning (24
# characters), events 7- the content, four characters each. So 9 events carry all the reasoning and "The scri".
TURN = Turn(reasoning="Think it over carefully.", content="The scripted answer, long enough.")
AFTER_TOKENS = 9
PARTIAL = (TURN.reasoning, TURN.content[:8])
NO_REASONING = Turn(content="Content only, no reasoning.")
CONNECTION_DEADLINE_S = 5.0
RETRY_LOG = "retrying request in"

Api = Literal["chat", "stream"]
BOTH: tuple[Api, ...] = ("chat", "stream")
STREAM: tuple[Api, ...] = ("stream",)
CHAT: tuple[Api, ...] = ("chat",)


@dataclass(frozen=True)
class Case:
    """One fault scenario and what the caller must observe.

    ``error`` None: the call succeeds with ``turn`` after ``requests`` requests (``requests - 1`` retries,
    each logged). Otherwise it raises exactly ``error`` after ``requests`` requests, with these attributes;
    ``message`` must appear in ``str(error)``. ``partial`` is (reasoning, content) of a
    StreamInterruptedError's ``partial``, which must also equal what the caller was handed as events.
    """

    faults: tuple[Fault, ...]
    apis: tuple[Api, ...]
    requests: int
    error: type[APIError] | None = None
    status_code: int | None = None
    request_id: str | None = None
    message: str | None = None
    code: int | str | None = None
    partial: tuple[str, str] | None = None
    cause: type[APIError] | None = None
    turn: Turn = TURN
    settings: Mapping[str, Any] = field(default_factory=dict)
    max_seconds: float = 10.0


def _rid(n: int) -> str:
    return f"req_{n:06d}"


# --- HTTP statuses -------------------------------------------------------------------------------------------

STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
    500: InternalServerError,
    502: InternalServerError,
    503: InternalServerError,
    529: OverloadedError,
}
RETRIED_STATUSES = {409, 429, 500, 502, 503, 529}


def _status_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for status, cls in STATUS_CLASSES.items():
        retried = status in RETRIED_STATUSES
        message = f"fault {status}: the reference server says no"
        variants: list[tuple[str, dict[str, Any], bool]] = [
            ("plain", {}, retried),
            ("retry-after", {"retry_after": "0.02"}, retried),
            ("retry-after-ms", {"retry_after_ms": "20"}, retried),
            # x-should-retry overrides the status either way (a short delay so a retry is quick)
            ("should-retry", {"should_retry": not retried, "retry_after_ms": "10"}, not retried),
        ]
        for variant, headers, retry in variants:
            fault = Fault.status(status, message=message, **headers)
            if retry:
                cases[f"{status}-{variant}"] = Case((fault,), BOTH, requests=2)
            else:
                cases[f"{status}-{variant}"] = Case(
                    (fault,),
                    BOTH,
                    requests=1,
                    error=cls,
                    status_code=status,
                    request_id=_rid(1),
                    message=message,
                    code=json.loads(fault.body)["error"]["code"],
                )
        if retried:  # the retry fails the same way: the last attempt's error, after max_retries + 1 requests
            fault = Fault.status(status, message=message, retry_after_ms="10")
            cases[f"{status}-exhausted"] = Case(
                (fault, fault),
                BOTH,
                requests=2,
                error=cls,
                status_code=status,
                request_id=_rid(2),
                message=message,
                code=json.loads(fault.body)["error"]["code"],
            )
    return cases


def _above_cap(status: int, label: str, **headers: Any) -> Case:
    """A server asking to wait longer than max_retry_after: raised at once, never slept on."""
    return Case(
        (Fault.status(status, message=label, **headers),),
        BOTH,
        requests=1,
        error=STATUS_CLASSES[status],
        status_code=status,
        request_id=_rid(1),
        message=label,
        settings={"max_retries": 3, "max_retry_after": 1.0},
        max_seconds=5.0,  # the server asked for 30 s or more
    )


CASES: dict[str, Case] = {
    **_status_cases(),
    "retry-after-above-cap": _above_cap(429, "wait 30 s", retry_after="30"),
    "retry-after-ms-above-cap": _above_cap(503, "wait 30000 ms", retry_after_ms="30000"),
    "retry-after-date-above-cap": _above_cap(
        529, "wait an hour", retry_after=formatdate(time.time() + 3600, usegmt=True)
    ),
    "retry-after-above-cap-should-retry": _above_cap(500, "wait 60 s", retry_after="60", should_retry=True),
    # --- MiniMax base_resp errors inside HTTP 200 -----------------------------------------------------------
    "base-resp-1002": Case((Fault.base_resp(1002),), BOTH, requests=2),
    "base-resp-1002-in-stream": Case((Fault.base_resp(1002, in_stream=True),), STREAM, requests=2),
    "base-resp-1002-exhausted": Case(
        (Fault.base_resp(1002, "slow down"), Fault.base_resp(1002, "slow down")),
        BOTH,
        requests=2,
        error=RateLimitError,
        request_id=_rid(2),
        message="MiniMax error 1002: slow down",
        code=1002,
    ),
    **{
        f"base-resp-{code}{'-in-stream' if in_stream else ''}": Case(
            (Fault.base_resp(code, text, in_stream=in_stream),),
            STREAM if in_stream else BOTH,
            requests=1,
            error=cls,
            status_code=None,  # HTTP said 200
            request_id=_rid(1),
            message=f"MiniMax error {code}: {text}",
            code=code,
        )
        for code, text, cls in [
            (1004, "authentication failed", AuthenticationError),
            (2013, "invalid params: temperature", BadRequestError),
        ]
        for in_stream in (False, True)
    },
    # --- connection reset ------------------------------------------------------------------------------------
    "reset-at-head": Case((Fault.reset_after(0),), BOTH, requests=2),
    "reset-before-tokens": Case((Fault.reset_after(1),), STREAM, requests=2),
    "reset-after-tokens": Case(
        (Fault.reset_after(AFTER_TOKENS),),
        STREAM,
        requests=1,
        error=StreamInterruptedError,
        request_id=_rid(1),
        message="the stream broke after output had arrived",
        partial=PARTIAL,
        cause=APIConnectionError,
    ),
    "reset-no-retries": Case(
        (Fault.reset_after(0),),
        CHAT,
        requests=1,
        error=APIConnectionError,
        message="connection failed",
        settings={"max_retries": 0},
    ),
    "reset-no-retries-stream": Case(  # the head (and its request id) arrived before the reset
        (Fault.reset_after(0),),
        STREAM,
        requests=1,
        error=APIConnectionError,
        request_id=_rid(1),
        message="connection failed",
        settings={"max_retries": 0},
    ),
    # --- stall: the read timeout ----------------------------------------------------------------------------
    "stall-before-response": Case((Fault.stall(10),), BOTH, requests=2, settings={"timeout": 0.5}),
    "stall-no-retries": Case(
        (Fault.stall(10),),
        BOTH,
        requests=1,
        error=APITimeoutError,
        message="timed out",
        settings={"timeout": 0.5, "max_retries": 0},
    ),
    "stall-before-tokens": Case((Fault.stall(10, after_chunks=1),), STREAM, requests=2, settings={"timeout": 0.5}),
    "stall-after-tokens": Case(
        (Fault.stall(10, after_chunks=AFTER_TOKENS),),
        STREAM,
        requests=1,
        error=StreamInterruptedError,
        request_id=_rid(1),
        message="timed out",
        partial=PARTIAL,
        cause=APITimeoutError,
        settings={"timeout": 0.5},
    ),
    # --- malformed SSE, truncated bodies, invalid UTF-8: never retried ----------------------------------
    "malformed": Case(
        (Fault.malformed_sse(),),
        CHAT,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="the response body is not valid JSON",
    ),
    "malformed-before-tokens": Case(
        (Fault.malformed_sse(after_chunks=1),),
        STREAM,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="a stream event is not valid JSON",
    ),
    "malformed-after-tokens": Case(
        (Fault.malformed_sse(after_chunks=AFTER_TOKENS),),
        STREAM,
        requests=1,
        error=StreamInterruptedError,
        request_id=_rid(1),
        message="a stream event is not valid JSON",
        partial=PARTIAL,
        cause=ResponseValidationError,
    ),
    "truncated": Case(
        (Fault.truncated(),),
        CHAT,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="the response body is not valid JSON",
    ),
    "truncated-before-tokens": Case(
        (Fault.truncated(after_chunks=1),),
        STREAM,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="a stream event is not valid JSON",
    ),
    "truncated-after-tokens": Case(
        (Fault.truncated(after_chunks=AFTER_TOKENS),),
        STREAM,
        requests=1,
        error=StreamInterruptedError,
        request_id=_rid(1),
        message="a stream event is not valid JSON",
        partial=PARTIAL,
        cause=ResponseValidationError,
    ),
    "invalid-utf8": Case(
        (Fault.invalid_utf8(),),
        CHAT,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="not valid UTF-8",
    ),
    # No reasoning, so no token precedes the bad bytes however the reads are cut (a mid-stream case would
    # depend on it: the SSE decoder drops events that share a read with invalid UTF-8).
    "invalid-utf8-stream": Case(
        (Fault.invalid_utf8(),),
        STREAM,
        requests=1,
        error=ResponseValidationError,
        request_id=_rid(1),
        message="invalid UTF-8",
        turn=NO_REASONING,
    ),
    # --- disconnect without a response ----------------------------------------------------------------------
    "disconnect": Case((Fault.disconnect(),), BOTH, requests=2),
    "disconnect-no-retries": Case(
        (Fault.disconnect(),),
        BOTH,
        requests=1,
        error=APIConnectionError,
        message="connection failed",
        settings={"max_retries": 0},
    ),
}


# --- running a case ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    response: ChatResponse | None = None
    error: APIError | None = None
    events: list[StreamEvent] = field(default_factory=list)
    seconds: float = 0.0


def _options(server: ReferenceServer, case: Case) -> dict[str, Any]:
    return {
        "backend": "minimax",
        "base_url": server.base_url,
        "api_key": KEY,
        "max_retries": 1,
        "timeout": 5.0,
        **case.settings,
    }


def run_sync(server: ReferenceServer, case: Case, api: Api) -> Outcome:
    outcome = Outcome()
    client = MiniMax(**_options(server, case))
    started = time.monotonic()
    try:
        if api == "chat":
            outcome.response = client.chat(MESSAGES)
        else:
            stream = client.stream(MESSAGES)
            for event in stream:
                outcome.events.append(event)
            outcome.response = stream.response
    except APIError as exc:
        outcome.error = exc
    finally:
        outcome.seconds = time.monotonic() - started
        client.close()
    return outcome


def run_async(server: ReferenceServer, case: Case, api: Api) -> Outcome:
    async def main() -> Outcome:
        outcome = Outcome()
        client = AsyncMiniMax(**_options(server, case))
        started = time.monotonic()
        try:
            if api == "chat":
                outcome.response = await client.chat(MESSAGES)
            else:
                stream = client.stream(MESSAGES)
                async for event in stream:
                    outcome.events.append(event)
                outcome.response = stream.response
        except APIError as exc:
            outcome.error = exc
        finally:
            outcome.seconds = time.monotonic() - started
            await client.aclose()
        return outcome

    return asyncio.run(main())


RUNNERS: dict[str, Callable[[ReferenceServer, Case, Api], Outcome]] = {"sync": run_sync, "async": run_async}


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float = CONNECTION_DEADLINE_S) -> None:
    """Poll ``condition`` until it holds; fail after ``deadline_s`` seconds."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {deadline_s} s")
        time.sleep(0.002)


async def await_until(condition: Callable[[], bool], what: str, deadline_s: float = CONNECTION_DEADLINE_S) -> None:
    """:func:`wait_until` that lets the event loop run meanwhile."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {deadline_s} s")
        await asyncio.sleep(0.002)


def all_closed(server: ReferenceServer) -> None:
    wait_until(lambda: server.open_connections == 0, f"{server.open_connections} connections still open")


def delivered_text(events: list[StreamEvent]) -> tuple[str, str]:
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    return reasoning, content


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer("minimax") as running:
        yield running


MATRIX = [
    pytest.param(name, api, flavor, id=f"{name}-{api}-{flavor}")
    for name, case in CASES.items()
    for api in case.apis
    for flavor in RUNNERS
]


@pytest.mark.parametrize(("name", "api", "flavor"), MATRIX)
def test_fault(server: ReferenceServer, caplog: pytest.LogCaptureFixture, name: str, api: Api, flavor: str) -> None:
    case = CASES[name]
    server.script(case.turn)
    server.fault(*case.faults)
    caplog.set_level(logging.INFO, logger="minimax_sdk")

    outcome = RUNNERS[flavor](server, case, api)

    assert len(server.requests) == case.requests
    assert outcome.seconds < case.max_seconds
    retries_logged = [r for r in caplog.records if r.name == "minimax_sdk" and r.getMessage().startswith(RETRY_LOG)]
    if case.error is None:
        assert outcome.error is None, f"unexpected {outcome.error!r}"
        response = outcome.response
        assert response is not None
        assert (response.message.reasoning, response.message.content) == (case.turn.reasoning, case.turn.content)
        assert response.request_id == _rid(case.requests)  # the answer came from the last request
        assert response.finish_reason == "stop"
        if api == "stream":
            assert isinstance(outcome.events[-1], DoneEvent)
            assert delivered_text(outcome.events) == (case.turn.reasoning, case.turn.content)
        assert len(retries_logged) == case.requests - 1  # every retry is logged, chat and stream alike
        assert server.pending == (0, 0)  # the turn was served, every fault taken
    else:
        error = outcome.error
        assert type(error) is case.error, f"expected {case.error.__name__}, got {error!r}"
        assert error.status_code == case.status_code
        assert error.request_id == case.request_id
        assert case.message is not None
        assert case.message in str(error)
        assert error.message == str(error)
        if case.code is not None:
            assert error.code == case.code
        if case.cause is not None:
            assert isinstance(error.__cause__, case.cause)
        if case.partial is not None:
            assert isinstance(error, StreamInterruptedError)
            assert isinstance(error.partial, ChatResponse)
            got = (error.partial.message.reasoning, error.partial.message.content)
            assert got == case.partial
            assert delivered_text(outcome.events) == case.partial  # the partial is exactly what the caller saw
        assert outcome.response is None
        assert len(retries_logged) == case.requests - 1
        assert KEY not in repr(error)
        assert KEY not in str(error.body)
    all_closed(server)


# --- streams stopped early -----------------------------------------------------------------------------------


def _options_for(server: ReferenceServer) -> dict[str, Any]:
    return {"backend": "minimax", "base_url": server.base_url, "api_key": KEY, "max_retries": 1, "timeout": 5.0}


@pytest.fixture
def slow_server() -> Iterator[ReferenceServer]:
    """Events 20 ms apart, so a stream is still being sent when the caller stops reading."""
    with ReferenceServer("minimax", chunk_delay=0.02) as running:
        yield running


@pytest.mark.parametrize("how", ["break", "with", "close"])
@pytest.mark.parametrize("fault", [None, Fault.reset_after(1)], ids=["clean", "after-a-retry"])
def test_sync_stream_stopped_early_closes_its_connection(
    slow_server: ReferenceServer, how: str, fault: Fault | None
) -> None:
    server = slow_server
    if fault is not None:
        server.fault(fault)
    server.script(TURN, TURN)
    client = MiniMax(**_options_for(server))
    try:
        first: list[StreamEvent] = []
        if how == "break":
            for event in client.stream(MESSAGES):
                first.append(event)
                break
        elif how == "with":
            with client.stream(MESSAGES) as stream:
                for event in stream:
                    first.append(event)
                    break
        else:
            stream = client.stream(MESSAGES)
            first.append(next(iter(stream)))
            stream.close()
        assert first == [ReasoningDelta(TURN.reasoning[:4])]
        all_closed(server)  # the client is still open
        assert client.chat(MESSAGES).message.content == TURN.content  # and still works
    finally:
        client.close()
    all_closed(server)


@pytest.mark.parametrize("how", ["break", "with", "aclose"])
@pytest.mark.parametrize("fault", [None, Fault.reset_after(1)], ids=["clean", "after-a-retry"])
def test_async_stream_stopped_early_closes_its_connection(
    slow_server: ReferenceServer, how: str, fault: Fault | None
) -> None:
    server = slow_server
    if fault is not None:
        server.fault(fault)
    server.script(TURN, TURN)

    async def main() -> None:
        client = AsyncMiniMax(**_options_for(server))
        try:
            first: list[StreamEvent] = []
            if how == "break":
                async for event in client.stream(MESSAGES):
                    first.append(event)
                    break
                # an async generator left by `break` is closed by the event loop (its asyncgen hook): let it run
                await await_until(lambda: server.open_connections == 0, "the stream's connection closed")
            else:
                if how == "with":
                    async with client.stream(MESSAGES) as stream:
                        async for event in stream:
                            first.append(event)
                            break
                else:
                    stream = client.stream(MESSAGES)
                    first.append(await stream.__aiter__().__anext__())
                    await stream.aclose()
                # closing the stream closed the connection: no help from the event loop needed
                wait_until(lambda: server.open_connections == 0, "the stream's connection closed")
            assert first == [ReasoningDelta(TURN.reasoning[:4])]
            assert (await client.chat(MESSAGES)).message.content == TURN.content
        finally:
            await client.aclose()

    asyncio.run(main())
    all_closed(server)
