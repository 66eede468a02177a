"""The ``summarize`` command line: thin wrappers that build a config, call the library, print.

Only this module imports Click. Data goes to stdout; progress, warnings and errors to stderr.
The names the options offer (engines, output formats, batch engines) are read from
:mod:`summarize.registry` when an option is used or its help is shown, never at import.

The pipeline options (``-q``, ``-v``, ``--pipeline``, ``--device``, ...) may come before the
subcommand or after it (``summarize -q translate FILE``): :class:`_OptionsFirst` moves them after
the subcommand's name, so a new command gets them by using :func:`_pipeline_options`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

import click
from click_default_group import DefaultGroup

from ._version import __version__
from .config import COMPUTE_TYPES, DEFAULT_PRESET
from .errors import SummarizeError

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


def _registry() -> Any:
    from .registry import registry

    return registry()


FORMAT_CHOICE = RegistryChoice(lambda: _registry().output_format_names())
TRANSLATOR_CHOICE = RegistryChoice(lambda: _registry().engine_names("translate"))
SUMMARIZER_CHOICE = RegistryChoice(lambda: _registry().engine_names("summarize"))
BATCH_ENGINE_CHOICE = RegistryChoice(lambda: _registry().batch_engine_names())
DIGEST_FORMAT_CHOICE = RegistryChoice(lambda: _registry().digest_format_names())


class UserError(click.ClickException):
    """A :class:`SummarizeError` shown as a clean message with its class's exit code."""

    def __init__(self, error: SummarizeError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SummarizeError as exc:
            raise UserError(exc) from exc

    return wrapper


def _pipeline_options(func: Callable[..., Any] | None = None, *, formats: bool = True, source_lang: bool = True) -> Any:
    if func is None:  # used as @_pipeline_options(formats=False)
        return functools.partial(_pipeline_options, formats=formats, source_lang=source_lang)
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


def _cache_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--cache-dir", type=click.Path(file_okay=False), envvar="SUMMARIZE_CACHE_DIR",
                     help="Folder of the translation cache (default: the user cache folder)."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the translation cache."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _cache_folder(cache_dir: str | None, no_cache: bool) -> str | None:
    """The cache folder the options ask for (``None``: no cache)."""
    from .backends.cache import default_cache_dir

    return None if no_cache else str(cache_dir or default_cache_dir())


def _build_pipeline(preset: str, *, allow_private: bool, max_bytes: int | None, quiet: bool,
                    cache_dir: str | None = None, debug: bool = False, verbose: bool = False,
                    stages: bool = False, roles: Sequence[str] = ("translate", "summarize"), **overrides: Any) -> Any:
    """The pipeline the options ask for, its models known to be cached or downloadable for ``roles``.

    A model that is neither fails here, in a second, before any article is read or torch imported.
    """
    from .backends.checkpoints import quiet_transformers
    from .models import require_obtainable
    from .pipeline import Pipeline, PipelineSpec
    from .reading.fetch import FetchSettings

    _debug_log(debug)
    quiet_transformers()
    fetch = FetchSettings(allow_private=allow_private, **({"max_bytes": max_bytes} if max_bytes else {}))
    pipeline = Pipeline(PipelineSpec.from_preset(preset, fetch=fetch, cache_dir=cache_dir, **overrides))
    for role in roles:
        require_obtainable(pipeline.config, role)
    _stage_log(stages and not quiet)
    if quiet:
        return pipeline
    from .doctor import describe_device, unused_runtime_options

    for note in pipeline.notes:
        click.echo(f"summarize: {note}", err=True)
    for option in unused_runtime_options(pipeline.config, {k: overrides.get(k) for k in ("device", "dtype")}):
        click.echo(f"warning: {option}", err=True)
    click.echo(f"summarize: pipeline {pipeline.config.name!r}: {describe_device(pipeline.config)}", err=True)
    return pipeline


def _stage_log(on: bool) -> None:
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


def _debug_log(debug: bool) -> None:
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


def _emit(results: list[Any], fmt: str, *, quiet: bool, with_translation: bool = False,
          already_said: list[str] | None = None, output: str | None = None, verbose: bool = False) -> None:
    """Print (or write to ``output``) the results; warnings and timings go to stderr.

    Markdown documents list their warnings themselves, so they are not said twice.
    """
    from .render import render

    text = render(results, fmt, with_translation=with_translation)
    if output is None:
        click.echo(text)
    else:
        _write_output(output, text)
    if quiet:
        return
    if fmt != "markdown":
        for result in results:
            for warning in result.warnings:
                if warning not in (already_said or []):
                    click.echo(f"warning: {result.source}: {warning}", err=True)
    if verbose:
        for result in results:
            steps = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in result.timings.items())
            click.echo(f"summarize: {result.source}: took {steps}", err=True)
    if output is not None:
        click.echo(f"summarize: wrote {output}", err=True)


def _write_output(output: str, text: str) -> None:
    """Write the rendered results to ``output`` (whole, or not at all).

    Raises:
        BatchError: the file cannot be written.
    """
    import os
    import tempfile
    from pathlib import Path

    from .errors import BatchError

    path = Path(output)
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         delete=False) as handle:
            handle.write(text + "\n")
        os.replace(handle.name, path)
    except OSError as exc:
        raise BatchError(f"cannot write {output}: {exc.strerror or exc}",
                         hint="Check that its folder exists and is writable.") from exc


def _format_for(output: str | None, fmt: str) -> str:
    """The format to write: ``-f`` when given, else the one ``output``'s suffix names.

    Raises:
        ConfigError: ``output`` has a suffix no format is written as.
    """
    from pathlib import Path

    from click.core import ParameterSource

    from .errors import ConfigError

    ctx = click.get_current_context()
    if output is None or ctx.get_parameter_source("fmt") != ParameterSource.DEFAULT:
        return fmt
    suffix = Path(output).suffix
    if not suffix:
        return fmt
    found = _registry().output_format_for_suffix(suffix)
    if found is None:
        known = ", ".join(s for name in _registry().output_format_names()
                          for s in _registry().output_format(name).suffixes)
        raise ConfigError(f"cannot tell the output format from the suffix {suffix!r} of {output}",
                          hint=f"Pass -f/--format, or name the file with one of: {known}.")
    return str(found.name)


def _leading_options(args: list[str]) -> tuple[list[str], list[str]]:
    """Split ``args`` into the pipeline options that lead them and the rest."""
    def probe() -> None:
        pass

    _cache_options(_summary_options(_pipeline_options(probe)))
    takes_value = {opt: not param.is_flag for param in probe.__click_params__  # type: ignore[attr-defined]
                   for opt in (*param.opts, *param.secondary_opts)}
    i = 0
    while i < len(args):
        name = args[i].split("=", 1)[0]
        if name not in takes_value:
            break
        i += 2 if takes_value[name] and "=" not in args[i] else 1
    return args[:i], args[i:]


class _OptionsFirst:
    """A group that takes the pipeline options before the subcommand's name too.

    ``summarize -q translate FILE`` is read as ``summarize translate -q FILE``; before a group
    (``summarize -q eval translate ...``) they travel on to its subcommand.
    """

    commands: dict[str, click.Command]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        leading, rest = _leading_options(list(args))
        if leading:
            if rest and rest[0] in self.commands:
                args = [rest[0], *leading, *rest[1:]]
            elif getattr(self, "default_cmd_name", None):
                args = [self.default_cmd_name, *leading, *rest]  # type: ignore[attr-defined]
        return super().parse_args(ctx, args)  # type: ignore[misc, no-any-return]


class _Group(_OptionsFirst, DefaultGroup):
    """The top-level group: a default command, options before or after the subcommand."""


class _SubGroup(_OptionsFirst, click.Group):
    """A command group whose subcommands take the pipeline options before their names too."""


@click.group(cls=_Group, default="run", default_if_no_args=False)
@click.version_option(__version__, prog_name="summarize")
def cli() -> None:
    """Translate and summarize Spanish and English news articles.

    SOURCE is a URL, a .txt/.md/.html file, or - for stdin. 'summarize SOURCE' is short for
    'summarize run SOURCE'. Options such as -q, -v, --pipeline and --device go before or after
    the command. 'summarize doctor' says what will run on this machine.

    Shell completion: eval "$(_SUMMARIZE_COMPLETE=bash_source summarize)" in ~/.bashrc
    (zsh_source for zsh, fish_source for fish).
    """


def _summary_options(func: Callable[..., Any]) -> Callable[..., Any]:
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


@cli.command()
@click.argument("source")
@_pipeline_options
@_summary_options
@_cache_options
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to FILE instead of stdout (format from its suffix unless -f is given).")
@click.option("--translation/--no-translation", "with_translation", default=False,
              help="Also print the full translation in text/markdown output.")
@DEADLINE_OPTION
@_user_errors
def run(source: str, preset: str, source_lang: str | None, fmt: str, quiet: bool, verbose: bool,
        with_translation: bool, output: str | None, cache_dir: str | None, no_cache: bool, allow_private: bool,
        max_bytes: int | None, deadline: float, **overrides: Any) -> None:
    """Summarize SOURCE in English and Spanish and translate it."""
    fmt = _format_for(output, fmt)
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               verbose=verbose, stages=True, cache_dir=_cache_folder(cache_dir, no_cache), **overrides)
    _say_reading(source, quiet)
    results = pipeline.run([source], source_lang=source_lang, deadline=deadline)
    _emit(results, fmt, quiet=quiet, with_translation=with_translation, already_said=pipeline.notes, output=output,
          verbose=verbose)


@cli.command()
@click.argument("source")
@click.option("--to", "target", type=LANG_CHOICE, help="Target language (default: the other one).")
@_pipeline_options
@_cache_options
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to FILE instead of stdout (format from its suffix unless -f is given).")
@DEADLINE_OPTION
@_user_errors
def translate(source: str, target: str | None, preset: str, source_lang: str | None, fmt: str, quiet: bool,
              verbose: bool, output: str | None, cache_dir: str | None, no_cache: bool, allow_private: bool,
              max_bytes: int | None, deadline: float, **overrides: Any) -> None:
    """Translate SOURCE into the other language (or --to)."""
    fmt = _format_for(output, fmt)
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               verbose=verbose, stages=True, cache_dir=_cache_folder(cache_dir, no_cache),
                               roles=("translate",), **overrides)
    _say_reading(source, quiet)
    results = pipeline.translate([source], to=target, source_lang=source_lang, deadline=deadline)
    _emit(results, fmt, quiet=quiet, already_said=pipeline.notes, output=output, verbose=verbose)


def _say_reading(source: str, quiet: bool) -> None:
    if not quiet:
        click.echo(f"summarize: reading {'stdin' if source == '-' else source}", err=True)


@cli.group(cls=_SubGroup)
def models() -> None:
    """List and download the models the presets use."""


@models.command("list")
@click.argument("presets", nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_user_errors
def models_list(presets: tuple[str, ...], fmt: str) -> None:
    """Show each preset's models, whether they are cached, and their licence.

    PRESETS are preset names or .toml files (default: every shipped preset).
    """
    from dataclasses import asdict

    from .models import list_models

    infos = list_models(list(presets) or None)
    if fmt == "json":
        click.echo(json.dumps([asdict(i) for i in infos], indent=2))
        return
    rows = [("PRESET", "ROLE", "MODEL", "CACHED", "LICENCE")]
    rows += [(i.preset, i.role, i.model, "yes" if i.cached else "no", i.licence) for i in infos]
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row[:4])) + "  " + row[4])


@models.command("pull")
@click.argument("preset", default=DEFAULT_PRESET)
@_user_errors
def models_pull(preset: str) -> None:
    """Download PRESET's models into the Hugging Face cache."""
    from .models import pull

    fetched = pull(preset)
    click.echo(f"downloaded {len(fetched)} model(s) for {preset}" + (": " + ", ".join(fetched) if fetched else ""))


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--gguf", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A GGUF file for llama.cpp's two-token check (default: the first a preset names that is here).")
@_user_errors
def doctor(fmt: str, gguf: str | None) -> None:
    """Say what will run on this machine: engines, devices, cached models, what auto picks, the caches.

    Each missing piece says what it is for and how to get it. Nothing is downloaded; 'auto'
    asks the model hub once, quickly, whether it answers (not with HF_HUB_OFFLINE=1). llama.cpp,
    when installed, is tried in a child process: the CPU features its build uses, whether this
    CPU grants them, and a two-token completion.
    """
    from .backends.checkpoints import quiet_transformers
    from .doctor import diagnose, render_report

    quiet_transformers()
    report = diagnose(gguf=gguf)
    click.echo(json.dumps(report.to_dict(), indent=2) if fmt == "json" else render_report(report))


class _StopSignal(KeyboardInterrupt):
    """SIGTERM or SIGHUP before the batch run installs its own handlers: unwinds like Ctrl-C.

    Args:
        signum: the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _signals_exit_with_resume_hint(func: Callable[..., Any]) -> Callable[..., Any]:
    """A stopping signal before the batch run takes it over (imports, loading models): exit 128+N.

    Ctrl-C exits 130, SIGTERM 143 and SIGHUP 129, each with the command that resumes the run. A
    signal the process ignores (``nohup``) stays ignored.
    """
    import signal
    import threading

    def raise_stop(signum: int, frame: Any) -> None:
        raise _StopSignal(signum)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous: dict[int, Any] = {}

        def restore() -> None:
            while previous:
                number, old = previous.popitem()
                signal.signal(number, signal.SIG_DFL if old is None else old)

        if threading.current_thread() is threading.main_thread():
            for name in ("SIGTERM", "SIGHUP"):
                number = getattr(signal, name, None)
                if number is not None and signal.getsignal(number) != signal.SIG_IGN:
                    previous[number] = signal.signal(number, raise_stop)
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt as exc:
            restore()  # a second signal while the hint is printed stops at once, as the default does
            ctx = click.get_current_context()
            _say_interrupted(ctx)
            ctx.exit(128 + getattr(exc, "signum", signal.SIGINT))
        finally:
            restore()

    return wrapper


def _say_interrupted(ctx: click.Context) -> None:
    """Tell where the records are and how to go on."""
    click.echo(f"summarize: interrupted; {ctx.params['output']} holds every record finished so far. "
               f"Resume with:\n  {_resume_command(ctx)}", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="JSONL file: one record per input.")
@click.option("--resume", is_flag=True, help="Continue OUTPUT: skip inputs that already have a record.")
@click.option("--retry-failed", is_flag=True, help="Resume, and redo inputs whose record is an error.")
@click.option("--overwrite", is_flag=True, help="Empty OUTPUT first.")
@click.option("--batch-docs", type=click.IntRange(min=1), default=16, show_default=True,
              help="Documents per model group (batches form across them).")
@click.option("--fetch-workers", type=click.IntRange(min=1), default=8, show_default=True, help="Threads reading inputs.")
@click.option("--per-host", type=click.IntRange(min=1), default=2, show_default=True, help="Concurrent requests per host.")
@click.option("--read-timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True,
              help="Seconds reading one input (fetch included) may take (at most --deadline).")
@DEADLINE_OPTION
@click.option("--engine", type=BATCH_ENGINE_CHOICE, default="local", show_default=True, envvar="SUMMARIZE_ENGINE",
              help="Where the model work runs: local (this process) or ray (Ray Data actors).")
@click.option("--address", help="Ray cluster address (ray engine; default: start a local Ray).")
@click.option("--workers", type=click.IntRange(min=1), help="Pipeline actors (ray engine; default: fill the cluster).")
@click.option("--gpus-per-worker", type=click.FloatRange(min=0), default=0.0, help="GPUs per actor (ray engine).")
@click.option("--cpus-per-worker", type=click.FloatRange(min=0.1), default=1.0, help="CPUs per actor (ray engine).")
@_cache_options
@click.option("--digest", "digest_file", type=click.Path(dir_okay=False),
              help="After the run, write the story digest of OUTPUT here (.html, .md or .json).")
@click.option("--digest-format", type=DIGEST_FORMAT_CHOICE,
              help="The digest's format (default: from its suffix).")
@click.option("--since", help="Feeds: keep only entries published on or after this date (YYYY-MM-DD).")
@_pipeline_options(formats=False)
@_summary_options
@_user_errors
@_signals_exit_with_resume_hint
def batch(inputs: tuple[str, ...], output: str, resume: bool, retry_failed: bool, overwrite: bool, batch_docs: int,
          fetch_workers: int, per_host: int, read_timeout: float, deadline: float, engine: str, address: str | None, workers: int | None,
          gpus_per_worker: float, cpus_per_worker: float, cache_dir: str | None, no_cache: bool,
          digest_file: str | None, digest_format: str | None, since: str | None, preset: str,
          source_lang: str | None, quiet: bool, verbose: bool, allow_private: bool, max_bytes: int | None,
          **overrides: Any) -> None:
    """Process many INPUTS into one JSONL record each, resumably.

    INPUTS are directories (searched recursively for .txt/.md/.html), globs, list files (one URL
    or path a line), JSONL/CSV manifests (id plus url, path or text; optional lang), files or URLs.
    Exit status: 0 when every input succeeded, 8 when some failed (their error records are in
    OUTPUT), 130 when interrupted by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP (resume with --resume).
    """
    import sys

    from .batch import BatchOptions, RayOptions, run_batch

    options = BatchOptions(
        output, resume=resume, retry_failed=retry_failed, overwrite=overwrite, batch_docs=batch_docs,
        workers=fetch_workers, per_host=per_host, read_timeout=read_timeout, deadline=deadline, progress=not quiet and sys.stderr.isatty(), engine=engine,
        ray=RayOptions(address=address, workers=workers, gpus_per_worker=gpus_per_worker,
                       cpus_per_worker=cpus_per_worker),
        source_lang=source_lang, digest=digest_file, digest_format=digest_format, since=since,
    )
    options.validate()
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               cache_dir=_cache_folder(cache_dir, no_cache), **overrides)
    summary = run_batch(inputs, pipeline, options, log=None if quiet else lambda m: click.echo(m, err=True))
    if not quiet:
        click.echo(f"summarize: {summary.line()}", err=True)
    ctx = click.get_current_context()
    if summary.interrupted:
        _say_interrupted(ctx)
    ctx.exit(summary.exit_code)


def _resume_command(ctx: click.Context) -> str:
    """The command line that continues this batch run: its own options, plus --resume."""
    import shlex

    from click.core import ParameterSource

    words = ["summarize", "batch"]
    for param in ctx.command.params:
        name = param.name or ""
        value = ctx.params.get(name)
        # what the user typed; settings from the environment come back with the environment
        if name in ("resume", "retry_failed", "overwrite") or ctx.get_parameter_source(name) != ParameterSource.COMMANDLINE:
            continue
        if isinstance(param, click.Argument):
            words.extend(value)
        elif value is not False:
            words.extend([param.opts[0]] if value is True else [param.opts[0], str(value)])
    return shlex.join([*words, "--resume"])


@cli.group("eval", cls=_SubGroup)
def eval_group() -> None:
    """Measure quality on your own data (needs the eval extra: pip install 'summarize[eval]')."""


def _eval_output(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True),
        click.option("-o", "--output", type=click.Path(dir_okay=False),
                     help="Also write what was scored (inputs, references, outputs) as JSONL to this file."),
        click.option("--limit", type=click.IntRange(min=1), help="Score only the first N items."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _report_eval(report: Any, output: str | None, quiet: bool) -> None:
    """Write what was scored, and say the engine's warnings on stderr."""
    from .evaluate import write_scored

    if output:
        write_scored(output, report.scored)
    if not quiet:
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)


@eval_group.command("summarize")
@click.option("--data", required=True, type=click.Path(exists=True, dir_okay=False),
              help="JSONL file, one article a line with fields 'text' and 'summary' (the reference).")
@click.option("--lang", type=LANG_CHOICE, help="The articles' language (default: detected per article).")
@_eval_output
@_pipeline_options(formats=False)
@_summary_options
@_user_errors
def eval_summarize(data: str, lang: str | None, fmt: str, output: str | None, limit: int | None, preset: str,
                   source_lang: str | None, quiet: bool, verbose: bool, allow_private: bool, max_bytes: int | None,
                   **overrides: Any) -> None:
    """Score the pipeline's summarizer against reference summaries with ROUGE-1/2/L F1 (x100).

    Only the summarizer runs, at the pipeline's summary length (--sentences/--words).
    """
    from .evaluate import evaluate_summaries

    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               roles=("summarize",), **overrides)
    result = evaluate_summaries(pipeline, data, lang=lang or source_lang, limit=limit)
    _report_eval(result, output, quiet)
    scores = {"rouge1": round(result.rouge1, 2), "rouge2": round(result.rouge2, 2), "rougeL": round(result.rougeL, 2)}
    if fmt == "json":
        click.echo(json.dumps({**result.to_dict(), **scores}, ensure_ascii=False, indent=2))
        return
    click.echo(f"articles: {result.count}")
    for label, key in (("ROUGE-1", "rouge1"), ("ROUGE-2", "rouge2"), ("ROUGE-L", "rougeL")):
        click.echo(f"{label}: {scores[key]:.2f}")


@eval_group.command("translate")
@click.option("--src", "src_path", required=True, type=click.Path(dir_okay=False), help="Source sentences, one a line.")
@click.option("--ref", "ref_path", required=True, type=click.Path(dir_okay=False),
              help="Reference translations, line-aligned with --src.")
@click.option("--direction", required=True, type=click.Choice(["es-en", "en-es"]))
@_eval_output
@_pipeline_options(formats=False, source_lang=False)
@_user_errors
def eval_translate(src_path: str, ref_path: str, direction: str, fmt: str, output: str | None, limit: int | None,
                   preset: str, quiet: bool, verbose: bool, allow_private: bool, max_bytes: int | None,
                   **overrides: Any) -> None:
    """Translate --src with a pipeline and print BLEU and chrF against --ref (sacrebleu)."""
    from .evaluate import evaluate_translation, read_lines

    src_lines, ref_lines = read_lines(src_path, limit), read_lines(ref_path, limit)
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               roles=("translate",), **overrides)
    report = evaluate_translation(pipeline, src_lines, ref_lines, direction)
    _report_eval(report, output, quiet)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    engine = report.engine.get("engine", "")
    model = report.engine.get("model", "")
    click.echo(f"{report.direction}, {report.sentences} sentences, {engine}" + (f" ({model})" if model else ""))
    click.echo(f"BLEU {report.bleu:.2f}")
    click.echo(f"chrF {report.chrf:.2f}")


@cli.command()
@click.argument("journal", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the digest here (default: stdout).")
@click.option("-f", "--format", "fmt", type=DIGEST_FORMAT_CHOICE,
              help="json, markdown, html or a plugin's (default: from OUTPUT's suffix, else markdown).")
@_user_errors
def digest(journal: str, output: str | None, fmt: str | None) -> None:
    """Group the articles of a batch output JOURNAL into stories and brief each in English and Spanish.

    Per story: about 100 words in each language, each sentence citing its articles ([1], [3]);
    the outlets with dates and links; the names mentioned most; where the outlets disagree.
    """
    from .desk.command import write_digest

    text = write_digest(journal, output, fmt)
    if not output or output == "-":
        click.echo(text, nl=False)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--api-key", envvar="SUMMARIZE_API_KEY", help="Clients must send 'Authorization: Bearer KEY'.")
@click.option("--jobs-dir", default="summarize-jobs", show_default=True, type=click.Path(file_okay=False),
              help="Where batch jobs keep their journals (unfinished ones resume on start).")
@click.option("--extra-preset", "extra_presets", multiple=True, help="Another preset requests may name (repeatable).")
@click.option("--max-body", type=click.IntRange(min=1), default=5 * 1024 * 1024, show_default=True, help="Bytes.")
@click.option("--deadline", type=click.FloatRange(min=0.1), default=120.0, show_default=True, help="Seconds a request may take.")
@click.option("--max-queue", type=click.IntRange(min=1), default=64, show_default=True, help="Requests in at once (429 past it).")
@click.option("--window-ms", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="How long to collect concurrent requests into one model batch.")
@click.option("--max-batch", type=click.IntRange(min=1), default=16, show_default=True, help="Documents per model batch.")
@click.option("--cache-dir", type=click.Path(file_okay=False), envvar="SUMMARIZE_CACHE_DIR", help="Text cache folder.")
@_pipeline_options(formats=False, source_lang=False)
@_user_errors
def serve(host: str, port: int, api_key: str | None, jobs_dir: str, extra_presets: tuple[str, ...], max_body: int,
          deadline: float, max_queue: int, window_ms: float, max_batch: int, cache_dir: str | None, preset: str,
          quiet: bool, allow_private: bool, max_bytes: int | None, debug: bool, **overrides: Any) -> None:
    """Serve the HTTP API (/v1/...) and a web page (/) over one loaded pipeline (needs summarize[serve])."""
    from .service import ServiceSettings
    from .service import serve as run_service

    _debug_log(debug)
    settings = ServiceSettings(preset=preset, extra_presets=extra_presets, host=host, port=port, api_key=api_key,
                               allow_private=allow_private, max_bytes=max_bytes, cache_dir=cache_dir, jobs_dir=jobs_dir,
                               max_body=max_body, deadline=deadline, max_queue=max_queue, window=window_ms / 1000,
                               max_batch=max_batch, log_level="warning" if quiet else "info",
                               overrides={k: v for k, v in overrides.items() if v not in (None, False)})
    run_service(settings, announce=None if quiet else lambda line: click.echo(f"summarize: {line}", err=True))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="summarize")
