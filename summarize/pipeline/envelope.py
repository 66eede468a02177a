"""Every input in its own envelope: what goes wrong with one input stays that input's error.

:func:`guarded_read` and :func:`isolated` wrap the scheduler's two callables. An unexpected
exception while reading one source becomes that source's :class:`~summarize.errors.UnexpectedError`;
a group of documents whose model work fails in a way that belongs to one input (a bad input, a
deadline, a bug) is redone one document at a time, so that only the input at fault gets the error.
Failures that stop every input alike (``per_input`` false: a missing model or engine, a device, a
configuration) still end the run, as they must: no input could succeed.

The model work of a group runs under the per-input deadline (:mod:`summarize.deadline`): the group
may take what is left of its members' deadline after their reads; past it, the group is redone one
document at a time, each with its own time, so a too-slow input gets its ``DeadlineError`` and its
neighbours their results. Tracebacks of unexpected errors go to the
``summarize`` logger at DEBUG level (``--debug`` shows them).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from .. import deadline as deadlines
from ..document import Source
from ..errors import SummarizeError, UnexpectedError
from ..reading.reader import Loaded
from .scheduler import Outcome, ProcessFn, ReadFn

__all__ = ["guarded_read", "isolated", "unexpected"]

LOG = logging.getLogger("summarize")
MIN_MODEL_S = 1.0  # model time an input gets even when its read used up nearly all of its deadline
DEBUG_HINT = "This is a bug in summarize; rerun with --debug for the traceback, and please report it."


def unexpected(exc: BaseException, source: Source, stage: str) -> UnexpectedError:
    """The error record of an exception nobody expected, its traceback logged."""
    LOG.debug("unexpected error while %s %s", stage, source.label, exc_info=exc)
    text = str(exc).strip().splitlines()
    detail = f": {text[0][:300]}" if text else ""
    return UnexpectedError(f"{source.label}: unexpected {type(exc).__name__} while {stage}{detail}", hint=DEBUG_HINT)


def guarded_read(read: ReadFn) -> ReadFn:
    """``read``, with any exception it lets through turned into the source's error."""

    def envelope(source: Source) -> Loaded:
        try:
            return read(source)
        except Exception as exc:  # noqa: BLE001 - the envelope: any failure is this input's alone
            return source, unexpected(exc, source, "reading"), 0.0

    return envelope


def isolated(process: ProcessFn, deadline: float | None = None) -> ProcessFn:
    """``process``, redone one document at a time when a group fails because of one of its inputs.

    Args:
        process: the model work over a group.
        deadline: seconds one input may take, reading and model work together (``None``: no limit).
    """

    def envelope(group: Sequence[Loaded]) -> list[Outcome]:
        try:
            if deadline is None:
                return process(group)
            label = group[0][0].label if len(group) == 1 else f"a group of {len(group)} inputs"
            left = max(MIN_MODEL_S, deadline - max(seconds for _, _, seconds in group))
            with deadlines.within(left, label=label, limit=deadline):
                return process(group)
        except SummarizeError as exc:
            if not exc.per_input:
                raise  # the run's failure (a model, an engine, a device): every input would meet it
            failure: BaseException = exc
        except Exception as exc:  # noqa: BLE001 - MemoryError, RecursionError and bugs alike
            failure = exc
        if len(group) > 1:
            return [outcome for one in group for outcome in envelope([one])]
        source = group[0][0]
        if isinstance(failure, SummarizeError):
            return [failure]
        return [unexpected(failure, source, "processing")]

    return envelope
