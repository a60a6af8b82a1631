"""LangChain integration for MiniMax-M2.1: ``ChatMiniMax`` (installed with ``pip install 'minimax-sdk[langchain]'``)."""
