"""Settings from keyword arguments, the environment and a TOML file: the backend switch.

Precedence, highest first, decided key by key:

1. keyword arguments to :func:`load_settings` (None means "not given");
2. environment variables: ``MINIMAX_<KEY>`` for each plain key (``MINIMAX_BACKEND``, ``MINIMAX_BASE_URL``,
   ``MINIMAX_TIMEOUT``, ...) and, for the key, the variables the backend kind lists
   (``MINIMAX_API_KEY``; ``NVIDIA_API_KEY`` for ``nvidia``; ``MINIMAX_API_KEY`` or ``OPENAI_API_KEY`` for
   ``openai``); empty variables count as unset;
3. the TOML file: ``config_file``, else ``$MINIMAX_CONFIG``, else ``./minimax.toml`` if it exists; keys at
   the top level or in a ``[minimax]`` table, with ``[sampling]`` and ``[extra_body]`` sub-tables, and the
   option tables backend kinds declare (``[sglang]``);
4. the backend kind's defaults (:mod:`minimax_sdk.backends.registry`; backend ``minimax``).

Switching from the hosted API to a local server is one line in the file::

    backend = "openai"
    base_url = "http://gpu-node:30000/v1"

Every mistake raises :class:`~minimax_sdk.errors.ConfigError` naming the key and where it came from.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ._retry import RetryPolicy
from ._secret import Secret, redact, shown_url
from .backends.registry import BackendKind, backend_kind, backend_kinds
from .errors import ConfigError
from .messages import RawMode, Usage

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["DEFAULT_SAMPLING", "Prices", "Settings", "check_sampling", "load_settings", "load_settings_with_sources"]

logger = logging.getLogger("minimax_sdk")

DEFAULT_SAMPLING: Mapping[str, float | int] = {"temperature": 1.0, "top_p": 0.95, "top_k": 40}
"""MiniMax's recommended sampling for M2 / M2.1."""

DEFAULT_CONFIG_FILE = "minimax.toml"

# key -> kind; the kinds are checked by _check
_PLAIN_KEYS: dict[str, str] = {
    "backend": "name",
    "model": "name",
    "base_url": "url",
    "api_key": "secret",
    "timeout": "positive",
    "connect_timeout": "positive",
    "deadline": "positive",
    "max_retries": "count",
    "max_retry_after": "non-negative",
    "max_connections": "count1",
    "max_keepalive": "count",
    "raw_mode": "raw_mode",
}
_RAW_MODES = ("auto", "raw", "tagged")
_TABLE_KEYS = ("sampling", "extra_body", "prices")
_SAMPLING_KINDS: dict[str, str] = {
    "temperature": "non-negative",
    "top_p": "fraction",
    "top_k": "integer",
    "min_p": "fraction",
    "presence_penalty": "number",
    "frequency_penalty": "number",
    "repetition_penalty": "non-negative",
    "seed": "integer",
}
_PRICE_KEYS = ("input", "output", "cached_input", "currency")
_TOML_TYPES = {str: "string", int: "integer", float: "float", bool: "boolean", list: "array", dict: "table"}


@dataclass(frozen=True)
class Prices:
    """Your prices, per million tokens, for cost estimates: ``[prices]`` in ``minimax.toml`` or
    ``MiniMax(prices={"input": ..., "output": ...})``. The SDK ships no price table (prices change).

    ``cached_input`` is the price of prompt tokens served from the server's cache (``Usage.cached_tokens``);
    None bills them as ``input``. Reasoning tokens are output tokens. ``currency`` is a label for display.

    >>> Prices(input=0.3, output=1.2).cost(Usage(prompt_tokens=1_000_000, completion_tokens=500_000))
    0.9
    """

    input: float
    output: float
    cached_input: float | None = None
    currency: str = ""

    def cost(self, usage: Usage) -> float:
        """The estimated cost of ``usage`` at these prices."""
        cached = min(usage.cached_tokens or 0, usage.prompt_tokens)
        cached_price = self.input if self.cached_input is None else self.cached_input
        total = (usage.prompt_tokens - cached) * self.input + cached * cached_price
        return (total + usage.completion_tokens * self.output) / 1_000_000


@dataclass(frozen=True)
class Settings:
    """Everything the client needs to reach a backend. Build it with :func:`load_settings`.

    ``timeout`` is the read timeout and ``connect_timeout`` the connect timeout, in seconds.
    ``sampling`` holds the default sampling parameters sent with each request; ``extra_body`` the fields
    merged into every request body, after the dialect's own ``request_extras`` (so it can override them).
    ``api_key`` is a :class:`~minimax_sdk._secret.Secret`, so ``repr(settings)`` never shows it.
    """

    backend: str
    """A backend kind's name (see :mod:`minimax_sdk.backends.registry`)."""
    model: str
    base_url: str | None
    """None only for kinds that reach no URL (``custom``)."""
    api_key: Secret | None
    timeout: float = 600.0
    connect_timeout: float = 5.0
    deadline: float | None = None
    """Seconds for a whole request, retries and the whole stream included (None: no limit beyond ``timeout``);
    passing it raises :class:`~minimax_sdk.errors.DeadlineExceededError`, never retried."""
    max_retries: int = 2
    max_retry_after: float = 120.0
    max_connections: int = 1000
    max_keepalive: int = 100
    raw_mode: RawMode | None = None
    """How to read content that arrives without a reasoning field: ``raw`` (a server with no reasoning
    parser: output starts inside ``<think>``, streamed at once), ``tagged`` (explicit ``<think>``), ``auto``
    (decide from the text; a raw stream's reasoning is then held until ``</think>``). None: the backend's."""
    sampling: dict[str, float | int] = field(default_factory=lambda: dict(DEFAULT_SAMPLING))
    extra_body: dict[str, Any] = field(default_factory=dict)
    backend_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Option tables of backend kinds, by table name (``{"sglang": {"model_path": ..., "tp": 4}}``): given as
    keyword arguments (``sglang={...}``) or TOML tables (``[sglang]``), checked by the backend that reads them."""
    prices: Prices | None = None
    """Your prices for cost estimates (``RunResult.cost``, the ``minimax.usage.cost`` span attribute); None: no
    estimate. Given as the ``[prices]`` table or ``prices={...}``."""
    config_file: Path | None = None
    """The TOML file that was read, if any."""

    def __post_init__(self) -> None:
        if backend_kind(self.backend) is None:
            raise ConfigError(
                f"unknown backend {self.backend!r}. Known backends: {', '.join(sorted(backend_kinds()))}",
                key="backend",
            )
        if isinstance(self.api_key, str):  # keep a plain string out of reprs too
            object.__setattr__(self, "api_key", Secret(self.api_key))

    def __repr__(self) -> str:
        """Every field, with credentials in ``base_url`` (``https://user:key@host``) masked; the key is a
        :class:`~minimax_sdk._secret.Secret` and shows itself masked."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.base_url:
            values["base_url"] = shown_url(self.base_url)
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
        return f"Settings({shown})"

    @property
    def kind(self) -> BackendKind:
        """The backend kind these settings name."""
        kind = backend_kind(self.backend)
        if kind is None:  # unregistered since these settings were made
            raise ConfigError(f"backend {self.backend!r} is no longer registered", key="backend")
        return kind

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy these settings ask for."""
        return RetryPolicy(max_retries=self.max_retries, max_retry_after=self.max_retry_after)


@dataclass(frozen=True)
class _Source:
    """Where a value came from, for error messages."""

    label: str  # "minimax.toml", "environment variable MINIMAX_TIMEOUT", "keyword argument"
    in_file: bool = False
    prefix: str = ""  # "minimax." for keys inside a [minimax] table

    def name(self, key: str) -> str:
        if self.in_file:
            return f"{self.prefix}{key} in {self.label}"
        return f"{key} ({self.label})"

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.name(key)} {problem}", key=key, source=self.label)

    def shown(self) -> str:
        """For :func:`load_settings_with_sources`: ``argument``, ``environment variable X``, ``file PATH``."""
        if self.in_file:
            return f"file {self.label}"
        return "argument" if self is _KWARGS else self.label


_Layer = dict[str, tuple[Any, _Source]]
_KWARGS = _Source("keyword argument")


def load_settings(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Resolve the settings: ``overrides`` (keyword arguments; None = not given), then ``environ``
    (default ``os.environ``), then the TOML file, then the backend's defaults.

    >>> s = load_settings(environ={}, backend="openai", base_url="http://127.0.0.1:30000/v1/")
    >>> s.base_url, s.model, s.api_key
    ('http://127.0.0.1:30000/v1', 'MiniMaxAI/MiniMax-M2.1', None)
    """
    return _resolve(config_file, environ, overrides)[0]


def load_settings_with_sources(
    config_file: str | Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> tuple[Settings, dict[str, str]]:
    """The settings exactly as :func:`load_settings` resolves them, and where each value came from:
    ``argument``, ``environment variable NAME``, ``file PATH`` or ``default``, by key (``backend``,
    ``api_key``, ``timeout``, ...; ``sampling.temperature`` for each sampling parameter; ``extra_body`` and
    option tables such as ``sglang`` when given). For ``minimax doctor``; it never shows a value.

    >>> settings, sources = load_settings_with_sources(environ={"MINIMAX_TIMEOUT": "30"}, backend="openai",
    ...                                                base_url="http://127.0.0.1:30000/v1")
    >>> sources["backend"], sources["timeout"], sources["model"]
    ('argument', 'environment variable MINIMAX_TIMEOUT', 'default')
    """
    return _resolve(config_file, environ, overrides)


def _resolve(
    config_file: str | Path | None, environ: Mapping[str, str] | None, overrides: Mapping[str, Any]
) -> tuple[Settings, dict[str, str]]:
    env = os.environ if environ is None else environ
    try:
        return _load(config_file, env, overrides)
    except ConfigError as exc:  # a misplaced key (MINIMAX_TIMEOUT=sk-...) must not be echoed back
        secrets = _key_candidates(overrides, env)
        if not any(s in str(exc) for s in secrets):
            raise
        raise ConfigError(redact(str(exc), secrets), key=exc.key, source=exc.source) from None


def _key_candidates(overrides: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """Every value that may be an API key: the ``api_key`` argument and each kind's key variables."""
    given = overrides.get("api_key")
    found = [given.get() if isinstance(given, Secret) else given] if given else []
    names = {name for kind in backend_kinds().values() for name in kind.api_key_env} | {"MINIMAX_API_KEY"}
    found += [env[name].strip() for name in names if env.get(name, "").strip()]
    return [value for value in found if isinstance(value, str) and len(value) >= 8]


def _load(
    config_file: str | Path | None, env: Mapping[str, str], overrides: Mapping[str, Any]
) -> tuple[Settings, dict[str, str]]:
    tables = _table_keys()
    given, given_tables = _keyword_layer(overrides, tables)
    from_env = _environment_layer(env)
    path = _config_path(config_file, env)
    from_file, file_tables = _file_layer(path, tables) if path is not None else ({}, {})
    layers = (given, from_env, from_file)
    kind = _resolve_kind(layers)
    values: dict[str, Any] = {"backend": kind.name, "model": kind.default_model}
    sources = dict.fromkeys(_PLAIN_KEYS, "default")
    for key in _PLAIN_KEYS:
        picked = _pick(key, layers)
        if picked is not None and key != "api_key":
            sources[key] = picked[1].shown()
            if key != "backend":
                values[key] = picked[0]
    values["base_url"] = _resolve_base_url(kind, layers, path)
    values["api_key"], sources["api_key"] = _resolve_api_key(kind, given, env, from_file)
    values["sampling"] = _merge(DEFAULT_SAMPLING, file_tables.get("sampling"), given_tables.get("sampling"))
    values["extra_body"] = _merge(file_tables.get("extra_body"), given_tables.get("extra_body"))
    values["prices"] = _prices(file_tables.get("prices"), given_tables.get("prices"), path)
    values["backend_options"] = {
        name: _merge(file_tables.get(name), given_tables.get(name))
        for name in tables
        if name not in _TABLE_KEYS and (name in file_tables or name in given_tables)
    }
    for name in values["sampling"]:
        sources[f"sampling.{name}"] = _table_source(name, "sampling", given_tables, file_tables, path)
    given_names = {"extra_body"} if values["extra_body"] else set()
    given_names |= {"prices"} if values["prices"] is not None else set()
    for name in values["backend_options"].keys() | given_names:
        sources[name] = "argument" if name in given_tables else f"file {path}"
    return Settings(**values, config_file=path), sources


def _table_source(
    name: str, table: str, given: dict[str, dict[str, Any]], from_file: dict[str, dict[str, Any]], path: Path | None
) -> str:
    if name in given.get(table, {}):
        return "argument"
    return f"file {path}" if name in from_file.get(table, {}) else "default"


# --- layers --------------------------------------------------------------------------------------------


def _table_keys() -> tuple[str, ...]:
    """The sub-tables settings accept: ``sampling``, ``extra_body``, and each backend kind's option table."""
    declared = {k.options_table for k in backend_kinds().values() if k.options_table}
    return (*_TABLE_KEYS, *sorted(declared - set(_TABLE_KEYS)))


def _keyword_layer(
    overrides: Mapping[str, Any], table_names: tuple[str, ...]
) -> tuple[_Layer, dict[str, dict[str, Any]]]:
    layer: _Layer = {}
    tables: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        if key in table_names:
            tables[key] = _check_table(key, value, _KWARGS)
        elif key not in _PLAIN_KEYS:
            raise _unknown(key, _PLAIN_KEYS.keys() | set(table_names), _KWARGS)
        elif key == "api_key" and isinstance(value, Secret):
            layer[key] = (value, _KWARGS)
        else:
            layer[key] = (_check(key, _PLAIN_KEYS[key], value, _KWARGS), _KWARGS)
    return layer, tables


def _environment_layer(env: Mapping[str, str]) -> _Layer:
    layer: _Layer = {}
    for key, kind in _PLAIN_KEYS.items():
        if key == "api_key":  # its variables depend on the backend
            continue
        var = f"MINIMAX_{key.upper()}"
        text = env.get(var, "").strip()
        if text:
            source = _Source(f"environment variable {var}")
            layer[key] = (_check(key, kind, _from_text(key, kind, text, source), source), source)
    return layer


def _config_path(config_file: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """The file to read: the argument, ``$MINIMAX_CONFIG``, or ``./minimax.toml`` when it exists."""
    if config_file is not None:
        path, how = Path(config_file), "config_file argument"
    elif env.get("MINIMAX_CONFIG", "").strip():
        path, how = Path(env["MINIMAX_CONFIG"].strip()), "environment variable MINIMAX_CONFIG"
    else:
        default = Path(DEFAULT_CONFIG_FILE)
        return default if default.is_file() else None
    if not path.exists():
        raise ConfigError(f"config file {path} (from the {how}) does not exist", source=how)
    return path


def _file_layer(path: Path, table_names: tuple[str, ...]) -> tuple[_Layer, dict[str, dict[str, Any]]]:
    """The plain keys and the sub-tables of a TOML config file, checked."""
    document = _read_toml(path)
    source = _Source(str(path), in_file=True)
    table = document.get("minimax")
    if isinstance(table, dict):
        strays = sorted(k for k in document if k in _PLAIN_KEYS or k in table_names)
        if strays:
            raise ConfigError(
                f"{path} has both a [minimax] table and top-level settings ({', '.join(strays)}); "
                "put them all in one place",
                key=strays[0],
                source=str(path),
            )
        document, source = table, _Source(str(path), in_file=True, prefix="minimax.")
    layer: _Layer = {}
    tables: dict[str, dict[str, Any]] = {}
    for key, value in document.items():
        if key in table_names:
            tables[key] = _check_table(key, value, source)
        elif key in _PLAIN_KEYS:
            layer[key] = (_check(key, _PLAIN_KEYS[key], value, source), source)
        else:
            raise _unknown(key, _PLAIN_KEYS.keys() | set(table_names), source)
    return layer, tables


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 (byte offset {exc.start})", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}", source=str(path)) from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
        return document
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot parse config file {path}: {exc}", source=str(path)) from None


# --- resolution ----------------------------------------------------------------------------------------


def _pick(key: str, layers: tuple[_Layer, ...]) -> tuple[Any, _Source] | None:
    for layer in layers:
        if key in layer:
            return layer[key]
    return None


def _resolve_kind(layers: tuple[_Layer, ...]) -> BackendKind:
    picked = _pick("backend", layers)
    name, source = picked if picked is not None else ("minimax", _KWARGS)
    kind = backend_kind(name)
    if kind is None:
        raise _unknown(name, backend_kinds().keys(), source, what="backend", key="backend")
    return kind


def _resolve_base_url(kind: BackendKind, layers: tuple[_Layer, ...], path: Path | None) -> str | None:
    picked = _pick("base_url", layers)
    if picked is not None:
        url: str = picked[0]
        return url
    if kind.default_base_url is None:
        if not kind.needs_base_url:
            return None
        raise ConfigError(
            f"the {kind.name} backend has no default base_url: set base_url in "
            f"{path or DEFAULT_CONFIG_FILE}, the environment variable MINIMAX_BASE_URL, or pass base_url=",
            key="base_url",
        )
    return kind.default_base_url.rstrip("/")


def _resolve_api_key(
    kind: BackendKind, given: _Layer, env: Mapping[str, str], from_file: _Layer
) -> tuple[Secret | None, str]:
    """The key and where it came from."""
    if "api_key" in from_file:
        logger.warning(
            "%s: API keys belong in the environment (%s), not in a file that may be shared or committed",
            from_file["api_key"][1].name("api_key"),
            " or ".join(kind.api_key_env) or "MINIMAX_API_KEY",
        )
    if "api_key" in given:
        key = given["api_key"][0]
        return (key if isinstance(key, Secret) else Secret(key)), "argument"
    for var in kind.api_key_env:
        value = env.get(var, "").strip()
        if value:
            return Secret(value), f"environment variable {var}"
    if "api_key" in from_file:
        return Secret(from_file["api_key"][0]), from_file["api_key"][1].shown()
    if kind.api_key_required:
        checked = ", ".join(kind.api_key_env) or "none"
        raise ConfigError(
            f"the {kind.name} backend needs an API key: set the environment variable "
            f"{kind.api_key_env[0] if kind.api_key_env else 'MINIMAX_API_KEY'} or pass api_key= "
            f"(environment variables checked: {checked})",
            key="api_key",
        )
    return None, "not set"


def _merge(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Later layers win key by key; a None value removes the key."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
    return merged


# --- checking values -----------------------------------------------------------------------------------


def check_sampling(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """``values`` with each sampling parameter the SDK knows checked (``temperature`` >= 0, ``top_p`` in 0-1,
    ``top_k`` an integer, ...); ``ConfigError`` naming the parameter and ``where`` it was given. Keys it does not
    know, and None values, pass as they are (a server may take more)."""
    source = _Source(where)
    return {
        name: _check(name, _SAMPLING_KINDS[name], value, source)
        if name in _SAMPLING_KINDS and value is not None
        else value
        for name, value in values.items()
    }


def _prices(from_file: Mapping[str, Any] | None, given: Mapping[str, Any] | None, path: Path | None) -> Prices | None:
    """The ``[prices]`` table (each key checked by ``_check_table``), merged key by key; ``input`` and
    ``output`` are required once any price is given."""
    merged = _merge(from_file, given)
    if not merged:
        return None
    missing = [k for k in ("input", "output") if k not in merged]
    if missing:
        source = _KWARGS if given else _Source(str(path), in_file=True)
        raise source.error("prices", f"needs {' and '.join(missing)} (prices per million tokens)")
    return Prices(**merged)


def _check_table(key: str, value: Any, source: _Source) -> dict[str, Any]:
    if isinstance(value, Prices) and key == "prices":
        value = {f.name: getattr(value, f.name) for f in fields(value) if getattr(value, f.name) is not None}
    if not isinstance(value, Mapping):
        raise source.error(key, f"must be a table, got {_type_name(value)}")
    table = dict(value)
    if key == "sampling":
        for name, item in table.items():
            if name not in _SAMPLING_KINDS:
                raise _unknown(name, _SAMPLING_KINDS.keys(), source, what="sampling key", key=f"sampling.{name}")
            if item is not None:
                table[name] = _check(f"sampling.{name}", _SAMPLING_KINDS[name], item, source)
    if key == "prices":
        for name, item in table.items():
            if name not in _PRICE_KEYS:
                raise _unknown(name, _PRICE_KEYS, source, what="prices key", key=f"prices.{name}")
            if name == "currency":
                if not isinstance(item, str):
                    raise source.error(f"prices.{name}", f"must be a string, got {_type_name(item)}")
            elif item is not None:
                table[name] = _check(f"prices.{name}", "non-negative", item, source)
    return table


def _check(key: str, kind: str, value: Any, source: _Source) -> Any:
    """``value`` checked against ``kind``, normalised (numbers to float, URLs without a trailing slash)."""
    if kind == "raw_mode":
        if value not in _RAW_MODES:
            raise source.error(key, f"must be one of {', '.join(_RAW_MODES)}, got {value!r}")
        return value
    if kind in ("name", "url", "secret"):
        if not isinstance(value, str):
            raise source.error(key, f"must be a string, got {_type_name(value)}")
        if not value.strip():
            raise source.error(key, "must not be empty")
        return _check_url(key, value.strip(), source) if kind == "url" else value.strip()
    if kind in ("count", "count1", "integer"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise source.error(key, f"must be an integer, got {_type_name(value)}")
        minimum = {"count": 0, "count1": 1}.get(kind)
        if minimum is not None and value < minimum:
            raise source.error(key, f"must be >= {minimum}, got {value}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise source.error(key, f"must be a number, got {_type_name(value)}")
    if not math.isfinite(value):
        raise source.error(key, f"must be a finite number, got {value}")
    if kind == "positive" and value <= 0:
        raise source.error(key, f"must be positive, got {value}")
    if kind in ("non-negative", "fraction") and value < 0:
        raise source.error(key, f"must not be negative, got {value}")
    if kind == "fraction" and value > 1:
        raise source.error(key, f"must be between 0 and 1, got {value}")
    return float(value)


def _check_url(key: str, url: str, source: _Source) -> str:
    if not re.match(r"(?i)https?://[^/\s]", url):
        shown = re.sub(r"//[^/@\s]*@", "//****@", url)  # never echo credentials in a URL
        raise source.error(key, f"must be an http:// or https:// URL, got {shown!r}")
    return url.rstrip("/")


def _from_text(key: str, kind: str, text: str, source: _Source) -> Any:
    """An environment variable's text as the type ``kind`` wants."""
    if kind in ("name", "url", "secret", "raw_mode"):
        return text
    try:
        return int(text) if kind in ("count", "count1", "integer") else float(text)
    except ValueError:
        wanted = "an integer" if kind in ("count", "count1", "integer") else "a number"
        raise source.error(key, f"must be {wanted}, got {text!r}") from None


def _type_name(value: Any) -> str:
    for python_type, name in _TOML_TYPES.items():
        if type(value) is python_type:
            return name
    return "datetime" if hasattr(value, "isoformat") else type(value).__name__


def _unknown(name: str, known: Any, source: _Source, *, what: str = "key", key: str | None = None) -> ConfigError:
    """``unknown key 'timout' in minimax.toml; did you mean 'timeout'? Known keys: ...``"""
    options = sorted(str(k) for k in known)
    guess = difflib.get_close_matches(name, options, n=1)
    hint = f"; did you mean {guess[0]!r}?" if guess else "."
    shown = f"{source.prefix}{name}" if what == "key" else name
    where = f"in {source.label}" if source.in_file else f"from {source.label}"
    message = f"unknown {what} {shown!r} {where}{hint} Known {what}s: {', '.join(options)}"
    return ConfigError(message, key=key or name, source=source.label)
