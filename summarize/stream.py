"""Stream many sources through one pipeline: reading on a thread pool, model work in groups.

Reading (fetching URLs, extracting HTML) runs on worker threads, at most ``per_host`` requests to
one host at a time, while the calling thread runs the model stages over groups of loaded
documents (the pipeline batches sentences and summaries across a group's documents, sorted by
length). Identical texts (same content hash and language hint) are processed once: the copies
get the first one's outcome under their own id and source.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .document import Document, Result, Source, content_hash
from .errors import SummarizeError
from .extract import load_document

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = [
    "DEFAULT_BATCH_DOCS",
    "DEFAULT_PER_HOST",
    "DEFAULT_WORKERS",
    "HostLimiter",
    "Loaded",
    "Outcome",
    "as_source",
    "load_one",
    "process_stream",
]

DEFAULT_BATCH_DOCS = 16
DEFAULT_WORKERS = 8
DEFAULT_PER_HOST = 2
FILL_WAIT_S = 0.25  # how long a partial group waits for more documents before the models start on it
DEDUP_MEMORY = 4096  # recent outcomes kept for copying to duplicates; the text cache covers older ones

Loaded = tuple[Source, Document | SummarizeError, float]
Outcome = Result | SummarizeError


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


def as_source(value: str | Source, source_lang: str | None = None) -> Source:
    """A :class:`Source` for a command-line style string (or the source itself), with a default language."""
    source = value if isinstance(value, Source) else Source.parse(value)
    if source_lang and not source.lang:
        source = dataclasses.replace(source, lang=source_lang)
    return source


def load_one(pipeline: Pipeline, source: Source, limiter: HostLimiter | None = None) -> Loaded:
    """Read one source into a document, keeping a failure as its error object.

    Returns:
        ``(source, document or error, seconds)``.
    """
    start = time.perf_counter()
    try:
        if source.kind == "url" and limiter is not None:
            with limiter.hold(source.value):
                document: Document | SummarizeError = load_document(
                    source, fetch_settings=pipeline.fetch_settings, transport=pipeline.transport)
        else:
            document = load_document(source, fetch_settings=pipeline.fetch_settings, transport=pipeline.transport)
    except SummarizeError as exc:
        document = exc
    return source, document, time.perf_counter() - start


def copy_outcome(outcome: Outcome, source: Source, seconds: float) -> Outcome:
    """The outcome of an identical text, re-labelled for another input."""
    if isinstance(outcome, Result):
        return dataclasses.replace(outcome, id=source.id, source=source.label, warnings=list(outcome.warnings),
                                   timings={"load": round(seconds, 4)})
    return copy.copy(outcome)


def process_stream(
    pipeline: Pipeline,
    sources: Iterable[Source],
    *,
    batch_docs: int = DEFAULT_BATCH_DOCS,
    workers: int = DEFAULT_WORKERS,
    per_host: int = DEFAULT_PER_HOST,
    stop: Callable[[], bool] | None = None,
) -> Iterator[tuple[Source, Outcome]]:
    """Yield ``(source, result or error)`` for every source, as groups of them complete.

    Args:
        pipeline: does the model work.
        sources: the inputs; read lazily, so a long iterable is never held in memory at once.
        batch_docs: documents per model group.
        workers: reader threads.
        per_host: concurrent requests per host.
        stop: polled between groups; when it returns true, no new input is started, the group in
            the models finishes and is yielded, and the stream ends (unyielded inputs are simply
            not done).

    Raises:
        SummarizeError: a run-level failure (a model missing, a device error): no document could
            be processed, so the stream stops instead of failing every input the same way.
    """
    if batch_docs < 1 or workers < 1:
        raise ValueError("batch_docs and workers must be at least 1")
    return _Streamer(pipeline, sources, batch_docs, workers, per_host, stop or (lambda: False)).run()


class _Streamer:
    def __init__(self, pipeline: Pipeline, sources: Iterable[Source], batch_docs: int, workers: int,
                 per_host: int, stop: Callable[[], bool]) -> None:
        self.pipeline = pipeline
        self.sources = iter(sources)
        self.batch_docs = batch_docs
        self.workers = workers
        self.limiter = HostLimiter(per_host)
        self.stop = stop
        self.window = 2 * batch_docs + workers  # loads in flight or waiting: bounds memory
        self.ready: list[Loaded] = []
        self.followers: dict[tuple[str, str | None], list[Loaded]] = {}
        self.recent: OrderedDict[tuple[str, str | None], Outcome] = OrderedDict()

    def run(self) -> Iterator[tuple[Source, Outcome]]:
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="summarize-load")
        pending: set[Future[Loaded]] = set()
        exhausted = False
        try:
            while True:
                while not exhausted and not self.stop() and len(pending) + len(self.ready) < self.window:
                    source = next(self.sources, None)
                    if source is None:
                        exhausted = True
                    else:
                        pending.add(pool.submit(load_one, self.pipeline, source, self.limiter))
                if self.stop():
                    break
                if not pending and not self.ready:
                    return
                timeout = 0.0 if len(self.ready) >= self.batch_docs else (FILL_WAIT_S if self.ready else None)
                finished, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED) if pending \
                    else (set(), pending)
                for future in finished:
                    yield from self._arrived(future.result())
                if len(self.ready) >= self.batch_docs or (self.ready and (not finished or not pending)):
                    group, self.ready = self.ready[: self.batch_docs], self.ready[self.batch_docs :]
                    yield from self._process(group)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _arrived(self, loaded: Loaded) -> Iterator[tuple[Source, Outcome]]:
        source, document, seconds = loaded
        if isinstance(document, SummarizeError):
            yield source, document
            return
        key = (content_hash(document.text), source.lang)
        if key in self.recent:
            self.recent.move_to_end(key)
            yield source, copy_outcome(self.recent[key], source, seconds)
        elif key in self.followers:
            self.followers[key].append(loaded)
        else:
            self.followers[key] = []
            self.ready.append(loaded)

    def _process(self, group: list[Loaded]) -> Iterator[tuple[Source, Outcome]]:
        outcomes = self.pipeline.process(group)
        for (source, document, _), outcome in zip(group, outcomes, strict=True):
            assert isinstance(document, Document)
            key = (content_hash(document.text), source.lang)
            self.recent[key] = outcome
            if len(self.recent) > DEDUP_MEMORY:
                self.recent.popitem(last=False)
            yield source, outcome
            for follower, _, seconds in self.followers.pop(key, []):
                yield follower, copy_outcome(outcome, follower, seconds)
