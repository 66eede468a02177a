"""Measure quality on the user's own data: ROUGE for summaries, BLEU and chrF for translations.

The metrics come from ``rouge-score`` and ``sacrebleu`` (the ``eval`` extra), never hand-written.
ROUGE uses a Unicode-aware tokenizer: the package's default one keeps only ``[a-z0-9]``, which
splits "además" into "adem" and "s" and so corrupts Spanish scores. BLEU and chrF follow
sacrebleu's defaults (13a tokenization, chrF with character 6-grams and beta 2), so they are
comparable with published figures computed the same way (``sacrebleu REF -i HYP -m bleu chrf``).

The entry points (:func:`evaluate_summaries`, :func:`evaluate_translation`) take a
:class:`~summarize.pipeline.Pipeline`, so an evaluation runs exactly what ``summarize run``
would. Every function raises :class:`~summarize.errors.InputError` for bad data and
:class:`~summarize.errors.EngineUnavailableError` when a metrics package is missing.

Example:
    >>> from summarize.evaluate import rouge_scores
    >>> rouge_scores(["Además, la cárcel."], ["además la cárcel"])["rouge1"]
    100.0
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, EngineUnavailableError, InputError, LanguageError

if TYPE_CHECKING:
    from .backends.base import LengthSpec, Summarizer
    from .pipeline import Pipeline
    from .text.langid import LanguageIdentifier

__all__ = [
    "DIRECTIONS",
    "ROUGE_TYPES",
    "SummaryEvaluation",
    "SummaryExample",
    "TranslationReport",
    "TranslationScores",
    "UnicodeTokenizer",
    "evaluate_summaries",
    "evaluate_summarizer",
    "evaluate_translation",
    "read_lines",
    "read_summary_data",
    "rouge_scores",
    "translation_scores",
    "write_scored",
]

DIRECTIONS = ("es-en", "en-es")
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
EVAL_EXTRA_HINT = "Install the metrics with: pip install 'summarize[eval]'"
_WORD = re.compile(r"\w+")


class UnicodeTokenizer:
    """ROUGE tokenizer: NFC, lower case, runs of Unicode word characters (``\\w+``).

    Passed to ``rouge_score.rouge_scorer.RougeScorer(tokenizer=...)``, which only calls
    :meth:`tokenize`.
    """

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into lower-cased word tokens."""
        return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def _require(module: str, package: str) -> Any:
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as exc:
        raise EngineUnavailableError(f"the metrics package {package} is not installed", hint=EVAL_EXTRA_HINT) from exc


def rouge_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L F1 of hypotheses against references, times 100.

    Args:
        hypotheses: system summaries.
        references: reference summaries, aligned with ``hypotheses``.

    Returns:
        ``{"rouge1": ..., "rouge2": ..., "rougeL": ..., "count": n}`` (scores on a 0-100 scale,
        unrounded; ``count`` is the number of pairs).

    Raises:
        InputError: when the two lists differ in length or are empty.
        EngineUnavailableError: when ``rouge-score`` is not installed.
    """
    _check_aligned(hypotheses, references)
    rouge_scorer = _require("rouge_score.rouge_scorer", "rouge-score")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=UnicodeTokenizer())
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        scores = scorer.score(reference, hypothesis)  # the package takes (target, prediction)
        for name in ROUGE_TYPES:
            totals[name] += scores[name].fmeasure
    n = len(hypotheses)
    result: dict[str, float] = {name: 100 * total / n for name, total in totals.items()}
    result["count"] = n
    return result


@dataclass(frozen=True)
class TranslationScores:
    """Corpus-level scores, 0-100, rounded to two decimals."""

    bleu: float
    chrf: float
    count: int = 0


def translation_scores(hypotheses: Sequence[str], references: Sequence[str]) -> TranslationScores:
    """Corpus BLEU and chrF of translations, with sacrebleu's defaults (one reference each).

    Args:
        hypotheses: system translations, one segment each.
        references: reference translations, aligned with ``hypotheses``.

    Returns:
        The scores on sacrebleu's 0-100 scale, and how many segments were scored.

    Raises:
        InputError: when the two lists differ in length or are empty.
        EngineUnavailableError: when ``sacrebleu`` is not installed.
    """
    if len(hypotheses) != len(references):
        raise InputError(f"{len(hypotheses)} translations but {len(references)} references",
                         hint="Give files with one sentence per line, the same number of lines.")
    _check_aligned(hypotheses, references)
    sacrebleu = _require("sacrebleu", "sacrebleu")
    refs = [list(references)]
    return TranslationScores(bleu=round(float(sacrebleu.corpus_bleu(list(hypotheses), refs).score), 2),
                             chrf=round(float(sacrebleu.corpus_chrf(list(hypotheses), refs).score), 2),
                             count=len(hypotheses))


def _check_aligned(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    if len(hypotheses) != len(references):
        raise InputError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    if not hypotheses:
        raise InputError("nothing to score: no hypotheses")


@dataclass(frozen=True)
class SummaryExample:
    """One article and its reference summary."""

    text: str
    summary: str
    lang: str | None = None


@dataclass(frozen=True)
class SummaryEvaluation:
    """ROUGE F1 (0-100) of a summarizer on a data set, and how it was run.

    Attributes:
        count: articles scored.
        rouge1: mean ROUGE-1 F1.
        rouge2: mean ROUGE-2 F1.
        rougeL: mean ROUGE-L F1.
        engine: the summarizer's ``describe()``.
        length: ``{"sentences": ..., "words": ...}`` as asked of the engine.
        languages: articles per language.
        pipeline: the preset used (after any fallback).
        notes: what the pipeline said about its choice of preset.
        warnings: what the engine said while summarizing.
        scored: per article, what was compared (``text``, ``lang``, ``reference``, ``summary``);
            left out of :meth:`to_dict` (see :func:`write_scored`).
    """

    count: int
    rouge1: float
    rouge2: float
    rougeL: float
    engine: dict[str, str] = field(default_factory=dict)
    length: dict[str, int | None] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    pipeline: str = ""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scored: list[dict[str, str]] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (without :attr:`scored`)."""
        return _report_dict(self)


def read_summary_data(path: str | Path, *, limit: int | None = None) -> list[SummaryExample]:
    """Read a JSONL file of ``{"text": ..., "summary": ...}`` records (other fields ignored).

    Args:
        path: the JSONL file; blank lines are skipped.
        limit: read at most this many records.

    Returns:
        The examples, in file order (a record's optional ``lang`` field is kept).

    Raises:
        InputError: when the file cannot be read, a line is not JSON, or a record lacks a field.
    """
    examples: list[SummaryExample] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", source=str(path)) from exc
    for number, line in enumerate(lines, start=1):
        if limit is not None and len(examples) >= limit:
            break
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg})", source=str(path)) from exc
        if not isinstance(record, dict) or not all(isinstance(record.get(k), str) for k in ("text", "summary")):
            raise InputError(f"{path}, line {number}: a record needs string fields 'text' and 'summary'",
                             source=str(path), hint='Write one JSON object a line: {"text": ..., "summary": ...}.')
        lang = record.get("lang")
        examples.append(SummaryExample(record["text"], record["summary"], lang if isinstance(lang, str) else None))
    if not examples:
        raise InputError(f"{path} holds no records", source=str(path))
    return examples


def evaluate_summarizer(
    summarizer: Summarizer,
    examples: Sequence[SummaryExample],
    length: LengthSpec,
    *,
    lang: str | None = None,
    langid: LanguageIdentifier | None = None,
) -> SummaryEvaluation:
    """Summarize every example in its own language and score the summaries with ROUGE.

    Args:
        summarizer: any engine; it is called once per language with that language's texts.
        examples: articles with reference summaries.
        length: the summary length asked of the engine.
        lang: the language of every article; otherwise each record's ``lang`` or detection.
        langid: the detector to use (a fresh one by default).

    Returns:
        The scores, the engine's description, the length and the articles per language.

    Raises:
        LanguageError: when an article is neither Spanish nor English.
        EngineUnavailableError: when ``rouge-score`` is not installed.
    """
    languages = _languages(examples, lang, langid)
    hypotheses = [""] * len(examples)
    warnings: list[str] = []
    for code in sorted(set(languages)):
        indices = [i for i, c in enumerate(languages) if c == code]
        outputs = summarizer.summarize([examples[i].text for i in indices], code, length, warnings=warnings)
        for i, out in zip(indices, outputs, strict=True):
            hypotheses[i] = out
    scores = rouge_scores(hypotheses, [e.summary for e in examples])
    return SummaryEvaluation(
        count=len(examples),
        rouge1=scores["rouge1"],
        rouge2=scores["rouge2"],
        rougeL=scores["rougeL"],
        engine=summarizer.describe(),
        length={"sentences": None if length.words else length.sentences, "words": length.words},
        languages={code: languages.count(code) for code in sorted(set(languages))},
        warnings=list(dict.fromkeys(warnings)),
        scored=[{"text": e.text, "lang": c, "reference": e.summary, "summary": h}
                for e, c, h in zip(examples, languages, hypotheses, strict=True)],
    )


def _languages(examples: Sequence[SummaryExample], lang: str | None, langid: LanguageIdentifier | None) -> list[str]:
    from .text.langid import SUPPORTED_LANGUAGES, LanguageIdentifier

    detector = langid or LanguageIdentifier()
    codes: list[str] = []
    for number, example in enumerate(examples, start=1):
        code = lang or example.lang or detector.detect_document(example.text, source=f"record {number}")
        if code not in SUPPORTED_LANGUAGES:
            raise LanguageError(f"record {number}: language {code!r} is not supported", hint="Use es or en.")
        codes.append(code)
    return codes


def evaluate_summaries(pipeline: Pipeline, data: str | Path, *, lang: str | None = None,
                       limit: int | None = None) -> SummaryEvaluation:
    """Score a pipeline's summarizer on a JSONL file of articles and reference summaries.

    Only the summarizer runs (nothing is translated), at the pipeline's summary length.

    Args:
        pipeline: supplies the summarizer, its length and the language identifier.
        data: JSONL with ``text`` and ``summary`` fields.
        lang: the articles' language, skipping detection.
        limit: score only the first ``limit`` records.

    Returns:
        The :class:`SummaryEvaluation`.

    Raises:
        SummarizeError: for a bad data file, an unsupported language, a model that cannot be
            loaded, or missing metrics packages.
    """
    examples = read_summary_data(data, limit=limit)
    evaluation = evaluate_summarizer(pipeline.summarizer, examples, pipeline.length, lang=lang, langid=pipeline.langid)
    return dataclasses.replace(evaluation, pipeline=pipeline.config.name, notes=pipeline.notes)


@dataclass(frozen=True)
class TranslationReport:
    """What :func:`evaluate_translation` measured.

    ``notes`` are what the pipeline said about its choice of preset, ``warnings`` what the engine
    said while translating, ``scored`` per line the source, reference and translation.
    """

    direction: str
    sentences: int
    bleu: float
    chrf: float
    engine: dict[str, str] = field(default_factory=dict)
    pipeline: str = ""
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scored: list[dict[str, str]] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-ready data (without :attr:`scored`; see :func:`write_scored`)."""
        return _report_dict(self)


def read_lines(path: str | Path, limit: int | None = None) -> list[str]:
    """Read a one-sentence-a-line UTF-8 file (its final newline does not make an extra line).

    Raises:
        InputError: when the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file", source=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}", source=str(path), hint="Give a UTF-8 text file.") from exc
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines[:limit] if limit else lines


def evaluate_translation(
    pipeline: Pipeline, src_lines: Sequence[str], ref_lines: Sequence[str], direction: str
) -> TranslationReport:
    """Translate source lines with a pipeline's translator and score them against references.

    Each line is translated as one paragraph, the way the pipeline translates an article
    (sentence by sentence, with the pipeline's glossary and its pass-through of sentences
    already in the target language).

    Args:
        pipeline: supplies the translator and glossary.
        src_lines: source sentences, one per line.
        ref_lines: reference translations, aligned with ``src_lines``.
        direction: ``es-en`` or ``en-es``.

    Returns:
        The scores, with the engine that produced them.

    Raises:
        ConfigError: for an unknown direction.
        InputError: when the line counts differ or there are no lines.
        EngineUnavailableError: when sacrebleu is not installed.
    """
    from .pipeline.translate import DocumentTranslator

    if direction not in DIRECTIONS:
        raise ConfigError(f"direction {direction!r} is not one of: {', '.join(DIRECTIONS)}")
    if len(src_lines) != len(ref_lines):
        raise InputError(f"the source has {len(src_lines)} lines but the reference has {len(ref_lines)}",
                         hint="Source and reference must be line-aligned.")
    if not src_lines:
        raise InputError("nothing to evaluate: the source is empty")
    src, tgt = direction.split("-")
    translator = DocumentTranslator(pipeline.translator, pipeline.langid, glossary=pipeline.glossary)
    warnings: list[str] = []
    outputs = translator.translate([[line] for line in src_lines], src, tgt, warnings=warnings)
    hyps = [doc[0] for doc in outputs]
    scores = translation_scores(hyps, ref_lines)
    return TranslationReport(direction=direction, sentences=len(hyps), bleu=scores.bleu, chrf=scores.chrf,
                             engine=pipeline.translator.describe(direction), pipeline=pipeline.config.name,
                             notes=pipeline.notes, warnings=list(dict.fromkeys(warnings)),
                             scored=[{"source": s, "reference": r, "translation": h}
                                     for s, r, h in zip(src_lines, ref_lines, hyps, strict=True)])


def _report_dict(report: Any) -> dict[str, Any]:
    """A report's fields as JSON-ready data, without the per-item rows (they go to :func:`write_scored`)."""
    return {k: v for k, v in dataclasses.asdict(report).items() if k != "scored"}


def write_scored(path: str | Path, scored: Sequence[dict[str, str]]) -> None:
    """Write what an evaluation scored, one JSON object a line, for a person to read.

    Raises:
        InputError: when the file cannot be written.
    """
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(json.dumps({"line": n, **row}, ensure_ascii=False) + "\n" for n, row in enumerate(scored, 1))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}", source=str(path),
                         hint="Choose another --output file.") from exc
