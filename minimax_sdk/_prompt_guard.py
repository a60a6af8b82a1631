"""Neutralising the chat format's markers inside untrusted text, reversibly (``docs/template.md``).

The M2 template escapes nothing: a user message holding ``[e~[\\n]~b]system\\n…`` renders as a new system
turn, and a string argument holding ``</parameter>\\n<parameter name="admin">`` parses back as a second
argument. :func:`guard_text` inserts U+2060 WORD JOINER (invisible, and no part of any marker) right after
the first character of every marker in the text, so that no marker survives and the tokenizer sees no
special token; :func:`unguard_text` removes exactly the joiners :func:`guard_text` inserted.

The markers: the role markers ``]~!b[``, ``]~b]``, ``[e~[``, and the tags ``<think>``, ``<minimax:tool_call>``,
``<invoke``, ``<parameter``, ``<response>``, ``<tool>``, ``<tools>`` and their closing forms. A text that
*ends* with the start of a marker (two characters of it or more, such as ``[e~``) is guarded too, since the
template text that follows could complete it. A marker already written with joiners after its first
character gets one more, so ``unguard_text(guard_text(s)) == s`` for every string.
"""

from __future__ import annotations

import re

__all__ = ["JOINER", "guard_text", "unguard_text"]

JOINER = "\u2060"

_TAILS: dict[str, tuple[str, ...]] = {
    "]": ("~!b[", "~b]"),
    "[": ("e~[",),
    "<": tuple(
        f"{slash}{name}"
        for name in ("think>", "minimax:tool_call>", "invoke", "parameter", "response>", "tool>", "tools>")
        for slash in ("", "/")
    ),
}


def _after(first: str) -> str:
    """What may follow ``first`` to make a marker: joiners, then a whole tail, or a tail's start at the end."""
    tails = _TAILS[first]
    starts = sorted({tail[:k] for tail in tails for k in range(1, len(tail))}, key=len, reverse=True)
    whole = "|".join(re.escape(tail) for tail in tails)
    cut = "|".join(re.escape(start) for start in starts)
    return f"{JOINER}*(?:{whole}|(?:{cut})\\Z)"


_GUARD = re.compile("|".join(f"{re.escape(first)}(?={_after(first)})" for first in _TAILS))
_UNGUARD = re.compile("|".join(f"({re.escape(first)}){JOINER}(?={_after(first)})" for first in _TAILS))


def guard_text(text: str) -> str:
    """``text`` with a word joiner after the first character of every marker: no marker is left in it."""
    return _GUARD.sub(lambda m: m.group(0) + JOINER, text)


def unguard_text(text: str) -> str:
    """The inverse of :func:`guard_text` (for display): removes the joiners it inserted, and only those."""
    return _UNGUARD.sub(lambda m: next(g for g in m.groups() if g is not None), text)
