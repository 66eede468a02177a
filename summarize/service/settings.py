"""The one frozen value a service is built from (no web framework imported here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import DEFAULT_PRESET
from ..errors import ConfigError
from ..registry import Registry

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_DEADLINE_S",
    "DEFAULT_HOST",
    "DEFAULT_MAX_BATCH",
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_QUEUE",
    "DEFAULT_PORT",
    "DEFAULT_WINDOW_S",
    "ServiceSettings",
]

DEFAULT_HOST = "127.0.0.1"  # a service reachable from other machines is a choice the operator makes
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY = 5 * 1024 * 1024
DEFAULT_DEADLINE_S = 120.0
DEFAULT_MAX_QUEUE = 64
DEFAULT_WINDOW_S = 0.01
DEFAULT_MAX_BATCH = 16
DEFAULT_MAX_JOB_INPUTS = 10_000
API_KEY_ENV = "SUMMARIZE_API_KEY"


@dataclass(frozen=True)
class ServiceSettings:
    """How ``summarize serve`` listens, what it loads and which limits it keeps.

    Attributes:
        preset: the pipeline every request uses unless it names one of ``extra_presets``.
        extra_presets: further presets a request may name (each loads its models on first use).
        overrides: settings for :meth:`PipelineSpec.from_preset` (device, threads, ...).
        host: address to bind; ``127.0.0.1`` unless told otherwise.
        port: TCP port (0: any free one).
        api_key: when set, every ``/v1`` call but ``/v1/health`` needs ``Authorization: Bearer KEY``.
        allow_private: fetch URLs on private and local networks (refused by default, as in the CLI).
        max_bytes: largest page a URL may return (``None``: the fetcher's default).
        cache_dir: folder of the text cache (``None``: none).
        jobs_dir: where batch jobs keep their manifest and JSONL journal (they survive restarts).
        max_body: largest request body in bytes (``413`` past it).
        deadline: seconds one request may take (``504`` past it).
        max_queue: requests admitted at once (read, queued or in the models); ``429`` past it.
        window: seconds the batcher waits to collect concurrent requests into one model batch.
        max_batch: documents in one model batch at most.
        max_job_inputs: inputs one job may have.
        batch_docs: documents a job sends to the models at a time.
        log_level: uvicorn's log level.
        registry: the engines and formats the pipelines use (``None``: the built-in ones and the
            installed plugins'); the command line passes its own.
    """

    preset: str = DEFAULT_PRESET
    extra_presets: tuple[str, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    api_key: str | None = None
    allow_private: bool = False
    max_bytes: int | None = None
    cache_dir: str | None = None
    jobs_dir: str = "summarize-jobs"
    max_body: int = DEFAULT_MAX_BODY
    deadline: float = DEFAULT_DEADLINE_S
    max_queue: int = DEFAULT_MAX_QUEUE
    window: float = DEFAULT_WINDOW_S
    max_batch: int = DEFAULT_MAX_BATCH
    max_job_inputs: int = DEFAULT_MAX_JOB_INPUTS
    batch_docs: int = 16
    log_level: str = "info"
    registry: Registry | None = None

    def validate(self) -> None:
        """Raise :class:`ConfigError` for a limit out of range."""
        for name in ("max_body", "max_queue", "max_batch", "max_job_inputs", "batch_docs"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.deadline <= 0:
            raise ConfigError(f"the deadline must be positive, not {self.deadline}")
        if self.window < 0:
            raise ConfigError(f"the collection window cannot be negative ({self.window})")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is out of range (0-65535)")
        if self.api_key is not None and not self.api_key.strip():
            raise ConfigError("the API key is empty", hint=f"Pass a non-empty --api-key or unset {API_KEY_ENV}.")
