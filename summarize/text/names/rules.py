"""The rule-based name finder: capitalization, the document's own usage and the gazetteer; no model."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..segment import split_sentences
from ..tokens import WORD, Token, runs, tokenize
from .case import is_title_case
from .gazetteer import Gazetteer, features
from .values import ACRONYM, ESTABLISHED, FULL, NAME, PART, PERSON, DocumentNames, Name, alternation
from .words import (
    ARTICLES,
    CONNECTORS,
    GENERIC,
    LEADING,
    NATIONALITIES,
    NEVER_ALONE,
    NOT_SAYERS,
    NOT_SURNAMES,
    PERSON_TITLES,
    SAYS,
    STOP,
    is_description,
)

__all__ = ["RuleNameFinder"]

_WORD_BEFORE = re.compile(r"(\w+)\.? $")
MAX_ACRONYM_CHARS = 7  # "MS-13", "UNICEF"; a longer word in capitals is shouting ("SALVADOR")
_DEMONYM = re.compile(r"(?:an|ans|ese|ish)$")


def _runs(sentence: str, words: list[Token], lang: str) -> list[list[Token]]:
    """Capitalized words joined by single spaces (or hyphens), with connectors between two of them
    and a number after a capitalized word ("MS 13")."""

    def extends(i: int, current: list[Token]) -> bool:
        w = words[i]
        if w.text[:1].isdigit():
            return current[-1].capitalized
        return w.text in CONNECTORS[lang] and _joins(current, w) and _bridges(sentence, words, i, lang)

    found = runs(sentence, words, starts=lambda w: w.capitalized, extends=extends, separators=(" ", "-"))
    return [_trim_connectors(r, lang) for r in found]


def _joins(current: list[Token], connector: Token) -> bool:
    """Whether a connector may carry the name in ``current`` on to the words after it.

    "de"/"of" make one name after a head or a first word ("Tren de Aragua", "University of
    Michigan", "Ponce de León"), but after a name already complete they are the preposition:
    an acronym ("la CEP de Haití"), or two capitalized words not ending in a description ("Juan
    Varela de Panamá", "Ana Soto of the University of Tarija"; "Sporting Association of Tarija" stays one).
    An article joins only after "de"/"of" ("de la", "of the"), and "for"/"para" only after a
    description ("Centre for Disease Control", not "MP for Leeds").
    """
    last = current[-1]
    if not last.capitalized:
        return True  # a second connector: "de la", "of the"
    if connector.text in ARTICLES or connector.text == "the" or last.acronym:
        return False
    segment = list(itertools.takewhile(lambda w: w.capitalized, reversed(current)))
    describes = is_description(last.text) or last.text.lower() in GENERIC
    if connector.text in ("for", "para"):
        return describes
    return len(segment) < 2 or describes


def _bridges(sentence: str, words: list[Token], i: int, lang: str) -> bool:
    """Whether connectors from ``i`` on lead, by single spaces, to a capitalized word."""
    j = i
    while j + 1 < len(words) and words[j].text in CONNECTORS[lang] and sentence[words[j].end : words[j + 1].start] == " ":
        j += 1
    return j > i - 1 and words[j].capitalized and j != i


def _shouted(words: list[Token], word: Token) -> bool:
    """A word in capitals next to another one: a heading or dateline in capitals ("SAN SALVADOR"), not an acronym."""
    i = words.index(word)
    return any(0 <= j < len(words) and words[j].acronym and not any(c.isdigit() for c in words[j].text)
               for j in (i - 1, i + 1)) and not any(c.isdigit() for c in word.text)


def _strip_leading(run: list[Token], lang: str, lower: set[str], inside: Mapping[str, int]) -> list[Token]:
    """Drop titles, descriptions and a sentence's capitalized first word (unless the document also
    capitalizes it inside a sentence) from the front of a run."""
    while len(run) > 1:
        word = run[0]
        # "Luego Rubio habló": an opener the document never capitalizes elsewhere, before a name it does
        unconfirmed = word.text not in inside and len(run) == 2 and inside.get(run[1].text, 0) > 1
        # "Asesinato de Ana Soto", "Miembros del Partido Verde": a noun the document capitalizes only at a
        # sentence's start, before "de"/"of", describes what follows (a head like "Universidad" stays)
        unconfirmed = unconfirmed or (word.text not in inside and len(run) > 2 and run[1].text in CONNECTORS[lang]
                                      and not is_description(word.text) and word.text.lower() not in GENERIC)
        opener = word.initial and (unconfirmed or word.text.lower() in lower or word.text.lower() in STOP[lang])
        # "Salvadoran President Nayib Bukele": a nationality before a title describes the person too
        nationality = lang == "en" and word.text.lower() in NATIONALITIES and run[1].text.lower() in LEADING
        if not (word.text.lower() in LEADING or word.text in CONNECTORS[lang] or opener or nationality):
            break
        run = run[1:]
    return run


def _trim_connectors(run: list[Token], lang: str) -> list[Token]:
    while run and run[-1].text in CONNECTORS[lang]:
        run = run[:-1]
    return run


class RuleNameFinder:
    """Finds names from capitalization and the document's own usage; needs no model.

    Args:
        gazetteer: names with an established translation (default: the built-in one).
    """

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.builtin()

    def find(self, paragraphs: Sequence[str], lang: str, *, title: str | None = None) -> DocumentNames:
        """The names of one document.

        Args:
            paragraphs: the body, in ``lang``.
            lang: ``es`` or ``en``.
            title: the headline; its words count only where the body confirms them (a headline may
                be in Title Case).
        """
        sentences = [s for p in paragraphs for s in split_sentences(p, lang) if s.strip()]
        headline = [title] if title else []
        return DocumentNames(lang, self._names(sentences, headline, lang), self.name)

    def _names(self, sentences: list[str], headline: list[str], lang: str, extra: Iterable[Name] = ()) -> tuple[Name, ...]:
        established: dict[str, Name] = {}
        for text in [*headline, *sentences]:
            for _, _, found, rendering in self.gazetteer.find(text, lang):
                if found != rendering:
                    established.setdefault(found, Name(found, ESTABLISHED, rendering))
            for feature in features(text, lang):
                established.setdefault(feature.text, feature)
        lower = {w.lower() for s in sentences for w in WORD.findall(s) if w.islower()}
        # how often each word is capitalized inside a sentence, where capitals mean a name
        inside = Counter(w.text for s in sentences for w in tokenize(s) if w.capitalized and not w.initial)
        inside_articles = {masked[r[0].start : r[-1].end] for masked in (self._without(s, established) for s in sentences)
                           for r in _runs(masked, tokenize(masked), lang)
                           if len(r) > 1 and r[0].text in ("El", "La", "Los", "Las") and not r[0].initial}
        candidates: dict[str, str] = {}
        demoted: set[str] = set()
        for sentence in sentences:
            masked = self._without(sentence, established)
            words = tokenize(masked)
            for w in words:
                if w.acronym and len(w.text) <= MAX_ACRONYM_CHARS and w.text.lower() not in lower and not _shouted(words, w):
                    candidates.setdefault(w.text, ACRONYM)
            # in a Title Case line every word is capitalized: a run there shows no full name ("Kanye West
            # Embarked"), unless a sentence in sentence case confirms it
            titled = is_title_case(sentence)
            for run in _runs(masked, words, lang):
                for text, kind in self._judge(masked, run, lang, lower, inside, inside_articles):
                    if kind == FULL and titled:
                        candidates.setdefault(text, NAME)
                        demoted.add(text)
                    elif kind == FULL and text in demoted:
                        candidates[text] = FULL
                        demoted.discard(text)
                    else:
                        candidates.setdefault(text, kind)
        for item in extra:
            if item.text not in established:
                candidates.setdefault(item.text, item.kind)
        # a full name's last word stands for it elsewhere ("Marco Rubio" ... "Rubio dijo"), also
        # where that word was found on its own first
        for surname in sorted({text.split()[-1] for text, kind in candidates.items() if kind == FULL}):
            if candidates.get(surname, NAME) == NAME:
                candidates[surname] = PART
        # after the surnames: a full name's part stays a part
        for text in self._people(sentences, lang, lower, candidates):
            if text not in established:
                candidates[text] = PERSON
        names = [*established.values()]
        names += [Name(t, k) for t, k in sorted(candidates.items()) if t not in established]
        return tuple(names)

    @staticmethod
    def _people(sentences: list[str], lang: str, lower: set[str], candidates: Mapping[str, str]) -> set[str]:
        """One-word names that a title before them or a verb of saying after them shows are people,
        and those the document writes as owners (a Spanish genitive "de X").

        A word found as a name elsewhere takes any sign; a word capitalized only because it opens
        a sentence takes the verb ("Rubio dijo ..."), unless it is a plural or a pronoun.
        """
        people: set[str] = set()
        for sentence in sentences:
            words = tokenize(sentence)
            for i, w in enumerate(words):
                text = w.text
                if not w.capitalized or w.acronym or " " in text or text.lower() in lower or \
                        candidates.get(text, NAME) != NAME:
                    continue
                low = text.lower()
                if low in STOP[lang] or low in NEVER_ALONE or low in LEADING or low in GENERIC or \
                        low in NOT_SAYERS or low in PERSON_TITLES:
                    continue
                before = _WORD_BEFORE.search(sentence[: w.start])
                titled = before is not None and before.group(1).lower() in PERSON_TITLES and \
                    sentence[before.end(1) : w.start] in (" ", ". ")
                after = words[i + 1] if i + 1 < len(words) else None
                says = (after is not None and after.text in SAYS[lang]
                        and sentence[w.end : after.start] in (" ", ", "))
                plural = lang == "en" and low.endswith("s")
                # "los asesores de Rubio": a Spanish name after "de" inside a sentence owns something; alone,
                # the engine would read it as an ordinary word ("Blond"). An English possessive is no
                # such sign: "Earth's", "Children's Hospital" are the engine's to translate (FLORES, NTREX)
                owner = lang == "es" and not w.initial and sentence[: w.start].endswith(" de ")
                if (text in candidates and (titled or says or owner)) or (says and not plural):
                    people.add(text)
        return people

    @staticmethod
    def _without(sentence: str, established: Mapping[str, Name]) -> str:
        """The sentence with gazetteer names blanked out (kept length), so no run takes them in."""
        pattern = alternation(tuple(sorted(established, key=lambda f: (-len(f), f))))
        return sentence if pattern is None else pattern.sub(lambda m: "\x00" * len(m.group()), sentence)

    def _judge(self, sentence: str, run: list[Token], lang: str, lower: set[str], inside: Mapping[str, int],
               inside_articles: set[str]) -> list[tuple[str, str]]:
        """The name (if any) in one capitalized run, with its kind."""
        first = run[0]
        # "El 6 de marzo" is a date, not a name
        article = (lang == "es" and first.text.lower() in ARTICLES and len(run) > 1 and run[1].capitalized)
        # Spanish capitalizes no common noun, so a capitalized word after an article is a name:
        # "en El Salvador", "de La Libertad", and at a sentence start "El Salvador aceptará"
        second = run[1].text if len(run) > 1 else ""
        plain_noun = second.lower() in LEADING or second.lower() in GENERIC or second.lower() in lower
        if article and (not first.initial or sentence[first.start : run[-1].end] in inside_articles
                        or (not run[1].acronym and not plain_noun)):
            return [(sentence[first.start : run[-1].end], NAME)]
        run = _trim_connectors(_strip_leading(run, lang, lower, inside), lang)
        if not run:
            return []
        words = [w.text for w in run]
        if len(run) > 1 and all(w.acronym for w in run):
            return []  # a line in capitals ("SAN SALVADOR, 4 feb.")
        if all(w.lower() in GENERIC or w.lower() in LEADING or w in CONNECTORS[lang] for w in words):
            return []
        if len(run) == 1:
            return self._single(sentence, run[0], lang, lower, inside)
        text = sentence[run[0].start : run[-1].end]
        plain = all(w.capitalized for w in run) and 2 <= len(run) <= 3 and not any(c.isdigit() for c in text)
        last = words[-1].lower()
        # a description and a name ("Imperio Qing", "Giza Plateau") is no person's full name
        full = (plain and last not in lower and last not in GENERIC and last not in NOT_SURNAMES[lang]
                and not is_description(words[0]) and not (lang == "en" and is_description(last)))
        return [(text, FULL if full else NAME)]

    @staticmethod
    def _single(sentence: str, word: Token, lang: str, lower: set[str], inside: Mapping[str, int]) -> list[tuple[str, str]]:
        text = word.text
        if word.acronym or not word.capitalized:
            return []  # acronyms are judged on their own; a number left alone is no name
        if text.lower() in NEVER_ALONE or text.lower() in LEADING or text.lower() in GENERIC or \
                text.lower() in STOP[lang]:
            return []
        if word.initial and text not in inside:
            return []  # capitalized only because it opens a sentence
        if text.lower() in lower and text not in inside:
            return []
        after = sentence[word.end : word.end + 40].split()[:1]
        if lang == "en" and _DEMONYM.search(text) and after and after[0][:1].islower():
            return []  # an adjective of nationality ("Salvadoran prisons") translates
        return [(text, NAME)]
