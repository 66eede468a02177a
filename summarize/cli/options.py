"""The options commands share, the choices they offer, and building the pipeline they ask for.

The names an option offers (engines, output and digest formats, batch engines) are read from the
invocation's registry (:func:`current_registry`) when the option is used or its help is shown,
never at import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..config import COMPUTE_TYPES, DEFAULT_PRESET

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = [
    "BATCH_ENGINE_CHOICE",
    "DEADLINE_OPTION",
    "DIGEST_FORMAT_CHOICE",
    "FORMAT_CHOICE",
    "LANG_CHOICE",
    "SUMMARIZER_CHOICE",
    "TRANSLATOR_CHOICE",
    "build_pipeline",
    "cache_folder",
    "cache_options",
    "current_registry",
    "debug_log",
    "pipeline_options",
    "summary_options",
]

_REGISTRY_KEY = "summarize.registry"

LANG_CHOICE = click.Choice(["es", "en"])


class RegistryChoice(click.Choice):  # type: ignore[type-arg]
    """A choice whose values are the registry's names of one kind, looked up when needed."""

    def __init__(self, names: Callable[[], Sequence[str]]) -> None:
        self._names = names
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, _: Any) -> None:
        pass


def current_registry() -> Registry:
    """The registry of this invocation: the one ``main(registry=...)`` (or ``invoke(..., obj=...)``) gave,
    else the default one, built once per invocation and kept in the root context."""
    from ..registry import Registry, default_registry

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return default_registry()
    root = ctx.find_root()
    if isinstance(root.obj, Registry):
        return root.obj
    reg = root.meta.get(_REGISTRY_KEY)
    if reg is None:
        reg = root.meta[_REGISTRY_KEY] = default_registry()
    return reg  # type: ignore[no-any-return]


FORMAT_CHOICE = RegistryChoice(lambda: current_registry().output_format_names())
TRANSLATOR_CHOICE = RegistryChoice(lambda: current_registry().engine_names("translate"))
SUMMARIZER_CHOICE = RegistryChoice(lambda: current_registry().engine_names("summarize"))
BATCH_ENGINE_CHOICE = RegistryChoice(lambda: current_registry().batch_engine_names())
DIGEST_FORMAT_CHOICE = RegistryChoice(lambda: current_registry().digest_format_names())


def pipeline_options(func: Callable[..., Any] | None = None, *, formats: bool = True, source_lang: bool = True) -> Any:
    if func is None:  # used as @pipeline_options(formats=False)
        return functools.partial(pipeline_options, formats=formats, source_lang=source_lang)
    options = [
        click.option("-p", "--pipeline", "preset", default=DEFAULT_PRESET, show_default=True, envvar="SUMMARIZE_PIPELINE",
                     help="Preset name or path to a pipeline .toml file."),
        click.option("--source-lang", type=LANG_CHOICE, help="Skip language detection: the article is in this language."),
        click.option("--device", envvar="SUMMARIZE_DEVICE", help="auto, cpu, cuda, cuda:N or mps."),
        click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), envvar="SUMMARIZE_DTYPE"),
        click.option("--batch-size", type=click.IntRange(min=1), envvar="SUMMARIZE_BATCH_SIZE",
                     help="Sentences (translation) or texts (summaries) per model call."),
        click.option("--threads", type=click.IntRange(min=1), envvar="SUMMARIZE_THREADS",
                     help="CPU threads for models (default: the physical cores)."),
        click.option("--glossary", envvar="SUMMARIZE_GLOSSARY", metavar="FILE",
                     help="Fixed renderings: a TSV file, Spanish term<TAB>English term, used in both directions."),
        click.option("--translator", type=TRANSLATOR_CHOICE, envvar="SUMMARIZE_TRANSLATOR",
                     help="Translation engine instead of the preset's."),
        click.option("--summarizer", type=SUMMARIZER_CHOICE, envvar="SUMMARIZE_SUMMARIZER",
                     help="Summarization engine instead of the preset's."),
        click.option("--fast", is_flag=True, envvar="SUMMARIZE_FAST",
                     help="Run the preset's models on CTranslate2 (converted once and cached; needs summarize[fast])."),
        click.option("--compute-type", type=click.Choice(list(COMPUTE_TYPES)), envvar="SUMMARIZE_COMPUTE_TYPE",
                     help="CTranslate2 precision (default auto: int8 on CPU, int8_float16 on GPU)."),
        click.option("--allow-private", is_flag=True, help="Allow fetching URLs on local or private networks."),
        click.option("--max-bytes", type=click.IntRange(min=1), help="Largest page to download, in bytes."),
        click.option("--debug", is_flag=True, envvar="SUMMARIZE_DEBUG",
                     help="Print the traceback of any unexpected error on stderr (the input still gets its error)."),
        click.option("-v", "--verbose", is_flag=True, help="Also show how long each stage took, on stderr."),
        click.option("-q", "--quiet", is_flag=True, help="No progress messages or warnings on stderr."),
    ]
    if formats:
        options.insert(-2, click.option("-f", "--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True))
    if not source_lang:
        options.pop(1)
    for option in reversed(options):
        func = option(func)
    return func


def cache_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--cache-dir", type=click.Path(file_okay=False), envvar="SUMMARIZE_CACHE_DIR",
                     help="Folder of the translation cache (default: the user cache folder)."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the translation cache."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def cache_folder(cache_dir: str | None, no_cache: bool) -> str | None:
    """The cache folder the options ask for (``None``: no cache)."""
    from ..backends.cache import default_cache_dir

    return None if no_cache else str(cache_dir or default_cache_dir())


def build_pipeline(preset: str, *, allow_private: bool, max_bytes: int | None, quiet: bool,
                    cache_dir: str | None = None, debug: bool = False, verbose: bool = False,
                    stages: bool = False, roles: Sequence[str] = ("translate", "summarize"), **overrides: Any) -> Any:
    """The pipeline the options ask for, its models known to be cached or downloadable for ``roles``.

    A model that is neither fails here, in a second, before any article is read or torch imported.
    """
    from ..backends.checkpoints import quiet_transformers
    from ..models import require_obtainable
    from ..pipeline import Pipeline, PipelineSpec
    from ..reading.fetch import FetchSettings

    debug_log(debug)
    quiet_transformers()
    fetch = FetchSettings(allow_private=allow_private, **({"max_bytes": max_bytes} if max_bytes else {}))
    pipeline = Pipeline(PipelineSpec.from_preset(preset, fetch=fetch, cache_dir=cache_dir,
                                                 registry=current_registry(), **overrides))
    for role in roles:
        require_obtainable(pipeline.config, role, registry=pipeline.registry)
    stage_log(stages and not quiet)
    if quiet:
        return pipeline
    from ..doctor import describe_device, unused_runtime_options

    for note in pipeline.notes:
        click.echo(f"summarize: {note}", err=True)
    given = {k: overrides.get(k) for k in ("device", "dtype")}
    for option in unused_runtime_options(pipeline.config, given, registry=pipeline.registry):
        click.echo(f"warning: {option}", err=True)
    click.echo(f"summarize: pipeline {pipeline.config.name!r}: "
               f"{describe_device(pipeline.config, registry=pipeline.registry)}", err=True)
    return pipeline


def stage_log(on: bool) -> None:
    """The pipeline's one-line stage messages (``summarize.stages``) on stderr, for single runs, or off."""
    import logging
    import sys

    log = logging.getLogger("summarize.stages")
    if not on:
        for handler in [h for h in log.handlers if getattr(h, "_summarize_stages", False)]:
            log.removeHandler(handler)
        return
    if not any(getattr(h, "_summarize_stages", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("summarize: %(message)s"))
        handler._summarize_stages = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    for handler in log.handlers:  # click's test runner swaps sys.stderr between invocations
        if isinstance(handler, logging.StreamHandler) and getattr(handler, "_summarize_stages", False):
            handler.setStream(sys.stderr)
    log.setLevel(logging.INFO)
    log.propagate = False  # --debug's handler on "summarize" would say each line twice


def debug_log(debug: bool) -> None:
    """With --debug, the ``summarize`` logger (tracebacks of unexpected errors) prints on stderr."""
    if not debug:
        return
    import logging

    log = logging.getLogger("summarize")
    if not any(getattr(h, "_summarize_debug", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("summarize: %(levelname)s %(message)s"))
        handler._summarize_debug = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.DEBUG)


def summary_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--sentences", type=click.IntRange(min=1), envvar="SUMMARIZE_SENTENCES", help="Summary length in sentences (instead of the word budget)."),
        click.option("--words", type=click.IntRange(min=1), help="Summary word budget, filled with whole sentences (default 60; wins over --sentences)."),
        click.option("--strategy", type=click.Choice(["pivot", "source"]), help="Summarize in English (pivot) or in the article's language (source)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


DEADLINE_OPTION = click.option(
    "--deadline", type=click.FloatRange(min=0.1), default=600.0, show_default=True, envvar="SUMMARIZE_DEADLINE",
    help="Seconds one input may take, reading and model work together; past them it gets an error record.")

