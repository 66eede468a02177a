"""Bilingual (Spanish/English) news translation and summarization.

The public API::

    from summarize import Pipeline, summarize
    result = summarize("examples/oferta-carcel-cecot.es.txt")
    print(result.summaries["en"], result.summaries["es"])

Importing this package is cheap: models, torch and transformers load only when used, and the
configuration and pipeline modules on first access to their names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    BatchError,
    ConfigError,
    DeviceError,
    EmptyDocumentError,
    EngineUnavailableError,
    FetchError,
    InputError,
    LanguageError,
    ModelError,
    ModelLoadError,
    ModelNotAvailableError,
    SummarizeError,
    UnsupportedInputError,
)

if TYPE_CHECKING:
    from .config import PipelineConfig, RuntimeConfig, SummarizeConfig, TranslateConfig, list_presets, load_config
    from .document import Document, Result, Source, Translation
    from .pipeline import Pipeline, summarize

# imported on first use: the command line installs its signal handlers before anything heavy loads
# (see summarize._entry), and ``import summarize.cli`` passes through this module first
_LAZY = {
    **dict.fromkeys(["PipelineConfig", "RuntimeConfig", "SummarizeConfig", "TranslateConfig", "list_presets",
                     "load_config"], ".config"),
    **dict.fromkeys(["Document", "Result", "Source", "Translation"], ".document"),
    **dict.fromkeys(["Pipeline", "summarize"], ".pipeline"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'summarize' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "BatchError",
    "ConfigError",
    "DeviceError",
    "Document",
    "EmptyDocumentError",
    "EngineUnavailableError",
    "FetchError",
    "InputError",
    "LanguageError",
    "ModelError",
    "ModelLoadError",
    "ModelNotAvailableError",
    "Pipeline",
    "PipelineConfig",
    "Result",
    "RuntimeConfig",
    "Source",
    "SummarizeConfig",
    "SummarizeError",
    "TranslateConfig",
    "Translation",
    "UnsupportedInputError",
    "__version__",
    "list_presets",
    "load_config",
    "summarize",
]
