"""Keeping API keys out of log records, including those of httpx and httpcore.

httpcore logs every response header at DEBUG; a server that echoes the key back in a header would put it in
that log line. Each client registers its key here, and a filter on the loggers of httpx, httpcore and the
SDK replaces any registered key (and anything after ``Bearer``/``Basic``) in a record's message before a
handler sees it. A filter on a logger acts only on records that logger creates, so each of httpcore's
loggers gets it.
"""

from __future__ import annotations

import logging
import threading

from ._secret import Secret, redact

LOGGERS = (
    "minimax_sdk",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_MIN_SECRET_LEN = 8  # a shorter "key" (a test placeholder) would blank ordinary words in every log line


class RedactingFilter(logging.Filter):
    """Rewrites a record whose message holds a registered secret; never drops a record."""

    def __init__(self) -> None:
        super().__init__("minimax_sdk.redaction")
        self.secrets: frozenset[Secret] = frozenset()

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets
        if not secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record whose args do not fit its format: leave it to logging's own handling
            return True
        if any(secret.get() in message for secret in secrets):
            record.msg, record.args = redact(message, secrets), None
        return True


_FILTER = RedactingFilter()
_lock = threading.Lock()
_attached = False


def redacting_filter() -> logging.Filter:
    """The filter itself, for a handler that should redact records of any logger (``MINIMAX_LOG``'s)."""
    return _FILTER


def register_secret(secret: Secret) -> None:
    """Keep ``secret`` out of the log records of the SDK, httpx and httpcore from now on."""
    global _attached
    if len(secret.get()) < _MIN_SECRET_LEN:
        return
    with _lock:
        _FILTER.secrets = _FILTER.secrets | {secret}
        if not _attached:
            for name in LOGGERS:
                logging.getLogger(name).addFilter(_FILTER)
            _attached = True
