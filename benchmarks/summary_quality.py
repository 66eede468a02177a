"""Summary quality: the extractive engine against lead-k and sumy's LexRank and TextRank.

Scores ROUGE-1/2/L F1 (x100) with the Unicode tokenizer of ``summarize.evaluate`` on MLSUM-es
(``mlsum_es/dev250.jsonl``, El País, 250 articles) and CNN/DailyMail (``cnndm_mini``, 100 articles),
at lengths in sentences (every lead-k) and at word budgets (the default, 60 words), with the mean
words per summary, and prints a Markdown table, then, per data set, the engine's margin at each word
budget over the best lead-k (the default must beat it by at least 1 ROUGE-L). At a word budget the lead is shown twice: whole
sentences within the budget, and cut to the budget mid-sentence (the matched-length baseline).
Every system sees the same sentences (``summarize.backends.extractive.article_sentences``); sumy
gets them through its document model, so it needs no NLTK download. sumy (``pip install sumy``)
is optional: without it LexRank and TextRank are left out. Needs the ``eval`` extra. Run from the
repository root:

    python benchmarks/summary_quality.py

Options: ``--data-dir DIR`` (default ``../shared/eval`` from the repository root), ``--limit N``
(first N articles of each set), ``--part first|second|all`` (the halves of each set: the engine's
knobs were tuned on the first halves, so the second halves are its held-out check),
``--sentences 1,2,3,4,5`` (lead-k lengths), ``--words 60`` (word budgets).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarize.backends.base import LengthSpec
from summarize.backends.extractive import ExtractiveSummarizer, article_sentences, count_words
from summarize.config import DEFAULT_SUMMARY_WORDS
from summarize.evaluate import rouge_scores

SUMY_LANGUAGES = {"es": "spanish", "en": "english"}
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class DataSet:
    """Articles (paragraphs separated by newlines) and their reference summaries."""

    name: str
    lang: str
    texts: list[str]
    references: list[str]


def load_mlsum(path: Path, limit: int | None, part: str = "all") -> DataSet:
    """MLSUM JSONL: the article is ``text``, the reference the standfirst in ``summary``."""
    rows = select([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()], part)
    rows = rows[:limit] if limit else rows
    return DataSet("MLSUM-es dev250", "es", [r["text"] for r in rows], [r["summary"] for r in rows])


def load_cnndm(path: Path, limit: int | None, part: str = "all") -> DataSet:
    """CNN/DM mini TSV: ``article<TAB>reference`` (lower-cased, PTB-tokenized)."""
    pairs = select([line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()], part)
    pairs = pairs[:limit] if limit else pairs
    return DataSet("CNN/DM mini", "en", [p[0] for p in pairs], [p[1] for p in pairs])


class _SentenceWords:
    """The slice of sumy's tokenizer interface its summarizers use: words of one sentence."""

    def __init__(self, language: str) -> None:
        self.language = language

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def sumy_system(kind: str, lang: str) -> Callable[[list[str], int], str]:
    """A sumy summarizer (``lexrank`` or ``textrank``) over pre-split sentences."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    language = SUMY_LANGUAGES[lang]
    cls = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    summarizer = cls(Stemmer(language))
    summarizer.stop_words = get_stop_words(language)
    tokenizer = _SentenceWords(language)

    def run(sentences: list[str], k: int) -> str:
        document = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])
        return " ".join(str(s) for s in summarizer(document, k))

    return run


System = Callable[[str, list[str], LengthSpec], str]
"""``(article text, its sentences, length) -> summary``."""


def lead(text: str, sentences: list[str], length: LengthSpec) -> str:
    """The first ``length.sentences`` sentences; with a word budget, the first whole sentences within it
    (at least one)."""
    if not length.words:
        return " ".join(sentences[: length.sentences])
    kept: list[str] = []
    for sentence in sentences:
        if kept and count_words(" ".join([*kept, sentence])) > length.words:
            break
        kept.append(sentence)
    return " ".join(kept)


def lead_cut(text: str, sentences: list[str], length: LengthSpec) -> str:
    """The lead cut to exactly the word budget, mid-sentence if need be (the matched-length baseline)."""
    words = " ".join(sentences).split()
    return " ".join(words[: length.word_budget])


def systems(lang: str) -> dict[str, System]:
    """Every compared system as ``(sentences, length) -> summary``; sumy's only when it is installed."""
    engine = ExtractiveSummarizer()

    def extractive(text: str, sentences: list[str], length: LengthSpec) -> str:
        # the engine gets the article as text, the way the pipeline calls it (quotes are followed
        # through paragraphs, so the text keeps its own)
        return engine.summarize([text], lang, length)[0]

    found: dict[str, System] = {"extractive (this project)": extractive, "lead": lead,
                                "lead, cut to the word budget": lead_cut}
    try:
        for kind, label in (("lexrank", "LexRank (sumy)"), ("textrank", "TextRank (sumy)")):
            ranker = sumy_system(kind, lang)
            found[label] = lambda text, sentences, length, ranker=ranker: ranker(sentences, length.sentences)
    except ImportError:
        print("sumy is not installed: LexRank and TextRank are left out (pip install sumy)", file=sys.stderr)
    return found


def describe(length: LengthSpec) -> str:
    """``3 sentences`` or ``60 words``."""
    return f"{length.words} words" if length.words else f"{length.sentences} sentences"


Row = tuple[str, str, str, dict[str, float], float, float]


def evaluate(data: DataSet, lengths: Sequence[LengthSpec]) -> list[Row]:
    """Score every system at every length; rows are (set, system, length, scores, mean words, seconds).

    At a word budget only the systems that honour one run (the engine, lead within the budget, lead
    cut to it); at a sentence count, the cut lead is left out.
    """
    split = [article_sentences(text, data.lang) for text in data.texts]
    rows = []
    for name, system in systems(data.lang).items():
        for length in lengths:
            if (length.words is None and name.startswith("lead, cut")) or (length.words and "sumy" in name):
                continue
            start = time.perf_counter()
            hypotheses = [system(text, sentences, length) for text, sentences in zip(data.texts, split, strict=True)]
            seconds = time.perf_counter() - start
            mean_words = sum(count_words(h) for h in hypotheses) / max(1, len(hypotheses))
            rows.append((data.name, name, describe(length), rouge_scores(hypotheses, data.references), mean_words,
                         seconds))
    return rows


def markdown(rows: list[Row]) -> str:
    """The results as a Markdown table, grouped by data set and length."""
    lines = ["| data set | system | length | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words | articles | seconds |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    order = {data_name: i for i, data_name in enumerate(dict.fromkeys(r[0] for r in rows))}
    lengths = {length: i for i, length in enumerate(dict.fromkeys(r[2] for r in rows))}
    for data_name, name, length, scores, words, seconds in sorted(rows, key=lambda r: (order[r[0]], lengths[r[2]])):
        lines.append(f"| {data_name} | {name} | {length} | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | "
                     f"{scores['rougeL']:.2f} | {words:.1f} | {scores['count']} | {seconds:.1f} |")
    return "\n".join(lines)


def margins(rows: list[Row]) -> str:
    """For each data set and word budget: the engine's ROUGE-1/2/L less the best lead-k's (best by
    ROUGE-L over the sentence counts scored), the figure the default length is held to."""
    lines = []
    for data_name in dict.fromkeys(r[0] for r in rows):
        leads = [r for r in rows if r[0] == data_name and r[1] == "lead" and r[2].endswith("sentences")]
        if not leads:
            continue
        best = max(leads, key=lambda r: r[3]["rougeL"])
        for row in rows:
            if row[0] == data_name and row[1].startswith("extractive") and row[2].endswith("words"):
                delta = {k: row[3][k] - best[3][k] for k in ("rouge1", "rouge2", "rougeL")}
                lines.append(f"{data_name}: extractive at {row[2]} ({row[4]:.1f} words) vs lead at {best[2]} "
                             f"({best[4]:.1f} words): ROUGE-1 {delta['rouge1']:+.2f}, ROUGE-2 "
                             f"{delta['rouge2']:+.2f}, ROUGE-L {delta['rougeL']:+.2f}")
    return "\n".join(lines)


def parse_lengths(sentences: str, words: str) -> list[LengthSpec]:
    """``--sentences 1,2,3 --words 60`` as length specs (an empty list leaves that kind out)."""
    specs = [LengthSpec(sentences=int(k)) for k in sentences.split(",") if k.strip()]
    return specs + [LengthSpec(sentences=1, words=int(w)) for w in words.split(",") if w.strip()]


def select(rows: list, part: str) -> list:
    """``all`` rows, the ``first`` half or the ``second`` half (the tuning and the check halves)."""
    middle = len(rows) // 2
    return rows if part == "all" else rows[:middle] if part == "first" else rows[middle:]


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, score both data sets, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="folder holding mlsum_es/ and cnndm_mini/ (default: ../shared/eval)")
    parser.add_argument("--limit", type=int, help="score only the first N articles of each set")
    parser.add_argument("--part", choices=("all", "first", "second"), default="all",
                        help="score all articles, or the first or second half of each set (default all)")
    parser.add_argument("--sentences", default="1,2,3,4,5", help="comma-separated lengths in sentences (lead-k)")
    parser.add_argument("--words", default=str(DEFAULT_SUMMARY_WORDS),
                        help=f"comma-separated word budgets (default {DEFAULT_SUMMARY_WORDS}, the default length)")
    parser.add_argument("--chart", type=Path, help="also draw the table as a PNG chart here (needs matplotlib)")
    args = parser.parse_args(argv)
    lengths = parse_lengths(args.sentences, args.words)
    sets = [load_mlsum(args.data_dir / "mlsum_es" / "dev250.jsonl", args.limit, args.part),
            load_cnndm(args.data_dir / "cnndm_mini" / "cnndm_mini-dataset.tsv", args.limit, args.part)]
    rows = [row for data in sets for row in evaluate(data, lengths)]
    table = markdown(rows)
    print(table)
    print()
    print(margins(rows))
    if args.chart:
        from benchmarks.charts import markdown_rows, summary_chart

        summary_chart(markdown_rows(table, ("data set", "system", "length", "ROUGE-1")), args.chart)


if __name__ == "__main__":
    main()
