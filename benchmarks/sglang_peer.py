"""SGLang 0.5.23's MiniMax-M2 parsers, called the way its OpenAI server calls them: the peer of the parser cases.

Setup: ``bash scripts/bench_env.sh`` (``sglang==0.5.23`` without its dependencies, plus the few pure-Python
packages its parser modules import; no torch). ``sglang/__init__.py`` imports the runtime (torch, triton), but
the parser modules do not, and ``sglang.srt`` has no ``__init__.py``: :func:`load` therefore registers a bare
``sglang`` package (its ``__path__`` only) and imports the two parser modules from the installed files. The
code that runs is SGLang's own.

How the server (``serving_chat.py``) uses them with ``--reasoning-parser minimax --tool-call-parser minimax-m2``:

* whole text: ``ReasoningParser("minimax", stream_reasoning=False).parse_non_stream(text)`` splits reasoning from
  the rest; ``FunctionCallParser.parse_non_stream`` then runs ``MinimaxM2Detector.detect_and_parse`` on the rest
  when ``has_tool_call`` finds the block tag.
* streaming: per delta, ``ReasoningParser.parse_stream_chunk`` then ``MinimaxM2Detector.parse_streaming_increment``
  on the normal text it returns (one parser pair per choice, kept across deltas).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import types
from typing import Any

from corpus import Call

VERSION = "0.5.23"
_loaded: dict[str, Any] = {}


def load() -> str | None:
    """Import SGLang's parser modules; returns None, or why the peer is not available."""
    if _loaded:
        return None
    try:
        spec = importlib.util.find_spec("sglang")
    except ImportError as exc:  # pragma: no cover - a broken install
        return f"sglang cannot be imported ({exc})"
    if spec is None or not spec.submodule_search_locations:
        return f"sglang=={VERSION} is not installed (bash scripts/bench_env.sh)"
    from importlib.metadata import version

    if (found := version("sglang")) != VERSION:
        return f"sglang {found} is installed; the benchmark pins {VERSION}"
    if "sglang" not in sys.modules:
        package = types.ModuleType("sglang")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["sglang"] = package
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        detector = importlib.import_module("sglang.srt.function_call.minimax_m2")
        reasoning = importlib.import_module("sglang.srt.parser.reasoning_parser")
        protocol = importlib.import_module("sglang.srt.entrypoints.openai.protocol")
    except ImportError as exc:
        return f"SGLang's parser modules need {exc.name!r} (bash scripts/bench_env.sh)"
    _loaded.update(
        Detector=detector.MinimaxM2Detector,
        ReasoningParser=reasoning.ReasoningParser,
        Tool=protocol.Tool,
        Function=protocol.Function,
    )
    return None


class Peer:
    """SGLang's reasoning parser and MiniMax-M2 tool-call detector for one set of tools (call :func:`load` first)."""

    def __init__(self, tools: list[dict[str, Any]]) -> None:
        tool, function = _loaded["Tool"], _loaded["Function"]
        self.tools = [tool(type="function", function=function(**t["function"])) for t in tools]
        self.Detector = _loaded["Detector"]
        self.ReasoningParser = _loaded["ReasoningParser"]

    def whole(self, text: str) -> tuple[str, str, list[Any]]:
        """The server's non-streaming path: reasoning, normal text and the ToolCallItems."""
        reasoning, normal = self.ReasoningParser("minimax", stream_reasoning=False).parse_non_stream(text)
        detector = self.Detector()
        if normal and detector.has_tool_call(normal):
            result = detector.detect_and_parse(normal, self.tools)
            return reasoning or "", result.normal_text, result.calls
        return reasoning or "", normal or "", []

    def detector_only(self, text: str) -> tuple[str, list[Any]]:
        """The tool-call detector alone on the whole text (no reasoning split)."""
        result = self.Detector().detect_and_parse(text, self.tools)
        return result.normal_text, result.calls

    def stream(self, pieces: list[str]) -> tuple[str, str, list[Any]]:
        """The server's streaming path over ``pieces``; returns the joined reasoning, normal text and items."""
        reasoning_parser = self.ReasoningParser("minimax", True)
        chunk = reasoning_parser.parse_stream_chunk
        increment = self.Detector().parse_streaming_increment
        tools = self.tools
        reasoning: list[str] = []
        normal: list[str] = []
        items: list[Any] = []
        for piece in pieces:
            r, n = chunk(piece)
            if r:
                reasoning.append(r)
            if n:
                result = increment(n, tools)
                if result.normal_text:
                    normal.append(result.normal_text)
                if result.calls:
                    items.extend(result.calls)
        r, n = reasoning_parser.parse_stream_end()
        if r:
            reasoning.append(r)
        if n:
            normal.append(n)
        return "".join(reasoning), "".join(normal), items


def whole_calls(items: list[Any]) -> list[Call]:
    """Whole text: one ToolCallItem per call (its ``tool_index`` is the tool's position in the tool list)."""
    return [(item.name, json.loads(item.parameters)) for item in items]


def stream_calls(items: list[Any]) -> list[Call]:
    """Streaming: per call (``tool_index`` counts the calls), an item with the name, then JSON pieces."""
    calls: dict[int, list[Any]] = {}
    for item in items:
        entry = calls.setdefault(item.tool_index, [None, ""])
        entry[0] = item.name or entry[0]
        entry[1] += item.parameters or ""
    return [(name, json.loads(params)) for name, params in calls.values()]
