"""The ``User-Agent`` the HTTP backend sends: ``minimax-sdk/<version> (python <x.y>; httpx <version>)``."""

from __future__ import annotations

import sys

import httpx

from ._version import __version__

__all__ = ["user_agent"]


def user_agent() -> str:
    """``minimax-sdk/0.1.0 (python 3.12; httpx 0.28.1)``: the SDK, its version and what it runs on."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"minimax-sdk/{__version__} (python {python}; httpx {httpx.__version__})"
