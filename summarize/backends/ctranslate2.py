"""The same checkpoints as ``marian`` and ``seq2seq``, run by CTranslate2 (int8 on CPU by default).

Each model is converted once and cached (see :mod:`summarize.backends.ct2`). The engines share
their transformers counterparts' logic (:mod:`summarize.backends.neural`): window splitting and
the repetition guard for translation, map-reduce and trimming for summaries; only the generator
differs. Batches are formed by tokens when ``batch_tokens`` is set. On a CPU with int8 (the
default there) a batch holds inputs of one token length only, which makes the engines
batch-invariant (:func:`summarize.backends.ct2.rows_independent`): the pipeline then batches
sentences and articles across documents, and a record is still the same alone or in any batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ct2 import CT2Generator, batch_invariant, load_ct2
from .generation import Generator
from .neural import NeuralSummarizer, NeuralTranslator

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["CTranslate2Options", "CTranslate2Summarizer", "CTranslate2Translator"]


@dataclass(frozen=True)
class CTranslate2Options:
    """The ``ctranslate2`` engines' own settings in ``[translate]`` and ``[summarize]``.

    Attributes:
        batch_tokens: batch by input tokens instead of by ``batch_size``, this many (padded) a
            call; ``None`` batches by ``batch_size``.
    """

    batch_tokens: int | None = None

    def validate(self) -> None:
        """Raise ``ValueError`` for an impossible setting."""
        if self.batch_tokens is not None and self.batch_tokens < 1:
            raise ValueError(f"batch_tokens must be at least 1, not {self.batch_tokens}")


class CTranslate2Translator(NeuralTranslator):
    """Translates with opus-mt (or any Marian checkpoint) converted to CTranslate2.

    Args:
        config: the ``[translate]`` settings (``batch_tokens`` among its options).
        runtime: device, compute type and threads.
        langid: unused.
    """

    engine = "ctranslate2"
    Options = CTranslate2Options

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = CTranslate2Options(**config.options)
        self.batch_invariant = batch_invariant(runtime)

    def open_generator(self, model: str) -> Generator:
        return CT2Generator(load_ct2(model, self.runtime), batch_size=self.config.batch_size,
                            batch_tokens=self.options.batch_tokens)


class CTranslate2Summarizer(NeuralSummarizer):
    """Summarizes with an encoder-decoder checkpoint (BART, PEGASUS, T5) converted to CTranslate2.

    Args:
        config: the ``[summarize]`` settings (``batch_tokens`` among its options).
        runtime: device, compute type and threads.
        langid: unused.
    """

    engine = "ctranslate2"
    Options = CTranslate2Options

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = CTranslate2Options(**config.options)
        self.batch_invariant = batch_invariant(runtime)

    def open_generator(self) -> Generator:
        return CT2Generator(load_ct2(self.config.model, self.runtime), batch_size=self.config.batch_size,
                            batch_tokens=self.options.batch_tokens)
