"""The seam between the neural engines and the runtimes that run their models.

A translator or summarizer holds a :class:`Generator` (transformers in
:mod:`summarize.backends.hf`, CTranslate2 in :mod:`summarize.backends.ct2`) and asks it three
things: how many tokens a text takes, how long an input the model takes, and outputs for a batch
of texts under a :class:`Decoding`. Window splitting, the repetition guard, map-reduce and length
control are written once, in the engines, whatever runs the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Decoding", "DecodingFor", "Generator", "usable_window"]

DEFAULT_WINDOW = 512


@dataclass(frozen=True)
class Decoding:
    """How to decode one batch.

    Attributes:
        max_new_tokens: the longest output, in tokens.
        min_new_tokens: the shortest output (0: no minimum).
        num_beams: beam width; ``None`` keeps the checkpoint's own setting.
        guard: decode against repetition loops (no repeated trigram, a repetition penalty).
    """

    max_new_tokens: int
    min_new_tokens: int = 0
    num_beams: int | None = None
    guard: bool = False


DecodingFor = Callable[[int], Decoding]
"""Given a batch's longest input in tokens, how to decode that batch."""


class Generator(Protocol):
    """A loaded model that turns texts into texts, whatever runs it."""

    @property
    def window(self) -> int:
        """The longest input, in tokens, that the model takes."""

    @property
    def prefix(self) -> str:
        """The text the checkpoint wants before a summarization input (T5's ``summarize: ``), or ``""``."""

    def count_tokens(self, text: str) -> int:
        """Tokens the text takes in the model's input (special tokens included)."""

    def generate(self, texts: Sequence[str], decoding: DecodingFor, *,
                 max_input_tokens: int | None = None) -> list[str]:
        """Outputs for every text, in input order, batched as the generator is set to batch.

        Args:
            texts: inputs, each meant to fit ``max_input_tokens`` (callers split longer ones;
                anything longer is truncated).
            decoding: how to decode a batch, given its longest input in tokens.
            max_input_tokens: the truncation guard (default: :attr:`window`).
        """

    def generate_scored(self, texts: Sequence[str], decoding: DecodingFor, *,
                        max_input_tokens: int | None = None) -> list[tuple[str, float]]:
        """Like :meth:`generate`, with each output's mean token log-probability under the model."""


def usable_window(*limits: object, default: int = DEFAULT_WINDOW) -> int:
    """The smallest of the plausible length limits (a model's positions, a tokenizer's maximum).

    Tokenizers without a limit report a huge sentinel; those and missing values are ignored.
    """
    usable = [int(v) for v in limits if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 1_000_000]
    return min(usable) if usable else default
