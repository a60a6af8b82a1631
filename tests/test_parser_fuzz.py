"""The fuzzer in CI (issue 11, item 18): a bounded number of random outputs, from a seed that differs per run.

``scripts/fuzz_parser.py`` builds each output and checks it: parsing never raises, streaming in random cuts
equals the whole-text parse, and no payload character is lost. The seed is printed (``pytest -s``) and is
in the failure message; replay with ``FUZZ_SEED=S`` here or ``scripts/fuzz_parser.py --seed S``.
``FUZZ_INPUTS`` sets the number of inputs (default 15,000: about 10 s on one core).
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz_parser.py"


def _fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_parser", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_parser", module)
    spec.loader.exec_module(module)
    return module


def test_fuzzed_outputs_never_raise_never_diverge_and_lose_nothing() -> None:
    seed = int(os.environ.get("FUZZ_SEED") or random.randrange(2**32))
    count = int(os.environ.get("FUZZ_INPUTS") or 15_000)
    print(f"fuzz seed: {seed} ({count:,} inputs)")
    counts, examples = _fuzzer().run(seed, count)
    replay = f"replay: FUZZ_SEED={seed} FUZZ_INPUTS={count}, or scripts/fuzz_parser.py --seed {seed} -n {count}"
    assert not any(counts.values()), f"{counts}; {replay}\n" + "\n---\n".join(examples)
