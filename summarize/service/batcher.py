"""Concurrent requests batched into the models together, behind a bounded door.

Requests arrive on many threads; the models run on one (the engines are not re-entrant, and a
batch of 16 documents costs far less than 16 batches of one). :class:`Batcher` collects what
arrives within a short window into one model call per pipeline, and :meth:`Batcher.admit` keeps
the number of requests inside the service bounded: past it a request is refused at once
(``429``) instead of queueing without end.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass

from ..pipeline.envelope import isolated
from ..pipeline.scheduler import Outcome
from ..reading.reader import Loaded
from .errors import BusyError

__all__ = ["Batcher", "ProcessGroup"]

ProcessGroup = Callable[[Sequence[Loaded]], list[Outcome]]
_STOP = object()


@dataclass
class _Item:
    key: Hashable
    process: ProcessGroup
    loaded: Loaded
    future: Future[Outcome]


class Batcher:
    """One model thread fed by many callers, in batches collected over a short window.

    Args:
        window: seconds to wait, after the first document, for others to join its batch.
        max_batch: documents in one batch at most.
        max_pending: requests admitted at once (see :meth:`admit`).
        deadline: seconds a request's model work may take, after its read (``None``: no limit).
    """

    def __init__(self, *, window: float, max_batch: int, max_pending: int, deadline: float | None = None) -> None:
        self.window = window
        self.deadline = deadline  # the model work of a request stops past it (an engine's worker is killed)
        self.max_batch = max_batch
        self.max_pending = max_pending
        self._queue: queue.Queue[object] = queue.Queue()
        self._lock = threading.Lock()
        self._pending = 0
        self._seconds_per_doc = 0.5  # running estimate, for Retry-After
        self._thread: threading.Thread | None = None
        self.batches = 0
        self.documents = 0

    def start(self) -> None:
        """Start the model thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="summarize-models", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Let the batch in the models finish, then stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    @property
    def pending(self) -> int:
        """Requests admitted and not yet answered."""
        return self._pending

    @contextmanager
    def admit(self) -> Iterator[None]:
        """Hold one of the ``max_pending`` places for the life of a request.

        Raises:
            BusyError: every place is taken; its ``retry_after`` estimates when one frees up.
        """
        with self._lock:
            if self._pending >= self.max_pending:
                wait = max(1, math.ceil(self._pending * self._seconds_per_doc / max(1, self.max_batch)))
                raise BusyError(f"the service is busy: {self._pending} requests are in progress",
                                retry_after=wait, hint=f"Retry after {wait} s, or use POST /v1/jobs for many articles.")
            self._pending += 1
        try:
            yield
        finally:
            with self._lock:
                self._pending -= 1

    def submit(self, key: Hashable, process: ProcessGroup, loaded: Loaded) -> Future[Outcome]:
        """Queue one loaded document for the models.

        Args:
            key: documents with equal keys may share a model call (same pipeline, same task).
            process: the model work over a group of documents with this key.
            loaded: ``(source, document or error, seconds)``.

        Returns:
            A future of the document's result or error; cancel it to drop the document if it has
            not reached the models yet. A run-level failure (a model missing) is its exception.
        """
        future: Future[Outcome] = Future()
        self._queue.put(_Item(key, process, loaded, future))
        return future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            items = [first] + self._collect()
            stop = _STOP in items
            live = [i for i in items if isinstance(i, _Item) and i.future.set_running_or_notify_cancel()]
            groups: dict[Hashable, list[_Item]] = {}
            for item in live:
                groups.setdefault(item.key, []).append(item)
            for group in groups.values():
                self._process(group)
            if stop:
                return

    def _collect(self) -> list[object]:
        """What else arrives within the window, up to a full batch."""
        items: list[object] = []
        end = time.monotonic() + self.window
        while len(items) + 1 < self.max_batch:
            left = end - time.monotonic()
            try:
                item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            items.append(item)
            if item is _STOP:
                break
        return items

    def _process(self, group: list[_Item]) -> None:
        start = time.perf_counter()
        try:
            outcomes = isolated(group[0].process, self.deadline)([i.loaded for i in group])
        except Exception as exc:  # noqa: BLE001 - a run-level failure (or a bug): every caller gets it
            for item in group:
                item.future.set_exception(exc)
            return
        for item, outcome in zip(group, outcomes, strict=True):
            item.future.set_result(outcome)
        elapsed = time.perf_counter() - start
        self._seconds_per_doc = 0.8 * self._seconds_per_doc + 0.2 * elapsed / len(group)
        self.batches += 1
        self.documents += len(group)
