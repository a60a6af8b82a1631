"""The SGLang launch settings and the command line built from them (a pure function), checked against golden
command lines for five layouts and, where sglang can be imported, against SGLang's own argument parser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from minimax_sdk.backends.sglang import (
    SGLangLaunch,
    child_env,
    find_sglang_command,
    format_command,
    launch_argv,
    launcher_prefix,
    server_args,
)
from minimax_sdk.errors import ConfigError

PY = "/opt/sglang/bin/python"
EXCLUDES = ["--uvicorn-access-log-exclude-prefixes", "/health", "/ready", "/metrics"]

ONE_GPU = SGLangLaunch(
    "/models/tiny-m2",
    port=30000,
    mem_fraction=0.3,
    context_length=4096,
    python=PY,
    extra_args=("--load-format", "dummy"),
)
TP4 = SGLangLaunch("/models/MiniMax-M2.1", tp=4, mem_fraction=0.85, port=30000, command=("sglang", "serve"))
TP8_EP8 = SGLangLaunch(
    "/models/MiniMax-M2.1",
    tp=8,
    ep=8,
    mem_fraction=0.85,
    context_length=196608,
    served_model_name="MiniMax-M2.1",
    api_key="sk-local-123",
    port=30000,
    command=("sglang", "serve"),
)
DP2_ROUTER = SGLangLaunch(
    "/models/MiniMax-M2.1",
    tp=4,
    dp=2,
    router=True,
    router_policy="cache_aware",
    router_worker_base_port=31000,
    mem_fraction=0.85,
    port=30000,
    python=PY,
)
TWO_NODES = {
    rank: SGLangLaunch(
        "/models/MiniMax-M2.1",
        tp=8,
        ep=8,
        nnodes=2,
        node_rank=rank,
        dist_init_addr="10.0.0.1:20000",
        host="0.0.0.0",
        port=30000,
        command=("sglang", "serve"),
    )
    for rank in (0, 1)
}
PARSERS = ["--tool-call-parser", "minimax-m2", "--reasoning-parser", "minimax"]
LAYOUTS = {
    "one_gpu": ONE_GPU,
    "tp4": TP4,
    "tp8_ep8": TP8_EP8,
    "dp2_router": DP2_ROUTER,
    "node0": TWO_NODES[0],
    "node1": TWO_NODES[1],
}


def test_one_gpu() -> None:
    assert launch_argv(ONE_GPU) == [
        PY, "-m", "sglang.launch_server",
        "--model-path", "/models/tiny-m2", "--tp-size", "1",
        "--mem-fraction-static", "0.3", "--context-length", "4096",
        *PARSERS, *EXCLUDES,
        "--host", "127.0.0.1", "--port", "30000",
        "--load-format", "dummy",
    ]  # fmt: skip


def test_tp4() -> None:
    assert launch_argv(TP4) == [
        "sglang", "serve",
        "--model-path", "/models/MiniMax-M2.1", "--tp-size", "4",
        "--mem-fraction-static", "0.85",
        *PARSERS, *EXCLUDES,
        "--host", "127.0.0.1", "--port", "30000",
    ]  # fmt: skip


def test_tp8_with_ep8() -> None:
    assert launch_argv(TP8_EP8) == [
        "sglang", "serve",
        "--model-path", "/models/MiniMax-M2.1", "--tp-size", "8", "--ep-size", "8",
        "--mem-fraction-static", "0.85", "--context-length", "196608", "--served-model-name", "MiniMax-M2.1",
        *PARSERS, *EXCLUDES,
        "--host", "127.0.0.1", "--port", "30000", "--api-key", "sk-local-123",
    ]  # fmt: skip


def test_dp2_behind_the_co_launched_router() -> None:
    # sglang-router's launch_server: DP workers on ports from the base port, the router on --host/--port
    assert launch_argv(DP2_ROUTER) == [
        PY, "-m", "sglang_router.launch_server",
        "--model-path", "/models/MiniMax-M2.1", "--tp-size", "4", "--dp-size", "2",
        "--mem-fraction-static", "0.85",
        *PARSERS, *EXCLUDES,
        "--host", "127.0.0.1", "--port", "30000",
        "--router-policy", "cache_aware", "--router-dp-worker-base-port", "31000",
    ]  # fmt: skip


@pytest.mark.parametrize("rank", [0, 1])
def test_two_nodes_run_the_same_command_but_for_the_rank(rank: int) -> None:
    assert launch_argv(TWO_NODES[rank]) == [
        "sglang", "serve",
        "--model-path", "/models/MiniMax-M2.1", "--tp-size", "8", "--ep-size", "8",
        "--nnodes", "2", "--node-rank", str(rank), "--dist-init-addr", "10.0.0.1:20000",
        *PARSERS, *EXCLUDES,
        "--host", "0.0.0.0", "--port", "30000",
    ]  # fmt: skip


def test_defaults_use_this_interpreter_and_leave_the_port_to_the_supervisor() -> None:
    launch = SGLangLaunch("/m")
    assert launcher_prefix(launch) == [sys.executable, "-m", "sglang.launch_server"]
    assert "--port" not in server_args(launch)
    assert launch.startup_timeout >= 3600
    assert (launch.reasoning_parser, launch.tool_call_parser) == ("minimax", "minimax-m2")
    no_parsers = server_args(SGLangLaunch("/m", reasoning_parser=None, tool_call_parser=None, trust_remote_code=True))
    assert "--reasoning-parser" not in no_parsers
    assert "--tool-call-parser" not in no_parsers
    assert "--trust-remote-code" in no_parsers


def test_the_argv_is_a_pure_function_of_the_settings() -> None:
    assert launch_argv(TP8_EP8) == launch_argv(TP8_EP8)
    assert launch_argv(SGLangLaunch("/m", mem_fraction=1)) == launch_argv(SGLangLaunch("/m", mem_fraction=1.0))


def test_format_command_masks_the_api_key_and_quotes() -> None:
    line = format_command(launch_argv(TP8_EP8), TP8_EP8.secrets)
    assert "sk-local-123" not in line
    assert "--api-key '********'" in line or "--api-key ********" in line
    assert "sk-local-123" not in repr(TP8_EP8)
    assert format_command(["a b", "c"]) == "'a b' c"


def test_child_env_adds_the_sdk_defaults_then_the_users() -> None:
    env = child_env(SGLangLaunch("/m", env={"CUDA_VISIBLE_DEVICES": "0,1"}), {"PATH": "/bin"})
    assert env == {
        "PATH": "/bin",
        "PYTHONUNBUFFERED": "1",
        "SGLANG_KILLPG_ON_SCHEDULER_EXCEPTION": "1",
        "CUDA_VISIBLE_DEVICES": "0,1",
    }
    override = child_env(SGLangLaunch("/m", env={"SGLANG_KILLPG_ON_SCHEDULER_EXCEPTION": "0"}), {})
    assert override["SGLANG_KILLPG_ON_SCHEDULER_EXCEPTION"] == "0"


def test_find_sglang_command_prefers_the_console_script_next_to_the_interpreter(tmp_path: Path) -> None:
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.touch()
    assert find_sglang_command(str(python)) == (str(python), "-m", "sglang.launch_server")
    script = python.parent / "sglang"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert find_sglang_command(str(python)) == (str(script), "serve")


@pytest.mark.parametrize(
    ("kwargs", "key", "words"),
    [
        ({"model_path": ""}, "sglang.model_path", "non-empty"),
        ({"tp": 0}, "sglang.tp", "at least 1"),
        ({"tp": True}, "sglang.tp", "integer"),
        ({"tp": 4, "ep": 3}, "sglang.ep", "divide"),
        ({"dp": 0}, "sglang.dp", "at least 1"),
        ({"nnodes": 2}, "sglang.dist_init_addr", "rank-0"),
        ({"nnodes": 2, "node_rank": 2, "dist_init_addr": "h:1"}, "sglang.node_rank", "between 0 and 1"),
        ({"nnodes": 2, "tp": 3, "dist_init_addr": "h:1"}, "sglang.tp", "divide by nnodes"),
        ({"nnodes": 2, "tp": 2, "dp": 2, "dist_init_addr": "h:1"}, "sglang.dp", "across nodes"),
        ({"dist_init_addr": "nohost"}, "sglang.dist_init_addr", "HOST:PORT"),
        ({"mem_fraction": 1.5}, "sglang.mem_fraction", "(0, 1]"),
        ({"mem_fraction": 0}, "sglang.mem_fraction", "(0, 1]"),
        ({"context_length": 0}, "sglang.context_length", "at least 1"),
        ({"port": 70000}, "sglang.port", "between 1 and 65535"),
        ({"host": " "}, "sglang.host", "non-empty"),
        ({"served_model_name": "a:b"}, "sglang.served_model_name", "':'"),
        ({"startup_timeout": 0}, "sglang.startup_timeout", "positive"),
        ({"startup_timeout": float("inf")}, "sglang.startup_timeout", "finite"),
        ({"stop_timeout": -1}, "sglang.stop_timeout", "non-negative"),
        ({"extra_args": "--x"}, "sglang.extra_args", "list of strings"),
        ({"extra_args": ["dummy"]}, "sglang.extra_args", "start with a flag"),
        ({"extra_args": ["--port", "1"]}, "sglang.extra_args", "--port is set by a launch setting"),
        ({"extra_args": ["--tp=2"]}, "sglang.extra_args", "--tp is set by a launch setting"),
        ({"env": {"A": 1}}, "sglang.env", "must be a string"),
        ({"command": []}, "sglang.command", "empty"),
        ({"router": True}, "sglang.router", "dp >= 2"),
        ({"router_policy": "random"}, "sglang.router", "router=True"),
        ({"router": True, "dp": 2, "router_policy": "fastest"}, "sglang.router_policy", "one of"),
    ],
)
def test_invalid_settings_name_the_key(kwargs: dict[str, Any], key: str, words: str) -> None:
    args = {"model_path": "/m", **kwargs}
    with pytest.raises(ConfigError) as caught:
        SGLangLaunch(**args)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_settings_are_frozen_copies() -> None:
    extra = ["--load-format", "dummy"]
    env = {"A": "1"}
    launch = SGLangLaunch("/m", extra_args=extra, env=env)  # type: ignore[arg-type]
    extra.append("--x")
    env["B"] = "2"
    assert launch.extra_args == ("--load-format", "dummy")
    assert dict(launch.env) == {"A": "1"}
    with pytest.raises(TypeError):
        launch.env["C"] = "3"  # type: ignore[index]


# --- SGLang's own parser ---------------------------------------------------------------------------------

# Runs in the interpreter that has sglang: builds SGLang's parser the way `sglang serve` does (and, for the
# router layout, the way sglang-router's launch_server does), without prefix matching, and parses each argv.
_CONTRACT_SCRIPT = r"""
import argparse, json, sys
from sglang.srt.server_args import ServerArgs
try:
    from sglang_router.router_args import RouterArgs
except ImportError:
    RouterArgs = None
FIELDS = ("model_path", "tp_size", "ep_size", "dp_size", "nnodes", "node_rank", "dist_init_addr",
          "mem_fraction_static", "context_length", "served_model_name", "api_key", "tool_call_parser",
          "reasoning_parser", "host", "port", "uvicorn_access_log_exclude_prefixes", "load_format")
results = {}
for name, argv in json.load(sys.stdin).items():
    router = any(arg.startswith("--router-") for arg in argv)
    if router and RouterArgs is None:
        results[name] = {"skipped": "sglang_router is not importable"}
        continue
    parser = argparse.ArgumentParser(allow_abbrev=False)
    ServerArgs.add_cli_args(parser)
    if router:
        RouterArgs.add_cli_args(parser, use_router_prefix=True, exclude_host_port=True)
        parser.add_argument("--router-dp-worker-base-port", type=int, default=31000)
    try:
        namespace = parser.parse_args(argv)
        ServerArgs.from_cli_args(namespace)
    except SystemExit as exc:
        results[name] = {"error": f"argparse exit {exc.code}"}
        continue
    parsed = {field: getattr(namespace, field, None) for field in FIELDS}
    if router:
        parsed["router_policy"] = namespace.router_policy
        parsed["router_dp_worker_base_port"] = namespace.router_dp_worker_base_port
    results[name] = parsed
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def sglang_parsed() -> dict[str, Any]:
    """What SGLang's parser made of each layout's server arguments (one interpreter start for all)."""
    python = os.environ.get("MINIMAX_SGLANG_PYTHON", sys.executable)
    probe = subprocess.run(
        [python, "-c", "import sglang.srt.server_args"], capture_output=True, text=True, timeout=120, check=False
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(
            f"sglang's argument parser is not importable with {python} ({reason}); set MINIMAX_SGLANG_PYTHON to an "
            "interpreter that has sglang==0.5.23 (a --no-deps install plus CPU torch and ~35 small packages will do)"
        )
    argvs = {name: server_args(launch) for name, launch in LAYOUTS.items()}
    result = subprocess.run(
        [python, "-c", _CONTRACT_SCRIPT],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


@pytest.mark.timeout(400)
@pytest.mark.parametrize("name", list(LAYOUTS))
def test_sglangs_own_parser_reads_each_layout_as_meant(name: str, sglang_parsed: dict[str, Any]) -> None:
    launch = LAYOUTS[name]
    parsed = sglang_parsed[name]
    if "skipped" in parsed:
        pytest.skip(parsed["skipped"])
    assert "error" not in parsed, parsed
    assert parsed["model_path"] == launch.model_path
    assert (parsed["tp_size"], parsed["ep_size"], parsed["dp_size"]) == (launch.tp, launch.ep, launch.dp)
    assert (parsed["nnodes"], parsed["node_rank"], parsed["dist_init_addr"]) == (
        launch.nnodes,
        launch.node_rank,
        launch.dist_init_addr,
    )
    assert parsed["mem_fraction_static"] == launch.mem_fraction
    assert parsed["context_length"] == launch.context_length
    assert parsed["served_model_name"] == launch.served_model_name
    assert parsed["api_key"] == launch.api_key
    assert (parsed["tool_call_parser"], parsed["reasoning_parser"]) == ("minimax-m2", "minimax")
    assert (parsed["host"], parsed["port"]) == (launch.host, launch.port)
    assert parsed["uvicorn_access_log_exclude_prefixes"] == ["/health", "/ready", "/metrics"]
    if name == "one_gpu":
        assert parsed["load_format"] == "dummy"
    if launch.router:
        assert (parsed["router_policy"], parsed["router_dp_worker_base_port"]) == ("cache_aware", 31000)
