"""A document's names as values: each name, its kind and rendering, and where it occurs in a sentence."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache

from ..protect import Span
from ..tokens import OPENS_SENTENCE
from .words import ARTICLE_FORMS

__all__ = ["ACRONYM", "ESTABLISHED", "FULL", "NAME", "PART", "PERSON", "DocumentNames", "Name", "alternation"]

ESTABLISHED = "established"  # in the gazetteer: rendered in the other language
ACRONYM = "acronym"
NAME = "name"
PART = "part"  # the last word of a two- or three-word name, which stands for it elsewhere ("Rubio")
FULL = "full name"  # two or three capitalized words whose last one may stand for them ("Marco Rubio")
PERSON = "person"  # one word the document shows is a person: after a title or before "said" ("Trump said")


@dataclass(frozen=True)
class Name:
    """One proper name of a document.

    Attributes:
        text: the name as the article writes it.
        kind: ``established`` (rendered from the gazetteer), ``acronym``, ``full name`` (two or
            three capitalized words: "Marco Rubio"), ``part`` (the last word of a full name in the
            document, which stands for it: "Rubio"), ``person`` (one word that a title before it or
            a verb of saying after it shows is a person: "President Trump", "Rubio dijo"), or ``name``.
        translation: its established rendering in the other language, or ``None`` to keep it.
    """

    text: str
    kind: str
    translation: str | None = None


@dataclass(frozen=True)
class DocumentNames:
    """The names of one document, written in ``lang``, and the finder that found them."""

    lang: str
    names: tuple[Name, ...] = ()
    finder: str = "rules"

    def renderings(self, lang: str) -> dict[str, str]:
        """Each name as written in ``lang`` (the document's or the other language), mapped to its
        form in the other language."""
        if lang == self.lang:
            return {n.text: n.translation or n.text for n in self.names}
        return {(n.translation or n.text): _case_of(n.translation, n.text) for n in self.names}

    def spans(self, text: str, src: str, overrides: Mapping[str, str | None] | None = None, *,
              engine_protects: bool = False, translated: Collection[str] = (), kept: Collection[str] = ()
              ) -> list[Span]:
        """Where the names occur in ``text`` (written in ``src``), each with its rendering.

        Args:
            text: a sentence or paragraph.
            src: the language ``text`` is written in.
            overrides: the engine's renderings (:meth:`Translator.name_renderings`); ``None``
                leaves an established name to the engine, which otherwise takes the gazetteer's
                rendering whatever the engine's own.
            engine_protects: the engine finds names itself, sentence by sentence (Apertium): only
                what a sentence alone cannot tell is masked, the names the document teaches
                (full names and their parts, a name after a Spanish article) and the gazetteer's.
            translated: names the engine translates itself (:meth:`Translator.translated_names`),
                with ``engine_protects``: left to it, and so is a part that stands only for them.
            kept: full names the engine's own protection keeps within a sentence
                (:meth:`Translator.protected_names`), with ``engine_protects``: left to it, while
                their last word alone is still masked ("Rubio" for "Marco Rubio").
                With ``engine_protects`` a name opening with an article is masked only where the
                article is capitalized inside the sentence ("en La Libertad"), which makes it a name.
        """
        forms: dict[str, str] = {}
        inside_only: set[str] = set()
        if engine_protects:
            # a full name the engine knows whole ("Gran Bretaña") is its own, and so is its last word
            taught = self._taught(src, set(translated) | {f for f in (overrides or {}) if " " in f}, set(kept))
            # at a sentence's start the article is capitalized anyway: there the engine's own rule
            # (an article before a word it reads both ways, "El Salvador aceptará") decides
            inside_only = {f for f in taught if f.split()[0] in ARTICLE_FORMS and len(f.split()) > 1}
            overrides = {**{f: None for f in self.renderings(src) if f not in taught}, **(overrides or {})}
            established_only = False
        else:
            established_only = True
        established = {n.text if src == self.lang else (n.translation or n.text)
                       for n in self.names if n.kind == ESTABLISHED}
        for form, rendering in self.renderings(src).items():
            engine = (overrides or {}).get(form, rendering)
            if form in established and engine is not None:
                # the gazetteer's spelling, the same for every engine ("EE. UU.", not Apertium's "EE.UU."),
                # while an established name the engine renders itself is still left to it
                engine = rendering
            if engine is not None:
                forms[form] = engine
            elif established_only and form not in established:
                forms[form] = rendering  # the engine knows it, but a kept name stays kept
        # a name left to the engine still takes its words along: no part of it is masked inside it
        left = {f for f in (*translated, *kept) if f not in forms} if engine_protects else set()
        pattern = alternation(tuple(sorted({*forms, *left}, key=lambda f: (-len(f), f))))
        if pattern is None:
            return []
        return [Span(m.start(), m.end(), m.group(), "name", "" if forms[m.group()] == m.group() else forms[m.group()])
                for m in pattern.finditer(text)
                if m.group() in forms and (m.group() not in inside_only or not _opens(text, m.start()))]

    def _taught(self, src: str, translated: set[str], kept: set[str]) -> set[str]:
        """The forms (written in ``src``) that one sentence cannot tell are names; see :meth:`spans`."""
        written = {n.text: n.text if src == self.lang else (n.translation or n.text) for n in self.names}
        full = [written[n.text] for n in self.names if n.kind == FULL]

        def taught(n: Name, form: str) -> bool:
            if n.kind in (ESTABLISHED, PERSON) or (n.text.split()[0] in ARTICLE_FORMS and len(n.text.split()) > 1):
                return True
            if n.kind == FULL:
                return form not in translated and form not in kept
            # "Rubio" for "Marco Rubio", not "Olímpicos" for "Juegos Olímpicos"
            return n.kind == PART and any(f.split()[-1] == form and f not in translated for f in full)

        return {written[n.text] for n in self.names if taught(n, written[n.text])}

    def to_json(self) -> list[dict[str, str]]:
        """The names as JSON-ready objects."""
        return [{k: v for k, v in (("text", n.text), ("kind", n.kind), ("translation", n.translation)) if v}
                for n in self.names]


def _opens(text: str, start: int) -> bool:
    """Whether ``start`` opens the sentence, where every word is capitalized."""
    before = text[:start].rstrip()
    return not before or bool(OPENS_SENTENCE.fullmatch(before[-1]))


@cache
def alternation(forms: tuple[str, ...], *, fold: bool = False) -> re.Pattern[str] | None:
    """One pattern for all ``forms`` as whole words (longest first as given), also before a possessive
    ("Trump's", "Rubio’s": the name is matched, its ``'s`` left to the engine, which reads it as "de
    Trump"); ``fold``: in any case."""
    if not forms:
        return None
    return re.compile(rf"(?<![\w.])(?:{'|'.join(re.escape(f) for f in forms)})(?!\w)", re.IGNORECASE if fold else 0)


def _case_of(model: str | None, text: str) -> str:
    """``text`` with its first letter in the case of ``model``'s: a name the article wrote with a
    small article ("desde el Salvador") is written with a capital back where its rendering has one."""
    if model and model[:1].isupper() and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text
