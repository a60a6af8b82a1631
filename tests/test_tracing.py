"""OpenTelemetry spans of chat, stream and agent runs, read from the SDK's in-memory exporter; usage with
cached tokens and cost estimates from the prices a user configures."""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from minimax_sdk import AsyncMiniMax, MiniMax
from minimax_sdk.agent import RunDoneEvent, TurnStartEvent
from minimax_sdk.config import Prices
from minimax_sdk.errors import ConfigError, InternalServerError, MiniMaxError, RateLimitError
from minimax_sdk.messages import Usage
from minimax_sdk.testing import Fault, ReferenceServer, Turn
from minimax_sdk.tracing import CAPTURE_CONTENT_ENV, Tracing

KEY = "sk-tracing-secret-0123456789"
PROMPT = "What is the weather in Paris? secret-prompt-marker"
USER = [{"role": "user", "content": PROMPT}]


@pytest.fixture(autouse=True)
def _no_env(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CAPTURE_CONTENT_ENV, raising=False)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield tracer_provider
    tracer_provider.shutdown()


@pytest.fixture
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(dialect="minimax") as srv:
        yield srv


def get_weather(city: str) -> str:
    """Forecast for a city.

    Args:
        city: City name.
    """
    return f"{city}: sunny, 21 C"


def explode(city: str) -> str:
    """Always fails.

    Args:
        city: City name.
    """
    raise RuntimeError("the weather service is down")


MINIMAX_USAGE_1 = {
    "prompt_tokens": 120,
    "completion_tokens": 30,
    "total_tokens": 150,
    "total_characters": 0,
    "prompt_tokens_details": {"cached_tokens": 100},
    "completion_tokens_details": {"reasoning_tokens": 12},
}
MINIMAX_USAGE_2 = {
    "prompt_tokens": 180,
    "completion_tokens": 20,
    "total_tokens": 200,
    "total_characters": 0,
    "prompt_tokens_details": {"cached_tokens": 150},
    "completion_tokens_details": {"reasoning_tokens": 5},
}


def _script_two_turns(server: ReferenceServer, tool: str = "get_weather") -> None:
    server.script(
        Turn(
            reasoning="I need the forecast.",
            tool_calls=[{"name": tool, "arguments": {"city": "Paris"}, "id": "call_weather_1"}],
            usage=MINIMAX_USAGE_1,
        ),
        Turn(reasoning="Sunny.", content="Paris: sunny, 21 C.", usage=MINIMAX_USAGE_2),
    )


def _client(server: ReferenceServer, provider: TracerProvider, **kwargs: Any) -> MiniMax:
    tracing = kwargs.pop("tracing", Tracing(tracer_provider=provider))
    return MiniMax(backend="minimax", base_url=server.base_url, api_key=KEY, tracing=tracing, **kwargs)


def _aclient(server: ReferenceServer, provider: TracerProvider, **kwargs: Any) -> AsyncMiniMax:
    tracing = kwargs.pop("tracing", Tracing(tracer_provider=provider))
    return AsyncMiniMax(backend="minimax", base_url=server.base_url, api_key=KEY, tracing=tracing, **kwargs)


def _by_name(spans: Sequence[ReadableSpan], name: str) -> list[ReadableSpan]:
    return sorted((s for s in spans if s.name == name), key=lambda s: s.start_time or 0)


def _parent(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def _id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.span_id


def _all_values(spans: Sequence[ReadableSpan]) -> str:
    """Every attribute value, event and status text of every span, as one string to search."""
    parts: list[str] = []
    for span in spans:
        parts += [f"{k}={v}" for k, v in (span.attributes or {}).items()]
        parts += [f"{e.name} {dict(e.attributes or {})}" for e in span.events]
        parts.append(span.status.description or "")
    return "\n".join(parts)


def _assert_two_turn_tree(spans: Sequence[ReadableSpan], server: ReferenceServer) -> None:
    (run,) = _by_name(spans, "invoke_agent")
    turns = _by_name(spans, "turn")
    chats = _by_name(spans, "chat MiniMax-M2.1")
    (tool,) = _by_name(spans, "execute_tool get_weather")
    assert len(spans) == 6
    assert len(turns) == 2
    assert len(chats) == 2
    # the tree: run > turn > (chat, tool), one trace
    assert {s.context.trace_id for s in spans if s.context is not None} == {run.context.trace_id}  # type: ignore[union-attr]
    assert [_parent(t) for t in turns] == [_id(run), _id(run)]
    assert [_parent(c) for c in chats] == [_id(turns[0]), _id(turns[1])]
    assert _parent(tool) == _id(turns[0])
    assert [t.attributes["minimax.agent.turn"] for t in turns] == [1, 2]  # type: ignore[index]
    # every span ended, children inside their parents
    for child, parent in [(turns[0], run), (turns[1], run), (chats[0], turns[0]), (tool, turns[0])]:
        assert parent.start_time <= child.start_time <= child.end_time <= parent.end_time  # type: ignore[operator]
    assert chats[0].end_time <= tool.start_time  # type: ignore[operator]

    assert run.kind == SpanKind.INTERNAL
    assert run.attributes is not None
    assert run.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert run.attributes["gen_ai.provider.name"] == "minimax"
    assert run.attributes["gen_ai.request.model"] == "MiniMax-M2.1"
    assert run.attributes["gen_ai.usage.input_tokens"] == 300
    assert run.attributes["gen_ai.usage.output_tokens"] == 50
    assert run.attributes["gen_ai.usage.reasoning.output_tokens"] == 17
    assert run.attributes["gen_ai.usage.cache_read.input_tokens"] == 250
    assert run.attributes["minimax.agent.stop_reason"] == "completed"
    assert run.attributes["minimax.agent.turns"] == 2
    assert run.attributes["minimax.agent.tool_calls"] == 1

    first, second = (c.attributes for c in chats)
    assert first is not None
    assert second is not None
    assert chats[0].kind == SpanKind.CLIENT
    assert first["gen_ai.operation.name"] == "chat"
    assert first["gen_ai.provider.name"] == "minimax"
    assert first["gen_ai.request.model"] == "MiniMax-M2.1"
    assert first["gen_ai.response.model"] == "MiniMax-M2.1"
    assert isinstance(first["gen_ai.response.id"], str)
    assert first["gen_ai.response.id"]
    assert first["server.address"] == "127.0.0.1"
    assert first["server.port"] == server.port
    assert tuple(first["gen_ai.response.finish_reasons"]) == ("tool_calls",)  # type: ignore[arg-type]
    assert tuple(second["gen_ai.response.finish_reasons"]) == ("stop",)  # type: ignore[arg-type]
    assert (first["gen_ai.usage.input_tokens"], first["gen_ai.usage.output_tokens"]) == (120, 30)
    assert (first["gen_ai.usage.reasoning.output_tokens"], first["gen_ai.usage.cache_read.input_tokens"]) == (12, 100)
    assert (second["gen_ai.usage.input_tokens"], second["gen_ai.usage.cache_read.input_tokens"]) == (180, 150)

    assert tool.attributes is not None
    assert tool.kind == SpanKind.INTERNAL
    assert tool.attributes["gen_ai.operation.name"] == "execute_tool"
    assert tool.attributes["gen_ai.tool.name"] == "get_weather"
    assert tool.attributes["gen_ai.tool.call.id"] == "call_weather_1"
    assert tool.status.status_code == StatusCode.UNSET
    for span in spans:
        assert span.status.status_code != StatusCode.ERROR


def _assert_no_content(spans: Sequence[ReadableSpan]) -> None:
    text = _all_values(spans)
    for secret in (KEY, "secret-prompt-marker", "I need the forecast", "Paris: sunny", "Paris"):
        assert secret not in text
    for span in spans:
        for name in span.attributes or {}:
            assert name not in (
                "gen_ai.input.messages",
                "gen_ai.output.messages",
                "gen_ai.tool.call.arguments",
                "gen_ai.tool.call.result",
            )


# --- the span tree of a run ------------------------------------------------------------------------------------


def test_a_two_turn_run_is_one_trace_run_turn_chat_tool(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider) as client:
        result = client.run(USER, tools=[get_weather])
    assert result.final_answer == "Paris: sunny, 21 C."
    spans = exporter.get_finished_spans()
    _assert_two_turn_tree(spans, server)
    _assert_no_content(spans)


def test_a_streamed_run_has_the_same_tree(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider) as client:
        events = list(client.run_stream(USER, tools=[get_weather]))
    assert isinstance(events[-1], RunDoneEvent)
    _assert_two_turn_tree(exporter.get_finished_spans(), server)


@pytest.mark.parametrize("streaming", [False, True])
def test_an_async_run_has_the_same_tree(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter, streaming: bool
) -> None:
    _script_two_turns(server)

    async def main() -> None:
        async with _aclient(server, provider) as client:
            if streaming:
                events = [e async for e in client.run_stream(USER, tools=[get_weather])]
                assert isinstance(events[-1], RunDoneEvent)
            else:
                result = await client.run(USER, tools=[get_weather])
                assert result.final_answer == "Paris: sunny, 21 C."

    asyncio.run(main())
    spans = exporter.get_finished_spans()
    _assert_two_turn_tree(spans, server)
    _assert_no_content(spans)


def test_parallel_tool_calls_each_get_a_span_under_their_turn(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.script(
        Turn(
            tool_calls=[
                {"name": "get_weather", "arguments": {"city": "Paris"}, "id": "c1"},
                {"name": "get_weather", "arguments": {"city": "Tokyo"}, "id": "c2"},
                {"name": "get_weather", "arguments": {"city": "Lima"}, "id": "c3"},
            ]
        ),
        Turn(content="Done."),
    )
    with _client(server, provider) as client:
        client.run(USER, tools=[get_weather])
    spans = exporter.get_finished_spans()
    first_turn = _by_name(spans, "turn")[0]
    tools = _by_name(spans, "execute_tool get_weather")
    assert sorted(t.attributes["gen_ai.tool.call.id"] for t in tools) == ["c1", "c2", "c3"]  # type: ignore[index]
    assert {_parent(t) for t in tools} == {_id(first_turn)}


def test_the_run_span_is_a_child_of_the_callers_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider) as client, provider.get_tracer("app").start_as_current_span("request") as outer:
        client.run(USER, tools=[get_weather])
    (run,) = _by_name(exporter.get_finished_spans(), "invoke_agent")
    assert _parent(run) == outer.get_span_context().span_id


def test_a_tools_own_spans_nest_under_its_execute_tool_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def lookup(city: str) -> str:
        """Look it up.

        Args:
            city: City name.
        """
        with provider.get_tracer("app").start_as_current_span("database query"):
            return "sunny"

    server.script(
        Turn(tool_calls=[{"name": "lookup", "arguments": {"city": "Paris"}}, {"name": "lookup", "arguments": {}}]),
        Turn(tool_calls=[{"name": "lookup", "arguments": {"city": "Oslo"}}]),
        Turn(content="Done."),
    )
    with _client(server, provider) as client:
        client.run(USER, tools=[lookup])
    spans = exporter.get_finished_spans()
    tools = _by_name(spans, "execute_tool lookup")
    queries = _by_name(spans, "database query")
    ran = {_id(t) for t in tools if t.status.status_code != StatusCode.ERROR}
    (refused,) = [t for t in tools if t.status.status_code == StatusCode.ERROR]  # no city: never ran
    assert refused.attributes is not None
    assert refused.attributes["error.type"] == "ToolArgumentsError"
    assert len(ran) == 2
    assert len(queries) == 2
    assert {_parent(q) for q in queries} == ran


def test_a_failing_tool_is_an_error_span_and_the_run_goes_on(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server, tool="explode")
    with _client(server, provider) as client:
        result = client.run(USER, tools=[explode])
    assert result.stop_reason == "completed"
    spans = exporter.get_finished_spans()
    (tool,) = _by_name(spans, "execute_tool explode")
    assert tool.status.status_code == StatusCode.ERROR
    assert tool.attributes is not None
    assert tool.attributes["error.type"] == "RuntimeError"
    assert "weather service is down" not in _all_values(spans)  # error text is content: off by default
    (run,) = _by_name(spans, "invoke_agent")
    assert run.status.status_code == StatusCode.UNSET


# --- content capture -----------------------------------------------------------------------------------------


def _assert_content(spans: Sequence[ReadableSpan]) -> None:
    (run,) = _by_name(spans, "invoke_agent")
    first, second = _by_name(spans, "chat MiniMax-M2.1")
    (tool,) = _by_name(spans, "execute_tool get_weather")
    assert run.attributes is not None
    assert first.attributes is not None
    assert second.attributes is not None
    assert tool.attributes is not None
    sent = json.loads(str(first.attributes["gen_ai.input.messages"]))
    assert sent == [{"role": "user", "parts": [{"type": "text", "content": PROMPT}]}]
    answered = json.loads(str(first.attributes["gen_ai.output.messages"]))
    assert answered == [
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "I need the forecast."},
                {"type": "tool_call", "id": "call_weather_1", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
            "finish_reason": "tool_calls",
        }
    ]
    second_input = json.loads(str(second.attributes["gen_ai.input.messages"]))
    assert second_input[-1] == {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": "call_weather_1", "response": "Paris: sunny, 21 C"}],
    }
    assert json.loads(str(tool.attributes["gen_ai.tool.call.arguments"])) == {"city": "Paris"}
    assert tool.attributes["gen_ai.tool.call.result"] == "Paris: sunny, 21 C"
    assert PROMPT in str(run.attributes["gen_ai.input.messages"])
    assert "Paris: sunny, 21 C." in str(run.attributes["gen_ai.output.messages"])
    assert KEY not in _all_values(spans)


def test_content_is_recorded_when_the_user_opts_in(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider, tracing=Tracing(tracer_provider=provider, capture_content=True)) as client:
        client.run(USER, tools=[get_weather])
    _assert_content(exporter.get_finished_spans())


def test_the_standard_environment_variable_opts_in_too(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CAPTURE_CONTENT_ENV, "true")
    _script_two_turns(server)
    with _client(server, provider) as client:
        client.run(USER, tools=[get_weather])
    _assert_content(exporter.get_finished_spans())


def test_capture_content_false_wins_over_the_environment(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CAPTURE_CONTENT_ENV, "true")
    _script_two_turns(server)
    with _client(server, provider, tracing=Tracing(tracer_provider=provider, capture_content=False)) as client:
        client.run(USER, tools=[get_weather])
    _assert_no_content(exporter.get_finished_spans())


# --- chat and stream ---------------------------------------------------------------------------------------------


def test_a_chat_span_records_the_request_and_the_response(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.script(Turn(reasoning="Hi.", content="Hello!", usage=MINIMAX_USAGE_1))
    with _client(server, provider) as client:
        client.chat(USER, temperature=0.5, max_tokens=64, stop="END")
    (span,) = exporter.get_finished_spans()
    assert span.name == "chat MiniMax-M2.1"
    assert span.parent is None
    attributes = span.attributes
    assert attributes is not None
    assert attributes["gen_ai.request.temperature"] == 0.5
    assert attributes["gen_ai.request.max_tokens"] == 64
    assert tuple(attributes["gen_ai.request.stop_sequences"]) == ("END",)  # type: ignore[arg-type]
    assert tuple(attributes["gen_ai.response.finish_reasons"]) == ("stop",)  # type: ignore[arg-type]
    assert attributes["gen_ai.usage.cache_read.input_tokens"] == 100
    _assert_no_content([span])


def test_a_failed_request_is_an_error_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.fault(Fault.status(429))
    with _client(server, provider, max_retries=0) as client, pytest.raises(RateLimitError):
        client.chat(USER)
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "RateLimitError"
    assert span.attributes["http.response.status_code"] == 429
    assert KEY not in _all_values([span])


def test_a_stream_cut_midway_is_an_error_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.script(Turn(content="A long answer " * 50))
    server.fault(Fault.reset_after(2))
    with _client(server, provider, max_retries=0) as client, pytest.raises(MiniMaxError) as caught:
        client.stream(USER).until_done()
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == type(caught.value).__qualname__


def test_an_async_failed_request_is_an_error_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.fault(Fault.status(429), Fault.status(429))

    async def main() -> None:
        async with _aclient(server, provider, max_retries=0) as client:
            with pytest.raises(RateLimitError):
                await client.chat(USER)
            with pytest.raises(RateLimitError):
                await client.stream(USER).until_done()

    asyncio.run(main())
    spans = exporter.get_finished_spans()
    assert len(spans) == 2
    for span in spans:
        assert span.status.status_code == StatusCode.ERROR
        assert span.attributes is not None
        assert span.attributes["error.type"] == "RateLimitError"
        assert span.attributes["http.response.status_code"] == 429


def test_a_run_that_fails_ends_its_spans_with_the_error(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.fault(Fault.status(500))
    with _client(server, provider, max_retries=0) as client, pytest.raises(InternalServerError):
        client.run(USER, tools=[get_weather])
    spans = exporter.get_finished_spans()
    (run,) = _by_name(spans, "invoke_agent")
    (turn,) = _by_name(spans, "turn")
    (chat,) = _by_name(spans, "chat MiniMax-M2.1")
    for span in (run, turn, chat):
        assert span.status.status_code == StatusCode.ERROR
        assert span.attributes is not None
        assert span.attributes["error.type"] == "InternalServerError"


def test_a_stream_span_ends_when_the_stream_is_consumed(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.script(Turn(reasoning="Think.", content="Hello there, a streamed answer.", usage=MINIMAX_USAGE_2))
    with _client(server, provider) as client:
        stream = client.stream(USER)
        assert exporter.get_finished_spans() == ()
        response = stream.until_done()
    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["gen_ai.response.id"] == response.id
    assert span.attributes["gen_ai.usage.output_tokens"] == 20
    assert span.attributes["gen_ai.usage.cache_read.input_tokens"] == 150


@pytest.mark.parametrize("how", ["close", "break", "garbage"])
def test_an_abandoned_stream_still_ends_its_span(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter, how: str
) -> None:
    server.script(Turn(content="A long answer " * 50))
    with _client(server, provider) as client:
        stream = client.stream(USER)
        if how == "close":
            next(iter(stream))
            stream.close()
        elif how == "break":
            for _ in stream:
                break
        else:
            del stream
            gc.collect()
        assert len(exporter.get_finished_spans()) == 1
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.UNSET


def test_an_abandoned_run_ends_its_spans(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider) as client:
        events = client.run_stream(USER, tools=[get_weather])
        assert isinstance(next(events), TurnStartEvent)
        events.close()  # type: ignore[attr-defined]
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans if s.name in ("invoke_agent", "turn")] == ["turn", "invoke_agent"]


def test_async_chat_and_stream_spans(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.script(Turn(content="One."), Turn(content="Two, streamed."), Turn(content="Three " * 40))

    async def main() -> None:
        async with _aclient(server, provider) as client:
            await client.chat(USER)
            await client.stream(USER).until_done()
            stream = client.stream(USER)
            async for _ in stream:
                break
            await stream.aclose()

    asyncio.run(main())
    spans = exporter.get_finished_spans()
    assert [s.name for s in spans] == ["chat MiniMax-M2.1"] * 3
    assert [tuple(s.attributes["gen_ai.response.finish_reasons"]) for s in spans[:2]] == [("stop",), ("stop",)]  # type: ignore[index,arg-type]
    assert "gen_ai.response.finish_reasons" not in (spans[2].attributes or {})


def test_tracing_false_records_nothing(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    _script_two_turns(server)
    with _client(server, provider, tracing=False) as client:
        client.run(USER, tools=[get_weather])
    assert exporter.get_finished_spans() == ()


def test_tracing_must_be_a_tracing_or_a_bool(server: ReferenceServer) -> None:
    with pytest.raises(TypeError, match="tracing must be"):
        MiniMax(backend="minimax", base_url=server.base_url, api_key=KEY, tracing="yes")  # type: ignore[arg-type]


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )


def test_import_loads_no_opentelemetry_and_tracing_follows_the_global_provider() -> None:
    out = _run_python(
        """
        import sys
        import minimax_sdk
        from minimax_sdk.backends.function import FunctionBackend

        assert not [m for m in sys.modules if m.startswith(("opentelemetry", "mcp"))], "loaded at import"
        client = minimax_sdk.MiniMax(backend=FunctionBackend(lambda prompt: "Hi."))
        client.chat([{"role": "user", "content": "Hello"}])
        assert not [m for m in sys.modules if m.startswith("opentelemetry")], "loaded by a request"

        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        client.chat([{"role": "user", "content": "Hello"}])
        spans = exporter.get_finished_spans()
        assert [s.name for s in spans] == ["chat MiniMax-M2.1"], spans
        assert spans[0].attributes["gen_ai.provider.name"] == "custom"
        print("ok")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# --- usage: cached tokens, cost from configured prices ---------------------------------------------------------


def test_cached_tokens_from_a_minimax_response_sum_over_a_run(server: ReferenceServer) -> None:
    _script_two_turns(server)
    with MiniMax(backend="minimax", base_url=server.base_url, api_key=KEY, tracing=False) as client:
        result = client.run(USER, tools=[get_weather])
    assert result.usage == Usage(300, 50, 350, reasoning_tokens=17, cached_tokens=250)
    assert result.cost is None  # no prices configured: no estimate


SGLANG_CACHE_REPORT = {
    "prompt_tokens": 64,
    "completion_tokens": 8,
    "total_tokens": 72,
    "prompt_tokens_details": {"cached_tokens": 48},
}


@pytest.mark.parametrize("stream", [False, True])
def test_cached_tokens_from_sglang_with_cache_report(stream: bool) -> None:
    with ReferenceServer(dialect="openai-split") as server:
        server.script(Turn(reasoning="Hm.", content="Hi.", usage=SGLANG_CACHE_REPORT))
        with MiniMax(backend="openai", base_url=server.base_url, tracing=False) as client:
            response = client.stream(USER).until_done() if stream else client.chat(USER)
    assert response.usage == Usage(64, 8, 72, cached_tokens=48)


def test_sglang_without_cache_report_has_no_cached_count() -> None:
    usage = {"prompt_tokens": 64, "completion_tokens": 8, "total_tokens": 72, "prompt_tokens_details": None}
    with ReferenceServer(dialect="openai-split") as server:
        server.script(Turn(content="Hi.", usage=usage))
        with MiniMax(backend="openai", base_url=server.base_url, tracing=False) as client:
            response = client.chat(USER)
    assert response.usage == Usage(64, 8, 72)
    assert response.usage.cached_tokens is None


def test_cost_of_a_run_from_prices_in_minimax_toml(
    server: ReferenceServer, provider: TracerProvider, exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    config = tmp_path / "minimax.toml"
    config.write_text('[prices]\ninput = 0.3\noutput = 1.2\ncached_input = 0.03\ncurrency = "USD"\n', encoding="utf-8")
    _script_two_turns(server)
    with _client(server, provider, config_file=config) as client:
        assert client.settings.prices == Prices(input=0.3, output=1.2, cached_input=0.03, currency="USD")
        result = client.run(USER, tools=[get_weather])
    # 300 prompt tokens of which 250 cached, 50 completion tokens
    expected = (50 * 0.3 + 250 * 0.03 + 50 * 1.2) / 1_000_000
    assert result.cost == pytest.approx(expected)
    (run,) = _by_name(exporter.get_finished_spans(), "invoke_agent")
    assert run.attributes is not None
    assert run.attributes["minimax.usage.cost"] == pytest.approx(expected)


def test_prices_as_an_argument_and_cached_tokens_billed_as_input_without_a_cached_price(
    server: ReferenceServer,
) -> None:
    _script_two_turns(server)
    with MiniMax(
        backend="minimax", base_url=server.base_url, api_key=KEY, tracing=False, prices={"input": 2, "output": 8}
    ) as client:
        result = client.run(USER, tools=[get_weather])
    assert result.cost == pytest.approx((300 * 2 + 50 * 8) / 1_000_000)


def test_cost_never_counts_more_cached_than_prompt_tokens() -> None:
    prices = Prices(input=1.0, output=0.0, cached_input=0.0)
    assert prices.cost(Usage(prompt_tokens=10, cached_tokens=50)) == 0.0
    assert prices.cost(Usage(prompt_tokens=1_000_000)) == 1.0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"input": 1.0}, "prices .*needs output"),
        ({"input": 1.0, "output": -1.0}, "prices.output .*must not be negative"),
        ({"input": 1.0, "output": 1.0, "inptu": 2.0}, "unknown prices key 'inptu'"),
        ({"input": "cheap", "output": 1.0}, "prices.input .*must be a number"),
        ({"input": 1.0, "output": 1.0, "currency": 3}, "prices.currency .*must be a string"),
    ],
)
def test_bad_prices_are_config_errors(server: ReferenceServer, table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        MiniMax(backend="minimax", base_url=server.base_url, api_key=KEY, prices=table)


def test_bad_prices_in_a_file_name_the_file(tmp_path: Path) -> None:
    config = tmp_path / "minimax.toml"
    config.write_text("[prices]\ninput = 0.3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prices in .*minimax\.toml needs output"):
        MiniMax(backend="minimax", api_key=KEY, config_file=config)
