"""A string that keeps itself out of reprs, logs, tracebacks and pickles.

>>> key = Secret("sk-live-123")
>>> key
Secret('********')
>>> f"{key}"
'********'
>>> key.get()
'sk-live-123'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

__all__ = ["REDACTED", "Secret", "mask_headers", "redact", "shown_url"]

REDACTED = "********"
"""What a secret is replaced with."""
_MASK = REDACTED
_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie", "x-goog-api-key"}
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)[^\s\"',;]+")


class Secret:
    """Holds a credential; only :meth:`get` gives it back.

    ``repr`` shows ``Secret('********')`` and ``str``/``format`` show ``********``, so a secret that ends
    up in a log line, an f-string, an exception or a dataclass repr reveals nothing. Two secrets are equal
    when their values are; the hash is that of the value. Pickling is refused (a pickle would hold the
    value in clear); ``copy`` and ``deepcopy`` return the same object, which is immutable.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"Secret value must be a string, got {type(value).__name__}")
        object.__setattr__(self, "_value", value)

    def get(self) -> str:
        """The value itself."""
        value: str = object.__getattribute__(self, "_value")
        return value

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, format_spec: str) -> str:
        return format(_MASK, format_spec)

    def __bool__(self) -> bool:
        return bool(self.get())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self.get() == other.get()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self.get()))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; pickle secret.get() explicitly if you must")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def redact(text: str, secrets: Iterable[str | Secret]) -> str:
    """``text`` with every non-empty secret, and whatever follows ``Bearer``/``Basic``, replaced by
    ``********``. Callers pass :class:`Secret` objects, so no frame of theirs holds a key in clear.

    >>> redact("401: bad key sk-abc123, header Bearer sk-abc123", [Secret("sk-abc123")])
    '401: bad key ********, header Bearer ********'
    """
    values = {s.get() if isinstance(s, Secret) else s for s in secrets}
    for secret in sorted((v for v in values if v), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _BEARER.sub(rf"\1\2{REDACTED}", text)


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-case keys; values of credential-bearing headers masked."""
    return {key.lower(): REDACTED if key.lower() in _SENSITIVE_HEADERS else value for key, value in headers.items()}


def shown_url(url: str) -> str:
    """``url`` with any user info (``user:key@``) masked, for reprs, logs and errors."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=f"{REDACTED}@{parts.netloc.rpartition('@')[2]}"))
