"""langchain-tests' ``ChatModelIntegrationTests`` against the reference server on loopback, one class per dialect.

A wire-conformance run: the server (``responder.ConformingServer``) follows each request's ``tools``,
``tool_choice``, ``response_format`` and ``stop``, so the suite's scenarios play out over real HTTP and SSE in
each backend's wire shape — MiniMax's ``reasoning_details``, inline ``<think>`` in content, and a raw
completion whose tool calls are XML that the SDK parses. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_minimax import ChatMiniMax

from .responder import ConformingServer

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

_SERVERS: dict[str, ConformingServer] = {}


def _server(dialect: str) -> ConformingServer:
    """One server per dialect for the whole module (started on first use, stopped by ``_stop_servers``)."""
    if dialect not in _SERVERS:
        _SERVERS[dialect] = ConformingServer(dialect=dialect).start()
    return _SERVERS[dialect]


@pytest.fixture(scope="module", autouse=True)
def _stop_servers() -> Iterator[None]:
    yield
    for server in _SERVERS.values():
        server.stop()
    _SERVERS.clear()


class _WireConformance(ChatModelIntegrationTests):
    server_dialect = "minimax"
    backend = "minimax"

    @property
    def chat_model_class(self) -> type[ChatMiniMax]:
        return ChatMiniMax

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "base_url": _server(self.server_dialect).base_url,
            "api_key": "sk-loopback",
            "max_retries": 0,
            # the reference server honours forced tool choice: send it, so the suite checks it on the wire
            "forced_tool_choice": True,
        }

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True  # Anthropic-style tools and histories (tool_use, thinking blocks) are read

    @property
    def model_override_value(self) -> str | None:
        return "MiniMax-M2.1-highspeed"

    def _invoke_for_details(self, *, stream: bool) -> AIMessage:
        model = ChatMiniMax(**self.chat_model_params)
        if not stream:
            return model.invoke("Think, then say hello.")
        full: AIMessageChunk | None = None
        for chunk in model.stream("Think, then say hello."):
            full = chunk if full is None else full + chunk
        assert full is not None
        return full

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        return self._invoke_for_details(stream=stream)

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        return self._invoke_for_details(stream=stream)


class TestMiniMaxPlatformWire(_WireConformance):
    """The MiniMax platform with ``reasoning_split``: reasoning in (cumulative) ``reasoning_details``."""

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details = ["reasoning_output", "cache_read_input"]
        return {"invoke": details, "stream": details}


class TestMiniMaxInlineWire(_WireConformance):
    """The platform's default: ``<think>…</think>`` inline in content; structured output by ``json_schema``."""

    server_dialect = "minimax-inline"
    backend = "minimax-inline"

    @property
    def structured_output_kwargs(self) -> dict[str, Any]:
        return {"method": "json_schema"}


class TestRawCompletionWire(_WireConformance):
    """A vLLM / SGLang server without parsers: output starts inside reasoning, tool calls are raw XML."""

    server_dialect = "openai-raw"
    backend = "openai"

    @property
    def model_override_value(self) -> str | None:
        return "MiniMaxAI/MiniMax-M2"
