"""Benchmark inputs and models: random-weight models of the real configurations, built once and cached.

Speed does not depend on the weights, so these stand in for the real checkpoints; output lengths
are forced, so every engine does the same work. Inputs are real text cut to the lengths the issue
names: FLORES-200 Spanish sentences (about 30 tokens) and CNN/DailyMail articles (512 tokens), read
from the evaluation folder when it is there, else from the examples and the test corpus.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SENTENCE_TOKENS = 30
ARTICLE_TOKENS = 512

__all__ = ["ROOT", "build_models", "default_cache", "default_eval_dir", "load_inputs"]


def default_cache() -> Path:
    """``$SUMMARIZE_BENCH_CACHE``, else ``summarize-bench`` in the user's cache folder."""
    override = os.environ.get("SUMMARIZE_BENCH_CACHE")
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return Path(override).expanduser() if override else base / "summarize-bench"


def default_eval_dir() -> Path:
    """``$SUMMARIZE_EVAL_DIR``, else ``../shared/eval`` beside the repository."""
    return Path(os.environ.get("SUMMARIZE_EVAL_DIR") or ROOT.parent / "shared" / "eval")


def build_models(cache: Path) -> dict[str, Path]:
    """Build (once) the random-weight opus-mt-es-en and distilbart-cnn-12-6 stand-ins.

    Returns:
        ``{"translate": dir, "summarize": dir}``.
    """
    from summarize.testing import build_bart, build_marian

    builders = {
        "translate": lambda out: build_marian(out, src_lang="es", tgt_lang="en", size="real"),
        "summarize": lambda out: build_bart(out, size="real"),
    }
    paths = {"translate": cache / "opus-mt-es-en-real", "summarize": cache / "distilbart-cnn-12-6-real"}
    for task, path in paths.items():
        if not (path / "model.safetensors").is_file():
            partial = path.with_name(path.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            builders[task](partial)
            shutil.rmtree(path, ignore_errors=True)
            partial.rename(path)
    return paths


def _fit(text: str, tokenizer: Any, limit: int) -> str:
    """The longest word prefix of ``text`` that takes at most ``limit`` tokens (binary search)."""
    words = text.split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(tokenizer(" ".join(words[:mid]))["input_ids"]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def _raw_sentences(eval_dir: Path) -> tuple[list[str], str]:
    flores = eval_dir / "flores200" / "spa_Latn.devtest"
    if flores.is_file():
        return flores.read_text(encoding="utf-8").splitlines(), "FLORES-200 devtest spa_Latn"
    from summarize.testing import SPANISH_SENTENCES
    from summarize.text.segment import split_sentences

    example = (ROOT / "examples" / "oferta-carcel-cecot.es.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for p in example.split("\n") for s in split_sentences(p, "es") if len(s.split()) > 4]
    return sentences + list(SPANISH_SENTENCES), "the Spanish example and test corpus"


def _raw_articles(eval_dir: Path) -> tuple[list[str], str]:
    cnndm = eval_dir / "cnndm_mini" / "cnndm_mini-dataset.tsv"
    if cnndm.is_file():
        lines = cnndm.read_text(encoding="utf-8").splitlines()
        return [line.split("\t")[0] for line in lines if line.strip()], "CNN/DailyMail (cnndm_mini)"
    from summarize.testing import ENGLISH_SENTENCES

    example = (ROOT / "examples" / "rubio-bukele-prison-offer.en.txt").read_text(encoding="utf-8")
    corpus = " ".join(ENGLISH_SENTENCES)
    # rotate through the corpus so that the articles differ
    return [" ".join([example, corpus[i * 997:], corpus]) for i in range(8)], "the English example and test corpus"


def load_inputs(models: dict[str, Path], eval_dir: Path, cache: Path) -> dict[str, Any]:
    """Sentences of about 30 tokens and articles of 512 tokens, in the models' own tokens (cached).

    Returns:
        ``{"translate": {"texts", "source", "mean_tokens"}, "summarize": {...}}``.
    """
    key = hashlib.sha256(f"{eval_dir.resolve()}|{SENTENCE_TOKENS}|{ARTICLE_TOKENS}".encode()).hexdigest()[:10]
    stamp = cache / f"inputs-{key}.json"
    if stamp.is_file():
        return json.loads(stamp.read_text(encoding="utf-8"))
    from transformers import AutoTokenizer

    result: dict[str, Any] = {}
    for task, (raw, source), limit, count in (
        ("translate", _raw_sentences(eval_dir), SENTENCE_TOKENS, 512),
        ("summarize", _raw_articles(eval_dir), ARTICLE_TOKENS, 64),
    ):
        tokenizer = AutoTokenizer.from_pretrained(models[task])
        texts = [_fit(t, tokenizer, limit) for t in raw[:count] if t.strip()]
        lengths = [len(tokenizer(t)["input_ids"]) for t in texts]
        result[task] = {"texts": texts, "source": source, "mean_tokens": round(sum(lengths) / len(lengths), 1)}
    stamp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return result
