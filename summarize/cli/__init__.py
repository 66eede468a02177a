"""The ``summarize`` command line: thin wrappers that build a config, call the library, print.

Only this package imports Click. Data goes to stdout; progress, warnings and errors to stderr.
One module per responsibility:

* :mod:`.group`: the top-level group, and the pipeline options before or after a command's name;
* :mod:`.options`: the shared options, the registry's names they offer, building the pipeline;
* :mod:`.errors`: a :class:`~summarize.errors.SummarizeError` as a message, a hint and an exit code;
* :mod:`.output`: printing results, or writing them to a file whole;
* the commands: :mod:`.article` (``run``, ``translate``), :mod:`.batch`, :mod:`.desk`
  (``digest``), :mod:`.evaluation` (``eval``), :mod:`.machine` (``models``, ``doctor``),
  :mod:`.serve`.

A new command is a module here that decorates its function with ``@cli.command()`` and is
imported below. The names options offer come from the invocation's registry: the one
:func:`main` (or Click's ``obj``) was given, else the built-in entries and the installed plugins'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import article, batch, desk, evaluation, machine, serve  # noqa: F401 - each adds its commands to the group
from .group import cli

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["cli", "main"]


def main(registry: Registry | None = None) -> None:
    """Run the command line on ``sys.argv`` with ``registry``'s engines and formats (default: built-in and plugins')."""
    cli(prog_name="summarize", obj=registry)
