"""spaCy's named entities on top of the rules, and the choice of finder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from ..segment import split_sentences
from .gazetteer import Gazetteer
from .rules import RuleNameFinder
from .values import NAME, DocumentNames, Name
from .words import LANGS

__all__ = ["SpacyNameFinder", "make_name_finder"]


class SpacyNameFinder(RuleNameFinder):
    """The rules plus spaCy's named entities (``es_core_news_sm``, ``en_core_web_sm``...).

    Args:
        models: per language, the spaCy pipeline to load.
        gazetteer: as for :class:`RuleNameFinder`.

    Raises:
        ImportError: (from :meth:`load`) when spaCy or a pipeline is not installed.
    """

    MODELS: ClassVar[dict[str, str]] = {"es": "es_core_news_sm", "en": "en_core_web_sm"}
    _LABELS: ClassVar[dict[str, str]] = {"PER": NAME, "PERSON": NAME, "ORG": NAME, "LOC": NAME, "GPE": NAME, "MISC": NAME, "NORP": ""}

    def __init__(self, models: Mapping[str, str] | None = None, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(gazetteer)
        self.models = dict(models or self.MODELS)
        self._nlp: dict[str, object] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        return "spacy " + ", ".join(self.models[lang] for lang in LANGS if lang in self.models)

    def load(self, lang: str) -> object:
        """The spaCy pipeline for ``lang``, loaded once."""
        if lang not in self._nlp:
            import spacy

            self._nlp[lang] = spacy.load(self.models[lang], disable=["parser", "lemmatizer"])
        return self._nlp[lang]

    def find(self, paragraphs: Sequence[str], lang: str, *, title: str | None = None) -> DocumentNames:
        nlp = self.load(lang)
        entities: list[Name] = []
        for paragraph in paragraphs:
            for ent in nlp(paragraph).ents:  # type: ignore[operator]
                kind = self._LABELS.get(ent.label_, NAME)
                if kind and ent.text[:1].isupper():
                    entities.append(Name(ent.text, kind))
        sentences = [s for p in paragraphs for s in split_sentences(p, lang) if s.strip()]
        names = self._names(sentences, [title] if title else [], lang, entities)
        return DocumentNames(lang, names, f"spacy {self.models[lang]}")


def make_name_finder(kind: str = "auto") -> RuleNameFinder:
    """The name finder to use: ``rules``, ``spacy``, or ``auto`` (spaCy when installed, else rules).

    Raises:
        ValueError: for another kind.
    """
    if kind == "rules":
        return RuleNameFinder()
    if kind not in ("auto", "spacy"):
        raise ValueError(f"unknown name finder {kind!r}; expected auto, rules or spacy")
    finder = SpacyNameFinder()
    try:
        for lang in LANGS:
            finder.load(lang)
    except (ImportError, OSError):  # spaCy missing (ImportError) or its pipeline not installed (OSError)
        if kind == "spacy":
            raise
        return RuleNameFinder()
    return finder
