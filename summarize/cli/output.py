"""Printing results, or writing them to a file whole (never half), in the format asked for or named by the suffix."""

from __future__ import annotations

from typing import Any

import click

from .options import current_registry

__all__ = ["emit", "format_for", "write_output"]


def emit(results: list[Any], fmt: str, *, quiet: bool, with_translation: bool = False,
          already_said: list[str] | None = None, output: str | None = None, verbose: bool = False) -> None:
    """Print (or write to ``output``) the results; warnings and timings go to stderr.

    Markdown documents list their warnings themselves, so they are not said twice.
    """
    from ..render import render

    text = render(results, fmt, with_translation=with_translation, formats=current_registry())
    if output is None:
        click.echo(text)
    else:
        write_output(output, text)
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


def write_output(output: str, text: str) -> None:
    """Write the rendered results to ``output`` (whole, or not at all).

    Raises:
        BatchError: the file cannot be written.
    """
    import os
    import tempfile
    from pathlib import Path

    from ..errors import BatchError

    path = Path(output)
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         delete=False) as handle:
            handle.write(text + "\n")
        os.replace(handle.name, path)
    except OSError as exc:
        raise BatchError(f"cannot write {output}: {exc.strerror or exc}",
                         hint="Check that its folder exists and is writable.") from exc


def format_for(output: str | None, fmt: str) -> str:
    """The format to write: ``-f`` when given, else the one ``output``'s suffix names.

    Raises:
        ConfigError: ``output`` has a suffix no format is written as.
    """
    from pathlib import Path

    from click.core import ParameterSource

    from ..errors import ConfigError

    ctx = click.get_current_context()
    if output is None or ctx.get_parameter_source("fmt") != ParameterSource.DEFAULT:
        return fmt
    suffix = Path(output).suffix
    if not suffix:
        return fmt
    found = current_registry().output_format_for_suffix(suffix)
    if found is None:
        known = ", ".join(s for name in current_registry().output_format_names()
                          for s in current_registry().output_format(name).suffixes)
        raise ConfigError(f"cannot tell the output format from the suffix {suffix!r} of {output}",
                          hint=f"Pass -f/--format, or name the file with one of: {known}.")
    return str(found.name)

