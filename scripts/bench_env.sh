#!/usr/bin/env bash
# Install the peers of benchmarks/run_all.py into a virtual environment (default: ./.venv, the project's own):
# the openai client at the version SGLang pins, and SGLang 0.5.23's MiniMax-M2 reasoning parser and tool-call
# detector. No torch: `sglang` is installed without its dependencies, and benchmarks/sglang_peer.py imports
# the two parser modules without running sglang/__init__.py (which loads the runtime: torch, triton). These
# are the packages those modules import beyond the SDK's own dependencies (pydantic, typing-extensions);
# pip adds theirs (transformers: numpy, tokenizers, huggingface-hub, regex, safetensors, tqdm; ipython: its few).
#
#   bash scripts/bench_env.sh [VENV]     # then: VENV/bin/python benchmarks/run_all.py
set -euo pipefail
venv="$(realpath "${1:-.venv}")"
cd "$(dirname "$0")/.."
pip="$venv/bin/pip"
"$pip" install -q 'openai==2.8.0' partial-json-parser msgspec pybase64 orjson requests ipython transformers
"$pip" install -q --no-deps 'sglang==0.5.23'
"$venv/bin/python" - <<'PY'
import sys
sys.path.insert(0, "benchmarks")
import sglang_peer

reason = sglang_peer.load()
sys.exit(f"SGLang's parsers do not import: {reason}" if reason else 0)
PY
echo "peers installed in $venv: openai 2.8.0, sglang 0.5.23 parsers"
