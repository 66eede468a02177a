"""One document on its way through the model stages, and the parts of it the stages read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..document import Document, SentenceConfidence, Source
from ..text.names import DocumentNames

if TYPE_CHECKING:
    from ..backends import LengthSpec, Summarizer, Translator
    from ..config import PipelineConfig
    from ..text.glossary import Glossary
    from ..text.langid import LanguageIdentifier
    from ..text.names import RuleNameFinder

__all__ = ["Stages", "Work", "body", "body_paragraphs", "body_units", "count_langs", "text_in", "work_date", "work_key"]


class Stages(Protocol):
    """What the stages read of the pipeline that runs them (:class:`~summarize.pipeline.Pipeline` is one)."""

    @property
    def config(self) -> PipelineConfig: ...

    @property
    def translator(self) -> Translator: ...

    @property
    def summarizer(self) -> Summarizer: ...

    @property
    def langid(self) -> LanguageIdentifier: ...

    @property
    def glossary(self) -> Glossary | None: ...

    @property
    def name_finder(self) -> RuleNameFinder: ...

    @property
    def length(self) -> LengthSpec: ...


@dataclass
class Work:
    """One document on its way through the stages."""

    source: Source
    document: Document
    lang: str = ""
    target: str = ""
    translated: list[str] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    engines: dict[str, dict[str, str]] = field(default_factory=dict)
    names: DocumentNames | None = None
    scored: list[SentenceConfidence] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        """Title (if any) and paragraphs: what gets translated."""
        return ([self.document.title] if self.document.title else []) + list(self.document.paragraphs)


def count_langs(items: list[Work]) -> str:
    counts: dict[str, int] = {}
    for w in items:
        counts[w.lang] = counts.get(w.lang, 0) + 1
    if len(items) == 1:
        return items[0].lang
    return ", ".join(f"{lang} {n}" for lang, n in counts.items())


def work_key(source: Source) -> str:
    return str(source.id or source.label)


def work_date(item: Work) -> str | None:
    """The publication date the result will carry (the desk's near-copy originals rank by it)."""
    meta = item.document.meta.merged(item.source.meta) if item.source.meta else item.document.meta
    return meta.date


def text_in(item: Work, lang: str) -> str | None:
    """The article in a language, as written or as translated; ``None`` when there is none."""
    if item.lang == lang:
        return body(item.document)
    return "\n".join(body_units(item)) if item.translated and item.target == lang else None


def body(document: Document) -> str:
    return "\n".join(body_paragraphs(document))


def body_paragraphs(document: Document) -> list[str]:
    """The paragraphs without the headings: a heading is never part of a sentence or a summary."""
    return [p for i, p in enumerate(document.paragraphs) if i not in document.headings]


def body_units(item: Work) -> list[str]:
    units = item.translated[1:] if item.document.title else item.translated
    return [u for i, u in enumerate(units) if i not in item.document.headings]
