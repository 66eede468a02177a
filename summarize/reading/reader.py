"""The reader: one object that turns sources into documents, below the pipeline.

It holds what reading needs and nothing else: the fetch limits, the transport (the test seam: an
``httpx.MockTransport`` fetches without a network) and the per-host limit, shared by every thread
that reads through it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from ..document import Document, Source
from ..errors import FetchError, SummarizeError
from ..registry import Registry, given_or_default
from .extract import load_document
from .fetch import FetchSettings, ignored_proxy, proxy_note

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_PER_HOST", "HostLimiter", "Loaded", "Reader"]

DEFAULT_PER_HOST = 2

Loaded = tuple[Source, Document | SummarizeError, float]
"""``(source, its document or its error, seconds spent reading)``."""


class HostLimiter:
    """At most ``per_host`` concurrent requests to any one host (politeness towards news sites).

    Args:
        per_host: the limit per host name.
    """

    def __init__(self, per_host: int = DEFAULT_PER_HOST) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def hold(self, url: str) -> Iterator[None]:
        """Block until the URL's host has a free slot; hold it for the ``with`` block."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with slot:
            yield


class Reader:
    """Reads sources (URLs, files, stdin, text) into documents; safe to share between threads.

    URLs are fetched directly, never through a proxy (see :func:`~summarize.reading.fetch.ignored_proxy`):
    when a proxy variable applies to a URL, its document says so in a warning, and a failed fetch
    says so in its hint.

    Args:
        settings: limits for fetching URLs.
        transport: an httpx transport used for URLs instead of the network (tests).
        per_host: concurrent requests to one host, across every thread using this reader.
        stdin: the stream ``-`` reads (default: the process's standard input).
        formats: the input formats (default: the built-in ones and the installed plugins'); a
            pipeline passes its own registry.
    """

    def __init__(self, settings: FetchSettings | None = None, *, transport: httpx.BaseTransport | None = None,
                 per_host: int = DEFAULT_PER_HOST, stdin: BinaryIO | None = None,
                 formats: Registry | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.formats = given_or_default(formats)
        self.transport = transport
        self.stdin = stdin
        self.limiter = HostLimiter(per_host)

    def with_per_host(self, per_host: int) -> Reader:
        """A reader like this one with another per-host limit (``self`` when it is the same)."""
        if per_host == self.limiter.per_host:
            return self
        return Reader(self.settings, transport=self.transport, per_host=per_host, stdin=self.stdin,
                      formats=self.formats)

    def read(self, source: Source) -> Document:
        """Read, fetch or take the source's text and reduce it to a document.

        Raises:
            InputError: (and subclasses) when the source cannot be read or holds no text; for an
                ``invalid`` manifest entry, its problem, naming the manifest and line.
        """
        if source.kind == "url":
            proxy = ignored_proxy(source.value) if self.transport is None else None
            with self.limiter.hold(source.value):
                try:
                    document = load_document(source, fetch_settings=self.settings, transport=self.transport,
                                             formats=self.formats)
                except FetchError as exc:
                    if proxy is not None:
                        exc.hint = f"{exc.hint} {proxy_note(proxy)}"
                    raise
            if proxy is None:
                return document
            return dataclasses.replace(document, warnings=(*document.warnings, proxy_note(proxy)))
        return load_document(source, stdin=self.stdin, formats=self.formats)

    def load(self, source: Source) -> Loaded:
        """Read one source, keeping a failure as its error object instead of raising it.

        Returns:
            ``(source, document or error, seconds)``.
        """
        start = time.perf_counter()
        try:
            document: Document | SummarizeError = self.read(source)
        except SummarizeError as exc:
            document = exc
        return source, document, time.perf_counter() - start
