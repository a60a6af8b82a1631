"""Shared fixtures."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No MINIMAX_*, NVIDIA_* or OPENAI_* variables: a client built in the test sees only its arguments
    (and ``minimax.toml``, which the repository does not have)."""
    for name in list(os.environ):
        if name.startswith(("MINIMAX_", "NVIDIA_", "OPENAI_")):
            monkeypatch.delenv(name)
