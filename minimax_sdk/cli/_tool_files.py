"""``--tools PATH.py``: the tool functions defined in a Python file."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any

from ..tools import Tool
from ._common import UsageError


def load_tools(path: str) -> list[Tool | Any]:
    """The file's ``@tool`` objects if it has any, else every public function it defines (not imported)."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"--tools {path}: no such file")
    name = f"_minimax_chat_tools_{abs(hash(str(file.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"--tools {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise UsageError(f"--tools {path}: loading it failed: {type(exc).__name__}: {exc}") from None
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    decorated: list[Tool | Any] = [v for v in public.values() if isinstance(v, Tool)]
    if decorated:
        return decorated
    functions: list[Tool | Any] = [
        v for v in public.values() if inspect.isfunction(v) and v.__module__ == module.__name__
    ]
    if not functions:
        raise UsageError(f"--tools {path}: defines no public function and no @tool")
    return functions
