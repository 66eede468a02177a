"""Fetch a URL's bytes safely: timeouts, a streamed size cap, retries and content-type checks.

The only network access besides loading models. ``transport`` is the test seam: pass an
``httpx.MockTransport`` to fetch without a network.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .._version import __version__
from ..errors import FetchError, UnsupportedInputError
from ..registry import registry

if TYPE_CHECKING:
    import httpx

__all__ = ["FetchSettings", "Fetched", "fetch"]

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
) -> Fetched:
    """Download ``url`` within ``settings``' limits.

    Args:
        url: an http or https URL.
        settings: limits; defaults to :class:`FetchSettings`.
        transport: an httpx transport to use instead of the network (tests).

    Returns:
        The fetched body and its metadata.

    Raises:
        UnsupportedInputError: a scheme other than http/https, or a refused content type.
        FetchError: network failure, timeout, HTTP error, too large, private address.
    """
    import httpx

    settings = settings or FetchSettings()
    _check_url(url, settings, resolve=transport is None)
    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    deadline = time.monotonic() + settings.total_timeout
    with httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
    ) as client:
        attempt = 0
        while True:
            try:
                return _fetch_following(client, url, settings, deadline)
            except _Retryable as exc:
                attempt += 1
                if attempt > settings.retries:
                    raise FetchError(
                        f"{url}: {exc.reason} after {attempt} attempts",
                        source=url,
                        status_code=exc.status_code,
                        hint="The server may be busy or down; try again later.",
                    ) from None
                wait = exc.retry_after if exc.retry_after is not None else settings.backoff * 2 ** (attempt - 1)
                if time.monotonic() + wait > deadline:
                    raise FetchError(
                        f"{url}: {exc.reason}; giving up within the {settings.total_timeout:g} s limit",
                        source=url,
                        status_code=exc.status_code,
                    ) from None
                time.sleep(wait)


class _Retryable(Exception):
    def __init__(self, reason: str, status_code: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code
        self.retry_after = retry_after


def _fetch_following(client: httpx.Client, url: str, settings: FetchSettings, deadline: float) -> Fetched:
    import httpx

    current = url
    for _ in range(settings.max_redirects + 1):
        try:
            with client.stream("GET", current) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{current}: redirect without a Location header", source=url)
                    current = str(response.url.join(location))
                    _check_url(current, settings, resolve=not _is_mock(client))
                    continue
                return _read_response(response, url, settings, deadline)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"network error: {exc}") from None
    raise FetchError(
        f"{url}: more than {settings.max_redirects} redirects",
        source=url,
        hint="The page redirects in a loop or too many times.",
    )


def _read_response(response: httpx.Response, url: str, settings: FetchSettings, deadline: float) -> Fetched:
    status = response.status_code
    if status in RETRY_STATUSES:
        raise _Retryable(f"HTTP {status}", status, _retry_after(response.headers.get("retry-after")))
    if status >= 400:
        raise FetchError(f"{url}: HTTP {status} {response.reason_phrase}", source=url, status_code=status)
    media_type, charset = _content_type(response.headers.get("content-type", ""))
    if media_type and media_type not in registry().media_types():
        raise UnsupportedInputError(
            f"{url}: content type {media_type!r} is not an article",
            source=url,
            hint=f"Pages of these types can be summarized: {', '.join(registry().media_types())}.",
        )
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
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
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: download took longer than {settings.total_timeout:g} s", source=url)
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
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        return min(max(when - time.time(), 0.0), MAX_RETRY_AFTER)


def _is_mock(client: httpx.Client) -> bool:
    return type(client._transport).__name__ == "MockTransport"


def _check_url(url: str, settings: FetchSettings, *, resolve: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsupportedInputError(
            f"{url}: only http and https URLs can be fetched", source=url, hint="Save the page to a file instead."
        )
    if not parts.hostname:
        raise UnsupportedInputError(f"{url}: the URL has no host", source=url)
    if settings.allow_private or not resolve:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise FetchError(f"{url}: cannot resolve host {parts.hostname!r}: {exc}", source=url) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            raise FetchError(
                f"{url}: {parts.hostname} resolves to the non-public address {address}",
                source=url,
                hint="Pass --allow-private to fetch from local or internal networks.",
            )
