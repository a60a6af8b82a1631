"""When to retry a request, and how long to wait first.

The rules follow the openai and anthropic clients: retry connection errors, timeouts and HTTP 408, 409,
429 and 5xx (and MiniMax's ``base_resp`` rate limit, which arrives under HTTP 200); let an
``x-should-retry: true/false`` header override that; wait what the server asks (``retry-after-ms``, then
``retry-after`` in seconds or as an HTTP date) when it asks for between 0 and ``max_retry_after`` seconds,
**give up** when it asks for longer (rather than hang for hours), and otherwise back off exponentially,
``min(initial_delay · 2ⁿ, max_delay) · (1 − jitter · U[0, 1))``.

The HTTP backend applies :func:`is_retryable` and :func:`retry_delay` in a plain loop of its own (tenacity's
machinery costs more than the rest of a small request's client-side work). Other callers can drive the same
policy with tenacity::

    for attempt in retrying(policy):
        with attempt:
            response = send()

and get the original exception back when it gives up, never :class:`tenacity.RetryError`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any

import tenacity

from .errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    DeadlineExceededError,
    InternalServerError,
    RateLimitError,
    ResponseValidationError,
    StreamInterruptedError,
)

__all__ = ["RetryPolicy", "async_retrying", "is_retryable", "retry_delay", "retrying"]

logger = logging.getLogger("minimax_sdk")

_RETRIED_STATUSES = frozenset({408, 409, 429})

OnRetry = Callable[[int, float, BaseException], None]
"""Called before each wait: (retry number, starting at 1; the delay in seconds; the exception)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry.

    ``max_retries`` retries follow the first attempt (so ``max_retries + 1`` attempts in all). Backoff
    starts at ``initial_delay`` seconds, doubles per retry up to ``max_delay``, and is shortened by up to
    ``jitter`` (a fraction). A server asking (Retry-After) for more than ``max_retry_after`` seconds makes
    the request fail at once instead.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 120.0

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise TypeError(f"max_retries must be an integer, got {type(self.max_retries).__name__}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if not isinstance(self.jitter, (int, float)) or not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter!r}")


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed attempt is worth another try.

    Yes for :class:`APIConnectionError` (and timeouts) and for :class:`APIStatusError` with HTTP 408, 409,
    429 or >= 500 or a ``base_resp`` rate limit or server error; a response header ``x-should-retry: true`` or ``false``
    decides instead when present. Never for :class:`StreamInterruptedError` (tokens were already
    delivered), :class:`ResponseValidationError`, or anything else.
    """
    if isinstance(exc, (StreamInterruptedError, ResponseValidationError, DeadlineExceededError)):
        return False
    if isinstance(exc, APIConnectionError):
        return True
    if not isinstance(exc, APIStatusError):
        return False
    override = exc.headers.get("x-should-retry", "").strip().lower()
    if override in ("true", "false"):
        return override == "true"
    if exc.status_code is None:  # a base_resp error inside a 2xx body: rate limit, or "retry later" codes
        return isinstance(exc, RateLimitError | InternalServerError)
    return exc.status_code in _RETRIED_STATUSES or exc.status_code >= 500


def retry_delay(
    policy: RetryPolicy,
    retries_so_far: int,
    exc: BaseException | None,
    *,
    now: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before retry number ``retries_so_far + 1``; None to give up instead.

    The server's wish (``exc``'s ``retry-after-ms`` or ``retry-after`` header) wins when it is between 0
    (exclusive) and ``policy.max_retry_after``; above that the answer is None. Otherwise (no header, an
    unreadable one, or 0 / a date in the past) it is the jittered exponential backoff. ``now`` (a Unix time,
    default the clock) anchors HTTP dates; ``rng`` draws the jitter.
    """
    if isinstance(exc, APIError):
        asked = server_retry_after(exc.headers, now=now)
        if asked is not None and asked > policy.max_retry_after:
            return None
        if asked is not None and asked > 0:
            return asked
    backoff = min(policy.initial_delay * 2.0 ** max(retries_so_far, 0), policy.max_delay)
    return backoff * (1.0 - policy.jitter * rng())


def server_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """The delay a response asks for, in seconds (may be <= 0), or None when it asks for none readable.

    ``retry-after-ms`` (milliseconds) first, then ``retry-after`` as seconds (a decimal number) or as an
    HTTP date relative to ``now``. Header names must be lower-case (as :class:`APIError` keeps them).
    """
    millis = _parse_number(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _parse_number(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"; HTTP dates are always GMT
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - (time.time() if now is None else now)


def _parse_number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return None if math.isnan(number) else number


def retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: OnRetry | None = None,
) -> tenacity.Retrying:
    """A :class:`tenacity.Retrying` that applies ``policy``; iterate it and run each attempt in ``with``.

    ``sleep`` does the waiting (inject a recorder in tests); ``on_retry`` is told about each retry before
    the wait. When it gives up, the last attempt's own exception propagates.
    """
    rules = _Rules(policy, on_retry)
    return tenacity.Retrying(
        sleep=sleep,
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=rules.wait,
        retry=rules.should_retry,
        before_sleep=rules.before_sleep,
        reraise=True,
    )


def async_retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_retry: OnRetry | None = None,
) -> tenacity.AsyncRetrying:
    """The ``async for`` twin of :func:`retrying`; ``sleep`` is awaited."""
    rules = _Rules(policy, on_retry)
    return tenacity.AsyncRetrying(
        sleep=sleep,
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=rules.wait,
        retry=rules.should_retry,
        before_sleep=rules.before_sleep,
        reraise=True,
    )


class _Rules:
    """The policy as tenacity callbacks."""

    def __init__(self, policy: RetryPolicy, on_retry: OnRetry | None) -> None:
        self.policy = policy
        self.on_retry = on_retry

    def should_retry(self, state: tenacity.RetryCallState) -> bool:
        exc = _failure(state)
        if exc is None or not is_retryable(exc):
            return False
        return retry_delay(self.policy, state.attempt_number - 1, exc) is not None

    def wait(self, state: tenacity.RetryCallState) -> float:
        delay = retry_delay(self.policy, state.attempt_number - 1, _failure(state))
        # None only if an HTTP date crossed the ceiling between should_retry and now: wait the most allowed
        return self.policy.max_retry_after if delay is None else delay

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        exc = _failure(state)
        assert exc is not None  # tenacity only sleeps after a failed attempt we chose to retry
        action = state.next_action  # set just before before_sleep by every tenacity since 5
        delay = float(action.sleep) if action is not None else 0.0
        logger.info(
            "retrying request in %.2f s (attempt %d of %d): %s: %s",
            delay,
            state.attempt_number + 1,
            self.policy.max_retries + 1,
            type(exc).__name__,
            exc,
        )
        if self.on_retry is not None:
            self.on_retry(state.attempt_number, delay, exc)


def _failure(state: tenacity.RetryCallState) -> BaseException | None:
    outcome: Any = state.outcome
    if outcome is None or not outcome.failed:
        return None
    exc: BaseException | None = outcome.exception()
    return exc
