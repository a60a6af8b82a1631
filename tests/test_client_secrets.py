"""The API key stays out of everything a caller might print, log or ship to an error tracker.

It never appears in the ``repr``/``str`` of a client or its settings; nor in any exception raised for an
error response (its ``str``, ``repr``, ``args``, ``message``, ``body``, ``headers``, or a formatted
traceback with its whole chain), even when the server echoes the ``Authorization`` header back, in the body
or in response headers; nor in log records of the ``minimax_sdk``, ``httpx`` and ``httpcore`` loggers at
DEBUG during a failing, retried request whose error bodies echo it.

What httpx and httpcore log: ``httpx`` logs one INFO line per request (method, URL, status line); httpcore
logs connection and HTTP/1.1 events at DEBUG, requests only as ``<Request [b'POST']>`` (no headers) but
responses with all their headers. So the request's ``Authorization`` header never reaches a log; a key the
server echoes in a *response header* would, through httpcore: the SDK's log filter
(``minimax_sdk._log_redaction``) rewrites such records (the test at the end).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from minimax_sdk import AsyncMiniMax, ConfigError, MiniMax, load_settings
from minimax_sdk.errors import APIError, AuthenticationError, BadRequestError, InternalServerError
from minimax_sdk.testing import Fault, ReferenceServer

pytestmark = pytest.mark.timeout(30)

KEY = "sk-live-7f3a9c2e5b8d4f1a6c0e9b2d"
MESSAGES = [{"role": "user", "content": "Hello?"}]
ECHO = f"Authorization: Bearer {KEY}"


@pytest.fixture(autouse=True)
def _no_env(clean_env: None) -> None:
    """Every test here builds clients from arguments only."""


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer("minimax") as running:
        yield running


def _assert_no_key(text: str, where: str) -> None:
    assert KEY not in text, f"the API key leaked into {where}: {text[:300]!r}"


def _client_options(server: ReferenceServer, **extra: Any) -> dict[str, Any]:
    return {"backend": "minimax", "base_url": server.base_url, "api_key": KEY, "max_retries": 1, **extra}


# --- clients and settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["argument", "environment"])
def test_key_not_in_client_or_settings_repr(
    server: ReferenceServer, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    if source == "environment":
        monkeypatch.setenv("MINIMAX_API_KEY", KEY)
        options: dict[str, Any] = {"backend": "minimax", "base_url": server.base_url}
    else:
        options = _client_options(server)
    sync_client = MiniMax(**options)
    async_client = AsyncMiniMax(**options)
    try:
        for client in (sync_client, async_client):
            settings = client.settings
            assert settings.api_key is not None
            assert settings.api_key.get() == KEY  # the key is in there
            for label, text in {
                "repr(client)": repr(client),
                "str(client)": str(client),
                "format(client)": f"{client}",
                "repr(settings)": repr(settings),
                "str(settings)": str(settings),
                "repr(api_key)": repr(settings.api_key),
                "str(api_key)": str(settings.api_key),
                "format(api_key)": f"{settings.api_key}",
                "repr(retry_policy)": repr(settings.retry_policy),
            }.items():
                _assert_no_key(text, label)
    finally:
        sync_client.close()
        asyncio.run(async_client.aclose())


# --- exceptions ----------------------------------------------------------------------------------------------


def _exception_texts(error: BaseException) -> dict[str, str]:
    assert isinstance(error, APIError)
    return {
        "str": str(error),
        "repr": repr(error),
        "args": repr(error.args),
        "message": error.message,
        "body": json.dumps(error.body, default=repr),
        "headers": json.dumps(error.headers),
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        "cause": repr(error.__cause__),
        "context": repr(error.__context__),
    }


ECHOING_FAULTS: dict[str, tuple[list[Fault], type[APIError]]] = {
    # an OpenAI-style error whose message and extra fields echo the request's Authorization header
    "401-json-echo": (
        [
            Fault.status(
                401,
                body={
                    "error": {
                        "message": f"Incorrect API key provided: {KEY}. You sent '{ECHO}'.",
                        "type": "authentication_error",
                        "code": "invalid_api_key",
                    },
                    "request": {"headers": {"authorization": f"Bearer {KEY}"}, "api_key": KEY},
                },
            )
        ],
        AuthenticationError,
    ),
    # a proxy answering in plain text, repeating the raw request head
    "400-text-echo": (
        [
            Fault.status(
                400,
                body=f"bad request\nPOST /v1/chat/completions HTTP/1.1\n{ECHO}\nx-api-key: {KEY}\n",
                content_type="text/plain",
            )
        ],
        BadRequestError,
    ),
    # the key echoed in response headers, under a credential header name and under harmless ones
    "401-header-echo": (
        [
            Fault.status(
                401,
                message="no such key",
                headers={"authorization": f"Bearer {KEY}", "x-echo-authorization": f"Bearer {KEY}", "x-key": KEY},
            )
        ],
        AuthenticationError,
    ),
    # retried, then given up: the last attempt's error, which echoes the key too
    "503-retried-echo": (
        [Fault.status(503, message=f"upstream rejected {ECHO}", retry_after_ms="10")] * 2,
        InternalServerError,
    ),
    # MiniMax's base_resp error inside HTTP 200, its status_msg quoting the key
    "base-resp-1004-echo": ([Fault.base_resp(1004, f"invalid api key {KEY}")], AuthenticationError),
}


def _fail_sync(server: ReferenceServer, api: str) -> BaseException:
    client = MiniMax(**_client_options(server))
    try:
        if api == "chat":
            client.chat(MESSAGES)
        else:
            client.stream(MESSAGES).until_done()
    except APIError as exc:
        return exc
    finally:
        client.close()
    raise AssertionError("the request did not fail")


def _fail_async(server: ReferenceServer, api: str) -> BaseException:
    async def main() -> BaseException:
        client = AsyncMiniMax(**_client_options(server))
        try:
            if api == "chat":
                await client.chat(MESSAGES)
            else:
                await client.stream(MESSAGES).until_done()
        except APIError as exc:
            return exc
        finally:
            await client.aclose()
        raise AssertionError("the request did not fail")

    return asyncio.run(main())


RUNNERS = {"sync": _fail_sync, "async": _fail_async}


@pytest.mark.parametrize("flavor", list(RUNNERS))
@pytest.mark.parametrize("api", ["chat", "stream"])
@pytest.mark.parametrize("name", list(ECHOING_FAULTS))
def test_key_not_in_exceptions_when_the_server_echoes_it(
    server: ReferenceServer, name: str, api: str, flavor: str
) -> None:
    faults, expected = ECHOING_FAULTS[name]
    server.fault(*faults)
    error = RUNNERS[flavor](server, api)
    assert type(error) is expected
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"  # the key was sent, and echoed
    for label, text in _exception_texts(error).items():
        _assert_no_key(text, label)
    assert isinstance(error, APIError)
    assert "********" in error.message or "********" in json.dumps(error.headers)  # redacted, not dropped


def test_stream_interrupted_error_keeps_no_key(server: ReferenceServer) -> None:
    """A stream broken after tokens: the StreamInterruptedError, its cause and partial carry no key."""
    server.fault(Fault.reset_after(3))
    error = _fail_sync(server, "stream")
    for label, text in _exception_texts(error).items():
        _assert_no_key(text, label)
    _assert_no_key(repr(getattr(error, "partial", None)), "partial")


# --- logs --------------------------------------------------------------------------------------------------


def _record_texts(record: logging.LogRecord) -> list[str]:
    texts = [record.getMessage(), repr(record.args), repr(record.msg)]
    if record.exc_info:
        texts.append("".join(traceback.format_exception(*record.exc_info)))
    if record.stack_info:
        texts.append(record.stack_info)
    return texts


@pytest.mark.parametrize("flavor", list(RUNNERS))
@pytest.mark.parametrize("api", ["chat", "stream"])
def test_key_not_in_debug_logs_of_a_failing_retried_request(
    server: ReferenceServer, caplog: pytest.LogCaptureFixture, api: str, flavor: str
) -> None:
    body = {
        "error": {"message": f"rate limited; you sent '{ECHO}'", "type": "rate_limit_error", "code": None},
        "echo": {"authorization": f"Bearer {KEY}"},
    }
    fault = Fault.status(429, body=body, retry_after_ms="10")
    server.fault(fault, fault)
    for name in ("minimax_sdk", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)

    error = RUNNERS[flavor](server, api)

    assert len(server.requests) == 2
    records = caplog.records
    loggers = {r.name.split(".")[0] for r in records}
    assert {"minimax_sdk", "httpx", "httpcore"} <= loggers, loggers  # each logger did log something
    retry_lines = [r.getMessage() for r in records if r.name == "minimax_sdk" and "retrying request" in r.getMessage()]
    assert len(retry_lines) == 1
    assert "********" in retry_lines[0]  # the retry line quotes the server's message, redacted
    for record in records:
        for text in _record_texts(record):
            _assert_no_key(text, f"a log record of {record.name}")
    for label, text in _exception_texts(error).items():
        _assert_no_key(text, label)
    # the caller logging the error with its traceback, as applications do
    logging.getLogger("minimax_sdk.test").exception("request failed: %s", error, exc_info=error)
    for record in caplog.records:
        for text in _record_texts(record):
            _assert_no_key(text, f"a log record of {record.name}")


def test_key_echoed_in_a_response_header_stays_out_of_httpcore_debug_logs(
    server: ReferenceServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.fault(Fault.status(401, message="no such key", headers={"x-echo-authorization": f"Bearer {KEY}"}))
    caplog.set_level(logging.DEBUG, logger="httpcore")
    _fail_sync(server, "chat")
    for record in caplog.records:
        for text in _record_texts(record):
            _assert_no_key(text, f"a log record of {record.name}")


# --- what a traceback can reach (issue 11, item 10) -------------------------------------------------------------


def _chain(error: BaseException) -> list[BaseException]:
    """The error and every exception reachable from it through __cause__ and __context__."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__]
    return seen


TRANSPORT_FAULTS = {
    "reset-before-output": [Fault.disconnect()],
    "reset-mid-stream": [Fault.reset_after(2)],
    "timeout": [Fault.stall(60)],
    "malformed-sse": [Fault.malformed_sse(after_chunks=2)],
    "status-401": [Fault.status(401, message=f"bad key {KEY}")],
    "base-resp-in-200": [Fault.base_resp(1004, "invalid api key")],  # raised where a `secrets` local is in scope
}


@pytest.mark.parametrize("flavor", list(RUNNERS))
@pytest.mark.parametrize("api", ["chat", "stream"])
@pytest.mark.parametrize("name", list(TRANSPORT_FAULTS))
def test_no_exception_reachable_from_an_error_holds_the_key(
    server: ReferenceServer, name: str, api: str, flavor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither the chained exceptions (an httpx error's request holds the Authorization header) nor the frame
    locals of a traceback rendered with them (``secrets`` parameters) show the key."""
    server.fault(*TRANSPORT_FAULTS[name], *TRANSPORT_FAULTS[name])
    original = _client_options

    def options(server: ReferenceServer, **extra: Any) -> dict[str, Any]:
        return original(server, timeout=1.0, **extra) if name == "timeout" else original(server, **extra)

    monkeypatch.setattr(sys.modules[__name__], "_client_options", options)
    error = RUNNERS[flavor](server, api)
    for linked in _chain(error):
        assert not isinstance(linked, httpx.HTTPError), f"{type(linked).__name__} is reachable from the error"
        assert getattr(linked, "request", None) is None
    rendered = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    _assert_no_key(rendered, "a traceback rendered with its locals")


def test_user_info_in_base_url_is_masked_in_client_and_settings_reprs() -> None:
    url = f"https://user:{KEY}@gateway.example/v1"
    client = MiniMax(backend="openai", base_url=url)
    try:
        for text in (repr(client), repr(client.settings), str(client.settings)):
            _assert_no_key(text, "a repr")
            assert "https://********@gateway.example/v1" in text
        assert client.settings.base_url == url  # kept for the transport: only the display is masked
    finally:
        client.close()


@pytest.mark.parametrize(
    ("environ", "given"),
    [
        ({"MINIMAX_TIMEOUT": KEY, "MINIMAX_API_KEY": KEY}, {}),
        ({"MINIMAX_RAW_MODE": KEY, "NVIDIA_API_KEY": KEY}, {}),
        ({}, {"api_key": KEY, "raw_mode": KEY}),
    ],
    ids=["timeout-holds-the-key", "raw-mode-holds-the-nvidia-key", "argument"],
)
def test_a_config_error_never_echoes_the_key(environ: dict[str, str], given: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ=environ, backend="openai", base_url="http://127.0.0.1:9/v1", **given)
    _assert_no_key(str(info.value), "a ConfigError")
    assert "********" in str(info.value)
