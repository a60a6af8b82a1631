"""Descriptions from docstrings: Google, NumPy and Sphinx (reST) styles, detected per docstring.

The summary and body become the tool (or object) description; each documented parameter, keyword argument
or attribute becomes the description of the property of the same name. Sections the model does not need
(``Returns``, ``Raises``, ``Examples``) are left out of the description.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from docstring_parser import Docstring, ParseError, numpydoc, rest
from docstring_parser.google import DEFAULT_SECTIONS, GoogleParser, Section, SectionType

__all__ = ["ParsedDocstring", "parse_docstring"]

# Google sections that document parameters but that docstring_parser's defaults do not know.
_EXTRA_GOOGLE_SECTIONS = [
    Section(title, "param", SectionType.MULTIPLE)
    for title in ("Keyword Args", "Keyword Arguments", "Kwargs", "Other Parameters", "Other Args")
]
_GOOGLE = GoogleParser(sections=[*DEFAULT_SECTIONS, *_EXTRA_GOOGLE_SECTIONS])


@dataclass(frozen=True)
class ParsedDocstring:
    """What a docstring says: the description text and one description per documented name."""

    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def _try(parse: Callable[[str], Docstring], text: str) -> Docstring | None:
    try:
        return parse(text)
    except ParseError:
        return None


def _candidates(text: str) -> list[Docstring]:
    parsed = (_try(parse, text) for parse in (_GOOGLE.parse, numpydoc.parse, rest.parse))
    return [d for d in parsed if d is not None]


def parse_docstring(doc: str | None) -> ParsedDocstring:
    """Parse ``doc`` in whichever style documents the most names (ties: Google, then NumPy, then Sphinx)."""
    if not doc or not doc.strip():
        return ParsedDocstring()
    text = inspect.cleandoc(doc)
    candidates = _candidates(text)
    if not candidates:
        return ParsedDocstring(description=text)
    best = max(candidates, key=lambda d: (len(d.params), len(d.meta)))
    parts = [p.strip() for p in (best.short_description, best.long_description) if p and p.strip()]
    params = {p.arg_name: (p.description or "").strip() for p in best.params}
    params = {name: text for name, text in params.items() if text}
    return ParsedDocstring(description="\n\n".join(parts), params=params)
