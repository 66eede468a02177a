"""Stopping signals, handled in one place: Ctrl-C, ``kill`` and schedulers' SIGTERM, a closed terminal's SIGHUP.

Two ways to take them, and the message that says how to go on:

* :func:`raising`: SIGTERM and SIGHUP raise :class:`StopSignal` (Ctrl-C already raises
  ``KeyboardInterrupt``), so whatever runs unwinds and the caller exits with 128 + N. The console
  script holds it from its very first line (before the heavy imports) to the end; ``summarize
  batch`` holds it too, so its exit and message are the same under Click's test runner.
* :func:`graceful`: the first signal only asks the run to stop (the records in flight finish);
  a second one stops at once. ``run_batch`` holds it while records stream in.

A signal the process ignores (``nohup``'s SIGHUP) stays ignored by both. Only the main thread can
install handlers; elsewhere both are no-ops.

:func:`resume_command` builds the command line that continues a batch run, and
:func:`interrupted_message` the whole message; both work from the words of the command line,
taken from ``sys.argv`` before Click has parsed anything, or from Click's parsed parameters.
"""

from __future__ import annotations

import shlex
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "STOP_SIGNALS",
    "StopSignal",
    "batch_output",
    "exit_status",
    "graceful",
    "interrupted_message",
    "raising",
    "resume_command",
    "resume_hint",
]

# The signals that ask a run to stop, in the order they are installed.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
# The options a resumed run drops: it continues, it does not start again.
_RUN_MODE_OPTIONS = ("--resume", "--retry-failed", "--overwrite")


class StopSignal(BaseException):
    """SIGTERM or SIGHUP under :func:`raising` (Ctrl-C stays Python's ``KeyboardInterrupt``).

    A ``BaseException``, not an ``Exception``: it passes through the per-input envelope and
    through Click, which would turn a ``KeyboardInterrupt`` into "Aborted!" and exit 1.

    Args:
        signum: the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_status(signum: int) -> int:
    """The conventional exit status of a process stopped by ``signum``: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP."""
    return 128 + int(signum)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def _handlers(signals: Sequence[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """``handler`` for each of ``signals`` not ignored, the previous handlers back afterwards."""
    previous: dict[int, Any] = {}
    try:
        if _in_main_thread():
            for number in signals:
                if signal.getsignal(number) != signal.SIG_IGN:  # under nohup, SIGHUP must not stop anything
                    previous[number] = signal.signal(number, handler)
        yield
    finally:
        while previous:
            number, old = previous.popitem()
            signal.signal(number, signal.SIG_DFL if old is None else old)  # None: set outside Python


def _raise(signum: int, frame: Any) -> None:
    raise StopSignal(signum)


@contextmanager
def raising() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`StopSignal`; on leaving, the old handlers return.

    Leaving restores them before the caller reports the stop, so a second signal while the
    message is printed stops the process at once, as the default does.
    """
    with _handlers([s for s in STOP_SIGNALS if s != signal.SIGINT], _raise):
        yield


@contextmanager
def graceful(stop: threading.Event, notice: Callable[[str], None]) -> Iterator[list[int]]:
    """First stopping signal: set ``stop`` (the work in flight finishes). Second: ``KeyboardInterrupt`` at once.

    Args:
        stop: set by the first signal.
        notice: receives one line saying what happens now.

    Yields:
        A list that receives the first signal's number (empty if none came).
    """
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        received.append(signum)
        if signum == signal.SIGINT:
            notice("stopping after the articles in progress (Ctrl-C again to stop now)")
        else:
            name = signal.Signals(signum).name
            notice(f"got {name}: stopping after the articles in progress ({name} again to stop now)")

    with _handlers(STOP_SIGNALS, handler):
        yield received


def batch_output(argv: Sequence[str]) -> str | None:
    """The ``-o``/``--output`` of a ``batch`` command line given as words, or ``None``."""
    if "batch" not in argv:
        return None
    for i, word in enumerate(argv):
        if word in ("-o", "--output") and i + 1 < len(argv):
            return argv[i + 1]
        if word.startswith("--output="):
            return word.split("=", 1)[1]
        if word.startswith("-o") and len(word) > 2 and not word.startswith("--"):
            return word[2:]
    return None


def resume_command(argv: Sequence[str]) -> str:
    """The command line that continues a batch run: its words without a run-mode option, plus ``--resume``.

    Args:
        argv: the words after the program's name (``["batch", "m.jsonl", "-o", "out.jsonl"]``).
    """
    return shlex.join(["summarize", *[w for w in argv if w not in _RUN_MODE_OPTIONS], "--resume"])


def interrupted_message(output: str, argv: Sequence[str]) -> str:
    """What to say when a batch run writing ``output`` stopped early: where the records are, how to go on."""
    return (f"summarize: interrupted; {output} holds every record finished so far. Resume with:\n"
            f"  {resume_command(argv)}")


def resume_hint(argv: Sequence[str]) -> str | None:
    """:func:`interrupted_message` for a ``batch`` command line whose output exists; ``None`` otherwise
    (another command, or a run stopped before it wrote anything: there is nothing to resume)."""
    output = batch_output(argv)
    if output is None or not Path(output).exists():
        return None
    return interrupted_message(output, argv)
