"""Fetch a URL's bytes safely: one deadline, a streamed size cap, retries and content-type checks.

The only network access besides loading models. Every hop is resolved once and connected to the
very addresses that were checked (:mod:`.addresses` says which may be, :mod:`.pinned` connects),
and every failure of the HTTP stack ends as a :class:`~summarize.errors.FetchError` naming the URL.
``transport`` is the test seam: pass an ``httpx.MockTransport`` to fetch without a network.
"""

from __future__ import annotations

import ipaddress
import math
import os
import socket
import ssl
import threading
import time
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._version import __version__
from ..errors import FetchError, UnsupportedInputError
from ..registry import default_registry
from .addresses import non_public

if TYPE_CHECKING:
    import httpx

    from .pinned import Deadline, PinnedBackend

__all__ = ["FetchSettings", "Fetched", "fetch", "ignored_proxy", "proxy_note"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 20.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TOTAL_TIMEOUT = 60.0
DEFAULT_RETRIES = 3
DEFAULT_MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0
USER_AGENT = f"summarize/{__version__} (bilingual news summarizer; +https://pypi.org/project/summarize)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BOMB_RATIO = 50  # decoded bytes per byte on the wire beyond which a body over the cap is a bomb


@dataclass(frozen=True)
class FetchSettings:
    """Limits for fetching one URL."""

    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = DEFAULT_RETRIES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    backoff: float = 0.5
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """What a fetch returns: the body, its media type and charset, and the final URL."""

    url: str
    content: bytes
    media_type: str
    charset: str | None


def fetch(
    url: str,
    settings: FetchSettings | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    media_types: Sequence[str] | None = None,
) -> Fetched:
    """Download ``url`` within ``settings``' limits.

    Each hop (the URL, then every redirect) is resolved once, every address it resolves to is
    checked, and the connection goes to a checked address (see :mod:`.pinned`). One deadline,
    ``settings.total_timeout``, covers resolving, connecting, sending, headers, body and retries.

    Args:
        url: an http or https URL.
        settings: limits; defaults to :class:`FetchSettings`.
        transport: an httpx transport to use instead of the network (tests); nothing is resolved then.
        media_types: the content types accepted (default: every input format's, from
            :func:`~summarize.registry.default_registry`; a pipeline passes its own registry's).

    Returns:
        The fetched body and its metadata.

    Raises:
        UnsupportedInputError: a scheme other than http/https, or a refused content type.
        FetchError: network failure, timeout, HTTP error, malformed response, too large, non-public address.
    """
    import httpx

    from .pinned import Deadline, PinnedBackend, PinnedTransport

    settings = settings or FetchSettings()
    accepted = tuple(default_registry().media_types() if media_types is None else media_types)
    _parse(url, url)
    deadline = Deadline(settings.total_timeout)
    backend = None if transport is not None else PinnedBackend(deadline)
    try:
        with httpx.Client(
            transport=transport if backend is None else PinnedTransport(backend),
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
        ) as client:
            return _fetch_retrying(_Job(client, url, settings, deadline, backend, accepted))
    except _stack_errors() as exc:
        # _failure names the usual failures; this keeps any other one from the HTTP stack a clean error
        raise FetchError(
            f"{url}: the response could not be handled ({type(exc).__name__}: {exc})",
            source=url,
            hint="The server sent something broken; try again later or save the page to a file.",
        ) from exc


def ignored_proxy(url: str) -> str | None:
    """The proxy variable (``HTTPS_PROXY``...) that would apply to ``url``, which fetching does not use.

    Fetching connects to the very address it checked against the address policy; a proxy would
    resolve the name itself, after the check, so proxies are not supported. ``NO_PROXY`` is
    honoured: a host it exempts names no variable.
    """
    import urllib.request

    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    scheme = parts.scheme.lower()
    if scheme not in proxies and "all" not in proxies:
        return None
    if parts.hostname and urllib.request.proxy_bypass_environment(parts.hostname, proxies):
        return None
    name = f"{scheme}_proxy" if scheme in proxies else "all_proxy"
    upper = name.upper()
    return upper if upper in os.environ else name


def proxy_note(variable: str) -> str:
    """What to tell a user whose proxy variable was not used."""
    return (f"{variable} is set, but summarize fetches URLs directly, never through a proxy (it connects only to "
            "the address it checked); where only the proxy reaches the web, download the page (curl, a browser) "
            "and give summarize the file.")


@dataclass(frozen=True)
class _Job:
    """One fetch: what each of its attempts and hops needs."""

    client: httpx.Client
    url: str
    settings: FetchSettings
    deadline: Deadline
    backend: PinnedBackend | None
    media_types: tuple[str, ...]


def _fetch_retrying(job: _Job) -> Fetched:
    attempt = 0
    while True:
        try:
            return _fetch_following(job)
        except _Retryable as exc:
            attempt += 1
            if attempt > job.settings.retries:
                raise FetchError(
                    f"{job.url}: {exc.reason} after {attempt} attempts",
                    source=job.url,
                    status_code=exc.status_code,
                    hint=exc.hint,
                ) from None
            wait = exc.retry_after if exc.retry_after is not None else job.settings.backoff * 2 ** (attempt - 1)
            if wait > job.deadline.remaining():
                raise FetchError(
                    f"{job.url}: {exc.reason}; giving up within the {job.settings.total_timeout:g} s limit",
                    source=job.url,
                    status_code=exc.status_code,
                ) from None
            time.sleep(wait)


class _Retryable(Exception):
    def __init__(
        self, reason: str, status_code: int | None = None, retry_after: float | None = None, hint: str | None = None
    ):
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retry_after = retry_after
        self.hint = hint or "The server may be busy or down; try again later."


def _fetch_following(job: _Job) -> Fetched:
    import httpx

    current = job.url
    for _ in range(job.settings.max_redirects + 1):
        _guard(current, job)
        try:
            with job.client.stream("GET", current) as response:
                if response.is_redirect:
                    current = _redirect_target(response, current, job.url)
                    continue
                return _read_response(response, job)
        except httpx.HTTPError as exc:
            raise _failure(exc, job) from None
        except UnicodeError as exc:  # httpx reads Location itself; an invalid IDNA name there fails so
            raise FetchError(
                f"{current}: the response has a header that cannot be decoded ({exc})",
                source=job.url,
                hint="The server sent a malformed header; try again later or save the page to a file.",
            ) from None
    raise FetchError(
        f"{job.url}: more than {job.settings.max_redirects} redirects",
        source=job.url,
        hint="The page redirects in a loop or too many times.",
    )


def _failure(exc: httpx.HTTPError, job: _Job) -> Exception:
    """The error to raise (or, for a :class:`_Retryable`, to retry on) for an httpx error."""
    import httpx

    if job.deadline.expired():
        return _too_slow(job)
    tls = _ssl_cause(exc)
    if tls is not None:
        detail = getattr(tls, "verify_message", None) or tls.reason or str(tls)
        return FetchError(
            f"{job.url}: TLS error: {detail}",
            source=job.url,
            hint="The site's certificate is not valid for its name, or it does not speak https on that port.",
        )
    if isinstance(exc, httpx.DecodingError):
        return FetchError(
            f"{job.url}: the body could not be decoded ({exc})",
            source=job.url,
            hint="The server's Content-Encoding header does not match the body it sent.",
        )
    if isinstance(exc, httpx.RemoteProtocolError) and "location header" in str(exc).lower():
        # httpx parses Location before handing the response back; a broken one will not mend on retry
        return _bad_redirect(job.url, job.url, str(exc))
    if isinstance(exc, httpx.TimeoutException):
        return _Retryable(f"timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.ProtocolError):
        # usually a broken server, but a proxy or a cut connection can garble one reply, so it is retried
        hint = "The server's reply was cut short or is not valid HTTP; check the URL and port, or try again later."
        return _Retryable(f"network error: {exc or type(exc).__name__}", hint=hint)
    if isinstance(exc, httpx.TransportError):
        return _Retryable(f"network error: {exc or type(exc).__name__}")
    return FetchError(f"{job.url}: {type(exc).__name__}: {exc}", source=job.url)


def _too_slow(job: _Job) -> FetchError:
    return FetchError(
        f"{job.url}: download took longer than {job.settings.total_timeout:g} s",
        source=job.url,
        hint="The server answers too slowly or stalls; try again later.",
    )


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error behind ``exc`` (httpx and httpcore each wrap it once), if there is one."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _redirect_target(response: httpx.Response, current: str, url: str) -> str:
    import httpx

    location = response.headers.get("location")
    if not location:
        raise FetchError(f"{current}: redirect without a Location header", source=url)
    try:
        return str(response.url.join(location))
    except (httpx.InvalidURL, ValueError) as exc:
        raise _bad_redirect(current, url, f"{location!r}: {exc}") from None


def _bad_redirect(current: str, url: str, detail: str) -> FetchError:
    return FetchError(
        f"{current}: redirect to an invalid URL ({detail})",
        source=url,
        hint="The server sent a broken Location header; try the address it meant directly.",
    )


def _read_response(response: httpx.Response, job: _Job) -> Fetched:
    url, settings = job.url, job.settings
    status = response.status_code
    if status in RETRY_STATUSES:
        raise _Retryable(f"HTTP {status}", status, _retry_after(response.headers.get("retry-after")))
    if status >= 400:
        raise FetchError(f"{url}: HTTP {status} {response.reason_phrase}", source=url, status_code=status)
    media_type, charset = _content_type(response.headers.get("content-type", ""))
    if media_type and media_type not in job.media_types:
        raise UnsupportedInputError(
            f"{url}: content type {media_type!r} is not an article",
            source=url,
            hint=f"Pages of these types can be summarized: {', '.join(job.media_types)}.",
        )
    declared = response.headers.get("content-length")
    # isdigit() alone also accepts digits such as '²' that int() refuses
    if declared and declared.isascii() and declared.isdigit() and int(declared) > settings.max_bytes:
        raise FetchError(f"{url}: body of {int(declared)} bytes exceeds the {settings.max_bytes}-byte cap", source=url)
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > settings.max_bytes:
            wire = response.num_bytes_downloaded
            if wire and len(body) > BOMB_RATIO * wire:
                raise FetchError(
                    f"{url}: {wire} compressed bytes expand past the {settings.max_bytes}-byte cap "
                    "(a decompression bomb?)",
                    source=url,
                )
            raise FetchError(
                f"{url}: body exceeds the {settings.max_bytes}-byte cap",
                source=url,
                hint="Raise the cap with --max-bytes if the page is really that large.",
            )
        if job.deadline.expired():
            raise _too_slow(job)
    return Fetched(url=str(response.url), content=bytes(body), media_type=media_type or "text/html", charset=charset)


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ").lower()
    return media_type.strip().lower(), charset


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, OverflowError, IndexError):
            return None
        return min(max(when - time.time(), 0.0), MAX_RETRY_AFTER)
    if math.isnan(seconds):  # float() takes 'nan', which would make time.sleep() raise
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _stack_errors() -> tuple[type[BaseException], ...]:
    """What the HTTP stack can raise besides the httpx errors :func:`_failure` handles."""
    import h11
    import httpcore
    import httpx

    return (
        httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict,
        httpcore.ProtocolError, httpcore.NetworkError, httpcore.TimeoutException, h11.ProtocolError,
        ssl.SSLError, OSError, ValueError,  # ValueError includes UnicodeError, e.g. from IDNA
    )


def _parse(current: str, url: str) -> httpx.URL:
    """``current`` parsed the way httpx will use it, if it is an http(s) URL with a host.

    Raises:
        UnsupportedInputError: another scheme, or no host.
        FetchError: not a valid URL.
    """
    import httpx

    try:
        target = httpx.URL(current)
        target.host  # noqa: B018 - decoding the IDNA name is what rejects an invalid one such as 'xn--'
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(f"{current}: not a valid URL: {exc}", source=url, hint="Check the URL for typos.") from None
    if target.scheme not in ("http", "https"):
        raise UnsupportedInputError(
            f"{current}: only http and https URLs can be fetched", source=url, hint="Save the page to a file instead."
        )
    if not target.raw_host:
        raise UnsupportedInputError(f"{current}: the URL has no host", source=url)
    if target.port is not None and not 0 < target.port < 65536:
        raise FetchError(f"{current}: port {target.port} is out of range (1-65535)", source=url)
    return target


def _guard(current: str, job: _Job) -> None:
    """Check ``current`` and, on the network, resolve its host once, check and pin every address.

    Raises:
        UnsupportedInputError: see :func:`_parse`.
        FetchError: invalid URL, unresolvable host, a non-public address, or no time left.
    """
    target = _parse(current, job.url)
    if job.backend is None:
        return  # a caller's transport (the test seam): nothing is resolved, as nothing connects
    host = target.raw_host.decode("ascii")
    port = target.port or (443 if target.scheme == "https" else 80)
    addresses = _resolve(current, host, port, job)
    if not job.settings.allow_private:
        _refuse_non_public(current, target.host, addresses, job.url)
    job.backend.pin(host, addresses)


def _resolve(current: str, host: str, port: int, job: _Job) -> list[str]:
    """Every address ``host`` resolves to, in order, once each.

    The lookup runs in a daemon thread: ``getaddrinfo`` takes no timeout, and a stuck resolver
    must not outlast the deadline.

    Raises:
        FetchError: the host does not resolve, or the deadline passed first.
    """
    outcome: dict[str, typing.Any] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (OSError, ValueError, OverflowError) as exc:  # ValueError: UnicodeError from IDNA
            outcome["error"] = exc

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(job.deadline.remaining(), 0.0))
    if worker.is_alive():
        raise _too_slow(job)
    addresses = [info[4][0] for info in outcome.get("infos", ()) if info[0] in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        reason = outcome.get("error", "no IPv4 or IPv6 address")
        raise FetchError(f"{current}: cannot resolve host {host!r}: {reason}", source=job.url)
    return list(dict.fromkeys(addresses))


def _refuse_non_public(current: str, host: str, addresses: list[str], url: str) -> None:
    """Raise if any of ``addresses`` is not globally reachable; one bad address taints the name.

    Raises:
        FetchError: naming the address (and the IPv4 address it wraps, if that is the bad one).
    """
    for text in addresses:
        address = ipaddress.ip_address(text)
        culprit = non_public(address)
        if culprit is not None:
            wraps = "" if culprit == address else f" (it wraps {culprit})"
            raise FetchError(
                f"{current}: {host} resolves to the non-public address {text}{wraps}",
                source=url,
                hint="Pass --allow-private to fetch from local or internal networks.",
            )
