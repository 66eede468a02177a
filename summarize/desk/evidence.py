"""What two articles must share to be about one event: names, numbers and content words.

Pure functions over text, no model. A *name* is a run of two or more capitalised words
(``Nayib Bukele``, ``Casa Blanca``, joined through ``de``/``del``/``of``...) or an acronym
(``CECOT``, ``EE.UU.`` -> ``EEUU``); a single capitalised word counts only away from the start of
a sentence. When a record already carries the names the pipeline found (the ``names`` field of a
result, where the pipeline gives one), those are used as well. Numbers are normalised so that
``1.500``, ``1,500`` and ``1500`` are one value (``1,5`` and ``1.5`` are ``1.5``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..backends._stopwords import STOPWORDS

__all__ = [
    "Evidence",
    "content_words",
    "evidence_of",
    "extract_names",
    "extract_numbers",
    "normalise",
    "record_names",
    "record_text",
]

_WORD = re.compile(r"\w+(?:[.'’]\w+)*", re.UNICODE)
_CAP = r"[A-ZÁÉÍÓÚÑÜ][\w'’\-]*"
_LINK = r"(?:de|del|de la|de los|of)"
_NAME = re.compile(rf"\b{_CAP}(?:[ \t]+(?:{_LINK}[ \t]+)?{_CAP})+")
_ACRONYM = re.compile(r"\b(?:[A-ZÁÉÍÓÚÑ]\.){2,}(?:[A-ZÁÉÍÓÚÑ]{1,3}\.?)*|\b[A-ZÁÉÍÓÚÑ]{2,}(?:\.[A-ZÁÉÍÓÚÑ]{2,})*\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?¿¡:;\"«»“”(]\s*)$")
_SINGLE_CAP = re.compile(rf"\b{_CAP}")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?(?![\w])")
# Capitalised words that open sentences or name days and months: not names on their own.
_NOT_NAMES = frozenset(
    ["the", "a", "an", "in", "on", "at", "el", "la", "los", "las", "un", "una", "en", "este", "esta", "según", "however", "but", "and", "y", "pero", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre"]
)
MIN_WORD_CHARS = 3
STEM_CHARS = 5


@dataclass(frozen=True)
class Evidence:
    """What one article offers for grouping, all in one working language (English).

    Attributes:
        names: normalised names (``nayib bukele``, ``cecot``).
        numbers: normalised numbers (``300``, ``6000000``, ``1.5``), years included.
        words: content words of the working-language text (lower case, no function words).
    """

    names: frozenset[str]
    numbers: frozenset[str]
    words: frozenset[str]


def normalise(text: str) -> str:
    """Lower case, NFKC, accents kept, every run of non-word characters one space."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def _fold(name: str) -> str:
    """A name's comparable form: lower case, no accents, no dots (``EE.UU.`` -> ``eeuu``)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace(".", "").split())


def extract_names(text: str) -> list[str]:
    """Names in order of appearance, as written (``Marco Rubio``, ``CECOT``, ``EE.UU.``).

    Args:
        text: any text, either language.

    Returns:
        Multi-word capitalised spans, acronyms, and single capitalised words that do not open a
        sentence; duplicates kept (callers count them).
    """
    found: list[tuple[int, str]] = []
    taken = bytearray(len(text) + 1)  # 1 where a name already covers the character: linear in the text

    def take(span: tuple[int, int]) -> None:
        taken[span[0]:span[1]] = b"\x01" * (span[1] - span[0])

    for match in _NAME.finditer(text):
        words = match.group().split()
        while words and words[0].casefold() in _NOT_NAMES:
            words = words[1:]
        if len(words) >= 2 or (words and _usable_single(text, match.end() - len(words[0]), words[0])):
            found.append((match.start(), " ".join(words)))
            take(match.span())
    for match in _ACRONYM.finditer(text):
        if not taken[match.start()]:
            found.append((match.start(), match.group()))
            take(match.span())
    for match in _SINGLE_CAP.finditer(text):
        if taken[match.start()]:
            continue
        if _usable_single(text, match.start(), match.group()):
            found.append((match.start(), match.group()))
    return [name for _, name in sorted(found)]


def _usable_single(text: str, start: int, word: str) -> bool:
    if len(word) < MIN_WORD_CHARS or word.casefold() in _NOT_NAMES:
        return False
    return not _SENTENCE_START.search(text[max(0, start - 3):start])


def extract_numbers(text: str) -> list[str]:
    """Numbers in order, normalised: thousands separators dropped, a decimal comma made a point.

    ``1.500`` and ``1,500`` (three digits after the mark) are one thousand five hundred; ``1,5``
    and ``1.5`` are one and a half.
    """
    values: list[str] = []
    for match in _NUMBER.finditer(text):
        raw = match.group().replace(" ", "").replace("\u00a0", "")
        parts = re.split(r"[.,]", raw)
        if len(parts) > 1 and len(parts[-1]) != 3:
            value = "".join(parts[:-1]) + "." + parts[-1]
        else:
            value = "".join(parts)
        value = value.lstrip("0") or "0"
        values.append("0" + value if value.startswith(".") else value)
    return values


def content_words(text: str, lang: str = "en") -> set[str]:
    """Lower-case words of at least three characters that are not function words."""
    stop = STOPWORDS.get(lang, frozenset())
    return {w for w in normalise(text).split() if len(w) >= MIN_WORD_CHARS and w not in stop and not w.isdigit()}


def record_text(record: Mapping[str, Any], lang: str = "en") -> str:
    """A record's title and text in ``lang``: its own when written in it, else its translation."""
    if record.get("source_lang") == lang:
        return "\n\n".join(filter(None, (record.get("title"), record.get("text"))))
    translation = record.get("translation") or {}
    if translation.get("lang") == lang:
        return "\n\n".join(filter(None, (translation.get("title"), translation.get("text"))))
    return ""


def record_names(record: Mapping[str, Any]) -> list[str]:
    """The names a record's pipeline found (its ``names`` field), when it has one.

    The field may be a list of strings or of objects with a ``text`` (or ``name``) key; anything
    else is ignored, so records of any version are read alike.
    """
    names = record.get("names")
    out: list[str] = []
    if isinstance(names, list):
        for item in names:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, Mapping):
                text = item.get("text") or item.get("name")
                if isinstance(text, str):
                    out.append(text)
    return out


def evidence_of(record: Mapping[str, Any], lang: str = "en") -> Evidence:
    """Names and numbers of both sides of a record, content words of its ``lang`` side.

    Names keep across translation (the translators protect them), so both the original and the
    translation contribute; words come from the working language only, so that a Spanish and an
    English article are compared in the same words.
    """
    sides = [record_text(record, "es"), record_text(record, "en")]
    names = {_fold(n) for side in sides for n in extract_names(side)} | {_fold(n) for n in record_names(record)}
    numbers = {n for side in sides for n in extract_numbers(side)}
    return Evidence(names=frozenset(n for n in names if n), numbers=frozenset(numbers),
                    words=frozenset(stem(w) for w in content_words(record_text(record, lang), lang)))


def stem(word: str) -> str:
    """A word's first :data:`STEM_CHARS` letters: ``disturbed`` and ``disturb`` meet, as do a
    translation's ``cooking`` and an original's ``cook`` (a crude stemmer, but one without a
    language model that works as well for Apertium's word choices as for the original's)."""
    return word[:STEM_CHARS]


def fold_name(name: str) -> str:
    """The comparable form of one name (see :func:`evidence_of`)."""
    return _fold(name)


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, without repeats."""
    return list(dict.fromkeys(items))
