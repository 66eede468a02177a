"""``summarize serve``: the HTTP API and its web page over loaded pipelines."""

from __future__ import annotations

from typing import Any

import click

from .errors import user_errors
from .group import cli
from .options import current_registry, debug_log, pipeline_options

__all__ = ["serve"]


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
@pipeline_options(formats=False, source_lang=False)
@user_errors
def serve(host: str, port: int, api_key: str | None, jobs_dir: str, extra_presets: tuple[str, ...], max_body: int,
          deadline: float, max_queue: int, window_ms: float, max_batch: int, cache_dir: str | None, preset: str,
          quiet: bool, allow_private: bool, max_bytes: int | None, debug: bool, **overrides: Any) -> None:
    """Serve the HTTP API (/v1/...) and a web page (/) over one loaded pipeline (needs summarize[serve])."""
    from ..service import ServiceSettings
    from ..service import serve as run_service

    debug_log(debug)
    settings = ServiceSettings(preset=preset, extra_presets=extra_presets, host=host, port=port, api_key=api_key,
                               allow_private=allow_private, max_bytes=max_bytes, cache_dir=cache_dir, jobs_dir=jobs_dir,
                               max_body=max_body, deadline=deadline, max_queue=max_queue, window=window_ms / 1000,
                               max_batch=max_batch, log_level="warning" if quiet else "info",
                               overrides={k: v for k, v in overrides.items() if v not in (None, False)},
                               registry=current_registry())
    run_service(settings, announce=None if quiet else lambda line: click.echo(f"summarize: {line}", err=True))
