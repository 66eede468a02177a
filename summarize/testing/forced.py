"""Forced output lengths for benchmarks of the whole pipeline on random-weight models.

Random weights never emit the end token, so every translation and summary of a random-weight
model runs to its length cap: a benchmark of the pipeline would measure the caps, not the work a
trained model does. This module swaps, for benchmarks only, the neural engines (``marian``,
``seq2seq`` and both ``ctranslate2`` engines) for subclasses whose outputs have the length a
trained model's would have, from each input's length:

* a translation batch decodes ``ceil(ratio * longest input)`` new tokens (transformers
  ``min_new_tokens == max_new_tokens``; CTranslate2 ``min_decoding_length ==
  max_decoding_length``). The batches are length-sorted, and a batched decoder runs until its
  longest output ends anyway, so this is the cost of the batch a trained model would decode;
* a summary decodes the token count of the word budget (``tokens_per_word`` a word; a budget in
  sentences counts ``words_per_sentence`` a sentence);
* the repetition guard's second pass is off: random weights loop on every sentence, a trained
  model on few.

The outputs are still the models' own (random) outputs; only their lengths are forced, and every
record says so (``engines.translate.forced_lengths`` and the like). Nothing
here changes the package's behaviour unless a benchmark calls :func:`install` on a registry and
builds its pipeline with that registry (or starts a process through this module): ``python -m
summarize.testing.forced ARGS`` is ``summarize ARGS`` with the forced engines, for benchmarks that
time command-line processes. Ray actors get the engines in the pipeline's spec (its registry) and
the lengths with ``runtime_env={"worker_process_setup_hook":
"summarize.testing.forced.set_lengths"}`` (see :func:`ray_runtime_env`). The lengths' settings travel to child processes in the environment
variable ``SUMMARIZE_FORCED_LENGTHS`` (``ratio=1.0,tokens_per_word=1.35,words_per_sentence=20``),
which only this module reads.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..backends.base import LengthSpec
from ..backends.ctranslate2 import CTranslate2Summarizer, CTranslate2Translator
from ..backends.marian import MarianTranslator
from ..backends.seq2seq import Seq2SeqSummarizer
from ..errors import ConfigError
from ..registry import EngineInfo, Registry, default_registry

__all__ = ["ENV", "ForcedLengths", "install", "main", "ray_runtime_env", "set_lengths"]

ENV = "SUMMARIZE_FORCED_LENGTHS"


@dataclass(frozen=True)
class ForcedLengths:
    """How long the forced outputs are.

    Attributes:
        ratio: target tokens per source token of a translation (opus-mt es-en and en-es
            outputs are about as long as their inputs).
        tokens_per_word: tokens a word of a summary takes (English BPE: about 1.3 to 1.4).
        words_per_sentence: words a summary sentence has, for budgets given in sentences.
    """

    ratio: float = 1.0
    tokens_per_word: float = 1.35
    words_per_sentence: int = 20

    def __post_init__(self) -> None:
        if self.ratio <= 0 or self.tokens_per_word <= 0 or self.words_per_sentence < 1:
            raise ConfigError(f"forced lengths must be positive: {self}")

    def translation_tokens(self, longest: int, window: int) -> int:
        """New tokens for a translation batch whose longest input has ``longest`` tokens."""
        return max(1, min(window, math.ceil(longest * self.ratio)))

    def summary_tokens(self, length: LengthSpec) -> int:
        """New tokens for one summary of the given length."""
        words = length.words or length.sentences * self.words_per_sentence
        return max(1, math.ceil(words * self.tokens_per_word))

    def to_env(self) -> str:
        """The value of :data:`ENV` that :meth:`from_env` reads back."""
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())

    @classmethod
    def from_env(cls, value: str | None = None) -> ForcedLengths:
        """Read ``key=value,...`` (default: the :data:`ENV` variable; unset or empty: the defaults)."""
        value = os.environ.get(ENV, "") if value is None else value
        kinds = {f.name: f.type for f in fields(cls)}
        settings: dict[str, Any] = {}
        for item in filter(None, (part.strip() for part in value.split(","))):
            key, sep, raw = item.partition("=")
            if not sep or key.strip() not in kinds:
                raise ConfigError(f"{ENV}: {item!r} is not one of {', '.join(f'{k}=N' for k in kinds)}")
            try:
                settings[key.strip()] = int(raw) if kinds[key.strip()] in ("int", int) else float(raw)
            except ValueError:
                raise ConfigError(f"{ENV}: {item!r} is not a number") from None
        return cls(**settings)


class _ForcedTranslator:
    """Translation outputs as long as a trained model's, from the batch's longest input."""

    lengths = ForcedLengths()

    def output_lengths(self, longest: int, window: int) -> tuple[int, int]:
        n = self.lengths.translation_tokens(longest, window)
        return n, n

    def needs_retry(self, source: str, output: str) -> bool:
        return False

    def describe(self, direction: str) -> dict[str, str]:
        return {**super().describe(direction), "forced_lengths": self.lengths.to_env()}  # type: ignore[misc]


class _ForcedSummarizer:
    """Summaries as long as the word budget's tokens."""

    lengths = ForcedLengths()

    def length_budget(self, length: LengthSpec) -> tuple[int, int]:
        n = self.lengths.summary_tokens(length)
        return n, n

    def describe(self) -> dict[str, str]:
        return {**super().describe(), "forced_lengths": self.lengths.to_env()}  # type: ignore[misc]


class ForcedMarian(_ForcedTranslator, MarianTranslator):
    """``marian`` with forced output lengths (benchmarks only)."""


class ForcedCT2Translator(_ForcedTranslator, CTranslate2Translator):
    """``ctranslate2`` translation with forced output lengths (benchmarks only)."""


class ForcedSeq2Seq(_ForcedSummarizer, Seq2SeqSummarizer):
    """``seq2seq`` with forced output lengths (benchmarks only)."""


class ForcedCT2Summarizer(_ForcedSummarizer, CTranslate2Summarizer):
    """``ctranslate2`` summaries with forced output lengths (benchmarks only)."""


FORCED: dict[tuple[str, str], type] = {
    ("translate", "marian"): ForcedMarian,
    ("translate", "ctranslate2"): ForcedCT2Translator,
    ("summarize", "seq2seq"): ForcedSeq2Seq,
    ("summarize", "ctranslate2"): ForcedCT2Summarizer,
}


def install(reg: Registry, lengths: ForcedLengths | None = None) -> ForcedLengths:
    """Replace the neural engines of ``reg`` with forced ones (build the pipeline with ``reg``).

    The lengths are the forced classes' own (:func:`set_lengths`), so they hold for every registry
    of this process: a second ``install`` with other lengths changes the first one's too.

    Args:
        reg: the registry to change.
        lengths: the lengths (default: from :data:`ENV`, else the defaults); they are also put in
            :data:`ENV`, so that child processes started afterwards force the same lengths.

    Returns:
        The lengths in force.
    """
    lengths = set_lengths(lengths)
    for (role, name), cls in FORCED.items():
        info = reg.engine(role, name)
        reg.add_engine(EngineInfo(name, role, cls, has_models=info.has_models, fast=info.fast,
                                  description=f"{info.description} [forced output lengths: benchmarks only]"),
                       replace=True)
    return lengths


def set_lengths(lengths: ForcedLengths | None = None) -> ForcedLengths:
    """Give the forced engine classes these lengths (default: from :data:`ENV`, else the defaults).

    The lengths are the classes' (set in each process that runs them: a Ray worker's setup hook
    calls this); they are also put in :data:`ENV` for child processes started afterwards.
    """
    lengths = ForcedLengths.from_env() if lengths is None else lengths
    os.environ[ENV] = lengths.to_env()
    for cls in FORCED.values():
        cls.lengths = lengths
    return lengths


def ray_runtime_env(lengths: ForcedLengths | None = None) -> dict[str, Any]:
    """A Ray ``runtime_env`` whose workers set these lengths (:func:`set_lengths`) before any actor."""
    lengths = ForcedLengths.from_env() if lengths is None else lengths
    return {"worker_process_setup_hook": f"{__name__}.set_lengths", "env_vars": {ENV: lengths.to_env()}}


def main() -> None:
    """``summarize ARGS`` (from ``sys.argv``) with the forced engines installed, for benchmarks of CLI processes."""
    reg = default_registry()
    install(reg)
    from .._entry import main as entry_main

    entry_main(registry=reg)


if __name__ == "__main__":
    main()
