"""What is on this machine: ``summarize models list|pull`` and ``summarize doctor``."""

from __future__ import annotations

import json

import click

from ..config import DEFAULT_PRESET
from .errors import user_errors
from .group import SubGroup, cli
from .options import current_registry

__all__ = ["doctor", "models"]


@cli.group(cls=SubGroup)
def models() -> None:
    """List and download the models the presets use."""


@models.command("list")
@click.argument("presets", nargs=-1)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def models_list(presets: tuple[str, ...], fmt: str) -> None:
    """Show each preset's models, whether they are cached, and their licence.

    PRESETS are preset names or .toml files (default: every shipped preset).
    """
    from dataclasses import asdict

    from ..models import list_models

    infos = list_models(list(presets) or None, registry=current_registry())
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
@user_errors
def models_pull(preset: str) -> None:
    """Download PRESET's models into the Hugging Face cache."""
    from ..models import pull

    fetched = pull(preset, registry=current_registry())
    click.echo(f"downloaded {len(fetched)} model(s) for {preset}" + (": " + ", ".join(fetched) if fetched else ""))


@cli.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--gguf", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A GGUF file for llama.cpp's two-token check (default: the first a preset names that is here).")
@user_errors
def doctor(fmt: str, gguf: str | None) -> None:
    """Say what will run on this machine: engines, devices, cached models, what auto picks, the caches.

    Each missing piece says what it is for and how to get it. Nothing is downloaded; 'auto'
    asks the model hub once, quickly, whether it answers (not with HF_HUB_OFFLINE=1). llama.cpp,
    when installed, is tried in a child process: the CPU features its build uses, whether this
    CPU grants them, and a two-token completion.
    """
    from ..backends.checkpoints import quiet_transformers
    from ..doctor import diagnose, render_report

    quiet_transformers()
    report = diagnose(gguf=gguf, registry=current_registry())
    click.echo(json.dumps(report.to_dict(), indent=2) if fmt == "json" else render_report(report))
