"""Names with an established translation: the shipped gazetteer and natural features ("lago de Coatepeque")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .values import ESTABLISHED, Name, alternation
from .words import ARTICLES, CONNECTORS

__all__ = ["Gazetteer", "features"]

# the words of a name that may change case without changing the name: "el Salvador", "Secretario De Estado"
FUNCTION_WORDS = ARTICLES | CONNECTORS["es"] | CONNECTORS["en"]


@dataclass(frozen=True)
class Gazetteer:
    """Spanish-English pairs of names with an established translation (first pair wins per direction)."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The gazetteer shipped with the package (``summarize/text/gazetteer.tsv``)."""
        return _builtin()

    def table(self, src: str) -> dict[str, str]:
        """Names written in ``src`` mapped to their rendering in the other language."""
        out: dict[str, str] = {}
        for es, en in self.pairs:
            key, value = (es, en) if src == "es" else (en, es)
            out.setdefault(key, value)
        return out

    def find(self, text: str, src: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, name, rendering)`` for each gazetteer name in ``text``, longest first.

        A name is found as written in the gazetteer, with its articles and connectors in any case
        ("desde el Salvador" for "El Salvador", "Secretario De Estado"), or all in capitals (a
        headline: "ESTADOS UNIDOS"); a name whose other words are in lower case is an ordinary
        phrase in another reading ("una casa blanca", "el estado"), and is not found.
        """
        table = self.table(src)
        folded: dict[str, list[str]] = {}
        for form in table:
            folded.setdefault(form.casefold(), []).append(form)
        pattern = alternation(tuple(sorted(table, key=lambda f: (-len(f), f))), fold=True)
        out = []
        for m in [] if pattern is None else pattern.finditer(text):
            written = m.group()
            form = written if written in table else next(
                (f for f in folded.get(written.casefold(), ()) if _same_name(written, f)), None)
            if form is not None:
                out.append((m.start(), m.end(), written, table[form]))
        return out


def _same_name(written: str, form: str) -> bool:
    """Whether ``written`` is the gazetteer's ``form`` in another case that still makes it that name."""
    if written == form:
        return True
    if written.isupper() and not form.isupper() and sum(c.isalpha() for c in written) > 1:
        return True
    pairs = list(zip(written.split(), form.split(), strict=False))
    return len(pairs) == len(form.split()) and all(
        w == f or f.casefold() in FUNCTION_WORDS for w, f in pairs)


# a lower-case Spanish description before a name, and how English writes it: "lago de Coatepeque" is
# "Lake Coatepeque", "río Lempa" the "Lempa River"
_FEATURES = {"lago": ("Lake {}", "lago de {}"), "volcán": ("{} volcano", "volcán {}"), "río": ("{} River", "río {}"),
             "golfo": ("Gulf of {}", "golfo de {}"), "monte": ("Mount {}", "monte {}"), "isla": ("{} Island", "isla {}")}
_FEATURE_ES = re.compile(r"(?<!\w)(lago|volcán|río|golfo|monte|isla)(?: (?:de|del) | )((?-i:[A-ZÁÉÍÓÚÑ])[\w-]+)")
_FEATURE_EN = re.compile(r"(?<!\w)(?:(Lake|Gulf of|Mount) ([A-ZÁÉÍÓÚÑ][\w-]+)|([A-ZÁÉÍÓÚÑ][\w-]+) (River|Island))(?!\w)")
_LONGER_BEFORE = re.compile(r"[A-ZÁÉÍÓÚÑ][\w-]* $")
_LONGER_AFTER = re.compile(r" [A-ZÁÉÍÓÚÑ]")
_FEATURE_WORDS = {"Lake": "lago", "Gulf of": "golfo", "Mount": "monte", "River": "río", "Island": "isla"}


def features(text: str, lang: str) -> list[Name]:
    """Natural features written with a description ("lago de Coatepeque" <-> "Lake Coatepeque")."""
    found: list[Name] = []
    if lang == "es":
        for m in _FEATURE_ES.finditer(text):
            found.append(Name(m.group(), ESTABLISHED, _FEATURES[m.group(1)][0].format(m.group(2))))
    else:
        for m in _FEATURE_EN.finditer(text):
            if _LONGER_BEFORE.search(text, 0, m.start()) or _LONGER_AFTER.match(text, m.end()):
                continue  # part of a longer name: "Salt Lake City", "Hong Kong Island", "Desert Island Discs"
            word, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            found.append(Name(m.group(), ESTABLISHED, _FEATURES[_FEATURE_WORDS[word]][1].format(name)))
    return found


@cache
def _builtin() -> Gazetteer:
    text = resources.files("summarize.text").joinpath("gazetteer.tsv").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            es, en = line.split("\t")
            pairs.append((es.strip(), en.strip()))
    return Gazetteer(tuple(pairs))
