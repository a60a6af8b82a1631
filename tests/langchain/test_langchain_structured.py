"""``with_structured_output`` and ``bind_tools(response_format=...)`` against the reference server.

Every reply carries reasoning holding a decoy JSON object: only the reply's text (or the tool call) may be
parsed. ``json_schema`` output is validated on the client, since the MiniMax platform does not enforce it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from langchain_minimax import ChatMiniMax
from minimax_sdk.testing import ReferenceServer, Turn

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

DECOY = 'Maybe {"name": "decoy", "age": -1}? No: answer with the real record.'


class Person(BaseModel):
    """A person."""

    name: str = Field(description="Full name")
    age: int


class PersonDict(TypedDict):
    name: str
    age: int


@pytest.fixture(params=["minimax", "minimax-inline", "openai-raw"])
def server(request: pytest.FixtureRequest) -> Iterator[ReferenceServer]:
    with ReferenceServer(dialect=request.param, chunk_chars=2) as server:
        yield server


def _model(server: ReferenceServer) -> ChatMiniMax:
    backend = {"openai-raw": "openai"}.get(server.dialect.name, server.dialect.name)
    return ChatMiniMax(backend=backend, base_url=server.base_url, api_key="k", max_retries=0, forced_tool_choice=True)


@pytest.mark.parametrize("method", ["json_schema", "json_mode"])
@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
def test_json_methods_parse_the_text_never_the_reasoning(server: ReferenceServer, method: str, stream: bool) -> None:
    server.script(Turn(reasoning=DECOY, content='Here:\n```json\n{"name": "Ada", "age": 36}\n```'))
    chat = _model(server).with_structured_output(Person, method=method)  # type: ignore[arg-type]
    result = list(chat.stream("Who?"))[-1] if stream else chat.invoke("Who?")
    assert result == Person(name="Ada", age=36)
    sent = server.requests[0].json["response_format"]
    if method == "json_mode":
        assert sent == {"type": "json_object"}
    else:
        assert sent["type"] == "json_schema"
        assert sent["json_schema"]["name"] == "Person"
        assert sent["json_schema"]["schema"]["required"] == ["name", "age"]


def test_function_calling_forces_the_schema_tool(server: ReferenceServer) -> None:
    server.script(Turn(reasoning=DECOY, tool_calls=[{"name": "Person", "arguments": {"name": "Ada", "age": 36}}]))
    result = _model(server).with_structured_output(Person).invoke("Who?")
    assert result == Person(name="Ada", age=36)
    sent = server.requests[0].json
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "Person"}}
    assert [t["function"]["name"] for t in sent["tools"]] == ["Person"]


def test_function_calling_falls_back_to_json_text_when_the_server_ignores_tool_choice(server: ReferenceServer) -> None:
    server.script(Turn(reasoning=DECOY, content='{"name": "Ada", "age": 36}'))
    assert _model(server).with_structured_output(PersonDict).invoke("Who?") == {"name": "Ada", "age": 36}


def test_json_schema_output_is_validated_on_the_client(server: ReferenceServer) -> None:
    server.script(
        Turn(reasoning=DECOY, content='{"name": "Ada"}'),
        Turn(reasoning=DECOY, content='{"name": "Ada"}'),
        Turn(reasoning=DECOY, content='{"name": "Ada"}'),
    )
    model = _model(server)
    with pytest.raises(OutputParserException, match="age"):
        model.with_structured_output(PersonDict, method="json_schema").invoke("Who?")
    with pytest.raises(OutputParserException, match="Person"):
        model.with_structured_output(Person, method="json_schema").invoke("Who?")
    raw = model.with_structured_output(PersonDict, method="json_schema", include_raw=True).invoke("Who?")
    assert raw["parsed"] is None
    assert isinstance(raw["parsing_error"], OutputParserException)
    assert raw["raw"].additional_kwargs["reasoning_content"] == DECOY


def test_include_raw_returns_the_reply_with_its_reasoning(server: ReferenceServer) -> None:
    server.script(Turn(reasoning=DECOY, content='{"name": "Ada", "age": 36}'))
    out = _model(server).with_structured_output(Person, method="json_schema", include_raw=True).invoke("Who?")
    assert out["parsed"] == Person(name="Ada", age=36)
    assert out["parsing_error"] is None
    assert out["raw"].content_blocks[0] == {"type": "reasoning", "reasoning": DECOY}


def test_a_reply_without_json_raises_output_parser_exception(server: ReferenceServer) -> None:
    server.script(Turn(reasoning=DECOY, content="I would rather not."))
    with pytest.raises(OutputParserException, match="no JSON"):
        _model(server).with_structured_output(Person, method="json_mode").invoke("Who?")


def test_bind_tools_passes_create_agents_response_format(server: ReferenceServer) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "Person", "schema": Person.model_json_schema()}}
    server.script(Turn(reasoning=DECOY, content=json.dumps({"name": "Ada", "age": 36})))
    model = _model(server).bind_tools([Person], response_format=response_format, strict=True, tool_choice="auto")
    reply = model.invoke("Who?")
    sent = server.requests[0].json
    assert sent["response_format"] == response_format
    assert sent["tool_choice"] == "auto"
    assert "strict" not in sent["tools"][0]["function"]
    assert json.loads(reply.text) == {"name": "Ada", "age": 36}  # no reasoning in the text create_agent parses


@pytest.mark.parametrize("backend", ["minimax", "minimax-inline", "nvidia"])
def test_forced_tool_choice_becomes_auto_where_the_backend_does_not_document_it(backend: str) -> None:
    with ReferenceServer(dialect="minimax") as server:
        server.script(Turn(reasoning=DECOY, tool_calls=[{"name": "Person", "arguments": {"name": "Ada", "age": 36}}]))
        model = ChatMiniMax(backend=backend, base_url=server.base_url, api_key="k")
        with pytest.warns(UserWarning, match="sending 'auto'"):
            assert model.with_structured_output(Person).invoke("Who?") == Person(name="Ada", age=36)
    assert server.requests[0].json["tool_choice"] == "auto"


def test_forced_tool_choice_is_sent_to_self_hosted_servers() -> None:
    with ReferenceServer(dialect="openai-split") as server:
        ChatMiniMax(backend="openai", base_url=server.base_url).bind_tools([Person], tool_choice="any").invoke("Who?")
    assert server.requests[0].json["tool_choice"] == "required"
