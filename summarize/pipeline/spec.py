"""The one frozen value a pipeline is built from.

Everything that decides what a :class:`~summarize.pipeline.Pipeline` does is here: the
configuration (engines, models, lengths, device), the registry its engine and format names are
looked up in, the fetch limits, where its text cache lives (or none), which preset was asked for
and what was said about the choice. A Ray actor (or an engine's worker process) is built from the
same value as the driver's pipeline, so local and distributed runs see the same engines (those a
script registered included), cache, fall back and report alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..config import DEFAULT_PRESET, PipelineConfig, load_config
from ..reading.fetch import FetchSettings
from ..registry import Registry, default_registry, given_or_default

__all__ = ["PipelineSpec"]


@dataclass(frozen=True)
class PipelineSpec:
    """What a pipeline is built from.

    Attributes:
        config: engines, models, lengths and runtime.
        fetch: limits for fetching URLs.
        cache_dir: folder of the persistent text cache (see :mod:`summarize.backends.cache`);
            ``None`` caches nothing.
        requested: the preset the user asked for (``auto``), when ``config`` is what it fell back
            to; ``None`` means ``config`` itself was asked for.
        notes: what the user should know about the choice (a fallback's reason); every result
            carries them as warnings.
        registry: the engines, formats and batch engines names are looked up in (default: the
            built-in ones and the installed plugins'); held frozen, so it cannot change under the
            pipeline.
    """

    config: PipelineConfig = field(default_factory=PipelineConfig)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    cache_dir: str | None = None
    requested: str | None = None
    notes: tuple[str, ...] = ()
    registry: Registry = field(default_factory=default_registry)

    def __post_init__(self) -> None:
        object.__setattr__(self, "registry", given_or_default(self.registry).frozen())

    @classmethod
    def from_preset(cls, preset: str = DEFAULT_PRESET, *, fetch: FetchSettings | None = None,
                    cache_dir: str | None = None, registry: Registry | None = None,
                    **overrides: Any) -> PipelineSpec:
        """Resolve a preset (and its fallback) into a spec.

        Args:
            preset: ``auto`` (the default), ``default``, ``offline``, ... or a path to a ``.toml`` file.
            fetch: limits for fetching URLs (default: :class:`~summarize.reading.fetch.FetchSettings`).
            cache_dir: the text cache's folder, or ``None`` for no cache.
            registry: the engines and formats to use (default: the built-in ones and the
                installed plugins'); a script registers its own engines in a copy and passes it.
            **overrides: settings accepted by :meth:`PipelineConfig.with_overrides`.

        A preset with a ``fallback`` (``auto``) becomes its fallback when its models are neither
        cached nor downloadable; :attr:`notes` then says so.

        Raises:
            ConfigError: for an unknown preset, a bad file or a bad override.
        """
        from ..models import choose_available

        reg = default_registry() if registry is None else registry
        asked = load_config(preset, registry=reg)
        chosen, reason = choose_available(asked, registry=reg)
        return cls(config=chosen.with_overrides(registry=reg, **overrides), fetch=fetch or FetchSettings(),
                   cache_dir=cache_dir, requested=asked.name, notes=(reason,) if reason else (), registry=reg)

    @property
    def requested_name(self) -> str:
        """The preset asked for: :attr:`requested`, or the configuration's own name."""
        return self.requested or self.config.name

    def with_config(self, config: PipelineConfig) -> PipelineSpec:
        """The same spec with another configuration (a Ray actor's thread count, say)."""
        return dataclasses.replace(self, config=config)
