"""What every ``minimax`` subcommand shares: the usage error and its exit status, and the options that pick
the backend."""

from __future__ import annotations

import argparse

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``: the settings file to read."""
    parser.add_argument("--config", metavar="FILE", help="the settings file (default: $MINIMAX_CONFIG, ./minimax.toml)")


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """``--config``, ``--backend``, ``--model`` and ``--base-url``: each overrides the configured value."""
    add_config_option(parser)
    parser.add_argument("--backend", help="the backend kind (default: the configured one)")
    parser.add_argument("--model", help="the model id (default: the configured one)")
    parser.add_argument("--base-url", help="the server's URL, up to and including /v1")
