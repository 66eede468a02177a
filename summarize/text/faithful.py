"""A cheap faithfulness check: numbers and capitalised names in a summary that its article lacks.

Abstractive models invent figures and names; a summary is flagged when it holds a number, or a
capitalised word (not merely a sentence's first word), that appears nowhere in the article. It
misses paraphrased inventions and flags honest inflections ("Salvadoran" for "El Salvador"), so it
raises a warning for a reader, not an error.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["unsupported_terms"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _digits(number: str) -> str:
    return re.sub(r"[.,]", "", number).lstrip("0") or "0"


def unsupported_terms(summary: str, article: str) -> list[str]:
    """Numbers and capitalised names of ``summary`` found nowhere in ``article``, in order, once each.

    Numbers are compared by their digits (``1,500`` matches ``1.500`` and ``1500``); words without
    case or accents. A capitalised word at the start of a sentence counts only when the article
    never has it in lower case either (so "The" and "El" are not names).
    """
    article_numbers = {_digits(n) for n in _NUMBER.findall(article)}
    article_words = {_fold(w) for w in _WORD.findall(article)}
    found: list[str] = []
    for match in _NUMBER.finditer(summary):
        if _digits(match.group()) not in article_numbers and match.group() not in found:
            found.append(match.group())
    for match in _WORD.finditer(summary):
        word = match.group()
        if not word[0].isupper() or word in found:
            continue
        if _fold(word) not in article_words:
            found.append(word)
    return found
