"""The SDK's exceptions: one tree, rooted at :class:`MiniMaxError`.

```
Exception
└── MiniMaxError                         anything the SDK raises on purpose
    ├── ToolArgumentsError               (also ValueError) a tool call's arguments do not fit its schema
    ├── TemplateError                    (also ValueError) a conversation the M2 chat format cannot express
    ├── ConfigError                      (also ValueError) a bad setting; names the key and where it came from
    └── APIError                         talking to a backend failed
        ├── APIStatusError               HTTP status >= 400, or a MiniMax ``base_resp`` error in a 200 body
        │   ├── BadRequestError          400, 413, 422; base_resp 2013 (parameter error), 1039 (token limit)
        │   ├── AuthenticationError      401; base_resp 1004
        │   ├── InsufficientBalanceError 402; base_resp 1008
        │   ├── PermissionDeniedError    403
        │   ├── NotFoundError            404
        │   ├── ConflictError            409
        │   ├── RateLimitError           429; base_resp 1002
        │   └── InternalServerError      >= 500; base_resp 1000, 1001, 1024, 1033 (MiniMax: "retry later")
        │       └── OverloadedError      529
        ├── APIConnectionError           no response: could not connect, or the transport failed
        │   └── APITimeoutError          connect, read, write or pool timeout
        ├── StreamInterruptedError       the stream broke after tokens arrived; ``partial`` holds them
        ├── ResponseValidationError      a response the SDK cannot read (not JSON, bad UTF-8, wrong shape)
        └── BackendProcessError          a server process the SDK supervises failed; ``log_tail``, ``log_path``
            ├── BackendStartupError      it could not start, exited while loading, or missed startup_timeout
            └── BackendCrashedError      it died after it was ready; ``returncode``
```

Any other 4xx (405, 408, 410, 412, ...) is an :class:`APIStatusError` itself; ``status_code`` tells which.

Catch :class:`MiniMaxError` to handle every SDK failure in one place. Each subclass adds the attributes a
caller needs to react without parsing message text (``ToolArgumentsError.problems``,
``APIError.status_code``, ``APIError.request_id``, ``APIError.code``, ``ConfigError.key``, ...).

No exception's ``str``, ``repr`` or ``args`` carries an API key or an ``Authorization`` value: messages
taken from a server pass through :func:`redact`, and sensitive response headers are masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ArgumentProblem",
    "AuthenticationError",
    "BackendCrashedError",
    "BackendProcessError",
    "BackendStartupError",
    "BadRequestError",
    "ConfigError",
    "ConflictError",
    "InsufficientBalanceError",
    "InternalServerError",
    "MiniMaxError",
    "NotFoundError",
    "OverloadedError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "StreamInterruptedError",
    "ToolArgumentsError",
    "error_from_base_resp",
    "error_from_response",
    "redact",
]

_MAX_LISTED_PROBLEMS = 20
_MAX_MESSAGE_CHARS = 1000
REDACTED = "********"
"""What a secret is replaced with."""
_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie", "x-goog-api-key"}
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[^\s\"',;]+")


class MiniMaxError(Exception):
    """Base class of every exception the SDK raises on purpose."""


# --- tool arguments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArgumentProblem:
    """One thing wrong with a tool call's arguments.

    ``path`` is a JSON path into the arguments object (``$`` is the object itself, ``$.items[2].qty`` a
    nested value, ``$["odd key"]`` a key that is not an identifier). ``expected`` says what the schema
    wants (``"integer"``, ``"one of \\"C\\", \\"F\\""``), ``got`` names the JSON type that was given
    (``"string"``, ``"nothing"`` for a missing key) and never carries the value itself. ``message`` is the
    whole sentence, which may quote the given value when it is short (40 characters at most).
    """

    path: str
    expected: str
    got: str
    message: str

    def __str__(self) -> str:
        return f"`{self.path}`: {self.message}"


class ToolArgumentsError(MiniMaxError, ValueError):
    """A tool was called with arguments that do not fit its schema (or could not be converted).

    ``problems`` lists every problem found, most relevant first; :meth:`to_model_message` renders them as
    text a model can fix its call from.
    """

    def __init__(self, tool_name: str, problems: Iterable[ArgumentProblem]) -> None:
        self.tool_name = tool_name
        self.problems: list[ArgumentProblem] = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        return f"Invalid arguments for tool `{self.tool_name}`: " + "; ".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[type[ToolArgumentsError], tuple[str, list[ArgumentProblem]]]:
        return (type(self), (self.tool_name, self.problems))

    def to_model_message(self) -> str:
        """The problems as text for the model: one line each, then what to do.

        >>> err = ToolArgumentsError("get_weather", [ArgumentProblem("$.days", "integer", "string",
        ...     "expected integer, got string")])
        >>> print(err.to_model_message())
        Invalid arguments for tool `get_weather`:
        - `$.days`: expected integer, got string
        Fix the arguments and call the tool again.
        """
        lines = [f"Invalid arguments for tool `{self.tool_name}`:"]
        lines.extend(f"- {p}" for p in self.problems[:_MAX_LISTED_PROBLEMS])
        hidden = len(self.problems) - _MAX_LISTED_PROBLEMS
        if hidden > 0:
            lines.append(f"- … and {hidden} more problem{'s' if hidden > 1 else ''}")
        lines.append("Fix the arguments and call the tool again.")
        return "\n".join(lines)


# --- configuration -------------------------------------------------------------------------------------


class ConfigError(MiniMaxError, ValueError):
    """A bad configuration value, file or environment variable.

    ``key`` is the setting (``"timeout"``, ``"sampling.top_p"``; None for a problem with a whole file) and
    ``source`` where it came from (a file path, ``"environment variable MINIMAX_TIMEOUT"``, ``"keyword
    argument"``); the message names both.
    """

    def __init__(self, message: str, *, key: str | None = None, source: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.source = source


# --- API errors ----------------------------------------------------------------------------------------


class APIError(MiniMaxError):
    """Talking to a backend failed.

    Attributes: ``message`` (the text, also ``str(error)``), ``status_code`` (the HTTP status; None when
    there was no response, or for a ``base_resp`` error inside a 2xx body), ``request_id`` (the server's id
    for the request, for support tickets), ``code`` (the server's error code, or MiniMax's
    ``base_resp.status_code``), ``body`` (the parsed JSON body, its text, or None) and ``headers`` (the
    response headers, lower-case keys, sensitive ones masked).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        code: str | int | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.code = code
        self.body = body
        self.headers: dict[str, str] = _clean_headers(headers or {})


class APIStatusError(APIError):
    """The server answered with an error: HTTP status >= 400, or a ``base_resp`` error in a 200 body."""


class BadRequestError(APIStatusError):
    """400, 413 or 422, or MiniMax ``base_resp`` 2013 (parameter error) / 1039 (token limit): fix the
    request; retrying the same one will not help."""


class AuthenticationError(APIStatusError):
    """401 or ``base_resp`` 1004: the API key is missing, wrong or revoked."""


class InsufficientBalanceError(APIStatusError):
    """402 or ``base_resp`` 1008: the account has run out of credit. Not retried."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this model or endpoint."""


class NotFoundError(APIStatusError):
    """404: wrong URL or model id."""


class ConflictError(APIStatusError):
    """409: the server saw a conflicting request. Retried."""


class RateLimitError(APIStatusError):
    """429 or ``base_resp`` 1002: too many requests. Retried with backoff, honouring Retry-After."""


class InternalServerError(APIStatusError):
    """HTTP >= 500: the server failed. Retried."""


class OverloadedError(InternalServerError):
    """529: the server is overloaded. Retried."""


class APIConnectionError(APIError):
    """No response arrived: the connection could not be made, or the transport failed before a response."""

    def __init__(self, message: str = "Connection error.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout."""

    def __init__(self, message: str = "Request timed out.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class StreamInterruptedError(APIError):
    """The stream broke after tokens had been delivered (reset, stall, malformed SSE mid-way).

    ``partial`` holds what was received before the break (set by the client). Never retried: the tokens
    already shown to the caller cannot be taken back.
    """

    def __init__(self, message: str, *, partial: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.partial = partial


class ResponseValidationError(APIError):
    """A response the SDK cannot read: a body that is not JSON, invalid UTF-8, or JSON of the wrong shape."""


# --- building errors from responses --------------------------------------------------------------------

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


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty secret, and whatever follows ``Bearer``/``Basic``, replaced by
    ``********``.

    >>> redact("401: bad key sk-abc123, header Bearer sk-abc123", ["sk-abc123"])
    '401: bad key ********, header Bearer ********'
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _BEARER.sub(rf"\1\2{REDACTED}", text)


def error_from_response(
    status_code: int, headers: Mapping[str, str], body: bytes, *, secrets: Iterable[str] = ()
) -> APIStatusError:
    """The exception for an HTTP error response.

    The class comes from the status (see the tree above), or from MiniMax's ``base_resp.status_code`` when
    the body carries a known one. The message is the server's, read from ``{"error": {"message"}}``,
    ``{"message"}``, ``{"detail"}`` (FastAPI, vLLM), ``{"object": "error", "message"}`` (vLLM) or
    ``base_resp.status_msg``, else the status line. ``secrets`` (the API key) are redacted from the message
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
    if server_message:
        message += f": {server_message}"
    return cls(
        _finish_message(message, request_id, secrets),
        status_code=status_code,
        request_id=request_id,
        code=code,
        body=parsed,
        headers=headers,
    )


def error_from_base_resp(
    body: Mapping[str, Any], headers: Mapping[str, str], *, secrets: Iterable[str] = ()
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
    cls = _BY_BASE_RESP.get(code, APIStatusError)
    return cls(
        _finish_message(message, request_id, secrets),
        status_code=None,
        request_id=request_id,
        code=code,
        body=parsed,
        headers=headers,
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


def _finish_message(message: str, request_id: str | None, secrets: tuple[str, ...]) -> str:
    if request_id:
        message += f" (request id {request_id})"
    return redact(message, secrets)


def _decode_body(body: bytes) -> Any:
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _redact_value(value: Any, secrets: tuple[str, ...]) -> Any:
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


def _clean_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-case keys; values of credential-bearing headers masked."""
    cleaned: dict[str, str] = {}
    for key, value in headers.items():
        name = key.lower()
        cleaned[name] = REDACTED if name in _SENSITIVE_HEADERS else value
    return cleaned


def _shorten(text: str) -> str:
    if len(text) <= _MAX_MESSAGE_CHARS:
        return text
    return text[:_MAX_MESSAGE_CHARS] + f"… ({len(text) - _MAX_MESSAGE_CHARS} more characters)"


# --- supervised server processes -----------------------------------------------------------------------


class BackendProcessError(APIError):
    """A server process the SDK started and supervises (the embedded SGLang backend) failed.

    ``log_tail`` holds the last lines the process wrote (secrets masked), ``log_path`` the file with all of
    them, ``returncode`` the exit status when it has exited (negative: killed by that signal), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        log_tail: str = "",
        log_path: str | None = None,
        returncode: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.log_tail = log_tail
        self.log_path = log_path
        self.returncode = returncode


class BackendStartupError(BackendProcessError):
    """The server did not come up: it exited while loading, was not ready within ``startup_timeout``, or
    could not be started at all (its port is taken, the command is missing)."""


class BackendCrashedError(BackendProcessError):
    """The server was ready and has died since; ``returncode`` says how. Start a new one (on a new port)."""
