"""Engines behind two small interfaces; each is imported only when a preset asks for it.

Which class implements an engine name is listed once, in :mod:`summarize.registry`. An engine class
that runs native code able to kill its process (``native_code = True``: llama.cpp) is built and run
in a worker process (:mod:`.isolated`), so that a crash costs one input, not the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry import Registry, given_or_default
from .adapt import build_summarizer, build_translator
from .base import LengthSpec, Summarizer, Translator

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["LengthSpec", "Summarizer", "Translator", "make_summarizer", "make_translator"]


def make_translator(config: TranslateConfig, runtime: RuntimeConfig, *, langid: LanguageIdentifier | None = None,
                    registry: Registry | None = None) -> Translator:
    """Build (without loading) the translator the config names in ``registry`` (default: the built-in
    engines and the installed plugins').

    Raises:
        ConfigError: for an engine no one registered.
    """
    cls = given_or_default(registry).engine("translate", config.engine).load()
    if getattr(cls, "native_code", False):
        from .isolated import IsolatedTranslator

        return IsolatedTranslator(cls, config, runtime, langid)
    return build_translator(cls, config, runtime, langid)


def make_summarizer(config: SummarizeConfig, runtime: RuntimeConfig, *, langid: LanguageIdentifier | None = None,
                    registry: Registry | None = None) -> Summarizer:
    """Build (without loading) the summarizer the config names in ``registry`` (default: the built-in
    engines and the installed plugins').

    Raises:
        ConfigError: for an engine no one registered.
    """
    cls = given_or_default(registry).engine("summarize", config.engine).load()
    if getattr(cls, "native_code", False):
        from .isolated import IsolatedSummarizer

        return IsolatedSummarizer(cls, config, runtime, langid)
    return build_summarizer(cls, config, runtime, langid)

