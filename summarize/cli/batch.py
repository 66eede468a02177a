"""``summarize batch``: many inputs, one JSONL record each, resumable; and how it stops.

A stopping signal before the run takes the signals itself (reading options, loading models) exits
128 + N with the command that resumes the run, as during the run (see :mod:`summarize.signals`);
the words of that command are the ones the user typed, in the order the command declares them.
"""

from __future__ import annotations

import functools
import signal
from collections.abc import Callable, Sequence
from typing import Any

import click

from .. import signals
from ..errors import ConfigError
from ..signals import interrupted_message
from .errors import user_errors
from .group import cli
from .options import (
    BATCH_ENGINE_CHOICE,
    DEADLINE_OPTION,
    DIGEST_FORMAT_CHOICE,
    build_pipeline,
    cache_folder,
    cache_options,
    current_registry,
    pipeline_options,
    summary_options,
)

__all__ = ["batch", "stops_with_resume_hint", "typed_words"]


def stops_with_resume_hint(func: Callable[..., Any]) -> Callable[..., Any]:
    """A stopping signal while the command runs, outside the run's own handling: exit 128+N with the hint.

    Ctrl-C exits 130, SIGTERM 143 and SIGHUP 129, each with the command that resumes the run. A
    signal the process ignores (``nohup``) stays ignored.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with signals.raising():
                return func(*args, **kwargs)
        except (KeyboardInterrupt, signals.StopSignal) as exc:  # the handlers are back: a second signal stops at once
            ctx = click.get_current_context()
            click.echo(interrupted_message(ctx.params["output"], typed_words(ctx)), err=True)
            ctx.exit(signals.exit_status(getattr(exc, "signum", signal.SIGINT)))

    return wrapper


def typed_words(ctx: click.Context) -> list[str]:
    """The command's words as the user typed them (not those from the environment), in the order it declares them."""
    from click.core import ParameterSource

    words = [ctx.info_name or "batch"]
    for param in ctx.command.params:
        name = param.name or ""
        value = ctx.params.get(name)
        if ctx.get_parameter_source(name) != ParameterSource.COMMANDLINE:
            continue
        if isinstance(param, click.Argument):
            words.extend(value)
        elif param.multiple:
            for one in value:
                words.extend([param.opts[0], str(one)])
        elif value is not False:
            words.extend([param.opts[0]] if value is True else [param.opts[0], str(value)])
    return words


def _settings(pairs: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` words as a mapping (the value is read by the engine's options)."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--engine-option {pair!r} is not KEY=VALUE", hint="For example: -E workers=4")
        if key.strip() in settings:
            raise ConfigError(f"--engine-option {key.strip()!r} is given twice", hint="Give each setting once.")
        settings[key.strip()] = value.strip()
    return settings


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
              help="Where the model work runs: local (this process), ray (Ray Data actors) or a plugin's.")
@click.option("-E", "--engine-option", "engine_settings", multiple=True, metavar="KEY=VALUE",
              help="A setting of the batch engine (repeatable), e.g. ray's workers=8, address=auto, "
                   "gpus_per_worker=0.5, cpus_per_worker=2, num_cpus=4.")
@cache_options
@click.option("--digest", "digest_file", type=click.Path(dir_okay=False),
              help="After the run, write the story digest of OUTPUT here (.html, .md or .json).")
@click.option("--digest-format", type=DIGEST_FORMAT_CHOICE,
              help="The digest's format (default: from its suffix).")
@click.option("--since", help="Feeds: keep only entries published on or after this date (YYYY-MM-DD).")
@pipeline_options(formats=False)
@summary_options
@user_errors
@stops_with_resume_hint
def batch(inputs: tuple[str, ...], output: str, resume: bool, retry_failed: bool, overwrite: bool, batch_docs: int,
          fetch_workers: int, per_host: int, read_timeout: float, deadline: float, engine: str, engine_settings: tuple[str, ...], cache_dir: str | None, no_cache: bool,
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

    from ..batch import BatchOptions, engine_options, run_batch

    options = BatchOptions(
        output, resume=resume, retry_failed=retry_failed, overwrite=overwrite, batch_docs=batch_docs,
        workers=fetch_workers, per_host=per_host, read_timeout=read_timeout, deadline=deadline, progress=not quiet and sys.stderr.isatty(), engine=engine,
        engine_options=engine_options(engine, _settings(engine_settings), current_registry()),
        source_lang=source_lang, digest=digest_file, digest_format=digest_format, since=since,
    )
    options.validate(current_registry())
    pipeline = build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               cache_dir=cache_folder(cache_dir, no_cache), **overrides)
    summary = run_batch(inputs, pipeline, options, log=None if quiet else lambda m: click.echo(m, err=True))
    if not quiet:
        click.echo(f"summarize: {summary.line()}", err=True)
    ctx = click.get_current_context()
    if summary.interrupted:
        click.echo(interrupted_message(output, typed_words(ctx)), err=True)
    ctx.exit(summary.exit_code)
