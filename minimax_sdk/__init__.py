"""minimax-sdk: a dependable SDK for MiniMax-M2.1 and the M2 model family."""

__all__: list[str] = []
