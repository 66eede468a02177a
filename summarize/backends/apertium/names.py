"""What to keep intact when a rule-based engine translates: names, acronyms, URLs, foreign quotes.

The word knowledge comes from the engine: a :class:`Lexicon` says how it reads each capitalized
word (Apertium's own dictionaries, see :mod:`summarize.backends.apertium`). The spans found here
are masked and restored with :mod:`summarize.protect`.

What is protected, and why:

* URLs, e-mail addresses, ``@handles`` and ``#hashtags``: never translated.
* Quotes in the *target* language inside a source sentence (an English post quoted in a Spanish
  article): kept as written, when a language detector is given.
* Acronyms (``CECOT``, ``MS-13``, ``FMLN``) unless the lexicon knows them (``ONU`` -> ``UN``,
  Roman numerals).
* Proper names: within a run of capitalized words, the stretch from the first to the last word
  the engine does not know or reads both as a name and as an ordinary word (``Marco Rubio``
  would become "Blond Frame", ``El Salvador`` "The Saviour"), plus a final surname that is an
  ordinary word ("Rubio", "Musk"). Leading ordinary words are left to the engine, because they
  translate: titles ("President", "secretario de Estado"), descriptions ("Parque Nacional"),
  months and days in English. So are runs the engine knows whole (``Estados Unidos``), names
  that double as adjectives ("Francesa", "Mediterráneo") and a lone ambiguous word ("la Tierra"),
  which the engine's tagger reads better than a rule. A name the engine would render differently
  as a proper noun keeps that rendering (``Noruega`` -> "Norway").
  The first word of a sentence is capitalized anyway, so there a single word counts as a name
  only when it is unknown or was seen as a name elsewhere in the same text ("Rubio dijo ...").

Each rule was kept only if it raised (or kept) BLEU and chrF on FLORES-200 and NTREX-128 in both
directions; see ``benchmarks/translation_quality.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ...text.names import is_description
from ...text.protect import Masked, Span, mask
from ...text.tokens import WORD, Token, foreign_connectors, runs, tokenize

__all__ = [
    "AMBIGUOUS",
    "COMMON",
    "KNOWN",
    "UNKNOWN",
    "Lexicon",
    "Protector",
    "Reading",
    "find_spans",
]

KNOWN = "known"  # the engine reads it as a proper noun, acronym or numeral and renders it well
UNKNOWN = "unknown"  # not in the engine's dictionary: copied, but it breaks the grammar around it
COMMON = "common"  # only ordinary-word readings: the engine translates it ("Rubio" -> "blond")
AMBIGUOUS = "ambiguous"  # read as a name or as an ordinary word ("Salvador", "Marco", "Flores")

_SPANISH_ARTICLES = frozenset({"el", "la", "los", "las"})
_SPANISH_SAINTS = frozenset({"san", "santa", "santo"})
# Lower-case words inside names: in English text they mark Spanish or Portuguese names ("Tren de
# Aragua"); in Spanish text "de" mostly joins two names or a description and a name, which the engine reads.
_CONNECTORS = {"es": frozenset[str](), "en": foreign_connectors()}

_URL = r"(?:https?://|www\.)[^\s<>\"'«»“”]+[^\s<>\"'«»“”.,;:!?)\]]"
# a bare address with a path ("gob.sv/Noticias", "example.com/Informe"): its dots are no sentence ends
# and its capitals no names
_BARE_URL = r"(?<![\w@./-])(?:[A-Za-z0-9-]+\.)+[a-z]{2,6}/[^\s<>\"'«»“”]*[^\s<>\"'«»“”.,;:!?)\]]"
# the lookbehind starts a match only where a run of address characters starts: without it a long
# word is rescanned from each of its letters (quadratic time)
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"(?<![\w@])[@#]\w+"
# a run of 64 or more non-space characters is no word of either language (a hash, a token, garbage):
# kept as written, it also spares the engine a "word" it would take minutes over
MAX_WORD_CHARS = 64
_LONG_RUN = rf"\S{{{MAX_WORD_CHARS},}}"
_VERBATIM = re.compile(f"{_URL}|{_BARE_URL}|{_EMAIL}|{_HANDLE}|{_LONG_RUN}")
_QUOTES = re.compile(r'"([^"]+)"|“([^”]+)”|«([^»]+)»')
@dataclass(frozen=True)
class Reading:
    """How an engine reads a word or a run of words.

    Attributes:
        kind: :data:`KNOWN`, :data:`UNKNOWN`, :data:`COMMON` or :data:`AMBIGUOUS`.
        name: the engine's rendering of the word read as a proper noun, in the other language
            (``Noruega`` -> ``Norway``); ``None`` keeps the word as written.
        person: one reading is a person's name ("Marco", "Donald").
        plural: every ordinary-word reading is plural ("Mountains", "Games"): not a surname.
    """

    kind: str
    name: str | None = None
    person: bool = False
    plural: bool = False


class Lexicon(Protocol):
    """An engine's word knowledge, queried once per batch."""

    def classify(self, items: Sequence[str], lang: str) -> Mapping[str, Reading]:
        """Read single words and multi-word runs written in ``lang``.

        Returns:
            A reading for every item the lexicon can tell about; a multi-word run need only be
            given when the engine knows it whole as one name (:data:`KNOWN`).
        """
        ...


def _tokens(text: str) -> list[Token]:
    """The words of a text ("Rubio's" is "Rubio" and a possessive the engine handles); one of
    :data:`MAX_WORD_CHARS` or more is no name: kept verbatim, never looked up."""
    return [tok for tok in tokenize(text) if len(tok.text) < MAX_WORD_CHARS]


def _runs(text: str, tokens: list[Token], lang: str) -> list[list[Token]]:
    """Group capitalized words separated by single spaces (in English text also by ``de``, ``da``...)."""

    def connects(i: int, current: list[Token]) -> bool:
        return (tokens[i].text in _CONNECTORS[lang] and i + 1 < len(tokens) and tokens[i + 1].titled
                and text[tokens[i].end : tokens[i + 1].start] == " ")

    return runs(text, tokens, starts=lambda tok: tok.titled, extends=connects)


def _span_text(text: str, run: Sequence[Token]) -> str:
    return text[run[0].start : run[-1].end]


@dataclass
class _Context:
    lang: str
    readings: Mapping[str, Reading]
    lowercase: set[str] = field(default_factory=set)  # words the batch also writes in lower case
    learned: set[str] = field(default_factory=set)

    def kind(self, word: str) -> str:
        reading = self.readings.get(word)
        return reading.kind if reading else AMBIGUOUS

    def trigger(self, tok: Token) -> bool:
        """Whether a word marks its run as a name the engine would mangle."""
        return tok.titled and (self.kind(tok.text) in (UNKNOWN, AMBIGUOUS) or tok.text in self.learned)

    def first_name(self, tok: Token) -> bool:
        """A person's name the engine knows and keeps as it is ("Donald")."""
        reading = self.readings.get(tok.text)
        return bool(reading and reading.kind == KNOWN and reading.person and reading.name == tok.text)

    def surname(self, before: Token, tok: Token) -> bool:
        """An ordinary word after a first name or an unknown one ("Marco Rubio", "Elon Musk"),
        not a plural ("Ellsworth Mountains") nor after a place ("Minnesota Glacier")."""
        reading, previous = self.readings.get(tok.text), self.readings.get(before.text)
        if not reading or reading.kind != COMMON or reading.plural:
            return False
        if previous is not None and previous.person:
            return True
        # after an unknown word: "Elon Musk", but not "Princeton University" (a description, which
        # translates) nor a word the text also writes in lower case
        return ((previous is None or previous.kind == UNKNOWN) and tok.text.lower() not in self.lowercase
                and not is_description(tok.text))

    def needs_article(self, tok: Token) -> bool:
        """A word that is a name only with its article ("El Salvador", "La Libertad")."""
        return tok.titled and self.kind(tok.text) == AMBIGUOUS

    def named(self, tok: Token) -> bool:
        return self.trigger(tok) or (tok.titled and self.kind(tok.text) == KNOWN)

    def render(self, tok: Token) -> str:
        reading = self.readings.get(tok.text)
        return reading.name if reading and reading.name else tok.text


def _name_part(run: list[Token], text: str, ctx: _Context) -> list[Token]:
    """The part of a capitalized run to protect (possibly empty)."""
    while run and not run[0].titled:
        run = run[1:]
    if not run or (len(run) > 1 and ctx.kind(_span_text(text, run)) == KNOWN):
        return []  # the engine knows the whole name ("Estados Unidos", "New York")
    first = run[0]
    if first.initial and ctx.kind(first.text) == COMMON and first.text not in ctx.learned:
        # a sentence's first word is capitalized anyway; an article may still open a name
        if not (ctx.lang == "es" and first.text.lower() in _SPANISH_ARTICLES and len(run) > 1
                and ctx.needs_article(run[1])):
            return _name_part(run[1:], text, ctx)
        return run[: _name_end(run, ctx) + 1]
    if len(run) == 1 and first.text not in ctx.learned and ctx.kind(first.text) != UNKNOWN:
        return []  # a lone ambiguous word ("la Tierra", "el Sol") is left to the engine's tagger
    return _inner_part(run, ctx)


def _inner_part(run: list[Token], ctx: _Context) -> list[Token]:
    lowered = run[0].text.lower()
    if ctx.lang == "es" and len(run) > 1 and (
        (lowered in _SPANISH_ARTICLES and ctx.needs_article(run[1]))
        or (lowered in _SPANISH_SAINTS and ctx.named(run[1]))
    ):
        return run[: _name_end(run, ctx) + 1]  # "en El Salvador", "San Vicente"
    if not any(ctx.trigger(t) and not _describes(run, i, ctx) for i, t in enumerate(run)):
        if len(run) > 1 and ctx.first_name(run[-2]) and ctx.surname(run[-2], run[-1]):
            return run[-2:]  # a known first name and an ordinary-word surname ("Donald Trump")
        return []
    start = next(i for i, t in enumerate(run) if ctx.named(t) and not _describes(run, i, ctx))
    return run[start : _name_end(run, ctx) + 1]


def _name_end(run: list[Token], ctx: _Context) -> int:
    names = [i for i, t in enumerate(run) if ctx.named(t) and not _describes(run, i, ctx)]
    end = max(names, default=len(run) - 1)
    if end == len(run) - 2 and ctx.surname(run[-2], run[-1]):
        end += 1
    return end


def _describes(run: list[Token], i: int, ctx: _Context) -> bool:
    """A name-like word after an ordinary one describes ("Crocodile River", "Parque Nacional"),
    unless it is a first name with a surname after it ("State Marco Rubio")."""
    if i == 0 or ctx.kind(run[i].text) not in (AMBIGUOUS, KNOWN) or run[i].text in ctx.learned:
        return False
    before, reading = run[i - 1], ctx.readings.get(run[i].text)
    if reading is not None and reading.person and i + 1 < len(run) and run[i + 1].titled:
        return False
    return not before.titled or ctx.kind(before.text) == COMMON


def _candidates(text: str, lang: str) -> set[str]:
    items: set[str] = set()
    tokens = _tokens(text)
    for tok in tokens:
        if tok.titled or tok.acronym:
            items.add(tok.text)
    for run in _runs(text, tokens, lang):
        if len(run) > 1:
            items.add(_span_text(text, run))
        if len(run) > 2:
            items.add(_span_text(text, run[1:]))
    return items


def _name_span(text: str, part: list[Token], end: int, ctx: _Context) -> Span:
    pieces: list[str] = []
    last = part[0].start
    for tok in part:
        pieces.append(text[last : tok.start] + ctx.render(tok))
        last = tok.end
    pieces.append(text[last:end])
    replacement = "".join(pieces)
    original = text[part[0].start : end]
    return Span(part[0].start, end, original, "name", "" if replacement == original else replacement)


def _find(text: str, ctx: _Context, tgt: str, detect: Callable[[str], str | None] | None) -> list[Span]:
    spans = [Span(m.start(), m.end(), m.group(), "verbatim") for m in _VERBATIM.finditer(text)]
    if detect is not None:
        for m in _QUOTES.finditer(text):
            group = next(g for g in range(1, 4) if m.group(g) is not None)
            if detect(m.group(group)) == tgt:
                spans.append(Span(m.start(group), m.end(group), m.group(group), "quote"))
    tokens = _tokens(text)
    for tok in tokens:
        reading = ctx.readings.get(tok.text)
        if tok.acronym and (reading is None or reading.kind in (UNKNOWN, COMMON)):
            spans.append(Span(tok.start, tok.end, tok.text, "acronym"))
    for run in _runs(text, tokens, ctx.lang):
        part = _name_part(run, text, ctx)
        number = re.match(r" \d{1,3}\b(?![.,]?\d)", text[run[-1].end :])
        if not part and number and ctx.lang == "es" and len(run) == 1 and not run[0].initial:
            part = run  # "Barrio 18": in Spanish a capitalized noun and a (small) number form a name
        if part:
            end = part[-1].end + (number.end() if number and part[-1] is run[-1] else 0)
            spans.append(_name_span(text, part, end, ctx))
    return _non_overlapping(spans)


def _non_overlapping(spans: Iterable[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def _learn(spans: list[Span], ctx: _Context) -> None:
    """Remember surnames that are ordinary words too, for when they open a sentence ("Rubio dijo")."""
    for span in spans:
        words = [Token(0, 0, w, False) for w in WORD.findall(span.text)]
        if span.kind != "name" or len(words) < 2 or not words[-1].titled:
            continue
        before, last = words[-2], words[-1]
        reading = ctx.readings.get(before.text)
        if ctx.surname(before, last) or (ctx.kind(last.text) == AMBIGUOUS and reading and reading.person):
            ctx.learned.add(last.text)


def find_spans(
    texts: Sequence[str],
    lang: str,
    tgt: str,
    *,
    lexicon: Lexicon | None = None,
    detect: Callable[[str], str | None] | None = None,
) -> list[list[Span]]:
    """Find what to keep in each text of a batch, each text on its own (one text's spans never depend
    on the others: a document's names reach its sentences through
    :class:`summarize.pipeline.translate.DocumentTranslator` instead).

    Args:
        texts: segments written in ``lang``.
        lang: the source language (``es`` or ``en``).
        tgt: the target language; quotes already in it are kept.
        lexicon: how the engine reads words; without one every capitalized word counts as
            ambiguous, so runs of two or more inside a sentence are protected.
        detect: returns a text's language (``es``/``en``) or ``None``; without it quotes are not
            examined.

    Returns:
        Per text, its spans in order, none overlapping.
    """
    candidates: set[str] = set()
    for text in texts:
        candidates |= _candidates(text, lang)
    # the engine's readings of single words do not depend on the batch; everything learned from
    # the text itself stays with that text, so a segment's spans never depend on its neighbours
    readings = lexicon.classify(sorted(candidates), lang) if lexicon and candidates else {}
    out: list[list[Span]] = []
    for text in texts:
        ctx = _Context(lang, readings, {w for w in WORD.findall(text) if w.islower()})
        spans = _find(text, ctx, tgt, detect)
        _learn(spans, ctx)
        out.append(_find(text, ctx, tgt, detect) if ctx.learned else spans)
    return out


class Protector:
    """Masks a batch of segments for one engine (:func:`summarize.protect.restore` puts the spans back).

    Args:
        placeholders: given a segment and its spans, returns one placeholder per span (or fewer,
            when it runs out) that the engine copies unchanged and that the segment lacks.
        lexicon: how the engine reads words (see :func:`find_spans`).
        detect: a language detector for quotes (see :func:`find_spans`).
    """

    def __init__(
        self,
        placeholders: Callable[[str, Sequence[Span]], Sequence[str]],
        *,
        lexicon: Lexicon | None = None,
        detect: Callable[[str], str | None] | None = None,
    ) -> None:
        self.placeholders = placeholders
        self.lexicon = lexicon
        self.detect = detect

    def protect(self, texts: Sequence[str], src: str, tgt: str) -> list[Masked]:
        """Mask every text of a batch; a text whose spans outnumber the placeholders keeps the rest."""
        out: list[Masked] = []
        for text, spans in zip(texts, find_spans(texts, src, tgt, lexicon=self.lexicon, detect=self.detect),
                               strict=True):
            marks = list(self.placeholders(text, spans))
            out.append(mask(text, spans[: len(marks)], marks))
        return out
