"""Summary quality: the extractive engine against lead-k and sumy's LexRank and TextRank.

Scores ROUGE-1/2/L F1 (x100) with the Unicode tokenizer of ``summarize.evaluate`` on MLSUM-es
(``mlsum_es/dev250.jsonl``, El País, 250 articles) and CNN/DailyMail (``cnndm_mini``, 100 articles),
at the same length in sentences for every system, and prints a Markdown table. Every system sees
the same sentences (``summarize.backends.extractive.article_sentences``); sumy gets them through its
document model, so it needs no NLTK download. Needs ``sumy`` (``pip install sumy``) and the
``eval`` extra. Run from the repository root:

    python benchmarks/summary_quality.py

Options: ``--data-dir DIR`` (default ``../shared/eval`` from the repository root), ``--limit N``
(first N articles of each set), ``--sentences 1,2,3`` (summary lengths).
"""

from __future__ import annotations

import argparse
import importlib.util
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
from summarize.backends.extractive import ExtractiveSummarizer, article_sentences
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


def load_mlsum(path: Path, limit: int | None) -> DataSet:
    """MLSUM JSONL: the article is ``text``, the reference the standfirst in ``summary``."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:limit] if limit else rows
    return DataSet("MLSUM-es dev250", "es", [r["text"] for r in rows], [r["summary"] for r in rows])


def load_cnndm(path: Path, limit: int | None) -> DataSet:
    """CNN/DM mini TSV: ``article<TAB>reference`` (lower-cased, PTB-tokenized)."""
    pairs = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
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


def systems(lang: str) -> dict[str, Callable[[list[str], int], str]]:
    """Every compared system as ``(sentences, k) -> summary``."""
    engine = ExtractiveSummarizer()

    def extractive(sentences: list[str], k: int) -> str:
        # the engine gets the article as text, the way the pipeline calls it
        return engine.summarize(["\n".join(sentences)], lang, LengthSpec(sentences=k))[0]

    found: dict[str, Callable[[list[str], int], str]] = {
        "extractive (this project)": extractive,
        "lead-k": lambda sentences, k: " ".join(sentences[:k]),
    }
    if importlib.util.find_spec("sumy") is None:
        print("sumy is not installed (pip install sumy): its LexRank and TextRank rows are left out", file=sys.stderr)
        return found
    found["LexRank (sumy)"] = sumy_system("lexrank", lang)
    found["TextRank (sumy)"] = sumy_system("textrank", lang)
    return found


def evaluate(data: DataSet, lengths: Sequence[int]) -> list[tuple[str, str, int, dict[str, float], float]]:
    """Score every system at every length; rows are (set, system, k, scores, seconds)."""
    split = [article_sentences(text, data.lang) for text in data.texts]
    rows = []
    for name, system in systems(data.lang).items():
        for k in lengths:
            start = time.perf_counter()
            hypotheses = [system(sentences, k) for sentences in split]
            seconds = time.perf_counter() - start
            rows.append((data.name, name, k, rouge_scores(hypotheses, data.references), seconds))
    return rows


def markdown(rows: list[tuple[str, str, int, dict[str, float], float]]) -> str:
    """The results as a Markdown table, grouped by data set and length."""
    lines = ["| data set | system | sentences | ROUGE-1 | ROUGE-2 | ROUGE-L | articles | seconds |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    order = {data_name: i for i, data_name in enumerate(dict.fromkeys(r[0] for r in rows))}
    for data_name, name, k, scores, seconds in sorted(rows, key=lambda r: (order[r[0]], r[2])):
        lines.append(f"| {data_name} | {name} | {k} | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | "
                     f"{scores['rougeL']:.2f} | {scores['count']} | {seconds:.1f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, score both data sets, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="folder holding mlsum_es/ and cnndm_mini/ (default: ../shared/eval)")
    parser.add_argument("--limit", type=int, help="score only the first N articles of each set")
    parser.add_argument("--sentences", default="1,2,3", help="comma-separated summary lengths (default 1,2,3)")
    parser.add_argument("--chart", type=Path, help="also draw the table as a PNG chart here (needs matplotlib)")
    args = parser.parse_args(argv)
    lengths = [int(k) for k in args.sentences.split(",")]
    sets = [load_mlsum(args.data_dir / "mlsum_es" / "dev250.jsonl", args.limit),
            load_cnndm(args.data_dir / "cnndm_mini" / "cnndm_mini-dataset.tsv", args.limit)]
    rows = [row for data in sets for row in evaluate(data, lengths)]
    table = markdown(rows)
    print(table)
    if args.chart:
        from benchmarks.charts import markdown_rows, summary_chart

        summary_chart(markdown_rows(table, ("data set", "system", "sentences", "ROUGE-1")), args.chart)


if __name__ == "__main__":
    main()
