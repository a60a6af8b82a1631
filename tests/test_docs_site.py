"""The documentation site's docstring extension (scripts/griffe_docstrings.py, loaded by mkdocs.yml)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    pytest.importorskip("griffe")
    spec = importlib.util.spec_from_file_location("griffe_docstrings", ROOT / "scripts" / "griffe_docstrings.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_doctest_lines_are_fenced_up_to_the_blank_line(ext: ModuleType) -> None:
    text = 'Make a tool.\n\n>>> t.definition["function"]["name"]\n\'f\'\n\nMore text.'
    assert ext.markdown_docstring(text) == (
        'Make a tool.\n\n```pycon\n>>> t.definition["function"]["name"]\n\'f\'\n```\n\nMore text.'
    )


def test_an_example_at_the_end_is_closed_and_keeps_its_indentation(ext: ModuleType) -> None:
    assert (
        ext.markdown_docstring("Intro.\n    >>> 1 + 1\n    2") == "Intro.\n    ```pycon\n    >>> 1 + 1\n    2\n    ```"
    )


def test_rest_roles_become_code_spans_outside_examples_only(ext: ModuleType) -> None:
    text = "See :class:`Tool` and :meth:`~minimax_sdk.Tool.from_model`.\n\n>>> x = ':class:`Kept`'"
    assert ext.markdown_docstring(text) == (
        "See `Tool` and `minimax_sdk.Tool.from_model`.\n\n```pycon\n>>> x = ':class:`Kept`'\n```"
    )


def test_every_docs_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert pages
    assert [p for p in pages if f": {p}\n" not in config] == []
