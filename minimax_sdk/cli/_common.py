"""What every ``minimax`` subcommand shares: the usage error and its exit status."""

from __future__ import annotations

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""
