"""Dependencies run one way (agent → client → backends → parser/messages): the import graph of the package,
read from the source, pinned to the rules of the design."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import minimax_sdk.errors

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [ROOT / "minimax_sdk", ROOT / "integrations" / "langchain_minimax"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    parts = parts[1:] if parts[0] == "integrations" else parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, with ``from X import name`` also as ``X.name``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


SOURCES = {_module_name(p): _imports(p) for package in PACKAGES for p in package.rglob("*.py")}


def _violations(modules: str, forbidden: str, allowed: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in SOURCES.items()
        if module == modules or module.startswith(modules + ".")
        for target in targets
        if (target == forbidden or target.startswith(forbidden + "."))
        and not any(target == a or target.startswith(a + ".") for a in allowed)
    )


def test_the_source_walk_sees_the_package() -> None:
    assert "minimax_sdk.client" in SOURCES
    assert "minimax_sdk.backends.base" in SOURCES["minimax_sdk.client"]
    assert "minimax_sdk.messages.AssistantMessage" in SOURCES["minimax_sdk.backends.function"]


def test_the_agent_talks_to_a_client_never_to_backends() -> None:
    assert _violations("minimax_sdk.agent", "minimax_sdk.backends") == []


def test_config_names_backend_kinds_and_imports_no_backend() -> None:
    assert _violations("minimax_sdk.config", "minimax_sdk.backends", allowed=("minimax_sdk.backends.registry",)) == []


def test_the_client_knows_no_wire_format() -> None:
    allowed = ("minimax_sdk.backends.base",)
    assert _violations("minimax_sdk.client", "minimax_sdk.backends", allowed=allowed) == []
    assert _violations("minimax_sdk.client", "httpx.Client") == []


@pytest.mark.parametrize("layer", ["minimax_sdk.messages", "minimax_sdk.parsing", "minimax_sdk.assembly"])
def test_lower_layers_import_no_backend_client_or_agent(layer: str) -> None:
    for upper in ("minimax_sdk.backends", "minimax_sdk.client", "minimax_sdk.agent", "minimax_sdk.config"):
        assert _violations(layer, upper) == []


def test_nothing_outside_backends_imports_a_private_module_of_it() -> None:
    leaks = [
        f"{module} imports {target}"
        for module, targets in SOURCES.items()
        if not module.startswith("minimax_sdk.backends")
        for target in targets
        if target.startswith("minimax_sdk.backends.") and any(p.startswith("_") for p in target.split(".")[2:])
    ]
    assert leaks == []


def test_errors_holds_the_exception_tree_only() -> None:
    for name, value in vars(minimax_sdk.errors).items():
        if inspect.isfunction(value) and value.__module__ == "minimax_sdk.errors":
            pytest.fail(f"errors.py defines the function {name}: it belongs with what raises the error")
    classes = [
        v for v in vars(minimax_sdk.errors).values() if inspect.isclass(v) and v.__module__ == "minimax_sdk.errors"
    ]
    assert all(issubclass(c, Exception) or c.__name__ == "ArgumentProblem" for c in classes)
