"""ChatMiniMax items of the outside attack (issue 11, item 13), each named after its failure."""

from __future__ import annotations

import asyncio
import gc
import time
import warnings
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, trim_messages

from langchain_minimax import ChatMiniMax
from minimax_sdk import ConfigError
from minimax_sdk.testing import ReferenceServer

pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def server() -> Any:
    with ReferenceServer("openai-split") as srv:
        yield srv


def test_unknown_constructor_arguments_are_sent_with_a_warning_not_dropped(server: ReferenceServer) -> None:
    with pytest.warns(UserWarning, match="is not a ChatMiniMax field") as record:
        model = ChatMiniMax(
            backend="openai", base_url=server.base_url, top_k=20, presence_penalty=0.5, reasoning_split=True
        )
    assert sorted(str(w.message).split(" ")[0] for w in record) == ["presence_penalty", "reasoning_split"]
    assert model.model_kwargs == {"presence_penalty": 0.5, "reasoning_split": True}
    model.invoke("hi")
    body = server.requests[0].json
    assert (body["top_k"], body["presence_penalty"], body["reasoning_split"]) == (20, 0.5, True)


def test_a_missing_key_is_the_sdks_config_error() -> None:
    with pytest.raises(ConfigError, match="needs an API key"):
        ChatMiniMax(backend="minimax")


@pytest.mark.parametrize(("field", "value"), [("temperature", -3), ("top_p", 1.5)])
def test_bad_sampling_values_are_config_errors(field: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=field):
        ChatMiniMax(backend="openai", base_url="http://127.0.0.1:9/v1", **{field: value})


def test_token_counts_need_no_tokenizer_and_trim_messages_works() -> None:
    model = ChatMiniMax(backend="openai", base_url="http://127.0.0.1:9/v1")
    assert model.get_num_tokens("x" * 35) == 10
    history = [SystemMessage("Be brief."), *[HumanMessage("word " * 50), AIMessage("ok " * 50)] * 10]
    total = model.get_num_tokens_from_messages(history)
    assert total > 2 * 10 * 50 // 4  # the rendered prompt, not just a message count
    trimmed = trim_messages(history, max_tokens=total // 2, token_counter=model, strategy="last", include_system=True)
    assert trimmed[0] == history[0]
    assert len(trimmed) < len(history)
    assert model.get_num_tokens_from_messages(trimmed) <= total // 2


def test_one_asyncio_run_after_another_leaves_no_connection(server: ReferenceServer) -> None:
    model = ChatMiniMax(backend="openai", base_url=server.base_url)
    gc.collect()  # what earlier tests left behind is not this test's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(20):
            assert asyncio.run(model.ainvoke("hi")).content
        gc.collect()
    deadline = time.monotonic() + 30  # safety net: the server sees each close as it happens
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.open_connections == 0
    assert [str(w.message) for w in caught if "unclosed" in str(w.message).lower()] == []
