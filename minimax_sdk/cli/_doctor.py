"""``minimax doctor``: the resolved configuration (where each value came from, secrets masked), then checks that
the backend answers and that reasoning comes back where the backend expects it. Each problem is one line with
its fix; exit status 0 when every check passed, 1 otherwise."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any, TextIO

import httpx

from .._secret import REDACTED, shown_url
from .._version import __version__
from ..config import Settings, load_settings_with_sources
from ..errors import ConfigError
from ._common import add_backend_options
from ._doctor_checks import Check, chat_checks, model_info_check, models_check

__all__ = ["register", "run"]

_TIMEOUT_S = 30.0
_SHOWN_KEYS = (
    "backend",
    "model",
    "base_url",
    "api_key",
    "timeout",
    "connect_timeout",
    "deadline",
    "max_retries",
    "max_retry_after",
    "raw_mode",
)


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    print(f"minimax-sdk {__version__}", file=stdout)
    given = {"backend": args.backend, "base_url": args.base_url, "model": args.model}
    try:
        settings, sources = load_settings_with_sources(args.config, **given)
    except ConfigError as exc:
        _print_checks([Check("configuration", False, str(exc), "correct the setting it names")], stdout)
        return 1
    _print_configuration(settings, sources, stdout)
    checks = _run_checks(settings, sources)
    _print_checks(checks, stdout)
    return 1 if any(check.ok is False for check in checks) else 0


def _run_checks(settings: Settings, sources: Mapping[str, str]) -> list[Check]:
    if settings.base_url is None:
        detail = (
            "the embedded SGLang server starts with the first request; `minimax serve --dry-run` shows its command"
            if settings.backend == "sglang"
            else f"backend {settings.backend!r} reaches no URL"
        )
        return [Check("backend", None, detail)]
    with httpx.Client(timeout=httpx.Timeout(_TIMEOUT_S, connect=settings.connect_timeout)) as client:
        checks = models_check(settings, sources, client)
        if checks[0].ok is False:  # no server, a refused key or a wrong URL: the chat would only say it again
            return [*checks, Check("one-token chat", None, "not tried: fix the models list first")]
        if settings.backend == "sglang":
            checks.append(model_info_check(settings, sources, client))
    return _follows_the_backend(checks + chat_checks(settings, sources), sources)


def _follows_the_backend(checks: list[Check], sources: Mapping[str, str]) -> list[Check]:
    """A default model that the server does not serve is the wrong backend's default when the reasoning
    check says the backend is wrong: one problem, not two."""
    wrong_backend = any(c.name == "reasoning channel" and c.ok is False for c in checks)
    if not wrong_backend or sources.get("model") != "default":
        return checks
    note = "the backend's default model is not served there; it changes with the backend (see below)"
    return [Check("model", None, note) if c.name == "model" and c.ok is False else c for c in checks]


def _print_configuration(settings: Settings, sources: Mapping[str, str], stdout: TextIO) -> None:
    rows = [(key, _shown(settings, key), sources.get(key, "default")) for key in _SHOWN_KEYS]
    rows += [(f"sampling.{k}", str(v), sources.get(f"sampling.{k}", "default")) for k, v in settings.sampling.items()]
    if settings.extra_body:
        rows.append(("extra_body", f"keys: {', '.join(sorted(settings.extra_body))}", sources.get("extra_body", "")))
    for table, options in settings.backend_options.items():
        rows.append((f"[{table}]", f"keys: {', '.join(sorted(options))}", sources.get(table, "")))
    print(f"configuration (file: {settings.config_file or 'none'}):", file=stdout)
    width = max(len(key) for key, _, _ in rows)
    value_width = min(max(len(value) for _, value, _ in rows), 60)
    for key, value, source in rows:
        print(f"  {key:<{width}}  {value:<{value_width}}  {source}", file=stdout)


def _shown(settings: Settings, key: str) -> str:
    value: Any = getattr(settings, key)
    if value is None:
        return "-"
    if key == "api_key":
        return f"{REDACTED} ({len(value.get())} characters)"
    if key == "base_url":
        return shown_url(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _print_checks(checks: list[Check], stdout: TextIO) -> None:
    print("checks:", file=stdout)
    for check in checks:
        print(check.line(), file=stdout)
    problems = sum(check.ok is False for check in checks)
    print("all checks passed" if not problems else f"{problems} problem{'s' if problems > 1 else ''}", file=stdout)


def register(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="show the resolved configuration and check that the backend answers as expected",
        description="Print the configuration with where each value came from (keys masked), then check that "
        "the backend answers (its models list, a one-token chat, SGLang's /model_info) and that reasoning "
        "comes back in the channel the backend expects. Each problem is one line with its fix; exit status 1 "
        "when there is one.",
    )
    add_backend_options(doctor)
    doctor.set_defaults(handler=run)
