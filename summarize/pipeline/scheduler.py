"""Overlap reading with model work: sources read on a thread pool, model work in groups.

The scheduler knows two callables, not a pipeline: ``read`` turns a source into ``(source,
document or error, seconds)`` (a :class:`~summarize.reading.Reader`'s ``load``) and runs on worker
threads, while the calling thread hands groups of loaded documents to ``process``, which returns
one outcome per document (the pipeline batches sentences and summaries across a group, sorted by
length). Identical texts (same content hash and language hint) are processed once: the copies get
the first one's outcome under their own id and source.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from ..document import Document, Result, Source, content_hash
from ..errors import DeadlineError, SummarizeError
from ..reading.reader import Loaded

__all__ = [
    "DEFAULT_BATCH_DOCS",
    "DEFAULT_WORKERS",
    "Outcome",
    "ProcessFn",
    "ReadFn",
    "copy_outcome",
    "process_stream",
]

DEFAULT_BATCH_DOCS = 16
DEFAULT_WORKERS = 8
DEFAULT_READ_TIMEOUT_S = 300.0  # reading one input (fetch included) may not take longer
FILL_WAIT_S = 0.25  # how long a partial group waits for more documents before the models start on it
DEDUP_MEMORY = 4096  # recent outcomes kept for copying to duplicates; the text cache covers older ones

Outcome = Result | SummarizeError
ReadFn = Callable[[Source], Loaded]
ProcessFn = Callable[[Sequence[Loaded]], list[Outcome]]


def copy_outcome(outcome: Outcome, source: Source, seconds: float, document: Document | None = None) -> Outcome:
    """The outcome of an identical text, re-labelled for another input.

    With the input's own ``document``, the copy keeps that input's title and metadata (two pages
    of one wire story differ in outlet and date) and names the original in ``duplicate_of``.
    """
    if isinstance(outcome, Result):
        copied = dataclasses.replace(outcome, id=source.id, source=source.label, warnings=list(outcome.warnings),
                                     timings={"load": round(seconds, 4)})
        if document is not None:
            copied.meta = document.meta.merged(source.meta) if source.meta else document.meta
            copied.title = document.title if document.title is not None else outcome.title
            copied.duplicate_of = outcome.duplicate_of or outcome.id or outcome.source
        return copied
    return copy.copy(outcome)


def process_stream(
    sources: Iterable[Source],
    *,
    read: ReadFn,
    process: ProcessFn,
    batch_docs: int = DEFAULT_BATCH_DOCS,
    workers: int = DEFAULT_WORKERS,
    stop: Callable[[], bool] | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT_S,
) -> Iterator[tuple[int, Source, Outcome]]:
    """Yield ``(position, source, result or error)`` for every source, as groups of them complete.

    Args:
        sources: the inputs; read lazily, so a long iterable is never held in memory at once.
        read: reads one source (on a worker thread); it returns a failure instead of raising it.
        process: the model work over a group of loaded documents, one outcome each, in order.
        batch_docs: documents per model group.
        workers: reader threads.
        stop: polled between groups; when it returns true, no new input is started, the group in
            the models finishes and is yielded, and the stream ends (unyielded inputs are simply
            not done).
        read_timeout: seconds one source may take to read; past them it gets a
            :class:`~summarize.errors.DeadlineError` and the stream goes on without waiting for it
            (a thread cannot be stopped: the read finishes, or not, on its own, and is ignored).

    Yields:
        In completion order: the source's position in ``sources``, the source and its outcome.

    Raises:
        SummarizeError: a run-level failure (a model missing, a device error) raised by
            ``process``: no document could be processed, so the stream stops instead of failing
            every input the same way.
    """
    if batch_docs < 1 or workers < 1 or read_timeout <= 0:
        raise ValueError("batch_docs and workers must be at least 1, read_timeout positive")
    return _Streamer(sources, read, process, batch_docs, workers, stop or (lambda: False), read_timeout).run()


_Slot = tuple[int, Loaded]
Done = tuple[int, Source, Outcome]


class _Streamer:
    def __init__(self, sources: Iterable[Source], read: ReadFn, process: ProcessFn, batch_docs: int, workers: int,
                 stop: Callable[[], bool], read_timeout: float) -> None:
        self.sources = enumerate(sources)
        self.read = read
        self.process = process
        self.batch_docs = batch_docs
        self.workers = workers
        self.stop = stop
        self.read_timeout = read_timeout
        self.window = 2 * batch_docs + workers  # loads in flight or waiting: bounds memory
        self.ready: list[_Slot] = []
        self.followers: dict[tuple[str, str | None], list[_Slot]] = {}
        self.recent: OrderedDict[tuple[str, str | None], Outcome] = OrderedDict()

    def run(self) -> Iterator[Done]:
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="summarize-load")
        pending: dict[Future[Loaded], tuple[int, Source, float]] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and not self.stop() and len(pending) + len(self.ready) < self.window:
                    item = next(self.sources, None)
                    if item is None:
                        exhausted = True
                    else:
                        pending[pool.submit(self.read, item[1])] = (item[0], item[1], time.monotonic())
                if self.stop():
                    break
                if not pending and not self.ready:
                    return
                timeout = 0.0 if len(self.ready) >= self.batch_docs else (FILL_WAIT_S if self.ready else None)
                if pending:
                    first_deadline = min(started for _, _, started in pending.values()) + self.read_timeout
                    until = max(0.0, first_deadline - time.monotonic())
                    timeout = until if timeout is None else min(timeout, until)
                finished = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED).done if pending else set()
                # reads that finished together join the group in input order, not a set's arbitrary one
                for future in sorted(finished, key=lambda f: pending[f][0]):
                    yield from self._arrived((pending.pop(future)[0], future.result()))
                yield from self._overdue(pending)
                if len(self.ready) >= self.batch_docs or (self.ready and (not finished or not pending)):
                    group, self.ready = self.ready[: self.batch_docs], self.ready[self.batch_docs :]
                    yield from self._process(group)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _overdue(self, pending: dict[Future[Loaded], tuple[int, Source, float]]) -> Iterator[Done]:
        """Give up on the reads that passed their deadline: each gets its error record now."""
        now = time.monotonic()
        for future in [f for f, (_, _, started) in pending.items() if now - started >= self.read_timeout]:
            position, source, _ = pending.pop(future)
            future.cancel()
            yield position, source, DeadlineError(
                f"{source.label}: reading took longer than {self.read_timeout:g} s", source=source.label,
                hint="The source is too slow or stuck; try it again later, or raise --read-timeout.")

    def _arrived(self, slot: _Slot) -> Iterator[Done]:
        position, (source, document, seconds) = slot
        if isinstance(document, SummarizeError):
            yield position, source, document
            return
        key = _identity(document, source)
        if key in self.recent:
            self.recent.move_to_end(key)
            yield position, source, copy_outcome(self.recent[key], source, seconds, document)
        elif key in self.followers:
            self.followers[key].append(slot)
        else:
            self.followers[key] = []
            self.ready.append(slot)

    def _process(self, group: list[_Slot]) -> Iterator[Done]:
        # a group goes to the models in input order, not in the order its reads finished: which of
        # two near-copies is the original (and which story an article opens) follows the inputs
        group = sorted(group, key=lambda slot: slot[0])
        outcomes = self.process([loaded for _, loaded in group])
        for (position, (source, document, _)), outcome in zip(group, outcomes, strict=True):
            assert isinstance(document, Document)
            key = _identity(document, source)
            self.recent[key] = outcome
            if len(self.recent) > DEDUP_MEMORY:
                self.recent.popitem(last=False)
            yield position, source, outcome
            for follower_position, (follower, copy_of, seconds) in self.followers.pop(key, []):
                copied = copy_of if isinstance(copy_of, Document) else None
                yield follower_position, follower, copy_outcome(outcome, follower, seconds, copied)


def _identity(document: Document, source: Source) -> tuple[str, str | None]:
    """When two inputs are the same document: the same text, and the same title, headings and
    removed furniture too (two pages may differ only in a byline that was taken out, and each
    record lists its own)."""
    parts = [document.title or "", document.text, repr(sorted(document.headings)),
             *(f"{r.kind}\t{r.text}" for r in document.removed)]
    return content_hash("\n\x00".join(parts)), source.lang
