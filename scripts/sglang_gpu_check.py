"""GPU check of ``backend="sglang"``: a tiny random-weight MiniMax-M2 served by SGLang through the SDK.

For a machine with an NVIDIA GPU and ``sglang==0.5.23`` installed (offline is fine: nothing is downloaded).
Run it from the repository root with the interpreter that has sglang and the SDK's dependencies::

    python scripts/sglang_gpu_check.py --chat-template PATH/minimax_m2_chat_template.jinja [--out summary.json]

1. It builds a tiny ``MiniMaxM2ForCausalLM`` directory (SGLANG.md 7.2): ``config.json`` (2 layers, 8 experts,
   ``vocab_size`` = the tokenizer's size), a ByteLevel BPE tokenizer made with ``tokenizers`` (the role markers
   ``]~!b[``, ``]~b]``, ``[e~[`` special; ``<think>``, ``</think>``, ``<minimax:tool_call>``,
   ``</minimax:tool_call>`` added, not special) and ``tokenizer_config.json``. No weights: SGLang fills them
   with random values (``--load-format dummy``), so answers are noise.
2. Through the SDK's public configuration only, in both modes: the supervised server
   (``MiniMax(backend="sglang", sglang={...})``) and the engine child (``sglang={"mode": "engine", ...}``). In
   each: time to ready, one chat, one stream, one chat with a tool. What came back is recorded; the check is
   that the SDK behaved (no exception, a ``ChatResponse`` with a finish reason, a stream ending in a
   ``DoneEvent``, well-formed usage where reported).
3. After ``close()``: no tracked process is left (pids from ``client.backend``, checked in ``/proc``), and GPU
   memory (``nvidia-smi``) is back at its level before the start, with none of those pids on the GPU.
4. A JSON summary goes to ``--out`` (default ``$OUT/sglang_gpu_check.json`` when ``OUT`` is set, else
   ``./sglang_gpu_check.json``), with the server and engine logs copied beside it. Exit status: 0 when every
   check passed, 1 when one failed, 2 when a precondition is missing (sglang, the SDK or ``tokenizers`` do
   not import); the summary says which.

The whole run is bounded by ``--budget`` seconds (default 510; a watchdog writes the summary and exits 1 at
the budget plus 30 s). The server mode renders prompts with SGLang's chat layer, so it needs a chat template:
``--chat-template PATH`` puts one into the fixture's ``tokenizer_config.json`` (the reference copy is
``shared/reference/minimax_m2_chat_template.jinja`` beside the repository), or pass SGLang's own
``--chat-template`` in ``--server-args``; without either, the server mode still runs (start, memory, stop) but
its ``chat_template`` check fails. The engine mode needs none: the SDK renders its prompts itself.

``--fixture-only DIR`` only builds the fixture (CPU, for tests). ``--rehearse`` runs the same steps on CPU with
the SDK's stand-ins for the SGLang launcher and engine (``minimax_sdk.testing``): it checks this script and
the SDK's plumbing, **nothing of SGLang or a GPU**, and its summary says so.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

EXIT_OK, EXIT_FAILED, EXIT_UNAVAILABLE = 0, 1, 2
SUMMARY_NAME = "sglang_gpu_check.json"
SERVED_MODEL_NAME = "tiny-minimax-m2"
CONTEXT_LENGTH = 4096
WATCHDOG_GRACE_S = 30.0
MEMORY_TOLERANCE_MIB = 512
MEMORY_RELEASE_WAIT_S = 30.0
STANDIN_ENGINE = "minimax_sdk.testing._engine_standin:StandInEngine"

BOS, ROLE, EOS = "]~!b[", "]~b]", "[e~["
SPECIAL_TOKENS = (BOS, ROLE, EOS)
ADDED_TOKENS = ("<think>", "</think>", "<minimax:tool_call>", "</minimax:tool_call>")
TRAINING_TEXT = (
    "system\nYou are a helpful assistant.\n",
    "user\nWhat is the weather in Paris today? And in Berlin?\n",
    "ai\n<think>\nThe user wants a forecast, so I should call the tool.\n</think>\n\n",
    '<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n',
    "tool\n<response>Paris: sunny, 21 degrees.</response>\n",
    "It is sunny in Paris, with a light wind from the west. Numbers: 0 1 2 3 4 5 6 7 8 9.\n",
    '# Tools\n<tools>\n<tool>{"name": "get_weather", "parameters": {"type": "object"}}</tool>\n</tools>\n',
)
"""A few sentences in the shape of M2 conversations, to train the fixture's BPE merges on."""

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "The weather forecast for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
CHAT_MESSAGES = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Say hello in three words."},
]
TOOL_MESSAGES = [{"role": "user", "content": "What is the weather in Paris?"}]
CLIP_CHARS = 400

_started = time.monotonic()


def say(message: str) -> None:
    """A progress line on stderr, with the seconds since the script started."""
    print(f"[{time.monotonic() - _started:6.1f} s] {message}", file=sys.stderr, flush=True)


def clip(text: str | None, limit: int = CLIP_CHARS) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


# --- the fixture ----------------------------------------------------------------------------------------


def fixture_heads(tp: int) -> tuple[int, int]:
    """Attention and KV head counts for ``tp`` GPUs: SGLang asserts that TP divides the heads (or, for KV
    heads fewer than TP, that the heads divide TP)."""
    if tp < 1 or tp & (tp - 1) or tp > 8:
        raise ValueError(f"tp must be 1, 2, 4 or 8 (the fixture has 8 experts), got {tp}")
    heads = max(4, tp)
    return heads, heads // 2


def build_tokenizer() -> Any:
    """A ByteLevel BPE tokenizer (``tokenizers.Tokenizer``) with M2's markers: raises ImportError without
    the ``tokenizers`` package. Every byte is in the alphabet, so any text encodes."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=512,
        special_tokens=[AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(TRAINING_TEXT * 4, trainer)
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False) for t in ADDED_TOKENS])
    return tokenizer


def model_config(vocab_size: int, bos_id: int, eos_id: int, tp: int) -> dict[str, Any]:
    """``config.json`` of the tiny model (SGLANG.md 7.2; real M2's field names)."""
    heads, kv_heads = fixture_heads(tp)
    return {
        "architectures": ["MiniMaxM2ForCausalLM"],
        "model_type": "minimax_m2",
        "num_hidden_layers": 2,
        "hidden_size": 256,
        "intermediate_size": 128,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": 64,
        "rotary_dim": 32,
        "rope_theta": 5_000_000,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "scoring_func": "sigmoid",
        "use_routing_bias": True,
        "use_qk_norm": True,
        "qk_norm_type": "per_layer",
        "rms_norm_eps": 1e-6,
        "hidden_act": "silu",
        "max_position_embeddings": CONTEXT_LENGTH,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "vocab_size": vocab_size,
        "bos_token_id": bos_id,
        "eos_token_id": eos_id,
    }


def tokenizer_config(chat_template: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": BOS,
        "eos_token": EOS,
        "extra_special_tokens": [ROLE],  # as M2's own config lists it: special to transformers too
        "model_max_length": CONTEXT_LENGTH,
        "clean_up_tokenization_spaces": False,
    }
    if chat_template is not None:
        config["chat_template"] = chat_template
    return config


def fixture_note(template_source: str | None) -> str:
    template = (
        f"`tokenizer_config.json` carries the chat template from {template_source}."
        if template_source
        else "No chat template: the SDK renders prompts itself in engine mode; SGLang's server mode needs one "
        "(build with `--chat-template PATH`, or pass SGLang's `--chat-template`)."
    )
    return (
        "# Tiny random-weight MiniMax-M2 (made by scripts/sglang_gpu_check.py)\n\n"
        "No weights: serve it with `--load-format dummy` (random values, so the output is noise).\n"
        f"{template}\n"
    )


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_fixture(directory: Path, *, tp: int = 1, chat_template: Path | None = None) -> dict[str, Any]:
    """Write the model directory; returns what it holds (ids, sizes, files) for the summary."""
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer()
    vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)
    bos_id, eos_id = tokenizer.token_to_id(BOS), tokenizer.token_to_id(EOS)
    tokenizer.save(str(directory / "tokenizer.json"))
    template = chat_template.read_text(encoding="utf-8") if chat_template is not None else None
    _write_json(directory / "config.json", model_config(vocab_size, bos_id, eos_id, tp))
    _write_json(directory / "tokenizer_config.json", tokenizer_config(template))
    _write_json(directory / "generation_config.json", {"bos_token_id": bos_id, "eos_token_id": eos_id})
    (directory / "README.md").write_text(fixture_note(str(chat_template) if chat_template else None), "utf-8")
    return {
        "path": str(directory),
        "vocab_size": vocab_size,
        "token_ids": {t: tokenizer.token_to_id(t) for t in (*SPECIAL_TOKENS, *ADDED_TOKENS)},
        "chat_template": str(chat_template) if chat_template is not None else None,
        "files": sorted(p.name for p in directory.iterdir()),
    }


def resolve_template(given: str | None) -> Path | None:
    """The chat template to build in (``--chat-template``), which must exist; None when none was given."""
    if given is None:
        return None
    path = Path(given)
    if not path.is_file():
        raise SystemExit(f"--chat-template: no such file: {path}")
    return path


# --- bounds: time, the summary, the watchdog -------------------------------------------------------------


class Budget:
    """The run's time: every step takes its bound from what is left."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def share(self, cap: float, keep: float, floor: float = 10.0) -> float:
        """At most ``cap`` seconds, leaving ``keep`` for what follows, but never under ``floor``."""
        return max(floor, min(cap, self.left() - keep))


class Report:
    """The JSON summary: written after each step (atomically), so a stopped run still leaves one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"ok": False}
        self._lock = threading.Lock()

    def write(self) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(self.path.name + ".tmp")
            temp.write_text(json.dumps(self.data, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")
            temp.replace(self.path)

    def finish(self, code: int) -> int:
        self.data["exit_status"] = code
        self.data["seconds_total"] = round(time.monotonic() - _started, 1)
        self.write()
        say(f"summary: {self.path} (ok={self.data.get('ok')}, exit {code})")
        return code


def start_watchdog(report: Report, seconds: float) -> threading.Timer:
    """At ``seconds``: record the overrun, write the summary and exit 1 (the SDK's children go with this
    process: they have the parent-death signal set)."""

    def expire() -> None:
        note = f"the run passed its budget plus {WATCHDOG_GRACE_S:g} s and was ended"
        report.data.update({"ok": False, "watchdog": note})
        try:
            report.finish(EXIT_FAILED)
        except Exception:  # the main thread was changing the data: keep what can be kept
            report.data = {"ok": False, "watchdog": note, "exit_status": EXIT_FAILED}
            report.write()
        os._exit(EXIT_FAILED)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer


def summary_path(given: str | None) -> Path:
    if given:
        return Path(given)
    out = os.environ.get("OUT")
    return Path(out) / SUMMARY_NAME if out else Path.cwd() / SUMMARY_NAME


# --- the machine: sglang, nvidia-smi, /proc --------------------------------------------------------------

_PROBE = """
import json, sys
from importlib import metadata
out = {"python": sys.version.split()[0], "executable": sys.executable}
try:
    import sglang  # noqa
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
for name in ("sglang", "sglang-kernel", "torch", "transformers", "tokenizers", "flashinfer-python", "minimax-sdk"):
    try:
        out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        out[name] = None
print(json.dumps(out))
"""


def probe_sglang(python: str, timeout: float) -> dict[str, Any]:
    """Import sglang in a separate interpreter (the one the SDK will start) and read the versions."""
    try:
        done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        result = {}
    if not result:
        result = {"error": f"the probe printed nothing usable (exit {done.returncode}): {clip(done.stderr, 800)}"}
    return result


def _smi(*query: str) -> list[list[str]] | None:
    """Rows of an ``nvidia-smi`` CSV query, or None when it cannot be run."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, *query, "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return [[cell.strip() for cell in line.split(",")] for line in done.stdout.splitlines() if line.strip()]


def gpu_info() -> list[dict[str, str]] | None:
    rows = _smi("--query-gpu=index,name,memory.used,memory.total,driver_version")
    keys = ("index", "name", "memory_used_mib", "memory_total_mib", "driver")
    return None if rows is None else [dict(zip(keys, row, strict=False)) for row in rows]


def gpu_memory_used() -> int | None:
    """MiB in use on all visible GPUs together."""
    rows = _smi("--query-gpu=memory.used")
    if not rows:
        return None
    try:
        return sum(int(row[0]) for row in rows)
    except ValueError:
        return None


def gpu_app_pids() -> list[int] | None:
    rows = _smi("--query-compute-apps=pid")
    if rows is None:
        return None
    return sorted(int(row[0]) for row in rows if row and row[0].isdigit())


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, session id, start time) of a process from ``/proc``, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[3]), int(fields[19])


def session_members(sid: int) -> list[int]:
    """Live processes of a session (the SDK starts each server and engine child as its own session)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == sid and stat[0] not in ("Z", "X"):
                members.append(int(entry.name))
    return sorted(members)


def remember(pids: Iterable[int], known: dict[int, int | None]) -> None:
    """Add live ``pids`` with their start times (so a reused pid is never taken for ours)."""
    for pid in pids:
        stat = _stat(pid)
        if pid not in known or known[pid] is None:
            known[pid] = stat[2] if stat is not None else None


def still_running(known: Mapping[int, int | None]) -> list[int]:
    """The remembered processes alive now (zombies hold nothing and do not count)."""
    alive = []
    for pid, start in known.items():
        stat = _stat(pid)
        if stat is not None and stat[0] not in ("Z", "X") and start in (None, stat[2]):
            alive.append(pid)
    return sorted(alive)


def backend_pids(backend: Any) -> list[int]:
    """The pids the SDK tracks for a backend (server: its supervisor's; engine: its child's), plus the rest of
    the session they started."""
    supervisor = getattr(backend, "supervisor", None)
    pids = list(supervisor.pids if supervisor is not None else backend.pids)
    return sorted({*pids, *session_members(pids[0])}) if pids else []


def backend_log(backend: Any) -> Path | None:
    supervisor = getattr(backend, "supervisor", None)
    path = supervisor.log_path if supervisor is not None else getattr(backend, "log_path", None)
    return Path(path) if path is not None else None


def copy_log(source: Path | None, target: Path, limit: int = 2 << 20) -> str | None:
    """The last ``limit`` bytes of a log next to the summary."""
    if source is None or not source.is_file():
        return None
    with source.open("rb") as handle:
        handle.seek(max(0, source.stat().st_size - limit))
        target.write_bytes(handle.read())
    return str(target)


# --- one mode -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Plan:
    """What the run does, from the command line."""

    python: str
    fixture: Path
    modes: list[str]
    tp: int
    mem_fraction: float
    max_tokens: int
    stop_timeout: float
    server_args: list[str]
    chat_template: Path | None
    rehearse: bool
    log_dir: Path
    log_stem: str


def server_options(plan: Plan, startup_timeout: float) -> dict[str, Any]:
    """``sglang={...}`` for the supervised server."""
    options: dict[str, Any] = {
        "model_path": str(plan.fixture),
        "tp": plan.tp,
        "mem_fraction": plan.mem_fraction,
        "context_length": CONTEXT_LENGTH,
        "startup_timeout": startup_timeout,
        "stop_timeout": plan.stop_timeout,
        "env": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    }
    if plan.rehearse:  # the stand-in takes SGLang's core flags only
        options["command"] = [plan.python, "-m", "minimax_sdk.testing", "--dialect", "openai-split"]
        options["env"] = {**options["env"], "PYTHONPATH": str(REPO_ROOT)}
        return options
    options["python"] = plan.python
    options["extra_args"] = [
        *("--load-format", "dummy", "--dtype", "bfloat16"),
        *("--cuda-graph-backend-decode", "disabled", "--cuda-graph-backend-prefill", "disabled"),
        *("--max-running-requests", "8"),
        *plan.server_args,
    ]
    return options


def engine_options(plan: Plan, startup_timeout: float) -> dict[str, Any]:
    """``sglang={"mode": "engine", ...}`` for the engine child."""
    options: dict[str, Any] = {
        "mode": "engine",
        "model_path": str(plan.fixture),
        "tp": plan.tp,
        "context_length": CONTEXT_LENGTH,
        "python": plan.python,
        "startup_timeout": startup_timeout,
        "stop_timeout": plan.stop_timeout,
        "env": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        "engine_args": {
            "load_format": "dummy",
            "dtype": "bfloat16",
            "disable_cuda_graph": True,
            "mem_fraction_static": plan.mem_fraction,
            "log_level": "info",
        },
    }
    if plan.rehearse:
        options["engine"] = STANDIN_ENGINE
    return options


class Checks:
    """Named pass/fail results of one mode."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.items.append({"name": name, "ok": bool(ok), "detail": detail})
        say(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
        return bool(ok)

    def failed(self) -> list[str]:
        return [item["name"] for item in self.items if not item["ok"]]


def usage_problem(usage: Any) -> str | None:
    if usage is None:
        return None
    counts = (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens)
    if not all(isinstance(n, int) and n >= 0 for n in counts):
        return f"usage counts are not non-negative integers: {counts}"
    return None


def describe_response(response: Any) -> tuple[dict[str, Any], list[str]]:
    """What came back (clipped) and what is wrong with it as an SDK response."""
    from minimax_sdk import ChatResponse

    if not isinstance(response, ChatResponse):
        return {"type": type(response).__name__}, [f"not a ChatResponse: {type(response).__name__}"]
    message = response.message
    info = {
        "finish_reason": response.finish_reason,
        "server_finish_reason": response.server_finish_reason,
        "content": clip(message.content),
        "reasoning": clip(message.reasoning),
        "tool_calls": [{"name": c.name, "arguments": c.arguments} for c in message.tool_calls],
        "invalid_tool_calls": len(message.invalid_tool_calls),
        "usage": dataclasses.asdict(response.usage) if response.usage is not None else None,
    }
    problems = [] if response.finish_reason else ["no finish_reason"]
    problems += [p for p in [usage_problem(response.usage)] if p]
    return info, problems


def _request(name: str, checks: Checks, call: Callable[[], tuple[dict[str, Any], list[str]]]) -> dict[str, Any]:
    """Run one request: its timing, what came back, and a check that the SDK behaved."""
    started = time.monotonic()
    try:
        info, problems = call()
    except Exception as exc:
        info, problems = {"error": f"{type(exc).__name__}: {clip(str(exc), 2000)}"}, ["raised"]
    info["seconds"] = round(time.monotonic() - started, 2)
    checks.add(name, not problems, "; ".join(problems) or f"{info['seconds']} s, finish {info.get('finish_reason')}")
    return info


def exercise(client: Any, checks: Checks, max_tokens: int, timeout: float) -> dict[str, Any]:
    """One chat, one stream, one chat with a tool."""
    from minimax_sdk import DoneEvent

    params: dict[str, Any] = {"max_tokens": max_tokens, "timeout": timeout, "max_retries": 0}

    def chat() -> tuple[dict[str, Any], list[str]]:
        return describe_response(client.chat(CHAT_MESSAGES, **params))

    def stream() -> tuple[dict[str, Any], list[str]]:
        events = list(client.stream(CHAT_MESSAGES, **params))
        if not events or not isinstance(events[-1], DoneEvent):
            last = type(events[-1]).__name__ if events else "nothing"
            return {"events": len(events)}, [f"the stream ended with {last}, not a DoneEvent"]
        info, problems = describe_response(events[-1].response)
        info["events"] = dict(collections.Counter(type(e).__name__ for e in events))
        return info, problems

    def tool() -> tuple[dict[str, Any], list[str]]:
        return describe_response(client.chat(TOOL_MESSAGES, tools=[WEATHER_TOOL], **params))

    return {
        "chat": _request("chat", checks, chat),
        "stream": _request("stream", checks, stream),
        "tool": _request("tool", checks, tool),
    }


def server_command(backend: Any) -> list[str] | None:
    """The command line the SDK started the server with (no API key is set here)."""
    supervisor = getattr(backend, "supervisor", None)
    return list(supervisor.argv) if supervisor is not None else None


def model_info(backend: Any) -> dict[str, Any] | None:
    """The supervised server's ``/model_info`` (how it was loaded, which parsers it runs)."""
    import httpx

    supervisor = getattr(backend, "supervisor", None)
    if supervisor is None:
        return None
    try:
        info = httpx.get(f"{supervisor.url}/model_info", timeout=10).json()
    except (httpx.HTTPError, ValueError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    keys = ("model_path", "served_model_name", "load_format", "reasoning_parser", "tool_call_parser", "model_type")
    return {k: info.get(k) for k in keys} if isinstance(info, dict) else {"unexpected": clip(str(info))}


class ProgressLog(logging.Handler):
    """The SDK's progress messages (logger ``minimax_sdk``), with the time they came."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.started = time.monotonic()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{time.monotonic() - self.started:7.1f} s  {record.getMessage()}"
        say(f"  sdk: {record.getMessage()}")
        if len(self.lines) < 200:
            self.lines.append(clip(line, 300) or "")


@contextlib.contextmanager
def sdk_progress() -> Iterator[ProgressLog]:
    logger = logging.getLogger("minimax_sdk")
    handler, level = ProgressLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclasses.dataclass
class Watch:
    """What a mode records about the machine around the SDK's backend."""

    gpu: bool
    known: dict[int, int | None] = dataclasses.field(default_factory=dict)
    memory: dict[str, int | None] = dataclasses.field(default_factory=dict)
    apps: dict[str, list[int] | None] = dataclasses.field(default_factory=dict)

    def snapshot(self, label: str) -> None:
        if self.gpu:
            self.memory[label] = gpu_memory_used()
            self.apps[label] = gpu_app_pids()

    def track(self, backend: Any) -> None:
        with contextlib.suppress(Exception):  # a backend that never started has no pids
            remember(backend_pids(backend), self.known)


def run_mode(name: str, options: dict[str, Any], plan: Plan, request_timeout: float) -> dict[str, Any]:
    """Start the backend through the SDK, exercise it, stop it, and check what it left."""
    from minimax_sdk import MiniMax

    say(f"{name} mode: starting")
    checks, watch = Checks(), Watch(gpu=not plan.rehearse)
    result: dict[str, Any] = {"options": options}
    watch.snapshot("before_start")
    client: Any = None
    with sdk_progress() as progress:
        try:
            client = MiniMax(backend="sglang", model=SERVED_MODEL_NAME, sglang=options, max_retries=0)
            started = time.monotonic()
            client.backend.start()
            result["seconds_to_ready"] = round(time.monotonic() - started, 1)
            checks.add("ready", True, f"{result['seconds_to_ready']} s")
            watch.track(client.backend)
            watch.snapshot("ready")
            result["command"] = server_command(client.backend)
            result["model_info"] = info = model_info(client.backend)
            if info is not None and not plan.rehearse:
                load_format = info.get("load_format")
                checks.add("dummy_weights", load_format == "dummy", f"/model_info load_format: {load_format}")
            result["requests"] = exercise(client, checks, plan.max_tokens, request_timeout)
        except Exception as exc:
            checks.add("ready" if "seconds_to_ready" not in result else "run", False, f"{type(exc).__name__}")
            result["error"] = f"{type(exc).__name__}: {clip(str(exc), 4000)}"
        finally:
            if client is not None:
                watch.track(client.backend)
                stop(client, checks, result)
                watch.track(client.backend)  # whatever the SDK found while stopping
        result["progress"] = progress.lines
    if client is not None:
        log = backend_log(client.backend)
        result["log"] = str(log) if log else None
        result["log_copy"] = copy_log(log, plan.log_dir / f"{plan.log_stem}.{name}.log")
    check_leftovers(watch, checks, result)
    result["checks"], result["failed"] = checks.items, checks.failed()
    return result


def stop(client: Any, checks: Checks, result: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        client.close()
        result["seconds_to_stop"] = round(time.monotonic() - started, 1)
        checks.add("stop", True, f"{result['seconds_to_stop']} s")
    except Exception as exc:
        result["stop_error"] = f"{type(exc).__name__}: {clip(str(exc), 2000)}"
        checks.add("stop", False, type(exc).__name__)


def wait_for_memory(baseline: int, limit: float) -> tuple[int | None, float]:
    """GPU memory in use once it is back within tolerance of ``baseline``, or when ``limit`` has passed."""
    started = time.monotonic()
    used = gpu_memory_used()
    while used is not None and used > baseline + MEMORY_TOLERANCE_MIB and time.monotonic() - started < limit:
        time.sleep(1.0)
        used = gpu_memory_used()
    return used, round(time.monotonic() - started, 1)


def check_leftovers(watch: Watch, checks: Checks, result: dict[str, Any]) -> None:
    """No tracked process alive; GPU memory and GPU processes back where they were."""
    result["tracked_pids"] = sorted(watch.known)
    left = still_running(watch.known)
    result["leftover_pids"] = left
    checks.add("no_process_left", bool(watch.known) and not left, f"{len(watch.known)} tracked, alive: {left}")
    if not watch.gpu:
        result["gpu"] = "not checked (rehearsal: no GPU)"
        return
    before, ready = watch.memory.get("before_start"), watch.memory.get("ready")
    if before is None:
        checks.add("gpu_memory", False, "nvidia-smi gave no memory figure")
        return
    after, waited = wait_for_memory(before, MEMORY_RELEASE_WAIT_S)
    watch.snapshot("after_stop")
    result["gpu_memory_mib"] = {"before_start": before, "ready": ready, "after_stop": after, "waited_s": waited}
    result["gpu_apps"] = watch.apps
    grew = ready is not None and ready - before > 1024
    checks.add("gpu_memory_used_while_ready", grew, f"{before} -> {ready} MiB")
    freed = after is not None and after <= before + MEMORY_TOLERANCE_MIB
    checks.add("gpu_memory_freed", freed, f"{before} -> {after} MiB (tolerance {MEMORY_TOLERANCE_MIB})")
    apps_after, apps_before = watch.apps.get("after_stop") or [], watch.apps.get("before_start") or []
    ours = sorted(set(apps_after) & set(watch.known))
    result["gpu_apps_showed_our_pids_while_ready"] = bool(set(watch.apps.get("ready") or []) & set(watch.known))
    checks.add("no_gpu_process_left", not ours and len(apps_after) <= len(apps_before), f"after stop: {apps_after}")


# --- the run --------------------------------------------------------------------------------------------


def startup_share(budget: Budget, modes_after: int) -> float:
    """A mode's start-up bound: what is left, less its own requests and stop, less a minimum for each later
    mode (time a fast start does not use goes to the next mode)."""
    return budget.share(cap=300.0, keep=120.0 + 150.0 * modes_after, floor=60.0)


def run_modes(plan: Plan, budget: Budget, report: Report) -> list[str]:
    failed: list[str] = []
    report.data["modes"] = {}
    for index, name in enumerate(plan.modes):
        after = len(plan.modes) - index - 1
        if budget.left() < 60:
            report.data["modes"][name] = {"error": "not run: the time budget was spent", "failed": ["not_run"]}
            failed.append(f"{name}: not_run")
            continue
        startup = round(startup_share(budget, after), 1)
        options = server_options(plan, startup) if name == "server" else engine_options(plan, startup)
        request_timeout = round(budget.share(cap=120.0, keep=60.0 + 150.0 * after), 1)
        result = run_mode(name, options, plan, request_timeout)
        missing = needs_template(plan) if name == "server" else None
        if missing:  # run anyway (start, memory and stop still say something), but it cannot pass
            result["checks"].append({"name": "chat_template", "ok": False, "detail": missing})
            say(f"  FAIL chat_template: {missing}")
            result["failed"].append("chat_template")
        report.data["modes"][name] = result
        failed += [f"{name}: {check}" for check in result["failed"]]
        report.write()
    return failed


def digest(modes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The headline figures of each mode, for the top of the summary."""
    requests = ("chat", "stream", "tool")
    return {
        "timings_s": {
            name: {
                "ready": r.get("seconds_to_ready"),
                "stop": r.get("seconds_to_stop"),
                **{k: (r.get("requests") or {}).get(k, {}).get("seconds") for k in requests},
            }
            for name, r in modes.items()
        },
        "gpu_memory_mib": {name: r.get("gpu_memory_mib") for name, r in modes.items()},
        "leftover_pids": {name: r.get("leftover_pids") for name, r in modes.items()},
    }


def preconditions(plan: Plan, budget: Budget, report: Report) -> str | None:
    """Versions and the GPU; the reason the run cannot go on, if any."""
    try:
        import minimax_sdk
    except ImportError as exc:
        return f"the SDK does not import with {sys.executable}: {exc}"
    report.data["versions"] = {"minimax_sdk": minimax_sdk.__version__, "python": sys.version.split()[0]}
    if plan.rehearse:
        return None
    report.data["gpu"] = gpu_info()
    say(f"importing sglang with {plan.python}")
    probe = probe_sglang(plan.python, budget.share(cap=180.0, keep=300.0))
    report.data["versions"].update(
        sglang=probe.get("sglang"),
        torch=probe.get("torch"),
        gpu=[g.get("name") for g in report.data["gpu"] or []],
        sglang_interpreter=probe,
    )
    if probe.get("error") or not probe.get("sglang"):
        return f"sglang does not import with {plan.python}: {probe.get('error') or 'not installed'}"
    return None


def needs_template(plan: Plan) -> str | None:
    """Why the server mode cannot render chat prompts, if it cannot (SGLang's chat layer needs a template)."""
    if plan.rehearse or plan.chat_template is not None:
        return None
    if any(arg.split("=", 1)[0] == "--chat-template" for arg in plan.server_args):
        return None
    return "the server mode needs a chat template: pass --chat-template PATH (or SGLang's in --server-args)"


def run(args: argparse.Namespace) -> int:
    report = Report(summary_path(args.out))
    budget = Budget(args.budget)
    watchdog = start_watchdog(report, args.budget + WATCHDOG_GRACE_S)
    try:
        return checked_run(args, report, budget)
    finally:
        watchdog.cancel()


def checked_run(args: argparse.Namespace, report: Report, budget: Budget) -> int:
    plan = make_plan(args, report.path)
    report.data.update(
        {
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "rehearsal": plan.rehearse,
            "budget_s": args.budget,
            "modes_requested": plan.modes,
        }
    )
    if plan.rehearse:
        report.data["note"] = "rehearsal with the SDK's stand-ins on CPU: nothing here tests SGLang or a GPU"
    problem = preconditions(plan, budget, report)
    if problem is None:
        problem = build_into_report(plan, report)
    if problem is not None:
        report.data["error"] = problem
        say(problem)
        return report.finish(EXIT_UNAVAILABLE)
    failed = run_modes(plan, budget, report)
    report.data.update(digest(report.data["modes"]))
    report.data["failed_checks"] = failed
    report.data["ok"] = not failed
    return report.finish(EXIT_OK if not failed else EXIT_FAILED)


def build_into_report(plan: Plan, report: Report) -> str | None:
    say(f"building the fixture in {plan.fixture}")
    try:
        report.data["fixture"] = build_fixture(plan.fixture, tp=plan.tp, chat_template=plan.chat_template)
    except ImportError as exc:
        return f"the fixture's tokenizer needs the tokenizers package: {exc}"
    report.write()
    return None


def make_plan(args: argparse.Namespace, summary: Path) -> Plan:
    fixture = Path(args.fixture_dir) if args.fixture_dir else summary.parent / "sglang_gpu_check_model"
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - {"server", "engine"})
    if unknown or not modes:
        raise SystemExit(f"--modes: expected server and/or engine, got {args.modes!r}")
    return Plan(
        python=args.python,
        fixture=fixture.resolve(),
        modes=modes,
        tp=args.tp,
        mem_fraction=args.mem_fraction,
        max_tokens=args.max_tokens,
        stop_timeout=args.stop_timeout,
        server_args=shlex.split(args.server_args),
        chat_template=resolve_template(args.chat_template),
        rehearse=args.rehearse,
        log_dir=summary.parent,
        log_stem=summary.stem,
    )


def fixture_only(args: argparse.Namespace) -> int:
    try:
        built = build_fixture(Path(args.fixture_only), tp=args.tp, chat_template=resolve_template(args.chat_template))
    except ImportError as exc:
        print(f"the fixture's tokenizer needs the tokenizers package: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(json.dumps(built, indent=2, ensure_ascii=False))
    return EXIT_OK


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help=f"the JSON summary (default: $OUT/{SUMMARY_NAME}, else ./{SUMMARY_NAME})")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that has sglang (default: this one)")
    ap.add_argument("--chat-template", help="a Jinja chat template to put into the fixture's tokenizer_config.json")
    ap.add_argument("--server-args", default="", help="more SGLang server flags, one shell-quoted string")
    ap.add_argument("--modes", default="server,engine", help="which modes, in order (default: server,engine)")
    ap.add_argument("--tp", type=int, default=1, choices=[1, 2, 4, 8], help="GPUs per model copy (default 1)")
    ap.add_argument("--mem-fraction", type=float, default=0.3, help="SGLang's static memory share (default 0.3)")
    ap.add_argument("--max-tokens", type=int, default=32, help="tokens per answer (default 32)")
    ap.add_argument("--stop-timeout", type=float, default=30.0, help="the SDK's wait after SIGTERM (default 30)")
    ap.add_argument("--budget", type=float, default=510.0, help="seconds for the whole run (default 510)")
    ap.add_argument("--fixture-dir", help="where to build the model (default: beside the summary)")
    ap.add_argument("--fixture-only", metavar="DIR", help="only build the fixture into DIR and print what it holds")
    ap.add_argument("--rehearse", action="store_true", help="CPU rehearsal with the SDK's stand-ins (no SGLang)")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.fixture_only:
        return fixture_only(args)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
