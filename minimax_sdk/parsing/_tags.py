"""The tags of the M2 output format and small scanning helpers shared by the parser's states."""

from __future__ import annotations

import re

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
BLOCK_OPEN = "<minimax:tool_call>"
BLOCK_CLOSE = "</minimax:tool_call>"
INVOKE_OPEN = "<invoke name="
INVOKE_CLOSE = "</invoke>"
PARAM_OPEN = "<parameter name="
PARAM_CLOSE = "</parameter>"

TEXT_TAGS = (THINK_CLOSE, BLOCK_OPEN, THINK_OPEN)
"""Tags recognised in reasoning and in content."""

_TEXT_TAG = re.compile("<(?:/think>|think>|minimax:tool_call>)")
_TEXT_TAIL = max(len(tag) for tag in TEXT_TAGS) - 1
"""The longest proper prefix of a text tag: only that much at the end of the buffer may still become one."""

HEAD_MAX = 1024
"""An ``<invoke name=…`` or ``<parameter name=…`` head with no ``>`` within this many characters is text."""

WS = re.compile(r"\s*")
_NAME = re.compile(r"""name=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'/]+))(?:\s[^>]*)?/?>""")
"""The ``name`` of a tag head, then whitespace before anything else (other attributes are ignored)."""


def skip_ws(buf: str, i: int) -> int:
    """Index of the first non-whitespace character at or after ``i`` (``len(buf)`` if none)."""
    m = WS.match(buf, i)
    return m.end() if m else i


MATCH = 1
PARTIAL = 0
NONE = -1


def match_tag(buf: str, i: int, tag: str, final: bool) -> int:
    """Whether ``buf[i:]`` starts with ``tag`` (MATCH), may still become it (PARTIAL), or not (NONE)."""
    if buf.startswith(tag, i):
        return MATCH
    if not final and len(buf) - i < len(tag) and tag.startswith(buf[i:]):
        return PARTIAL
    return NONE


_LONGEST = max(len(t) for t in (THINK_OPEN, THINK_CLOSE, BLOCK_OPEN, BLOCK_CLOSE, INVOKE_OPEN, INVOKE_CLOSE))
_LONGEST = max(_LONGEST, len(PARAM_OPEN), len(PARAM_CLOSE))


def match_any(buf: str, i: int, tags: tuple[str, ...], final: bool) -> tuple[int, str]:
    """The first of ``tags`` at ``i``: (MATCH, tag), (PARTIAL, "") if one may still come, else (NONE, "")."""
    if buf.startswith(tags, i):
        for tag in tags:
            if buf.startswith(tag, i):
                return MATCH, tag
    if final or len(buf) - i >= _LONGEST:
        return NONE, ""
    rest = buf[i:]
    for tag in tags:
        if tag.startswith(rest):
            return PARTIAL, ""
    return NONE, ""


def lookahead(buf: str, i: int, tags: tuple[str, ...], final: bool) -> int:
    """After a closing tag ending at ``i``: optional whitespace, then one of ``tags`` (or the end of output).

    At the end of the output, whitespace alone or the start of one of ``tags`` also counts as a match.
    """
    k = skip_ws(buf, i)
    if k == len(buf):
        return MATCH if final else PARTIAL
    status = match_any(buf, k, tags, False)[0]
    if status == PARTIAL and final:
        return MATCH  # the output was cut off inside the next tag: the closing tag stands
    return status


def find_text_tag(buf: str, pos: int) -> int:
    """Index of the first whole tag of :data:`TEXT_TAGS` at or after ``pos``; -1 if none.

    One C-level scan however many other ``<`` the text holds (``a < b``, ``<div>``): a ``<`` that cannot start
    a tag costs no Python code. The first ``<`` is looked at on its own, because a tag often is the first.
    """
    i = buf.find("<", pos)
    if i < 0 or buf.startswith(TEXT_TAGS, i):
        return i
    m = _TEXT_TAG.search(buf, i + 1)
    return -1 if m is None else m.start()


def text_tag_at(buf: str, i: int) -> str:
    """The tag of :data:`TEXT_TAGS` that starts at ``i`` (one does)."""
    if buf.startswith(THINK_CLOSE, i):
        return THINK_CLOSE
    return THINK_OPEN if buf.startswith(THINK_OPEN, i) else BLOCK_OPEN


def partial_text_tag(buf: str, pos: int) -> int:
    """Where a proper prefix of one of :data:`TEXT_TAGS` ends ``buf[pos:]``; -1 if none.

    Every tag holds one ``<``, at its start: only the last ``<`` of the buffer can begin such a prefix.
    """
    n = len(buf)
    j = buf.rfind("<", max(pos, n - _TEXT_TAIL))
    if j < 0:
        return -1
    rest = buf[j:]
    for tag in TEXT_TAGS:
        if tag.startswith(rest):
            return j
    return -1


def head_end(buf: str, i: int, final: bool) -> int:
    """Index just past the ``>`` of the tag head starting at ``i``; -1 to wait for more; -2 if not a head
    (no ``>`` within :data:`HEAD_MAX` characters, or a ``<`` before it)."""
    j = buf.find(">", i, i + HEAD_MAX)
    if buf.find("<", i + 1, j if j >= 0 else i + HEAD_MAX) >= 0:
        return -2  # another tag starts inside: this is not a head (its characters stay text)
    if j >= 0:
        return j + 1
    if final or len(buf) - i >= HEAD_MAX:
        return -2
    return -1


def head_name(head: str) -> str | None:
    """The ``name`` attribute of a tag head (double-quoted, single-quoted or bare), or None.

    None also when other characters stick to the name (``name="a"0``, ``name=0"X"``): the call is then
    malformed and kept whole as raw text, rather than read with those characters dropped.
    """
    m = _NAME.search(head)
    if m is None or m.end() != len(head):
        return None
    return next(g for g in m.groups() if g is not None)


def trailing_newline(buf: str, start: int, end: int) -> int:
    """Length of the newline (``\\n`` or ``\\r\\n``) that ``buf[start:end]`` ends with: 0, 1 or 2."""
    if end > start and buf[end - 1] == "\n":
        return 2 if end - 1 > start and buf[end - 2] == "\r" else 1
    return 0


def partial_tail(buf: str, start: int, tag: str) -> int:
    """Where a proper prefix of ``tag`` begins at the end of ``buf[start:]`` (``len(buf)`` if none)."""
    n = len(buf)
    j = buf.rfind("<", max(start, n - len(tag) + 1))
    if j >= 0 and tag.startswith(buf[j:]):
        return j
    return n
