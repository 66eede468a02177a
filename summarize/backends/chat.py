"""Engines over a chat LLM: prompted translation and instruct summaries, whatever serves the model.

A :class:`ChatModel` is the small seam to the runtime (llama.cpp in :mod:`.llamacpp`, an
OpenAI-compatible server in :mod:`.openai_api`): it counts tokens, says its context size and
answers a batch of chat conversations. :class:`PromptedGenerator` turns one prompt template and a
chat model into a :class:`~summarize.backends.generation.Generator`, so the engines here reuse the
shared logic of :mod:`.neural` unchanged: window splitting and the repetition guard for
translation, map-reduce and trimming to the length budget for summaries. What is particular to
chat models is here: the prompt files (``prompts/summarize.LANG.txt`` and
``prompts/translate.LANG.txt``, LANG being the output language), cleaning the reply of preambles
("Here is a summary:") and labels, and flagging summaries that name what the article does not.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from ..errors import ConfigError
from ..prompts import PromptTemplate, load_prompt
from .base import LengthSpec, Noted
from .generation import Decoding, DecodingFor, Generator
from .neural import NeuralSummarizer, NeuralTranslator, cut_loop, looks_repetitive

if TYPE_CHECKING:
    from ..config import RuntimeConfig, SummarizeConfig, TranslateConfig
    from ..text.langid import LanguageIdentifier

__all__ = ["ChatModel", "ChatSummarizer", "ChatTranslator", "Messages", "PromptedGenerator", "clean_reply",
           "fit_budget"]

Messages = list[dict[str, str]]
# tokens a chat template adds around each message (role markers, separators)
TOKENS_PER_MESSAGE = 8
# a translation may be this many times longer than its source, in tokens
TRANSLATION_GROWTH = 2

_LABEL = r"(?:summary|resumen|translation|traducci[oó]n|spanish|english|espa[nñ]ol|ingl[eé]s)"
_PREAMBLE = re.compile(
    r"^\s*(?:"
    # a lead-in line ending in a colon: "Here is a summary of the article:", "Aquí tienes el resumen:"
    r"(?:sure|certainly|of course|claro|por supuesto|here|aqu[ií]|below|a continuaci[oó]n|este es|this is|the)"
    r"[^\n]{0,100}?" + _LABEL + r"[^\n]{0,60}?:"
    # or a bare label: "Summary:", "**Resumen:**", "Translation (English):"
    r"|[*#_\s]*" + _LABEL + r"[^\n:]{0,30}:[*_]*"
    r")\s*",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"^\s*(?:#+\s+|[-*•]\s+|\d+[.)]\s+)", re.MULTILINE)
_QUOTES = (('"', '"'), ("“", "”"), ("«", "»"), ("'", "'"))


def clean_reply(text: str, *, first_paragraph: bool = False) -> str:
    """The content of a chat model's reply, without the lead-in, labels, list marks and quotes.

    Args:
        text: the raw reply.
        first_paragraph: keep only the first paragraph (translations, where models add notes).
    """
    text = text.strip()
    for _ in range(2):  # "Sure! Here is the summary:\n\nSummary: ..."
        text = _PREAMBLE.sub("", text, count=1).strip()
    text = re.sub(r"\*\*|__", "", text)
    text = _MARKUP.sub("", text)
    if first_paragraph:
        text = next((p for p in re.split(r"\n\s*\n", text) if p.strip()), "")
    text = " ".join(text.split())
    for left, right in _QUOTES:
        if len(text) > 1 and text.startswith(left) and text.endswith(right) and text.count(left) <= 2:
            text = text[1:-1].strip()
    return text


def fit_budget(summary: str, length: LengthSpec) -> str:
    """Hold a summary to the length's word budget.

    :func:`~.neural.trim_to_length` keeps whole sentences, but a reply cut off by its token limit
    may be one long unfinished sentence: that is cut at the budget's last word, and ends in "…".
    """
    words = summary.split()
    if len(words) <= length.word_budget:
        return summary
    return " ".join(words[: length.word_budget]).rstrip(",;:") + "…"


class ChatModel(Protocol):
    """A loaded chat LLM, whatever serves it."""

    @property
    def context(self) -> int:
        """Tokens the model takes in one conversation, prompt and reply together."""

    def count_tokens(self, text: str) -> int:
        """Tokens the text takes (an estimate where the server does not say)."""

    def complete(self, conversations: Sequence[Messages], *, max_tokens: int, guard: bool = False) -> list[str]:
        """One greedy reply per conversation, in order.

        Args:
            conversations: chat messages (``role``/``content``) of each request.
            max_tokens: the longest reply, in tokens.
            guard: penalise repetition (the retry after a repetition loop).
        """


def prompt_tokens(model: ChatModel, messages: Messages) -> int:
    """Tokens a rendered conversation takes, template markers included."""
    return sum(model.count_tokens(m["content"]) + TOKENS_PER_MESSAGE for m in messages)


class PromptedGenerator:
    """A chat model and one prompt template behind the :class:`Generator` protocol.

    Each input text fills ``$text`` (and ``$length`` when given); the reply is cleaned with
    :func:`clean_reply`.

    Args:
        model: the chat model.
        template: the prompt.
        length: the value of ``$length`` (summaries), or ``None``.
        first_paragraph: keep only the reply's first paragraph.
        reply_share: how many tokens of reply one token of input may need (sets :attr:`window`).
    """

    def __init__(self, model: ChatModel, template: PromptTemplate, *, length: str | None = None,
                 first_paragraph: bool = False, reply_share: int = 0) -> None:
        self.model = model
        self.template = template
        self.length = length
        self.first_paragraph = first_paragraph
        self.reply_share = reply_share

    def messages(self, text: str) -> Messages:
        """The conversation for one input."""
        values = {"text": text} if self.length is None else {"text": text, "length": self.length}
        return self.template.render(**values)

    @property
    def overhead(self) -> int:
        """Tokens the prompt takes around an empty input."""
        return prompt_tokens(self.model, self.messages(""))

    @property
    def window(self) -> int:
        return max(16, (self.model.context - self.overhead) // (1 + self.reply_share))

    @property
    def prefix(self) -> str:
        return ""

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def generate(self, texts: Sequence[str], decoding: DecodingFor, *,
                 max_input_tokens: int | None = None) -> list[str]:
        if not texts:
            return []
        # one request per text: group those that share a reply budget so servers can batch them
        plans = [decoding(self.count_tokens(t)) for t in texts]
        outputs: list[str] = [""] * len(texts)
        groups: dict[tuple[int, bool], list[int]] = {}
        for i, plan in enumerate(plans):
            groups.setdefault((self._room(plan), plan.guard), []).append(i)
        for (max_tokens, guard), indices in groups.items():
            replies = self.model.complete([self.messages(texts[i]) for i in indices], max_tokens=max_tokens,
                                          guard=guard)
            for i, reply in zip(indices, replies, strict=True):
                outputs[i] = clean_reply(reply, first_paragraph=self.first_paragraph)
        return outputs

    def generate_scored(self, texts: Sequence[str], decoding: DecodingFor, *,
                        max_input_tokens: int | None = None) -> list[tuple[str, float | None]]:
        """The replies, unscored: chat completions are not asked for token log-probabilities."""
        return [(text, None) for text in self.generate(texts, decoding, max_input_tokens=max_input_tokens)]

    def _room(self, plan: Decoding) -> int:
        """The reply budget, within what the context leaves."""
        return max(1, min(plan.max_new_tokens, self.model.context - self.overhead))


class ChatTranslator(NeuralTranslator):
    """Prompted translation (``prompts/translate.{target}.txt``) with a chat LLM.

    ``models`` in ``[translate]`` names the model of each direction (a GGUF file for llama.cpp,
    a served model name for an OpenAI-compatible server); directions naming the same model share
    one loaded copy. Subclasses implement :meth:`open_chat`.

    Args:
        config: the ``[translate]`` settings.
        runtime: device and threads.
        langid: unused.
    """

    confidence = None  # chat replies come without token log-probabilities: no score, nothing flagged

    engine = "chat"
    prompts_folder: str | None = None

    def __init__(self, config: TranslateConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self._chats: dict[str, ChatModel] = {}

    @abstractmethod
    def open_chat(self, model: str) -> ChatModel:
        """Load (or connect to) one model."""

    def generator(self, direction: str) -> Generator:
        """The generator of one direction: its model (shared between directions) and its prompt."""
        if direction not in self._loaded:
            if direction not in self.models:
                raise ConfigError(f"no translation model configured for {direction}")
            model = self.models[direction]
            if model not in self._chats:
                self._chats[model] = self.open_chat(model)
            template = load_prompt("translate", direction.rpartition("-")[2], self.prompts_folder)
            self._loaded[direction] = PromptedGenerator(self._chats[model], template, first_paragraph=True,
                                                        reply_share=TRANSLATION_GROWTH)
        return self._loaded[direction]

    def open_generator(self, model: str) -> Generator:
        """The generator of the first direction that names ``model`` (:meth:`generator` opens each)."""
        return self.generator(next(d for d, m in self.models.items() if m == model))


class ChatSummarizer(NeuralSummarizer):
    """Instruct summaries (``prompts/summarize.{lang}.txt``) with a chat LLM.

    The reply budget is the length's (:meth:`length_budget`); replies are cleaned of preambles,
    trimmed to whole sentences of the asked length, and a summary that holds a number or a
    capitalised name the article lacks gets a warning. Subclasses implement :meth:`open_chat`.

    Args:
        config: the ``[summarize]`` settings (``model`` names the model).
        runtime: device and threads.
        langid: unused.
    """

    engine = "chat"
    prompts_folder: str | None = None

    def __init__(self, config: SummarizeConfig, runtime: RuntimeConfig, *,
                 langid: LanguageIdentifier | None = None) -> None:
        super().__init__(config, runtime, langid=langid)
        self._chat: ChatModel | None = None

    @abstractmethod
    def open_chat(self) -> ChatModel:
        """Load (or connect to) the configured model."""

    def open_generator(self) -> Generator:
        self._chat = self.open_chat()
        return PromptedGenerator(self._chat, load_prompt("summarize", "en", self.prompts_folder))

    @property
    def chat(self) -> ChatModel:
        """The loaded chat model (loaded on first use)."""
        self.load()
        assert self._chat is not None
        return self._chat

    def prompted(self, lang: str, length: LengthSpec) -> PromptedGenerator:
        """The generator for summaries in one language and length."""
        return PromptedGenerator(self.chat, load_prompt("summarize", lang, self.prompts_folder),
                                 length=length.describe(lang))

    def window(self, lang: str, length: LengthSpec) -> int:
        return self.chat.context - self.prompted(lang, length).overhead - self.length_budget(length)[1]

    def max_input_tokens(self, length: LengthSpec) -> int:
        return self.chat.context - self.length_budget(length)[1]

    def generate(self, texts: Sequence[str], lang: str, length: LengthSpec) -> list[str]:
        if not texts:
            return []
        _, max_new = self.length_budget(length)
        prompted = self.prompted(lang, length)
        outputs = prompted.generate(texts, lambda _: Decoding(max_new_tokens=max_new))
        # small models fall into loops ("de la de la ..."): redo those with the repetition guard
        loops = [i for i, (t, o) in enumerate(zip(texts, outputs, strict=True)) if looks_repetitive(t, o)]
        if loops:
            redone = prompted.generate([texts[i] for i in loops], lambda _: Decoding(max_new_tokens=max_new, guard=True))
            for i, out in zip(loops, redone, strict=True):
                outputs[i] = cut_loop(out) if looks_repetitive(texts[i], out) else out
        return outputs

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        # names and numbers the article lacks are checked by the pipeline, per document, for every engine
        out = []
        for summary in super().summarize_noted(texts, lang, length, warnings=warnings):
            text = fit_budget(summary.text, length)
            empty = () if text else (f"the {self.engine} summarizer returned an empty summary",)
            out.append(Noted(text, (*summary.notes, *empty)))
        return out
