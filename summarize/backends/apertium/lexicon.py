"""What Apertium's own dictionaries know: how it reads words, and the proper nouns it copies unchanged.

:class:`ApertiumLexicon` asks the morphological analyser (``lt-proc``) how each capitalized word
reads (a name, an ordinary word, both, or unknown) and the bilingual dictionary how a proper noun
comes out in the other language; the name rules of :mod:`.names` decide from that what to protect.
*Carriers* are the placeholders that protection puts in a name's place: proper nouns both
analysers know and copy unchanged in both directions, so the grammar around them stays intact
(``Madrid dijo`` -> "Madrid said", where an unknown token would give "XPH0X Said").
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ...text.protect import Span
from .names import AMBIGUOUS, COMMON, KNOWN, UNKNOWN, Reading

__all__ = ["CARRIERS", "PERSON_CARRIERS", "ApertiumLexicon", "carriers", "find_dictionaries", "find_mode_file",
           "process_env"]

TIMEOUT_S = 30.0
# Proper nouns both of Apertium's analysers know (masculine singular, one reading) and copy unchanged
# in both directions; tests/test_apertium.py checks each one. Place names fit most positions ("the
# Madrid prison" -> "la prisión de Madrid"); after a capitalized title a place name is read as a
# compound ("President Madrid" -> "Madrid de Presidente"), a person's name is not.
CARRIERS = ("Madrid", "Toledo", "Chicago", "Boston", "Denver", "Oslo", "Nepal", "Alicante", "Montevideo",
            "Toronto", "Texas", "Ohio", "Kansas", "Iowa", "Vermont", "Maine", "Uruguay", "Paraguay", "Portugal")
PERSON_CARRIERS = ("Orlando", "Kevin", "Brian", "Oscar", "Hugo", "Victor", "Mario", "Carlos", "Pablo", "Diego",
                   "Bruno", "Felipe", "Simon", "Adrian", "Martin", "Ivan", "Omar", "Walter", "Edgar")
_AFTER_TITLE = re.compile(r"\b([A-Z][a-z]+) $")
# capitalized at a sentence start, these are not titles: a name after them takes a place carrier
_NOT_TITLES = frozenset({
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "y", "en", "de", "del", "con", "por", "para", "según",
    "desde", "tras", "ante", "sobre", "entre", "hacia", "hasta", "sin", "the", "a", "an", "in", "on", "at", "by",
    "for", "and", "but", "of", "to", "from", "with", "as", "after", "before", "when", "while", "if",
})
_LU = re.compile(r"\^(.*?)(?<!\\)\$")
_WORD = re.compile(r"\w+")


def process_env() -> dict[str, str]:
    """The environment Apertium's programs run in: UTF-8 whatever the caller's locale."""
    return {**os.environ, "LC_ALL": "C.UTF-8"}


def carriers(text: str, spans: Sequence[Span]) -> list[str]:
    """One carrier per span, none of them already in the text (fewer when they run out)."""
    present = {w.lower() for w in _WORD.findall(text)}
    places = iter([c for c in CARRIERS if c.lower() not in present])
    people = iter([c for c in PERSON_CARRIERS if c.lower() not in present])
    out: list[str] = []
    for span in spans:
        title = _AFTER_TITLE.search(text[: span.start])
        carrier = next(people if title and title.group(1).lower() not in _NOT_TITLES else places, None)
        if carrier is None:
            break
        out.append(carrier)
    return out


class ApertiumLexicon:
    """Reads words with Apertium's own dictionaries: analyser (``lt-proc``) and bilingual one.

    Two short processes per call: one analyses every item, one looks up how the proper-noun
    readings come out in the other language.

    Args:
        dictionaries: per source language (``es``, ``en``), its ``.automorf.bin`` analyser and
            ``.autobil.bin`` bilingual dictionary.
        timeout: seconds one lookup may take.
    """

    def __init__(self, dictionaries: dict[str, tuple[Path, Path]], *, timeout: float = TIMEOUT_S) -> None:
        self.dictionaries = dictionaries
        self.timeout = timeout

    def classify(self, items: Sequence[str], lang: str) -> dict[str, Reading]:
        """Read words and multi-word runs (see :class:`summarize.names.Lexicon`)."""
        if lang not in self.dictionaries or not items:
            return {}
        analyser, bilingual = self.dictionaries[lang]
        lines = self._lookup(["-w", str(analyser)], [*items])
        if lines is None:
            return {}  # protection then treats every capitalized word as ambiguous
        units = {item: [u.split("/") for u in _LU.findall(line)] for item, line in zip(items, lines, strict=True)}
        kinds = {item: kind for item in items if (kind := _classify(item, units[item]))}
        proper = {item: _proper_reading(units[item]) for item, kind in kinds.items()
                  if kind in (KNOWN, AMBIGUOUS) and " " not in item}
        wanted = sorted({r for r in proper.values() if r})
        names: dict[str, str] = {}
        if wanted:
            found = self._lookup(["-b", str(bilingual)], [f"^{r}$" for r in wanted])
            for reading, line in zip(wanted, found or [], strict=False):
                name = _target_lemma(line)
                if name:
                    names[reading] = name
        return {item: Reading(kind, names.get(proper.get(item) or ""), *_traits(units[item]))
                for item, kind in kinds.items()}

    def _lookup(self, args: list[str], lines: list[str]) -> list[str] | None:
        try:
            done = subprocess.run(["lt-proc", *args], input="\n".join(lines) + "\n", capture_output=True,
                                  text=True, encoding="utf-8", timeout=self.timeout, env=process_env(), check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        out = done.stdout.rstrip("\n").split("\n")
        return out if done.returncode == 0 and len(out) == len(lines) else None


def _classify(item: str, units: list[list[str]]) -> str | None:
    if " " in item:  # a run is known only when the analyser reads it whole as a name
        if len(units) == 1 and units[0][0] == item and _kind(units[0][1:]) == KNOWN:
            return KNOWN
        return None
    kinds = [_kind(u[1:]) for u in units if any(c.isalpha() for c in u[0])]
    if not kinds:
        return None
    if UNKNOWN in kinds:
        return UNKNOWN
    if len(kinds) == 1:
        return kinds[0]
    return KNOWN if all(k == KNOWN for k in kinds) else COMMON


def _kind(readings: list[str]) -> str:
    if not readings or readings[0].startswith("*"):
        return UNKNOWN
    ordinary = [r for r in readings if not any(tag in r for tag in ("<np>", "<acr>", "<num>"))]
    if not ordinary:
        return KNOWN
    if len(ordinary) == len(readings) or any(r[:1].isupper() for r in ordinary):
        return COMMON  # also capitalized common nouns: "March", "Monday"
    if any("<adj>" in r for r in ordinary):
        return KNOWN  # names that double as adjectives ("Francesa", "Mediterráneo") describe
    if all("<n>" in r and "<pl>" in r for r in ordinary):
        return COMMON  # a plural noun ("Kings") is not a name
    return AMBIGUOUS


def _traits(units: list[list[str]]) -> tuple[bool, bool]:
    """Whether a word can be a person's name, and whether all its ordinary readings are plural."""
    readings = [r for u in units for r in u[1:]]
    ordinary = [r for r in readings if "<np>" not in r and "<acr>" not in r]
    person = any("<np><ant>" in r for r in readings)
    return person, bool(ordinary) and all("<pl>" in r for r in ordinary)


def _proper_reading(units: list[list[str]]) -> str | None:
    if len(units) != 1:
        return None
    return next((r for r in units[0][1:] if "<np>" in r), None)


def _target_lemma(line: str) -> str | None:
    match = _LU.search(line)
    if not match:
        return None
    parts = match.group(1).split("/")
    if len(parts) < 2 or parts[1].startswith(("@", "*", "#")):
        return None
    return parts[1].split("<", 1)[0].replace("<b>", " ") or None


def find_mode_file(binary: str, mode: str) -> Path | None:
    """The pipeline file of an Apertium mode (``modes/spa-eng.mode``), looked up beside ``binary`` first."""
    roots = [Path(binary).resolve().parent.parent / "share"] if binary else []
    roots += [Path("/usr/share"), Path("/usr/local/share")]
    for root in roots:
        mode_file = root / "apertium" / "modes" / f"{mode}.mode"
        if mode_file.is_file():
            return mode_file
    return None


def find_dictionaries(binary: str, mode: str) -> tuple[Path, Path] | None:
    """Find the analyser and bilingual dictionary named in the mode's pipeline file."""
    mode_file = find_mode_file(binary, mode)
    if mode_file is None:
        return None
    pipeline = mode_file.read_text(encoding="utf-8")
    found = [re.search(rf"'?([^'\s]+\.{kind}\.bin)", pipeline) for kind in ("automorf", "autobil")]
    paths = [Path(m.group(1)) for m in found if m]
    if len(paths) == 2 and all(p.is_file() for p in paths):
        return paths[0], paths[1]
    return None
