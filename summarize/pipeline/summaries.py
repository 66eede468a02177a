"""The summary stage: each document summarized at the pipeline's length, the summary translated
into the other language, and both checked (facts the article does not contain; names and numbers
that differ between the two languages)."""

from __future__ import annotations

import time

from ..backends import LengthSpec
from ..text.facts import missing_facts, summary_differences
from ..text.langid import SUPPORTED_LANGUAGES, other_language
from ..text.segment import cut_words, split_sentences
from .stages import STAGES, call_size, confidences, engine_label
from .translate import DocumentTranslator
from .work import Stages, Work, body, body_units, text_in

__all__ = ["summarize_documents", "too_short", "within_budget"]


def summarize_documents(pipeline: Stages, items: list[Work]) -> None:
    """Summarize each document at the pipeline's length and translate the summary into the other language.

    ``pivot`` summarizes in English (a Spanish article through its translation); ``source`` in the
    article's own language. Every summary is checked against the article (facts it does not
    contain) and against its translation (names and numbers that differ)."""
    if pipeline.config.summarize.strategy == "pivot":
        # summarize in English: Spanish articles through their (already made) translation
        texts = [body(w.document) if w.lang == "en" else "\n".join(body_units(w)) for w in items]
        if items:
            _summarize_group(pipeline, items, texts, "en")
        return
    for lang in SUPPORTED_LANGUAGES:
        group = [w for w in items if w.lang == lang]
        if group:
            _summarize_group(pipeline, group, [body(w.document) for w in group], lang)


def _summarize_group(pipeline: Stages, group: list[Work], texts: list[str], lang: str) -> None:
    todo = [i for i, t in enumerate(texts) if not too_short(t, lang, pipeline.length)]
    if todo:
        STAGES.info("summarizing %s in %s (%s)", "the article" if len(todo) == 1 else f"{len(todo)} articles",
                    lang, engine_label(pipeline.summarizer.describe()))
    size = call_size(pipeline, len(group), pipeline.summarizer, pipeline.translator)
    for i in range(0, len(group), size):
        _summarize_part(pipeline, group[i : i + size], texts[i : i + size], lang, announce=len(group) if i == 0 else 0)


def _summarize_part(pipeline: Stages, group: list[Work], texts: list[str], lang: str, *, announce: int) -> None:
    """Summarize one engine call's documents and translate their summaries (``announce``: the
    group's size, to log the summary translation stage at its start; 0 for the later calls)."""
    length = pipeline.length
    start = time.perf_counter()
    shared: list[str] = []
    short = [i for i, t in enumerate(texts) if too_short(t, lang, length)]
    todo = [i for i in range(len(texts)) if i not in short]
    made = pipeline.summarizer.summarize_noted([texts[i] for i in todo], lang, length, warnings=shared)
    outputs = {i: summary.text for i, summary in zip(todo, made, strict=True)}
    for i, summary in zip(todo, made, strict=True):
        group[i].warnings.extend(summary.notes)  # about this article's summary alone
    for i in short:
        outputs[i] = " ".join(texts[i].split())
        group[i].warnings.append("the article is too short to summarize; its text is returned as the summary")
    per_doc = (time.perf_counter() - start) / len(group)
    for i, w in enumerate(group):
        w.summaries[lang] = within_budget(outputs[i], length, w.warnings)
        unsupported = missing_facts(w.summaries[lang], texts[i])
        if unsupported:
            w.warnings.append(f"the summary states {', '.join(unsupported)}, which the article does not contain: "
                              "check it against the article")
        w.warnings.extend(shared)
        w.timings["summarize"] = round(per_doc, 4)
        w.engines["summarize"] = pipeline.summarizer.describe()
    other = other_language(lang)
    if announce:
        STAGES.info("translating the summar%s %s-%s", "y" if announce == 1 else "ies", lang, other)
    start = time.perf_counter()
    translator = DocumentTranslator(pipeline.translator, glossary=pipeline.glossary)
    translated, scored = translator.translate_scored([[w.summaries[lang]] for w in group], lang, other,
                                                     names=[w.names for w in group])
    per_doc = (time.perf_counter() - start) / len(group)
    for w, out, sentences in zip(group, translated, scored, strict=True):
        w.summaries[other] = out[0]
        w.scored.extend(confidences("summary", sentences))
        differ = summary_differences(w.summaries[lang], w.summaries[other], text_in(w, other))
        if differ:
            w.warnings.append(f"the {lang} and {other} summaries differ in: {'; '.join(differ)}")
        w.timings["summary_translate"] = round(per_doc, 4)
        w.engines["summary_translate"] = pipeline.translator.describe(f"{lang}-{other}")


def too_short(text: str, lang: str, length: LengthSpec) -> bool:
    if len(text.split(maxsplit=length.word_budget)) > length.word_budget:
        return False  # whatever its sentences, longer than any summary may be
    if length.words:
        return True
    sentences = [s for p in text.split("\n") for s in split_sentences(p, lang) if s.strip()]
    return len(sentences) <= length.sentences


def within_budget(summary: str, length: LengthSpec, warnings: list[str]) -> str:
    """A summary no longer than the length allows, whatever the engine did (a text with no sentence ends
    comes back from a sentence-picking engine as one huge "sentence")."""
    cut = cut_words(summary, length.word_budget)
    if cut == " ".join(summary.split()):
        return summary
    warnings.append(f"the summary ran past {length.word_budget} words (the text has no sentence boundaries "
                    "there); it was cut at a word boundary")
    return cut
