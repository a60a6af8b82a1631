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
        │   └── APITimeoutError          connect, read, write or pool timeout; no stream event within ``timeout``
        │       └── DeadlineExceededError  the request's ``deadline`` passed (retries included); never retried
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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ._secret import mask_headers

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
    "DeadlineExceededError",
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
]

_MAX_LISTED_PROBLEMS = 20


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
        self.headers: dict[str, str] = mask_headers(headers or {})


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


class DeadlineExceededError(APITimeoutError):
    """The request's ``deadline`` (seconds for the whole call, retries included) passed. Never retried."""

    def __init__(self, message: str = "The request's deadline passed.", **kwargs: Any) -> None:
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


# --- processes the SDK supervises ---------------------------------------------------------------------


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
