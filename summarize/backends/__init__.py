"""Engines behind two small interfaces; each is imported only when a preset asks for it."""

from __future__ import annotations

from importlib import import_module

from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
from .base import LengthSpec, Summarizer, Translator

__all__ = ["LengthSpec", "Summarizer", "Translator", "make_summarizer", "make_translator"]

_TRANSLATORS = {
    "marian": ("marian", "MarianTranslator"),
    "apertium": ("apertium", "ApertiumTranslator"),
    "ctranslate2": ("ctranslate2", "CTranslate2Translator"),
}
_SUMMARIZERS = {
    "seq2seq": ("seq2seq", "Seq2SeqSummarizer"),
    "instruct": ("instruct", "InstructSummarizer"),
    "extractive": ("extractive", "ExtractiveSummarizer"),
    "ctranslate2": ("ctranslate2", "CTranslate2Summarizer"),
}


def make_translator(config: TranslateConfig, runtime: RuntimeConfig) -> Translator:
    """Build (without loading) the translator the config names."""
    module, name = _TRANSLATORS[config.engine]
    cls = getattr(import_module(f".{module}", __name__), name)
    return cls(config, runtime)  # type: ignore[no-any-return]


def make_summarizer(config: SummarizeConfig, runtime: RuntimeConfig) -> Summarizer:
    """Build (without loading) the summarizer the config names."""
    module, name = _SUMMARIZERS[config.engine]
    cls = getattr(import_module(f".{module}", __name__), name)
    return cls(config, runtime)  # type: ignore[no-any-return]
