"""A wall-clock deadline on every socket operation of one fetch, and the transport that connects to
the checked address (httpx's private-module habit: one concept per module).

httpx's timeouts bound each read, not the whole fetch (RELIABILITY, "What httpx and friends do not
do for you", 3): a server trickling a byte a second holds a fetch for ever. The network backend
here shortens every connect and read to what is left of the fetch's deadline; the transport pins
the connection to the address netpolicy checked, keeping the host name for the Host header, TLS
SNI and certificate check, and never reuses a connection whose response overran or was cut.
"""

from __future__ import annotations

import ssl
import threading
import time
from typing import Any

import httpcore
import httpx

from .netpolicy import Resolver  # noqa: F401 - kept for the transport's signature

READ_SIZE = 16 * 1024  # socket read size: small reads keep what comes with unwanted headers small


class _FetchState(threading.local):
    """Per-thread: the deadline of the fetch this thread is running, and bytes read from sockets."""

    deadline: float = float("inf")
    wire_bytes: int = 0


class DeadlineExceeded(httpcore.ReadTimeout):
    """The fetch's wall-clock deadline passed during a socket operation."""


def _bounded_timeout(state: _FetchState, timeout: float | None) -> float:
    left = state.deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("wall-clock deadline of the fetch passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never outlive the current fetch's deadline.

    ``spoiled`` marks a connection that must not carry another request (its last response ran past
    its declared length, or was cut): httpcore asks ``is_readable`` of an idle connection before
    reusing it and drops one that says yes, so the mark closes it instead of handing it out.
    ``address`` is the pinned address it was opened to (a host that now resolves elsewhere gets a
    new connection).
    """

    def __init__(
        self, inner: httpcore.NetworkStream, state: _FetchState, counter: _Counter, address: str = ""
    ) -> None:
        self._inner = inner
        self._state = state
        self._counter = counter
        self.address = address
        self.spoiled = False
        self.is_current: Any = lambda: True

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        max_bytes = min(max_bytes, READ_SIZE)
        data = self._inner.read(max_bytes, _bounded_timeout(self._state, timeout))
        self._state.wire_bytes += len(data)
        self._counter.add(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded_timeout(self._state, timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded_timeout(self._state, timeout))
        tls = _DeadlineStream(inner, self._state, self._counter, self.address)
        tls.is_current = self.is_current
        return tls

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and (self.spoiled or not self.is_current()):
            return True  # httpcore: an idle connection that is readable has expired; it is closed
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Connects to the address the Fetcher checked for a host name, never to a fresh lookup.

    Requests keep their host name in the URL, so httpcore pools connections by (scheme, host,
    port) and verifies each TLS certificate for the host asked; the address comes from ``pins``
    (host name -> the address resolved and checked for this fetch), and a pooled connection to an
    address the host no longer resolves to is not reused. Together: one pool key per (scheme,
    host, port, address).
    """

    def __init__(self, state: _FetchState, counter: _Counter) -> None:
        self._inner = httpcore.SyncBackend()
        self._state = state
        self._counter = counter
        self.pins: dict[str, str] = {}

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self.pins.get(host.strip("[]").lower())
        if address is None:  # never a lookup of our own: only addresses the policy checked
            raise httpcore.ConnectError(f"no checked address for {host}")
        stream = self._inner.connect_tcp(
            address, port, _bounded_timeout(self._state, timeout), local_address, socket_options
        )
        wrapped = _DeadlineStream(stream, self._state, self._counter, address)
        key = host.strip("[]").lower()
        wrapped.is_current = lambda: self.pins.get(key) == address
        return wrapped

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, n: int) -> None:
        with self._lock:
            self.value += n


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport with our deadline-aware network backend (HTTPTransport takes none)."""

    def __init__(self, ssl_context: ssl.SSLContext, backend: httpcore.NetworkBackend) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )


def _overran(response: httpx.Response) -> bool:
    """Did the server send bytes past the end of this response (a second, smuggled response riding
    behind its Content-Length)? They sit in h11's receive buffer, which httpcore does not look at
    before reusing the connection. True also when the buffer cannot be inspected: fail closed."""
    try:
        stream: Any = response.stream
        pool_stream = stream._httpcore_stream
        connection = pool_stream._pool_request.connection._connection
        data, closed = connection._h11_state.trailing_data
    except AttributeError:
        return True
    return bool(data) or bool(closed)
