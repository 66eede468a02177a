"""An engine that kills its own process on a marked input: the stand-in for a native crash.

:class:`CrashingSummarizer` summarizes as the extractive engine does, except that a text holding its
``marker`` makes it send its own process a signal (SIGILL, SIGSEGV, SIGABRT, SIGKILL), exactly as a
native library that executes a refused instruction or dereferences a bad pointer would die. It
declares ``native_code = True``, so the pipeline runs it in a worker process; the tests check that
the crash becomes that input's error record and nothing more. :func:`install` registers it as the
``crashing`` summarizer and translator; ``python -m summarize.testing.crashing ARGS`` is ``summarize ARGS`` with it
registered (for a real ``summarize serve`` or ``batch`` process).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backends.base import LengthSpec, Summarizer, Translator
from ..backends.extractive import ExtractiveSummarizer
from ..registry import EngineInfo, Registry, default_registry

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["CrashingOptions", "CrashingSummarizer", "CrashingTranslator", "install", "main"]

DEFAULT_MARKER = "CRASH-THE-ENGINE"


@dataclass(frozen=True)
class CrashingOptions:
    """Attributes:
    signal: the signal the engine sends itself (``SIGILL``, ``SIGSEGV``, ``SIGABRT``, ``SIGKILL``).
    marker: the text that triggers it.
    on_load: crash while loading instead (every input meets it).
    """

    signal: str = "SIGILL"
    marker: str = DEFAULT_MARKER
    on_load: bool = False

    def validate(self) -> None:
        if self.signal not in ("SIGILL", "SIGSEGV", "SIGABRT", "SIGKILL", "SIGBUS", "SIGFPE"):
            raise ValueError(f"signal must be a signal that kills a process, not {self.signal!r}")


class _Dies:
    """What both crashing engines share: their options, and the moments they die."""

    engine = "crashing"
    batch_invariant = True
    native_code = True
    Options = CrashingOptions

    def __init__(self, config: SummarizeConfig | TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        self.options = CrashingOptions(**config.options)

    def _dies_loading(self) -> None:
        if self.options.on_load:
            _die(self.options.signal)

    def _dies_on(self, texts: Sequence[str]) -> None:
        if any(self.options.marker in text for text in texts):
            _die(self.options.signal)


class CrashingSummarizer(_Dies, Summarizer):
    """Extractive summaries, and a signal to its own process for a text holding the marker."""

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.inner = ExtractiveSummarizer(None, runtime, langid=langid)

    def load(self) -> None:
        self._dies_loading()
        self.inner.load()

    def summarize(self, texts: Sequence[str], lang: str, length: LengthSpec, *,
                  warnings: list[str] | None = None) -> list[str]:
        self._dies_on(texts)
        return self.inner.summarize(texts, lang, length, warnings=warnings)

    def describe(self) -> dict[str, str]:
        return {"engine": self.engine, "model": f"dies with {self.options.signal}"}


class CrashingTranslator(_Dies, Translator):
    """A "translation" that copies each text, and a signal to its own process for a text holding the marker."""

    keeps_placeholders = True

    def load(self, direction: str | None = None) -> None:
        self._dies_loading()

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        self._dies_on(texts)
        if warnings is not None:
            warnings.append(f"copied {len(texts)} text(s) from {src} to {tgt}")
        return list(texts)


def _die(name: str) -> None:
    number = signal.Signals[name]
    if number != signal.SIGKILL:  # (whose handling cannot be changed)
        signal.signal(number, signal.SIG_DFL)  # Python's own handlers (SIGSEGV's faulthandler) stand aside
    os.kill(os.getpid(), number)


def install(reg: Registry) -> Registry:
    """Register the ``crashing`` engines in ``reg`` (build the pipeline with it); return ``reg``.

    The classes are named by their module path, not given as objects: run as ``python -m``, this
    module is ``__main__``, a name a worker process could not import.
    """
    for role, cls in (("summarize", "CrashingSummarizer"), ("translate", "CrashingTranslator")):
        reg.add_engine(EngineInfo("crashing", role, f"summarize.testing.crashing:{cls}",
                                  description="kills itself on a marked input [tests]"), replace=True)
    return reg


def main() -> None:
    """``summarize ARGS`` (from ``sys.argv``) with the ``crashing`` engine registered."""
    reg = install(default_registry())
    from .._entry import main as entry_main

    entry_main(registry=reg)


if __name__ == "__main__":
    main()
