"""Which articles state a brief sentence, and the sentence of each that it rests on.

A brief sentence cites the article it was taken from and every other article with one sentence
that says the same: one that holds at least :data:`MATCH` of the brief sentence's content words
(first five letters, so that a translation's "deported" meets "deportees") and every number it
gives. At most :data:`MAX_CITES` articles are cited, the closest first after the sentence's own.
Each citation carries the sentence it rests on, so that a reader (and the HTML page's link) can
check the brief against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..text.segment import split_paragraphs, split_sentences
from .evidence import content_words, extract_numbers, stem

__all__ = ["MATCH", "MAX_CITES", "Quote", "article_sentences", "cite"]

MATCH = 0.6
MAX_CITES = 5


@dataclass(frozen=True)
class Quote:
    """The sentence of article ``n`` (its citation number) that a brief sentence rests on."""

    n: int
    text: str
    score: float


def article_sentences(text: str, lang: str) -> list[str]:
    """An article's sentences, whitespace collapsed."""
    return [" ".join(s.split()) for p in split_paragraphs(text) for s in split_sentences(p, lang) if s.strip()]


def _stems(text: str, lang: str) -> set[str]:
    return {stem(w) for w in content_words(text, lang)}


def _score(sentence: str, candidate: str, lang: str) -> float:
    """The share of ``sentence``'s content stems ``candidate`` holds; 0 when it lacks one of its numbers."""
    own = _stems(sentence, lang)
    if not own or not set(extract_numbers(sentence)) <= set(extract_numbers(candidate)):
        return 0.0
    return len(own & _stems(candidate, lang)) / len(own)


def cite(sentence: str, lang: str, articles: Sequence[Sequence[str]], own: int) -> list[Quote]:
    """The articles that state ``sentence``, with the sentence of each it rests on.

    Args:
        sentence: one brief sentence.
        lang: its language (and that of ``articles``).
        articles: each article's sentences in ``lang`` (see :func:`article_sentences`), in citation order.
        own: the index of the article the sentence was taken from: always cited, first.

    Returns:
        At most :data:`MAX_CITES` quotes, ``own`` first, then the closest matches.
    """
    found: list[Quote] = []
    for i, sentences in enumerate(articles):
        scored = [(_score(sentence, s, lang), -j, s) for j, s in enumerate(sentences)]
        if not scored:
            if i == own:
                found.append(Quote(i + 1, "", 0.0))
            continue
        score, _, best = max(scored)
        if i == own or score >= MATCH:
            found.append(Quote(i + 1, best, round(score, 3)))
    found.sort(key=lambda q: (q.n != own + 1, -q.score, q.n))
    return found[:MAX_CITES]
