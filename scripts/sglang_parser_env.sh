#!/usr/bin/env bash
# Build a CPU-only interpreter that can import SGLang 0.5.23's argument parser (no GPU, no inference):
# sglang --no-deps, CPU torch, triton and the ~35 small packages its server_args import pulls in (~2.3 GB,
# about 80 s here). tests/test_sglang_argv.py checks the SDK's argv against the real parser when
# MINIMAX_SGLANG_PYTHON names this interpreter; it skips with the reason otherwise.
#
#   bash scripts/sglang_parser_env.sh [DIR]   # prints the interpreter's path on the last line; exit 1 if it failed
set -euo pipefail
dir="${1:-/tmp/minimax-sglang-parser-venv}"
torch_wheel="$(ls /opt/wheels/torch-*+cpu-cp3*-manylinux*_x86_64.whl 2>/dev/null | head -n 1 || true)"
torch="${torch_wheel:-torch==2.13.0}"   # a local CPU wheel where the machine has one (else the CPU index below)
python3 -m venv "$dir"
"$dir/bin/pip" install -q --no-deps --extra-index-url https://download.pytorch.org/whl/cpu \
  sglang==0.5.23 sglang-router==0.3.2 "$torch" triton \
  filelock fsspec jinja2 markupsafe networkx sympy mpmath typing-extensions numpy orjson psutil pybase64 requests \
  urllib3 idna certifi packaging pillow starlette anyio msgspec pydantic pydantic-core typing-inspection pyzmq tqdm \
  ipython traitlets pygments aiohttp multidict attrs yarl propcache aiohappyeyeballs aiosignal frozenlist
"$dir/bin/python" -c "import sglang.srt.server_args" >/dev/null
echo "$dir/bin/python"
