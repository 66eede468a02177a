"""The console script: stopping signals handled from the first moment, before the heavy imports.

Importing the command line (Click, the configuration, the registry) takes a noticeable time; a
SIGTERM or SIGHUP in that window would otherwise kill the process with the bare default (-15, no
message). :func:`main` installs handlers first, so a stop at any moment exits with the signal's
conventional code (143, 129) and, for a batch whose output already exists, the command that
resumes it. Once ``summarize batch`` starts, its own handlers take over (they finish the group in
the models first); this module only covers the moments before and after.
"""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["EarlyStop", "install", "main", "resume_hint"]


class EarlyStop(BaseException):
    """SIGTERM or SIGHUP outside the batch run's own handlers.

    A ``BaseException`` (not ``KeyboardInterrupt``): it passes through Click, which would turn a
    ``KeyboardInterrupt`` into "Aborted!" and exit 1, and through the per-input envelope.

    Args:
        signum: the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, frame: Any) -> None:
    raise EarlyStop(signum)


def install() -> None:
    """Make SIGTERM and SIGHUP raise :class:`EarlyStop` (a signal the process ignores stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) != signal.SIG_IGN:
            signal.signal(number, _raise)


def _batch_output(argv: list[str]) -> str | None:
    """The ``-o``/``--output`` of a ``batch`` command line, or ``None``."""
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


def resume_hint(argv: list[str]) -> str | None:
    """What to tell the user when a batch command line stopped early; ``None`` if not a batch with output."""
    output = _batch_output(argv)
    if output is None or not Path(output).exists():
        return None
    words = ["summarize", *[w for w in argv if w not in ("--resume", "--retry-failed", "--overwrite")], "--resume"]
    return (f"summarize: interrupted; {output} holds every record finished so far. Resume with:\n"
            f"  {shlex.join(words)}")


def main() -> None:
    """Console-script entry point (``summarize`` and ``python -m summarize``)."""
    install()
    try:
        from .cli import main as cli_main

        cli_main()
    except EarlyStop as stop:
        signal.signal(stop.signum, signal.SIG_DFL)  # a second signal while the hint is printed stops at once
        hint = resume_hint(sys.argv[1:])
        name = signal.Signals(stop.signum).name
        print(hint or f"summarize: stopped by {name}", file=sys.stderr)
        sys.exit(128 + stop.signum)
