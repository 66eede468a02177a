"""A person's title with a nationality before a name, in the other language's order.

English writes "US President Donald Trump" or "El Salvador's President Nayib Bukele"; Spanish
writes "el presidente estadounidense, Donald Trump" or "el presidente de El Salvador, Nayib Bukele".
A rule-based engine translating word by word keeps the English order ("Presidente del EE. UU.
Donald Trump"), so the whole phrase is rendered here, from the countries, adjectives and titles
shipped in ``summarize/text/wordlists/`` (``demonyms.tsv``, ``titles.tsv``), and masked like a name.
A possessive after the name ("President Trump's demands") stays outside the phrase, for the engine
to read as "de ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..protect import Span
from ..tokens import OPENS_SENTENCE, is_possessive
from .words import STOP

__all__ = ["title_spans"]

# one to three capitalized words, with initials between them: the person's name ("George W. Bush")
_WORD = r"[A-ZÁÉÍÓÚÑ][\w-]*[a-záéíóúñ][\w-]*"
_NAME = rf"{_WORD}(?:(?: [A-ZÁÉÍÓÚÑ]\.)* {_WORD}){{0,2}}"
# after these, a name goes on without a comma in Spanish ("el presidente X y el ministro Y")
_LIST_WORDS = frozenset({"and", "or", "y", "e", "o", "ni"})


@dataclass(frozen=True)
class _Country:
    es: tuple[str, ...]
    en: tuple[str, ...]
    adjective_es: tuple[str, str]  # masculine, feminine
    adjective_en: tuple[str, ...]


@dataclass(frozen=True)
class _Title:
    masculine: tuple[str, ...]
    feminine: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    countries: tuple[_Country, ...]
    titles: tuple[_Title, ...]

    def country(self, written: str, lang: str, *, adjective: bool) -> _Country:
        for c in self.countries:
            forms = (c.adjective_es if lang == "es" else c.adjective_en) if adjective else (c.es if lang == "es" else c.en)
            if written in forms:
                return c
        raise KeyError(written)

    def title(self, written: str, lang: str) -> tuple[_Title, bool]:
        """The title written so, and whether it is the Spanish feminine form."""
        for t in self.titles:
            if lang == "en" and written in t.en:
                return t, False
            if lang == "es" and _lower_first(written) in (*t.masculine, *t.feminine):
                return t, _lower_first(written) in t.feminine and _lower_first(written) not in t.masculine
        raise KeyError(written)


def _rows(name: str) -> list[list[tuple[str, ...]]]:
    text = resources.files("summarize.text").joinpath("wordlists", name).read_text(encoding="utf-8")
    return [[tuple(part.split("|")) for part in line.split("\t")]
            for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def _table() -> _Table:
    countries = tuple(_Country(es, en, (m[0], f[0]), adj) for es, en, m, f, adj in _rows("demonyms.tsv"))
    titles = tuple(_Title(m, f, en) for m, f, en in _rows("titles.tsv"))
    return _Table(countries, titles)


def _either(forms: set[str], *, any_first_case: bool = False) -> str:
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    if any_first_case:
        return "|".join(f"[{f[0].upper()}{f[0]}]{re.escape(f[1:])}" for f in ordered)
    return "|".join(re.escape(f) for f in ordered)


@cache
def _pattern(lang: str) -> re.Pattern[str]:
    table = _table()
    if lang == "en":
        adjectives = _either({a for c in table.countries for a in c.adjective_en})
        countries = _either({n for c in table.countries for n in c.en})
        titles = _either({t for title in table.titles for t in title.en})
        return re.compile(rf"(?<![\w.])(?:(?P<the>[Tt]he) )?(?:(?P<adj>{adjectives})|(?P<country>{countries})['’]s) "
                          rf"(?P<title>{titles}) (?P<name>{_NAME})(?![\w-])")
    adjectives = _either({a for c in table.countries for a in c.adjective_es})
    countries = _either({n for c in table.countries for n in c.es})
    titles = _either({t for title in table.titles for t in (*title.masculine, *title.feminine)}, any_first_case=True)
    return re.compile(rf"(?<![\w.])(?:(?P<art>[Ee]l|[Ll]a) )?(?P<title>{titles}) "
                      rf"(?:(?P<adj>{adjectives})|de (?P<country>{countries}))(?P<open>,)? (?P<name>{_NAME})(?![\w-])"
                      rf"(?P<close>,)?")


def title_spans(text: str, src: str) -> list[Span]:
    """Each title with a nationality before a person's name in ``text`` (written in ``src``), with
    its rendering in the other language's order.

    Args:
        text: a sentence.
        src: ``es`` or ``en``.

    Returns:
        The spans in order ("US President Donald Trump" -> "el presidente estadounidense, Donald
        Trump"; "el presidente de El Salvador, Nayib Bukele" -> "Salvadoran President Nayib Bukele").
    """
    if src not in ("es", "en"):
        return []
    spans: list[Span] = []
    for m in _pattern(src).finditer(text):
        name = m.group("name")
        if any(w.lower() in STOP[src] for w in name.split()):
            continue
        span = _english(text, m) if src == "en" else _spanish(text, m)
        if span is not None:
            spans.append(span)
    return spans


def _english(text: str, m: re.Match[str]) -> Span:
    """An English phrase in Spanish order: article, title, adjective, comma, name (and a closing comma
    where the sentence goes on after the name)."""
    table = _table()
    adjective = m.group("adj")
    country = table.country(adjective or m.group("country"), "en", adjective=adjective is not None)
    title, _ = table.title(m.group("title"), "en")
    rest = text[m.end() :]
    goes_on = re.match(r" (\w+)", rest)
    close = "," if goes_on and goes_on.group(1).lower() not in _LIST_WORDS else ""
    # before a possessive the engine moves the phrase after "de" ("la decisión del presidente ...")
    article = "El" if _opens(text, m.start()) and not is_possessive(text, m.end()) else "el"
    rendering = f"{article} {title.masculine[0]} {country.adjective_es[0]}, {m.group('name')}{close}"
    return Span(m.start(), m.end(), m.group(), "name", rendering)


def _spanish(text: str, m: re.Match[str]) -> Span:
    """A Spanish phrase in English order: adjective, title, name (its commas of apposition go with it)."""
    table = _table()
    adjective = m.group("adj")
    country = table.country(adjective or m.group("country"), "es", adjective=adjective is not None)
    title, _ = table.title(m.group("title"), "es")
    end = m.end()
    after = re.match(r" (\w+)", text[end:])
    if m.group("close") and (not m.group("open") or (after and after.group(1).lower() in _LIST_WORDS)):
        end -= 1  # a comma that is no closing one of an apposition stays in the sentence
    rendering = f"{country.adjective_en[0]} {title.en[0]} {m.group('name')}"
    return Span(m.start(), end, text[m.start() : end], "name", rendering)


def _opens(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or bool(OPENS_SENTENCE.fullmatch(before[-1]))


def _lower_first(word: str) -> str:
    return word[:1].lower() + word[1:]
