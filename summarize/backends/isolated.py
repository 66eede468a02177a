"""The two engine interfaces over an engine that runs in a worker process (:mod:`.worker`).

An engine class sets ``native_code = True`` when its native code can kill the process it runs in
(llama.cpp: a build for another CPU dies with SIGILL; any C library can segfault or be OOM-killed).
:func:`summarize.backends.make_translator` then returns an :class:`IsolatedTranslator` (or
:class:`IsolatedSummarizer`): the engine is built a second time in a child process, from the same
class, configuration and runtime, and every method the pipeline calls runs there. Here stays an
unloaded copy, built by the same cheap constructor, that answers for the engine's attributes
(its name, flags, options). What the engine puts in ``warnings=`` comes back with its result.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .adapt import build_summarizer, build_translator
from .base import LengthSpec, Noted, Scored, Summarizer, Translator
from .worker import ProcessWorker

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["IsolatedSummarizer", "IsolatedTranslator"]


def _serve_translator(cls: type, config: TranslateConfig, runtime: RuntimeConfig, with_langid: bool) -> Translator:
    return build_translator(cls, config, runtime, _langid(with_langid))


def _serve_summarizer(cls: type, config: SummarizeConfig, runtime: RuntimeConfig, with_langid: bool) -> Summarizer:
    return build_summarizer(cls, config, runtime, _langid(with_langid))


def _langid(wanted: bool) -> LanguageIdentifier | None:
    if not wanted:
        return None
    from ..text.langid import LanguageIdentifier

    return LanguageIdentifier()


class _Remote:
    """What both proxies share: the worker, the local copy, and calls that carry warnings back.

    Args:
        cls: the engine class (``native_code = True``).
        config: its ``[translate]`` or ``[summarize]`` table.
        runtime: the ``[runtime]`` table.
        langid: the pipeline's language identifier (the worker builds its own).
    """

    local: Any
    worker: ProcessWorker
    _FLAGS: tuple[str, ...] = ("engine", "batch_invariant")  # the engine's attributes the pipeline reads
    _WORK: tuple[str, ...] = ()  # the methods that do its work (see ProcessWorker)

    def __init__(self, cls: type, config: Any, runtime: RuntimeConfig, langid: LanguageIdentifier | None = None) -> None:
        build, serve = self._builders()
        self.local = build(cls, config, runtime, langid)
        for name in self._FLAGS:
            setattr(self, name, getattr(self.local, name))
        self.worker = ProcessWorker(functools.partial(serve, cls, config, runtime, langid is not None),
                                    engine=self.local.engine, work=self._WORK)

    @staticmethod
    def _builders() -> tuple[Any, Any]:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        # the engine's own settings (options, model names); never a method: that would run here
        if name in ("local", "worker"):
            raise AttributeError(name)
        value = getattr(self.local, name)
        if callable(value):
            raise AttributeError(  # noqa: TRY004 - hasattr() must say False for it
                f"{type(self.local).__name__}.{name} runs in the engine's worker process; "
                                 "the isolated engine offers only the Translator/Summarizer methods")
        return value

    def _call(self, method: str, *args: Any, warnings: list[str] | None = None) -> Any:
        return self.worker.call(method, *args, warnings=warnings)

    def close(self) -> None:
        """Stop the worker process (the next call starts it again)."""
        self.worker.close()


class IsolatedTranslator(_Remote, Translator):
    """A translator whose engine runs in a worker process; a crash there is one input's error."""

    _FLAGS = ("engine", "keeps_placeholders", "protects_names", "confidence", "batch_invariant")
    _WORK = ("translate_scored",)

    @staticmethod
    def _builders() -> tuple[Any, Any]:
        return build_translator, _serve_translator

    def load(self, direction: str | None = None) -> None:
        self._call("load", direction)

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
        return list(self._call("translate_scored", list(texts), src, tgt, warnings=warnings))

    def describe(self, direction: str) -> dict[str, str]:
        return dict(self._call("describe", direction))

    def name_renderings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, str | None]:
        return dict(self._call("name_renderings", list(names), src, tgt))

    def translated_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        return set(self._call("translated_names", list(names), src, tgt))

    def protected_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        return set(self._call("protected_names", list(names), src, tgt))

    def placeholders(self, text: str, spans: Sequence[Any]) -> list[str]:
        return list(self._call("placeholders", text, list(spans)))


class IsolatedSummarizer(_Remote, Summarizer):
    """A summarizer whose engine runs in a worker process; a crash there is one input's error."""

    _WORK = ("summarize_noted",)

    @staticmethod
    def _builders() -> tuple[Any, Any]:
        return build_summarizer, _serve_summarizer

    def load(self) -> None:
        self._call("load")

    def summarize_noted(self, texts: Sequence[str], lang: str, length: LengthSpec, *,
                        warnings: list[str] | None = None) -> list[Noted]:
        return list(self._call("summarize_noted", list(texts), lang, length, warnings=warnings))

    def describe(self) -> dict[str, str]:
        return dict(self._call("describe"))
