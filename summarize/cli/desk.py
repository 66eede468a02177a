"""``summarize digest``: a batch output grouped into stories, each briefed in English and Spanish."""

from __future__ import annotations

import click

from .errors import user_errors
from .group import cli
from .options import DIGEST_FORMAT_CHOICE, current_registry

__all__ = ["digest"]


@cli.command()
@click.argument("journal", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the digest here (default: stdout).")
@click.option("-f", "--format", "fmt", type=DIGEST_FORMAT_CHOICE,
              help="json, markdown, html or a plugin's (default: from OUTPUT's suffix, else markdown).")
@user_errors
def digest(journal: str, output: str | None, fmt: str | None) -> None:
    """Group the articles of a batch output JOURNAL into stories and brief each in English and Spanish.

    Per story: about 100 words in each language, each sentence citing its articles ([1], [3]);
    the outlets with dates and links; the names mentioned most; where the outlets disagree.
    """
    from ..desk.command import write_digest

    text = write_digest(journal, output, fmt, current_registry())
    if not output or output == "-":
        click.echo(text, nl=False)

