"""An incremental decoder for server-sent events (the HTML living standard's ``text/event-stream``).

Feed it bytes as they arrive, cut anywhere (inside a UTF-8 character, between ``\\r`` and ``\\n``), and it
returns the events completed so far::

    decoder = SSEDecoder()
    for chunk in response.iter_bytes():
        for event in decoder.feed(chunk):
            ...
    for event in decoder.close():  # a last event the server did not end with a blank line
        ...

Lines end in CRLF, LF or CR. ``field: value`` (one space after the colon is dropped); ``data`` lines join
with ``\\n``; lines starting with ``:`` are comments; a blank line dispatches the event, unless it has no
data; an ``id`` containing NUL is ignored and an id, once set, applies to the events that follow; ``retry``
must be all ASCII digits; unknown fields and a leading byte-order mark are ignored. Invalid UTF-8 raises
:class:`~minimax_sdk.errors.ResponseValidationError` naming the byte offset in the stream.

Each byte is looked at a bounded number of times whatever the chunking: only the new chunk is searched
for a line end, and the bytes of an unfinished line are kept as a list of pieces until it ends. Whole lines
are decoded and split with ``bytes``/``str`` methods, never character by character.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ResponseValidationError

__all__ = ["SSEDecoder", "ServerSentEvent"]

_LF = 10
_CR = 13


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event. ``event`` is None for the default type (``message``); ``id`` is the last
    event id seen in the stream so far (None if none); ``retry`` is set when this event carried one."""

    event: str | None
    data: str
    id: str | None
    retry: int | None


class SSEDecoder:
    """Turns a byte stream into :class:`ServerSentEvent` objects, incrementally. Not thread-safe; after
    it has raised, start a new one."""

    __slots__ = (
        "_cr_pending",
        "_data",
        "_error",
        "_event",
        "_event_retry",
        "_fed",
        "_line_start",
        "_partial",
        "_started",
        "last_event_id",
        "retry",
    )

    def __init__(self) -> None:
        self.last_event_id: str | None = None
        """The last ``id`` field seen (the stream's "last event ID buffer")."""
        self.retry: int | None = None
        """The last ``retry`` field seen: the server's reconnection time in milliseconds."""
        self._reset()

    def _reset(self) -> None:
        self._error: ResponseValidationError | None = None  # raised at the next call (events before it went out)
        self._partial: list[bytes] = []  # an unfinished line, in pieces
        self._cr_pending = False  # the last chunk ended in CR: a LF opening the next one ends no line
        self._data: list[str] = []
        self._event: str | None = None
        self._event_retry: int | None = None
        self._fed = 0  # bytes fed so far
        self._line_start = 0  # stream offset of the first byte not yet decoded
        self._started = False
        self.last_event_id = None
        self.retry = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk``; return the events it completes (often none or one).

        Invalid UTF-8 raises :class:`ResponseValidationError`: the events complete before the bad bytes are
        returned first, and the error comes from the next call (``feed`` or ``close``), so what is delivered
        does not depend on how the bytes were split into chunks."""
        if self._error is not None:
            raise self._error
        size = len(chunk)
        if not size:
            return []
        if (
            chunk[-1] == _LF
            and chunk.find(b"\n") == size - 2
            and chunk.startswith(b"data: ")
            and not self._partial
            and not self._data
            and not self._cr_pending
            and self._started
            and b"\r" not in chunk
        ):
            # the common case, a chunk that is one whole ``data: ...`` event (servers write one per chunk)
            try:
                data = chunk[6:-2].decode("utf-8")
            except UnicodeDecodeError:
                pass  # the general path below names the bad bytes
            else:
                self._fed = self._line_start = self._fed + size
                event = ServerSentEvent(self._event, data, self.last_event_id, self._event_retry)
                self._event = self._event_retry = None
                return [event]
        base = self._fed
        self._fed = base + size
        start = 0
        if self._cr_pending:
            self._cr_pending = False
            if chunk[0] == _LF:
                start = 1
                self._line_start += 1
        last = chunk[-1]
        if last in (10, 13):  # LF, CR (literals: a constant tuple)
            end = size
            self._cr_pending = last == _CR
        else:
            end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
        if end <= start:  # no line ends here
            if start < size:
                self._partial.append(chunk[start:] if start else chunk)
            return []
        block = chunk[start:end] if start or end < size else chunk
        if self._partial:
            self._partial.append(block)
            block = b"".join(self._partial)
            self._partial = []
        offset = self._line_start
        if end < size:
            self._partial.append(chunk[end:])
        self._line_start = base + end
        return self._decode_lines(block, offset)

    def close(self) -> list[ServerSentEvent]:
        """End of stream: decode an unfinished last line and dispatch a last event that had no blank line
        after it. The decoder is then empty and may be fed a new stream."""
        if self._error is not None:
            error = self._error
            self._reset()
            raise error
        events: list[ServerSentEvent] = []
        if self._partial:
            block = b"".join(self._partial) + b"\n"
            self._partial = []
            events = self._decode_lines(block, self._line_start)
            if self._error is not None:  # the stream ends with bad bytes: nothing comes after to carry them
                error = self._error
                self._reset()
                raise error
        if self._data:
            events.append(ServerSentEvent(self._event, "\n".join(self._data), self.last_event_id, self._event_retry))
        self._reset()
        return events

    def _decode_lines(self, block: bytes, offset: int) -> list[ServerSentEvent]:
        """Process ``block``, whole lines each ending in CR, LF or CRLF, starting at stream ``offset``."""
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            error = _invalid_utf8(block, offset, exc)
            good = max(block.rfind(b"\n", 0, exc.start), block.rfind(b"\r", 0, exc.start)) + 1
            before = self._decode_lines(block[:good], offset) if good else []
            self._error = error
            return before
        if not self._started:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        elif text.startswith("data: ") and text.endswith("\n\n") and text.count("\n") == 2 and not self._data:
            # the common case, one ``data: ...`` event per chunk: skip the line loop
            event = ServerSentEvent(self._event, text[6:-2], self.last_event_id, self._event_retry)
            self._event = self._event_retry = None
            return [event]
        lines = text.split("\n")
        lines.pop()  # the empty string after the final line end
        events: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if line.startswith("data: "):
                data.append(line[6:])
            elif not line:
                if data:
                    events.append(ServerSentEvent(self._event, "\n".join(data), self.last_event_id, self._event_retry))
                    data = self._data = []
                self._event = None
                self._event_retry = None
            elif line[0] != ":":
                self._field(line)
        return events

    def _field(self, line: str) -> None:
        """Apply one ``name: value`` line (not a comment, not the common ``data: `` form)."""
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value or None
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = self._event_retry = int(value)


def _invalid_utf8(block: bytes, offset: int, exc: UnicodeDecodeError) -> ResponseValidationError:
    bad = block[exc.start : exc.end].hex(" ")
    return ResponseValidationError(
        f"invalid UTF-8 in the event stream at byte offset {offset + exc.start} (bytes {bad}: {exc.reason})"
    )
