"""The OpenAI-compatible HTTP backend (httpx): MiniMax platform, NVIDIA API catalog, vLLM / SGLang servers.

It owns its wire format: the request body is built here from the :class:`~minimax_sdk.backends.base.ChatRequest`
(reasoning in the dialect's channel), and responses and SSE chunks are read into the one assembler.
Requests are retried under the :class:`~minimax_sdk._retry.RetryPolicy` (its rules, a plain loop: tenacity's
machinery cost more than the rest of a small request's own work). A stream is retried only until its first
token arrives; after that a broken stream raises
:class:`~minimax_sdk.errors.StreamInterruptedError` carrying what was received. A stream the caller stops
early closes its connection. Per-request options (timeout, retries, headers, query, body) apply to that
request alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from .._log_redaction import register_secret
from .._retry import RetryPolicy, is_retryable, retry_delay
from .._secret import REDACTED, Secret, redact
from .._sse import ServerSentEvent, SSEDecoder
from .._user_agent import user_agent
from ..assembly import Assembler
from ..config import Settings
from ..errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    DeadlineExceededError,
    ResponseValidationError,
    StreamInterruptedError,
)
from ..messages import ChatResponse, StreamEvent
from ._http_errors import (
    check_payload,
    decode_json,
    error_from_response,
    is_json,
    request_id_from_headers,
    shown_url_path,
    transport_error,
)
from ._wire import ChunkReader, read_response, request_body
from .base import AsyncBackend, Backend, ChatRequest
from .dialects import Dialect, get_dialect

__all__ = ["AsyncHttpBackend", "HttpBackend", "create_http_backend"]

_PATH = "/chat/completions"
_log = logging.getLogger("minimax_sdk")


def create_http_backend(
    settings: Settings, *, asynchronous: bool, http_client: Any = None
) -> HttpBackend | AsyncHttpBackend:
    """The registry's factory for the HTTP kinds (``minimax``, ``minimax-inline``, ``nvidia``, ``openai``)."""
    if asynchronous:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError("AsyncMiniMax needs an httpx.AsyncClient; use MiniMax with an httpx.Client")
        return AsyncHttpBackend(settings, http_client=http_client)
    if http_client is not None and not isinstance(http_client, httpx.Client):
        raise TypeError("MiniMax needs an httpx.Client; use AsyncMiniMax with an httpx.AsyncClient")
    return HttpBackend(settings, http_client=http_client)


class _Prepared:
    """One request, ready to send: payload, headers, query, timeout and retry policy."""

    __slots__ = (
        "deadline",
        "deadline_at",
        "event_timeout",
        "headers",
        "params",
        "payload",
        "policy",
        "request",
        "timeout",
    )

    def __init__(self, common: _Common, request: ChatRequest, stream: bool) -> None:
        options = request.options
        body = request_body(
            request, common.dialect, common.settings.sampling, common.settings.extra_body, stream=stream
        )
        self.request = request
        self.payload = json.dumps(body, ensure_ascii=False).encode()
        base = common.request_headers
        extra = options.extra_headers
        self.headers: dict[str, str] | None = ({**base, **extra} if base else dict(extra)) if extra else base
        self.params: dict[str, str] | None = dict(options.extra_query) if options.extra_query else None
        self.timeout: httpx.Timeout | None = (
            httpx.Timeout(options.timeout, connect=common.settings.connect_timeout) if options.timeout else None
        )
        self.policy = (
            replace(common.policy, max_retries=options.max_retries)
            if options.max_retries is not None
            else common.policy
        )
        self.deadline = options.deadline if options.deadline is not None else common.settings.deadline
        self.deadline_at = time.monotonic() + self.deadline if self.deadline is not None else None
        self.event_timeout = options.timeout or common.settings.timeout

    def check_deadline(self, now: float | None = None) -> None:
        """Raise :class:`DeadlineExceededError` once the request's deadline (retries included) has passed."""
        if self.deadline_at is not None and (now if now is not None else time.monotonic()) > self.deadline_at:
            raise DeadlineExceededError(f"the request's deadline of {self.deadline:g} s passed")

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"content": self.payload}
        if self.headers is not None:
            kwargs["headers"] = self.headers
        if self.params is not None:
            kwargs["params"] = self.params
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return kwargs


class _Body(bytes):
    """A response body read by the SDK; its repr shows only its size, so a traceback rendered with its frames'
    locals never prints what a server echoed (a key in an error message)."""

    def __repr__(self) -> str:
        return f"<response body, {len(self)} bytes>"


class _Pacing:
    """A stream's two clocks: the longest wait between events (``timeout``; keep-alive comments and stray bytes
    do not count as events) and the request's deadline."""

    __slots__ = ("_deadline_at", "_last", "_prepared", "events")

    def __init__(self, prepared: _Prepared) -> None:
        self._prepared = prepared
        self._deadline_at = prepared.deadline_at
        self._last = time.monotonic()
        self.events = 0
        """How many events arrived (for the log line at the stream's end)."""

    def checked(self, batch: list[ServerSentEvent]) -> list[ServerSentEvent]:
        now = time.monotonic()
        if batch:
            self._last = now
            self.events += len(batch)
        elif now - self._last > self._prepared.event_timeout:
            timeout = self._prepared.event_timeout
            raise APITimeoutError(f"no stream event for {timeout:g} s (keep-alive comments do not count)")
        if self._deadline_at is not None and now > self._deadline_at:
            self._prepared.check_deadline(now)
        return batch


class _Common:
    """What the sync and async backends share: settings, the dialect, headers, retry policy, reading."""

    def __init__(self, settings: Settings) -> None:
        if settings.base_url is None:
            raise ValueError(f"the {settings.backend} backend needs a base_url")
        self.settings = settings
        dialect = get_dialect(settings.backend)
        if settings.raw_mode is not None and settings.raw_mode != dialect.raw_mode:
            dialect = replace(dialect, raw_mode=settings.raw_mode)
        self.dialect: Dialect = dialect
        self.policy: RetryPolicy = settings.retry_policy
        self.secrets: tuple[Secret, ...] = (settings.api_key,) if settings.api_key is not None else ()
        for secret in self.secrets:
            register_secret(secret)
        headers = {"content-type": "application/json", "accept": "application/json", "user-agent": user_agent()}
        if settings.api_key is not None:
            headers["authorization"] = f"Bearer {settings.api_key.get()}"
        self.headers = headers
        self.request_headers: dict[str, str] | None = headers
        """The headers each request carries; None once they are the client's own defaults (a client the backend
        made itself), so httpx does not merge them into every request again."""
        self.timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
        self.limits = httpx.Limits(
            max_connections=settings.max_connections, max_keepalive_connections=settings.max_keepalive
        )
        self.url = settings.base_url.rstrip("/") + _PATH
        self.parsed_url = httpx.URL(self.url)  # parsed once: httpx would parse the string on every request
        self.where = f"POST {shown_url_path(self.url)}"
        path = urlsplit(settings.base_url).path.rstrip("/")
        self.not_found_hint = (
            None
            if path.endswith("/v1")
            else f"base_url {shown_url_path(settings.base_url)} does not end in /v1, where OpenAI-compatible servers "
            "answer: try base_url=.../v1"
        )

    # --- DEBUG lines on the minimax_sdk logger (MINIMAX_LOG=debug); keys are kept out by the redaction filter

    def logged_url(self, prepared: _Prepared) -> str:
        """The request's URL for a log line: no user info; query values masked (a key may ride in one)."""
        query = urlencode(dict.fromkeys(prepared.params, REDACTED), safe="*") if prepared.params else ""
        parts = urlsplit(shown_url_path(self.url))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))

    def log_request(self, prepared: _Prepared, *, stream: bool) -> float:
        """Log the request line; returns the time it was sent (``time.monotonic()``)."""
        if _log.isEnabledFor(logging.DEBUG):
            what = "stream" if stream else "chat"
            _log.debug("request: POST %s (%s, %d bytes)", self.logged_url(prepared), what, len(prepared.payload))
        return time.monotonic()

    def log_response(self, prepared: _Prepared, resp: httpx.Response, started: float, *, stream: bool) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "response: POST %s -> %d in %d ms (request id %s)%s",
                self.logged_url(prepared),
                resp.status_code,
                _elapsed_ms(started),
                request_id_from_headers(resp.headers) or "none",
                ", streaming" if stream and not (resp.status_code >= 400 or is_json(resp.headers)) else "",
            )

    def log_failure(self, prepared: _Prepared, started: float, error: APIError) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "no response: POST %s after %d ms: %s: %s",
                self.logged_url(prepared),
                _elapsed_ms(started),
                type(error).__name__,
                error,
            )

    def log_stream_end(
        self, prepared: _Prepared, started: float, pacing: _Pacing, request_id: str | None, how: str
    ) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "stream %s: POST %s after %d ms, %d events (request id %s)",
                how,
                self.logged_url(prepared),
                _elapsed_ms(started),
                pacing.events,
                request_id or "none",
            )

    def assembler(self, request: ChatRequest, *, stream: bool) -> Assembler:
        return Assembler(request.tools, raw_mode=self.dialect.raw_mode, dialect=self.dialect.name, stream=stream)

    def raise_for_status(self, resp: httpx.Response, content: bytes) -> None:
        if resp.status_code >= 400:
            headers = {k.lower(): redact(v, self.secrets) for k, v in resp.headers.items()}  # may echo the key
            hint = self.not_found_hint if resp.status_code == 404 else None
            raise error_from_response(
                resp.status_code, headers, content, secrets=self.secrets, where=self.where, hint=hint
            )

    def checked_body(self, resp: httpx.Response, content: bytes, request_id: str | None) -> Mapping[str, Any]:
        """A read response's JSON body, after raising the error it carries: an HTTP status, or an error inside
        HTTP 200 (MiniMax sends those as JSON even to a streamed request)."""
        self.raise_for_status(resp, content)
        return check_payload(decode_json(content, "the response body", request_id), resp.headers, self.secrets)

    def response(self, resp: httpx.Response, content: bytes, request: ChatRequest) -> ChatResponse:
        request_id = request_id_from_headers(resp.headers)
        data = self.checked_body(resp, content, request_id)
        assembler = self.assembler(request, stream=False)
        assembler.request_id = request_id
        try:
            read_response(data, assembler)
        except ValueError as exc:
            message = f"unexpected response shape: {exc}"
            raise ResponseValidationError(message, request_id=assembler.request_id) from None
        assembler.close()
        assert assembler.response is not None
        return assembler.response

    def transport_error(self, exc: httpx.HTTPError) -> APIError:
        return transport_error(exc, "POST", self.url)

    def event_batch(self, data: str, reader: ChunkReader, headers: httpx.Headers) -> list[StreamEvent]:
        """The stream events of one SSE event; at ``[DONE]`` the closing events, after which the assembler is
        done (and the caller ignores the rest of the body)."""
        if data == "[DONE]":
            return reader.close()
        return reader.feed(check_payload(decode_json(data, "a stream event"), headers, self.secrets))

    def interrupted(self, reader: ChunkReader, exc: APIError, request_id: str | None) -> APIError:
        """After output arrived a failure is a StreamInterruptedError with what was received; before, as is.
        Either carries the response's ``request_id``."""
        if exc.request_id is None:
            exc.request_id = request_id
        assembler = reader.assembler
        if not assembler.delivered:
            return exc
        reader.close()
        error = StreamInterruptedError(f"the stream broke after output had arrived: {exc}", request_id=request_id)
        error.partial = assembler.response
        error.__cause__ = exc
        return error

    def next_delay(self, policy: RetryPolicy, retries: int, exc: APIError) -> float | None:
        """The wait before retry number ``retries + 1`` (logged), or None to give up: the policy's rules
        (:func:`~minimax_sdk._retry.is_retryable`, :func:`~minimax_sdk._retry.retry_delay`)."""
        if retries >= policy.max_retries or not is_retryable(exc):
            return None
        delay = retry_delay(policy, retries, exc)
        if delay is not None:
            _log.info(
                "retrying request in %.2f s (attempt %d of %d): %s: %s",
                delay,
                retries + 2,
                policy.max_retries + 1,
                type(exc).__name__,
                exc,
            )
        return delay

    def whole_answer(self, resp: httpx.Response, content: bytes, reader: ChunkReader) -> list[StreamEvent]:
        """A streamed request answered with a whole JSON body (read already): the error it carries raised, or,
        from a server that ignores ``stream``, the completion read as the stream's events."""
        data = self.checked_body(resp, content, reader.assembler.request_id)
        assembler = reader.assembler
        try:
            events = read_response(data, assembler)
        except ValueError as exc:
            message = f"unexpected response shape: {exc}"
            raise ResponseValidationError(message, request_id=assembler.request_id) from None
        return events + reader.close()

    def stream_failure(self, reader: ChunkReader, failure: APIError | None, request_id: str | None) -> APIError:
        """What to raise when a stream stops without ``[DONE]``: ``failure`` (an ended stream when None), as a
        StreamInterruptedError once output has arrived. Raised by the caller outside any ``except`` block, so
        the error's context never holds an httpx exception (whose request carries the key)."""
        return self.interrupted(reader, failure or APIConnectionError("the stream ended before [DONE]"), request_id)


class HttpBackend(_Common, Backend):
    """Blocking HTTP backend."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(settings)
        self._own_client = http_client is None
        if http_client is None:
            http_client = httpx.Client(timeout=self.timeout, limits=self.limits, headers=self.headers)
            self.request_headers = None  # the client's defaults now
        self._client = http_client
        self._sleep = sleep

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def _post(self, prepared: _Prepared) -> ChatResponse:
        prepared.check_deadline()
        request = self._client.build_request("POST", self.parsed_url, **prepared.send_kwargs())
        started = self.log_request(prepared, stream=False)
        try:
            resp = self._client.send(request, stream=True)
            try:
                content = self._body(resp, prepared)
            finally:
                resp.close()
        except httpx.HTTPError as exc:
            failure = self.transport_error(exc)
        else:
            self.log_response(prepared, resp, started, stream=False)
            return self.response(resp, content, prepared.request)
        self.log_failure(prepared, started, failure)
        raise failure  # outside the except block: no context holding the httpx request (and its key)

    def _body(self, resp: httpx.Response, prepared: _Prepared) -> bytes:
        """The whole body, read piece by piece so the deadline holds against a server that trickles it."""
        if prepared.deadline_at is None:
            return _Body(resp.read())
        parts = []
        for part in resp.iter_bytes():
            parts.append(part)
            prepared.check_deadline()
        return _Body(b"".join(parts))

    def chat(self, request: ChatRequest) -> ChatResponse:
        prepared = _Prepared(self, request, stream=False)
        retries = 0
        while True:
            try:
                return self._post(prepared)
            except APIError as exc:
                delay = self.next_delay(prepared.policy, retries, exc)
                if delay is None:
                    raise
            retries += 1
            self._sleep(delay)

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        prepared = _Prepared(self, request, stream=True)
        retries = 0
        while True:
            reader = ChunkReader(self.assembler(request, stream=True), self.dialect)
            try:
                yield from self._stream_once(prepared, reader)
                return
            except APIError as exc:
                delay = None if reader.assembler.delivered else self.next_delay(prepared.policy, retries, exc)
                if delay is None:
                    raise
            retries += 1
            self._sleep(delay)

    def _stream_once(self, prepared: _Prepared, reader: ChunkReader) -> Iterator[StreamEvent]:
        request = self._client.build_request("POST", self.parsed_url, **prepared.send_kwargs())
        started = self.log_request(prepared, stream=True)
        try:
            resp = self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            failure = self.transport_error(exc)
        else:
            try:
                yield from self._read(resp, reader, prepared, started)
                return
            finally:
                resp.close()
        self.log_failure(prepared, started, failure)
        raise failure

    def _read(
        self, resp: httpx.Response, reader: ChunkReader, prepared: _Prepared, started: float
    ) -> Iterator[StreamEvent]:
        """The response's events: its SSE events read into ``reader``, or a whole JSON answer. One generator
        (each level of generators costs every event a frame switch)."""
        request_id = request_id_from_headers(resp.headers)
        reader.assembler.request_id = request_id
        self.log_response(prepared, resp, started, stream=True)
        pacing = _Pacing(prepared)
        whole = resp.status_code >= 400 or is_json(resp.headers)
        failure: APIError | None = None
        try:
            try:
                if whole:
                    yield from self.whole_answer(resp, self._body(resp, prepared), reader)
                    return
                decoder = SSEDecoder()
                headers, secrets, feed = resp.headers, self.secrets, reader.feed
                chunks = _body_chunks(resp)
                for chunk in chunks:
                    for sse in pacing.checked(decoder.feed(chunk)):
                        data = sse.data
                        if data == "[DONE]":
                            yield from reader.close()
                            _drain(chunks)
                            return
                        yield from feed(check_payload(decode_json(data, "a stream event"), headers, secrets))
                for sse in decoder.close():
                    yield from self.event_batch(sse.data, reader, headers)
                    if reader.assembler.done:
                        return
            except httpx.HTTPError as exc:
                failure = self.transport_error(exc)
            except APIError as exc:
                failure = exc
            raise self.stream_failure(reader, failure, request_id)  # outside the except blocks
        finally:
            if not whole:
                self.log_stream_end(prepared, started, pacing, request_id, _how_it_ended(reader))


class AsyncHttpBackend(_Common, AsyncBackend):
    """Asynchronous HTTP backend (asyncio)."""

    def __init__(self, settings: Settings, *, http_client: httpx.AsyncClient | None = None) -> None:
        super().__init__(settings)
        self._own_client = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(timeout=self.timeout, limits=self.limits, headers=self.headers)
            self.request_headers = None  # the client's defaults now
        self._client = http_client

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def _post(self, prepared: _Prepared) -> ChatResponse:
        prepared.check_deadline()
        request = self._client.build_request("POST", self.parsed_url, **prepared.send_kwargs())
        started = self.log_request(prepared, stream=False)
        try:
            resp = await self._client.send(request, stream=True)
            try:
                content = await self._body(resp, prepared)
            finally:
                await resp.aclose()
        except httpx.HTTPError as exc:
            failure = self.transport_error(exc)
        else:
            self.log_response(prepared, resp, started, stream=False)
            return self.response(resp, content, prepared.request)
        self.log_failure(prepared, started, failure)
        raise failure  # outside the except block: no context holding the httpx request (and its key)

    async def _body(self, resp: httpx.Response, prepared: _Prepared) -> bytes:
        """The whole body, read piece by piece so the deadline holds against a server that trickles it."""
        if prepared.deadline_at is None:
            return _Body(await resp.aread())
        parts = []
        async for part in resp.aiter_bytes():
            parts.append(part)
            prepared.check_deadline()
        return _Body(b"".join(parts))

    async def achat(self, request: ChatRequest) -> ChatResponse:
        prepared = _Prepared(self, request, stream=False)
        retries = 0
        while True:
            try:
                return await self._post(prepared)
            except APIError as exc:
                delay = self.next_delay(prepared.policy, retries, exc)
                if delay is None:
                    raise
            retries += 1
            await asyncio.sleep(delay)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        prepared = _Prepared(self, request, stream=True)
        retries = 0
        while True:
            reader = ChunkReader(self.assembler(request, stream=True), self.dialect)
            try:
                # closed here, not by the garbage collector, so closing the stream closes the connection
                async with contextlib.aclosing(self._stream_once(prepared, reader)) as events:
                    async for event in events:
                        yield event
                return
            except APIError as exc:
                delay = None if reader.assembler.delivered else self.next_delay(prepared.policy, retries, exc)
                if delay is None:
                    raise
            retries += 1
            await asyncio.sleep(delay)

    async def _stream_once(self, prepared: _Prepared, reader: ChunkReader) -> AsyncGenerator[StreamEvent, None]:
        request = self._client.build_request("POST", self.parsed_url, **prepared.send_kwargs())
        started = self.log_request(prepared, stream=True)
        try:
            resp = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            failure = self.transport_error(exc)
        else:
            try:
                async with contextlib.aclosing(self._read(resp, reader, prepared, started)) as events:
                    async for event in events:
                        yield event
                return
            finally:
                await resp.aclose()
        self.log_failure(prepared, started, failure)
        raise failure

    async def _read(
        self, resp: httpx.Response, reader: ChunkReader, prepared: _Prepared, started: float
    ) -> AsyncGenerator[StreamEvent, None]:
        """The response's events, as the blocking backend's ``_read`` reads them."""
        request_id = request_id_from_headers(resp.headers)
        reader.assembler.request_id = request_id
        self.log_response(prepared, resp, started, stream=True)
        pacing = _Pacing(prepared)
        whole = resp.status_code >= 400 or is_json(resp.headers)
        failure: APIError | None = None
        try:
            try:
                if whole:
                    for event in self.whole_answer(resp, await self._body(resp, prepared), reader):
                        yield event
                    return
                decoder = SSEDecoder()
                headers, secrets, feed = resp.headers, self.secrets, reader.feed
                chunks = _abody_chunks(resp)
                async for chunk in chunks:
                    for sse in pacing.checked(decoder.feed(chunk)):
                        data = sse.data
                        if data == "[DONE]":
                            for event in reader.close():
                                yield event
                            await _adrain(chunks)
                            return
                        for event in feed(check_payload(decode_json(data, "a stream event"), headers, secrets)):
                            yield event
                for sse in decoder.close():
                    for event in self.event_batch(sse.data, reader, headers):
                        yield event
                    if reader.assembler.done:
                        return
            except httpx.HTTPError as exc:
                failure = self.transport_error(exc)
            except APIError as exc:
                failure = exc
            raise self.stream_failure(reader, failure, request_id)  # outside the except blocks
        finally:
            if not whole:
                self.log_stream_end(prepared, started, pacing, request_id, _how_it_ended(reader))


def _drain(chunks: Iterator[bytes]) -> None:
    """Read the rest of a finished stream's body (its chunked terminator), so its connection is reused."""
    with contextlib.suppress(httpx.HTTPError):
        for _ in chunks:
            pass


async def _adrain(chunks: AsyncIterator[bytes]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        async for _ in chunks:
            pass


def _body_chunks(resp: httpx.Response) -> Iterator[bytes]:
    """The body's bytes as they arrive: the raw stream when no content coding applies (httpx's decoding layer
    adds a generator and two calls per chunk, and a stream arrives in thousands of chunks)."""
    return resp.iter_raw() if _identity(resp) else resp.iter_bytes()


def _abody_chunks(resp: httpx.Response) -> AsyncIterator[bytes]:
    return resp.aiter_raw() if _identity(resp) else resp.aiter_bytes()


def _identity(resp: httpx.Response) -> bool:
    return resp.headers.get("content-encoding", "identity").strip().lower() in ("", "identity")


def _elapsed_ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _how_it_ended(reader: ChunkReader) -> str:
    """For the stream's last log line: ``ended`` ([DONE] or its equivalent), else ``stopped`` (it broke, or
    the caller stopped reading)."""
    return "ended" if reader.assembler.done else "stopped"
