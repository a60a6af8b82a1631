"""The integration ships in the ``minimax-sdk`` wheel and shares its version."""

from minimax_sdk import __version__

__all__ = ["__version__"]
