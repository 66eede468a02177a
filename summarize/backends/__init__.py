"""Engines behind two small interfaces; each is imported only when a preset asks for it.

Which class implements an engine name is listed once, in :mod:`summarize.registry`. An engine class
that runs native code able to kill its process (``native_code = True``: llama.cpp) is built and run
in a worker process (:mod:`.isolated`), so that a crash costs one input, not the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..registry import registry
from .adapt import build_summarizer, build_translator
from .base import LengthSpec, Summarizer, Translator

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["LengthSpec", "Summarizer", "Translator", "make_summarizer", "make_translator"]


def make_translator(config: TranslateConfig, runtime: RuntimeConfig, *,
                    langid: LanguageIdentifier | None = None) -> Translator:
    """Build (without loading) the translator the config names.

    Raises:
        ConfigError: for an engine no one registered.
    """
    cls = _engine_class("translate", config)
    if getattr(cls, "native_code", False):
        from .isolated import IsolatedTranslator

        return IsolatedTranslator(cls, config, runtime, langid)
    return build_translator(cls, config, runtime, langid)


def make_summarizer(config: SummarizeConfig, runtime: RuntimeConfig, *,
                    langid: LanguageIdentifier | None = None) -> Summarizer:
    """Build (without loading) the summarizer the config names.

    Raises:
        ConfigError: for an engine no one registered.
    """
    cls = _engine_class("summarize", config)
    if getattr(cls, "native_code", False):
        from .isolated import IsolatedSummarizer

        return IsolatedSummarizer(cls, config, runtime, langid)
    return build_summarizer(cls, config, runtime, langid)


def _engine_class(role: str, config: Any) -> type:
    """The registered engine class of that role and name."""
    return registry().engine(role, config.engine).load()
