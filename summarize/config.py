"""Configuration: frozen dataclasses, filled from a pipeline preset (TOML) and overrides.

A preset file maps one-to-one onto :class:`PipelineConfig`: top-level ``name`` and
``description``, and one table per section (``[translate]``, ``[summarize]``, ``[runtime]``).
Unknown keys are an error that names the key and the file. Precedence, highest first:
command-line flag, environment variable (both handled by the CLI), preset file, default.

Engine names are checked against :mod:`summarize.registry`. Settings that belong to one engine
(``batch_tokens`` of ``ctranslate2``, ``prompts`` of ``instruct``) are that engine's to declare
(its ``Options`` dataclass): they are written in the same table and kept in the section's
``options``; a key neither the section nor its engine knows is an error naming both.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .registry import Registry, given_or_default
from .resources import data_dir
from .typecheck import Mismatch, conform, field_types

__all__ = [
    "DEFAULT_PRESET",
    "DEVICES",
    "PipelineConfig",
    "RuntimeConfig",
    "SummarizeConfig",
    "TranslateConfig",
    "list_presets",
    "load_config",
    "validate_config",
]

DEFAULT_PRESET = "auto"
STRATEGIES = ("pivot", "source")
DEVICES = ("auto", "cpu", "cuda", "mps")
DTYPES = ("auto", "float32", "bfloat16", "float16")
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float32", "float16",
                 "bfloat16")

DEFAULT_TRANSLATION_MODELS: Mapping[str, str] = {
    "es-en": "Helsinki-NLP/opus-mt-es-en",
    "en-es": "Helsinki-NLP/opus-mt-en-es",
}
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
DEFAULT_SUMMARY_SENTENCES = 3
# about what an editor reads at a glance; whole sentences fill it (MLSUM-es standfirsts average 22 words)
DEFAULT_SUMMARY_WORDS = 60
DEFAULT_TRANSLATE_BATCH = 16
DEFAULT_SUMMARIZE_BATCH = 4


@dataclass(frozen=True)
class TranslateConfig:
    """How articles and summaries are translated.

    Attributes:
        engine: the translation engine, a name in :mod:`summarize.registry`: ``marian`` (neural,
            transformers), ``ctranslate2`` (the same models, converted once to CTranslate2 and
            cached; int8 on CPU) or ``apertium`` (rule-based, the system package
            ``apertium-eng-spa``, no model download).
        models: model id or local directory per direction (``"es-en"``, ``"en-es"``); used by
            engines that have models.
        batch_size: sentences per model call.
        num_beams: beam width; ``None`` keeps the model's own generation setting.
        max_length_ratio: output tokens allowed per input token, the guard against repetition loops.
        glossary: TSV file of fixed renderings, a Spanish term and its English rendering a line,
            honoured by every engine in both directions (see :mod:`summarize.glossary`); a
            relative path is read from the current directory.
        options: the engine's own settings (``batch_tokens`` for ``ctranslate2``), declared by
            the engine's ``Options`` dataclass and written in the same table of a preset file.
    """

    engine: str = "marian"
    models: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TRANSLATION_MODELS))
    batch_size: int = DEFAULT_TRANSLATE_BATCH
    num_beams: int | None = None
    max_length_ratio: float = 2.0
    glossary: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SummarizeConfig:
    """How summaries are made.

    Attributes:
        engine: the summarization engine, a name in :mod:`summarize.registry`: ``seq2seq``
            (transformers encoder-decoder), ``ctranslate2`` (the same checkpoints, converted once
            to CTranslate2 and cached), ``instruct``, or ``extractive`` (whole sentences of the
            article, no model).
        model: model id or local directory (used by engines that have models).
        strategy: ``pivot`` (summarize in English, translate to Spanish) or ``source``
            (summarize in the article's language, translate the summary).
        sentences: summary length in sentences, used when ``words`` is ``None``; setting it
            (in a file or an override) without ``words`` asks for that many sentences.
        words: summary length in words, a budget filled with whole sentences (the default,
            :data:`DEFAULT_SUMMARY_WORDS`); when set, it wins over ``sentences``.
        batch_size: texts per model call.
        num_beams: beam width; ``None`` keeps the model's own generation setting.
        options: the engine's own settings (``batch_tokens`` for ``ctranslate2``, ``prompts``
            for ``instruct``), declared by the engine's ``Options`` dataclass.
    """

    engine: str = "seq2seq"
    model: str = DEFAULT_SUMMARY_MODEL
    strategy: str = "pivot"
    sentences: int = DEFAULT_SUMMARY_SENTENCES
    words: int | None = DEFAULT_SUMMARY_WORDS
    batch_size: int = DEFAULT_SUMMARIZE_BATCH
    num_beams: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuntimeConfig:
    """Where and how models run.

    Attributes:
        device: ``auto``, ``cpu``, ``cuda``, ``cuda:N`` or ``mps``.
        dtype: ``auto`` (bf16/fp16 on GPU, fp32 on CPU), ``float32``, ``bfloat16``, ``float16``.
        threads: CPU threads for model work; ``None`` uses the physical cores.
        compute_type: ``ctranslate2`` engines only: ``auto`` (int8 on CPU, int8_float16 on GPU) or
            a CTranslate2 compute type (``int8``, ``float32``, ``bfloat16``, ...); the model is
            converted once per compute type.
        batch_across_documents: let engines whose output depends on the rest of their batch
            (neural ones) batch texts of several documents together: faster, but a document's
            record then depends on the other documents of its run (see
            :class:`summarize.backends.base.Translator`). Off by default.
    """

    device: str = "auto"
    dtype: str = "auto"
    threads: int | None = None
    compute_type: str = "auto"
    batch_across_documents: bool = False


@dataclass(frozen=True)
class PipelineConfig:
    """A whole pipeline: what a preset file describes.

    Attributes:
        name: the preset's name (defaults to the file's stem).
        description: one line for ``summarize models list`` and the README.
        translate: the ``[translate]`` table.
        summarize: the ``[summarize]`` table.
        runtime: the ``[runtime]`` table.
        fallback: a preset to use instead when this one's models are neither cached nor
            downloadable (the ``auto`` preset falls back to ``offline``).
        source: the file the configuration was read from (set by :func:`load_config`).
    """

    name: str = "default"
    description: str = ""
    translate: TranslateConfig = field(default_factory=TranslateConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    fallback: str | None = None
    source: str | None = None

    def with_overrides(
        self,
        *,
        device: str | None = None,
        dtype: str | None = None,
        threads: int | None = None,
        batch_size: int | None = None,
        sentences: int | None = None,
        words: int | None = None,
        strategy: str | None = None,
        glossary: str | None = None,
        compute_type: str | None = None,
        fast: bool = False,
        translator: str | None = None,
        summarizer: str | None = None,
        registry: Registry | None = None,
    ) -> PipelineConfig:
        """Return a copy with the given (non-``None``) settings replaced and validated.

        ``translator`` and ``summarizer`` choose other engines (keeping only the engine settings
        the new engine declares); ``fast=True`` then swaps in the engines' fast variants (see
        :meth:`fast`). Engine names and settings are checked against ``registry`` (default:
        :func:`~summarize.registry.default_registry`).

        Raises:
            TypeError: a setting of the wrong type (``sentences="3"``).
            ConfigError: a value out of range or not one of the choices.
        """
        _check_override_types(device=device, dtype=dtype, strategy=strategy, glossary=glossary,
                              compute_type=compute_type, translator=translator, summarizer=summarizer)
        _check_override_types(int, threads=threads, batch_size=batch_size, sentences=sentences, words=words)
        if not isinstance(fast, bool):
            raise TypeError(f"fast must be True or False, not {fast!r}")
        reg = given_or_default(registry)
        base = dataclasses.replace(self, translate=_with_engine(self.translate, "translate", translator, reg),
                                   summarize=_with_engine(self.summarize, "summarize", summarizer, reg))
        base = base.fast(registry=reg) if fast else base
        runtime = _replace(base.runtime, device=device, dtype=dtype, threads=threads, compute_type=compute_type)
        translate = _replace(base.translate, batch_size=batch_size, glossary=glossary)
        summarize = _replace(
            base.summarize, batch_size=batch_size, sentences=sentences, words=words, strategy=strategy
        )
        if sentences is not None and words is None:
            summarize = dataclasses.replace(summarize, words=None)  # an explicit sentence count is the choice
        config = dataclasses.replace(base, runtime=runtime, translate=translate, summarize=summarize)
        _validate(config, reg, where="the command-line options")
        return config

    def fast(self, *, registry: Registry | None = None) -> PipelineConfig:
        """Return a copy that runs the same models on each engine's fast variant, where it has one.

        The registry names the variants: ``marian`` translation and ``seq2seq`` summaries switch
        to ``ctranslate2``; other engines (``instruct``, rule-based ones) stay as they are.
        """
        reg = given_or_default(registry)
        translate = _with_engine(self.translate, "translate", reg.engine("translate", self.translate.engine).fast, reg)
        summarize = _with_engine(self.summarize, "summarize", reg.engine("summarize", self.summarize.engine).fast, reg)
        return dataclasses.replace(self, translate=translate, summarize=summarize)


def _check_override_types(kind: type = str, **values: Any) -> None:
    """Settings given from Python are checked at the door: ``sentences="3"`` is a clear TypeError."""
    for name, value in values.items():
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            expected = "a whole number" if kind is int else "a string"
            raise TypeError(f"{name} must be {expected} or None, not {type(value).__name__} ({value!r:.40})")


def _replace(obj: Any, **changes: Any) -> Any:
    return dataclasses.replace(obj, **{k: v for k, v in changes.items() if v is not None})


def _with_engine(section: Any, role: str, engine: str | None, reg: Registry) -> Any:
    """The section run by another engine, keeping the engine settings that engine declares too."""
    if engine is None or engine == section.engine:
        return section
    options_type = reg.engine(role, engine).options_type()
    known = {f.name for f in dataclasses.fields(options_type)} if options_type else set()
    return dataclasses.replace(section, engine=engine, options={k: v for k, v in section.options.items() if k in known})


_SECTIONS = {"translate": TranslateConfig, "summarize": SummarizeConfig, "runtime": RuntimeConfig}


def list_presets() -> list[str]:
    """Return the names of the shipped presets, sorted."""
    return sorted(p.stem for p in data_dir("pipelines").glob("*.toml"))


def preset_path(name_or_path: str) -> Path:
    """Resolve a preset name (``default``) or a path to a ``.toml`` file.

    Raises:
        ConfigError: when no such preset or file exists.
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == ".toml" or candidate.is_file():
        if not candidate.is_file():
            raise ConfigError(f"pipeline file {name_or_path} does not exist")
        return candidate
    shipped = data_dir("pipelines") / f"{name_or_path}.toml"
    if shipped.is_file():
        return shipped
    raise ConfigError(
        f"unknown pipeline {name_or_path!r}",
        hint=f"Use one of: {', '.join(list_presets())}, or a path to a .toml file.",
    )


def load_config(name_or_path: str = DEFAULT_PRESET, *, registry: Registry | None = None) -> PipelineConfig:
    """Read a preset by name or path into a :class:`PipelineConfig`.

    Args:
        name_or_path: a shipped preset's name or a path to a TOML file.
        registry: the engines its names are checked against (default:
            :func:`~summarize.registry.default_registry`).

    Returns:
        The validated configuration.

    Raises:
        ConfigError: on a missing file, bad TOML, an unknown key or a bad value.
    """
    path = preset_path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read pipeline file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pipeline file {path} is not valid TOML: {exc}") from exc
    config = config_from_dict(data, where=str(path), registry=registry)
    if "name" not in data:
        config = dataclasses.replace(config, name=path.stem)
    return dataclasses.replace(config, source=str(path))


def config_from_dict(data: Mapping[str, Any], *, where: str = "<dict>",
                     registry: Registry | None = None) -> PipelineConfig:
    """Build a :class:`PipelineConfig` from a mapping shaped like a preset file.

    Engine names and settings are checked against ``registry`` (default:
    :func:`~summarize.registry.default_registry`).

    Raises:
        ConfigError: on an unknown key or a value of the wrong type.
    """
    reg = given_or_default(registry)
    top: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, Mapping):
                raise ConfigError(f"[{key}] in {where} must be a table")
            top[key] = _section(_SECTIONS[key], value, f"[{key}]", where, reg)
        elif key in ("name", "description", "fallback"):
            if not isinstance(value, str):
                raise ConfigError(f"key {key!r} in {where} must be a string")
            top[key] = value
        else:
            raise ConfigError(
                f"unknown key {key!r} in {where}",
                hint=f"Allowed top-level keys: name, description, fallback, {', '.join(_SECTIONS)}.",
            )
    config = PipelineConfig(**top)
    _validate(config, reg, where=where)
    return config


def _section(cls: type, values: Mapping[str, Any], label: str, where: str, reg: Registry) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "options"}
    defaults = cls()
    engine_fields: dict[str, dataclasses.Field[Any]] = {}
    if "options" in {f.name for f in dataclasses.fields(cls)}:
        engine = values.get("engine", defaults.engine)
        if isinstance(engine, str):
            engine_fields = _option_fields(reg, label.strip("[]"), engine, label, where)
    kwargs: dict[str, Any] = {}
    options: dict[str, Any] = {}
    types = field_types(cls)
    for key, value in values.items():
        if key in fields:
            kwargs[key] = _conformed(key, value, types[key], label, where)
        elif key in engine_fields:
            options[key] = _conformed(key, value, engine_fields[key], label, where)
        else:
            allowed = [*fields, *engine_fields]
            raise ConfigError(
                f"unknown key {key!r} in {label} of {where}",
                hint=f"Allowed keys in {label}: {', '.join(allowed)}.",
            )
    if engine_fields:
        kwargs["options"] = options
    if cls is SummarizeConfig and "sentences" in kwargs and "words" not in kwargs:
        kwargs["words"] = None  # a file that asks for sentences gets sentences, not the default word budget
    return cls(**kwargs)


def _option_fields(reg: Registry, role: str, engine: str, label: str, where: str) -> dict[str, Any]:
    """The settings an engine declares (its ``Options`` dataclass): each name and its resolved type."""
    names = reg.engine_names(role)
    if engine not in names:
        raise ConfigError(f"engine {engine!r} in {label} of {where} is not one of: {', '.join(names)}",
                          hint="A third-party engine is available once the package that registers it is installed.")
    options_type = reg.engine(role, engine).options_type()
    return field_types(options_type) if options_type else {}


def _check_options(reg: Registry, section: Any, role: str, where: str) -> None:
    """Type-check and validate the engine settings of a section with the engine's own rules."""
    label = f"[{role}]"
    fields = _option_fields(reg, role, section.engine, label, where)
    conformed: dict[str, Any] = {}
    for key, value in section.options.items():
        if key not in fields:
            raise ConfigError(f"unknown key {key!r} in {label} of {where}",
                              hint=f"The {section.engine} engine's own settings: {', '.join(fields) or 'none'}.")
        conformed[key] = _conformed(key, value, fields[key], label, where)
    if not fields:
        return
    options = reg.engine(role, section.engine).options_type()(**conformed)  # type: ignore[misc]
    try:
        if hasattr(options, "validate"):
            options.validate()
    except ValueError as exc:
        raise ConfigError(f"{exc} in {label} of {where}") from None


def _conformed(key: str, value: Any, annotation: Any, label: str, where: str) -> Any:
    """``value`` as its field holds it, or the error naming the key, the table and the file."""
    try:
        return conform(value, annotation)
    except Mismatch as exc:
        raise ConfigError(f"{key!r} in {label} of {where} must be {exc.expected}, not {value!r}") from None


def validate_config(config: PipelineConfig, registry: Registry, *, where: str = "the configuration") -> None:
    """Check a configuration built in Python against the engines of ``registry``.

    Raises:
        ConfigError: an engine no one registered, an engine setting it does not declare or of the
            wrong type, a value out of range.
    """
    _validate(config, registry, where=where)


def _validate(config: PipelineConfig, reg: Registry, *, where: str) -> None:
    t, s, r = config.translate, config.summarize, config.runtime
    _check_options(reg, t, "translate", where)
    _check_options(reg, s, "summarize", where)
    _choice("strategy", s.strategy, STRATEGIES, "[summarize]", where)
    _choice("dtype", r.dtype, DTYPES, "[runtime]", where)
    _choice("compute_type", r.compute_type, COMPUTE_TYPES, "[runtime]", where)
    if not _valid_device(r.device):
        raise ConfigError(
            f"device {r.device!r} in {where} is not valid",
            hint="Use auto, cpu, cuda, cuda:N (N a GPU index) or mps.",
        )
    for name, value in (
        ("batch_size", t.batch_size),
        ("batch_size", s.batch_size),
        ("sentences", s.sentences),
        ("words", s.words),
        ("threads", r.threads),
        ("num_beams", t.num_beams),
        ("num_beams", s.num_beams),
    ):
        if value is not None and value < 1:
            raise ConfigError(f"{name} in {where} must be at least 1, not {value}")
    if t.max_length_ratio <= 0:
        raise ConfigError(f"max_length_ratio in {where} must be positive")
    if reg.engine("translate", t.engine).has_models:
        missing = [d for d in ("es-en", "en-es") if d not in t.models]
        if missing:
            raise ConfigError(
                f"[translate] models in {where} lacks the direction(s) {', '.join(missing)}",
                hint='Give both, e.g. models = { "es-en" = "...", "en-es" = "..." }.',
            )


def _choice(key: str, value: str, allowed: tuple[str, ...], label: str, where: str) -> None:
    if value not in allowed:
        raise ConfigError(
            f"{key} {value!r} in {label} of {where} is not one of: {', '.join(allowed)}"
        )


def _valid_device(device: str) -> bool:
    if device in DEVICES:
        return True
    head, _, index = device.partition(":")
    return head == "cuda" and index.isdigit()
