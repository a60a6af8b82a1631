"""Settings: precedence (arguments > environment > TOML file > dialect defaults) and errors that name the key
and its source. The environment is always injected; the real one is never read."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from minimax_sdk._secret import Secret
from minimax_sdk.config import DEFAULT_SAMPLING, Settings, load_settings
from minimax_sdk.errors import ConfigError

KEY = "sk-config-test-key-0123456789"
ENV = {"MINIMAX_API_KEY": KEY}


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory, so a developer's ./minimax.toml never leaks in."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults and precedence -----------------------------------------------------------------------------


def test_defaults_come_from_the_minimax_dialect() -> None:
    s = load_settings(environ=ENV)
    assert (s.backend, s.model, s.base_url) == ("minimax", "MiniMax-M2.1", "https://api.minimax.io/v1")
    assert s.api_key == Secret(KEY)
    assert (s.timeout, s.connect_timeout, s.max_retries, s.max_retry_after) == (600.0, 5.0, 2, 120.0)
    assert (s.max_connections, s.max_keepalive) == (1000, 100)
    assert s.sampling == {"temperature": 1.0, "top_p": 0.95, "top_k": 40}
    assert s.extra_body == {}
    assert s.config_file is None
    assert s.kind.name == "minimax"  # settings name a backend kind (the dialect is the HTTP backend's)
    assert s.retry_policy.max_retries == 2


@pytest.mark.parametrize(
    ("backend", "env", "model", "base_url"),
    [
        ("minimax-inline", {"MINIMAX_API_KEY": KEY}, "MiniMax-M2.1", "https://api.minimax.io/v1"),
        ("nvidia", {"NVIDIA_API_KEY": KEY}, "minimaxai/minimax-m2.1", "https://integrate.api.nvidia.com/v1"),
    ],
)
def test_each_dialect_supplies_its_defaults(backend: str, env: dict[str, str], model: str, base_url: str) -> None:
    s = load_settings(environ=env, backend=backend)
    assert (s.model, s.base_url, s.api_key) == (model, base_url, Secret(KEY))


def test_file_overrides_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg.toml", 'backend = "openai"\nbase_url = "http://gpu-node:30000/v1"\ntimeout = 30\n')
    s = load_settings(path, environ={})
    assert (s.backend, s.base_url, s.timeout, s.api_key) == ("openai", "http://gpu-node:30000/v1", 30.0, None)
    assert s.model == "MiniMaxAI/MiniMax-M2.1"
    assert s.config_file == path


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cfg.toml",
        'backend = "openai"\nbase_url = "http://a:1/v1"\nmodel = "m-file"\ntimeout = 30\nmax_retries = 1\n',
    )
    env = {
        "MINIMAX_BASE_URL": "http://b:2/v1/",
        "MINIMAX_TIMEOUT": "45.5",
        "MINIMAX_MAX_RETRIES": "4",
        "MINIMAX_MODEL": "",
    }
    s = load_settings(path, environ=env)
    assert (s.base_url, s.timeout, s.max_retries, s.model) == ("http://b:2/v1", 45.5, 4, "m-file")


def test_arguments_override_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg.toml", 'backend = "openai"\nbase_url = "http://a:1/v1"\n')
    env = {"MINIMAX_BASE_URL": "http://b:2/v1", "MINIMAX_API_KEY": "env-key", "MINIMAX_TIMEOUT": "9"}
    s = load_settings(path, environ=env, base_url="http://c:3/v1", api_key="arg-key", timeout=None)
    assert (s.base_url, s.api_key, s.timeout) == ("http://c:3/v1", Secret("arg-key"), 9.0)
    assert load_settings(path, environ=env, api_key=Secret("s")).api_key == Secret("s")


def test_backend_from_environment_picks_the_key_variables(tmp_path: Path) -> None:
    env = {"MINIMAX_BACKEND": "nvidia", "MINIMAX_API_KEY": "wrong-one", "NVIDIA_API_KEY": KEY}
    s = load_settings(environ=env)
    assert (s.backend, s.api_key) == ("nvidia", Secret(KEY))


def test_openai_dialect_reads_either_key_variable() -> None:
    s = load_settings(environ={"OPENAI_API_KEY": "o-key"}, backend="openai", base_url="http://x:1/v1")
    assert s.api_key == Secret("o-key")
    s = load_settings(environ={"OPENAI_API_KEY": "o", "MINIMAX_API_KEY": "m"}, backend="openai", base_url="http://x/v1")
    assert s.api_key == Secret("m")


def test_config_file_from_environment_variable(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", 'model = "from-env-file"\n')
    assert load_settings(environ={**ENV, "MINIMAX_CONFIG": str(path)}).model == "from-env-file"


def test_argument_file_beats_environment_file(tmp_path: Path) -> None:
    a = write(tmp_path / "a.toml", 'model = "a"\n')
    b = write(tmp_path / "b.toml", 'model = "b"\n')
    assert load_settings(a, environ={**ENV, "MINIMAX_CONFIG": str(b)}).model == "a"


def test_minimax_toml_in_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "minimax.toml", 'model = "cwd"\n')
    s = load_settings(environ=ENV)
    assert s.model == "cwd"
    assert s.config_file == Path("minimax.toml")


def test_minimax_table_and_sub_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path / "shared.toml",
        '[other_tool]\nanything = 1\n\n[minimax]\nbackend = "openai"\nbase_url = "http://gpu-node:30000/v1"\n\n'
        "[minimax.sampling]\ntemperature = 0.7\ntop_k = 20\n\n[minimax.extra_body]\nreasoning_split = false\n"
        "chat_template_kwargs = { enable_thinking = true }\n",
    )
    s = load_settings(path, environ={})
    assert s.sampling == {"temperature": 0.7, "top_p": 0.95, "top_k": 20}
    assert s.extra_body == {"reasoning_split": False, "chat_template_kwargs": {"enable_thinking": True}}


def test_sampling_merges_per_key_and_none_removes(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "[sampling]\ntemperature = 0.5\nseed = 7\n\n[extra_body]\na = 1\nb = 2\n")
    s = load_settings(path, environ=ENV, sampling={"top_p": 0.9, "top_k": None}, extra_body={"b": 3, "a": None})
    assert s.sampling == {"temperature": 0.5, "top_p": 0.9, "seed": 7}
    assert s.extra_body == {"b": 3}
    assert DEFAULT_SAMPLING == {"temperature": 1.0, "top_p": 0.95, "top_k": 40}


def test_all_environment_variables(tmp_path: Path) -> None:
    env = {
        "MINIMAX_BACKEND": "openai",
        "MINIMAX_MODEL": "local-model",
        "MINIMAX_BASE_URL": "https://h/v1",
        "MINIMAX_TIMEOUT": "12",
        "MINIMAX_CONNECT_TIMEOUT": "1.5",
        "MINIMAX_MAX_RETRIES": "0",
        "MINIMAX_MAX_RETRY_AFTER": "30",
        "MINIMAX_MAX_CONNECTIONS": "10",
        "MINIMAX_MAX_KEEPALIVE": "5",
    }
    s = load_settings(environ=env)
    assert (s.backend, s.model, s.base_url, s.timeout, s.connect_timeout) == (
        "openai",
        "local-model",
        "https://h/v1",
        12.0,
        1.5,
    )
    assert (s.max_retries, s.max_retry_after, s.max_connections, s.max_keepalive) == (0, 30.0, 10, 5)


def test_key_in_file_is_used_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "k.toml", f'api_key = "{KEY}"\n')
    with caplog.at_level(logging.WARNING, logger="minimax_sdk"):
        s = load_settings(path, environ={})
    assert s.api_key == Secret(KEY)
    [record] = [r for r in caplog.records if r.name == "minimax_sdk"]
    assert "api_key in " in record.getMessage()
    assert "MINIMAX_API_KEY" in record.getMessage()
    assert KEY not in record.getMessage()
    assert load_settings(path, environ={"MINIMAX_API_KEY": "env"}).api_key == Secret("env")


def test_settings_repr_hides_the_key() -> None:
    s = load_settings(environ=ENV)
    assert KEY not in repr(s)
    assert KEY not in str(s)
    assert "api_key=Secret('********')" in repr(s)


def test_settings_checks_backend_and_wraps_a_plain_key() -> None:
    with pytest.raises(ConfigError, match="unknown backend 'x'"):
        Settings(backend="x", model="m", base_url="http://x/v1", api_key=None)
    s = Settings(backend="openai", model="m", base_url="http://x/v1", api_key=KEY)  # type: ignore[arg-type]
    assert s.api_key == Secret(KEY)
    assert KEY not in repr(s)


def test_settings_can_be_built_directly() -> None:
    s = Settings(backend="openai", model="m", base_url="http://x/v1", api_key=None)
    assert s.sampling == dict(DEFAULT_SAMPLING)
    assert s.sampling is not Settings(backend="openai", model="m", base_url="u", api_key=None).sampling


# --- errors name the key and the source ------------------------------------------------------------------


def error(*args: Any, **kwargs: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_settings(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return info.value


@pytest.mark.parametrize(
    ("toml", "message", "key"),
    [
        ('timeout = "slow"\n', "timeout in {path} must be a number, got string", "timeout"),
        ("timeout = -1\n", "timeout in {path} must be positive, got -1", "timeout"),
        ("timeout = nan\n", "timeout in {path} must be a finite number, got nan", "timeout"),
        ("max_retries = -1\n", "max_retries in {path} must be >= 0, got -1", "max_retries"),
        ("max_retries = 2.5\n", "max_retries in {path} must be an integer, got float", "max_retries"),
        ("max_retries = true\n", "max_retries in {path} must be an integer, got boolean", "max_retries"),
        ("max_connections = 0\n", "max_connections in {path} must be >= 1, got 0", "max_connections"),
        (
            "max_retry_after = -3\n",
            "max_retry_after in {path} must not be negative, got -3",
            "max_retry_after",
        ),
        ("model = 3\n", "model in {path} must be a string, got integer", "model"),
        ('model = "  "\n', "model in {path} must not be empty", "model"),
        ("model = [1]\n", "model in {path} must be a string, got array", "model"),
        (
            'base_url = "gpu-node:30000/v1"\n',
            "base_url in {path} must be an http:// or https:// URL, got 'gpu-node:30000/v1'",
            "base_url",
        ),
        (
            'base_url = "ftp://user:pw@h/v1"\n',
            "base_url in {path} must be an http:// or https:// URL, got 'ftp://****@h/v1'",
            "base_url",
        ),
        (
            "timout = 3\n",
            "unknown key 'timout' in {path}; did you mean 'timeout'? Known keys: api_key, backend,",
            "timout",
        ),
        ("[minimax]\nmodle = 'x'\n", "unknown key 'minimax.modle' in {path}; did you mean 'model'?", "modle"),
        ("[minimax]\ntimeout = 'x'\n", "minimax.timeout in {path} must be a number, got string", "timeout"),
        ("zzz = 1\n", "unknown key 'zzz' in {path}. Known keys:", "zzz"),
        ("sampling = 1\n", "sampling in {path} must be a table, got integer", "sampling"),
        (
            "[sampling]\ntemprature = 1\n",
            "unknown sampling key 'temprature' in {path}; did you mean 'temperature'?",
            "sampling.temprature",
        ),
        (
            "[sampling]\ntop_p = 1.5\n",
            "sampling.top_p in {path} must be between 0 and 1, got 1.5",
            "sampling.top_p",
        ),
        (
            "[sampling]\ntop_k = 'x'\n",
            "sampling.top_k in {path} must be an integer, got string",
            "sampling.top_k",
        ),
        (
            "[sampling]\ntemperature = -0.1\n",
            "sampling.temperature in {path} must not be negative",
            "sampling.temperature",
        ),
        (
            'backend = "vlm"\n',
            "unknown backend 'vlm' in {path}. Known backends: custom, minimax, minimax-inline, nvidia, openai, sglang",
            "backend",
        ),
        ('backend = "nvida"\n', "unknown backend 'nvida' in {path}; did you mean 'nvidia'?", "backend"),
        ("timeout = 1979-05-27\n", "timeout in {path} must be a number, got datetime", "timeout"),
        (
            'model = "x"\n[minimax]\nbackend = "openai"\n',
            "{path} has both a [minimax] table and top-level settings (model)",
            "model",
        ),
    ],
)
def test_file_errors(tmp_path: Path, toml: str, message: str, key: str) -> None:
    path = write(tmp_path / "minimax.toml", toml)
    err = error(path, environ=ENV)
    assert message.format(path=path) in str(err)
    assert (err.key, err.source) == (key, str(path))


@pytest.mark.parametrize(
    ("env", "message", "key"),
    [
        (
            {"MINIMAX_TIMEOUT": "abc"},
            "timeout (environment variable MINIMAX_TIMEOUT) must be a number, got 'abc'",
            "timeout",
        ),
        (
            {"MINIMAX_TIMEOUT": "0"},
            "timeout (environment variable MINIMAX_TIMEOUT) must be positive, got 0",
            "timeout",
        ),
        (
            {"MINIMAX_MAX_RETRIES": "2.0"},
            "max_retries (environment variable MINIMAX_MAX_RETRIES) must be an integer, got '2.0'",
            "max_retries",
        ),
        (
            {"MINIMAX_MAX_RETRIES": "-2"},
            "max_retries (environment variable MINIMAX_MAX_RETRIES) must be >= 0, got -2",
            "max_retries",
        ),
        (
            {"MINIMAX_BACKEND": "tgi"},
            "unknown backend 'tgi' from environment variable MINIMAX_BACKEND",
            "backend",
        ),
        (
            {"MINIMAX_BASE_URL": "localhost:8000"},
            "base_url (environment variable MINIMAX_BASE_URL) must be an http:// or https:// URL",
            "base_url",
        ),
    ],
)
def test_environment_errors(env: dict[str, str], message: str, key: str) -> None:
    err = error(environ={**ENV, **env})
    assert message in str(err)
    assert err.key == key
    assert err.source is not None
    assert err.source.startswith("environment variable MINIMAX_")


@pytest.mark.parametrize(
    ("kwargs", "message", "key"),
    [
        ({"timout": 3}, "unknown key 'timout' from keyword argument; did you mean 'timeout'?", "timout"),
        ({"timeout": "3"}, "timeout (keyword argument) must be a number, got string", "timeout"),
        ({"max_retries": -1}, "max_retries (keyword argument) must be >= 0, got -1", "max_retries"),
        (
            {"backend": "openia"},
            "unknown backend 'openia' from keyword argument; did you mean 'openai'?",
            "backend",
        ),
        (
            {"sampling": {"top_q": 1}},
            "unknown sampling key 'top_q' from keyword argument; did you mean 'top_p'?",
            "sampling.top_q",
        ),
        ({"sampling": [1]}, "sampling (keyword argument) must be a table, got array", "sampling"),
        ({"api_key": 12345}, "api_key (keyword argument) must be a string, got integer", "api_key"),
    ],
)
def test_keyword_errors(kwargs: dict[str, Any], message: str, key: str) -> None:
    err = error(environ=ENV, **kwargs)
    assert message in str(err)
    assert (err.key, err.source) == (key, "keyword argument")
    assert "12345" not in str(err)


def test_missing_base_url_for_a_self_hosted_backend() -> None:
    err = error(environ={}, backend="openai")
    assert "the openai backend has no default base_url" in str(err)
    assert "MINIMAX_BASE_URL" in str(err)
    assert err.key == "base_url"


@pytest.mark.parametrize(
    ("backend", "checked"),
    [("minimax", "MINIMAX_API_KEY"), ("nvidia", "NVIDIA_API_KEY"), ("minimax-inline", "MINIMAX_API_KEY")],
)
def test_missing_api_key_names_the_variables_checked(backend: str, checked: str) -> None:
    err = error(environ={"OTHER_KEY": "x", "MINIMAX_API_KEY": "  "} if backend == "nvidia" else {}, backend=backend)
    assert f"the {backend} backend needs an API key" in str(err)
    assert f"(environment variables checked: {checked})" in str(err)
    assert err.key == "api_key"


def test_missing_explicit_file(tmp_path: Path) -> None:
    err = error(tmp_path / "nope.toml", environ=ENV)
    assert f"config file {tmp_path / 'nope.toml'} (from the config_file argument) does not exist" in str(err)
    err = error(environ={**ENV, "MINIMAX_CONFIG": str(tmp_path / "gone.toml")})
    assert "(from the environment variable MINIMAX_CONFIG) does not exist" in str(err)


def test_unparsable_toml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'backend = "openai"\nbase_url = http://x\n')
    err = error(path, environ=ENV)
    assert f"cannot parse config file {path}" in str(err)
    assert "line 2" in str(err)
    assert "column" in str(err)


def test_non_utf8_and_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'model = "caf\xe9"\n')
    assert "is not UTF-8 (byte offset 12)" in str(error(path, environ=ENV))
    assert "cannot read config file" in str(error(tmp_path, environ=ENV))


def test_secrets_absent_from_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "k.toml", f'api_key = "{KEY}"\ntimeout = "x"\n')
    err = error(path, environ={})
    assert KEY not in str(err)
    assert KEY not in repr(err)
    err = error(environ={"MINIMAX_API_KEY": KEY, "MINIMAX_TIMEOUT": "x"})
    assert KEY not in str(err)


def test_raw_mode_is_checked_and_read_from_every_layer(tmp_path: Path) -> None:
    assert load_settings(environ={}, backend="openai", base_url="http://h:1/v1").raw_mode is None
    assert (
        load_settings(environ={"MINIMAX_RAW_MODE": "raw"}, backend="openai", base_url="http://h:1/v1").raw_mode == "raw"
    )
    toml = tmp_path / "minimax.toml"
    toml.write_text('backend = "openai"\nbase_url = "http://h:1/v1"\nraw_mode = "tagged"\n')
    assert load_settings(toml, environ={}).raw_mode == "tagged"
    with pytest.raises(ConfigError, match=r"raw_mode.*one of auto, raw, tagged"):
        load_settings(environ={}, backend="openai", base_url="http://h:1/v1", raw_mode="maybe")
