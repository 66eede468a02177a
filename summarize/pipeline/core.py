"""The pipeline: sources in, bilingual results out. One object serves CLI, Python API and Ray.

This module wires the engines to a spec and holds the entry points (run, translate, map, stream)
and the order of the stages over a group of documents (:meth:`Pipeline.process`: detect, names,
near-copies, model work, records). The stages themselves live beside it: :mod:`.stages` (language,
names, the article's translation), :mod:`.summaries` (summaries, their translation and checks),
:mod:`.results` (the records), :mod:`.inputs` (sources checked at the door, results in order).

Example:
    >>> from summarize import Pipeline
    >>> pipeline = Pipeline.from_preset("default", device="cpu")
    >>> [result] = pipeline.run(["examples/oferta-carcel-cecot.es.txt"])
    >>> result.summaries["en"], result.summaries["es"]
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..backends import LengthSpec, Summarizer, Translator, make_summarizer, make_translator
from ..config import DEFAULT_PRESET, PipelineConfig, load_config, validate_config
from ..deadline import DEFAULT_DEADLINE_S
from ..deadline import check as check_deadline
from ..document import Result, Source
from ..errors import ConfigError, SummarizeError
from ..models import require_obtainable
from ..reading.fetch import FetchSettings
from ..reading.reader import Loaded, Reader
from ..registry import Registry
from ..text.glossary import Glossary
from ..text.langid import LanguageIdentifier
from ..text.names import RuleNameFinder, make_name_finder
from .envelope import guarded_read, isolated
from .inputs import checked_sources, in_order
from .results import result_of, reuse
from .scheduler import DEFAULT_BATCH_DOCS, DEFAULT_READ_TIMEOUT_S, DEFAULT_WORKERS, Outcome, process_stream
from .spec import PipelineSpec
from .stages import STAGES, detect, find_names, translate_documents
from .summaries import summarize_documents
from .work import Work, count_langs, work_date, work_key

if TYPE_CHECKING:
    import httpx

    from ..backends.cache import TextCache
    from ..desk.duplicates import DuplicateIndex

__all__ = ["Pipeline", "summarize"]


class Pipeline:
    """Fetch, extract, detect, translate and summarize articles in Spanish and English.

    Built once from one frozen :class:`PipelineSpec` (nothing about it changes afterwards).
    Construction is cheap; models load on first use (or with :meth:`load`) and stay loaded for
    the object's lifetime, so reuse one pipeline for many articles.

    Args:
        spec: what to build; a bare :class:`~summarize.config.PipelineConfig` stands for a spec
            with default fetch limits, no cache and the default registry (it is checked against
            that registry here); ``None`` reads the default preset file.
        transport: an httpx transport used for URLs instead of the network (tests).

    Raises:
        ConfigError: when the configured glossary file is missing or malformed, or a bare
            configuration names an engine or engine setting the registry does not know.
    """

    def __init__(self, spec: PipelineSpec | PipelineConfig | None = None, *,
                 transport: httpx.BaseTransport | None = None) -> None:
        if spec is None:
            spec = PipelineSpec(load_config())
        elif isinstance(spec, PipelineConfig):
            spec = PipelineSpec(spec)
            validate_config(spec.config, spec.registry, where="the configuration given to Pipeline")
        self._spec = spec
        self._reader = Reader(spec.fetch, transport=transport, formats=spec.registry)
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
                    registry: Registry | None = None, **overrides: Any) -> Pipeline:
        """Build a pipeline from a shipped preset name or a TOML path.

        Args:
            preset: ``auto`` (the default), ``default``, ``offline``, ... or a path to a ``.toml`` file.
            fetch: limits for fetching URLs.
            cache_dir: keep translations and summaries in a persistent cache in this folder.
            transport: an httpx transport for URLs (tests).
            registry: the engines and formats to use (default: the built-in ones and the installed
                plugins'); register your own engines in a copy of
                :func:`~summarize.registry.default_registry` and pass it here.
            **overrides: settings accepted by :meth:`PipelineConfig.with_overrides`
                (``device``, ``dtype``, ``threads``, ``batch_size``, ``sentences``, ``words``,
                ``strategy``, ``glossary``, ``compute_type``, ``fast``, ``translator``,
                ``summarizer``).

        A preset with a ``fallback`` (``auto``) becomes its fallback when its models are neither
        cached nor downloadable; :attr:`notes` then says so, and every result records it.

        Raises:
            ConfigError: for an unknown preset, a bad file or a bad override.
        """
        spec = PipelineSpec.from_preset(preset, fetch=fetch, cache_dir=cache_dir, registry=registry, **overrides)
        return cls(spec, transport=transport)

    @property
    def spec(self) -> PipelineSpec:
        """The value this pipeline was built from (a Ray actor builds its own from it)."""
        return self._spec

    @property
    def registry(self) -> Registry:
        """The engines and formats this pipeline looks names up in (frozen; its spec's)."""
        return self._spec.registry

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
            require_obtainable(self.config, "translate", registry=self.registry)
            translator = make_translator(self.config.translate, self.config.runtime, langid=self._langid,
                                         registry=self.registry)
            self._translator = translator if self._cache is None else self._cache.translator(translator)
        return self._translator

    @property
    def summarizer(self) -> Summarizer:
        """The summarization engine (built on first access, loaded on first use), behind the cache if any.

        Raises:
            ModelNotAvailableError: its model is not cached and the hub cannot be reached.
        """
        if self._summarizer is None:
            require_obtainable(self.config, "summarize", registry=self.registry)
            summarizer = make_summarizer(self.config.summarize, self.config.runtime, langid=self._langid,
                                         registry=self.registry)
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
            config = config.with_overrides(sentences=sentences, words=words, registry=self.registry)
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
        return in_order(self.stream(sources, source_lang=source_lang, deadline=deadline))

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
        return in_order(self.stream(sources, source_lang=source_lang, summarize=False, target=to,
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
        parsed = (Source.coerce(s, source_lang) for s in checked_sources(sources))

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
        work: list[tuple[int, Work]] = []
        for i, (source, document, seconds) in enumerate(loaded):
            if isinstance(document, SummarizeError):
                slots[i] = document
                continue
            item = Work(source, document, timings={"load": round(seconds, 4)}, warnings=[*self.notes, *document.warnings])
            item.engines["pipeline"] = {"requested": self.requested, "used": self.config.name}
            try:
                detect(self, item)
            except SummarizeError as exc:
                slots[i] = exc
                continue
            find_names(self, item)
            work.append((i, item))
        copies = {i: m for i, m in ((i, duplicates.check(work_key(w.source), w.document.text, work_date(w))) for i, w in work)
                  if m is not None} if duplicates is not None else {}
        originals = [(i, w) for i, w in work if i not in copies]
        if work:
            STAGES.info("detected the language: %s", count_langs([w for _, w in work]))
        self._model_work([w for _, w in originals], summarize, target)
        for i, item in originals:
            slots[i] = result = self._result(item)
            if duplicates is not None:
                duplicates.keep(work_key(item.source), result.to_dict())
        redo = []
        for i, item in work:
            if i in copies:
                reused = duplicates.work(copies[i].key) if duplicates is not None else None
                if reused is None:  # the original failed: this copy does its own work
                    redo.append((i, item))
                else:
                    slots[i] = reuse(self._result(item), copies[i].key, copies[i].similarity, reused)
        self._model_work([w for _, w in redo], summarize, target)
        for i, item in redo:
            slots[i] = self._result(item)
        return slots  # type: ignore[return-value]
    def _model_work(self, items: list[Work], summarize: bool, target: str | None) -> None:
        if not items:
            return
        check_deadline("before translation")
        translate_documents(self, items, target)
        if summarize:
            check_deadline("before the summary")
            summarize_documents(self, items)

    def _result(self, item: Work) -> Result:
        return result_of(item, self.translator.confidence)


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
