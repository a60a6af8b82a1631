"""The tools of ``minimax demo``: a calculator (arithmetic read with ``ast``, never ``eval``) and a search and
read over the text files of one folder (nothing outside it)."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterator
from pathlib import Path

from ..tools import Tool, tool

MAX_POWER = 1000
MAX_DIGITS = 10_000
MAX_MATCHES = 20
MAX_READ_CHARS = 20_000
MAX_FILE_BYTES = 1_000_000
SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".tox"}

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCTIONS: dict[str, Callable[..., float]] = {"sqrt": math.sqrt, "abs": abs, "round": round}


def evaluate(expression: str) -> float:
    """The value of an arithmetic expression: numbers, + - * / // % **, parentheses, sqrt, abs, round.

    Raises ValueError for anything else (names, attributes, strings, huge powers)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from None
    return _value(tree.body)


def _digits(value: float) -> float:
    """About how many decimal digits an integer has, without printing it (floats overflow to inf themselves)."""
    return int(value).bit_length() * 0.30103 if isinstance(value, int) else 0.0


def _value(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_POWER:
            raise ValueError(f"exponent too large (at most {MAX_POWER})")
        if isinstance(node.op, ast.Pow):
            size = _digits(left) * abs(right)
        elif isinstance(node.op, ast.Mult):
            size = _digits(left) + _digits(right)
        else:
            size = 0
        if size > MAX_DIGITS:
            raise ValueError(f"the result would have more than {MAX_DIGITS} digits")
        try:
            return _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise ValueError("division by zero") from None
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_value(node.operand))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        return _FUNCTIONS[node.func.id](*(_value(arg) for arg in node.args))
    raise ValueError(f"not allowed in arithmetic: {ast.unparse(node)!r}")


def _text_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            yield path


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:4096]:
        return None
    return data.decode("utf-8", errors="replace")


def _inside(root: Path, name: str) -> Path:
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{name} is outside the folder")
    if not path.is_file():
        raise ValueError(f"no such file: {name}")
    return path


def folder_tools(root: Path) -> list[Tool]:
    """The demo's tools, the file tools bound to ``root``."""
    root = root.resolve()

    @tool
    def calculate(expression: str) -> str:
        """Evaluate an arithmetic expression exactly as written and return its value.

        Args:
            expression: Numbers with + - * / // % ** and parentheses; sqrt(), abs() and round() are allowed.
        """
        value = evaluate(expression)
        return repr(value) if isinstance(value, float) else str(value)

    @tool
    def search_files(query: str) -> str:
        """Search the text files of the folder for lines containing a phrase (case-insensitive).

        Args:
            query: The phrase to look for.
        """
        needle = query.casefold()
        matches = []
        for path in _text_files(root):
            text = _read_text(path)
            for number, line in enumerate((text or "").splitlines(), 1):
                if needle in line.casefold():
                    matches.append(f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}")
                    if len(matches) == MAX_MATCHES:
                        return "\n".join([*matches, f"(stopped at {MAX_MATCHES} matches)"])
        return "\n".join(matches) or f"no line contains {query!r}"

    @tool
    def read_file(path: str) -> str:
        """Read one text file of the folder.

        Args:
            path: The file's path relative to the folder, as search_files shows it.
        """
        text = _read_text(_inside(root, path))
        if text is None:
            raise ValueError(f"{path} is not a text file")
        return text if len(text) <= MAX_READ_CHARS else text[:MAX_READ_CHARS] + "\n(cut: the file is longer)"

    return [calculate, search_files, read_file]
