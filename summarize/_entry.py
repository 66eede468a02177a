"""The console script: stopping signals handled from the first moment, before the heavy imports.

Importing the command line (Click, the configuration, the registry) takes a noticeable time; a
SIGTERM or SIGHUP in that window would otherwise kill the process with the bare default (-15, no
message). :func:`main` holds :func:`summarize.signals.raising` from its first line, so a stop at
any moment exits with the signal's conventional code (143, 129) and, for a batch whose output
already exists, the command that resumes it. Once ``summarize batch`` runs, it takes the signals
itself (the records in flight finish first); see :mod:`summarize.signals`.
"""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from . import signals

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["main"]


def main(registry: Registry | None = None) -> None:
    """Console-script entry point (``summarize`` and ``python -m summarize``).

    Args:
        registry: the engines and formats the commands offer (default: the built-in ones and the
            installed plugins'); a script that registers its own engines passes its copy.
    """
    try:
        with signals.raising():
            from .cli import main as cli_main

            cli_main(registry=registry)
    except signals.StopSignal as stop:  # the handlers are back to the default: a second signal stops at once
        hint = signals.resume_hint(sys.argv[1:])
        print(hint or f"summarize: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        sys.exit(signals.exit_status(stop.signum))
