"""Neural translation with transformers encoder-decoder models (opus-mt MarianMT by default)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..config import RuntimeConfig, TranslateConfig
from ..errors import ConfigError
from ..segment import split_long
from . import _hf
from .base import Translator

__all__ = ["MarianTranslator", "cut_loop", "looks_repetitive"]

WINDOW_MARGIN = 2
EXTRA_OUTPUT_TOKENS = 10
_REPEAT = re.compile(r"(\S.{1,39}?)(?:\s*\1){3,}", re.DOTALL)


def looks_repetitive(source: str, output: str) -> bool:
    """True for the degenerate loops opus-mt falls into ("the the the ...", a phrase over and over).

    An output is suspect when a short phrase repeats four or more times in a row and the source
    does not do the same.
    """
    match = _REPEAT.search(output)
    return bool(match) and not _REPEAT.search(source)


def cut_loop(output: str) -> str:
    """Keep the text before a repetition loop and one copy of the repeated phrase."""
    match = _REPEAT.search(output)
    return output if match is None else (output[: match.start()] + match.group(1)).strip()


class MarianTranslator(Translator):
    """Translates with one transformers seq2seq model per direction (``es-en``, ``en-es``).

    Args:
        config: the ``[translate]`` settings.
        runtime: device, dtype and threads.
    """

    engine = "marian"

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig) -> None:
        self.config = config
        self.runtime = runtime
        self.models: Mapping[str, str] = dict(config.models)
        self._loaded: dict[str, tuple[Any, Any]] = {}

    def describe(self, direction: str) -> dict[str, str]:
        return {"engine": self.engine, "model": self.models.get(direction, "")}

    def load(self, direction: str | None = None) -> None:
        for d in [direction] if direction else list(self.models):
            self._get(d)

    def _get(self, direction: str) -> tuple[Any, Any]:
        if direction not in self._loaded:
            if direction not in self.models:
                raise ConfigError(f"no translation model configured for {direction}")
            device, dtype = _hf.resolve_device(self.runtime)
            self._loaded[direction] = _hf.load_model(self.models[direction], "seq2seq", device, dtype)
        return self._loaded[direction]

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        if not texts:
            return []
        tokenizer, model = self._get(f"{src}-{tgt}")
        window = self._window(tokenizer, model) - WINDOW_MARGIN

        def n_tokens(text: str) -> int:
            return len(tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            parts = split_long(text, window, n_tokens) if n_tokens(text) > window else [text]
            pieces.extend(parts)
            owners.extend([i] * len(parts))
        outputs = self._generate(pieces, tokenizer, model, window)
        retry = [i for i, (p, o) in enumerate(zip(pieces, outputs, strict=True)) if self._needs_retry(p, o)]
        if retry:
            fixed = self._generate([pieces[i] for i in retry], tokenizer, model, window, guard=True)
            for i, out in zip(retry, fixed, strict=True):
                outputs[i] = cut_loop(out) if self._needs_retry(pieces[i], out) else out
            if warnings is not None:
                warnings.append(f"{len(retry)} segment(s) fell into a repetition loop and were retranslated with a repetition guard")
        joined: list[list[str]] = [[] for _ in texts]
        for owner, out in zip(owners, outputs, strict=True):
            joined[owner].append(out)
        return [" ".join(parts) for parts in joined]

    def _window(self, tokenizer: Any, model: Any) -> int:
        """The longest input, in tokens, that the loaded model takes."""
        return _hf.model_window(tokenizer, model)

    def _lengths(self, longest: int, window: int) -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` for a batch whose longest input has ``longest`` tokens."""
        return 0, min(window, int(longest * self.config.max_length_ratio) + EXTRA_OUTPUT_TOKENS)

    def _needs_retry(self, source: str, output: str) -> bool:
        """True when an output should be made again with the repetition guard."""
        return looks_repetitive(source, output)

    def _generate(self, texts: list[str], tokenizer: Any, model: Any, window: int, *, guard: bool = False) -> list[str]:
        def gen_kwargs(input_ids: Any) -> dict[str, Any]:
            min_new, max_new = self._lengths(int(input_ids.shape[1]), window)
            kwargs: dict[str, Any] = {"max_new_tokens": max_new}
            if min_new:
                kwargs["min_new_tokens"] = min_new
            if self.config.num_beams:
                kwargs["num_beams"] = self.config.num_beams
            if guard:
                kwargs.update(no_repeat_ngram_size=3, repetition_penalty=1.2)
            return kwargs

        return _hf.generate_batched(
            texts, tokenizer=tokenizer, model=model, batch_size=self.config.batch_size,
            gen_kwargs=gen_kwargs, max_input_tokens=window,
        )
