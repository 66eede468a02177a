"""``summarize eval summarize|translate``: quality on the user's own data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .errors import user_errors
from .group import SubGroup, cli
from .options import LANG_CHOICE, build_pipeline, pipeline_options, summary_options

__all__ = ["eval_group"]


@cli.group("eval", cls=SubGroup)
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
    from ..evaluate import write_scored

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
@pipeline_options(formats=False)
@summary_options
@user_errors
def eval_summarize(data: str, lang: str | None, fmt: str, output: str | None, limit: int | None, preset: str,
                   source_lang: str | None, quiet: bool, verbose: bool, allow_private: bool, max_bytes: int | None,
                   **overrides: Any) -> None:
    """Score the pipeline's summarizer against reference summaries with ROUGE-1/2/L F1 (x100).

    Only the summarizer runs, at the pipeline's summary length (--sentences/--words).
    """
    from ..evaluate import evaluate_summaries

    pipeline = build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
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
@pipeline_options(formats=False, source_lang=False)
@user_errors
def eval_translate(src_path: str, ref_path: str, direction: str, fmt: str, output: str | None, limit: int | None,
                   preset: str, quiet: bool, verbose: bool, allow_private: bool, max_bytes: int | None,
                   **overrides: Any) -> None:
    """Translate --src with a pipeline and print BLEU and chrF against --ref (sacrebleu)."""
    from ..evaluate import evaluate_translation, read_lines

    src_lines, ref_lines = read_lines(src_path, limit), read_lines(ref_path, limit)
    pipeline = build_pipeline(preset, allow_private=allow_private, max_bytes=max_bytes, quiet=quiet,
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

