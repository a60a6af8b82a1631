"""HTTP responses and transport failures as the SDK's exceptions (:mod:`minimax_sdk.errors` holds the tree).

The class comes from the HTTP status, or from MiniMax's ``base_resp.status_code`` in the body; the message is
the server's own, whatever shape its error body has; keys are redacted from messages, bodies and headers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from .._safe_json import UnreadableJSON
from .._safe_json import loads as safe_loads
from .._secret import Secret, redact, shown_url
from ..errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsufficientBalanceError,
    InternalServerError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
)

__all__ = [
    "check_payload",
    "decode_json",
    "error_from_base_resp",
    "error_from_response",
    "is_json",
    "request_id_from_headers",
    "shown_url_path",
    "transport_error",
]

_MAX_MESSAGE_CHARS = 1000

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientBalanceError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
    529: OverloadedError,
}

_BY_BASE_RESP: dict[int, type[APIStatusError]] = {
    # 1000 unknown error, 1001 request timeout, 1024 internal error, 1033 system or downstream error: MiniMax's
    # error-code page says "please retry your requests later" for each
    1000: InternalServerError,
    1001: InternalServerError,
    1024: InternalServerError,
    1033: InternalServerError,
    1002: RateLimitError,
    1004: AuthenticationError,
    1008: InsufficientBalanceError,
    1039: BadRequestError,
    2013: BadRequestError,
}

_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-minimax-request-id", "trace-id")


def error_from_response(
    status_code: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secrets: Iterable[Secret] = (),
    where: str | None = None,
    hint: str | None = None,
) -> APIStatusError:
    """The exception for an HTTP error response.

    The class comes from the status (see the tree above), or from MiniMax's ``base_resp.status_code`` when
    the body carries a known one. The message is the server's, read from ``{"error": {"message"}}``,
    ``{"message"}``, ``{"detail"}`` (FastAPI, vLLM), ``{"object": "error", "message"}`` (vLLM) or
    ``base_resp.status_msg``, else the status line. ``where`` (``"POST https://…/chat/completions"``) and a
    ``hint`` on what to fix are added to the message. ``secrets`` (the API key) are redacted from the message
    and the body.
    """
    secrets = tuple(secrets)
    parsed = _redact_value(_decode_body(body), secrets)
    server_message = _server_message(parsed)
    base_code = _base_resp_code(parsed)
    cls = _BY_BASE_RESP.get(base_code or 0) or _status_class(status_code)
    code = base_code if base_code else _server_code(parsed)
    request_id = _request_id(headers, parsed)
    message = f"HTTP {status_code} {_reason(status_code)}"
    if where:
        message += f" from {where}"
    if server_message:
        message += f": {server_message}"
    if hint:
        message += f" ({hint})"
    return _error(cls, message, status_code, code, request_id, parsed, headers, secrets)


def error_from_base_resp(
    body: Mapping[str, Any], headers: Mapping[str, str], *, secrets: Iterable[Secret] = ()
) -> APIStatusError | None:
    """The exception for a MiniMax ``base_resp`` error inside a successful (2xx) body; None when the body
    has no ``base_resp`` or its ``status_code`` is 0.

    Known codes map to their class (1002 → :class:`RateLimitError`, ...); unknown ones give a plain
    :class:`APIStatusError`. ``status_code`` is None (the HTTP status said success); ``code`` is the
    ``base_resp`` code.
    """
    code = _base_resp_code(body)
    if not code:
        return None
    secrets = tuple(secrets)
    parsed = _redact_value(body, secrets)
    base = parsed.get("base_resp") if isinstance(parsed, Mapping) else None
    status_msg = base.get("status_msg") if isinstance(base, Mapping) else None
    request_id = _request_id(headers, parsed)
    message = f"MiniMax error {code}"
    if isinstance(status_msg, str) and status_msg.strip():
        message += f": {_shorten(status_msg.strip())}"
    return _error(_BY_BASE_RESP.get(code, APIStatusError), message, None, code, request_id, parsed, headers, secrets)


def _error(
    cls: type[APIStatusError],
    message: str,
    status_code: int | None,
    code: str | int | None,
    request_id: str | None,
    body: Any,
    headers: Mapping[str, str],
    secrets: tuple[Secret, ...],
) -> APIStatusError:
    if request_id:
        message += f" (request id {request_id})"
    return cls(
        redact(message, secrets), status_code=status_code, request_id=request_id, code=code, body=body, headers=headers
    )


def _status_class(status_code: int) -> type[APIStatusError]:
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    return InternalServerError if status_code >= 500 else APIStatusError


def _reason(status_code: int) -> str:
    if status_code == 529:
        return "Overloaded"
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _decode_body(body: bytes) -> Any:
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return safe_loads(text)
    except UnreadableJSON:
        return text


def _redact_value(value: Any, secrets: tuple[Secret, ...]) -> Any:
    """``value`` with secrets removed from every string in it (JSON-like data)."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {k: _redact_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, secrets) for v in value]
    return value


def _server_message(body: Any) -> str | None:
    """The human-readable message in an error body of any common shape."""
    if isinstance(body, str):
        return _shorten(body)
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    candidates: list[Any] = [error.get("message") if isinstance(error, Mapping) else error]
    candidates += [body.get("message"), _detail_text(body.get("detail"))]
    base = body.get("base_resp")
    if isinstance(base, Mapping):
        candidates.append(base.get("status_msg"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return _shorten(candidate.strip())
    return None


def _detail_text(detail: Any) -> str | None:
    """FastAPI's ``detail``: a string, or a list of ``{"loc": [...], "msg": ...}`` validation errors."""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, Mapping):
        message = detail.get("message") or detail.get("msg")
        return message if isinstance(message, str) else None
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, Mapping) and isinstance(item.get("msg"), str):
                loc = item.get("loc")
                where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
                parts.append(f"{where}: {item['msg']}" if where else item["msg"])
        return "; ".join(parts) or None
    return None


def _server_code(body: Any) -> str | int | None:
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    code = error.get("code") if isinstance(error, Mapping) else body.get("code")
    return code if isinstance(code, (str, int)) and not isinstance(code, bool) else None


def _base_resp_code(body: Any) -> int | None:
    """MiniMax's ``base_resp.status_code`` when it is a non-zero integer."""
    base = body.get("base_resp") if isinstance(body, Mapping) else None
    code = base.get("status_code") if isinstance(base, Mapping) else None
    if isinstance(code, str) and code.strip().lstrip("-").isdigit():
        code = int(code)
    return code if isinstance(code, int) and not isinstance(code, bool) and code != 0 else None


def request_id_from_headers(headers: Mapping[str, str]) -> str | None:
    """The request id a server put in its response headers. ``headers`` has lower-case keys, or is a
    case-insensitive mapping such as ``httpx.Headers``."""
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def _request_id(headers: Mapping[str, str], body: Any) -> str | None:
    found = request_id_from_headers({k.lower(): v for k, v in headers.items()})
    if found:
        return found
    if isinstance(body, Mapping):
        for key in ("request_id", "id"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _shorten(text: str) -> str:
    if len(text) <= _MAX_MESSAGE_CHARS:
        return text
    return text[:_MAX_MESSAGE_CHARS] + f"… ({len(text) - _MAX_MESSAGE_CHARS} more characters)"


def shown_url_path(url: str | httpx.URL) -> str:
    """``url`` as an error shows it: scheme, host and path only (no user info, query or fragment)."""
    parts = urlsplit(shown_url(str(url)))
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def transport_error(exc: httpx.HTTPError, method: str, url: str | httpx.URL) -> APIError:
    """An httpx transport failure as the SDK's exception, naming the method and URL (never carrying headers,
    a key, or the httpx error itself, whose request holds the key)."""
    where = f"{method} {shown_url_path(url)}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"the request timed out: {where} ({type(exc).__name__})")
    return APIConnectionError(f"connection failed: {where}: {type(exc).__name__}: {exc}")


def decode_json(content: bytes | str, what: str, request_id: str | None = None) -> Any:
    """``content`` as JSON; :class:`ResponseValidationError` naming ``what`` when it is not, also for a number
    too long to convert or nesting too deep (which ``json.loads`` reports as other exceptions)."""
    try:
        return safe_loads(content)
    except UnreadableJSON as exc:
        problem = "valid UTF-8" if exc.kind == "utf8" else f"valid JSON ({exc.reason})"
        raise ResponseValidationError(f"{what} is not {problem}", request_id=request_id) from None


def is_json(headers: httpx.Headers) -> bool:
    """Whether the body is JSON (a streamed request answered so carries an error, not events)."""
    return "json" in headers.get("content-type", "").split(";", 1)[0].lower()


def check_payload(data: Any, headers: httpx.Headers, secrets: tuple[Secret, ...]) -> Mapping[str, Any]:
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
