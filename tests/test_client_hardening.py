"""Client items of the outside attack (issue 11): each test is named after the failure it pins."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from minimax_sdk import AsyncMiniMax, MiniMax
from minimax_sdk.parsing import ContentDelta, ReasoningDelta
from minimax_sdk.testing import Fault, ReferenceServer

pytestmark = pytest.mark.usefixtures("clean_env")

USER = [{"role": "user", "content": "hi"}]
WHOLE = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello there.", "reasoning_content": "Greet back."},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
}


def test_a_server_that_ignores_stream_true_is_read_as_the_answer_not_retried() -> None:
    with ReferenceServer("openai-split") as server:
        server.fault(Fault.status(200, body=WHOLE), Fault.status(200, body=WHOLE))
        with MiniMax(backend="openai", base_url=server.base_url) as client:
            stream = client.stream(USER)
            events = list(stream)
        assert len(server.requests) == 1  # read, not retried as "ended before [DONE]"

        async def main() -> Any:
            async with AsyncMiniMax(backend="openai", base_url=server.base_url) as aclient:
                return await aclient.stream(USER).until_done()

        async_response = asyncio.run(main())
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "Greet back."
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Hello there."
    for response in (stream.response, async_response):
        assert (response.message.reasoning, response.message.content) == ("Greet back.", "Hello there.")
        assert response.usage is not None
        assert response.usage.total_tokens == 7
