"""The HTTP backend names the SDK in its User-Agent; ``minimax --version`` prints the same version."""

from __future__ import annotations

import asyncio
import re
import sys

import httpx
import pytest

import minimax_sdk
from minimax_sdk import AsyncMiniMax, MiniMax
from minimax_sdk.cli import main
from minimax_sdk.testing import ReferenceServer

EXPECTED = (
    f"minimax-sdk/{minimax_sdk.__version__} "
    f"(python {sys.version_info.major}.{sys.version_info.minor}; httpx {httpx.__version__})"
)


@pytest.mark.usefixtures("clean_env")
def test_chat_and_stream_send_the_sdk_user_agent() -> None:
    with ReferenceServer("minimax") as server, MiniMax(base_url=server.base_url, api_key="test-key-123") as client:
        client.chat([{"role": "user", "content": "hi"}])
        client.stream([{"role": "user", "content": "hi"}]).until_done()
        agents = [r.headers.get("user-agent") for r in server.requests]
    assert agents == [EXPECTED, EXPECTED]


@pytest.mark.usefixtures("clean_env")
def test_async_client_sends_the_sdk_user_agent() -> None:
    async def go(base_url: str) -> None:
        async with AsyncMiniMax(base_url=base_url, api_key="test-key-123") as client:
            await client.chat([{"role": "user", "content": "hi"}])

    with ReferenceServer("minimax") as server:
        asyncio.run(go(server.base_url))
        assert server.requests[0].headers.get("user-agent") == EXPECTED


def test_user_agent_format() -> None:
    assert re.fullmatch(r"minimax-sdk/\S+ \(python \d+\.\d+; httpx \S+\)", EXPECTED)


def test_version_flag_prints_the_sdk_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"minimax-sdk {minimax_sdk.__version__}\n"
