"""The ``summarize`` group: a default command, and the pipeline options before or after a command's name.

The pipeline options (``-q``, ``-v``, ``--pipeline``, ``--device``, ...) may come before the
subcommand or after it (``summarize -q translate FILE``): :class:`_OptionsFirst` moves them after
the subcommand's name, so a new command gets them by using
:func:`~summarize.cli.options.pipeline_options`.
"""

from __future__ import annotations

import click
from click_default_group import DefaultGroup

from .._version import __version__
from .options import cache_options, pipeline_options, summary_options

__all__ = ["SubGroup", "cli"]


def _leading_options(args: list[str]) -> tuple[list[str], list[str]]:
    """Split ``args`` into the pipeline options that lead them and the rest."""
    def probe() -> None:
        pass

    cache_options(summary_options(pipeline_options(probe)))
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


class SubGroup(_OptionsFirst, click.Group):
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

