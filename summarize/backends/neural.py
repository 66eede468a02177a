"""The engine logic shared by every neural runtime: translators and summarizers over a Generator.

:class:`NeuralTranslator` splits segments longer than the model's window, batches them, and
retranslates outputs that fell into a repetition loop with a repetition guard.
:class:`NeuralSummarizer` summarizes texts that fit the window in one call and longer ones by
map-reduce (sentence-aligned chunks, each summarized, the joined partial summaries summarized
again until one window holds them), then trims each summary to whole sentences of the asked length.

What runs the model is a :class:`~summarize.backends.generation.Generator`; an engine class says
only how to open one (its :meth:`open_generator` hook) and, for summarizers, how to phrase an
input (:meth:`NeuralSummarizer.prepare`) and how much of the window that leaves
(:meth:`NeuralSummarizer.window`).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
from ..errors import ConfigError
from ..text.cohesion import is_unfinished, quote_depths
from ..text.segment import chunk_sentences, split_long, split_sentences
from .base import ConfidenceMeasure, LengthSpec, Noted, Scored, Summarizer, Translator
from .generation import Decoding, Generator

if TYPE_CHECKING:
    from ..text.langid import LanguageIdentifier

__all__ = ["NeuralSummarizer", "NeuralTranslator", "cut_loop", "looks_repetitive", "token_budget", "trim_to_length"]

WINDOW_MARGIN = 2
EXTRA_OUTPUT_TOKENS = 10
TOKENS_PER_SENTENCE = 40
TOKENS_PER_WORD = 2
MIN_TOKENS_PER_SENTENCE = 8
MAX_REDUCE_ROUNDS = 4
_REPEAT = re.compile(r"(\S.{1,39}?)(?:\s*\1){3,}", re.DOTALL)
# a mean token probability under about one in three (e ** -1): the model was guessing
LOW_MEAN_LOG_PROB = -1.0
LOOP_NOTE = "fell into a repetition loop and were retranslated with a repetition guard"


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


class NeuralTranslator(Translator):
    """Translates with one encoder-decoder checkpoint per direction (``es-en``, ``en-es``).

    Subclasses implement :meth:`open_generator`: which runtime loads a checkpoint. Two more hooks
    may be overridden: :meth:`output_lengths` (the new tokens a batch may take) and
    :meth:`needs_retry` (which outputs the repetition guard redoes). Everything else (window
    splitting, batching, the guard itself) is here.

    Args:
        config: the ``[translate]`` settings.
        runtime: device, dtype and threads.
        langid: the pipeline's language identifier (unused here).
    """

    engine = "neural"
    confidence = ConfidenceMeasure("mean token log-probability", LOW_MEAN_LOG_PROB)

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        self.config = config
        self.runtime = runtime
        self.models: Mapping[str, str] = dict(config.models)
        self._loaded: dict[str, Generator] = {}

    @abstractmethod
    def open_generator(self, model: str) -> Generator:
        """Load one direction's checkpoint (a hub id or a directory) into a generator."""

    def describe(self, direction: str) -> dict[str, str]:
        return {"engine": self.engine, "model": self.models.get(direction, "")}

    def load(self, direction: str | None = None) -> None:
        for d in [direction] if direction else list(self.models):
            self.generator(d)

    def generator(self, direction: str) -> Generator:
        """The loaded generator of one direction (loaded on first use)."""
        if direction not in self._loaded:
            if direction not in self.models:
                raise ConfigError(f"no translation model configured for {direction}")
            self._loaded[direction] = self.open_generator(self.models[direction])
        return self._loaded[direction]

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
        """Translations with the model's mean token log-probability (a text split for the window
        gets the mean over its pieces, each weighted alike); a text with a piece redone by the
        repetition guard says so in its notes."""
        if not texts:
            return []
        generator = self.generator(f"{src}-{tgt}")
        window = generator.window - WINDOW_MARGIN
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            long = generator.count_tokens(text) > window
            parts = split_long(text, window, generator.count_tokens) if long else [text]
            pieces.extend(parts)
            owners.extend([i] * len(parts))
        outputs = self._generate(pieces, generator, window)
        retry = [i for i, (p, (o, _)) in enumerate(zip(pieces, outputs, strict=True)) if self.needs_retry(p, o)]
        if retry:
            fixed = self._generate([pieces[i] for i in retry], generator, window, guard=True)
            for i, (out, score) in zip(retry, fixed, strict=True):
                outputs[i] = (cut_loop(out) if self.needs_retry(pieces[i], out) else out, score)
        looped = {owners[i] for i in retry}
        joined: list[list[tuple[str, float]]] = [[] for _ in texts]
        for owner, scored in zip(owners, outputs, strict=True):
            joined[owner].append(scored)
        return [Scored(" ".join(t for t, _ in parts), _mean_score([s for _, s in parts]),
                       (LOOP_NOTE,) if i in looped else ())
                for i, parts in enumerate(joined)]

    def output_lengths(self, longest: int, window: int) -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` for a batch whose longest input has ``longest`` tokens."""
        return 0, min(window, int(longest * self.config.max_length_ratio) + EXTRA_OUTPUT_TOKENS)

    def needs_retry(self, source: str, output: str) -> bool:
        """True when an output should be made again with the repetition guard."""
        return looks_repetitive(source, output)

    def _generate(self, texts: list[str], generator: Generator, window: int, *,
                  guard: bool = False) -> list[tuple[str, float]]:
        def decoding(longest: int) -> Decoding:
            least, most = self.output_lengths(longest, window)
            return Decoding(max_new_tokens=most, min_new_tokens=least, num_beams=self.config.num_beams, guard=guard)

        return generator.generate_scored(texts, decoding, max_input_tokens=window)


def _mean_score(scores: Sequence[float | None]) -> float | None:
    """The mean of a text's pieces' scores; ``None`` when the generator gives none (chat servers)."""
    if not scores or any(s is None for s in scores):
        return None
    return round(sum(s for s in scores if s is not None) / len(scores), 4)


def trim_to_length(text: str, lang: str, length: LengthSpec) -> str:
    """Cut a generated summary to whole sentences within the requested length.

    Keeps at least one sentence; never cuts a sentence in the middle. A last sentence that the token
    budget cut off (no final punctuation) or that leaves a quotation open is dropped when another
    remains.
    """
    sentences = [s for s in split_sentences(text.strip(), lang) if s.strip()]
    if not sentences:
        return text.strip()
    while len(sentences) > 1 and (is_unfinished(sentences[-1]) or quote_depths(sentences)[-1][1]):
        sentences.pop()
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
    """Map-reduce summaries over a generator.

    Extension points for subclasses: :meth:`open_generator` (required: which runtime loads the
    checkpoint), :meth:`prepare` (how an input is phrased: the checkpoint's prefix by default),
    :meth:`window` (how much article text one call takes) and :meth:`max_input_tokens`.

    Args:
        config: the ``[summarize]`` settings (``model`` names the checkpoint).
        runtime: device, dtype and threads.
        langid: the pipeline's language identifier (unused here).
    """

    engine = "neural"

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        self.config = config
        self.runtime = runtime
        self._model: Generator | None = None

    @abstractmethod
    def open_generator(self) -> Generator:
        """Load the configured checkpoint into a generator."""

    def describe(self) -> dict[str, str]:
        return {"engine": self.engine, "model": self.config.model}

    def load(self) -> None:
        if self._model is None:
            self._model = self.open_generator()

    @property
    def generator(self) -> Generator:
        """The loaded generator (loaded on first use)."""
        self.load()
        assert self._model is not None
        return self._model

    def length_budget(self, length: LengthSpec) -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` of one summary of the given length."""
        return token_budget(length)

    def count_tokens(self, text: str) -> int:
        """Tokens the text takes in the model's input."""
        return self.generator.count_tokens(text)

    def window(self, lang: str, length: LengthSpec) -> int:
        """How many tokens of article text one call can take."""
        return self.generator.window - WINDOW_MARGIN - len(self.generator.prefix)

    def max_input_tokens(self, length: LengthSpec) -> int:
        """The truncation guard for one prepared input."""
        return self.generator.window

    def prepare(self, text: str, lang: str, length: LengthSpec) -> str:
        """The model input for one text: the checkpoint's summarization prefix and the text."""
        return self.generator.prefix + text

    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        """Summarize texts that each fit the window."""
        if not texts:
            return []
        min_new, max_new = self.length_budget(length)
        decoding = Decoding(max_new_tokens=max_new, min_new_tokens=min_new, num_beams=self.config.num_beams)
        return self.generator.generate([self.prepare(t, lang, length) for t in texts], lambda _: decoding,
                                       max_input_tokens=self.max_input_tokens(length))

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        """Summaries; one made chunk by chunk, or from a truncated input, says so in its notes."""
        window = self.window(lang, length)
        current = list(texts)
        done: dict[int, str] = {}
        notes: list[list[str]] = [[] for _ in texts]
        stuck: set[int] = set()  # partial summaries stopped shrinking: finish with a truncated input
        for round_ in range(MAX_REDUCE_ROUNDS + 1):
            todo = [i for i in range(len(current)) if i not in done]
            last_round = round_ == MAX_REDUCE_ROUNDS
            fits = [i for i in todo if i in stuck or last_round or self.count_tokens(current[i]) <= window]
            long = [i for i in todo if i not in fits]
            for i in fits:
                if self.count_tokens(current[i]) > window:
                    notes[i].append("the partial summaries did not fit the summarizer's window; the last step saw "
                                    "a truncated input")
            for i, summary in zip(fits, self.generate([current[i] for i in fits], lang, length), strict=True):
                done[i] = trim_to_length(summary, lang, length)
            if not long:
                break
            if round_ == 0:
                for i in long:
                    notes[i].append(f"the article is longer than the summarizer's window of {window} tokens; it was "
                                    "summarized chunk by chunk (map-reduce)")
            chunks = {i: chunk_sentences(_sentences(current[i], lang), window, self.count_tokens) for i in long}
            partial = iter(self.generate([c for i in long for c in chunks[i]], lang, length))
            for i in long:
                reduced = "\n".join(trim_to_length(next(partial), lang, length) for _ in chunks[i])
                if self.count_tokens(reduced) >= self.count_tokens(current[i]):
                    stuck.add(i)
                current[i] = reduced
        return [Noted(done[i], tuple(notes[i])) for i in range(len(current))]


def _sentences(text: str, lang: str) -> list[str]:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return [s if s.endswith((" ", "\n")) else s + " " for p in paragraphs for s in split_sentences(p, lang)]
