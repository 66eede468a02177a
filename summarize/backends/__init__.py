"""Engines behind two small interfaces; each is imported only when a preset asks for it.

Which class implements an engine name is listed once, in :mod:`summarize.registry`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..registry import registry
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
    engine: Translator = _make("translate", config, runtime, langid)
    return engine


def make_summarizer(config: SummarizeConfig, runtime: RuntimeConfig, *,
                    langid: LanguageIdentifier | None = None) -> Summarizer:
    """Build (without loading) the summarizer the config names.

    Raises:
        ConfigError: for an engine no one registered.
    """
    engine: Summarizer = _make("summarize", config, runtime, langid)
    return engine


def _make(role: str, config: Any, runtime: RuntimeConfig, langid: LanguageIdentifier | None) -> Any:
    """The registered engine class of that role and name, built by the engine constructor contract."""
    return registry().engine(role, config.engine).load()(config, runtime, langid=langid)
