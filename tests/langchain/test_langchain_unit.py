"""ChatMiniMax without a server: langchain-tests' ``ChatModelUnitTests`` in full (sockets disabled)."""

from __future__ import annotations

import dataclasses
import importlib
import json
from typing import Annotated, Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.load import dumps, loads
from langchain_core.messages import AIMessage, FunctionMessage, HumanMessage
from langchain_core.runnables import RunnableBinding
from langchain_core.tools import tool
from langchain_tests.unit_tests import ChatModelUnitTests
from pydantic import BaseModel, Field, SecretStr
from typing_extensions import TypedDict

import langchain_minimax
import minimax_sdk
from langchain_minimax import ChatMiniMax
from langchain_minimax._convert import assistant_message, to_sdk_messages
from langchain_minimax._structured import extract_json
from langchain_minimax._tools import tool_choice_param
from minimax_sdk import Tool

pytestmark = [pytest.mark.disable_socket, pytest.mark.filterwarnings("ignore:The function `loads` is in beta")]


class TestChatMiniMaxUnit(ChatModelUnitTests):
    @pytest.fixture(autouse=True)
    def _trust_chat_minimax(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """``test_serdes`` loads with ``allowed_objects="all"``, which in langchain-core 1.x means core's own
        allowlist (``langchain_core.load.mapping``). A package outside the LangChain monorepo is trusted by
        listing it, as users do with ``load(..., allowed_objects=[ChatMiniMax])``; this puts ChatMiniMax on
        the list the test uses."""
        loader = importlib.import_module("langchain_core.load.load")
        paths = set(loader._get_default_allowed_class_paths("all")) | {tuple(ChatMiniMax.lc_id())}
        monkeypatch.setitem(loader._default_class_paths_cache, "all", paths)

    @property
    def chat_model_class(self) -> type[ChatMiniMax]:
        return ChatMiniMax

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "MiniMax-M2.1", "api_key": "test-key"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"MINIMAX_API_KEY": "env-key", "MINIMAX_BASE_URL": "https://api.minimaxi.com/v1"},
            {"model": "MiniMax-M2.1"},
            {"api_key": "env-key", "base_url": "https://api.minimaxi.com/v1", "backend": "minimax"},
        )


# --- tools ------------------------------------------------------------------------------------------------


class Forecast(BaseModel):
    """Get a forecast."""

    city: str = Field(description="City name")
    days: int = 1


class ForecastDict(TypedDict):
    """Get a forecast."""

    city: Annotated[str, ..., "City name"]


@dataclasses.dataclass
class ForecastData:
    """Get a forecast."""

    city: str


def forecast(city: str, days: int = 1) -> str:
    """Get a forecast.

    Args:
        city: City name.
        days: Days ahead.
    """
    return city


@tool
def forecast_tool(city: str) -> str:
    """Get a forecast."""
    return city


OPENAI_DICT = {
    "type": "function",
    "function": {
        "name": "forecast_dict",
        "description": "Get a forecast.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.mark.parametrize(
    ("tool_input", "name"),
    [
        (forecast, "forecast"),
        (Forecast, "Forecast"),
        (ForecastDict, "ForecastDict"),
        (ForecastData, "ForecastData"),
        (forecast_tool, "forecast_tool"),
        (OPENAI_DICT, "forecast_dict"),
        (Forecast.model_json_schema(), "Forecast"),
        (Tool.from_function(forecast, name="sdk_forecast"), "sdk_forecast"),
    ],
    ids=["function", "pydantic", "typeddict", "dataclass", "basetool", "openai-dict", "json-schema", "sdk-tool"],
)
def test_every_tool_form_binds_through_the_sdk_tool_layer(tool_input: Any, name: str) -> None:
    bound = ChatMiniMax(api_key="k").bind_tools([tool_input], tool_choice="any")
    assert isinstance(bound, RunnableBinding)
    (definition,) = bound.kwargs["tools"]
    assert definition["type"] == "function"
    assert definition["function"]["name"] == name
    assert definition["function"]["description"].startswith("Get a forecast")
    parameters = definition["function"]["parameters"]
    assert parameters["type"] == "object"
    assert "city" in parameters["properties"]
    assert "city" in parameters["required"]
    assert bound.kwargs["tool_choice"] == "required"
    json.dumps(bound.kwargs)  # plain JSON: safe for tracing and caching keys


@pytest.mark.parametrize(
    ("choice", "sent"),
    [
        (None, None),
        ("auto", "auto"),
        ("none", "none"),
        (False, "none"),
        ("any", "required"),
        ("required", "required"),
        (True, "required"),
        ("forecast", {"type": "function", "function": {"name": "forecast"}}),
        ({"type": "function", "function": {"name": "x"}}, {"type": "function", "function": {"name": "x"}}),
    ],
)
def test_tool_choice_maps_to_the_openai_field(choice: Any, sent: Any) -> None:
    assert tool_choice_param(choice, ["forecast"]) == sent


def test_tool_choice_naming_an_unbound_tool_is_an_error() -> None:
    with pytest.raises(ValueError, match="not one of the bound tools"):
        ChatMiniMax(api_key="k").bind_tools([forecast], tool_choice="other")


# --- messages -----------------------------------------------------------------------------------------------


def test_reasoning_blocks_win_over_mirrors_and_inline_tags() -> None:
    message = AIMessage(
        content=[{"type": "reasoning", "reasoning": "from blocks"}, {"type": "text", "text": "answer"}],
        additional_kwargs={"reasoning_content": "from kwargs"},
    )
    converted = assistant_message(message)
    assert (converted.reasoning, converted.content) == ("from blocks", "answer")
    inline = assistant_message(AIMessage(content="<think>\nhmm\n</think>\n\nanswer"))
    assert (inline.reasoning, inline.content) == ("hmm", "answer")
    assert assistant_message(AIMessage(content="plain")).reasoning == ""


def test_origin_is_kept_only_when_it_still_matches() -> None:
    stash = {"reasoning_channel": "inline", "dialect": "minimax-inline", "raw_content": "<think>\nr\n</think>\n\nold"}
    fresh = AIMessage(
        content=[{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "old"}],
        additional_kwargs={"minimax": stash},
    )
    edited = AIMessage(
        content=[{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "new"}],
        additional_kwargs={"minimax": stash},
    )
    assert assistant_message(fresh).raw_content == stash["raw_content"]
    # the stale stash is not sent: the edited reply goes back inline as the SDK renders it (the assembler
    # reads it back as it reads any inline reply)
    assert assistant_message(edited).raw_content == "<think>\nr\n</think>\n\nnew"
    assert (assistant_message(edited).reasoning_channel, assistant_message(edited).dialect) == (
        "inline",
        "minimax-inline",
    )


def test_platform_reasoning_details_go_back_only_while_they_match_the_reasoning() -> None:
    details = [{"type": "reasoning.text", "id": "reasoning-text-1", "text": "r"}]
    kwargs = {"reasoning_details": details, "minimax": {"reasoning_channel": "reasoning_details", "dialect": "minimax"}}
    same = AIMessage(content=[{"type": "reasoning", "reasoning": "r"}], additional_kwargs=kwargs)
    edited = AIMessage(content=[{"type": "reasoning", "reasoning": "r, revised"}], additional_kwargs=kwargs)
    assert assistant_message(same).reasoning_details == tuple(details)
    assert assistant_message(edited).reasoning_details is None
    assert assistant_message(edited).reasoning == "r, revised"


def test_unsupported_messages_name_their_position() -> None:
    with pytest.raises(ValueError, match=r"messages\[1\] \(FunctionMessage\)"):
        to_sdk_messages([HumanMessage("hi"), FunctionMessage(name="f", content="x")])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure:\n```json\n{"a": 1}\n```\nDone.', {"a": 1}),
        ('The user wrote {"a": 0}; my answer is {"a": 1}.', {"a": 1}),
        ("[1, 2]", [1, 2]),
    ],
)
def test_extract_json_takes_the_whole_text_a_fence_or_the_last_object(text: str, value: Any) -> None:
    assert extract_json(text) == value


def test_extract_json_without_json_raises() -> None:
    with pytest.raises(OutputParserException):
        extract_json("no json here")


# --- construction ----------------------------------------------------------------------------------------------


def test_settings_resolve_at_construction() -> None:
    model = ChatMiniMax(backend="openai", base_url="http://127.0.0.1:30000/v1/")
    assert (model.model, model.base_url, model.api_key) == ("MiniMaxAI/MiniMax-M2.1", "http://127.0.0.1:30000/v1", None)
    assert (model.profile or {}).get("tool_choice") is True
    assert (ChatMiniMax(api_key="k").profile or {}).get("tool_choice") is False
    assert ChatMiniMax(api_key="k", model="someone/else").profile is None


def test_missing_key_or_unknown_backend_fail_at_construction() -> None:
    # raised inside pydantic validation: a ValidationError (a ValueError, as ConfigError is) naming the problem
    with pytest.raises(ValueError, match="MINIMAX_API_KEY"):
        ChatMiniMax()
    with pytest.raises(ValueError, match="unknown backend"):
        ChatMiniMax(backend="nope", api_key="k")


def test_nvidia_key_comes_from_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NVIDIA_API_KEY", "nv-key")
    monkeypatch.setenv("MINIMAX_API_KEY", "mm-key")
    model = ChatMiniMax(backend="nvidia")
    assert model.api_key == SecretStr("nv-key")
    assert model.model == "minimaxai/minimax-m2.1"


def test_with_structured_output_rejects_unknown_options() -> None:
    model = ChatMiniMax(api_key="k")
    with pytest.raises(ValueError, match="unsupported arguments: tools"):
        model.with_structured_output(Forecast, tools=[])
    with pytest.raises(ValueError, match="unknown method"):
        model.with_structured_output(Forecast, method="xml")  # type: ignore[arg-type]


def test_load_with_an_explicit_allowlist(monkeypatch: pytest.MonkeyPatch) -> None:
    model = ChatMiniMax(api_key="sk-unit-secret", temperature=0.5)
    text = dumps(model)
    assert "sk-unit-secret" not in text
    monkeypatch.setenv("MINIMAX_API_KEY", "from-env")
    revived = loads(text, allowed_objects=[ChatMiniMax], valid_namespaces=["langchain_minimax"], secrets_from_env=True)
    assert isinstance(revived, ChatMiniMax)
    assert (revived.temperature, revived.api_key.get_secret_value()) == (0.5, "from-env")  # type: ignore[union-attr]


def test_public_api() -> None:
    assert langchain_minimax.__all__ == ["ChatMiniMax", "__version__", "as_langchain_tool"]
    assert langchain_minimax.__version__ == minimax_sdk.__version__
