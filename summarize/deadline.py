"""The per-input deadline, seen from inside the model work.

The pipeline runs each group of documents inside :func:`within`; the engines ask :func:`check`
between model calls (generation batches, map-reduce rounds) and give a subprocess no more than
:func:`remaining` seconds. Past the deadline, :func:`check` raises
:class:`~summarize.errors.DeadlineError`, which belongs to the input (or the group): the envelope
(:mod:`summarize.pipeline.envelope`) redoes a group's documents one at a time, so only the input
that is too slow gets the error. Outside :func:`within` there is no deadline and both calls are
free.

The deadline lives in a :class:`contextvars.ContextVar`, so each thread (and each Ray actor call)
sees only its own, and engines need no extra parameter to receive it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import DeadlineError

__all__ = ["DEADLINE_HINT", "DEFAULT_DEADLINE_S", "Deadline", "check", "current", "remaining", "within"]

DEFAULT_DEADLINE_S = 600.0  # one input, reading and model work together
DEADLINE_HINT = ("The input is too long or degenerate for this engine; shorten it, or give it more time with "
                 "--deadline SECONDS (Python: deadline=).")


@dataclass(frozen=True)
class Deadline:
    """A point in time (``time.monotonic()``) past which the work of ``label`` is abandoned.

    Args:
        at: the monotonic time of the deadline.
        seconds: the limit, as the user gave it (for messages).
        label: whose work it is (a source's label, or "a group of 16 inputs").
    """

    at: float
    seconds: float
    label: str

    def remaining(self) -> float:
        """Seconds left (0 when past)."""
        return max(0.0, self.at - time.monotonic())

    def error(self, stage: str) -> DeadlineError:
        """The error for work abandoned at ``stage``."""
        return DeadlineError(f"{self.label}: not done within the deadline of {self.seconds:g} s ({stage})",
                             source=self.label, hint=DEADLINE_HINT)


_CURRENT: ContextVar[Deadline | None] = ContextVar("summarize_deadline", default=None)


@contextmanager
def within(seconds: float, *, label: str, limit: float | None = None) -> Iterator[Deadline]:
    """Run the body under a deadline ``seconds`` from now.

    Args:
        seconds: the time the body may take.
        label: whose work it is, for the error message.
        limit: the limit to name in messages (default ``seconds``); the input's whole deadline
            when ``seconds`` is what is left of it after reading.
    """
    deadline = Deadline(time.monotonic() + seconds, seconds if limit is None else limit, label)
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def current() -> Deadline | None:
    """The deadline of the work in progress in this context, if any."""
    return _CURRENT.get()


def remaining() -> float | None:
    """Seconds left before the current deadline, or ``None`` when there is none."""
    deadline = _CURRENT.get()
    return None if deadline is None else deadline.remaining()


def check(stage: str) -> None:
    """Raise :class:`~summarize.errors.DeadlineError` when the current deadline has passed.

    Args:
        stage: what was about to start (``"translation"``, ``"summary"``), for the message.
    """
    deadline = _CURRENT.get()
    if deadline is not None and time.monotonic() >= deadline.at:
        raise deadline.error(stage)
