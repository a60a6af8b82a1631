"""The backend seam: a typed :class:`ChatRequest` in, a :class:`~minimax_sdk.messages.ChatResponse` or stream
events out.

A backend is any object with ``chat``, ``stream`` and ``close`` (:class:`Backend`) or their async twins
``achat``, ``astream`` and ``aclose`` (:class:`AsyncBackend`); one object may be both. The client builds the
request (messages typed, tool definitions built once, sampling and per-request options checked) and knows
nothing of wire formats; each backend owns its own. Backends are chosen by name from the registry
(:mod:`minimax_sdk.backends.registry`) or passed as objects: ``MiniMax(backend=my_backend)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, runtime_checkable

from ..config import check_sampling
from ..messages import ChatResponse, Message, StreamEvent

__all__ = [
    "AsyncBackend",
    "Backend",
    "ChatParams",
    "ChatRequest",
    "RequestOptions",
    "split_params",
]


class ChatParams(TypedDict, total=False):
    """The keyword arguments of ``chat``, ``stream`` and ``run``: sampling, then per-request options.

    Sampling values go into the request as given. ``timeout`` (seconds per read, and between two stream
    events), ``deadline`` (seconds for the whole call), ``max_retries``, ``extra_headers`` and ``extra_query``
    apply to this request only; ``extra_body`` is merged into the request body last
    (for fields the SDK does not name). Anything else is a ``TypeError``.
    """

    model: str
    temperature: float
    top_p: float
    top_k: int
    min_p: float
    max_tokens: int
    max_completion_tokens: int
    stop: str | list[str]
    seed: int
    presence_penalty: float
    frequency_penalty: float
    repetition_penalty: float
    tool_choice: str | Mapping[str, Any]
    parallel_tool_calls: bool
    response_format: Mapping[str, Any]
    timeout: float
    deadline: float
    max_retries: int
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, str]
    extra_body: Mapping[str, Any]


_OPTION_KEYS = frozenset({"timeout", "deadline", "max_retries", "extra_headers", "extra_query", "extra_body"})
_SAMPLING_KEYS = frozenset(ChatParams.__annotations__) - _OPTION_KEYS - {"model"}


@dataclass(frozen=True)
class RequestOptions:
    """Options of one request, applied to it alone (None: the client's setting)."""

    timeout: float | None = None
    """Read timeout in seconds for this request (for a stream: also the longest wait between two events)."""
    deadline: float | None = None
    """Seconds for the whole request, retries included; None: the client's ``deadline`` setting."""
    max_retries: int | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    extra_query: Mapping[str, str] = field(default_factory=dict)
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    """Merged into the request body after everything else."""


@dataclass(frozen=True)
class ChatRequest:
    """One request to a model, as every backend receives it.

    ``tools`` are function definitions (``{"name", "description", "parameters"}``), built once by the client;
    None when the request has no tools. ``sampling`` holds only what the caller gave for this request: a
    backend adds its configured defaults itself.
    """

    model: str
    messages: tuple[Message, ...]
    tools: tuple[Mapping[str, Any], ...] | None = None
    sampling: Mapping[str, Any] = field(default_factory=dict)
    options: RequestOptions = field(default_factory=RequestOptions)


def split_params(params: Mapping[str, Any], where: str) -> tuple[str | None, dict[str, Any], RequestOptions]:
    """(model, sampling, options) from ``chat``'s keyword arguments; ``TypeError`` for an unknown one.

    None values count as not given. ``where`` names the method in the error (``"chat"``).
    """
    sampling: dict[str, Any] = {}
    options: dict[str, Any] = {}
    model: str | None = None
    for key, value in params.items():
        if key == "model":
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{where}(): model must be a string, got {type(value).__name__}")
            model = value or None
        elif key in _SAMPLING_KEYS:
            if value is not None:
                sampling[key] = value
        elif key in _OPTION_KEYS:
            if value is not None:
                options[key] = _option(key, value, where)
        elif key == "api_key":
            raise TypeError(
                f"{where}() does not take api_key: the key belongs to the client (MiniMax(api_key=...)) and is "
                "never sent in a request body"
            )
        else:
            raise TypeError(
                f"{where}() got an unexpected keyword argument {key!r}; to send a field the SDK does not name, "
                f"pass extra_body={{{key!r}: ...}}"
            )
    return model, check_sampling(sampling, f"{where}() argument"), RequestOptions(**options)


def _option(key: str, value: Any, where: str) -> Any:
    if key in ("timeout", "deadline"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise TypeError(f"{where}(): {key} must be a positive number of seconds, got {value!r}")
        return float(value)
    if key == "max_retries":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TypeError(f"{where}(): max_retries must be an integer >= 0, got {value!r}")
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"{where}(): {key} must be a mapping, got {type(value).__name__}")
    return dict(value)


@runtime_checkable
class Backend(Protocol):
    """A blocking backend."""

    def chat(self, request: ChatRequest) -> ChatResponse:
        """One whole response."""
        ...

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        """The events of one response, ending with a :class:`~minimax_sdk.messages.DoneEvent`. Closing the
        iterator early must release what the stream holds (a connection)."""
        ...

    def close(self) -> None:
        """Release what the backend holds (connections, processes); idempotent."""
        ...


@runtime_checkable
class AsyncBackend(Protocol):
    """An asynchronous backend: the twins of :class:`Backend`'s methods."""

    async def achat(self, request: ChatRequest) -> ChatResponse: ...

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...

    async def aclose(self) -> None: ...
