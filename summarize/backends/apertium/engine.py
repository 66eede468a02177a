"""Rule-based translation with Apertium (system package ``apertium-eng-spa``), run as a subprocess.

Apertium needs no model download, which makes it the engine of last resort on an offline machine.
It is GPL software, so it runs as a separate program, never linked.

Many segments go through one ``apertium`` process: they are joined with blank lines, which
Apertium copies and treats as sentence ends, and the output is split on blank lines again; when
the count does not match, the batch is halved until it does. A segment's translation must not
depend on the segments before it in a process, and with Apertium's tagger it can (see
:mod:`.tagger`): a cheap probe finds the segments that alter the tagger, and a call ends after
each of them, so every segment is translated as it would be alone. Names, acronyms, URLs and foreign
quotes are protected (:mod:`.names`) with *carriers* (:mod:`.lexicon`), and which capitalized
words are names is decided with Apertium's own morphological analyser, one call per batch.
Foreign quotes are recognised with the pipeline's language identifier, which the engine is given.

Each batch is translated twice: with ``-u`` for the text, and with the unknown-word marks kept (a
``*`` before each word its dictionaries did not know) for the confidence, the share of words it
knew. Taking the marks out of the marked output would not give the same text: a mark changes
Apertium's own post-editing ("a *escueto" stays "a", not "an") and brings out ``#`` marks.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ... import deadline
from ...config import RuntimeConfig, TranslateConfig
from ...errors import EngineTimeoutError, EngineUnavailableError
from ...text.names import is_description, opens_with_description
from ...text.protect import Masked, Span, localize_numbers, restore
from ..base import ConfidenceMeasure, Scored, Translator
from ..worker import crash_error
from .lexicon import ApertiumLexicon, carriers, find_dictionaries, find_mode_file, process_env
from .names import COMMON, KNOWN, UNKNOWN, Protector, Reading
from .tagger import TaggerProbe, calls_for, find_tagger

if TYPE_CHECKING:
    from ...text.langid import LanguageIdentifier

__all__ = ["MODES", "ApertiumTranslator", "unknown_words", "unmark"]

# the translation of a segment whose protected names Apertium altered (see Scored.notes)
UNPROTECTED_NOTE = "were translated without name protection, because Apertium altered their protected names"

PACKAGE = "apertium-eng-spa"
MODES = {"es-en": "spa-eng", "en-es": "eng-spa"}
INSTALL_HINT = (f"Install it with: sudo apt-get install {PACKAGE} (Debian/Ubuntu), "
                "or choose a pipeline with another translation engine.")
SEPARATOR = "\n\n"
MAX_CALL_CHARS = 100_000
TIMEOUT_BASE_S = 30.0
SHELL_SIGNAL_BASE = 128  # a shell reports a command killed by signal N as exit status 128 + N
TIMEOUT_PER_1000_CHARS_S = 1.0
_SPACES = re.compile(r"[ \t]{2,}")
_UNKNOWN_MARK = re.compile(r"(?<![\w*])\*(?=\w)")
_WORD = re.compile(r"\w")
_NAME_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# about one word in fifteen unknown to the dictionaries: an untranslated word an editor should see
LOW_KNOWN_SHARE = 0.93


_MARKED_WORD = re.compile(r"(?<![\w*@#])[*@](\w+(?:[-'’]\w+)*)")


def unknown_words(text: str) -> tuple[str, ...]:
    """The words of Apertium output (run without ``-u``) that it left untranslated, each once, in
    order: ``*`` marks a word its analyser did not know, ``@`` one its bilingual dictionary lacks."""
    return tuple(dict.fromkeys(_MARKED_WORD.findall(text)))


def unmark(text: str) -> tuple[str, float]:
    """Apertium output with its unknown-word marks taken out, and the share of its words that were known.

    A text with no word scores 1. A ``*`` of the text itself before a word counts as a mark: the
    score is a signal, not a count to the word.
    """
    unknown = len(_UNKNOWN_MARK.findall(text))
    clean = _UNKNOWN_MARK.sub("", text)
    words = sum(1 for token in clean.split() if _WORD.search(token))
    return clean, (1.0 - unknown / words) if words else 1.0


class ApertiumTranslator(Translator):
    """Translates Spanish <-> English with the ``apertium`` command.

    Args:
        config: the ``[translate]`` settings (``models`` is not used).
        runtime: unused; Apertium runs on the CPU in its own process.
        langid: the pipeline's language identifier, to keep quotes already in the target language
            as written; without one, quotes are translated.
        protect: protect names, acronyms, URLs and foreign quotes (on by default).
        binary: the Apertium command.
    """

    engine = "apertium"
    batch_invariant = True  # each text alone
    keeps_placeholders = True
    confidence = ConfidenceMeasure("known-word share", LOW_KNOWN_SHARE)

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *, langid: LanguageIdentifier | None = None,
                 protect: bool = True, binary: str = "apertium") -> None:
        self.config = config
        self.runtime = runtime
        self.langid = langid
        self.protect_names = protect
        self.protects_names = protect
        self.binary = binary
        self.calls = 0  # translation processes started, for tests and benchmarks
        self.scoring_calls = 0  # the runs with unknown-word marks kept, one per translation process
        self._path: str | None = None
        self._modes: set[str] = set()
        self._version: str | None = None
        self._protector: Protector | None = None
        self._probes: dict[str, TaggerProbe | None] = {}
        # the last document's name readings: translated_names and protected_names ask for the same ones
        self._last_readings: tuple[tuple[tuple[str, ...], str, str], dict[str, list[Reading | None]]] | None = None

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
        return carriers(text, spans)

    def name_renderings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, str | None]:
        """A proper noun Apertium's dictionary renders differently ("Panamá" -> "Panama") takes that
        rendering; one it knows as it is ("Estados Unidos", "Costa Rica") is marked ``None``; a name
        joined by "de" around a word it does not know is kept whole."""
        self.load(f"{src}-{tgt}")
        lexicon = self._get_protector().lexicon if self.protect_names else None
        if lexicon is None or not names:
            return {}
        words = {w for name in names if " " in name for w in name.split() if w[:1].isupper()}
        readings = lexicon.classify(sorted(set(names) | words), src)
        out: dict[str, str | None] = {}
        for name in names:
            reading = readings.get(name)
            if reading is not None and reading.kind == KNOWN:
                out[name] = reading.name if reading.name and reading.name != name else None
            elif _ordinary_head(name, readings) and not opens_with_description(name) and any(
                    (r := readings.get(w)) is not None and r.kind == UNKNOWN for w in name.split() if w[:1].isupper()):
                # a name joined by "de" around a word the engine does not know ("Tren de Aragua"):
                # its own protection would keep only that word ("Train of Aragua"); a description
                # and a name ("Universidad de Michigan") is left to it, and so is a name before the
                # connector ("Xining of Qinghai"), which the engine keeps while it translates "of"
                out[name] = name
        return out

    def translated_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        """Names of two or more words that Apertium translates itself: every capitalized word is one
        its analyser reads only as an ordinary word, or as a proper noun that is no person's name,
        and one at least is an ordinary word ("Juegos Olímpicos", "Tribunal Supremo", "Nobel Prize").
        A word it reads as a name and as an ordinary word ("Salvador", "Rubio" after "Marco"), a
        person's name ("Donald"), a word it does not know ("Aragua") or a number ("Barrio 18")
        keeps the name out: that is a name the engine would damage."""
        return {name for name, readings in self._name_readings(names, src, tgt).items() if _translatable(readings)}

    def protected_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        """Names of two or more words that mix ordinary words with words Apertium's own protection
        keeps, and end in a name word or a description ("Hurricane Katrina", "Dalhousie University"):
        within a sentence it keeps the name words and translates (and reorders) the rest
        ("Universidad de Dalhousie"). One ending in another ordinary word may end in a surname
        ("Ana Robles", where "Robles" reads "oaks"): that one stays masked."""
        out = set()
        for name, readings in self._name_readings(names, src, tgt).items():
            last = readings[-1]
            ends_well = (last is not None and last.kind != COMMON) or is_description(_NAME_WORD.findall(name)[-1])
            if ends_well and not _translatable(readings) and any(r is not None and r.kind == COMMON for r in readings):
                out.add(name)
        return out

    def _name_readings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, list[Reading | None]]:
        """For each name of two or more words, without digits, how the analyser reads its capitalized words."""
        key = (tuple(names), src, tgt)
        if self._last_readings is not None and self._last_readings[0] == key:
            return self._last_readings[1]
        readings = self._read_names(names, src, tgt)
        self._last_readings = (key, readings)
        return readings

    def _read_names(self, names: Sequence[str], src: str, tgt: str) -> dict[str, list[Reading | None]]:
        self.load(f"{src}-{tgt}")
        lexicon = self._get_protector().lexicon if self.protect_names else None
        several = [n for n in names if len(n.split()) > 1 and not any(c.isdigit() for c in n)]
        if lexicon is None or not several:
            return {}
        words = {n: [w for w in _NAME_WORD.findall(n) if w[:1].isupper()] for n in several}
        readings = lexicon.classify(sorted({w for ws in words.values() for w in ws}), src)
        return {name: [readings.get(w) for w in ws] for name, ws in words.items()}

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
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
        raw, scores, unknown = self._run_scored(mode, [m.text for m in masked])
        restored = [restore(out, m) if m.spans else out for out, m in zip(raw, masked, strict=True)]
        lost = [k for k, r in enumerate(restored) if r is None]
        if lost:
            again, again_scores, again_unknown = self._run_scored(mode, [prepared[k] for k in lost])
            for k, out, score, words in zip(lost, again, again_scores, again_unknown, strict=True):
                restored[k], scores[k], unknown[k] = out, score, words
        unprotected = {todo[k] for k in lost}
        outputs = [Scored(t, 1.0 if t.strip() else None, untranslated=()) for t in texts]
        for i, text, score, words in zip(todo, restored, scores, unknown, strict=True):
            outputs[i] = Scored(_SPACES.sub(" ", text or "").strip(), round(score, 4),
                                (UNPROTECTED_NOTE,) if i in unprotected else (), words)
        return outputs

    def _run_scored(self, mode: str, segments: list[str]) -> tuple[list[str], list[float], list[tuple[str, ...]]]:
        """Clean translations (``-u``), their known-word shares and the words left untranslated (from a
        run with marks, see :func:`unmark` and :func:`unknown_words`)."""
        calls = self._calls(mode, segments)
        grouped = [[segments[i] for i in call] for call in calls]
        # the two runs are independent processes: run them side by side (the deadline's context goes along)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="apertium-marks") as pool:
            marked_run = pool.submit(contextvars.copy_context().run, self._run, mode, grouped, marks=True)
            clean_out = self._run(mode, grouped)
            marked_out = marked_run.result()
        order = [i for call in calls for i in call]
        clean, scores = [""] * len(segments), [1.0] * len(segments)
        unknown: list[tuple[str, ...]] = [()] * len(segments)
        for i, out, marked in zip(order, clean_out, marked_out, strict=True):
            clean[i], scores[i], unknown[i] = out, unmark(marked)[1], unknown_words(marked)
        return clean, scores, unknown

    def _calls(self, mode: str, segments: list[str]) -> list[list[int]]:
        """Segment indices per process, so that no segment follows one that alters the tagger."""
        if mode not in self._probes:
            mode_file = find_mode_file(self._path or "", mode)
            self._probes[mode] = find_tagger(mode_file) if mode_file is not None else None
        probe = self._probes[mode]
        if probe is None:
            return [list(range(len(segments)))] if segments else []
        deadline.check("Apertium translation")
        return calls_for(len(segments), probe.unsettling(segments, self._execute))

    def _get_protector(self) -> Protector:
        if self._protector is None:
            detect = self.langid.segment_language if self.langid is not None else None
            self._protector = Protector(carriers, lexicon=self._lexicon(), detect=detect)
        return self._protector

    def _lexicon(self) -> ApertiumLexicon | None:
        if shutil.which("lt-proc") is None:
            return None
        dictionaries: dict[str, tuple[Path, Path]] = {}
        for direction, mode in MODES.items():
            found = find_dictionaries(self._path or "", mode)
            if found is not None:
                dictionaries[direction[:2]] = found
        return ApertiumLexicon(dictionaries) if dictionaries else None

    def _run(self, mode: str, calls: list[list[str]], *, marks: bool = False) -> list[str]:
        """Translate each group of segments in as few processes as the size cap allows, never two
        groups in one process (``marks``: keep unknown-word marks); the outputs of all, in order."""
        outputs: list[str] = []
        for segments in calls:
            batch: list[str] = []
            size = 0
            for segment in segments:
                if batch and size + len(segment) > MAX_CALL_CHARS:
                    deadline.check("Apertium translation")
                    outputs.extend(self._call(mode, batch, marks))
                    batch, size = [], 0
                batch.append(segment)
                size += len(segment) + len(SEPARATOR)
            if batch:
                outputs.extend(self._call(mode, batch, marks))
        return outputs

    def _call(self, mode: str, segments: list[str], marks: bool = False) -> list[str]:
        payload = SEPARATOR.join(segments) + "\n"
        if marks:
            self.scoring_calls += 1
        else:
            self.calls += 1
        flags = [] if marks else ["-u"]
        out = self._output([self._path or self.binary, *flags, mode], payload)
        parts = out.rstrip("\n").split(SEPARATOR)
        if len(parts) == len(segments):
            return parts
        if len(segments) == 1:
            return [" ".join(out.split())]
        half = len(segments) // 2  # a segment broke the layout: find it by halving
        return self._call(mode, segments[:half], marks) + self._call(mode, segments[half:], marks)

    def _output(self, command: list[str], payload: str = "") -> str:
        returncode, stdout, stderr = self._execute(command, payload)
        if returncode < 0 or returncode > SHELL_SIGNAL_BASE:
            # one of its programs died of a signal on this text (the shell script says 128 + its number):
            # this input's error, not the engine's; the others go on
            number = -returncode if returncode < 0 else returncode - SHELL_SIGNAL_BASE
            raise crash_error("apertium", -number, doing="translating this input")
        if returncode != 0:
            detail = stderr.strip().splitlines()[-1:] or [f"exit status {returncode}"]
            raise EngineUnavailableError(f"Apertium failed: {detail[0]}", hint=INSTALL_HINT)
        return stdout

    def _execute(self, command: list[str], payload: str) -> tuple[int, str, str]:
        """Run one of Apertium's programs within its time limit and the deadline; its status and output."""
        timeout = TIMEOUT_BASE_S + TIMEOUT_PER_1000_CHARS_S * len(payload) / 1000
        left = deadline.remaining()
        try:
            return run_killable(command, payload, timeout if left is None else min(timeout, left))
        except subprocess.TimeoutExpired as exc:
            if left is not None and left <= timeout:
                raise deadline.current().error("Apertium translation") from exc  # type: ignore[union-attr]
            raise EngineTimeoutError(f"Apertium did not finish within {timeout:.0f} s",
                                     hint="The text may be degenerate; if every input times out, check the "
                                          "installation with: apertium -l") from exc
        except OSError as exc:
            raise EngineUnavailableError(f"cannot run Apertium: {exc}", hint=INSTALL_HINT) from exc


def _ordinary_head(name: str, readings: Mapping[str, Reading]) -> bool:
    """Whether a name joined by a connector ("Tren de Aragua") opens with words Apertium reads only as
    ordinary words, which it would translate: the head a connector makes one name with."""
    words = name.split()
    head = list(itertools.takewhile(lambda w: not w.islower(), words))
    if not head or len(head) == len(words):
        return False
    return all((r := readings.get(w)) is not None and r.kind == COMMON for w in head)


def _translatable(readings: Sequence[Reading | None]) -> bool:
    """Whether a name's capitalized words, so read, are ones Apertium translates well (see
    :meth:`ApertiumTranslator.translated_names`)."""
    ordinary = [r for r in readings if r is not None and r.kind == COMMON]
    names = [r for r in readings if r is not None and r.kind == KNOWN and not r.person]
    return bool(ordinary) and len(ordinary) + len(names) == len(readings)


def run_killable(command: list[str], payload: str, timeout: float) -> tuple[int, str, str]:
    """Run ``command`` with ``payload`` on stdin; past ``timeout`` kill it and every process it started.

    ``apertium`` is a shell script running a pipeline of programs; killing the script alone would
    leave the pipeline working on the text, so the command gets its own process group and the
    whole group is killed.

    Raises:
        subprocess.TimeoutExpired: past ``timeout`` (the processes are gone by then).
        OSError: the command cannot be started.
    """
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, encoding="utf-8", env=process_env(), start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(payload, timeout=max(timeout, 0.01))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        except BaseException:  # Ctrl-C, SIGTERM: no orphaned pipeline either
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
        return process.returncode, stdout, stderr


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
