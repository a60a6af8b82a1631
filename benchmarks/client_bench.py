"""Client benchmark: ``minimax_sdk.MiniMax`` against the official ``openai`` client on the same server.

Run: ``.venv/bin/python benchmarks/client_bench.py`` (needs ``pip install 'openai==2.8.0'``, the version
sglang pins). Options: ``--repeat N`` (best of N, default 7, at least 5), ``--json PATH`` to write the
figures, ``--profile`` to print a cProfile of our client on each scenario instead of timing (``--top K``
rows, ``--profile-sort tottime|cumtime``).

Scenarios, each against a reference server (``python -m minimax_sdk.testing``) running in its own process,
so the server's CPU is not charged to the client being measured:

* ``stream``: one streamed response of about 10,000 SSE events (``chunk_chars=4``) in the ``openai-split``
  dialect: reasoning in ``reasoning_content``, content, then one structured tool call whose JSON arguments
  arrive in pieces. Both clients read the same bytes (both ask for ``include_usage``). Our client also
  routes content through the parser, assembles and validates the tool call against the tool's schema and
  builds the typed response; the ``openai`` loop only collects the delta strings.
* ``small``: 1,000 small non-streaming requests, sequential, one client, keep-alive (the server's echo turn);
  the three clients take turns every 100 requests, each run being the sum of its ten blocks.
* ``stream/minimax`` and ``stream/openai-raw``: the same turn for our client alone (absolute times):
  ``reasoning_details`` sent cumulatively (each event repeats the whole reasoning so far, as the MiniMax
  platform does), and the raw completion with the tool call as XML in the content, parsed by our parser.

``floor`` is plain httpx plus ``json.loads`` of each event (streaming) or body (small): the least any
Python client on httpx can do, and the server's own pace, which bounds every client from below.

Runs are interleaved (floor, ours, openai, floor, ...) after a warm-up, and each figure is the best of N,
so machine noise cancels out of the ratios. The result of every run is checked against the scripted turn.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_stats import interleaved, timed  # noqa: E402

from minimax_sdk import MiniMax  # noqa: E402

try:
    import openai
except ImportError:  # the peer is optional for run_all.py, which reports it as skipped
    openai = None  # type: ignore[assignment]

MODEL = "MiniMaxAI/MiniMax-M2.1"
API_KEY = "sk-test"
CHUNK_CHARS = 4
STREAM_EVENTS = 10_000  # data events in the openai-split stream, [DONE] not counted
SMALL_REQUESTS = 1_000
SMALL_WARMUP = 50
SMALL_BLOCK = 100  # requests per interleaved block
TARGETS = {"stream": 0.5, "small": 0.8}

TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "write_file",
        "description": "Write a text file.",
        "parameters": {
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "Where to write."},
                "content": {"type": "string", "description": "The whole new text of the file."},
            },
            "required": ["path", "content"],
        },
    },
}
TOOLS = [TOOL]
STREAM_MESSAGES = [
    {"role": "system", "content": "You are a careful coding agent."},
    {"role": "user", "content": "Summarise the design notes, then save them to notes/design.md."},
]
SMALL_MESSAGES = [{"role": "user", "content": "Hello there, how are you today?"}]

# --- the scripted turn --------------------------------------------------------------------------------------

_VOCABULARY = (
    "the parser keeps a small buffer of text it could not decide yet and moves every other character out "
    "at once so streaming gives exactly what the whole text parse gives while each scan starts where the "
    "previous one stopped and total work stays linear in the length of the output whatever the chunking"
)
_WORDS = _VOCABULARY.split()


def _prose(chars: int, seed: int) -> str:
    """Deterministic English-like text of exactly ``chars`` characters, sentences and paragraph breaks, no ``<``."""
    out: list[str] = []
    size = 0
    i = seed
    sentence = 0
    while size < chars:
        n = 8 + (i * 7) % 11
        words = [_WORDS[(i * 31 + k * 17) % len(_WORDS)] for k in range(n)]
        text = " ".join(words).capitalize() + ". "
        sentence += 1
        if sentence % 5 == 0:
            text = text.rstrip() + "\n\n"
        out.append(text)
        size += len(text)
        i += 1
    return "".join(out)[:chars]


def _pieces_count(text: str) -> int:
    return -(-len(text) // CHUNK_CHARS)


@dataclass(frozen=True)
class Script:
    reasoning: str
    content: str
    arguments: dict[str, str]

    def turn(self) -> dict[str, Any]:
        return {
            "reasoning": self.reasoning,
            "content": self.content,
            "tool_calls": [{"name": "write_file", "arguments": self.arguments}],
        }


def make_script(events: int = STREAM_EVENTS) -> Script:
    """A turn whose ``openai-split`` stream has exactly ``events`` data events (with include_usage)."""
    reasoning = _prose(16_000, 1)
    arguments = {"path": "notes/design.md", "content": _prose(3_600, 2)}
    args_pieces = _pieces_count(json.dumps(arguments, ensure_ascii=False))
    # role, reasoning pieces, content pieces, tool-call head, argument pieces, finish, usage
    content_pieces = events - 1 - _pieces_count(reasoning) - 1 - args_pieces - 1 - 1
    return Script(reasoning, _prose(content_pieces * CHUNK_CHARS, 3), arguments)


# --- the server, in its own process ---------------------------------------------------------------------------


@contextlib.contextmanager
def reference_server(dialect: str, turns: list[dict[str, Any]]) -> Iterator[str]:
    """``python -m minimax_sdk.testing`` in a child process; yields its base URL; stops it with SIGTERM."""
    with tempfile.TemporaryDirectory(prefix="client_bench_") as tmp:
        args = [sys.executable, "-m", "minimax_sdk.testing", "--dialect", dialect, "--port", "0"]
        args += ["--chunk-chars", str(CHUNK_CHARS)]
        if turns:
            path = Path(tmp) / "turns.json"
            path.write_text(json.dumps(turns, ensure_ascii=False), encoding="utf-8")
            args += ["--turns", str(path)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if not line.startswith("http"):
                raise RuntimeError(f"the reference server did not start (exit status {proc.poll()})")
            yield line
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# --- the clients -------------------------------------------------------------------------------------------------

Result = tuple[str, str, Any]  # reasoning, content, tool-call arguments (a dict) or None


class Floor:
    """Plain httpx and json.loads: the least work a client can do with the same bytes."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client()
        self.url = base_url + "/chat/completions"
        self.headers = {"authorization": f"Bearer {API_KEY}"}
        self.events = 0
        self.first_byte: list[float] = []  # seconds from the request to the response head, per stream

    def stream(self) -> Result:
        body = {"model": MODEL, "messages": STREAM_MESSAGES, "tools": TOOLS, "stream": True}
        body["stream_options"] = {"include_usage": True}
        reasoning: list[str] = []
        content: list[str] = []
        args: list[str] = []
        events = 0
        buf = b""
        loads = json.loads
        start = time.perf_counter()
        with self.client.stream("POST", self.url, json=body, headers=self.headers) as resp:
            self.first_byte.append(time.perf_counter() - start)
            for chunk in resp.iter_bytes():
                buf += chunk
                *complete, buf = buf.split(b"\n\n")
                for raw in complete:
                    data = raw[6:]
                    if data == b"[DONE]":
                        continue
                    events += 1
                    chunk_json = loads(data)
                    choices = chunk_json["choices"]
                    if not choices:
                        continue
                    delta = choices[0]["delta"]
                    if text := delta.get("reasoning_content"):
                        reasoning.append(text)
                    if text := delta.get("content"):
                        content.append(text)
                    if calls := delta.get("tool_calls"):
                        args.extend(piece for call in calls if (piece := call["function"].get("arguments")))
        self.events = events
        return "".join(reasoning), "".join(content), json.loads("".join(args)) if args else None

    def small(self) -> Any:
        body = {"model": MODEL, "messages": SMALL_MESSAGES}
        resp = self.client.post(self.url, json=body, headers=self.headers)
        return resp.json()["choices"][0]["message"]["content"]

    def close(self) -> None:
        self.client.close()


class Ours:
    def __init__(self, base_url: str, backend: str = "openai") -> None:
        self.client = MiniMax(backend=backend, base_url=base_url, api_key=API_KEY, model=MODEL)

    def stream(self) -> Result:
        stream = self.client.stream(STREAM_MESSAGES, tools=TOOLS)
        for _ in stream:
            pass
        message = stream.response.message
        calls = message.tool_calls
        return message.reasoning, message.content, calls[0].arguments if calls else None

    def small(self) -> Any:
        return self.client.chat(SMALL_MESSAGES).message.content

    def close(self) -> None:
        self.client.close()


class OpenAIClient:
    def __init__(self, base_url: str) -> None:
        self.client = openai.OpenAI(base_url=base_url, api_key=API_KEY)

    def stream(self) -> Result:
        stream = self.client.chat.completions.create(
            model=MODEL,
            messages=STREAM_MESSAGES,  # type: ignore[arg-type]
            tools=TOOLS,  # type: ignore[arg-type]
            stream=True,
            stream_options={"include_usage": True},
        )
        reasoning: list[str] = []
        content: list[str] = []
        args: list[str] = []
        for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            if delta.content:
                content.append(delta.content)
            extra = delta.model_extra
            if extra and (text := extra.get("reasoning_content")):
                reasoning.append(text)
            if delta.tool_calls:
                args.extend(c.function.arguments for c in delta.tool_calls if c.function and c.function.arguments)
        return "".join(reasoning), "".join(content), json.loads("".join(args)) if args else None

    def small(self) -> Any:
        reply = self.client.chat.completions.create(model=MODEL, messages=SMALL_MESSAGES)  # type: ignore[arg-type]
        return reply.choices[0].message.content

    def close(self) -> None:
        self.client.close()


# --- timing -----------------------------------------------------------------------------------------------------


def small_batch(client: Any, requests: int = SMALL_REQUESTS) -> Callable[[], Any]:
    def run() -> Any:
        small = client.small
        last = None
        for _ in range(requests):
            last = small()
        return last

    return run


def stream_checker(script: Script) -> Callable[[str, Any], None]:
    def check(name: str, out: Result) -> None:
        reasoning, content, arguments = out
        if reasoning != script.reasoning or content != script.content or arguments != script.arguments:
            raise AssertionError(
                f"{name}: the stream did not deliver the scripted turn "
                f"(reasoning {len(reasoning)}/{len(script.reasoning)} chars, "
                f"content {len(content)}/{len(script.content)}, arguments {'ok' if arguments else arguments!r})"
            )

    return check


def small_check(name: str, out: Any) -> None:
    if out != SMALL_MESSAGES[-1]["content"]:
        raise AssertionError(f"{name}: unexpected reply {out!r}")


def stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"best_s": ordered[0], "median_s": ordered[len(ordered) // 2], "runs": len(ordered), "samples": times}


# --- scenarios ----------------------------------------------------------------------------------------------------


def stream_compare(script: Script, repeat: int, with_openai: bool = True) -> dict[str, dict[str, Any]]:
    turns = [script.turn()] * (3 * (repeat + 1))
    with reference_server("openai-split", turns) as url:
        floor, ours = Floor(url), Ours(url)
        peer = OpenAIClient(url) if with_openai else None
        try:
            runners = {"floor": floor.stream, "ours": ours.stream}
            if peer is not None:
                runners["openai"] = peer.stream
            times = interleaved(runners, repeat, stream_checker(script))
        finally:
            for client in (floor, ours, peer):
                if client is not None:
                    client.close()
    result = {name: stats(t) for name, t in times.items()}
    result["floor"]["events"] = floor.events
    result["floor"]["first_byte_s"] = min(floor.first_byte)
    return result


def small_compare(
    repeat: int, requests: int = SMALL_REQUESTS, block: int = SMALL_BLOCK, with_openai: bool = True
) -> dict[str, dict[str, Any]]:
    """Each run is ``requests`` requests on one client; the clients' runs of a round are interleaved in
    blocks of ``block`` requests, so a burst of machine noise lands on all of them alike."""
    with reference_server("openai-split", []) as url:  # no turns: every request gets the echo turn
        floor, ours = Floor(url), Ours(url)
        peer = OpenAIClient(url) if with_openai else None
        try:
            clients: dict[str, Any] = {"floor": floor, "ours": ours}
            if peer is not None:
                clients["openai"] = peer
            for name, client in clients.items():
                for _ in range(SMALL_WARMUP):
                    small_check(name, client.small())
            times: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(repeat):
                totals = dict.fromkeys(clients, 0.0)
                for _ in range(requests // block):
                    for name, client in clients.items():
                        seconds, last = timed(small_batch(client, block))
                        small_check(name, last)
                        totals[name] += seconds
                for name, total in totals.items():
                    times[name].append(total)
        finally:
            for client in (floor, ours, peer):
                if client is not None:
                    client.close()
    return {name: stats(t) for name, t in times.items()}


def stream_alone(script: Script, dialect: str, backend: str, repeat: int) -> dict[str, dict[str, float]]:
    """Our client alone on another dialect's stream of the same turn (floor: httpx reading the same bytes)."""
    turns = [script.turn()] * (2 * (repeat + 1))
    with reference_server(dialect, turns) as url:
        floor, ours = Floor(url), Ours(url, backend)
        try:

            def floor_run() -> Result:
                floor.stream()
                return script.reasoning, script.content, script.arguments  # not checked: the wire shape differs

            times = interleaved({"floor": floor_run, "ours": ours.stream}, repeat, stream_checker(script))
        finally:
            floor.close()
            ours.close()
    result = {name: stats(t) for name, t in times.items()}
    result["floor"]["events"] = floor.events
    result["floor"]["first_byte_s"] = min(floor.first_byte)
    return result


# --- profiling ----------------------------------------------------------------------------------------------------


def profile(script: Script, top: int, sort: str) -> None:
    plans = [
        ("stream, openai-split", "openai-split", "openai", 3),
        ("stream, minimax (cumulative reasoning_details)", "minimax", "minimax", 3),
        ("stream, openai-raw (XML parsed by our parser)", "openai-raw", "openai", 3),
    ]
    for title, dialect, backend, runs in plans:
        with reference_server(dialect, [script.turn()] * (runs + 1)) as url:
            ours = Ours(url, backend)
            try:
                stream_checker(script)("ours", ours.stream())
                _profiled(title, lambda ours=ours, runs=runs: [ours.stream() for _ in range(runs)], top, sort)
            finally:
                ours.close()
    with reference_server("openai-split", []) as url:
        ours = Ours(url)
        try:
            for _ in range(SMALL_WARMUP):
                ours.small()
            _profiled(f"small: {SMALL_REQUESTS} non-streaming requests", small_batch(ours), top, sort)
        finally:
            ours.close()


def _profiled(title: str, fn: Callable[[], Any], top: int, sort: str) -> None:
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    fn()
    prof.disable()
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    total = st.total_tt  # type: ignore[attr-defined]
    st.sort_stats(sort).print_stats(top)
    print(f"\n=== profile: {title} (total {total * 1000:.0f} ms under cProfile) ===")
    text = out.getvalue()
    start = text.find("   ncalls")
    print(text[start:].rstrip().replace(str(ROOT) + os.sep, "").replace(sys.prefix, "<venv>"))


# --- report ---------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each client (best of N; default 7)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="profile our client instead of timing")
    parser.add_argument("--top", type=int, default=25, help="rows per profile (default 25)")
    parser.add_argument("--profile-sort", choices=["tottime", "cumtime"], default="tottime")
    args = parser.parse_args(argv)
    if openai is None:
        parser.error("client_bench needs the openai client: .venv/bin/pip install 'openai==2.8.0'")
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    script = make_script()
    if args.profile:
        profile(script, args.top, args.profile_sort)
        return 0

    started = time.perf_counter()
    stream = stream_compare(script, args.repeat)
    events = int(stream["floor"]["events"])
    small = small_compare(args.repeat)
    alone = {
        "minimax": stream_alone(script, "minimax", "minimax", args.repeat),
        "openai-raw": stream_alone(script, "openai-raw", "openai", args.repeat),
    }
    elapsed = time.perf_counter() - started

    ratios = {
        "stream": stream["ours"]["best_s"] / stream["openai"]["best_s"],
        "small": small["ours"]["best_s"] / small["openai"]["best_s"],
    }
    verdict = {k: "PASS" if ratios[k] <= TARGETS[k] else "MISS" for k in ratios}

    print(
        f"client_bench: Python {platform.python_version()}, httpx {httpx.__version__}, openai {openai.__version__}, "
        f"{os.cpu_count()} CPUs; best / median of {args.repeat} interleaved runs, server in its own process"
    )
    print(
        f"stream: {events} SSE data events ({len(script.reasoning)} chars of reasoning, "
        f"{len(script.content)} of content, one tool call with {len(script.arguments['content'])} chars of argument)"
    )
    print()
    print(f"{'scenario':<32} {'client':<8} {'best ms':>8} {'median ms':>10} {'vs openai':>10} {'vs floor':>9}")
    rows = [
        ("stream 10k events, openai-split", stream, True),
        (f"{SMALL_REQUESTS} small requests, keep-alive", small, True),
        ("stream, minimax (cumulative)", alone["minimax"], False),
        ("stream, openai-raw (XML)", alone["openai-raw"], False),
    ]
    for title, figures, with_peer in rows:
        for name in ("floor", "ours", "openai"):
            if name not in figures:
                continue
            f = figures[name]
            vs_peer = f"{f['best_s'] / figures['openai']['best_s']:10.2f}" if with_peer else f"{'':>10}"
            vs_floor = f"{f['best_s'] / figures['floor']['best_s']:9.2f}"
            print(f"{title:<32} {name:<8} {ms(f['best_s'])} {ms(f['median_s']):>10} {vs_peer} {vs_floor}")
            title = ""
    print()
    head = stream["floor"]["first_byte_s"]
    net = (stream["ours"]["best_s"] - head) / (stream["openai"]["best_s"] - head)
    print(
        f"of each stream time, {head * 1000:.0f} ms is the server rendering the whole stream before its first byte "
        f"(the same for every client); without it the streaming ratio would be {net:.3f}"
    )
    for key, label in (("stream", "streaming"), ("small", "small requests")):
        print(f"ratio ours/openai, {label}: {ratios[key]:.3f}  (target <= {TARGETS[key]})  {verdict[key]}")
    print(f"(whole run {elapsed:.0f} s)")

    if args.json:
        report = {
            "python": platform.python_version(),
            "httpx": httpx.__version__,
            "openai": openai.__version__,
            "cpus": os.cpu_count(),
            "repeat": args.repeat,
            "stream_events": events,
            "stream": stream,
            "small": small,
            "stream_alone": alone,
            "ratios": ratios,
            "stream_ratio_without_first_byte": net,
            "targets": TARGETS,
            "verdict": verdict,
            "elapsed_s": elapsed,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
