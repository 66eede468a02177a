"""The ``summarize`` command line: thin wrappers that build a config, call the library, print.

Only this module imports Click. Data goes to stdout; progress, warnings and errors to stderr.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click
from click_default_group import DefaultGroup

from . import __version__
from .config import COMPUTE_TYPES
from .errors import SummarizeError

FORMAT_CHOICE = click.Choice(["text", "markdown", "json"])
LANG_CHOICE = click.Choice(["es", "en"])


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


def _pipeline_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("-p", "--pipeline", "preset", default="default", show_default=True, envvar="SUMMARIZE_PIPELINE",
                     help="Preset name or path to a pipeline .toml file."),
        click.option("--source-lang", type=LANG_CHOICE, help="Skip language detection: the article is in this language."),
        click.option("--device", envvar="SUMMARIZE_DEVICE", help="auto, cpu, cuda, cuda:N or mps."),
        click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), envvar="SUMMARIZE_DTYPE"),
        click.option("--batch-size", type=click.IntRange(min=1), envvar="SUMMARIZE_BATCH_SIZE",
                     help="Sentences (translation) or texts (summaries) per model call."),
        click.option("--threads", type=click.IntRange(min=1), envvar="SUMMARIZE_THREADS",
                     help="CPU threads for models (default: the physical cores)."),
        click.option("--fast", is_flag=True, envvar="SUMMARIZE_FAST",
                     help="Run the preset's models on CTranslate2 (converted once and cached; needs summarize[fast])."),
        click.option("--compute-type", type=click.Choice(list(COMPUTE_TYPES)), envvar="SUMMARIZE_COMPUTE_TYPE",
                     help="CTranslate2 precision (default auto: int8 on CPU, int8_float16 on GPU)."),
        click.option("--allow-private", is_flag=True, help="Allow fetching URLs on local or private networks."),
        click.option("--max-bytes", type=click.IntRange(min=1), help="Largest page to download, in bytes."),
        click.option("-f", "--format", "fmt", type=FORMAT_CHOICE, default="text", show_default=True),
        click.option("-q", "--quiet", is_flag=True, help="No progress messages on stderr."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _build_pipeline(preset: str, *, allow_private: bool, max_bytes: int | None, quiet: bool, **overrides: Any) -> Any:
    from .fetch import FetchSettings
    from .pipeline import Pipeline

    if not quiet:
        click.echo("summarize: loading models", err=True)
    _quiet_libraries()
    settings = FetchSettings(allow_private=allow_private, **({"max_bytes": max_bytes} if max_bytes else {}))
    pipeline = Pipeline.from_preset(preset, **overrides)
    pipeline.fetch_settings = settings
    if not quiet:
        click.echo(f"summarize: pipeline {pipeline.config.name!r} on device {pipeline.config.runtime.device}", err=True)
    return pipeline


def _quiet_libraries() -> None:
    """Keep transformers' progress bars and advice off stderr; our own messages say what happens."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _emit(results: list[Any], fmt: str, *, quiet: bool, with_translation: bool = False) -> None:
    from .render import render

    click.echo(render(results, fmt, with_translation=with_translation))
    if not quiet:
        for result in results:
            for warning in result.warnings:
                click.echo(f"warning: {result.source}: {warning}", err=True)


@click.group(cls=DefaultGroup, default="run", default_if_no_args=False)
@click.version_option(__version__, prog_name="summarize")
def cli() -> None:
    """Translate and summarize Spanish and English news articles.

    SOURCE is a URL, a .txt/.md/.html file, or - for stdin. 'summarize SOURCE' is short for
    'summarize run SOURCE'.
    """


@cli.command()
@click.argument("source")
@_pipeline_options
@click.option("--sentences", type=click.IntRange(min=1), envvar="SUMMARIZE_SENTENCES", help="Summary length in sentences.")
@click.option("--words", type=click.IntRange(min=1), help="Summary length in words (wins over --sentences).")
@click.option("--strategy", type=click.Choice(["pivot", "source"]), help="Summarize in English (pivot) or in the article's language (source).")
@click.option("--translation/--no-translation", "with_translation", default=False,
              help="Also print the full translation in text/markdown output.")
@_user_errors
def run(source: str, preset: str, source_lang: str | None, fmt: str, quiet: bool, with_translation: bool,
        allow_private: bool, max_bytes: int | None, **overrides: Any) -> None:
    """Summarize SOURCE in English and Spanish and translate it."""
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet, **overrides)
    results = pipeline.run([source], source_lang=source_lang)
    _emit(results, fmt, quiet=quiet, with_translation=with_translation)


@cli.command()
@click.argument("source")
@click.option("--to", "target", type=LANG_CHOICE, help="Target language (default: the other one).")
@_pipeline_options
@_user_errors
def translate(source: str, target: str | None, preset: str, source_lang: str | None, fmt: str, quiet: bool,
              allow_private: bool, max_bytes: int | None, **overrides: Any) -> None:
    """Translate SOURCE into the other language (or --to)."""
    pipeline = _build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet, **overrides)
    results = pipeline.translate([source], to=target, source_lang=source_lang)
    _emit(results, fmt, quiet=quiet)


@cli.group()
def models() -> None:
    """List and download the models the presets use."""


@models.command("list")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_user_errors
def models_list(fmt: str) -> None:
    """Show each preset's models, whether they are cached, and their licence."""
    from dataclasses import asdict

    from .models import list_models

    infos = list_models()
    if fmt == "json":
        click.echo(json.dumps([asdict(i) for i in infos], indent=2))
        return
    rows = [("PRESET", "ROLE", "MODEL", "CACHED", "LICENCE")]
    rows += [(i.preset, i.role, i.model, "yes" if i.cached else "no", i.licence) for i in infos]
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row[:4])) + "  " + row[4])


@models.command("pull")
@click.argument("preset", default="default")
@_user_errors
def models_pull(preset: str) -> None:
    """Download PRESET's models into the Hugging Face cache."""
    from .models import pull

    fetched = pull(preset)
    click.echo(f"downloaded {len(fetched)} model(s) for {preset}" + (": " + ", ".join(fetched) if fetched else ""))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="summarize")
