"""The checkable facts of a text, numbers and names, for faithfulness checks on summaries.

Numbers are normalised across the two languages' conventions ("40.000", "40,000" and "40000" are
one number; "3,5" and "3.5" another). Names are found with a simple rule that needs no model:
capitalised words that do not open a sentence, acronyms ("CECOT", "MS-13") anywhere, and runs of
them ("Nayib Bukele") kept whole; a word that opens a sentence counts only if the text also uses it
capitalised elsewhere. A better name finder can replace :func:`names` without changing its callers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["missing_facts", "names", "numbers", "summary_differences"]

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})*(?![\d])|(?<![\w.,])\d+(?:[.,]\d+)?")
_CAPITALISED = re.compile(r"\b[A-ZÁÉÍÓÚÑÜ][\w\-]*(?:['’][\w]+)?")
_ACRONYM = re.compile(r"^[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9\-.]+$")
_SENTENCE_START = re.compile(r"(?:^|[.!?¡¿:;\"“”«»—–(\n]\s*)$")
# short function words a name may hold ("Tren de Aragua", "Secretary of State")
_JOINERS = frozenset({"de", "del", "la", "las", "los", "y", "of", "the", "and"})


def numbers(text: str) -> set[str]:
    """The numbers of a text, normalised: thousands separators dropped, a decimal comma made a point."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        value = match.group(0)
        if match.group(1) is not None:
            found.add(re.sub(r"\D", "", value))
        else:
            found.add(value.replace(",", "."))
    return found


def names(text: str) -> set[str]:
    """Capitalised names and acronyms of a text, runs of them kept whole ("Marco Rubio")."""
    tokens = list(_CAPITALISED.finditer(text))
    inside = {m.group(0) for m in tokens if not _SENTENCE_START.search(text[: m.start()])}
    found: set[str] = set()
    run: list[str] = []
    last_end = -1
    for match in tokens:
        word = match.group(0)
        opens = bool(_SENTENCE_START.search(text[: match.start()]))
        is_name = _ACRONYM.match(word) is not None or not opens or word in inside
        gap = text[last_end: match.start()] if last_end >= 0 else ""
        joined = run and (gap == " " or (gap.strip().lower() in _JOINERS and gap.count(" ") == 2))
        if is_name and joined:
            run.append(gap.strip())
            run.append(word)
        else:
            if run:
                found.add(_join(run))
            run = [word] if is_name else []
        last_end = match.end() if is_name else -1
    if run:
        found.add(_join(run))
    return found


def _join(run: list[str]) -> str:
    return " ".join(part for part in run if part)


def missing_facts(summary: str, article: str) -> list[str]:
    """The numbers and names of a summary that the article does not contain (normalised as above).

    A name counts as found when every word of it occurs in the article, compared without case or
    accents ("BUKELE", "Bukelé"); a summary may join a first name and a surname the article gives
    apart. This is the one faithfulness check: the pipeline runs it on every engine's summaries.
    It misses paraphrased inventions and flags honest inflections ("Salvadoran" for "El Salvador"),
    so it warns a reader; it is not an error.
    """
    article_numbers = numbers(article)
    article_words = {_fold(w) for w in _WORDS.findall(article)}
    absent = sorted(numbers(summary) - article_numbers)
    absent += sorted(n for n in names(summary) if not all(_fold(w) in article_words for w in _WORDS.findall(n)))
    return absent


_WORDS = re.compile(r"[\w\-]+")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def summary_differences(source_summary: str, translated_summary: str, translated_article: str | None) -> list[str]:
    """What the two summaries do not share: numbers in one and not the other, and the source summary's
    names that the article's translation keeps as written but the summary's translation lacks.

    A name the translation renders otherwise ("Estados Unidos", "United States") is not compared:
    the article's own translation is the reference for how each name comes out.
    """
    left, right = numbers(source_summary), numbers(translated_summary)
    differ = [f"{n} (only in the {side})" for side, ns in (("original", left - right), ("translation", right - left))
              for n in sorted(ns)]
    kept = _kept_names(names(source_summary), translated_article)
    differ += [f"{n} (not in the translation)" for n in sorted(kept) if n not in translated_summary]
    return differ


def _kept_names(found: Iterable[str], translated_article: str | None) -> set[str]:
    if translated_article is None:
        return {n for n in found if _ACRONYM.match(n)}
    return {n for n in found if n in translated_article}
