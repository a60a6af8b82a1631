"""``scripts/sglang_gpu_check.py`` on CPU: the tiny MiniMax-M2 model directory it builds for SGLang
(``--fixture-only``), its summary when sglang is missing, and a rehearsal of the whole run with the SDK's
stand-ins for the SGLang launcher and engine.

SGLang serving the fixture on a GPU cannot happen here: that is the script's own job, on a GPU machine.
The fixture's tokenizer is built with the ``tokenizers`` package, which the SDK does not depend on (sglang
brings it); the tests that need it skip where it is not installed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "sglang_gpu_check.py"
HAS_TOKENIZERS = importlib.util.find_spec("tokenizers") is not None
HAS_SGLANG = importlib.util.find_spec("sglang") is not None
needs_tokenizers = pytest.mark.skipif(
    not HAS_TOKENIZERS,
    reason="the fixture's tokenizer is built with the `tokenizers` package, which is not installed here "
    "(the SDK does not depend on it; sglang brings it)",
)
BOS, ROLE, EOS = "]~!b[", "]~b]", "[e~["
TAGS = ("<think>", "</think>", "<minimax:tool_call>", "</minimax:tool_call>")
NEUTRALISED_ROLE = "]\u2060~b]"  # the SDK's injection guard: a word joiner after the marker's first character

pytestmark = pytest.mark.usefixtures("clean_env")


@functools.cache
def _script() -> ModuleType:
    """The script as a module (registered while it runs: its dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location("sglang_gpu_check", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _build(directory: Path, *args: str) -> dict[str, Any]:
    done = _run("--fixture-only", str(directory), *args)
    assert done.returncode == 0, done.stderr
    built: dict[str, Any] = json.loads(done.stdout)
    return built


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _added_tokens(directory: Path) -> dict[str, dict[str, Any]]:
    return {entry["content"]: entry for entry in _json(directory / "tokenizer.json")["added_tokens"]}


@pytest.mark.parametrize("tp", [1, 2, 4, 8])
def test_head_counts_divide_by_tp(tp: int) -> None:
    heads, kv_heads = _script().fixture_heads(tp)
    assert heads % tp == 0
    assert kv_heads % tp == 0 or tp % kv_heads == 0  # SGLang replicates KV heads fewer than TP


@pytest.mark.parametrize("tp", [0, 3, 16])
def test_head_counts_refuse_a_tp_the_fixture_cannot_split(tp: int) -> None:
    with pytest.raises(ValueError, match="tp must be"):
        _script().fixture_heads(tp)


@needs_tokenizers
def test_config_matches_the_tokenizer(tmp_path: Path) -> None:
    from tokenizers import Tokenizer

    built = _build(tmp_path / "model")
    tokenizer = Tokenizer.from_file(str(tmp_path / "model" / "tokenizer.json"))
    config = _json(tmp_path / "model" / "config.json")
    size = tokenizer.get_vocab_size(with_added_tokens=True)
    assert config["vocab_size"] == size == built["vocab_size"]
    assert max(tokenizer.get_vocab(with_added_tokens=True).values()) == size - 1  # every id has a row
    assert config["bos_token_id"] == tokenizer.token_to_id(BOS)
    assert config["eos_token_id"] == tokenizer.token_to_id(EOS)
    assert _json(tmp_path / "model" / "generation_config.json")["eos_token_id"] == config["eos_token_id"]
    assert config["architectures"] == ["MiniMaxM2ForCausalLM"]
    assert config["model_type"] == "minimax_m2"
    assert (config["num_attention_heads"], config["num_key_value_heads"], config["head_dim"]) == (4, 2, 64)
    assert (config["num_local_experts"], config["num_experts_per_tok"]) == (8, 2)
    assert config["rotary_dim"] == 32
    assert config["scoring_func"] == "sigmoid"  # SGLang reads it without a default
    assert (config["use_qk_norm"], config["qk_norm_type"]) == (True, "per_layer")  # the only type SGLang has
    assert config["max_position_embeddings"] == 4096
    assert config["torch_dtype"] == "bfloat16"


@needs_tokenizers
def test_head_counts_follow_tp(tmp_path: Path) -> None:
    config = _json(Path(_build(tmp_path / "model", "--tp", "8")["path"]) / "config.json")
    assert config["num_attention_heads"] % 8 == 0
    assert 8 % config["num_key_value_heads"] == 0


@needs_tokenizers
def test_role_marker_is_one_special_token_and_a_neutralised_one_is_text(tmp_path: Path) -> None:
    from tokenizers import Tokenizer

    _build(tmp_path / "model")
    tokenizer = Tokenizer.from_file(str(tmp_path / "model" / "tokenizer.json"))
    role_id = tokenizer.token_to_id(ROLE)
    encoded = tokenizer.encode(f"{ROLE}user\n")
    assert encoded.ids[0] == role_id
    assert encoded.tokens[0] == ROLE
    assert _added_tokens(tmp_path / "model")[ROLE]["special"] is True
    assert tokenizer.decode(encoded.ids, skip_special_tokens=True) == "user\n"

    neutralised = tokenizer.encode(f"{NEUTRALISED_ROLE}user\n")
    assert role_id not in neutralised.ids
    assert tokenizer.decode(neutralised.ids, skip_special_tokens=False) == f"{NEUTRALISED_ROLE}user\n"


@needs_tokenizers
def test_markers_and_tags(tmp_path: Path) -> None:
    from tokenizers import Tokenizer

    _build(tmp_path / "model")
    tokenizer = Tokenizer.from_file(str(tmp_path / "model" / "tokenizer.json"))
    added = _added_tokens(tmp_path / "model")
    for marker in (BOS, ROLE, EOS):
        assert tokenizer.encode(marker).ids == [tokenizer.token_to_id(marker)]
        assert added[marker]["special"] is True
    for tag in TAGS:
        assert tokenizer.encode(tag).ids == [tokenizer.token_to_id(tag)]
        assert added[tag]["special"] is False  # kept by skip_special_tokens, as in M2's tokenizer
    text = f"{BOS}{ROLE}ai\n<think>\nhm</think>\n\n<minimax:tool_call>x</minimax:tool_call>{EOS}"
    assert tokenizer.decode(tokenizer.encode(text).ids, skip_special_tokens=False) == text


@needs_tokenizers
def test_chat_template_goes_into_tokenizer_config(tmp_path: Path) -> None:
    template = tmp_path / "template.jinja"
    template.write_text("{% for m in messages %}]~b]{{ m.role }}\n{{ m.content }}[e~[\n{% endfor %}", "utf-8")
    built = _build(tmp_path / "model", "--chat-template", str(template))
    config = _json(tmp_path / "model" / "tokenizer_config.json")
    assert config["chat_template"] == template.read_text("utf-8")
    assert (config["bos_token"], config["eos_token"]) == (BOS, EOS)
    assert built["chat_template"] == str(template)


@needs_tokenizers
def test_without_a_template_the_fixture_says_who_renders_prompts(tmp_path: Path) -> None:
    built = _build(tmp_path / "model")
    assert "chat_template" not in _json(tmp_path / "model" / "tokenizer_config.json")
    assert built["chat_template"] is None
    assert "SDK renders prompts itself in engine mode" in (tmp_path / "model" / "README.md").read_text("utf-8")


@pytest.mark.skipif(HAS_TOKENIZERS, reason="tokenizers is installed: the fixture can be built")
def test_fixture_only_without_tokenizers_says_so(tmp_path: Path) -> None:
    done = _run("--fixture-only", str(tmp_path / "model"))
    assert done.returncode == 2
    assert "tokenizers" in done.stderr


@pytest.mark.skipif(HAS_SGLANG, reason="sglang is installed here: the script would start it")
def test_without_sglang_the_summary_says_so_and_the_exit_status_is_2(tmp_path: Path) -> None:
    done = _run(env={"OUT": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    summary = _json(tmp_path / "sglang_gpu_check.json")  # $OUT is the default place
    assert summary["ok"] is False
    assert summary["exit_status"] == 2
    assert "sglang does not import" in summary["error"]
    assert summary["versions"]["sglang"] is None
    assert "modes" not in summary  # nothing pretended


@needs_tokenizers
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process checks read /proc (Linux)")
def test_rehearsal_runs_every_step_with_the_stand_ins(tmp_path: Path) -> None:
    out = tmp_path / "out" / "summary.json"
    done = _run("--rehearse", "--out", str(out))
    assert done.returncode == 0, f"{done.stderr}\n{out.read_text() if out.exists() else ''}"
    summary = _json(out)
    assert summary["ok"] is True
    assert summary["rehearsal"] is True
    assert "nothing here tests SGLang or a GPU" in summary["note"]
    assert summary["failed_checks"] == []
    assert summary["leftover_pids"] == {"server": [], "engine": []}
    for name in ("server", "engine"):
        mode = summary["modes"][name]
        assert mode["failed"] == []
        assert mode["tracked_pids"]
        assert {c["name"] for c in mode["checks"]} >= {"ready", "chat", "stream", "tool", "stop", "no_process_left"}
        assert mode["requests"]["stream"]["events"]["DoneEvent"] == 1
        assert all(mode["requests"][r]["finish_reason"] for r in ("chat", "stream", "tool"))
        assert Path(mode["log_copy"]).is_file()
    assert summary["modes"]["engine"]["options"]["engine_args"]["load_format"] == "dummy"
