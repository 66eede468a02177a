"""Neural translation with transformers encoder-decoder models (opus-mt MarianMT by default)."""

from __future__ import annotations

from .generation import Generator
from .hf import HFGenerator
from .neural import NeuralTranslator

__all__ = ["MarianTranslator"]


class MarianTranslator(NeuralTranslator):
    """Translates with one transformers seq2seq model per direction (``es-en``, ``en-es``).

    Args:
        config: the ``[translate]`` settings.
        runtime: device, dtype and threads.
        langid: unused.
    """

    engine = "marian"

    def open_generator(self, model: str) -> Generator:
        return HFGenerator.load(model, self.runtime, batch_size=self.config.batch_size)
