"""The pipelines a service holds: one per preset, loaded once, and cheap variants of them.

A request may ask for another summary length or bring its own glossary; neither reaches the
engines, so such a request gets a variant that shares its preset's loaded models
(:meth:`Pipeline.derive`). Only the presets the operator named can be used: a request never names
a file on the server.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ..config import PipelineConfig, load_config
from ..document import Source
from ..errors import ConfigError
from ..pipeline import Pipeline, PipelineSpec
from ..reading.fetch import FetchSettings
from ..registry import given_or_default
from ..text.glossary import Glossary
from .settings import ServiceSettings

__all__ = ["PipelinePool", "RunOptions"]

MAX_VARIANTS = 32  # lengths x glossaries kept; each holds only small objects
# Started engines (an Apertium process per direction, the language model) are then ready.
WARM_UP = {
    "es": "El servicio se pone en marcha. Carga los modelos una sola vez. Luego atiende a muchos clientes.",
    "en": "The service is starting. It loads the models once. Then it serves many clients.",
}


@dataclass(frozen=True)
class RunOptions:
    """What a request may choose about its run.

    Attributes:
        preset: one of the service's presets (``None``: its default).
        sentences: summary length in sentences.
        words: summary length in words (wins over ``sentences``).
        glossary: ``(spanish, english)`` pairs honoured by the translation.
    """

    preset: str | None = None
    sentences: int | None = None
    words: int | None = None
    glossary: tuple[tuple[str, str], ...] = ()


class PipelinePool:
    """The service's pipelines, built from its settings; safe to share between threads.

    Args:
        settings: the presets, fetch limits and runtime overrides.
    """

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._registry = given_or_default(settings.registry).frozen()
        self._fetch = FetchSettings(allow_private=settings.allow_private,
                                    **({"max_bytes": settings.max_bytes} if settings.max_bytes else {}))
        self._lock = threading.Lock()
        self._base: dict[str, Pipeline] = {}
        self._variants: OrderedDict[Hashable, Pipeline] = OrderedDict()
        self.default = self._build(settings.preset)
        self.default_name = self.default.config.name
        self._base[self.default_name] = self.default

    @property
    def names(self) -> list[str]:
        """The presets a request may name, the default first."""
        return list(dict.fromkeys([self.default_name, *self._settings.extra_presets]))

    def described(self) -> list[dict[str, object]]:
        """Each preset with its engines and default length (``GET /v1/presets``)."""
        out: list[dict[str, object]] = []
        for name in self.names:
            config = self.default.config if name == self.default_name else self._config_of(name)
            out.append({
                "name": name,
                "default": name == self.default_name,
                "loaded": name in self._base,
                "translate": {"engine": config.translate.engine},
                "summarize": {"engine": config.summarize.engine, "strategy": config.summarize.strategy,
                              "sentences": config.summarize.sentences, "words": config.summarize.words},
            })
        return out

    def get(self, options: RunOptions) -> tuple[Hashable, Pipeline]:
        """The pipeline for ``options`` and a key equal for every request it serves alike.

        Raises:
            ConfigError: a preset the service does not offer, a length out of range, a glossary
                that gives a term two renderings.
        """
        name = options.preset or self.default_name
        if name == self._settings.preset:
            name = self.default_name  # "auto" and the preset it chose are one pipeline
        if name not in self.names:
            raise ConfigError(f"the service has no preset {name!r}",
                              hint=f"Use one of: {', '.join(self.names)} (GET /v1/presets lists them).")
        key = (name, options.sentences, options.words, options.glossary)
        with self._lock:
            base = self._base.get(name)
            if base is None:
                base = self._base[name] = self._build(name)
            if options.sentences is None and options.words is None and not options.glossary:
                return key, base
            variant = self._variants.get(key)
            if variant is None:
                glossary = Glossary.from_entries(options.glossary, source="the request's glossary") \
                    if options.glossary else None
                variant = base.derive(sentences=options.sentences, words=options.words, glossary=glossary)
                self._variants[key] = variant
                while len(self._variants) > MAX_VARIANTS:
                    self._variants.popitem(last=False)
            self._variants.move_to_end(key)
            return key, variant

    def load_default(self) -> None:
        """Load the default preset's models and warm every stage, so the first request does not wait.

        Raises:
            SummarizeError: a model, engine or device the preset needs is missing.
        """
        self.default.load()
        warm = [Source.from_text(text, id=f"warm-up-{lang}", lang=lang) for lang, text in WARM_UP.items()]
        for _ in self.default.map(warm):
            pass  # a per-input error here only means that stage stays cold

    def _build(self, preset: str) -> Pipeline:
        spec = PipelineSpec.from_preset(preset, fetch=self._fetch, cache_dir=self._settings.cache_dir,
                                        registry=self._registry, **self._settings.overrides)
        return Pipeline(spec)

    def _config_of(self, name: str) -> PipelineConfig:

        base = self._base.get(name)
        return base.config if base is not None else load_config(name, registry=self._registry)


def glossary_pairs(rows: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    """Request glossary rows as pairs, checked.

    Raises:
        ConfigError: a row that is not two non-empty terms.
    """
    pairs: list[tuple[str, str]] = []
    for number, row in enumerate(rows, start=1):
        if len(row) != 2 or not all(isinstance(t, str) and t.strip() for t in row):
            raise ConfigError(f"glossary entry {number} must be two non-empty terms [spanish, english]")
        pairs.append((row[0].strip(), row[1].strip()))
    return tuple(pairs)
