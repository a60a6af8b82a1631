"""The SSE decoder: the HTML standard's examples and rules, any chunking, UTF-8 handling, linear time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minimax_sdk._sse import ServerSentEvent, SSEDecoder
from minimax_sdk.errors import ResponseValidationError


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.close()


def decode_all(decoder: SSEDecoder, *chunks: bytes) -> None:
    for chunk in chunks:
        decoder.feed(chunk)


def feed_then_close(decoder: SSEDecoder, delivered: list[ServerSentEvent], *chunks: bytes) -> None:
    for chunk in chunks:
        delivered += decoder.feed(chunk)
    delivered += decoder.close()


def data_of(events: list[ServerSentEvent]) -> list[str]:
    return [e.data for e in events]


def ev(data: str, event: str | None = None, id: str | None = None, retry: int | None = None) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


# --- the standard's examples -------------------------------------------------------------------------------


def test_spec_example_multiline_data() -> None:
    stream = (
        b"data: This is the first message.\n\n"
        b"data: This is the second message, it\ndata: has two lines.\n\n"
        b"data: This is the third message.\n\n"
    )
    assert data_of(decode(stream)) == [
        "This is the first message.",
        "This is the second message, it\nhas two lines.",
        "This is the third message.",
    ]


def test_spec_example_event_types() -> None:
    stream = b"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n"
    assert decode(stream) == [ev("73857293", "add"), ev("2153", "remove"), ev("113411", "add")]


def test_spec_example_stock_ticker() -> None:
    assert decode(b"data: YHOO\ndata: +2\ndata: 10\n\n") == [ev("YHOO\n+2\n10")]


def test_spec_example_comments_ids_and_spaces() -> None:
    stream = b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"
    assert decode(stream) == [ev("first event", id="1"), ev("second event", id=""), ev(" third event", id="")]


def test_spec_example_empty_data() -> None:
    stream = b"data\n\ndata\ndata\n\ndata:"
    decoder = SSEDecoder()
    assert data_of(decoder.feed(stream)) == ["", "\n"]
    assert data_of(decoder.close()) == [""]  # the SDK dispatches a last event without the blank line


def test_spec_example_one_space_stripped() -> None:
    assert data_of(decode(b"data:test\n\ndata: test\n\n")) == ["test", "test"]


# --- rules ---------------------------------------------------------------------------------------------------


STREAM = (
    '\ufeffretry: 1500\n: keep-alive comment\nevent: delta\nid: 7\ndata: {"text": "héllo 你好 🙂"}\n\n'
    "data: first line\ndata:second line\n\nunknown: field\ndata\n\n"
    "event: end\nid: bad\x00id\ndata: [DONE]\n\n"
)
EXPECTED = [
    ev('{"text": "héllo 你好 🙂"}', "delta", "7", 1500),
    ev("first line\nsecond line", id="7"),
    ev("", id="7"),
    ev("[DONE]", "end", "7"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending(newline: str) -> None:
    assert decode(STREAM.replace("\n", newline).encode()) == EXPECTED


def test_mixed_line_endings() -> None:
    assert decode(b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r") == [ev("a\nb\nc"), ev("d")]


def test_chunked_at_every_byte_position() -> None:
    for newline in ("\n", "\r\n", "\r"):
        stream = STREAM.replace("\n", newline).encode()
        for cut in range(len(stream) + 1):
            assert decode(stream[:cut], stream[cut:]) == EXPECTED, (newline, cut)


def test_chunked_at_every_pair_of_positions() -> None:
    stream = b"data: a\r\n\r\nid: 1\rdata: \xc3\xa9\xe2\x82\xac\r\r"
    expected = [ev("a"), ev("é€", id="1")]
    for i in range(len(stream) + 1):
        for j in range(i, len(stream) + 1):
            assert decode(stream[:i], stream[i:j], stream[j:]) == expected, (i, j)


def test_byte_by_byte() -> None:
    stream = STREAM.replace("\n", "\r\n").encode()
    assert decode(*[stream[i : i + 1] for i in range(len(stream))]) == EXPECTED


def test_multibyte_characters_split_across_chunks() -> None:
    text = "data: 你好🙂é\n\n".encode()
    for cut in range(7, 18):
        assert decode(text[:cut], text[cut:]) == [ev("你好🙂é")]


def test_cr_at_end_of_chunk_then_lf() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\n") == []  # the LF of the CRLF, not a blank line
    assert decoder.feed(b"\r\n") == [ev("x")]


def test_one_event_chunks_keep_fields_from_earlier_chunks() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: a\nid: 4\nretry: 9\n") == []
    assert decoder.feed(b"data: x\n\n") == [ev("x", "a", "4", 9)]
    assert decoder.feed(b"data: y\n\n") == [ev("y", None, "4")]
    assert decoder.feed(b"data: first\n") == []
    assert decoder.feed(b"data: second\n\n") == [ev("first\nsecond", None, "4")]


def test_id_persists_and_event_type_resets() -> None:
    events = decode(b"id: 1\nevent: a\ndata: x\n\ndata: y\n\nid: 2\ndata: z\n\n")
    assert events == [ev("x", "a", "1"), ev("y", None, "1"), ev("z", None, "2")]


def test_event_without_data_is_not_dispatched_and_resets_type() -> None:
    assert decode(b"event: ping\n\ndata: x\n\nevent: only\nid: 3\n\n") == [ev("x")]


def test_retry_must_be_ascii_digits() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"retry: 10a\ndata: a\n\nretry: \xd9\xa3\ndata: b\n\nretry:250\ndata: c\n\n")
    assert [e.retry for e in events] == [None, None, 250]
    assert decoder.retry == 250


def test_last_event_id_and_nul() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 5\ndata: a\n\nid: x\x00y\ndata: b\n\n")
    assert decoder.last_event_id == "5"


def test_event_with_empty_type_is_the_default() -> None:
    assert decode(b"event:\ndata: x\n\n") == [ev("x")]


def test_close_flushes_a_last_event_and_resets() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 9\ndata: tail") == []
    assert decoder.close() == [ev("tail", id="9")]
    assert decoder.feed(b"data: next\n\n") == [ev("next")]
    assert decoder.close() == []


def test_empty_chunks_and_comments_only() -> None:
    assert decode(b"", b": ping\n\n", b"", b":\n\n") == []


def test_bom_only_at_the_start() -> None:
    assert decode("\ufeffdata: a\n\n".encode()) == [ev("a")]
    assert decode("data: a\n\n\ufeffdata: b\n\n".encode()) == [ev("a")]  # field "\ufeffdata" is unknown


# --- invalid UTF-8 ---------------------------------------------------------------------------------------


def test_invalid_utf8_names_the_offset_whatever_the_chunking() -> None:
    stream = b"data: ok\n\ndata: caf\xe9!\n\n"
    for cut in range(len(stream) + 1):
        delivered: list[ServerSentEvent] = []
        with pytest.raises(ResponseValidationError, match=r"byte offset 19 \(bytes e9"):
            feed_then_close(SSEDecoder(), delivered, stream[:cut], stream[cut:])
        # the event before the bad bytes is delivered however the stream was cut
        assert data_of(delivered) == ["ok"]


def test_truncated_character_at_close_raises() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: ok\n\ndata: \xe4\xbd")
    with pytest.raises(ResponseValidationError, match="byte offset 16"):
        decoder.close()


def test_surrogates_are_invalid() -> None:
    with pytest.raises(ResponseValidationError):
        decode(b"data: \xed\xa0\x80\n\n")


# --- size and speed --------------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_a_huge_line_in_small_chunks_is_linear() -> None:
    decoder = SSEDecoder()
    payload = b"x" * 2_000_000
    assert decoder.feed(b"data: ") == []
    for i in range(0, len(payload), 10):
        assert decoder.feed(payload[i : i + 10]) == []
    [event] = decoder.feed(b"\n\n")
    assert len(event.data) == 2_000_000


def test_many_events_in_one_chunk() -> None:
    stream = b"".join(b'data: {"i": %d}\n\n' % i for i in range(10_000))
    events = decode(stream)
    assert len(events) == 10_000
    assert events[-1].data == '{"i": 9999}'


# --- property: any chunking gives the events that were written --------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n\x00"), max_size=12)
_EVENT = st.tuples(
    st.none() | _TEXT,
    st.lists(_TEXT, min_size=1, max_size=3),
    st.none() | _TEXT,
    st.none() | st.integers(0, 10**6),
    st.booleans(),
)


def _render(
    events: list[tuple[str | None, list[str], str | None, int | None, bool]], endings: list[str]
) -> tuple[bytes, list[ServerSentEvent]]:
    lines: list[str] = []
    expected: list[ServerSentEvent] = []
    last_id: str | None = None
    for event, data, id_, retry, comment in events:
        if comment:
            lines.append(": comment")
        if event is not None:
            lines.append(f"event: {event}")
        if id_ is not None:
            lines.append(f"id: {id_}")
            last_id = id_
        if retry is not None:
            lines.append(f"retry: {retry}")
        lines += [f"data: {d}" for d in data]
        lines.append("")
        expected.append(ev("\n".join(data), event or None, last_id, retry))
    out: list[str] = []
    previous = ""
    for i, line in enumerate(lines):
        ending = endings[i % len(endings)]
        if previous == "\r" and not line and ending == "\n":  # "\r" + "\n" would read as one CRLF
            ending = "\r\n"
        out.append(line + ending)
        previous = ending
    return "".join(out).encode(), expected


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(_EVENT, max_size=6),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=5),
    cuts=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_property_any_chunking_same_events(
    events: list[tuple[str | None, list[str], str | None, int | None, bool]],
    endings: list[str],
    cuts: list[int],
) -> None:
    stream, expected = _render(events, endings)
    points = sorted({c % (len(stream) + 1) for c in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert decode(stream) == expected
    assert decode(*chunks) == expected
