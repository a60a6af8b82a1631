"""Ports for a supervised server: pick a free loopback port, or check that a chosen one is free.

SGLang binds its HTTP port only after the weights are loaded (tens of minutes for M2.1), so a port that is
already taken must be caught before the server is started, not by the server.
"""

from __future__ import annotations

import contextlib
import errno
import socket

__all__ = ["connect_host", "pick_free_port", "port_problem", "url_host"]

_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def connect_host(host: str) -> str:
    """Where this machine reaches a server bound to ``host``: loopback for the wildcard addresses."""
    return _WILDCARDS.get(host, host)


def url_host(host: str) -> str:
    """``host`` as it goes in a URL (IPv6 literals in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def pick_free_port(host: str = "127.0.0.1") -> int:
    """A port that nothing listens on at ``host`` now (the kernel's choice). Another program may still take
    it before the server binds it; the server then fails with "address already in use" in its log."""
    bind_host = host.strip("[]") or "127.0.0.1"
    with socket.socket(_family(bind_host), socket.SOCK_STREAM) as sock:
        sock.bind((bind_host, 0))
        return int(sock.getsockname()[1])


def port_problem(host: str, port: int) -> str | None:
    """Why a server could not listen on ``host:port`` (None when it could): the port is in use, or the
    address is not on this machine. Binds with SO_REUSEADDR as servers do, so a port that only has
    connections in TIME_WAIT counts as free."""
    bind_host = host.strip("[]")
    try:
        sock = socket.socket(_family(bind_host), socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot open a socket for {host}: {exc.strerror or exc}"
    with contextlib.closing(sock):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((bind_host, port))
            sock.listen(1)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None
