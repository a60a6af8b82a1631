"""Retry policy: what is retried, how long to wait (Retry-After, backoff with jitter), and the tenacity loops."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from minimax_sdk._retry import RetryPolicy, async_retrying, is_retryable, retry_delay, retrying
from minimax_sdk.backends._http_errors import error_from_base_resp, error_from_response
from minimax_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ResponseValidationError,
    StreamInterruptedError,
    ToolArgumentsError,
)

NOW = 1_800_000_000.0
POLICY = RetryPolicy()


def status_error(status: int, **headers: str) -> APIStatusError:
    return error_from_response(status, {k.replace("_", "-"): v for k, v in headers.items()}, b"")


def http_date(offset: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + offset, tz=timezone.utc), usegmt=True)


# --- is_retryable ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retried"),
    [(400, False), (401, False), (402, False), (403, False), (404, False), (408, True), (409, True),
     (413, False), (422, False), (429, True), (500, True), (502, True), (503, True), (504, True), (529, True)],
)  # fmt: skip
def test_retried_statuses(status: int, retried: bool) -> None:
    assert is_retryable(status_error(status)) is retried


@pytest.mark.parametrize(
    ("status", "header", "retried"),
    [(400, "true", True), (500, "false", False), (429, " FALSE ", False), (404, "maybe", False)],
)
def test_x_should_retry_overrides(status: int, header: str, retried: bool) -> None:
    assert is_retryable(status_error(status, x_should_retry=header)) is retried


@pytest.mark.parametrize(
    ("code", "retried"),
    [
        (1002, True),
        (1004, False),
        (1008, False),
        (1039, False),
        (2013, False),
        (1000, True),
        (1024, True),
        (9999, False),
    ],
)
def test_base_resp_errors(code: int, retried: bool) -> None:
    err = error_from_base_resp({"base_resp": {"status_code": code, "status_msg": "x"}}, {})
    assert err is not None
    assert is_retryable(err) is retried


def test_base_resp_error_obeys_x_should_retry() -> None:
    err = error_from_base_resp({"base_resp": {"status_code": 9999}}, {"x-should-retry": "true"})
    assert err is not None
    assert is_retryable(err)


@pytest.mark.parametrize(
    ("exc", "retried"),
    [
        (APIConnectionError(), True),
        (APITimeoutError(), True),
        (StreamInterruptedError("reset", headers={"x-should-retry": "true"}), False),
        (ResponseValidationError("not JSON"), False),
        (ValueError("boom"), False),
        (ToolArgumentsError("t", []), False),
        (KeyboardInterrupt(), False),
    ],
)
def test_other_exceptions(exc: BaseException, retried: bool) -> None:
    assert is_retryable(exc) is retried


# --- retry_delay -----------------------------------------------------------------------------------------


def no_jitter() -> float:
    return 0.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "30"}, 0.25),
        ({"retry-after-ms": "garbage", "retry-after": "3"}, 3.0),
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": " 2.5 "}, 2.5),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": http_date(30)}, 30.0),
        ({"retry-after": http_date(30).replace("GMT", "-0000")}, 30.0),
        ({"retry-after": http_date(-30)}, 0.5),  # in the past: backoff
        ({"retry-after": "0"}, 0.5),
        ({"retry-after": "-5"}, 0.5),
        ({"retry-after": "soon"}, 0.5),
        ({"retry-after": "nan"}, 0.5),
        ({"retry-after": ""}, 0.5),
        ({}, 0.5),
    ],
)
def test_retry_after_forms(headers: dict[str, str], expected: float) -> None:
    err = error_from_response(429, headers, b"")
    assert retry_delay(POLICY, 0, err, now=NOW, rng=no_jitter) == pytest.approx(expected)


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "121"},
        {"retry-after-ms": "120001"},
        {"retry-after": http_date(3600)},
        {"retry-after": "inf"},
    ],
)
def test_retry_after_above_the_ceiling_gives_up(headers: dict[str, str]) -> None:
    assert retry_delay(POLICY, 0, error_from_response(429, headers, b""), now=NOW) is None


def test_ceiling_is_configurable() -> None:
    err = status_error(503, retry_after="300")
    assert retry_delay(RetryPolicy(max_retry_after=600), 0, err, now=NOW) == 300.0
    assert retry_delay(RetryPolicy(max_retry_after=10), 0, status_error(503, retry_after="11"), now=NOW) is None


@pytest.mark.parametrize(("retries", "base"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (30, 8.0)])
def test_backoff_bounds_with_seeded_jitter(retries: int, base: float) -> None:
    rng = random.Random(1234)
    delays = [retry_delay(POLICY, retries, APIConnectionError(), rng=rng.random) or -1.0 for _ in range(200)]
    assert all(0.75 * base < d <= base for d in delays)
    assert max(delays) - min(delays) > 0.15 * base  # the jitter is spread out, not constant


def test_backoff_without_an_exception() -> None:
    assert retry_delay(RetryPolicy(jitter=0), 1, None) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"initial_delay": -0.1},
        {"max_delay": float("nan")},
        {"jitter": 1.5},
        {"max_retry_after": -1},
    ],
)
def test_policy_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_rejects_a_non_integer_max_retries() -> None:
    with pytest.raises(TypeError):
        RetryPolicy(max_retries=None)  # type: ignore[arg-type]


# --- the tenacity loops ----------------------------------------------------------------------------------


class Flaky:
    """Fails with the given exceptions in turn, then returns "ok"."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def run_sync(policy: RetryPolicy, call: Flaky, delays: list[float]) -> str:
    for attempt in retrying(policy, sleep=delays.append):
        with attempt:
            return call()
    raise AssertionError("unreachable")


async def run_async(policy: RetryPolicy, call: Flaky, delays: list[float]) -> str:
    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    async for attempt in async_retrying(policy, sleep=sleep):
        with attempt:
            return call()
    raise AssertionError("unreachable")


def test_gives_up_after_max_retries_with_the_original_exception() -> None:
    last = status_error(503, retry_after="1")
    call = Flaky(status_error(503, retry_after="1"), status_error(503, retry_after="2"), last, APITimeoutError())
    delays: list[float] = []
    with pytest.raises(APIStatusError) as info:
        run_sync(RetryPolicy(max_retries=2), call, delays)
    assert info.value is last
    assert call.calls == 3
    assert delays == [1.0, 2.0]


def test_succeeds_after_retries() -> None:
    delays: list[float] = []
    call = Flaky(APIConnectionError(), status_error(429, retry_after_ms="10"))
    assert run_sync(RetryPolicy(jitter=0), call, delays) == "ok"
    assert delays == [0.5, 0.01]


def test_backoff_sequence_is_exponential() -> None:
    delays: list[float] = []
    call = Flaky(*[APIConnectionError() for _ in range(6)])
    assert run_sync(RetryPolicy(max_retries=6, jitter=0, initial_delay=1, max_delay=5), call, delays) == "ok"
    assert delays == [1, 2, 4, 5, 5, 5]


@pytest.mark.parametrize(
    "exc",
    [status_error(400), status_error(429, retry_after="500"), StreamInterruptedError("x"), ValueError("v")],
)
def test_not_retried_raise_at_once(exc: BaseException) -> None:
    delays: list[float] = []
    call = Flaky(exc)
    with pytest.raises(type(exc)) as info:
        run_sync(POLICY, call, delays)
    assert info.value is exc
    assert call.calls == 1
    assert delays == []


def test_zero_retries() -> None:
    delays: list[float] = []
    with pytest.raises(APIConnectionError):
        run_sync(RetryPolicy(max_retries=0), Flaky(APIConnectionError()), delays)
    assert delays == []


def test_async_gives_up_with_the_original_exception() -> None:
    last = status_error(500)
    call = Flaky(status_error(502, retry_after="0.5"), APIConnectionError(), last)
    delays: list[float] = []
    with pytest.raises(APIStatusError) as info:
        asyncio.run(run_async(RetryPolicy(jitter=0), call, delays))
    assert info.value is last
    assert delays == [0.5, 1.0]


def test_async_succeeds_and_does_not_retry_the_unretryable() -> None:
    delays: list[float] = []
    assert asyncio.run(run_async(POLICY, Flaky(status_error(429, retry_after="3")), delays)) == "ok"
    assert delays == [3.0]
    bad = status_error(401)
    with pytest.raises(APIStatusError) as info:
        asyncio.run(run_async(POLICY, Flaky(bad), []))
    assert info.value is bad


def test_on_retry_and_log(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[tuple[int, float, BaseException]] = []
    secret = "sk-very-secret-key"
    first = error_from_response(
        429,
        {"retry-after": "0.43"},
        b'{"error": {"message": "slow down sk-very-secret-key"}}',
        secrets=[secret],
    )
    second = APIConnectionError()
    caplog.set_level(logging.INFO, logger="minimax_sdk")
    for attempt in retrying(POLICY, sleep=lambda _: None, on_retry=lambda *a: seen.append(a)):
        with attempt:
            if attempt.retry_state.attempt_number == 1:
                raise first
            if attempt.retry_state.attempt_number == 2:
                raise second
    assert [(n, e) for n, _, e in seen] == [(1, first), (2, second)]
    assert seen[0][1] == 0.43
    messages = [r.getMessage() for r in caplog.records if r.name == "minimax_sdk"]
    assert (
        messages[0]
        == "retrying request in 0.43 s (attempt 2 of 3): RateLimitError: HTTP 429 Too Many Requests: slow down ********"
    )
    assert messages[1].startswith("retrying request in ")
    assert "(attempt 3 of 3): APIConnectionError: Connection error." in messages[1]
    assert all(secret not in m for m in messages)
