"""Abstractive summarization with transformers: encoder-decoder models and map-reduce.

Articles longer than the model's window are split into sentence-aligned chunks, each chunk is
summarized, and the joined partial summaries are summarized again until one window holds them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from ..config import RuntimeConfig, SummarizeConfig
from ..segment import chunk_sentences, split_sentences
from . import _hf
from .base import LengthSpec, Summarizer

__all__ = ["NeuralSummarizer", "Seq2SeqSummarizer", "trim_to_length"]

TOKENS_PER_SENTENCE = 40
TOKENS_PER_WORD = 2
MIN_TOKENS_PER_SENTENCE = 8
MAX_REDUCE_ROUNDS = 4
WINDOW_MARGIN = 2


def trim_to_length(text: str, lang: str, length: LengthSpec) -> str:
    """Cut a generated summary to whole sentences within the requested length.

    Keeps at least one sentence; never cuts a sentence in the middle.
    """
    sentences = [s for s in split_sentences(text.strip(), lang) if s.strip()]
    if not sentences:
        return text.strip()
    if length.words:
        kept: list[str] = []
        count = 0
        for sentence in sentences:
            n = len(sentence.split())
            if kept and count + n > length.words:
                break
            kept.append(sentence)
            count += n
        return "".join(kept).strip()
    return "".join(sentences[: length.sentences]).strip()


def token_budget(length: LengthSpec) -> tuple[int, int]:
    """``(min_new_tokens, max_new_tokens)`` for a length asked in sentences or words."""
    if length.words:
        return max(4, length.words // 2), length.words * TOKENS_PER_WORD + 8
    return MIN_TOKENS_PER_SENTENCE * length.sentences, TOKENS_PER_SENTENCE * length.sentences + 8


class NeuralSummarizer(Summarizer):
    """Common map-reduce logic; subclasses say how to load, measure and generate."""

    kind = "seq2seq"

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig) -> None:
        self.config = config
        self.runtime = runtime
        self._tokenizer: Any = None
        self._model: Any = None

    def describe(self) -> dict[str, str]:
        return {"engine": self.engine, "model": self.config.model}

    def load(self) -> None:
        if self._model is None:
            device, dtype = _hf.resolve_device(self.runtime)
            self._tokenizer, self._model = _hf.load_model(self.config.model, self.kind, device, dtype)

    def length_budget(self, length: LengthSpec) -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` of one summary of the given length."""
        return token_budget(length)

    def count_tokens(self, text: str) -> int:
        """Tokens the text takes in the model's input."""
        self.load()
        return len(self._tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    @abstractmethod
    def window(self, lang: str, length: LengthSpec) -> int:
        """How many tokens of article text one call can take."""

    @abstractmethod
    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        """Summarize texts that each fit the window."""

    def summarize(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[str]:
        self.load()
        window = self.window(lang, length)
        current = list(texts)
        done: dict[int, str] = {}
        stuck: set[int] = set()  # partial summaries stopped shrinking: finish with a truncated input
        for round_ in range(MAX_REDUCE_ROUNDS + 1):
            todo = [i for i in range(len(current)) if i not in done]
            last_round = round_ == MAX_REDUCE_ROUNDS
            fits = [i for i in todo if i in stuck or last_round or self.count_tokens(current[i]) <= window]
            long = [i for i in todo if i not in fits]
            if warnings is not None and any(self.count_tokens(current[i]) > window for i in fits):
                warnings.append("partial summaries did not fit the summarizer's window; the last step saw a truncated input")
            for i, summary in zip(fits, self.generate([current[i] for i in fits], lang, length), strict=True):
                done[i] = trim_to_length(summary, lang, length)
            if not long:
                break
            if warnings is not None and round_ == 0:
                warnings.append(f"{len(long)} text(s) longer than the summarizer's window of {window} tokens "
                                "were summarized chunk by chunk (map-reduce)")
            chunks = {i: chunk_sentences(_sentences(current[i], lang), window, self.count_tokens) for i in long}
            partial = iter(self.generate([c for i in long for c in chunks[i]], lang, length))
            for i in long:
                reduced = "\n".join(trim_to_length(next(partial), lang, length) for _ in chunks[i])
                if self.count_tokens(reduced) >= self.count_tokens(current[i]):
                    stuck.add(i)
                current[i] = reduced
        return [done[i] for i in range(len(current))]


def _sentences(text: str, lang: str) -> list[str]:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return [s if s.endswith((" ", "\n")) else s + " " for p in paragraphs for s in split_sentences(p, lang)]


class Seq2SeqSummarizer(NeuralSummarizer):
    """Summarizes with an encoder-decoder checkpoint (BART, PEGASUS, T5, mT5).

    Args:
        config: the ``[summarize]`` settings (``model`` names the checkpoint).
        runtime: device, dtype and threads.
    """

    engine = "seq2seq"

    def window(self, lang: str, length: LengthSpec) -> int:
        self.load()
        return _hf.model_window(self._tokenizer, self._model) - WINDOW_MARGIN - len(self._prefix())

    def _prefix(self) -> str:
        params = getattr(self._model.config, "task_specific_params", None) or {}
        return str(params.get("summarization", {}).get("prefix", ""))

    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        if not texts:
            return []
        min_new, max_new = self.length_budget(length)

        def gen_kwargs(_: Any) -> dict[str, Any]:
            kwargs: dict[str, Any] = {"max_new_tokens": max_new, "min_new_tokens": min_new}
            if self.config.num_beams:
                kwargs["num_beams"] = self.config.num_beams
            return kwargs

        prefix = self._prefix()
        return _hf.generate_batched(
            [prefix + t for t in texts], tokenizer=self._tokenizer, model=self._model,
            batch_size=self.config.batch_size, gen_kwargs=gen_kwargs,
            max_input_tokens=_hf.model_window(self._tokenizer, self._model),
        )
