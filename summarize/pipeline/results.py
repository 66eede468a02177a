"""What the stages made of a document, as the :class:`~summarize.document.Result` every entry point returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..document import Confidence, Result, Translation, content_hash
from .work import Work

if TYPE_CHECKING:
    from ..backends.base import ConfidenceMeasure

__all__ = ["result_of", "reuse"]


def result_of(item: Work, measure: ConfidenceMeasure | None) -> Result:
    """The record of a document that went through the stages (``measure``: the translator's confidence, if any)."""
    doc = item.document
    translation = None
    if item.translated:
        has_title = doc.title is not None
        translation = Translation(
            lang=item.target,
            title=item.translated[0] if has_title else None,
            text="\n\n".join(item.translated[1:] if has_title else item.translated),
        )
    confidence = None if measure is None or not item.scored else Confidence(
        measure.name, measure.low_below, tuple(item.scored))
    return Result(
        source=item.source.label,
        source_lang=item.lang,
        title=doc.title,
        text=doc.text,
        summaries={k: item.summaries[k] for k in ("en", "es") if k in item.summaries},
        translation=translation,
        engines=item.engines,
        warnings=list(dict.fromkeys(item.warnings)),
        timings=item.timings,
        id=item.source.id,
        content_hash=content_hash(doc.text),
        meta=doc.meta.merged(item.source.meta) if item.source.meta else doc.meta,
        names=item.names.to_json() if item.names else [],
        name_finder=item.names.finder if item.names else None,
        removed=[r.to_json() for r in doc.removed],
        confidence=confidence,
        low_confidence=confidence.low if confidence else [],
    )


def reuse(result: Result, original: str, similarity: float, work: dict[str, Any]) -> Result:
    """A near-copy's result: its own text and metadata, the original's translation and summaries."""
    translation = work.get("translation")
    if isinstance(translation, dict):
        translation = Translation(**translation)
    result.translation = translation
    result.summaries = dict(work.get("summaries") or {})
    result.engines = {**(work.get("engines") or {}), **result.engines}  # its own language id and pipeline
    result.duplicate_of = original
    result.warnings.append(f"a near-copy of {original} (similarity {similarity:.2f}): its translation and "
                           "summaries are that article's")
    return result
