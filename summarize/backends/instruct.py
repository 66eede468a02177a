"""Summarization with an instruction-tuned causal LM (e.g. Qwen2.5-Instruct) and prompt files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..prompts import PromptTemplate, load_prompt
from .base import LengthSpec, Noted
from .chat import fit_budget
from .generation import Generator
from .hf import HFGenerator
from .neural import NeuralSummarizer, token_budget

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["InstructOptions", "InstructSummarizer"]

PROMPT_TASK = "summarize"


@dataclass(frozen=True)
class InstructOptions:
    """The ``instruct`` engine's own settings in ``[summarize]``.

    Attributes:
        prompts: folder of prompt templates (``summarize.en.txt``, ``summarize.es.txt``);
            ``None`` uses the shipped ones.
    """

    prompts: str | None = None


class InstructSummarizer(NeuralSummarizer):
    """Renders ``prompts/summarize.{lang}.txt`` through the tokenizer's chat template and generates.

    Args:
        config: the ``[summarize]`` settings (``model``; ``prompts`` among its options).
        runtime: device, dtype and threads.
        langid: unused.
    """

    engine = "instruct"
    Options = InstructOptions

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self.options = InstructOptions(**config.options)
        self._prompts: dict[str, PromptTemplate] = {}

    def open_generator(self) -> Generator:
        return HFGenerator.load(self.config.model, self.runtime, batch_size=self.config.batch_size,
                                decoder_only=True)

    def _prompt(self, lang: str) -> PromptTemplate:
        if lang not in self._prompts:
            self._prompts[lang] = load_prompt(PROMPT_TASK, lang, self.options.prompts)
        return self._prompts[lang]

    def _hf(self) -> HFGenerator:
        generator = self.generator
        assert isinstance(generator, HFGenerator)
        return generator

    def prepare(self, text: str, lang: str, length: LengthSpec) -> str:
        messages = self._prompt(lang).render(text=text, length=length.describe(lang))
        return str(self._hf().tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    def window(self, lang: str, length: LengthSpec) -> int:
        tokenizer = self._hf().tokenizer
        overhead = len(tokenizer(self.prepare("", lang, length), add_special_tokens=False)["input_ids"])
        return self.generator.window - overhead - token_budget(length)[1]

    def max_input_tokens(self, length: LengthSpec) -> int:
        return self.generator.window - token_budget(length)[1]

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        # a reply cut off by its token limit is one unfinished sentence, which trimming keeps whole
        return [replace(s, text=fit_budget(s.text, length))
                for s in super().summarize_noted(texts, lang, length, warnings=warnings)]
