"""Connections that go to the address that was checked, and finish by one deadline.

A fetch resolves each host once, checks every address it got, and pins the host to them
(:meth:`PinnedBackend.pin`). The backend then connects to a pinned address instead of resolving
the name again, so a DNS server cannot answer a public address to the check and a private one to
the connection (rebinding). The URL keeps its hostname, so the Host header, TLS SNI and the
certificate check still use the name.

Every socket operation gets at most the time left until the fetch's deadline: a per-operation
timeout alone restarts on each byte, so a server dripping its headers could hold a fetch forever.
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import Iterable, Sequence

import httpcore
import httpx

__all__ = ["Deadline", "PinnedBackend", "PinnedTransport"]

SocketOption = tuple[typing.Any, ...]  # what socket.setsockopt takes, as httpcore passes it on


class Deadline:
    """The moment (on the monotonic clock) by which a whole fetch must be done.

    Args:
        seconds: how long from now.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; zero or less once the deadline has passed."""
        return self.at - time.monotonic()

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.remaining() <= 0

    def cap(self, timeout: float | None, error: type[Exception]) -> float:
        """``timeout`` shortened to the time left.

        Args:
            timeout: the operation's own timeout; None for none.
            error: what to raise when no time is left (an httpcore timeout class).

        Raises:
            error: the deadline has passed.
        """
        left = self.remaining()
        if left <= 0:
            raise error(f"the {self.seconds:g} s time limit is used up")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read, write and TLS handshake ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a GET's few hundred bytes of headers fit the kernel's send buffer, so one capped call is enough
        self._stream.write(buffer, self._deadline.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        # Python's TLS handshake treats a socket timeout as a limit on the whole handshake
        timeout = self._deadline.cap(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects a host only to the addresses pinned for it, within a deadline.

    Args:
        deadline: when every connection made through this backend must be done.
    """

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()
        self._pins: dict[str, tuple[str, ...]] = {}

    def pin(self, host: str, addresses: Sequence[str]) -> None:
        """Connect ``host`` (as it appears in the URL, IDNA-encoded) to ``addresses`` only, in order."""
        self._pins[host.lower()] = tuple(addresses)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to the first pinned address of ``host`` that answers.

        Raises:
            httpcore.ConnectError: the host was never pinned, or no pinned address answered.
            httpcore.ConnectTimeout: the deadline passed.
        """
        addresses = self._pins.get(host.lower())
        if not addresses:
            # resolving here would reopen the gap between check and connection: refuse instead
            raise httpcore.ConnectError(f"{host} was not resolved and checked before connecting")
        options = list(socket_options or [])
        failure: Exception | None = None
        for address in addresses:
            limit = self._deadline.cap(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(
                    address, port, timeout=limit, local_address=local_address, socket_options=options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore.NetworkStream:
        """Refused: fetching goes over TCP only.

        Raises:
            httpcore.ConnectError: always.
        """
        raise httpcore.ConnectError(f"fetching does not use unix sockets ({path})")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """An httpx transport whose connections are made by a :class:`PinnedBackend`.

    It takes no proxy, even from the environment: a proxy would resolve the name itself, after
    the check.

    Args:
        backend: the backend holding the pins and the deadline.

    Raises:
        TypeError: the installed httpx builds its transport in a way this class does not know.
    """

    def __init__(self, backend: PinnedBackend) -> None:
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context)
        # httpx offers no way to hand its pool a network backend, so the pool it built is replaced
        # by the same one with ours; the check keeps a future httpx from silently bypassing the pins
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise TypeError(f"httpx {httpx.__version__} has no httpcore connection pool to pin; update pinned.py")
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)
