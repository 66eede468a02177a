"""The words of a sentence as the name rules see them: one tokenizer for every name finder.

Both the document's name finder (:mod:`summarize.text.names`) and the rule-based engine's own
protection (:mod:`summarize.backends.apertium.names`) read capitalized words; they read them here,
so they agree on what a word is (hyphens and apostrophes inside it: "MS-13", "O'Hagan"), on a
possessive ("Rubio's" is the word "Rubio"), on which words open a sentence, on what "capitalized"
means, and on the lower-case words that join a name ("Tren de Aragua").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Token", "connectors", "foreign_connectors", "is_possessive", "runs", "tokenize", "word_list"]

WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# an English possessive or genitive, straight or curly apostrophe: "Trump's", "Rubio’s"
POSSESSIVE = re.compile(r"['’]s$")
_BARE_APOSTROPHE = re.compile(r"['’](?!\w)")
# what may stand between a sentence's start and its first word, or end a sentence before a word
OPENS_SENTENCE = re.compile(r"[.!?:;\n\"“«¿¡—–(\[]")


@dataclass(frozen=True)
class Token:
    """One word of a text, without its possessive ending.

    Attributes:
        start: where it starts in the text.
        end: where it ends (before a possessive ``'s``).
        text: the word.
        initial: it opens a sentence (or a quote, a parenthesis), where every word is capitalized.
        possessive: an ``'s`` follows it in the text, or an apostrophe alone after a plural ("Flores'").
    """

    start: int
    end: int
    text: str
    initial: bool
    possessive: bool = False

    @property
    def capitalized(self) -> bool:
        """It starts with a capital letter ("Rubio", "CECOT", "I")."""
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        """Two capitals or more and no small letter ("CECOT", "MS-13", "EE")."""
        return sum(c.isupper() for c in self.text) >= 2 and not any(c.islower() for c in self.text)

    @property
    def titled(self) -> bool:
        """Capitalized with small letters after: a word that may be a name, not an acronym nor a lone capital."""
        return self.capitalized and any(c.islower() for c in self.text)


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` in order, each without its possessive ending."""
    tokens: list[Token] = []
    last = 0
    for m in WORD.finditer(text):
        initial = not tokens or bool(OPENS_SENTENCE.search(text, last, m.start()))
        word = POSSESSIVE.sub("", m.group())
        # a plural's possessive is its apostrophe alone: "the Flores' house", not the end of a quote: "'yes'"
        plural_possessive = (word.endswith("s") and bool(_BARE_APOSTROPHE.match(text, m.end()))
                             and text[m.start() - 1 : m.start()] not in ("'", "‘", "’"))
        tokens.append(Token(m.start(), m.start() + len(word), word, initial,
                            len(word) < len(m.group()) or plural_possessive))
        last = m.end()
    return tokens


def is_possessive(text: str, end: int) -> bool:
    """Whether an ``'s`` (straight or curly) follows position ``end`` of ``text`` as a word ending."""
    return bool(re.match(r"['’]s(?!\w)", text[end : end + 3]))


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of one list shipped in ``summarize/text/wordlists/`` (one a line, ``#`` comments)."""
    text = resources.files("summarize.text").joinpath("wordlists", name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def foreign_connectors() -> frozenset[str]:
    """Lower-case words that join a Spanish or Portuguese name, also inside English text ("Tren de Aragua")."""
    return word_list("connectors.foreign.txt")


def connectors(lang: str) -> frozenset[str]:
    """Lower-case words that may stand inside a name written in ``lang`` ("Department of State",
    "Tren de Aragua", "Ministerio de la Presidencia"), Spanish and Portuguese ones included."""
    return word_list(f"connectors.{lang}.txt") | (foreign_connectors() if lang == "en" else frozenset())


def runs(text: str, tokens: Sequence[Token], *, starts: Callable[[Token], bool],
         extends: Callable[[int, list[Token]], bool], separators: tuple[str, ...] = (" ",)) -> list[list[Token]]:
    """Group tokens into the runs a name may be: a word that ``starts`` one, and the words after it
    joined by one of ``separators``, each one that ``starts`` a name or that ``extends`` the run.

    Args:
        text: the text the tokens are of.
        tokens: its tokens, in order.
        starts: whether a word may open (and continue) a name: capitalized, titled.
        extends: ``extends(i, run)``: whether the joined word ``tokens[i]`` carries ``run`` on
            although it cannot start a name (a connector between two names, a number after one).
        separators: what may stand between two words of a run.
    """
    found: list[list[Token]] = []
    current: list[Token] = []
    for i, tok in enumerate(tokens):
        joined = bool(current) and text[current[-1].end : tok.start] in separators
        if (starts(tok) and (not current or joined)) or (joined and extends(i, current)):
            current.append(tok)
        else:
            if current:
                found.append(current)
            current = [tok] if starts(tok) else []
    if current:
        found.append(current)
    return found
