"""Bilingual (Spanish/English) news translation and summarization.

The public API::

    from summarize import Pipeline, summarize
    result = summarize("examples/oferta-carcel-cecot.es.txt")
    print(result.summaries["en"], result.summaries["es"])

Importing this package is cheap: models, torch and transformers load only when used.
"""

from __future__ import annotations

from ._version import __version__
from .config import PipelineConfig, RuntimeConfig, SummarizeConfig, TranslateConfig, list_presets, load_config
from .document import Document, Result, Source, Translation
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
from .pipeline import Pipeline, summarize

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
