"""Which segments change the state of Apertium's part-of-speech tagger for the rest of its process.

Apertium's HMM tagger (``apertium-tagger -g``, 3.8) keeps one piece of state for the life of its
process: when a word's ambiguity class is missing from the tagger's model (``known``:
adjective or participle), it looks for a similar class by *overwriting the model's open class*
(``tagger_utils::find_similar_ambiguity_class`` assigns through a reference to it). Every later
word is then tagged against the altered model: "citizens included" became "los ciudadanos
incluidos" after a sentence with "known" somewhere earlier in the same call, and "incluyeron" in a
call of its own. Neither a blank line nor null-flush mode (``-z``) undoes it; only a new process
does.

So a segment's translation depends on the segments before it in its call exactly when one of them
holds such a word. :class:`TaggerProbe` finds those segments (the tagger names each word with
``-d``) with one cheap run of the analyser and the tagger, and the engine ends a call after each of
them: every segment then starts from the model as installed, as it would alone.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TaggerProbe", "calls_for", "find_tagger"]

# one call of the engine's separator ("\n\n") comes out of the text deformatter as this superblank
_ANALYSIS_SEPARATOR = "[][\n\n]"
_NEW_CLASS_WORD = re.compile(r"^Word '(.*)'\.$", re.MULTILINE)
_STAGE = re.compile(r"'?([^'\s|]+)'?")

# (command, stdin) -> (returncode, stdout, stderr)
Runner = Callable[[list[str], str], tuple[int, str, str]]


@dataclass(frozen=True)
class TaggerProbe:
    """The analyser and tagger model of one Apertium mode, to find the segments that alter the tagger.

    Args:
        analyser: the mode's morphological analyser (``*.automorf.bin``).
        model: the mode's tagger model (``*.prob``).
    """

    analyser: Path
    model: Path

    def unsettling(self, segments: Sequence[str], run: Runner) -> set[int]:
        """Indices of the segments holding a word whose ambiguity class the tagger's model lacks.

        Args:
            segments: the segments of one call, in order (joined as the engine joins them).
            run: runs a command on a text, as the engine runs Apertium (deadline, process group).

        Returns:
            The indices; every index when the analysis cannot be lined up with the segments, so a
            doubt costs processes, never a neighbour-dependent translation.
        """
        if not segments:
            return set()
        payload = "\n\n".join(segments) + "\n"
        code, analysis, _ = run(["bash", "-c", f"apertium-destxt | lt-proc {shlex.quote(str(self.analyser))}"], payload)
        if code != 0:
            return set(range(len(segments)))
        code, _, report = run(["apertium-tagger", "-d", "-g", str(self.model)], analysis)
        if code != 0:
            return set(range(len(segments)))
        words = set(_NEW_CLASS_WORD.findall(report))
        if not words:
            return set()
        chunks = analysis.split(_ANALYSIS_SEPARATOR)
        if len(chunks) != len(segments):
            return set(range(len(segments)))
        marks = [f"^{w}/" for w in words]
        return {i for i, chunk in enumerate(chunks) if any(m in chunk for m in marks)}


def calls_for(count: int, unsettling: set[int]) -> list[list[int]]:
    """Group segment indices into calls in which no segment follows one that alters the tagger.

    The segments that leave the tagger as it was go first, in order, with the first altering one
    last; each further altering segment gets a call of its own.
    """
    settled = [i for i in range(count) if i not in unsettling]
    altering = sorted(unsettling)
    if not altering:
        return [settled] if settled else []
    return [settled + altering[:1], *([i] for i in altering[1:])]


def find_tagger(mode_file: Path) -> TaggerProbe | None:
    """The probe for a mode's pipeline file, or ``None`` when its pipeline has no HMM tagger stage."""
    try:
        stages = mode_file.read_text(encoding="utf-8").split("|")
    except OSError:
        return None
    if not stages or "apertium-tagger" not in "|".join(stages):
        return None
    analyser = [m for m in _STAGE.findall(stages[0]) if m.endswith(".automorf.bin")]
    model = [m for s in stages if "apertium-tagger" in s for m in _STAGE.findall(s) if m.endswith(".prob")]
    if not analyser or not model or not Path(analyser[0]).is_file() or not Path(model[0]).is_file():
        return None
    return TaggerProbe(Path(analyser[0]), Path(model[0]))
