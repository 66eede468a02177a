"""Rule-based translation with Apertium (system package ``apertium-eng-spa``), run as a subprocess.

Apertium needs no model download, which makes it the engine of last resort on an offline machine.
It is GPL software, so it runs as a separate program, never linked.

Many segments go through one ``apertium`` process: they are joined with blank lines, which
Apertium copies and treats as sentence ends, and the output is split on blank lines again; when
the count does not match, the batch is halved until it does. Names, acronyms, URLs and foreign
quotes are protected (:mod:`summarize.names`) with *carriers*: place names Apertium knows as
proper nouns and copies unchanged in both directions (``Madrid``, ``Toledo``, ...). A carrier
keeps the grammar around it intact (``Madrid dijo`` -> "Madrid said"), where an unknown token
would not (``XPH0X dijo`` -> "XPH0X Said"). Which capitalized words are names is decided with
Apertium's own morphological analyser (``lt-proc``), one call per batch.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..config import RuntimeConfig, TranslateConfig
from ..errors import EngineUnavailableError
from ..langid import LanguageIdentifier
from ..names import AMBIGUOUS, COMMON, KNOWN, UNKNOWN, Protector, Reading
from ..protect import Masked, Span, localize_numbers, restore
from .base import Translator

__all__ = ["CARRIERS", "MODES", "PERSON_CARRIERS", "ApertiumLexicon", "ApertiumTranslator"]

PACKAGE = "apertium-eng-spa"
MODES = {"es-en": "spa-eng", "en-es": "eng-spa"}
INSTALL_HINT = (f"Install it with: sudo apt-get install {PACKAGE} (Debian/Ubuntu), "
                "or choose a pipeline with another translation engine.")
SEPARATOR = "\n\n"
MAX_CALL_CHARS = 100_000
TIMEOUT_BASE_S = 30.0
TIMEOUT_PER_1000_CHARS_S = 1.0
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
_SPACES = re.compile(r"[ \t]{2,}")


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C.UTF-8"}


def _carriers(text: str, spans: Sequence[Span]) -> list[str]:
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

    def __init__(self, dictionaries: dict[str, tuple[Path, Path]], *, timeout: float = TIMEOUT_BASE_S) -> None:
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
                                  text=True, encoding="utf-8", timeout=self.timeout, env=_env(), check=False)
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


class ApertiumTranslator(Translator):
    """Translates Spanish <-> English with the ``apertium`` command.

    Args:
        config: the ``[translate]`` settings (``models`` is not used).
        runtime: unused; Apertium runs on the CPU in its own process.
        protect: protect names, acronyms, URLs and foreign quotes (on by default).
        binary: the Apertium command.
    """

    engine = "apertium"

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *, protect: bool = True,
                 binary: str = "apertium") -> None:
        self.config = config
        self.runtime = runtime
        self.protect_names = protect
        self.binary = binary
        self.calls = 0  # translation processes started, for tests and benchmarks
        self._path: str | None = None
        self._modes: set[str] = set()
        self._version: str | None = None
        self._protector: Protector | None = None

    def load(self, direction: str | None = None) -> None:
        if self._path is None:
            path = shutil.which(self.binary)
            if path is None:
                raise EngineUnavailableError(f"Apertium is not installed (no {self.binary!r} command found)",
                                             hint=INSTALL_HINT)
            self._modes = set(self._output([path, "-l"]).split())
            self._path = path
        for d in [direction] if direction else list(MODES):
            mode = MODES.get(d)
            if mode is None:
                raise EngineUnavailableError(f"Apertium here translates only es-en and en-es, not {d}")
            if mode not in self._modes:
                raise EngineUnavailableError(f"Apertium has no {mode} translator installed", hint=INSTALL_HINT)

    def describe(self, direction: str) -> dict[str, str]:
        if self._version is None:
            self._version = _package_version()
        model = f"{PACKAGE} {self._version}" if self._version else PACKAGE
        return {"engine": self.engine, "model": model}

    def placeholders(self, text: str, spans: Sequence[Span]) -> list[str]:
        return _carriers(text, spans)

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        if not texts:
            return []
        direction = f"{src}-{tgt}"
        self.load(direction)
        mode = MODES[direction]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        prepared = [localize_numbers(re.sub(r"\n\s*\n", "\n", texts[i].strip()), src, tgt) for i in todo]
        if self.protect_names:
            masked = self._get_protector().protect(prepared, src, tgt)
        else:
            masked = [Masked(t, t) for t in prepared]
        raw = self._run(mode, [m.text for m in masked])
        restored = [restore(out, m) if m.spans else out for out, m in zip(raw, masked, strict=True)]
        lost = [k for k, r in enumerate(restored) if r is None]
        if lost:
            for k, out in zip(lost, self._run(mode, [prepared[k] for k in lost]), strict=True):
                restored[k] = out
            if warnings is not None:
                warnings.append(f"Apertium altered {len(lost)} protected name(s); those sentences were translated "
                                "without name protection")
        outputs = list(texts)
        for i, out in zip(todo, restored, strict=True):
            outputs[i] = _SPACES.sub(" ", out or "").strip()
        return outputs

    def _get_protector(self) -> Protector:
        if self._protector is None:
            langid = LanguageIdentifier()
            self._protector = Protector(_carriers, lexicon=self._lexicon(), detect=langid.segment_language)
        return self._protector

    def _lexicon(self) -> ApertiumLexicon | None:
        if shutil.which("lt-proc") is None:
            return None
        dictionaries: dict[str, tuple[Path, Path]] = {}
        for direction, mode in MODES.items():
            found = _dictionaries(self._path or "", mode)
            if found is not None:
                dictionaries[direction[:2]] = found
        return ApertiumLexicon(dictionaries) if dictionaries else None

    def _run(self, mode: str, segments: list[str]) -> list[str]:
        """Translate segments in as few processes as the size cap allows."""
        outputs: list[str] = []
        batch: list[str] = []
        size = 0
        for segment in segments:
            if batch and size + len(segment) > MAX_CALL_CHARS:
                outputs.extend(self._call(mode, batch))
                batch, size = [], 0
            batch.append(segment)
            size += len(segment) + len(SEPARATOR)
        if batch:
            outputs.extend(self._call(mode, batch))
        return outputs

    def _call(self, mode: str, segments: list[str]) -> list[str]:
        payload = SEPARATOR.join(segments) + "\n"
        self.calls += 1
        out = self._output([self._path or self.binary, "-u", mode], payload)
        parts = out.rstrip("\n").split(SEPARATOR)
        if len(parts) == len(segments):
            return parts
        if len(segments) == 1:
            return [" ".join(out.split())]
        half = len(segments) // 2  # a segment broke the layout: find it by halving
        return self._call(mode, segments[:half]) + self._call(mode, segments[half:])

    def _output(self, command: list[str], payload: str = "") -> str:
        timeout = TIMEOUT_BASE_S + TIMEOUT_PER_1000_CHARS_S * len(payload) / 1000
        try:
            done = subprocess.run(command, input=payload, capture_output=True, text=True, encoding="utf-8",
                                  timeout=timeout, env=_env(), check=False)
        except subprocess.TimeoutExpired as exc:
            raise EngineUnavailableError(f"Apertium did not finish within {timeout:.0f} s",
                                         hint="Check the installation with: apertium -l") from exc
        except OSError as exc:
            raise EngineUnavailableError(f"cannot run Apertium: {exc}", hint=INSTALL_HINT) from exc
        if done.returncode != 0:
            detail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            raise EngineUnavailableError(f"Apertium failed: {detail[0]}", hint=INSTALL_HINT)
        return done.stdout


def _dictionaries(binary: str, mode: str) -> tuple[Path, Path] | None:
    """Find the analyser and bilingual dictionary named in the mode's pipeline file."""
    roots = [Path(binary).resolve().parent.parent / "share"] if binary else []
    roots += [Path("/usr/share"), Path("/usr/local/share")]
    for root in roots:
        mode_file = root / "apertium" / "modes" / f"{mode}.mode"
        if not mode_file.is_file():
            continue
        pipeline = mode_file.read_text(encoding="utf-8")
        found = [re.search(rf"'?([^'\s]+\.{kind}\.bin)", pipeline) for kind in ("automorf", "autobil")]
        paths = [Path(m.group(1)) for m in found if m]
        if len(paths) == 2 and all(p.is_file() for p in paths):
            return paths[0], paths[1]
    return None


def _package_version() -> str:
    """The upstream version of the installed language pair (``0.8.1``), or ``""`` when unknown."""
    if shutil.which("dpkg-query") is None:
        return ""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    version = done.stdout.strip() if done.returncode == 0 else ""
    version = version.split(":", 1)[-1]
    return version.rsplit("-", 1)[0] if "-" in version else version
