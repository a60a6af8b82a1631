"""OpenTelemetry spans of an agent run, and its cost at your prices.

    pip install 'minimax-sdk[tracing]' opentelemetry-sdk
    python examples/tracing.py              # the backend from MINIMAX_* env vars / minimax.toml
    python examples/tracing.py --demo       # a scripted reference server on 127.0.0.1 (no key needed)

The application owns OpenTelemetry: it sets a tracer provider (here with an in-memory exporter, to print the
spans as a tree; use an OTLP exporter to send them to Jaeger, Tempo, Honeycomb, ...). The client finds it and
traces each run, turn, model call and tool call. Prices are yours (the SDK ships none): with them the run
result carries a cost estimate.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from minimax_sdk import MiniMax, tool

PRICES = {"input": 0.30, "output": 1.20, "cached_input": 0.03, "currency": "USD"}  # example prices per 1M tokens
SHOWN = (
    "gen_ai.request.model",
    "gen_ai.response.finish_reasons",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.tool.name",
    "minimax.agent.turn",
    "minimax.agent.stop_reason",
)


@tool
def get_weather(city: str) -> str:
    """Get today's weather for a city.

    Args:
        city: City name, in English.
    """
    return f"{city}: sunny, 21 °C"


@contextlib.contextmanager
def client_for(demo: bool) -> Iterator[MiniMax]:
    if not demo:
        with MiniMax(prices=PRICES) as client:
            yield client
        return
    from minimax_sdk.testing import ReferenceServer, Turn

    usage = {"prompt_tokens": 900, "completion_tokens": 60, "total_tokens": 960}
    with ReferenceServer(dialect="minimax") as server:
        server.script(
            Turn(
                reasoning="I need the weather in Paris.",
                tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
                usage={**usage, "prompt_tokens_details": {"cached_tokens": 0}},
            ),
            Turn(
                reasoning="Sunny.",
                content="It is sunny in Paris, 21 °C.",
                usage={**usage, "prompt_tokens_details": {"cached_tokens": 800}},
            ),
        )
        with MiniMax(backend="minimax", base_url=server.base_url, api_key="demo", prices=PRICES) as client:
            yield client


def print_tree(spans: Sequence[ReadableSpan]) -> None:
    """Each span under its parent, with a few of its attributes."""
    children: dict[int | None, list[ReadableSpan]] = {}
    ids = {s.context.span_id for s in spans if s.context is not None}
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        parent = span.parent.span_id if span.parent is not None and span.parent.span_id in ids else None
        children.setdefault(parent, []).append(span)

    def show(parent: int | None, depth: int) -> None:
        for span in children.get(parent, []):
            attributes = span.attributes or {}
            shown = ", ".join(f"{k.split('.', 1)[1]}={attributes[k]!r}" for k in SHOWN if k in attributes)
            print(f"{'  ' * depth}{span.name}  [{shown}]")
            if span.context is not None:
                show(span.context.span_id, depth + 1)

    show(None, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="use a scripted reference server on loopback")
    args = parser.parse_args()

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)

    with client_for(args.demo) as client:
        result = client.run([{"role": "user", "content": "What's the weather in Paris?"}], tools=[get_weather])
    print(f"answer: {result.final_answer}\n")
    print_tree(exporter.get_finished_spans())
    usage = result.usage
    print(f"\ntokens: {usage.prompt_tokens} in ({usage.cached_tokens or 0} cached), {usage.completion_tokens} out")
    print(f"cost: {result.cost:.6f} {PRICES['currency']} (at the example prices)")


if __name__ == "__main__":
    main()
