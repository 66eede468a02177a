"""Batch runs: many inputs, one JSONL record per input, resumable, locally or on Ray.

Example:
    >>> from summarize import Pipeline
    >>> from summarize.batch import BatchOptions, run_batch
    >>> pipeline = Pipeline.from_preset("default")
    >>> summary = run_batch(["examples/manifest.jsonl"], pipeline, BatchOptions("out.jsonl", resume=True))
    >>> summary.line()

Each input ends up with exactly one line in the output: its :class:`~summarize.document.Result`
(with ``id`` and ``content_hash``), or ``{"id", "source", "error": {"type", "message", "hint"}}``.
Records are appended as inputs finish, so a run stopped at any moment (Ctrl-C, SIGKILL, power cut)
is completed by running it again with ``resume=True`` (see :mod:`summarize.jsonl` for how the file
stays consistent).
"""

from __future__ import annotations

import glob
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..deadline import DEFAULT_DEADLINE_S
from ..desk.batch import BatchDesk
from ..document import Source
from ..errors import BatchError, ConfigError
from ..pipeline.scheduler import DEFAULT_BATCH_DOCS, DEFAULT_READ_TIMEOUT_S, DEFAULT_WORKERS
from ..reading.manifest import expand_inputs
from ..reading.reader import DEFAULT_PER_HOST
from ..registry import Registry, given_or_default
from ..signals import exit_status, graceful
from ..typecheck import Mismatch, conform, field_types
from .journal import FAILED, Journal, record_status

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["EXIT_SOME_FAILED", "BatchOptions", "BatchSummary", "engine_options", "run_batch"]

EXIT_SOME_FAILED = 8
SYNC_INTERVAL_S = 2.0  # fsync at most this often while records stream in, and always at the end


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run writes, resumes and spreads its work.

    Attributes:
        output: the JSONL output file.
        resume: keep the records already in ``output`` and do only the inputs without one.
        retry_failed: with ``resume``, also redo the inputs whose record is an error.
        overwrite: empty ``output`` first.
        batch_docs: documents per model group (sentences and summaries batch across them).
        workers: threads that read inputs (fetch, extract).
        per_host: concurrent requests to one host.
        read_timeout: seconds reading one input may take before it gets an error record.
        deadline: seconds one input may take, reading and model work together (``None``: no limit
            on model work); see :meth:`summarize.Pipeline.stream`.
        progress: draw a progress bar on stderr.
        engine: a batch engine of the pipeline's registry (``local``, ``ray``, a plugin's).
        engine_options: that engine's own settings, an instance of its declared options dataclass
            (``ray``: :class:`~summarize.batch.ray.RayOptions`); ``None``: its defaults. Build one
            from strings or a mapping with :func:`engine_options`.
        source_lang: the language of every input that does not name its own (skips detection).
        digest: after the run, write the story digest of the whole output here.
        digest_format: ``json``, ``markdown`` or ``html`` (default: from ``digest``'s suffix).
        since: feeds expand only into entries published on or after this date (``YYYY-MM-DD``).
    """

    output: str
    resume: bool = False
    retry_failed: bool = False
    overwrite: bool = False
    batch_docs: int = DEFAULT_BATCH_DOCS
    workers: int = DEFAULT_WORKERS
    per_host: int = DEFAULT_PER_HOST
    read_timeout: float = DEFAULT_READ_TIMEOUT_S
    deadline: float | None = DEFAULT_DEADLINE_S
    progress: bool = False
    engine: str = "local"
    engine_options: Any = None
    source_lang: str | None = None
    digest: str | None = None
    digest_format: str | None = None
    since: str | None = None

    def validate(self, registry: Registry | None = None) -> None:
        """Raise :class:`ConfigError` for contradictory or out-of-range settings.

        ``registry`` holds the batch engines (default: the built-in ones and plugins'); the engine
        must be one of them and ``engine_options`` an instance of its options dataclass.
        """
        if self.overwrite and (self.resume or self.retry_failed):
            raise ConfigError("--overwrite cannot be combined with --resume or --retry-failed",
                              hint="--overwrite starts again from nothing; --resume continues.")
        registry = given_or_default(registry)
        _check_engine_options(registry, self.engine, self.engine_options)
        for name in ("batch_docs", "workers", "per_host"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.read_timeout <= 0:
            raise ConfigError(f"read_timeout must be positive, not {self.read_timeout}")
        if self.digest:
            from ..desk.command import format_for

            format_for(self.digest, self.digest_format, registry)
        if self.since:
            from ..reading.feeds import parse_since

            parse_since(self.since)
        if self.deadline is not None and self.deadline <= 0:
            raise ConfigError(f"deadline must be positive, not {self.deadline}")

    @property
    def mode(self) -> str:
        """How the output file is opened (see :class:`~summarize.jsonl.Journal`)."""
        if self.overwrite:
            return "overwrite"
        return "resume" if self.resume or self.retry_failed else "new"


def engine_options(engine: str, values: Mapping[str, Any], registry: Registry | None = None) -> Any:
    """The settings of batch engine ``engine`` from ``values`` (a mapping or ``KEY=VALUE`` strings' pairs).

    Each value is checked against the engine's options dataclass (a TOML-like value: ``8``,
    ``0.5``, ``true``, ``"auto"``; a string from the command line is read as TOML first, so
    ``workers=8`` is a number); ``validate()`` runs when the dataclass has one.

    Returns:
        The instance to put in :attr:`BatchOptions.engine_options` (``None`` with no values).

    Raises:
        ConfigError: an unknown engine, a setting it does not declare (the message lists those it
            does), or a value of the wrong type or out of range.
    """
    if not values:
        return None
    info = given_or_default(registry).batch_engine(engine)
    cls = info.options_type()
    fields = field_types(cls) if cls is not None else {}
    conformed: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"the {engine} batch engine has no setting {key!r}",
                              hint=f"Its settings: {', '.join(fields) or 'none'}.")
        conformed[key] = _conformed_setting(engine, key, value, fields[key])
    assert cls is not None
    try:
        options = cls(**conformed)
    except TypeError as exc:  # a setting the dataclass requires and no one gave
        raise ConfigError(f"the {engine} batch engine's settings are incomplete: {exc}",
                          hint=_SETTINGS_HINT) from None
    _validated(options, engine)
    return options


_SETTINGS_HINT = "Give the batch engine's settings as -E KEY=VALUE (Python: summarize.batch.engine_options)."


def _conformed_setting(engine: str, key: str, value: Any, annotation: Any) -> Any:
    """One setting as its field holds it: a command-line string is read as TOML first (``8``, ``0.5``,
    ``true``, ``["a"]``), then as the string itself (``-E queue=42`` for a string setting); an empty
    string is "none" for a setting that may be none."""
    candidates = [value]
    if isinstance(value, str):
        import tomllib

        try:
            candidates.insert(0, tomllib.loads(f"v = {value}")["v"])
        except tomllib.TOMLDecodeError:
            pass
        if not value.strip():
            candidates.append(None)
    first: Mismatch | None = None
    for candidate in candidates:
        try:
            return conform(candidate, annotation)
        except Mismatch as exc:
            first = first or exc
    assert first is not None
    raise ConfigError(f"{key!r} of the {engine} batch engine must be {first.expected}, not {candidates[0]!r}",
                      hint=_SETTINGS_HINT)


def _check_engine_options(reg: Registry, engine: str, options: Any) -> None:
    info = reg.batch_engine(engine)
    if options is None:
        return
    cls = info.options_type()
    if cls is None or not isinstance(options, cls):
        wanted = f"a {cls.__module__}.{cls.__qualname__}" if cls is not None else "None (it has no settings)"
        raise ConfigError(f"engine_options of the {engine} batch engine must be {wanted}, "
                          f"not {type(options).__name__}",
                          hint="Build them with summarize.batch.engine_options(engine, {...}).")
    for key, annotation in field_types(cls).items():
        try:
            conform(getattr(options, key), annotation)
        except Mismatch as exc:
            raise ConfigError(f"{key!r} of the {engine} batch engine must be {exc.expected}, "
                              f"not {getattr(options, key)!r}") from None
    _validated(options, engine)


def _validated(options: Any, engine: str) -> None:
    try:
        if hasattr(options, "validate"):
            options.validate()
    except ValueError as exc:
        raise ConfigError(f"the {engine} batch engine: {exc}") from None


@dataclass
class BatchSummary:
    """What a batch run did.

    Attributes:
        output: the output file.
        total: inputs named.
        done: inputs that succeeded in this run.
        failed: inputs that failed in this run.
        skipped: inputs that already had a record.
        kept_failures: of those, records that are errors (``retry_failed`` redoes them).
        seconds: wall time.
        interrupted: the run stopped early (a signal, or ``stop`` set); resume it to finish.
        repaired: torn last lines cut from the output before starting.
        stop_signal: the signal that stopped the run (``SIGINT``, ``SIGTERM``, ``SIGHUP``), or
            ``None`` when none came (``stop`` set from another thread counts as Ctrl-C).
    """

    output: str
    total: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    kept_failures: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    repaired: int = 0
    stop_signal: int | None = None

    @property
    def per_minute(self) -> float:
        """Inputs processed (succeeded or failed) per minute of wall time in this run."""
        return (self.done + self.failed) * 60.0 / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """128 + the signal's number when one stopped the run early (130 Ctrl-C, 143 SIGTERM, 129
        SIGHUP: the shell's convention), else 0 when every input's record is a success and
        :data:`EXIT_SOME_FAILED` when some are errors."""
        if self.interrupted:
            return exit_status(self.stop_signal or signal.SIGINT)
        return EXIT_SOME_FAILED if self.failed or self.kept_failures else 0

    def line(self) -> str:
        """One line for stderr: counts, wall time and rate."""
        text = (f"done {self.done}, failed {self.failed}, skipped {self.skipped} of {self.total} "
                f"in {self.seconds:.1f} s ({self.per_minute:.1f} articles a minute)")
        if self.kept_failures:
            text += f"; {self.kept_failures} earlier failure(s) kept (--retry-failed redoes them)"
        return text


def run_batch(
    inputs: Sequence[str],
    pipeline: Pipeline,
    options: BatchOptions,
    *,
    log: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> BatchSummary:
    """Process every input into one record of ``options.output``.

    Args:
        inputs: directories, globs, list files, manifests, paths, URLs
            (see :func:`summarize.manifest.expand_inputs`).
        pipeline: does the work (with the ``ray`` engine, its spec is what the actors build
            theirs from).
        options: output, resume and engine settings.
        log: where short notices go (a torn line repaired, stopping on a signal); default: nowhere.
        stop: set it (from another thread) to stop as Ctrl-C does. In the main thread, the first
            SIGINT, SIGTERM or SIGHUP sets it (the group in the models finishes and is written); a
            second one stops at once. A signal the process ignores (``nohup``) stays ignored.

    Returns:
        The run's counts; ``interrupted`` (and ``stop_signal``) when it stopped early.

    Raises:
        ConfigError: contradictory options.
        InputError: a manifest that cannot be read as a whole (a single bad entry is only that
            entry's error record) or a glob that matches nothing.
        BatchError: the output is one of the inputs or inside an input folder, is locked by
            another run, not empty without resume/overwrite, damaged before its last line, or
            cannot be written.
        SummarizeError: a failure that stops every input alike (missing model, device); the
            records written before it stay valid.
    """
    options.validate(pipeline.registry)
    notice = log or (lambda _: None)
    _refuse_output_among(options.output, inputs)  # before reading them: the output may be a manifest
    sources = expand_inputs(inputs, since=_since(options), fetch=_feed_fetcher(pipeline), formats=pipeline.registry)
    _refuse_output_among(options.output, [s.value for s in sources if s.kind == "file"], expanded=True)
    stop = stop or threading.Event()
    start = time.monotonic()
    summary = BatchSummary(output=options.output, total=len(sources))
    with Journal(options.output, mode=options.mode) as journal:
        if journal.repaired:
            notice(f"repaired {options.output}: cut a torn last line (that input will be redone)")
        todo = _plan(sources, journal, options, summary)
        desk = BatchDesk.resume(journal.records())
        with _progress(len(todo), options.progress) as bar, graceful(stop, notice) as received:
            last_sync = time.monotonic()
            try:
                for record in _records(todo, pipeline, options, stop.is_set, desk):
                    journal.append(desk.annotate(record))
                    if record_status(record) == FAILED:
                        summary.failed += 1
                    else:
                        summary.done += 1
                    bar.update(1)
                    bar.set_postfix(failed=summary.failed, refresh=False)
                    if time.monotonic() - last_sync > SYNC_INTERVAL_S:
                        journal.sync()
                        last_sync = time.monotonic()
            except KeyboardInterrupt:
                stop.set()
        summary.interrupted = stop.is_set() and summary.done + summary.failed < len(todo)
        summary.stop_signal = received[0] if received else None
    if options.digest and not summary.interrupted:
        from ..desk.command import write_digest

        write_digest(options.output, options.digest, options.digest_format, pipeline.registry)
    summary.seconds = time.monotonic() - start
    return summary


def _since(options: BatchOptions) -> Any:
    if not options.since:
        return None
    from ..reading.feeds import parse_since

    return parse_since(options.since)


def _feed_fetcher(pipeline: Pipeline) -> Callable[[str], bytes]:
    """Download a feed URL with the pipeline's fetch limits and transport, within the per-host limit."""
    reader = pipeline.reader

    def fetch_feed(url: str) -> bytes:
        from ..reading.fetch import fetch

        with reader.limiter.hold(url):
            return fetch(url, reader.settings, transport=reader.transport,
                         media_types=reader.formats.media_types()).content

    return fetch_feed


def _refuse_output_among(output: str, paths: Sequence[str], *, expanded: bool = False) -> None:
    """Refuse an output that is one of ``paths`` or lies inside a folder among them.

    Writing records into a file the run reads (a manifest, a list, an article) destroys the input
    and feeds the records back in on a resume; an output inside a scanned folder is picked up as an
    article by a later run (when its suffix is one the folder scan takes) and is a mistake anyway.
    Paths are compared resolved (symlinks, ``..``, relative spellings) and, where both exist, by
    inode (hard links).

    Args:
        output: the output file, as given.
        paths: raw inputs (what does not exist as a path is a URL, a glob, or a missing file: a glob
            is matched here for the folders it names) or, with ``expanded``, the article files.
        expanded: ``paths`` are the expanded sources' files, compared as files only.

    Raises:
        BatchError: the output is one of the paths, or inside one of the folders.
    """
    real = os.path.realpath(output)
    try:
        out_stat: os.stat_result | None = os.stat(real)
    except OSError:
        out_stat = None  # not written yet: the resolved path alone decides
    for raw in paths:
        matches = [raw] if expanded or os.path.exists(raw) else glob.glob(raw, recursive=True)
        for path in matches:
            if not expanded and os.path.isdir(path):
                if _inside(real, os.path.realpath(path)):
                    raise BatchError(
                        f"the output {output} is inside the input folder {raw}, which the run scans for articles",
                        hint="Write the output outside the input folders, e.g. -o results.jsonl next to the folder.",
                    )
            elif os.path.realpath(path) == real or (out_stat is not None and _same_file(out_stat, path)):
                raise BatchError(
                    f"the output {output} is also an input ({path}): the run would write its records into "
                    "what it reads",
                    hint="Write the output to another file with -o.",
                )


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # Windows: on different drives
        return False


def _same_file(stat: os.stat_result, path: str) -> bool:
    try:
        return os.path.samestat(stat, os.stat(path))
    except OSError:
        return False


def _plan(sources: list[Source], journal: Journal, options: BatchOptions, summary: BatchSummary) -> list[Source]:
    """Decide what to do: drop failures to retry, skip inputs with a record."""
    ids = [s.id for s in sources]
    if options.retry_failed:
        journal.drop(i for i in ids if journal.statuses.get(str(i)) == FAILED)
    todo = [s for s in sources if s.id not in journal.statuses]
    if options.source_lang:
        todo = [Source.coerce(s, options.source_lang) for s in todo]
    summary.skipped = len(sources) - len(todo)
    summary.kept_failures = sum(1 for i in ids if journal.statuses.get(str(i)) == FAILED)
    summary.repaired = journal.repaired
    return todo


def _records(todo: list[Source], pipeline: Pipeline, options: BatchOptions,
             stop: Callable[[], bool], desk: BatchDesk) -> Iterator[dict[str, Any]]:
    engine = pipeline.registry.batch_engine(options.engine)
    run = engine.load()
    if engine.reuses_duplicates:  # the engine can give a near-copy its original's work
        records: Iterator[dict[str, Any]] = run(todo, pipeline, options, stop, duplicates=desk.duplicates)
    else:
        records = run(todo, pipeline, options, stop)
    return records


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    from tqdm import tqdm

    bar = tqdm(total=total, disable=not enabled, file=sys.stderr, unit="article", dynamic_ncols=True,
               smoothing=0.1, desc="summarize")
    try:
        yield bar
    finally:
        bar.close()
