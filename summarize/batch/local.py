"""The ``local`` batch engine: this process's reader threads and one pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .journal import to_record

if TYPE_CHECKING:
    from ..desk.duplicates import DuplicateIndex
    from ..document import Source
    from ..pipeline import Pipeline
    from .runner import BatchOptions

__all__ = ["local_records"]


def local_records(todo: Sequence[Source], pipeline: Pipeline, options: BatchOptions,
                  stop: Callable[[], bool] = lambda: False, *,
                  duplicates: DuplicateIndex | None = None) -> Iterator[dict[str, Any]]:
    """Process the inputs with ``pipeline`` here, yielding one record per input as each completes.

    With ``duplicates``, a near-copy of an earlier input reuses that input's model work.
    """
    for _, source, outcome in pipeline.stream(todo, batch_docs=options.batch_docs, workers=options.workers,
                                              per_host=options.per_host, stop=stop,
                                              read_timeout=options.read_timeout, deadline=options.deadline,
                                              duplicates=duplicates):
        yield to_record(source, outcome)
