"""How a session reaches its server: a child process on stdio, or a streamable HTTP endpoint.

Each transport is an async context manager factory yielding the ``(read_stream, write_stream)`` pair that
``mcp.ClientSession`` takes. The ``mcp`` package is imported here, when a session opens, never before.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

__all__ = ["HttpTransport", "StdioTransport", "Transport", "require_mcp"]

_STDERR_TAIL = 2000  # characters
_STDERR_LINES = 20


def require_mcp() -> None:
    """Raise a clear ``ImportError`` when the ``mcp`` package is missing."""
    try:
        import mcp  # noqa: F401
    except ImportError as exc:
        raise ImportError("minimax_sdk.mcp needs the `mcp` package: pip install 'minimax-sdk[mcp]'") from exc


class Transport:
    """The common face of both transports."""

    label: str

    def open(self) -> contextlib.AbstractAsyncContextManager[tuple[Any, Any]]:
        raise NotImplementedError

    def stderr_tail(self) -> str:
        """The last lines the server wrote to its standard error, when captured ("" otherwise)."""
        return ""

    def cleanup(self) -> None:
        """Release what :meth:`open` left behind (a captured standard error file)."""


class StdioTransport(Transport):
    """A server started as a child process, spoken to over its stdin and stdout.

    Its standard error goes to ``errlog`` when given, else to a temporary file whose tail is quoted in
    connection errors (a server that crashes usually says why there).
    """

    def __init__(
        self,
        command: str,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        cwd: str | os.PathLike[str] | None,
        errlog: TextIO | None,
    ) -> None:
        if not isinstance(command, str) or not command:
            raise ValueError(f"mcp_stdio needs a command (a program to run), got {command!r}")
        if isinstance(args, str):
            raise TypeError("mcp_stdio's args is a list of arguments, not one string: args=['server.py']")
        self.command = command
        self.args = [str(a) for a in args]
        self.env = dict(env) if env is not None else None
        self.cwd = None if cwd is None else Path(cwd)
        self._errlog = errlog
        self._capture: Path | None = None
        self.label = " ".join([Path(command).name, *(Path(a).name for a in self.args[:1])])

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[tuple[Any, Any]]:
        from mcp import StdioServerParameters, stdio_client

        parameters = StdioServerParameters(command=self.command, args=self.args, env=self.env, cwd=self.cwd)
        with contextlib.ExitStack() as stack:
            errlog = self._errlog
            if errlog is None:
                fd, name = tempfile.mkstemp(prefix="minimax-mcp-", suffix=".stderr")
                os.close(fd)
                self._capture = Path(name)
                # append mode: the child's writes land at the end, whatever this side reads meanwhile
                errlog = stack.enter_context(open(name, "a", encoding="utf-8", errors="replace"))
            async with stdio_client(parameters, errlog=errlog) as streams:
                yield streams[0], streams[1]

    def stderr_tail(self) -> str:
        if self._capture is None:
            return ""
        try:
            with self._capture.open("rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - _STDERR_TAIL))
                text = f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-_STDERR_LINES:])

    def cleanup(self) -> None:
        if self._capture is not None:
            with contextlib.suppress(OSError):
                self._capture.unlink()


class HttpTransport(Transport):
    """A server at a streamable HTTP endpoint (``http://host:port/mcp``)."""

    def __init__(self, url: str, *, headers: Mapping[str, str] | None) -> None:
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ValueError(f"mcp_http needs an http:// or https:// URL, got {url!r}")
        self.url = url
        self.headers = dict(headers) if headers is not None else None
        self.label = url

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[tuple[Any, Any]]:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        # the mcp package's own defaults: 30 s to connect, write or get a pooled connection; 300 s between reads
        timeout = httpx2.Timeout(30.0, read=300.0)
        async with (
            httpx2.AsyncClient(headers=self.headers, timeout=timeout) as http,
            streamable_http_client(self.url, http_client=http) as streams,
        ):
            yield streams[0], streams[1]
