"""``MINIMAX_LOG``: a stderr handler on the ``minimax_sdk`` logger, set up when the first client is created.

``MINIMAX_LOG=debug`` shows each request and response line of the HTTP backend (method, URL, status, request
id, timing) and the retry decisions; ``info`` the retry decisions and warnings; ``warning`` warnings only.
The variable is read once, by the first client; an application that configures logging itself leaves it
unset and sets the ``minimax_sdk`` logger's level as it likes. The handler also carries the key-redacting
filter, so records of the SDK's child loggers are redacted as well.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping

from ._log_redaction import redacting_filter

__all__ = ["LOG_VARIABLE", "configure_logging_from_env"]

LOG_VARIABLE = "MINIMAX_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_lock = threading.Lock()
_done = False


def configure_logging_from_env(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Read ``MINIMAX_LOG`` the first time it is called (later calls do nothing) and, when it names a level,
    give the ``minimax_sdk`` logger that level and a stderr handler; returns the handler added, if any."""
    global _done
    with _lock:
        if _done:
            return None
        _done = True
    value = (os.environ if environ is None else environ).get(LOG_VARIABLE, "").strip().lower()
    if not value:
        return None
    logger = logging.getLogger("minimax_sdk")
    level = _LEVELS.get(value)
    if level is None:
        logger.warning("%s=%r is not one of %s; ignored", LOG_VARIABLE, value, ", ".join(_LEVELS))
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(redacting_filter())
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
