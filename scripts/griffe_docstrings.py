"""A griffe extension for the documentation site (mkdocs.yml): reads the package's docstrings as Markdown.

The docstrings are written for ``help()`` and doctest: ``>>>`` examples and reST roles (``:class:`Tool```).
Markdown would read ``>>>`` as nested block quotes and ``x["a"]["b"]`` as reference links (mkdocs warns about
those in strict mode), so this puts each run of doctest lines in a ``pycon`` code fence and turns a role into
a code span. The docstrings themselves stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):`~?([^`]+)`")


def markdown_docstring(text: str) -> str:
    """``text`` with doctest examples fenced as ``pycon`` and reST roles as code spans."""
    out: list[str] = []
    in_example = False
    indent = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not in_example and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append(f"{indent}```")
            in_example = False
        out.append(line if in_example else ROLE.sub(r"`\1`", line))
    if in_example:
        out.append(f"{indent}```")
    return "\n".join(out)


class MarkdownDocstrings(griffe.Extension):
    """Rewrites every docstring with :func:`markdown_docstring` once the object tree is built."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown_docstring(obj.docstring.value)
