"""The same checkpoints as ``marian`` and ``seq2seq``, run by CTranslate2 (int8 on CPU by default).

Each model is converted once and cached (see :mod:`summarize.backends._ct2`). The engines keep
their transformers counterparts' output contract by reusing their logic: window splitting and the
repetition guard for translation, map-reduce and trimming for summaries. Only loading, measuring
and generating differ. Batches are formed by tokens when ``batch_tokens`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ConfigError
from ._ct2 import CT2Model, load_ct2
from .base import LengthSpec
from .marian import MarianTranslator
from .seq2seq import WINDOW_MARGIN, NeuralSummarizer

__all__ = ["CTranslate2Summarizer", "CTranslate2Translator"]


class CTranslate2Translator(MarianTranslator):
    """Translates with opus-mt (or any Marian checkpoint) converted to CTranslate2.

    Args:
        config: the ``[translate]`` settings (``batch_tokens`` batches by source tokens).
        runtime: device, compute type and threads.
    """

    engine = "ctranslate2"

    def _get(self, direction: str) -> tuple[Any, CT2Model]:
        if direction not in self._loaded:
            if direction not in self.models:
                raise ConfigError(f"no translation model configured for {direction}")
            model = load_ct2(self.models[direction], self.runtime)
            self._loaded[direction] = (model.tokenizer, model)
        return self._loaded[direction]

    def _window(self, tokenizer: Any, model: CT2Model) -> int:
        return model.window

    def _generate(self, texts: list[str], tokenizer: Any, model: CT2Model, window: int, *,
                  guard: bool = False) -> list[str]:
        def options(longest: int) -> dict[str, Any]:
            min_new, max_new = self._lengths(longest, window)
            return model.decoding_options(min_new, max_new, self.config.num_beams, guard=guard)

        return model.generate(texts, options, batch_size=self.config.batch_size, batch_tokens=self.config.batch_tokens)


class CTranslate2Summarizer(NeuralSummarizer):
    """Summarizes with an encoder-decoder checkpoint (BART, PEGASUS, T5) converted to CTranslate2.

    Args:
        config: the ``[summarize]`` settings (``batch_tokens`` batches by input tokens).
        runtime: device, compute type and threads.
    """

    engine = "ctranslate2"

    def load(self) -> None:
        if self._model is None:
            self._model = load_ct2(self.config.model, self.runtime)
            self._tokenizer = self._model.tokenizer

    def window(self, lang: str, length: LengthSpec) -> int:
        self.load()
        return int(self._model.window) - WINDOW_MARGIN - len(self._model.meta.get("prefix", ""))

    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        if not texts:
            return []
        self.load()
        model: CT2Model = self._model
        min_new, max_new = self.length_budget(length)

        def options(_: int) -> dict[str, Any]:
            return model.decoding_options(min_new, max_new, self.config.num_beams, guard=False)

        prefix = model.meta.get("prefix", "")
        return model.generate([prefix + t for t in texts], options, batch_size=self.config.batch_size,
                              batch_tokens=self.config.batch_tokens)
