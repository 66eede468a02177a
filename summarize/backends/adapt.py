"""Engines as the pipeline sees them: a registered class built by the engine constructor contract,
and plugins written to the duck-typed contract given the defaults of the base classes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import LengthSpec, Noted, Scored, Summarizer, Translator

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["build_summarizer", "build_translator"]


def build_translator(cls: type, config: TranslateConfig, runtime: RuntimeConfig,
                     langid: LanguageIdentifier | None = None) -> Translator:
    """``cls(config, runtime, langid=langid)``, as a :class:`Translator` whatever contract it follows."""
    engine = cls(config, runtime, langid=langid)
    return engine if isinstance(engine, Translator) else _PluginTranslator(engine)


def build_summarizer(cls: type, config: SummarizeConfig, runtime: RuntimeConfig,
                     langid: LanguageIdentifier | None = None) -> Summarizer:
    """``cls(config, runtime, langid=langid)``, as a :class:`Summarizer` whatever contract it follows."""
    engine = cls(config, runtime, langid=langid)
    return engine if isinstance(engine, Summarizer) else _PluginSummarizer(engine)


class _PluginTranslator(Translator):
    """A plugin translator written to the duck-typed contract (load, translate, describe, and
    optionally placeholders), given the defaults of :class:`Translator` for everything it lacks
    (scores, name renderings, the placeholder, name-protection and batch-invariance flags)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner  # the plugin's own object
        self.engine = getattr(inner, "engine", type(inner).__name__)
        for name in ("keeps_placeholders", "protects_names", "confidence", "batch_invariant"):
            if hasattr(inner, name):
                setattr(self, name, getattr(inner, name))

    def __getattr__(self, name: str) -> Any:  # anything else the plugin offers
        return getattr(self.inner, name)

    def load(self, direction: str | None = None) -> None:
        if hasattr(self.inner, "load"):
            self.inner.load(direction)

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        return list(self.inner.translate(texts, src, tgt, warnings=warnings))

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
        # a plugin's own Scored outputs carry their notes; without translate_scored it has none
        if hasattr(self.inner, "translate_scored"):
            return list(self.inner.translate_scored(texts, src, tgt, warnings=warnings))
        return super().translate_scored(texts, src, tgt, warnings=warnings)

    def describe(self, direction: str) -> dict[str, str]:
        return dict(self.inner.describe(direction)) if hasattr(self.inner, "describe") else super().describe(direction)

    def name_renderings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, str | None]:
        if hasattr(self.inner, "name_renderings"):
            return dict(self.inner.name_renderings(names, src, tgt))
        return {}

    def translated_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        if hasattr(self.inner, "translated_names"):
            return set(self.inner.translated_names(names, src, tgt))
        return set()

    def protected_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        if hasattr(self.inner, "protected_names"):
            return set(self.inner.protected_names(names, src, tgt))
        return set()

    def placeholders(self, text: str, spans: Sequence[Any]) -> list[str]:
        if hasattr(self.inner, "placeholders"):
            return list(self.inner.placeholders(text, spans))
        return super().placeholders(text, spans)


class _PluginSummarizer(Summarizer):
    """A plugin summarizer written to the duck-typed contract (``summarize``, and optionally ``load``,
    ``describe`` and ``summarize_noted``), given the defaults of :class:`Summarizer` for the rest: without
    ``summarize_noted`` its summaries have no notes, and what it puts in ``warnings=`` stays call-level."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner  # the plugin's own object
        self.engine = getattr(inner, "engine", type(inner).__name__)
        self.batch_invariant = bool(getattr(inner, "batch_invariant", False))

    def __getattr__(self, name: str) -> Any:  # anything else the plugin offers
        return getattr(self.inner, name)

    def load(self) -> None:
        if hasattr(self.inner, "load"):
            self.inner.load()

    def summarize(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[str]:
        return list(self.inner.summarize(texts, lang, length, warnings=warnings))

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        if hasattr(self.inner, "summarize_noted"):
            return list(self.inner.summarize_noted(texts, lang, length, warnings=warnings))
        return super().summarize_noted(texts, lang, length, warnings=warnings)

    def describe(self) -> dict[str, str]:
        return dict(self.inner.describe()) if hasattr(self.inner, "describe") else super().describe()
