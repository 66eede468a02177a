"""Sources checked at the door, and outcomes put back in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..document import Result, Source
from ..errors import InputError, SummarizeError
from .scheduler import Outcome

__all__ = ["checked", "checked_sources", "in_order"]


def checked_sources(sources: Iterable[str | Source] | str | Source) -> Iterator[str | Source]:
    """The sources, checked at the door; a bare string or :class:`Source` is one source.

    A list or tuple is checked whole before any work starts; any other iterable (a generator over
    a million lines) item by item as it is read.

    Raises:
        TypeError: for something that is no source or no iterable of sources (``None``, bytes, a number).
        InputError: for an empty or blank string, which names nothing.
    """
    if isinstance(sources, (str, Source)):
        return iter([checked(sources)])
    if sources is None or isinstance(sources, (bytes, bytearray, memoryview)) or not isinstance(sources, Iterable):
        raise TypeError(f"sources must be a URL, a path, a Source, or an iterable of them, not {type(sources).__name__}"
                        " (for text in memory use Source.from_text(text); decode bytes first)")
    if isinstance(sources, Sequence):
        return iter([checked(s) for s in sources])
    return (checked(s) for s in sources)


def checked(source: object) -> str | Source:
    if isinstance(source, Source):
        return source
    if not isinstance(source, str):
        raise TypeError(f"each source must be a URL or path string or a Source, not {type(source).__name__} "
                        f"({source!r:.60}); for text in memory use Source.from_text(text)")
    if not source.strip():
        raise InputError("an empty string is not a source", source=source,
                         hint="Give a URL, a file path, '-' for stdin, or Source.from_text(text).")
    return source


def in_order(stream: Iterable[tuple[int, Source, Outcome]]) -> list[Result]:
    """Every outcome of a stream, in input order; the first failure (in that order) is raised."""
    outcomes = {position: outcome for position, _, outcome in stream}
    ordered = [outcomes[i] for i in range(len(outcomes))]
    for outcome in ordered:
        if isinstance(outcome, SummarizeError):
            raise outcome
    return ordered  # type: ignore[return-value]
