"""``summarize run`` and ``summarize translate``: one article, its result printed or written."""

from __future__ import annotations

from typing import Any

import click

from .errors import user_errors
from .group import cli
from .options import (
    DEADLINE_OPTION,
    LANG_CHOICE,
    build_pipeline,
    cache_folder,
    cache_options,
    pipeline_options,
    summary_options,
)
from .output import emit, format_for

__all__ = ["run", "translate"]


@cli.command()
@click.argument("source")
@pipeline_options
@summary_options
@cache_options
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to FILE instead of stdout (format from its suffix unless -f is given).")
@click.option("--translation/--no-translation", "with_translation", default=False,
              help="Also print the full translation in text/markdown output.")
@DEADLINE_OPTION
@user_errors
def run(source: str, preset: str, source_lang: str | None, fmt: str, quiet: bool, verbose: bool,
        with_translation: bool, output: str | None, cache_dir: str | None, no_cache: bool, allow_private: bool,
        max_bytes: int | None, deadline: float, **overrides: Any) -> None:
    """Summarize SOURCE in English and Spanish and translate it."""
    fmt = format_for(output, fmt)
    pipeline = build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               verbose=verbose, stages=True, cache_dir=cache_folder(cache_dir, no_cache), **overrides)
    _say_reading(source, quiet)
    results = pipeline.run([source], source_lang=source_lang, deadline=deadline)
    emit(results, fmt, quiet=quiet, with_translation=with_translation, already_said=pipeline.notes, output=output,
          verbose=verbose)


@cli.command()
@click.argument("source")
@click.option("--to", "target", type=LANG_CHOICE, help="Target language (default: the other one).")
@pipeline_options
@cache_options
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to FILE instead of stdout (format from its suffix unless -f is given).")
@DEADLINE_OPTION
@user_errors
def translate(source: str, target: str | None, preset: str, source_lang: str | None, fmt: str, quiet: bool,
              verbose: bool, output: str | None, cache_dir: str | None, no_cache: bool, allow_private: bool,
              max_bytes: int | None, deadline: float, **overrides: Any) -> None:
    """Translate SOURCE into the other language (or --to)."""
    fmt = format_for(output, fmt)
    pipeline = build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
                               verbose=verbose, stages=True, cache_dir=cache_folder(cache_dir, no_cache),
                               roles=("translate",), **overrides)
    _say_reading(source, quiet)
    results = pipeline.translate([source], to=target, source_lang=source_lang, deadline=deadline)
    emit(results, fmt, quiet=quiet, already_said=pipeline.notes, output=output, verbose=verbose)


def _say_reading(source: str, quiet: bool) -> None:
    if not quiet:
        click.echo(f"summarize: reading {'stdin' if source == '-' else source}", err=True)

