"""The two small interfaces every engine implements.

A backend's constructor only stores settings; ``load()`` does the heavy work once (idempotent);
one batch method does the job. The same object serves the CLI, the Python API and a Ray actor.

The constructor contract (how :func:`summarize.backends.make_translator` builds every engine,
built-in or registered by a plugin)::

    Engine(config, runtime, *, langid=None)

``config`` is the ``[translate]`` or ``[summarize]`` section (its ``options`` hold the engine's
own settings, declared by a frozen dataclass in the class attribute ``Options``; an optional
``validate()`` method on it raises ``ValueError`` for a bad value), ``runtime`` the ``[runtime]``
section, and ``langid`` the pipeline's :class:`~summarize.text.langid.LanguageIdentifier`, for
engines that need to tell languages apart.

What the user should know comes two ways. A note about one input (this segment fell into a
repetition loop, this article was summarized chunk by chunk) travels with that input's output:
:attr:`Scored.notes`, :attr:`Noted.notes`; the pipeline gives it to the documents the input belongs
to, and to no other, so a record does not change with the other documents of its batch. The
``warnings=`` list of a call is for what concerns the run rather than one input (the cache moved a
damaged file aside); the pipeline copies those to every document of the call. An engine written to
the plain contract (``translate`` and ``summarize`` alone) that puts everything in ``warnings=``
keeps working: its warnings are then call-level.
"""

from __future__ import annotations

from abc import ABC
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Self

__all__ = ["ConfidenceMeasure", "LengthSpec", "Noted", "Scored", "Summarizer", "Translator", "summaries_said",
           "tally_notes", "texts_said"]


# a news sentence rarely passes 40 words; a "sentence" far longer is text without boundaries
WORDS_PER_SENTENCE_LIMIT = 40


@dataclass(frozen=True)
class LengthSpec:
    """A summary length in sentences, or in words when ``words`` is set."""

    sentences: int = 3
    words: int | None = None

    @property
    def word_budget(self) -> int:
        """The most words a summary of this length may have: ``words``, or a generous 40 a sentence."""
        return self.words or WORDS_PER_SENTENCE_LIMIT * self.sentences

    def describe(self, lang: str) -> str:
        """Say the length in words of the language (for prompts)."""
        if self.words:
            return f"at most {self.words} words" if lang == "en" else f"un máximo de {self.words} palabras"
        n = self.sentences
        if lang == "en":
            return "one sentence" if n == 1 else f"{n} sentences"
        return "una oración" if n == 1 else f"{n} oraciones"


@dataclass(frozen=True)
class ConfidenceMeasure:
    """How an engine scores its own translations (see :meth:`Translator.translate_scored`).

    Attributes:
        name: what the score is (``known-word share``, ``mean token log-probability``).
        low_below: a sentence scoring below this is flagged as low-confidence.
    """

    name: str
    low_below: float


@dataclass(frozen=True)
class Scored:
    """A translation, the engine's confidence in it (``None``: the engine gives none), and its notes.

    Each note says what happened to this one input, worded to follow a count of inputs, so that
    the notes of many inputs add up to one message (see :func:`tally_notes`): "fell into a
    repetition loop and were retranslated with a repetition guard" becomes "2 sentence(s) fell
    into ...".
    """

    text: str
    score: float | None = None
    notes: tuple[str, ...] = ()
    # the source words the engine did not know and left as they were ("incarcerated" in Spanish
    # output); None: the engine does not say (see summarize.pipeline.translate for the fallback)
    untranslated: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Noted:
    """A summary and what the user should know about that one summary (whole sentences)."""

    text: str
    notes: tuple[str, ...] = ()


def tally_notes(notes: Iterable[Sequence[str]], unit: str) -> list[str]:
    """The notes of many inputs as messages: each note once, after the number of inputs it concerns.

    Args:
        notes: per input, its notes (see :attr:`Scored.notes`); a note repeated within one input counts once.
        unit: what an input is, for the count (``segment``, ``sentence``).

    Returns:
        ``"<n> <unit>(s) <note>"`` per distinct note, in the order the notes first appear.
    """
    counts = Counter(note for per_input in notes for note in dict.fromkeys(per_input))
    return [f"{n} {unit}(s) {note}" for note, n in counts.items()]


def texts_said(outputs: Sequence[Scored], warnings: list[str] | None, unit: str = "segment") -> list[str]:
    """The texts of scored outputs, their notes tallied into ``warnings`` (the plain ``translate`` contract)."""
    if warnings is not None:
        warnings.extend(tally_notes((o.notes for o in outputs), unit))
    return [o.text for o in outputs]


def summaries_said(outputs: Sequence[Noted], warnings: list[str] | None) -> list[str]:
    """The texts of noted summaries, each distinct note put once in ``warnings`` (the plain ``summarize`` contract)."""
    if warnings is not None:
        warnings.extend(dict.fromkeys(note for o in outputs for note in o.notes))
    return [o.text for o in outputs]


class Translator(ABC):
    """Translates batches of segments between Spanish and English.

    An engine implements :meth:`translate_scored` (the plain :meth:`translate` is derived from it
    once, here), and sets :attr:`confidence` when its scores say how sure it is of each output. An
    engine written to the plain contract implements :meth:`translate` instead; its outputs are
    unscored.

    A document's record must not depend on the other documents of its run. An engine sets
    :attr:`batch_invariant` only when its output for one text is the same whatever else is in the
    call: Apertium (each segment alone, see :mod:`summarize.backends.apertium.tagger`), the
    extractive engine (one text at a time), an HTTP engine that sends each text as its own request,
    and CTranslate2 int8 on a CPU, whose batches hold texts of one token length only (no padding;
    see :func:`summarize.backends.ct2.rows_independent`). A neural engine that pads its batches is
    not: padding and the batch's shape change the arithmetic, and with it greedy and beam choices. For such an engine (and any engine that does not say), the
    pipeline makes one call per document, so a batch holds that document's texts only; the
    ``[runtime]`` setting ``batch_across_documents = true`` trades that guarantee for bigger batches.
    """

    engine: str = "translator"
    # whether the engine is known to copy its placeholders (Apertium: tested); others get a
    # sentence whole first and masked only when a name did not come through
    keeps_placeholders: bool = False
    # whether the engine finds names itself in each sentence (Apertium); then a document's names add
    # only what one sentence cannot tell (see summarize.text.names.DocumentNames.spans)
    protects_names: bool = False
    confidence: ConfidenceMeasure | None = None
    # whether the engine's output for one text never depends on the other texts of the call (see
    # the class docstring); the pipeline gives an engine that is not one document's texts per call
    batch_invariant: bool = False

    def load(self, direction: str | None = None) -> None:
        """Make the engine ready (for one direction, or all); safe to call again."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        if cls.translate_scored is Translator.translate_scored and cls.translate is Translator.translate:
            raise TypeError(f"{cls.__name__} implements neither translate_scored nor translate")
        return super().__new__(cls)

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
        """Translate each text from ``src`` to ``tgt``, with the engine's confidence in each output.

        The one method an engine implements (an engine written to the plain contract implements
        :meth:`translate` instead, and its outputs are then unscored). What concerns one input goes
        in that output's :attr:`Scored.notes`; ``warnings`` gets only what concerns the whole call.

        Args:
            texts: segments, usually sentences (any length: over-long ones are split, not cut).
            src: source language code.
            tgt: target language code.
            warnings: a list to which the engine appends what concerns the whole call.

        Returns:
            One :class:`Scored` per input, in order (``score`` ``None`` where the engine gives none;
            see :attr:`confidence`).
        """
        return [Scored(t) for t in self.translate(texts, src, tgt, warnings=warnings)]

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        """The texts of :meth:`translate_scored`; its inputs' notes go to ``warnings``, counted over the
        call (``"3 segment(s) fell into ..."``), since plain texts cannot carry them."""
        return texts_said(self.translate_scored(texts, src, tgt, warnings=warnings), warnings)

    def describe(self, direction: str) -> dict[str, str]:
        """Return ``{"engine": ..., "model": ...}`` for results."""
        return {"engine": self.engine, "model": ""}

    def name_renderings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, str | None]:
        """How this engine's own dictionary renders a document's names (see :mod:`summarize.text.names`).

        Returns:
            For the names the engine's dictionary knows: its rendering in ``tgt`` (``Noruega`` ->
            "Norway"), or ``None`` when it knows the name whole and translates it itself (then a
            name with an established translation is left to the engine, which gets its grammar
            right: "de los Estados Unidos"; any other is still kept as written). The default knows
            nothing (neural engines have no dictionary to ask).
        """
        return {}

    def translated_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        """Which of a document's names this engine translates itself, word by word, and should be given.

        A rule-based engine that protects names (:attr:`protects_names`) answers for names made only of
        words its dictionary knows as ordinary words ("Juegos Olímpicos", "Supreme Court"): masking
        those would copy them untranslated. The default answers none.
        """
        return set()

    def protected_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        """Which of a document's names of several words this engine's own protection (:attr:`protects_names`)
        keeps within a sentence, translating the ordinary words around the name words ("Dalhousie
        University" -> "Universidad de Dalhousie"). Their last word alone is still masked where it
        stands for the name. The default answers none.
        """
        return set()

    def placeholders(self, text: str, spans: Sequence[Any]) -> list[str]:
        """Return one token per span that this engine copies unchanged and ``text`` lacks.

        Used to carry glossary terms through translation. The default suits subword-vocabulary
        models: short codes of capital letters and a digit. Nothing guarantees a neural model
        copies them, so callers check each one came through (see
        :class:`summarize.translate.DocumentTranslator`). Engines that know better override this.
        """
        out: list[str] = []
        n = 0
        while len(out) < len(spans):
            token = f"QX{n}Z"
            if token not in text:
                out.append(token)
            n += 1
        return out


class Summarizer(ABC):
    """Summarizes batches of texts in a given language.

    An engine implements :meth:`summarize_noted`, saying in each summary's notes what concerns that
    summary alone (it was made chunk by chunk, the article was cut); the plain :meth:`summarize` is
    derived from it once, here. An engine written to the plain contract implements :meth:`summarize`
    instead: its summaries have no notes, and its ``warnings`` stay call-level.
    """

    engine: str = "summarizer"
    batch_invariant: bool = False  # as for :attr:`Translator.batch_invariant`

    def load(self) -> None:
        """Make the engine ready; safe to call again."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        if cls.summarize_noted is Summarizer.summarize_noted and cls.summarize is Summarizer.summarize:
            raise TypeError(f"{cls.__name__} implements neither summarize_noted nor summarize")
        return super().__new__(cls)

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        """Summarize each text (written in ``lang``) to about ``length``, with what the user should know of each.

        The one method an engine implements (an engine written to the plain contract implements
        :meth:`summarize` instead: its summaries then have no notes, and its warnings stay call-level).

        Args:
            texts: the articles.
            lang: their language.
            length: how long each summary may be.
            warnings: a list to which the engine appends what concerns the whole call.

        Returns:
            One :class:`Noted` per input, in order.
        """
        return [Noted(t) for t in self.summarize(texts, lang, length, warnings=warnings)]

    def summarize(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[str]:
        """The texts of :meth:`summarize_noted`; each distinct note of its inputs goes to ``warnings`` once."""
        return summaries_said(self.summarize_noted(texts, lang, length, warnings=warnings), warnings)

    def describe(self) -> dict[str, str]:
        """Return ``{"engine": ..., "model": ...}`` for results."""
        return {"engine": self.engine, "model": ""}
