"""The API exception tree: status and ``base_resp`` mapping, message extraction, request ids, secrets."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from minimax_sdk._secret import Secret, redact
from minimax_sdk.backends._http_errors import error_from_base_resp, error_from_response
from minimax_sdk.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigError,
    ConflictError,
    InsufficientBalanceError,
    InternalServerError,
    MiniMaxError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    StreamInterruptedError,
)

KEY = "sk-test-0123456789abcdef"


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, InsufficientBalanceError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIStatusError),
        (408, APIStatusError),
        (409, ConflictError),
        (410, APIStatusError),
        (413, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitError),
        (499, APIStatusError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (529, OverloadedError),
        (599, InternalServerError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIStatusError]) -> None:
    err = error_from_response(status, {}, b"")
    assert type(err) is cls
    assert err.status_code == status
    assert str(err).startswith(f"HTTP {status} ")


def test_overloaded_is_an_internal_server_error() -> None:
    assert isinstance(error_from_response(529, {}, b""), InternalServerError)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1002, RateLimitError),
        (1004, AuthenticationError),
        (1008, InsufficientBalanceError),
        (1039, BadRequestError),
        (2013, BadRequestError),
        (1000, InternalServerError),
        (1024, InternalServerError),
        (9999, APIStatusError),
    ],
)
def test_base_resp_code_maps_to_class(code: int, cls: type[APIStatusError]) -> None:
    body = {"id": "abc", "choices": None, "base_resp": {"status_code": code, "status_msg": "nope"}}
    err = error_from_base_resp(body, {"X-Request-Id": "req-9"})
    assert type(err) is cls
    assert err is not None
    assert err.code == code
    assert err.status_code is None
    assert err.request_id == "req-9"
    assert str(err) == f"MiniMax error {code}: nope (request id req-9)"


@pytest.mark.parametrize(
    "body",
    [
        {"choices": []},
        {"base_resp": {"status_code": 0, "status_msg": "success"}},
        {"base_resp": {"status_code": "0"}},
        {"base_resp": None},
        {"base_resp": {"status_msg": "no code"}},
    ],
)
def test_base_resp_without_error_gives_none(body: dict[str, Any]) -> None:
    assert error_from_base_resp(body, {}) is None


def test_base_resp_code_as_string_is_read() -> None:
    err = error_from_base_resp({"base_resp": {"status_code": "1002", "status_msg": "slow down"}}, {})
    assert isinstance(err, RateLimitError)
    assert err.code == 1002


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        (
            {"error": {"message": "Rate limit reached", "type": "rate_limit_error", "code": "rate_limit"}},
            "Rate limit reached",
            "rate_limit",
        ),
        (
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            "Overloaded",
            None,
        ),
        ({"error": "plain string error"}, "plain string error", None),
        ({"message": "top-level message", "code": 7}, "top-level message", 7),
        ({"detail": "Not Found"}, "Not Found", None),
        (
            {"detail": [{"loc": ["body", "messages"], "msg": "field required", "type": "missing"}]},
            "body.messages: field required",
            None,
        ),
        ({"detail": {"message": "nested detail"}}, "nested detail", None),
        (
            {"object": "error", "message": "max_tokens is too large", "type": "BadRequestError", "code": 400},
            "max_tokens is too large",
            400,
        ),
        ({"base_resp": {"status_code": 2013, "status_msg": "invalid params"}}, "invalid params", 2013),
        ({"unrelated": True}, None, None),
        ([1, 2, 3], None, None),
    ],
)
def test_message_and_code_from_each_body_shape(body: Any, message: str | None, code: Any) -> None:
    err = error_from_response(400, {}, _json(body))
    expected = "HTTP 400 Bad Request" + (f": {message}" if message else "")
    assert str(err) == expected
    assert err.code == code
    assert err.body == body


def test_text_body_is_the_message() -> None:
    err = error_from_response(502, {"content-type": "text/html"}, b"  <html>Bad gateway</html>\n")
    assert str(err) == "HTTP 502 Bad Gateway: <html>Bad gateway</html>"
    assert err.body == "<html>Bad gateway</html>"


def test_invalid_utf8_body_is_tolerated() -> None:
    err = error_from_response(500, {}, b"oops \xff\xfe")
    assert err.body == "oops \ufffd\ufffd"
    assert "oops" in str(err)


def test_empty_body_falls_back_to_the_status_line() -> None:
    err = error_from_response(503, {}, b"")
    assert str(err) == "HTTP 503 Service Unavailable"
    assert err.body is None
    assert str(error_from_response(529, {}, b"")) == "HTTP 529 Overloaded"
    assert str(error_from_response(599, {}, b"")) == "HTTP 599 Error"


def test_long_message_is_shortened() -> None:
    err = error_from_response(500, {}, b"x" * 5000)
    assert len(str(err)) < 1100
    assert "4000 more characters" in str(err)


def test_base_resp_in_an_error_response_picks_the_class() -> None:
    body = _json({"base_resp": {"status_code": 1004, "status_msg": "invalid api key"}})
    err = error_from_response(400, {}, body)
    assert isinstance(err, AuthenticationError)
    assert err.code == 1004
    assert err.status_code == 400
    unknown = error_from_response(500, {}, _json({"base_resp": {"status_code": 1013, "status_msg": "x"}}))
    assert type(unknown) is InternalServerError
    assert unknown.code == 1013


@pytest.mark.parametrize(
    ("headers", "body", "request_id"),
    [
        ({"X-Request-Id": "a"}, {}, "a"),
        ({"request-id": "b"}, {}, "b"),
        ({"x-minimax-request-id": "c"}, {}, "c"),
        ({"Trace-Id": "d"}, {}, "d"),
        ({"x-request-id": "a", "trace-id": "d"}, {}, "a"),
        ({}, {"request_id": "e", "id": "f"}, "e"),
        ({}, {"id": "f"}, "f"),
        ({}, {"id": 5}, None),
        ({}, {}, None),
    ],
)
def test_request_id_from_headers_then_body(
    headers: dict[str, str], body: dict[str, Any], request_id: str | None
) -> None:
    err = error_from_response(500, headers, _json(body))
    assert err.request_id == request_id
    if request_id:
        assert str(err).endswith(f"(request id {request_id})")


def test_headers_are_lower_cased_and_credentials_masked() -> None:
    err = error_from_response(
        401, {"Retry-After": "3", "Authorization": f"Bearer {KEY}", "Set-Cookie": "session=abc"}, b""
    )
    assert err.headers == {"retry-after": "3", "authorization": "********", "set-cookie": "********"}


def test_api_key_echoed_by_the_server_is_redacted() -> None:
    body = _json({"error": {"message": f"Incorrect API key provided: {KEY}", "param": {"key": KEY}}})
    err = error_from_response(401, {}, body, secrets=[KEY])
    for text in (str(err), repr(err), *map(str, err.args), json.dumps(err.body)):
        assert KEY not in text
    assert "Incorrect API key provided: ********" in str(err)


def test_bearer_values_are_redacted_even_without_the_secret() -> None:
    err = error_from_response(400, {}, _json({"message": f"bad header Authorization: Bearer {KEY}"}))
    assert KEY not in str(err)
    assert "Bearer ********" in str(err)
    based = error_from_base_resp(
        {"base_resp": {"status_code": 1004, "status_msg": f"key {KEY} invalid"}}, {}, secrets=[KEY]
    )
    assert based is not None
    assert KEY not in repr(based)


def test_redact() -> None:
    assert redact("a sk-1 b sk-12", ["sk-1", "sk-12", ""]) == "a ******** b ********"
    assert redact("Authorization: bearer abc.def", []) == "Authorization: bearer ********"
    assert redact("nothing here", ["secret"]) == "nothing here"


def test_tree() -> None:
    assert issubclass(APIError, MiniMaxError)
    assert issubclass(APIStatusError, APIError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, APIError)
    assert issubclass(StreamInterruptedError, APIError)
    assert issubclass(ResponseValidationError, APIError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(ConfigError, MiniMaxError)
    for cls in (BadRequestError, AuthenticationError, RateLimitError, OverloadedError, ConflictError):
        assert issubclass(cls, APIStatusError)


def test_connection_errors_have_defaults() -> None:
    assert str(APIConnectionError()) == "Connection error."
    assert str(APITimeoutError()) == "Request timed out."
    assert APITimeoutError().status_code is None


def test_stream_interrupted_keeps_partial() -> None:
    err = StreamInterruptedError("reset by peer", partial={"content": "Hel"}, request_id="r1")
    assert err.partial == {"content": "Hel"}
    assert err.request_id == "r1"


@pytest.mark.parametrize(
    "err",
    [
        error_from_response(429, {"x-request-id": "r"}, _json({"error": {"message": "m", "code": "c"}})),
        StreamInterruptedError("broke", partial=[1, 2], status_code=200),
        ConfigError("timeout in minimax.toml must be a number, got string", key="timeout", source="minimax.toml"),
        APITimeoutError(),
    ],
)
def test_errors_pickle_and_copy(err: Exception) -> None:
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert type(clone) is type(err)
        assert str(clone) == str(err)
        assert vars(clone) == vars(err)


def test_secret_never_shows_its_value() -> None:
    secret = Secret(KEY)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>20}", repr([secret])):
        assert KEY not in text
    assert repr(secret) == "Secret('********')"
    assert secret.get() == KEY
    assert secret == Secret(KEY)
    assert secret != Secret("other")
    assert secret != KEY
    assert hash(secret) == hash(Secret(KEY))
    assert copy.deepcopy(secret) is secret
    assert not Secret("")
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(secret)
    with pytest.raises(AttributeError):
        secret._value = "x"
    with pytest.raises(TypeError):
        Secret(123)  # type: ignore[arg-type]
