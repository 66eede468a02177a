"""Summarization with an instruction-tuned causal LM (e.g. Qwen2.5-Instruct) and prompt files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..prompts import PromptTemplate, load_prompt
from . import _hf
from .base import LengthSpec
from .seq2seq import NeuralSummarizer, token_budget

__all__ = ["InstructSummarizer"]

PROMPT_TASK = "summarize"


class InstructSummarizer(NeuralSummarizer):
    """Renders ``prompts/summarize.{lang}.txt`` through the tokenizer's chat template and generates.

    Args:
        config: the ``[summarize]`` settings (``model``, optional ``prompts`` folder).
        runtime: device, dtype and threads.
    """

    engine = "instruct"
    kind = "causal"

    def __init__(self, config: Any, runtime: Any) -> None:
        super().__init__(config, runtime)
        self._prompts: dict[str, PromptTemplate] = {}

    def _prompt(self, lang: str) -> PromptTemplate:
        if lang not in self._prompts:
            self._prompts[lang] = load_prompt(PROMPT_TASK, lang, self.config.prompts)
        return self._prompts[lang]

    def _render(self, text: str, lang: str, length: LengthSpec) -> str:
        messages = self._prompt(lang).render(text=text, length=length.describe(lang))
        return str(self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    def window(self, lang: str, length: LengthSpec) -> int:
        self.load()
        overhead = len(self._tokenizer(self._render("", lang, length), add_special_tokens=False)["input_ids"])
        _, max_new = token_budget(length)
        return _hf.model_window(self._tokenizer, self._model) - overhead - max_new

    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        if not texts:
            return []
        min_new, max_new = token_budget(length)
        prompts = [self._render(t, lang, length) for t in texts]
        window = _hf.model_window(self._tokenizer, self._model)

        def gen_kwargs(_: Any) -> dict[str, Any]:
            kwargs: dict[str, Any] = {"max_new_tokens": max_new, "min_new_tokens": min_new, "do_sample": False}
            if self.config.num_beams:
                kwargs["num_beams"] = self.config.num_beams
            return kwargs

        return _hf.generate_batched(
            prompts, tokenizer=self._tokenizer, model=self._model, batch_size=self.config.batch_size,
            gen_kwargs=gen_kwargs, max_input_tokens=window - max_new, decoder_only=True,
        )
