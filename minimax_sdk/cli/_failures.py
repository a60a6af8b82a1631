"""Errors of ``minimax chat`` and ``minimax demo`` as one clear line plus a hint (a traceback only with
``--debug``)."""

from __future__ import annotations

import sys

from ._common import EXIT_USAGE

EXIT_FAILURE = 1


def hint_for(exc: BaseException) -> str:
    """What to try next for a failure."""
    from ..errors import APIConnectionError, AuthenticationError, ConfigError, NotFoundError

    if isinstance(exc, ConfigError) and exc.key == "api_key":
        return "set the variable named above, or try `minimax demo`, which runs a scripted replay without a key"
    if isinstance(exc, ConfigError):
        return "fix the setting named above (a flag, a MINIMAX_* variable or minimax.toml)"
    if isinstance(exc, AuthenticationError):
        return "the key was refused: check MINIMAX_API_KEY (NVIDIA_API_KEY for the nvidia backend)"
    if isinstance(exc, NotFoundError):
        return "check --base-url (up to and including /v1) and --model"
    if isinstance(exc, APIConnectionError):
        return "is the server running? check --base-url or MINIMAX_BASE_URL (up to and including /v1)"
    return "run again with --debug to see the traceback"


def report_failure(command: str, exc: BaseException, *, debug: bool) -> int:
    """Print the failure as one line and a hint on standard error; returns the exit status."""
    from ..errors import ConfigError

    if debug:
        raise exc
    message = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (ConfigError,)) and type(exc).__module__.split(".")[0] != "minimax_sdk":
        message = f"{type(exc).__name__}: {message}"
    print(f"minimax {command}: error: {message}", file=sys.stderr)
    print(f"hint: {hint_for(exc)}", file=sys.stderr, flush=True)
    return EXIT_USAGE if isinstance(exc, ConfigError) else EXIT_FAILURE
