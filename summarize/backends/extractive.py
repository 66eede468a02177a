"""Extractive summaries without a model: whole sentences chosen by centrality and position.

News puts its most important facts first, so the lead is a strong summary on its own; but the
lead also opens with scene-setting, and some articles state their point further down. The method
combines both signals:

1. Every sentence becomes a TF-IDF vector (word counts damped with ``1 + log tf``, document
   frequencies counted over the article's own sentences, function words of the language left out).
2. Sentences are nodes of a graph weighted by cosine similarity; PageRank on it scores how central
   each sentence is (LexRank with continuous weights).
3. A position prior ``1 / (1 + i) ** position_decay`` multiplies the centrality, so a central
   sentence near the top wins over an equally central one at the bottom. Quotes and questions are
   marked down: they give a voice or ask, rarely state what happened.
4. Sentences are picked greedily by that score minus their similarity to what is already picked
   (maximal marginal relevance), so a summary does not say the same thing twice; near-duplicates
   are never picked together.
5. The picked sentences are returned whole, in document order.

The constants were tuned on the first halves of MLSUM-es and CNN/DailyMail samples
(``benchmarks/summary_quality.py --part first``; ``--part second`` is the held-out check), one
setting for both languages. Under a word budget the stopping rule matters most: a summary keeps
adding sentences only while they score close to the best one (``stop_below``), because news
references are short (El País standfirsts average 22 words) and a second, weaker sentence costs
more precision than it brings recall.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import RuntimeConfig, SummarizeConfig
from ..text.cohesion import dependencies, is_fragment, needed_with
from ..text.segment import split_sentences
from ._stopwords import STOPWORDS
from .base import LengthSpec, Noted, Summarizer

if TYPE_CHECKING:
    import numpy as np

    from ..text.langid import LanguageIdentifier

__all__ = [
    "ExtractiveSettings",
    "ExtractiveSummarizer",
    "article_sentences",
    "count_words",
    "extract_summary",
    "pagerank",
    "score_sentences",
    "select_sentences",
    "tfidf_vectors",
]

_TOKEN = re.compile(r"\w+")
# a sentence that opens with a quotation mark or a dialogue dash, or asks a question
_QUOTE_START = re.compile(r"^\s*(?:``|[\"“”«‘’'—–-]|¿)")
_QUESTION_END = re.compile(r"\?[\s\"”»’'`]*$")
MAX_SENTENCES = 400  # sentences compared pairwise: 400 x 400 similarities stay small
MAX_CHARS = 200_000  # about 30,000 words, several times the longest news article
VERY_LONG_NOTE = (f"the article is very long; the extractive summary was chosen from its first {MAX_SENTENCES} "
                  f"sentences or {MAX_CHARS:,} characters")
PAGERANK_TOLERANCE = 1e-9
PAGERANK_MAX_ITERATIONS = 200


@dataclass(frozen=True)
class ExtractiveSettings:
    """The method's knobs (defaults are the tuned ones).

    Attributes:
        position_decay: exponent of the position prior ``1 / (1 + i) ** position_decay``;
            0 ignores position, larger values approach the plain lead.
        damping: PageRank damping factor.
        redundancy: weight of the similarity to already picked sentences (MMR); 0 turns it off.
        quote_penalty: factor applied to quotes and questions (1 keeps them as they are).
        duplicate_similarity: cosine similarity from which two sentences count as the same.
        stop_below: under a word budget, no further sentence is added once the best remaining one
            scores (less redundancy) below this share of the top sentence's score: a budget is
            the most a summary may take, and a weak sentence adds words more than substance.
    """

    position_decay: float = 0.33
    damping: float = 0.85
    redundancy: float = 0.6
    quote_penalty: float = 0.5
    duplicate_similarity: float = 0.9
    stop_below: float = 0.8

    def validate(self) -> None:
        """Raise ``ValueError`` for a knob outside its meaningful range."""
        if self.position_decay < 0 or self.redundancy < 0 or self.quote_penalty < 0:
            raise ValueError("position_decay, redundancy and quote_penalty must not be negative")
        if not 0 < self.damping < 1:
            raise ValueError(f"damping must be between 0 and 1, not {self.damping}")
        if not 0 < self.duplicate_similarity <= 1:
            raise ValueError(f"duplicate_similarity must be in (0, 1], not {self.duplicate_similarity}")


def article_sentences(text: str, lang: str) -> list[str]:
    """Split an article (paragraphs separated by newlines) into stripped, non-empty sentences."""
    return [s for paragraph in _paragraph_sentences(text, lang) for s in paragraph]


def _paragraph_sentences(text: str, lang: str) -> list[list[str]]:
    paragraphs = ([s.strip() for s in split_sentences(p, lang) if s.strip()] for p in text.split("\n"))
    return [p for p in paragraphs if p]


def count_words(text: str) -> int:
    """Count words as whitespace-separated tokens holding a letter or digit (not ``--`` or ``,``)."""
    return sum(1 for token in text.split() if _TOKEN.search(token))


def _content_tokens(sentence: str, stopwords: frozenset[str]) -> list[str]:
    words = _TOKEN.findall(unicodedata.normalize("NFC", sentence).lower())
    return [w for w in words if len(w) > 1 and w not in stopwords]


def tfidf_vectors(sentences: Sequence[str], lang: str) -> np.ndarray:
    """L2-normalized TF-IDF rows, one per sentence, over the article's own vocabulary.

    A sentence with no content word gets a zero row.
    """
    import numpy as np

    stopwords = STOPWORDS.get(lang, frozenset())
    tokens = [_content_tokens(s, stopwords) for s in sentences]
    vocabulary: dict[str, int] = {}
    for words in tokens:
        for word in words:
            vocabulary.setdefault(word, len(vocabulary))
    counts = np.zeros((len(sentences), max(1, len(vocabulary))))
    for row, words in enumerate(tokens):
        for word in words:
            counts[row, vocabulary[word]] += 1
    n = len(sentences)
    document_frequency = (counts > 0).sum(axis=0)
    idf = np.log((1 + n) / (1 + document_frequency)) + 1
    weights = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0.0) * idf
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    return weights / np.maximum(norms, 1e-12)  # type: ignore[no-any-return]


def pagerank(similarity: np.ndarray, damping: float) -> np.ndarray:
    """PageRank of a weighted undirected graph given as a symmetric matrix with a zero diagonal.

    A node without edges spreads its weight evenly, as in the original formulation.
    """
    import numpy as np

    n = similarity.shape[0]
    totals = similarity.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, similarity / np.maximum(totals, 1e-12), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(PAGERANK_MAX_ITERATIONS):
        updated = (1 - damping) / n + damping * (transition.T @ rank)
        converged = float(np.abs(updated - rank).sum()) < PAGERANK_TOLERANCE
        rank = updated
        if converged:
            break
    return rank  # type: ignore[no-any-return]


def score_sentences(
    sentences: Sequence[str], lang: str, settings: ExtractiveSettings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Score each sentence by centrality times position prior (times the quote penalty).

    Args:
        sentences: the article's sentences, in order.
        lang: their language (chooses the function words to ignore).
        settings: the method's knobs; the tuned defaults when ``None``.

    Returns:
        ``(scores, similarity)``: scores in ``(0, 1]`` with the best sentence at 1, and the
        sentence-by-sentence cosine similarity matrix (zero diagonal).
    """
    import numpy as np

    settings = settings or ExtractiveSettings()
    vectors = tfidf_vectors(sentences, lang)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    centrality = pagerank(similarity, settings.damping)
    prior = 1.0 / (1.0 + np.arange(len(sentences))) ** settings.position_decay
    penalty = np.array([settings.quote_penalty if _is_quote_or_question(s) else 1.0 for s in sentences])
    scores = centrality / centrality.max() * prior * penalty
    return scores / scores.max(), similarity


def _is_quote_or_question(sentence: str) -> bool:
    return bool(_QUOTE_START.match(sentence) or _QUESTION_END.search(sentence))


def select_sentences(
    scores: np.ndarray,
    similarity: np.ndarray,
    word_counts: Sequence[int],
    length: LengthSpec,
    settings: ExtractiveSettings | None = None,
    *,
    duplicates: Sequence[int] | None = None,
    needs: Sequence[frozenset[int]] | None = None,
    fragments: Sequence[bool] | None = None,
) -> list[int]:
    """Pick sentence indices greedily by score less redundancy, within the length.

    Args:
        scores: one score per sentence (higher is better).
        similarity: sentence-by-sentence similarity (zero diagonal).
        word_counts: words per sentence.
        length: ``length.words`` (when set) is a word budget filled with whole sentences, at
            least one; otherwise ``length.sentences`` sentences are picked.
        settings: the method's knobs.
        duplicates: for each sentence, the index of its first identical copy (itself if none);
            copies are never picked together.
        needs: for each sentence, the neighbours it cannot go without (see
            :func:`summarize.text.cohesion.dependencies`); picking it picks them too, and the
            group must fit the budget as a whole.
        fragments: for each sentence, whether it is no sentence at all (a heading, a scrap); those
            are picked only when nothing else is left to pick.

    Returns:
        The picked indices in document order.
    """
    import numpy as np

    settings = settings or ExtractiveSettings()
    n = len(scores)
    copy_of = np.asarray(duplicates if duplicates is not None else range(n))
    words = np.asarray(word_counts)
    groups = [needed_with(i, needs) if needs is not None else [i] for i in range(n)]
    available = np.ones(n, dtype=bool)
    if fragments is not None and not all(fragments):
        available &= ~np.asarray(fragments, dtype=bool)
    # a budget in words, or in sentences; every group of sentences picked together must fit it
    costs = words if length.words else np.ones(n, dtype=int)
    budget = length.words or length.sentences
    overlap = np.zeros(n)  # each sentence's highest similarity to a picked one
    chosen: set[int] = set()
    while True:
        room = budget - int(costs[sorted(chosen)].sum()) if chosen else budget
        fitting = available.copy()
        for i in np.flatnonzero(available):
            if int(costs[[j for j in groups[i] if j not in chosen]].sum()) > room:
                fitting[i] = False  # the budget only shrinks: it never fits later
        if not chosen and not fitting.any():
            fitting = available  # at least one sentence (with what it leans on), however long
        available = fitting
        if not available.any():
            break
        marginal = np.where(available, scores - settings.redundancy * overlap, -np.inf)
        best = int(np.argmax(marginal))  # ties go to the earlier sentence
        if chosen and length.words and marginal[best] < settings.stop_below:
            break
        for j in groups[best]:
            if j in chosen:
                continue
            chosen.add(j)
            overlap = np.maximum(overlap, similarity[j])
            available &= (copy_of != copy_of[j]) & (similarity[j] < settings.duplicate_similarity)
            available[j] = False
    return sorted(chosen)


def bounded_article(text: str, lang: str) -> str:
    """The part of an article the extractive method looks at: at most :data:`MAX_CHARS` characters
    and :data:`MAX_SENTENCES` sentences from its start.

    The method compares every sentence with every other (memory and time grow with the square of
    the sentence count), so a huge input would exhaust memory; news puts its substance first, so the
    beginning of an over-long text is where its summary is.
    """
    if len(text) <= MAX_CHARS and text.count(".") + text.count("\n") < MAX_SENTENCES:
        return text  # cheap test first: the common case never splits sentences twice
    head = text[:MAX_CHARS]
    sentences = article_sentences(head, lang)
    if len(text) <= MAX_CHARS and len(sentences) <= MAX_SENTENCES:
        return text
    return "\n".join(sentences[:MAX_SENTENCES])


def extract_summary(text: str, lang: str, length: LengthSpec, settings: ExtractiveSettings | None = None) -> str:
    """Summarize one article with whole sentences of its own, in document order.

    Args:
        text: the article; paragraphs separated by newlines.
        lang: its language (``es``, ``en``; others work without function-word lists).
        length: sentences, or a word budget when ``length.words`` is set.
        settings: the method's knobs; the tuned defaults when ``None``.

    Returns:
        The chosen sentences joined by single spaces (empty for an empty text).
    """
    paragraphs = _paragraph_sentences(text, lang)
    sentences = [s for paragraph in paragraphs for s in paragraph]
    if len(sentences) <= 1:
        return " ".join(sentences)
    scores, similarity = score_sentences(sentences, lang, settings)
    first_copy: dict[str, int] = {}
    duplicates = [first_copy.setdefault(" ".join(s.lower().split()), i) for i, s in enumerate(sentences)]
    picked = select_sentences(scores, similarity, [count_words(s) for s in sentences], length, settings,
                              duplicates=duplicates, needs=dependencies(paragraphs, lang),
                              fragments=[is_fragment(s) for s in sentences])
    return " ".join(sentences[i] for i in picked)


class ExtractiveSummarizer(Summarizer):
    """Summaries made of the article's own sentences; no model, any hardware, Spanish and English.

    Its knobs (:class:`ExtractiveSettings`) are the engine's own settings: a preset may set them
    in ``[summarize]`` (``position_decay = 0.3``).

    Args:
        config: the summarize section (only the length and the options matter here).
        runtime: unused (the method runs on the CPU in milliseconds).
        langid: unused.
        settings: the method's knobs; by default the config's options over the tuned defaults.
    """

    engine = "extractive"
    batch_invariant = True  # each text alone
    Options = ExtractiveSettings

    def __init__(self, config: SummarizeConfig | None = None, runtime: RuntimeConfig | None = None, *,
                 langid: LanguageIdentifier | None = None, settings: ExtractiveSettings | None = None) -> None:
        self.config = config or SummarizeConfig(engine="extractive")
        self.runtime = runtime or RuntimeConfig()
        self.settings = settings or ExtractiveSettings(**self.config.options)

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        """Like :meth:`summarize`; a very long text's summary notes that it was chosen from the beginning."""
        outputs = []
        for text in texts:
            bounded = bounded_article(text, lang)
            notes = () if bounded == text else (VERY_LONG_NOTE,)
            outputs.append(Noted(extract_summary(bounded, lang, length, self.settings), notes))
        return outputs

    def describe(self) -> dict[str, str]:
        return {"engine": self.engine, "model": "TF-IDF sentence graph: PageRank x lead prior, MMR (no model)"}
