"""Translation quality on your own data: corpus BLEU and chrF, scored by sacrebleu.

Scores follow sacrebleu's defaults (13a tokenization, chrF with character 6-grams and beta 2), so
they are comparable with published figures computed the same way
(``sacrebleu REF -i HYP -m bleu chrf``). sacrebleu comes with the ``eval`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, InputError

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = [
    "DIRECTIONS",
    "TranslationReport",
    "TranslationScores",
    "evaluate_translation",
    "read_lines",
    "translation_scores",
]

DIRECTIONS = ("es-en", "en-es")


@dataclass(frozen=True)
class TranslationScores:
    """Corpus-level scores, 0-100."""

    bleu: float
    chrf: float


@dataclass(frozen=True)
class TranslationReport:
    """What :func:`evaluate_translation` measured; serializes to JSON as is."""

    direction: str
    sentences: int
    bleu: float
    chrf: float
    engine: dict[str, str] = field(default_factory=dict)
    pipeline: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-ready data."""
        return asdict(self)


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


def translation_scores(hyps: Sequence[str], refs: Sequence[str]) -> TranslationScores:
    """Score system outputs against one reference each.

    Args:
        hyps: the translations, one per line.
        refs: the reference translations, aligned with ``hyps``.

    Returns:
        Corpus BLEU and chrF (sacrebleu defaults).

    Raises:
        InputError: when the two lists differ in length or are empty.
        ConfigError: when sacrebleu is not installed.
    """
    if len(hyps) != len(refs):
        raise InputError(f"{len(hyps)} translations but {len(refs)} references",
                         hint="Give files with one sentence per line, the same number of lines.")
    if not hyps:
        raise InputError("nothing to score: no lines")
    try:
        import sacrebleu
    except ImportError as exc:
        raise ConfigError("scoring translations needs sacrebleu",
                          hint="Install it with: pip install 'summarize[eval]'") from exc
    bleu = sacrebleu.corpus_bleu(list(hyps), [list(refs)])
    chrf = sacrebleu.corpus_chrf(list(hyps), [list(refs)])
    return TranslationScores(bleu=round(float(bleu.score), 2), chrf=round(float(chrf.score), 2))


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
        ConfigError: for an unknown direction or a missing scorer.
        InputError: when the line counts differ or there are no lines.
    """
    from .translate import DocumentTranslator

    if direction not in DIRECTIONS:
        raise ConfigError(f"direction {direction!r} is not one of: {', '.join(DIRECTIONS)}")
    if len(src_lines) != len(ref_lines):
        raise InputError(f"the source has {len(src_lines)} lines but the reference has {len(ref_lines)}",
                         hint="Source and reference must be line-aligned.")
    if not src_lines:
        raise InputError("nothing to evaluate: the source is empty")
    src, tgt = direction.split("-")
    translator = DocumentTranslator(pipeline.translator, pipeline.langid, glossary=pipeline.glossary)
    outputs = translator.translate([[line] for line in src_lines], src, tgt)
    hyps = [doc[0] for doc in outputs]
    scores = translation_scores(hyps, ref_lines)
    return TranslationReport(direction=direction, sentences=len(hyps), bleu=scores.bleu, chrf=scores.chrf,
                             engine=pipeline.translator.describe(direction), pipeline=pipeline.config.name)
