"""A small HTTP/1.1 server-side connection on asyncio streams.

Enough of the protocol for a loopback test server: request line, headers, a body by ``Content-Length`` (or
``Transfer-Encoding: chunked``), ``Expect: 100-continue``, keep-alive; responses with ``Content-Length`` or
with ``Transfer-Encoding: chunked`` (server-sent events). It also does the rude things a fault injector needs:
reset the connection (RST, no clean close) and notice that the peer went away while the server waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus

__all__ = ["Connection", "HttpError", "HttpRequest"]

_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 64 * 1024 * 1024
_READ_SIZE = 64 * 1024
_FLUSH_WAIT_S = 1.0


class HttpError(Exception):
    """A request that cannot be served; the connection answers ``status`` and closes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class HttpRequest:
    """One parsed request. Header names are lower-case; repeated headers are joined with ``", "``."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes every byte
        raise HttpError(400, "undecodable request head") from exc
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, f"bad request line: {lines[0][:100]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise HttpError(400, f"bad header line: {line[:100]!r}")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return method, target, version, headers


class Connection:
    """The server side of one TCP connection: read requests, write responses, or misbehave on purpose."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._buffer = bytearray()

    @property
    def closing(self) -> bool:
        return self._writer.is_closing()

    async def _fill(self) -> bool:
        """Read more bytes into the buffer; False at end of stream (or when the peer reset it)."""
        try:
            data = await self._reader.read(_READ_SIZE)
        except ConnectionError:
            return False
        self._buffer += data
        return bool(data)

    async def _read_exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if not await self._fill():
                raise HttpError(400, "connection closed inside the request body")
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    async def _read_line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            if len(self._buffer) > _MAX_HEAD_BYTES or not await self._fill():
                raise HttpError(400, "bad chunked request body")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line

    async def read_request(self) -> HttpRequest | None:
        """The next request, or None when the peer closed the connection between requests."""
        while (end := self._buffer.find(b"\r\n\r\n")) < 0:
            if len(self._buffer) > _MAX_HEAD_BYTES:
                raise HttpError(431, "request head too large")
            if not await self._fill():
                if self._buffer.strip():
                    raise HttpError(400, "connection closed inside the request head")
                return None
        head = bytes(self._buffer[:end]).lstrip(b"\r\n")
        del self._buffer[: end + 4]
        method, target, version, headers = _parse_head(head)
        if headers.get("expect", "").lower() == "100-continue":
            self._writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await self._read_body(headers)
        return HttpRequest(method=method, target=target, version=version, headers=headers, body=body)

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return await self._read_chunked_body()
        raw_length = headers.get("content-length", "0")
        if not raw_length.isdigit():
            raise HttpError(400, f"bad Content-Length: {raw_length[:40]!r}")
        length = int(raw_length)
        if length > _MAX_BODY_BYTES:
            raise HttpError(413, "request body too large")
        return await self._read_exactly(length)

    async def _read_chunked_body(self) -> bytes:
        body = bytearray()
        while True:
            size_text = (await self._read_line()).split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError as exc:
                raise HttpError(400, "bad chunk size") from exc
            if size == 0:
                while await self._read_line():  # trailers, up to the empty line
                    pass
                return bytes(body)
            if len(body) + size > _MAX_BODY_BYTES:
                raise HttpError(413, "request body too large")
            body += await self._read_exactly(size)
            await self._read_line()

    async def wait_for_peer_close(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True as soon as the peer closes or resets the connection.

        Bytes that arrive meanwhile (a pipelined request) stay buffered for :meth:`read_request`.
        """

        async def until_eof() -> None:
            while await self._fill():
                pass

        try:
            await asyncio.wait_for(until_eof(), timeout=seconds)
        except asyncio.TimeoutError:
            return False
        return True

    # -- writing -------------------------------------------------------------------------------------------

    async def send_head(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def send(self, data: bytes) -> None:
        """Write ``data``; raises ConnectionError once the peer is gone."""
        if self._writer.is_closing():
            raise ConnectionResetError("connection is closed")
        self._writer.write(data)
        await self._writer.drain()

    async def send_chunk(self, data: bytes) -> None:
        """One chunk of a ``Transfer-Encoding: chunked`` body (an empty ``data`` ends the body)."""
        await self.send(b"%x\r\n%s\r\n" % (len(data), data))

    async def _flushed(self) -> None:
        transport = self._writer.transport
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _FLUSH_WAIT_S
        while transport.get_write_buffer_size() and loop.time() < deadline and not transport.is_closing():
            await asyncio.sleep(0.005)

    async def reset(self) -> None:
        """Abort the connection with a TCP RST once what was written has left the process."""
        await self._flushed()
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._writer.transport.abort()

    def abort(self) -> None:
        """Drop the connection at once, discarding anything not yet written."""
        self._writer.transport.abort()

    async def close(self) -> None:
        """Close cleanly (FIN) after what was written has been sent."""
        if not self._writer.is_closing():
            self._writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self._writer.wait_closed()
