"""The OpenAI-compatible HTTP backend (httpx): MiniMax platform, NVIDIA API catalog, vLLM / SGLang servers.

Non-streaming requests are retried under the :class:`~minimax_sdk._retry.RetryPolicy` with tenacity. A stream
is retried only until its first token arrives; after that a broken stream raises
:class:`~minimax_sdk.errors.StreamInterruptedError` carrying what was received. A stream the caller stops
early closes its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, NoReturn

import httpx

from .._log_redaction import register_secret
from .._retry import RetryPolicy, async_retrying, is_retryable, retry_delay, retrying
from .._sse import ServerSentEvent, SSEDecoder
from .._tool_spec import ToolLike
from ..config import Settings
from ..errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseValidationError,
    StreamInterruptedError,
    error_from_base_resp,
    error_from_response,
    redact,
    request_id_from_headers,
)
from ..messages import ChatResponse, StreamEvent
from ._normalize import StreamNormalizer, response_from_json
from .dialects import Dialect, get_dialect

_PATH = "/chat/completions"
_log = logging.getLogger("minimax_sdk")


def transport_error(exc: httpx.HTTPError) -> APIError:
    """An httpx transport failure as the SDK's exception (never carrying headers or keys)."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"the request timed out ({type(exc).__name__})")
    return APIConnectionError(f"connection failed: {type(exc).__name__}: {exc}")


def decode_json(content: bytes | str, what: str, request_id: str | None = None) -> Any:
    try:
        return json.loads(content)
    except UnicodeDecodeError as exc:
        raise ResponseValidationError(f"{what} is not valid UTF-8 (byte {exc.start})", request_id=request_id) from None
    except json.JSONDecodeError as exc:
        message = f"{what} is not valid JSON ({exc.msg} at offset {exc.pos})"
        raise ResponseValidationError(message, request_id=request_id) from None


def is_json(headers: httpx.Headers) -> bool:
    """Whether the body is JSON (a streamed request answered so carries an error, not events)."""
    return "json" in headers.get("content-type", "").split(";", 1)[0].lower()


def check_payload(data: Any, headers: httpx.Headers, secrets: tuple[str, ...]) -> Mapping[str, Any]:
    """The body as a mapping, after raising the errors servers put inside HTTP 200 bodies.

    MiniMax's ``base_resp`` errors map by their code; an OpenAI-style ``{"error": {...}}`` with no choices
    (vLLM and SGLang send one inside a stream when generation fails) is a server error.
    """
    if type(data) is dict and "base_resp" not in data and "error" not in data:
        return data  # the common case, checked first: copying the headers costs more than the rest of a chunk
    if not isinstance(data, Mapping):
        raise ResponseValidationError("the response is not a JSON object")
    lowered = {k.lower(): redact(v, secrets) for k, v in headers.items()}  # a header may echo the key
    error = error_from_base_resp(data, lowered, secrets=secrets)
    if error is not None:
        raise error
    if isinstance(data.get("error"), Mapping) and not data.get("choices"):
        code = data["error"].get("code")
        status = code if isinstance(code, int) and 400 <= code < 600 else 500
        raise error_from_response(status, lowered, json.dumps(data).encode(), secrets=secrets)
    return data


class _Common:
    """What the sync and async backends share: settings, the dialect, headers, retry policy, parsing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        dialect = get_dialect(settings.backend)
        if settings.raw_mode is not None and settings.raw_mode != dialect.raw_mode:
            dialect = replace(dialect, raw_mode=settings.raw_mode)
        self.dialect: Dialect = dialect
        self.policy: RetryPolicy = settings.retry_policy
        self.secrets: tuple[str, ...] = (settings.api_key.get(),) if settings.api_key is not None else ()
        for secret in self.secrets:
            register_secret(secret)
        headers = {"content-type": "application/json", "accept": "application/json"}
        if settings.api_key is not None:
            headers["authorization"] = f"Bearer {settings.api_key.get()}"
        self.headers = headers
        self.timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
        self.limits = httpx.Limits(
            max_connections=settings.max_connections, max_keepalive_connections=settings.max_keepalive
        )

    def raise_for_status(self, resp: httpx.Response) -> None:
        if resp.status_code >= 400:
            headers = {k.lower(): redact(v, self.secrets) for k, v in resp.headers.items()}  # may echo the key
            raise error_from_response(resp.status_code, headers, resp.content, secrets=self.secrets)

    def checked_body(self, resp: httpx.Response) -> Mapping[str, Any]:
        """A read response's JSON body, after raising the error it carries: an HTTP status, or an error inside
        HTTP 200 (MiniMax sends those as JSON even to a streamed request)."""
        self.raise_for_status(resp)
        request_id = request_id_from_headers(resp.headers)
        return check_payload(decode_json(resp.content, "the response body", request_id), resp.headers, self.secrets)

    def response(self, resp: httpx.Response, tools: Sequence[ToolLike] | None) -> ChatResponse:
        data = self.checked_body(resp)
        request_id = request_id_from_headers(resp.headers)
        try:
            return response_from_json(data, self.dialect, tools, request_id)
        except ValueError as exc:
            raise ResponseValidationError(f"unexpected response shape: {exc}", request_id=request_id) from None

    def on_event(
        self, sse: ServerSentEvent, normalizer: StreamNormalizer, headers: httpx.Headers
    ) -> list[StreamEvent] | None:
        """The events of one SSE event; None at ``[DONE]``."""
        data = sse.data
        if data == "[DONE]":
            return None
        chunk = check_payload(decode_json(data, "a stream event"), headers, self.secrets)
        return normalizer.feed(chunk)

    def sse_events(
        self, batch: list[ServerSentEvent], normalizer: StreamNormalizer, headers: httpx.Headers
    ) -> Iterator[StreamEvent]:
        """The events of decoded SSE events, one by one; at ``[DONE]`` the closing events, after which
        ``normalizer.done`` is true and the rest of the batch is ignored."""
        for sse in batch:
            events = self.on_event(sse, normalizer, headers)
            if events is None:
                yield from normalizer.close()
                return
            yield from events

    def interrupted(self, normalizer: StreamNormalizer, exc: APIError, request_id: str | None) -> APIError:
        """After tokens arrived a failure is a StreamInterruptedError with what was received; before, as is.
        Either carries the response's ``request_id``."""
        if exc.request_id is None:
            exc.request_id = request_id
        if not normalizer.delivered:
            return exc
        partial = normalizer.close()
        error = StreamInterruptedError(f"the stream broke after output had arrived: {exc}", request_id=request_id)
        error.partial = normalizer.response if normalizer.response is not None else partial
        error.__cause__ = exc
        return error

    def raise_interrupted(self, normalizer: StreamNormalizer, exc: APIError, request_id: str | None) -> NoReturn:
        """Raise :meth:`interrupted`'s error, chained to ``exc`` when it wraps it (never to an httpx error,
        whose request holds the API key)."""
        error = self.interrupted(normalizer, exc, request_id)
        raise error from error.__cause__

    def next_delay(self, retries: int, exc: APIError) -> float | None:
        """The wait before retrying a stream (logged as the chat retries are); None to give up."""
        if retries >= self.policy.max_retries or not is_retryable(exc):
            return None
        delay = retry_delay(self.policy, retries, exc)
        if delay is not None:
            _log.info(
                "retrying request in %.2f s (attempt %d of %d): %s: %s",
                delay,
                retries + 2,
                self.policy.max_retries + 1,
                type(exc).__name__,
                exc,
            )
        return delay

    def ended_early(self, normalizer: StreamNormalizer, request_id: str | None) -> APIError:
        return self.interrupted(normalizer, APIConnectionError("the stream ended before [DONE]"), request_id)


class HttpBackend(_Common):
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
        self._client = http_client or httpx.Client(timeout=self.timeout, limits=self.limits)
        self._url = settings.base_url.rstrip("/") + _PATH
        self._sleep = sleep

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def _post(self, payload: bytes, tools: Sequence[ToolLike] | None) -> ChatResponse:
        try:
            resp = self._client.post(self._url, content=payload, headers=self.headers)
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        return self.response(resp, tools)

    def chat(self, body: Mapping[str, Any], tools: Sequence[ToolLike] | None) -> ChatResponse:
        payload = json.dumps(body, ensure_ascii=False).encode()
        for attempt in retrying(self.policy, sleep=self._sleep):
            with attempt:
                return self._post(payload, tools)
        raise AssertionError("unreachable: the retry loop returns or raises")

    def stream(self, body: Mapping[str, Any], tools: Sequence[ToolLike] | None) -> Iterator[StreamEvent]:
        payload = json.dumps(body, ensure_ascii=False).encode()
        retries = 0
        while True:
            normalizer = StreamNormalizer(self.dialect, tools)
            try:
                yield from self._stream_once(payload, normalizer)
                return
            except APIError as exc:
                delay = None if normalizer.delivered else self.next_delay(retries, exc)
                if delay is None:
                    raise
            retries += 1
            self._sleep(delay)

    def _stream_once(self, payload: bytes, normalizer: StreamNormalizer) -> Iterator[StreamEvent]:
        request = self._client.build_request("POST", self._url, content=payload, headers=self.headers)
        try:
            resp = self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        try:
            if resp.status_code >= 400 or is_json(resp.headers):
                resp.read()
                self.checked_body(resp)
            normalizer.set_request_id(request_id_from_headers(resp.headers))
            yield from self._read(resp, normalizer)
        finally:
            resp.close()

    def _read(self, resp: httpx.Response, normalizer: StreamNormalizer) -> Iterator[StreamEvent]:
        decoder = SSEDecoder()
        request_id = request_id_from_headers(resp.headers)
        try:
            for chunk in resp.iter_bytes():
                yield from self.sse_events(decoder.feed(chunk), normalizer, resp.headers)
                if normalizer.done:
                    return
            yield from self.sse_events(decoder.close(), normalizer, resp.headers)
            if normalizer.done:
                return
        except httpx.HTTPError as exc:
            self.raise_interrupted(normalizer, transport_error(exc), request_id)
        except APIError as exc:
            self.raise_interrupted(normalizer, exc, request_id)
        raise self.ended_early(normalizer, request_id)


class AsyncHttpBackend(_Common):
    """Asynchronous HTTP backend (asyncio)."""

    def __init__(self, settings: Settings, *, http_client: httpx.AsyncClient | None = None) -> None:
        super().__init__(settings)
        self._own_client = http_client is None
        self._client = http_client or httpx.AsyncClient(timeout=self.timeout, limits=self.limits)
        self._url = settings.base_url.rstrip("/") + _PATH

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def _post(self, payload: bytes, tools: Sequence[ToolLike] | None) -> ChatResponse:
        try:
            resp = await self._client.post(self._url, content=payload, headers=self.headers)
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        return self.response(resp, tools)

    async def chat(self, body: Mapping[str, Any], tools: Sequence[ToolLike] | None) -> ChatResponse:
        payload = json.dumps(body, ensure_ascii=False).encode()
        async for attempt in async_retrying(self.policy):
            with attempt:
                return await self._post(payload, tools)
        raise AssertionError("unreachable: the retry loop returns or raises")

    async def stream(self, body: Mapping[str, Any], tools: Sequence[ToolLike] | None) -> AsyncIterator[StreamEvent]:
        payload = json.dumps(body, ensure_ascii=False).encode()
        retries = 0
        while True:
            normalizer = StreamNormalizer(self.dialect, tools)
            try:
                # closed here, not by the garbage collector, so closing the stream closes the connection
                async with contextlib.aclosing(self._stream_once(payload, normalizer)) as events:
                    async for event in events:
                        yield event
                return
            except APIError as exc:
                delay = None if normalizer.delivered else self.next_delay(retries, exc)
                if delay is None:
                    raise
            retries += 1
            await asyncio.sleep(delay)

    async def _stream_once(self, payload: bytes, normalizer: StreamNormalizer) -> AsyncGenerator[StreamEvent, None]:
        request = self._client.build_request("POST", self._url, content=payload, headers=self.headers)
        try:
            resp = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise transport_error(exc) from None
        try:
            if resp.status_code >= 400 or is_json(resp.headers):
                await resp.aread()
                self.checked_body(resp)
            request_id = request_id_from_headers(resp.headers)
            normalizer.set_request_id(request_id)
            decoder = SSEDecoder()
            try:
                async for chunk in resp.aiter_bytes():
                    for event in self.sse_events(decoder.feed(chunk), normalizer, resp.headers):
                        yield event
                    if normalizer.done:
                        return
                for event in self.sse_events(decoder.close(), normalizer, resp.headers):
                    yield event
                if normalizer.done:
                    return
            except httpx.HTTPError as exc:
                self.raise_interrupted(normalizer, transport_error(exc), request_id)
            except APIError as exc:
                self.raise_interrupted(normalizer, exc, request_id)
            raise self.ended_early(normalizer, request_id)
        finally:
            await resp.aclose()
