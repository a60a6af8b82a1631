"""Shared set-up of the LangChain integration tests: a clean environment, and async tests run by pytest-asyncio.

The standard suites (langchain-tests) write their async tests without a marker, for ``asyncio_mode = "auto"``;
this project runs pytest-asyncio in strict mode, so coroutine tests collected here get the marker. Without the
``langchain`` extra and langchain-tests (a core-only install) these tests are not collected.
"""

from __future__ import annotations

import importlib.util
import inspect
from typing import Any

import pytest

_NEEDED = ("langchain_core", "langgraph", "langchain_tests")
if any(importlib.util.find_spec(name) is None for name in _NEEDED):
    collect_ignore_glob = ["test_langchain_*.py"]

_ENV = (
    "MINIMAX_API_KEY",
    "NVIDIA_API_KEY",
    "OPENAI_API_KEY",
    "MINIMAX_BASE_URL",
    "MINIMAX_BACKEND",
    "MINIMAX_MODEL",
    "MINIMAX_CONFIG",
    "MINIMAX_TIMEOUT",
    "MINIMAX_MAX_RETRIES",
    "LC_OUTPUT_VERSION",
)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> None:
    if (
        isinstance(collector, pytest.Class | pytest.Module)
        and collector.funcnamefilter(name)
        and inspect.iscoroutinefunction(obj)
    ):
        marks = getattr(obj, "pytestmark", [])
        if not any(mark.name == "asyncio" for mark in marks):
            pytest.mark.asyncio(obj)


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
