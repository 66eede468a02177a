"""Abstractive summarization with transformers encoder-decoder checkpoints (BART, PEGASUS, T5).

The map-reduce over the model's window and the trimming to the asked length live in
:class:`~summarize.backends.neural.NeuralSummarizer`.
"""

from __future__ import annotations

from .generation import Generator
from .hf import HFGenerator
from .neural import NeuralSummarizer

__all__ = ["Seq2SeqSummarizer"]


class Seq2SeqSummarizer(NeuralSummarizer):
    """Summarizes with an encoder-decoder checkpoint (BART, PEGASUS, T5, mT5).

    Args:
        config: the ``[summarize]`` settings (``model`` names the checkpoint).
        runtime: device, dtype and threads.
        langid: unused.
    """

    engine = "seq2seq"

    def open_generator(self) -> Generator:
        return HFGenerator.load(self.config.model, self.runtime, batch_size=self.config.batch_size)
