"""The parser's state machine: one implementation behind both the whole-text and the streaming parser.

The machine keeps a small buffer of text it could not decide yet (a possible tag, a newline that may belong
to a tag) and otherwise moves every character out at once: to a reasoning or content piece, or into the
value of the parameter being read. Each decision waits until the characters that settle it have arrived, and
never depends on where the deltas were cut, so streaming gives exactly what the whole-text parse gives
(FORMAT.md rule 10). Every scan starts where the previous one stopped: total work is linear (rule 11).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring
from typing import Any

from .._tool_spec import ToolLike, function_definition
from . import _tags as t
from ._call import COMPACT_AT, PendingCall, dumps, duplicate_warning, unknown_tool_detail
from ._coerce import STRING_ONLY, AllowedTypes, coerce_short, parameter_types
from .types import (
    Block,
    ContentDelta,
    Event,
    InvalidReason,
    InvalidToolCall,
    InvalidToolCallEvent,
    ParsedOutput,
    ReasoningBlock,
    ReasoningDelta,
    TextBlock,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
)

REASONING, CONTENT, BLOCK, BLOCK_TEXT, INVOKE, VALUE, AFTER_PARAM, AFTER_INVOKE = range(8)
"""``AFTER_PARAM`` / ``AFTER_INVOKE``: a ``</parameter>`` / ``</invoke>`` and the whitespace after it were read,
and the next non-space character decides whether the tag closes (FORMAT.md 3.4). The tag and the whitespace
wait in a list outside the buffer, so a long run of whitespace costs nothing per delta (rule 11)."""

_BLOCK_TAGS = (t.INVOKE_OPEN, t.BLOCK_CLOSE)
_AFTER_PARAM = (t.PARAM_OPEN, t.INVOKE_CLOSE)
_AFTER_INVOKE = (t.INVOKE_OPEN, t.BLOCK_CLOSE)


_ids = random.Random()
_ID_BATCH = 32
_id_pool: list[str] = []
"""Ids made ahead, a batch from one random number (formatting one id at a time costs more than the rest of
a small call's parse); emptied in a forked child, which draws its own."""


def _after_fork() -> None:
    _ids.seed()
    _id_pool.clear()


os.register_at_fork(after_in_child=_after_fork)


def new_call_id() -> str:
    """``call_`` followed by 24 random hex digits (unique per call, not a secret)."""
    try:
        return _id_pool.pop()
    except IndexError:
        digits = f"{_ids.getrandbits(96 * _ID_BATCH):0{24 * _ID_BATCH}x}"
        _id_pool.extend(["call_" + digits[i : i + 24] for i in range(0, 24 * _ID_BATCH, 24)])
        return _id_pool.pop()


# A whole invoke in exactly the template's layout whose values hold no "<": nothing in it is ambiguous, so
# one regex match reads it (the common case, several times faster than tag-by-tag). Names are capped so that
# each head, ``>`` included, fits in ``HEAD_MAX`` characters: the same cap as the tag-by-tag path.
_INVOKE_NAME_MAX = t.HEAD_MAX - len('<invoke name="">')
_PARAM_NAME_MAX = t.HEAD_MAX - len('<parameter name="">')
_INVOKE_NAME = f'[^"<>\\n]{{1,{_INVOKE_NAME_MAX}}}'
_PARAM_NAME = f'[^"<>\\n]{{1,{_PARAM_NAME_MAX}}}'
_FAST_INVOKE = re.compile(
    f'<invoke name="({_INVOKE_NAME})">\\n((?:<parameter name="{_PARAM_NAME}">[^<]*</parameter>\\n)*)</invoke>'
)
_TEMPLATE_NEXT = ('\n<invoke name="', "\n</minimax:tool_call>")
"""What follows an invoke in the template's layout: the next invoke, or the end of the block."""
_TEMPLATE_CLOSE = _TEMPLATE_NEXT[1]
_FAST_PARAM = re.compile(f'<parameter name="({_PARAM_NAME})">([^<]*)</parameter>\\n')


_new_event = object.__new__
_ESCAPED: dict[str, str] = {}
"""The JSON-escaped text of recent value deltas: token streams repeat the same pieces over and over."""


def _escape_new(delta: str) -> str:
    escaped = encode_basestring(delta)[1:-1]
    if len(delta) <= 16:
        if len(_ESCAPED) >= 2048:
            _ESCAPED.clear()
        _ESCAPED[delta] = escaped
    return escaped


ToolSchemas = dict[str, Any]
"""Each tool's ``parameters`` schema by name; its allowed types are worked out when a call names it."""


def tool_schemas(tools: Iterable[ToolLike] | None) -> ToolSchemas | None:
    """Each tool's ``parameters`` by name; None when no tools are given (no checking)."""
    if tools is None:
        return None
    schemas: ToolSchemas = {}
    for tool in tools:
        # what function_definition() gives, without copying a plain {"type": "function", "function": {...}}
        # dict; anything else (and every error) goes through it
        if type(tool) is dict:
            spec = tool.get("function")
            if type(spec) is dict:
                name, params = spec.get("name"), spec.get("parameters")
                if type(name) is str and name and (params is None or type(params) is dict):
                    schemas[name] = params
                    continue
        spec = function_definition(tool)
        schemas[spec["name"]] = spec.get("parameters")
    return schemas


class Machine:
    """Incremental parser of one assistant turn. ``events=False`` skips building events (whole-text parse)."""

    def __init__(
        self,
        tools: ToolSchemas | None,
        *,
        in_reasoning: bool,
        events: bool,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self._tools = tools
        self._types: dict[str, dict[str, AllowedTypes]] = {}
        self._new_id = id_factory or new_call_id
        self._events: list[Event] | None = [] if events else None
        self._buf = ""
        self._pos = 0
        self._state = REASONING if in_reasoning else CONTENT
        self._nl_after = 0
        self._blocks: list[Block] = []
        self._pending_kind = -1
        self._pending: list[str] = []
        self._index = 0
        self._block_invokes = 0
        self._block_raw: list[str] = []
        self._block_mark = (0, 0)
        self._held: list[str] = []
        self._call: PendingCall | None = None
        self._closed = False
        self._tag_hint: tuple[str, int, int] | None = None

    # --- driving ---------------------------------------------------------------------------------------

    def feed(self, delta: str) -> list[Event]:
        """Add the next piece of output; returns the events it settles (often none or one)."""
        if not isinstance(delta, str):
            raise TypeError(f"feed() needs a str, got {type(delta).__name__}")
        if self._closed:
            raise RuntimeError("this parser was closed; create a new one for the next output")
        if not delta:
            return []
        state = self._state
        if state == VALUE:
            if self._buf or "</" in delta or delta[-1] == "<":
                return self._feed_value(delta)
            # the common case, inline: nothing held back, and no "</" and no "<" at the end, so no </parameter>
            # can be in it or start in it: it all goes to the value (see _feed_value)
            call = self._call
            assert call is not None
            parts = call.parts
            parts.append(delta)
            if len(parts) >= COMPACT_AT:
                call.compact()
            if call.streaming:
                # the event, built without the dataclass's __init__ (a third of the cost of a delta)
                event = _new_event(ToolCallArgumentsDelta)
                event.index = call.index
                escaped = _ESCAPED.get(delta)
                if escaped is None:
                    escaped = _escape_new(delta)
                event.delta = escaped
                event.type = "tool_call_arguments_delta"
                return [event]
            return []
        if self._buf:  # text held back from the earlier deltas
            self._buf = self._buf[self._pos :] + delta
        elif state <= CONTENT and "<" not in delta and not self._nl_after and delta[-1] not in "\r\n":
            return self._feed_text(state, delta)
        else:
            self._buf = delta
        return self._run_fed()

    def _run_fed(self) -> list[Event]:
        """Run the machine over the buffer (the held-back text and the new delta) as far as it can decide."""
        self._pos = 0
        self._run(False)
        if self._pos >= len(self._buf):
            self._buf = ""  # empty whenever nothing is held back: what feed() tests
        return self._take_events()

    def _feed_value(self, delta: str) -> list[Event]:
        """Inside a parameter value: unless a ``</parameter>`` is in sight, the text goes to the value at once,
        but for a possible start of one at its end, held back (what ``_value`` does, in fewer steps)."""
        if self._buf:  # the possible start of a </parameter> held back from the earlier deltas
            delta = self._buf[self._pos :] + delta
            self._buf = ""
        if "</" not in delta and delta[-1] != "<":
            piece = delta  # no "</" and no "<" at the end: no </parameter> can be in it or start in it
        elif t.PARAM_CLOSE not in delta:
            end = t.partial_tail(delta, 0, t.PARAM_CLOSE)
            if end < len(delta):
                self._buf, self._pos = delta, end
                if not end:
                    return []
            piece = delta[:end]
        else:
            self._buf = delta
            return self._run_fed()
        call = self._call
        assert call is not None
        parts = call.parts
        parts.append(piece)
        if len(parts) >= COMPACT_AT:
            call.compact()
        if call.streaming:
            return [ToolCallArgumentsDelta(call.index, encode_basestring(piece)[1:-1])]
        return []

    def _feed_text(self, kind: int, delta: str) -> list[Event]:
        """Fast path: reasoning or content with nothing held back, no ``<`` and no newline at the end."""
        if kind != self._pending_kind or self._events is None:
            self._emit_text(kind, delta)
            return self._take_events()
        self._pending.append(delta)
        return [ReasoningDelta(delta) if kind == REASONING else ContentDelta(delta)]

    def parse_all(self, text: str, first_tag: int) -> None:
        """Parse a whole output and close: one pass over ``text``, the same result as ``feed(text); close()``.

        ``first_tag`` is ``find_text_tag(text, 0)``, which the caller already needed: it is not looked up again.
        """
        self._buf, self._pos = text, 0
        self._tag_hint = (text, 0, first_tag)
        self.close()

    def close(self) -> list[Event]:
        """End of output: settles what was held back and reports unterminated calls. Idempotent."""
        if self._closed:
            return []
        self._run(True)
        self._closed = True
        state = self._state
        if state in (INVOKE, VALUE) and self._call is not None:
            if state == VALUE:
                self._call.raw.append(self._call.take_value())
            self._finish_invalid(self._call, "truncated", "the output ended inside this tool call")
        elif state in (BLOCK, BLOCK_TEXT) and self._block_invokes == 0:
            call = self._start_call(None)
            call.raw.extend(self._block_raw)
            self._finish_invalid(call, "truncated", "the output ended inside an empty tool-call block", True)
        self._buf, self._pos = "", 0
        return self._take_events()

    def snapshot(self) -> ParsedOutput:
        """The blocks parsed so far (all of them once closed)."""
        blocks = list(self._blocks)
        if self._pending:
            blocks.append(self._text_block())
        return ParsedOutput(tuple(blocks))

    def _run(self, final: bool) -> None:
        handlers = _HANDLERS
        while handlers[self._state](self, final):
            pass

    def _take_events(self) -> list[Event]:
        events = self._events
        if not events:
            return []
        self._events = []
        return events

    # --- output ----------------------------------------------------------------------------------------

    def _text_block(self) -> Block:
        text = "".join(self._pending)
        return ReasoningBlock(text) if self._pending_kind == REASONING else TextBlock(text)

    def _add_block(self, block: Block) -> None:
        if self._pending:
            self._blocks.append(self._text_block())
            self._pending = []
        self._pending_kind = -1
        self._blocks.append(block)

    def _emit_text(self, kind: int, text: str) -> None:
        if not text:
            return
        if kind != self._pending_kind:
            if self._pending:
                self._blocks.append(self._text_block())
                self._pending = []
            self._pending_kind = kind
        self._pending.append(text)
        if self._events is not None:
            self._events.append(ReasoningDelta(text) if kind == REASONING else ContentDelta(text))

    # --- reasoning and content ---------------------------------------------------------------------------

    def _skip_newlines_after_tag(self, final: bool) -> bool:
        """Drop the newlines that belong to the tag just read. False while a lone ``\\r`` is undecided."""
        buf, pos, n = self._buf, self._pos, len(self._buf)
        while self._nl_after and pos < n:
            ch = buf[pos]
            if ch == "\n":
                pos += 1
            elif ch == "\r" and pos + 1 < n and buf[pos + 1] == "\n":
                pos += 2
            elif ch == "\r" and pos + 1 == n and not final:
                self._pos = pos
                return False
            else:
                self._nl_after = 0
                break
            self._nl_after -= 1
        self._pos = pos
        return True

    def _text(self, final: bool) -> bool:
        if self._nl_after and not self._skip_newlines_after_tag(final):
            return False
        buf, pos, kind = self._buf, self._pos, self._state
        i = self._next_text_tag(buf, pos)
        if i < 0:
            n = len(buf)
            end = n
            if not final:
                j = t.partial_text_tag(buf, pos)
                if j >= 0:  # a tag may still come: hold it back, with the newline that would belong to it
                    end = j - t.trailing_newline(buf, pos, j)
                else:
                    end -= t.trailing_newline(buf, pos, n)
                    if end == n and end > pos and buf[end - 1] == "\r":
                        end -= 1
            self._emit_text(kind, buf[pos:end])
            self._pos = end
            return False
        tag = t.text_tag_at(buf, i)
        if tag == t.THINK_OPEN:  # opens reasoning, or is dropped inside it
            self._emit_text(kind, buf[pos:i])
            self._state, self._nl_after = REASONING, 1
        else:
            self._emit_text(kind, buf[pos : i - t.trailing_newline(buf, pos, i)])
            if tag == t.THINK_CLOSE:  # ends reasoning, or is a stray tag dropped in content
                self._state, self._nl_after = CONTENT, 2
            else:
                self._state, self._block_invokes, self._block_raw = BLOCK, 0, [tag]
                self._block_mark = (len(self._blocks), len(self._pending))
        self._pos = i + len(tag)
        return True

    def _next_text_tag(self, buf: str, pos: int) -> int:
        """:func:`find_text_tag`, or the position a whole-text caller already found (see :meth:`parse_all`)."""
        hint = self._tag_hint
        if hint is not None:
            self._tag_hint = None
            hint_buf, start, at = hint
            if hint_buf is buf and start <= pos and (at < 0 or pos <= at):
                return at
        return t.find_text_tag(buf, pos)

    # --- inside a tool-call block ---------------------------------------------------------------------------

    def _block_tag(self, buf: str, i: int, final: bool) -> tuple[int, str, int]:
        """A tag that means something between invokes: (status, tag, end of the tag)."""
        status, tag = t.match_any(buf, i, _BLOCK_TAGS, final)
        if status != t.MATCH:
            return status, tag, i
        if tag == t.BLOCK_CLOSE:
            return status, tag, i + len(tag)
        end = t.head_end(buf, i, final)
        if end == -1:
            return t.PARTIAL, "", i
        if end == -2:
            return t.NONE, "", i
        return t.MATCH, tag, end

    def _block(self, final: bool) -> bool:
        buf, pos = self._buf, self._pos
        k = t.skip_ws(buf, pos)
        if k > pos and self._block_invokes == 0:
            self._block_raw.append(buf[pos:k])
        self._pos = k
        if k == len(buf):
            return False
        if buf[k] != "<":
            self._state = BLOCK_TEXT
            return True
        if buf.startswith('<invoke name="', k) and self._fast_invoke(buf, k, final):
            return True
        status, tag, end = self._block_tag(buf, k, final)
        if status == t.PARTIAL:
            return False
        if status == t.NONE:
            self._state = BLOCK_TEXT
        elif tag == t.BLOCK_CLOSE:
            self._state = CONTENT
        else:
            self._open_invoke(buf[k:end])
        self._pos = end
        return True

    def _block_text(self, final: bool) -> bool:
        buf, pos = self._buf, self._pos
        scan = pos
        while True:
            i = buf.find("<", scan)
            if i < 0:
                self._emit_text(CONTENT, buf[pos:])
                self._pos = len(buf)
                return False
            status, _, _ = self._block_tag(buf, i, final)
            if status == t.NONE:
                scan = i + 1
                continue
            self._emit_text(CONTENT, buf[pos:i])
            self._pos = i
            if status == t.PARTIAL:
                return False
            self._state = BLOCK
            return True

    # --- inside an invoke -----------------------------------------------------------------------------------

    def _start_call(self, name: str | None) -> PendingCall:
        call = PendingCall(self._index, self._new_id(), name)
        self._index += 1
        return call

    def _types_of(self, name: str) -> dict[str, AllowedTypes]:
        """The allowed types of each parameter of tool ``name`` (cached; empty when no tools were given)."""
        types = self._types.get(name)
        if types is None:
            schema = self._tools.get(name) if self._tools is not None else None
            types = self._types[name] = parameter_types(schema)
        return types

    def _open_invoke(self, head: str) -> None:
        name = t.head_name(head)
        call = self._start_call(name)
        call.raw.append(head)
        self._block_invokes += 1
        if not name:
            call.malformed = "the <invoke> tag has no readable name"
        elif self._tools is not None and name not in self._tools:
            call.unknown = True
        else:
            call.known = True
            call.types = self._types_of(name)
            if self._events is not None:
                self._events.append(ToolCallStart(call.index, call.id, name))
        self._call = call
        self._state = INVOKE

    def _invoke_tag(self, buf: str, i: int, final: bool) -> tuple[int, str, int]:
        """A tag that means something between parameters: (status, tag, end of the tag)."""
        status, tag = t.match_any(buf, i, (t.PARAM_OPEN, t.INVOKE_CLOSE, t.BLOCK_CLOSE), final)
        if status != t.MATCH:
            return status, tag, i
        if tag == t.PARAM_OPEN:
            end = t.head_end(buf, i, final)
            if end < 0:
                return (t.PARTIAL if end == -1 else t.NONE), "", i
            return status, tag, end
        end = i + len(tag)
        if tag == t.INVOKE_CLOSE:
            status = t.lookahead(buf, end, _AFTER_INVOKE, final)
        return status, tag, end

    def _invoke(self, final: bool) -> bool:
        call = self._call
        assert call is not None
        buf, pos = self._buf, self._pos
        n = len(buf)
        k = t.skip_ws(buf, pos)
        if k > pos:
            call.raw.append(buf[pos:k])
        self._pos = k
        if k == n:
            return False
        if buf[k] == "<":
            status, tag, end = self._invoke_tag(buf, k, final)
            if status == t.PARTIAL:
                if tag == t.INVOKE_CLOSE:
                    self._hold(buf, k, end, AFTER_INVOKE)
                return False
            if status == t.MATCH:
                self._pos = end
                if tag == t.PARAM_OPEN:
                    self._open_param(buf[k:end])
                elif tag == t.INVOKE_CLOSE:
                    call.raw.append(tag)
                    self._finish_call(call)
                    self._state = BLOCK
                else:
                    call.malformed = call.malformed or "the block ended before </invoke>"
                    self._finish_call(call)
                    self._state = CONTENT
                return True
        j = buf.find("<", k + 1)
        if j < 0:
            j = n
        call.raw.append(buf[k:j])
        call.malformed = call.malformed or "text inside <invoke> outside its parameters"
        self._pos = j
        return j < n

    def _fast_invoke(self, buf: str, k: int, final: bool) -> bool:
        """Read a whole template-layout invoke at ``k`` in one go, if there is one; False otherwise."""
        m = _FAST_INVOKE.match(buf, k)
        if m is None:
            return False
        if not buf.startswith(_TEMPLATE_NEXT, m.end()) and t.lookahead(buf, m.end(), _AFTER_INVOKE, final) != t.MATCH:
            return False
        if self._events is None:
            self._quick_calls(buf, m, final)
            return True
        self._open_invoke(buf[k : m.start(2) - 1])
        call = self._call
        assert call is not None
        for pm in _FAST_PARAM.finditer(buf, m.start(2), m.end(2)):
            self._begin_param(call, pm.group(1))
            self._value_text(call, pm.group(2))
            self._close_param(call)
        call.raw = [m.group(0)]
        self._finish_call(call)
        self._state = BLOCK
        self._pos = m.end()
        return True

    def _quick_calls(self, buf: str, m: re.Match[str], final: bool) -> None:
        """The fast path without events (whole-text parse): build each call straight from its match, for the
        invoke matched by ``m`` and the template-layout invokes right after it, then close the block if it ends
        in the template's layout."""
        tools, types_by_name, new_id, blocks = self._tools, self._types, self._new_id, self._blocks
        read_params = _FAST_PARAM.findall
        count = 0
        while True:
            name = m.group(1)
            call_id = new_id()
            count += 1
            if tools is not None and name not in tools:
                self._add_block(InvalidToolCall(call_id, name, m.group(0), "unknown_tool", unknown_tool_detail(name)))
            else:
                types = types_by_name.get(name)
                if types is None:
                    types = self._types_of(name)
                arguments: dict[str, Any] = {}
                warnings: list[str] = []
                for key, raw in read_params(buf, m.start(2), m.end(2)):
                    allowed = types.get(key)
                    if allowed is STRING_ONLY:
                        value: Any = raw
                    else:
                        value, warning = coerce_short(raw, allowed, key)
                        if warning:
                            warnings.append(warning)
                    if key in arguments:
                        warnings.append(duplicate_warning(key))
                    arguments[key] = value
                call = ToolCall(call_id, name, arguments, tuple(warnings) if warnings else ())
                if self._pending:
                    self._add_block(call)
                else:
                    blocks.append(call)
            nxt = m.end()
            if not buf.startswith('\n<invoke name="', nxt):
                break
            following = _FAST_INVOKE.match(buf, nxt + 1)
            if following is None:
                break
            end = following.end()
            if not buf.startswith(_TEMPLATE_NEXT, end) and t.lookahead(buf, end, _AFTER_INVOKE, final) != t.MATCH:
                break
            m = following
        self._index += count
        self._block_invokes += count
        if buf.startswith(_TEMPLATE_CLOSE, nxt):  # the block ends: what _block would do next
            self._state, self._pos = CONTENT, nxt + len(_TEMPLATE_CLOSE)
        else:
            self._state, self._pos = BLOCK, nxt

    def _open_param(self, head: str) -> None:
        call = self._call
        assert call is not None
        call.raw.append(head)
        name = t.head_name(head)
        if not name:
            call.malformed = call.malformed or "a <parameter> tag has no readable name"
        self._begin_param(call, name)

    def _begin_param(self, call: PendingCall, name: str | None) -> None:
        call.param = name
        call.parts = []
        allowed = call.types.get(name) if name else None
        call.allowed = allowed
        call.streaming = self._events is not None and call.known and bool(name) and allowed is STRING_ONLY
        if call.streaming:
            self._arg_delta(call, call.key_prefix(name or "") + '"')
        self._state = VALUE

    def _value(self, final: bool) -> bool:
        call = self._call
        assert call is not None
        buf, pos = self._buf, self._pos
        i = buf.find(t.PARAM_CLOSE, pos)
        while i >= 0:
            status = t.lookahead(buf, i + len(t.PARAM_CLOSE), _AFTER_PARAM, final)
            if status == t.NONE:
                i = buf.find(t.PARAM_CLOSE, i + 1)
                continue
            self._value_text(call, buf[pos:i])
            if status == t.PARTIAL:
                self._hold(buf, i, i + len(t.PARAM_CLOSE), AFTER_PARAM)
                return False
            self._pos = i + len(t.PARAM_CLOSE)
            self._close_param(call)
            call.raw.append(t.PARAM_CLOSE)
            self._state = INVOKE
            return True
        end = len(buf) if final else t.partial_tail(buf, pos, t.PARAM_CLOSE)
        self._value_text(call, buf[pos:end])
        self._pos = end
        return False

    # --- after a closing tag, until the next non-space character decides it -----------------------------------

    def _hold(self, buf: str, start: int, end: int, state: int) -> None:
        """Move the closing tag ``buf[start:end]`` and the whitespace after it out of the buffer."""
        k = t.skip_ws(buf, end)
        self._held = [buf[start:k]]
        self._pos = k
        self._state = state

    def _decide_held(self, tags: tuple[str, ...], final: bool) -> int:
        """Hold further whitespace; then the lookahead's status for the held closing tag."""
        buf, pos = self._buf, self._pos
        k = t.skip_ws(buf, pos)
        if k > pos:
            self._held.append(buf[pos:k])
            self._pos = k
        return t.lookahead(buf, k, tags, final)

    def _take_held(self, tags: tuple[str, ...], final: bool) -> tuple[int, PendingCall, str] | None:
        """The lookahead's status for the held closing tag, the open call and the held text (now released);
        None while the lookahead is undecided."""
        status = self._decide_held(tags, final)
        if status == t.PARTIAL:
            return None
        call = self._call
        assert call is not None
        held = "".join(self._held)
        self._held = []
        return status, call, held

    def _after_param(self, final: bool) -> bool:
        taken = self._take_held(_AFTER_PARAM, final)
        if taken is None:
            return False
        status, call, held = taken
        if status == t.MATCH:
            self._close_param(call)
            call.raw.append(held)
            self._state = INVOKE
        else:  # not a closing tag after all: it is part of the value
            self._value_text(call, held)
            self._state = VALUE
        return True

    def _after_invoke(self, final: bool) -> bool:
        taken = self._take_held(_AFTER_INVOKE, final)
        if taken is None:
            return False
        status, call, held = taken
        if status == t.MATCH:
            call.raw.append(t.INVOKE_CLOSE)
            self._finish_call(call)
            self._state = BLOCK
        else:  # text inside the invoke, outside its parameters
            call.raw.append(held)
            call.malformed = call.malformed or "text inside <invoke> outside its parameters"
            self._state = INVOKE
        return True

    def _value_text(self, call: PendingCall, text: str) -> None:
        if text:
            call.add(text)
            if call.streaming:
                self._arg_delta(call, encode_basestring(text)[1:-1])

    def _close_param(self, call: PendingCall) -> None:
        value = call.close_param()
        if call.streaming:
            self._arg_delta(call, '"')
        elif call.known and call.param and self._events is not None:
            self._arg_delta(call, call.key_prefix(call.param) + dumps(value))

    def _arg_delta(self, call: PendingCall, delta: str) -> None:
        assert self._events is not None
        self._events.append(ToolCallArgumentsDelta(call.index, delta))

    def _finish_call(self, call: PendingCall) -> None:
        self._call = None
        if call.malformed:
            self._finish_invalid(call, "malformed", call.malformed)
        elif call.unknown:
            self._finish_invalid(call, "unknown_tool", unknown_tool_detail(call.name))
        else:
            done = call.to_tool_call()
            if self._events is not None:
                self._arg_delta(call, "}" if call.keys_written else "{}")
                self._events.append(ToolCallEnd(call.index, done))
            self._add_block(done)

    def _finish_invalid(
        self, call: PendingCall, reason: InvalidReason, detail: str, at_block_start: bool = False
    ) -> None:
        self._call = None
        invalid = InvalidToolCall(call.id, call.name, "".join(call.raw), reason, detail)
        if self._events is not None:
            self._events.append(InvalidToolCallEvent(call.index, invalid))
        if at_block_start:
            self._add_block_at_mark(invalid)
        else:
            self._add_block(invalid)

    def _add_block_at_mark(self, block: Block) -> None:
        """Add ``block`` where its tool-call block opened, before the content written inside that block."""
        n_blocks, n_pieces = self._block_mark
        if len(self._blocks) != n_blocks or not n_pieces:
            self._blocks.append(block)  # the text before the block is already a block: the pending text follows
            return
        after = self._pending[n_pieces:]
        del self._pending[n_pieces:]
        self._add_block(block)
        if after:
            self._pending, self._pending_kind = after, CONTENT


_HANDLERS: tuple[Callable[[Machine, bool], bool], ...] = (
    Machine._text,
    Machine._text,
    Machine._block,
    Machine._block_text,
    Machine._invoke,
    Machine._value,
    Machine._after_param,
    Machine._after_invoke,
)
"""The handler of each state, by state number; each returns whether to go on (False: wait for more text)."""
