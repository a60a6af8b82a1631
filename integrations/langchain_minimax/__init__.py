"""LangChain integration for MiniMax-M2.1: :class:`ChatMiniMax`.

Installed with ``pip install 'minimax-sdk[langchain]'``; the import name is ``langchain_minimax``.
"""

try:
    import langchain_core  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("langchain_minimax needs langchain-core: pip install 'minimax-sdk[langchain]'") from exc

from ._tools import as_langchain_tool
from ._version import __version__
from .chat_models import ChatMiniMax

__all__ = ["ChatMiniMax", "__version__", "as_langchain_tool"]
