"""One registration point per extension point: engines, input formats, output formats, batch engines.

Everything that is chosen by name is listed here once, and everything that offers or checks such a
name reads it from here: configuration validation, ``summarize models list``/``pull``, the ``auto``
fallback, the command line's choices, extraction, rendering and the batch runner. Entries name
their implementation as ``"package.module:attribute"`` (or give the object itself), imported only
when used, so listing names costs no heavy import.

A registry is a value, not process-wide state: :func:`default_registry` builds one from the
built-in entries and the installed plugins, a program adds its own entries to a copy, and that
copy travels with whatever uses it (a :class:`~summarize.pipeline.PipelineSpec`, hence every Ray
actor and worker process built from the spec; the command line's context). Nothing in this module
changes after import::

    reg = default_registry()
    reg.add_engine(EngineInfo("shout", "summarize", "my_engines:ShoutSummarizer"))
    pipeline = Pipeline.from_preset("offline", registry=reg, summarizer="shout")

Third-party packages register through the entry point group ``summarize.plugins``: each entry
point names a callable that receives the :class:`Registry` and adds to it::

    # pyproject.toml of a plugin
    [project.entry-points."summarize.plugins"]
    deepl = "summarize_deepl:register"

    # summarize_deepl.py
    def register(registry):
        registry.add_engine(EngineInfo("deepl", "translate", "summarize_deepl:DeepLTranslator"))

An engine class is built as ``cls(config, runtime, langid=...)`` from its ``[translate]`` or
``[summarize]`` table and the ``[runtime]`` table (see :mod:`summarize.backends.base`), and may
declare its own settings as a frozen dataclass in its ``Options`` attribute: those keys are then
accepted, type-checked and validated in that engine's table of a preset file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from .errors import ConfigError

__all__ = [
    "PLUGIN_GROUP",
    "ROLES",
    "BatchEngine",
    "DigestFormat",
    "EngineInfo",
    "InputFormat",
    "OutputFormat",
    "Registry",
    "builtin_registry",
    "default_registry",
]

PLUGIN_GROUP = "summarize.plugins"
ROLES = ("translate", "summarize")


def _resolve(target: str | Any, what: str) -> Any:
    """Import ``"module:attribute"`` (or return an object given directly)."""
    if not isinstance(target, str):
        return target
    module, _, attribute = target.partition(":")
    try:
        return getattr(import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load {what} from {target!r}: {exc}",
                          hint="Reinstall the package that provides it, or choose another one.") from exc


@dataclass(frozen=True)
class EngineInfo:
    """A translation or summarization engine.

    Attributes:
        name: what presets and ``--translator``/``--summarizer`` call it.
        role: ``translate`` or ``summarize``.
        target: the engine class, or ``"module:Class"``.
        has_models: it runs models named in the preset (``models`` for translation, ``model``
            for summaries) that ``summarize models pull`` downloads and the ``auto`` fallback checks.
        model_files: the models the preset names are files on this machine (GGUF) that the user
            provides; ``summarize models list`` and ``doctor`` say whether each file is there.
        fast: the engine ``--fast`` swaps in for this one (same models, faster runtime).
        description: one line for listings.
    """

    name: str
    role: str
    target: str | type
    has_models: bool = False
    model_files: bool = False
    fast: str | None = None
    description: str = ""

    def load(self) -> type:
        """Import and return the engine class."""
        return _resolve(self.target, f"the {self.role} engine {self.name!r}")  # type: ignore[no-any-return]

    def options_type(self) -> type | None:
        """The engine's own settings (a frozen dataclass), or ``None`` when it declares none."""
        return getattr(self.load(), "Options", None)


@dataclass(frozen=True)
class InputFormat:
    """A kind of document the readers turn into a :class:`~summarize.document.Document`.

    Attributes:
        name: ``text``, ``markdown``, ``html``, ...
        suffixes: file suffixes (lower case, with the dot) read as this format; batch runs find
            such files in folders.
        media_types: HTTP content types fetched as this format (and accepted by the fetcher).
        target: ``extract(data: bytes, *, source: str, charset: str | None) -> Document``, or
            ``"module:function"``; it raises :class:`~summarize.errors.InputError` subclasses.
        expand: for a format that lists articles (feeds): ``expand(data: bytes, *, source: str,
            since: date | None) -> list[Source]``; a batch input of this format becomes those
            sources.
    """

    name: str
    suffixes: tuple[str, ...]
    media_types: tuple[str, ...]
    target: str | Callable[..., Any]
    expand: str | Callable[..., Any] | None = None

    def load(self) -> Callable[..., Any]:
        """Import and return the extraction function."""
        return _resolve(self.target, f"the input format {self.name!r}")  # type: ignore[no-any-return]

    def load_expand(self) -> Callable[..., Any] | None:
        """Import and return the expansion function (``None`` for a format of single articles)."""
        if self.expand is None:
            return None
        return _resolve(self.expand, f"the input format {self.name!r}")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class OutputFormat:
    """A way to print results: ``render(results, *, with_translation) -> str``.

    ``suffixes`` (lower case, with the dot) are the file names ``summarize run -o FILE`` writes in
    this format when no ``--format`` is given.
    """

    name: str
    target: str | Callable[..., Any]
    description: str = ""
    suffixes: tuple[str, ...] = ()

    def load(self) -> Callable[..., Any]:
        """Import and return the render function."""
        return _resolve(self.target, f"the output format {self.name!r}")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class DigestFormat:
    """A way to write a story digest: ``render(digest) -> str`` (see :mod:`summarize.desk`).

    ``suffixes`` (lower case, with the dot) are the file names ``summarize digest -o FILE`` and
    ``summarize batch --digest FILE`` write in this format when no format is given.
    """

    name: str
    target: str | Callable[..., Any]
    description: str = ""
    suffixes: tuple[str, ...] = ()

    def load(self) -> Callable[..., Any]:
        """Import and return the render function."""
        return _resolve(self.target, f"the digest format {self.name!r}")  # type: ignore[no-any-return]


@dataclass(frozen=True)
class BatchEngine:
    """Where a batch run's model work happens.

    ``target`` is ``run(todo, pipeline, options, stop) -> Iterator[record]``: it processes the
    sources still to do and yields one output record (a dict) per source, as each completes.
    With ``reuses_duplicates``, it also takes ``duplicates=`` (the batch's
    :class:`~summarize.desk.duplicates.DuplicateIndex`) and gives a near-copy its original's work.

    ``options`` is the engine's own settings, a frozen dataclass (or ``"module:Class"``) checked
    like an engine's ``Options`` (:mod:`summarize.typecheck`: containers, optionals, literals,
    ranges; a ``validate()`` method for the rest); ``run`` finds the instance in
    ``options.engine_options`` (``None``: the defaults). The command line sets them with
    ``--engine-option KEY=VALUE``.
    """

    name: str
    target: str | Callable[..., Any]
    description: str = ""
    reuses_duplicates: bool = False
    options: str | type | None = None

    def load(self) -> Callable[..., Any]:
        """Import and return the engine's run function."""
        return _resolve(self.target, f"the batch engine {self.name!r}")  # type: ignore[no-any-return]

    def options_type(self) -> type | None:
        """The engine's settings dataclass, or ``None`` when it declares none."""
        if self.options is None:
            return None
        return _resolve(self.options, f"the batch engine {self.name!r}'s options")  # type: ignore[no-any-return]


class Registry:
    """Named engines, input formats, output formats and batch engines.

    Names are unique within their kind (engines: within their role); adding one twice is an error
    unless ``replace=True``. A registry is filled, then carried; :meth:`frozen` gives the copy that
    refuses further additions (the one a :class:`~summarize.pipeline.PipelineSpec` holds), so what
    a pipeline was built with cannot change under it. Registries pickle (to Ray actors, worker
    processes) as long as their entries' objects do; entries named ``"module:attribute"`` always do.
    """

    def __init__(self) -> None:
        self._engines: dict[tuple[str, str], EngineInfo] = {}
        self._inputs: dict[str, InputFormat] = {}
        self._outputs: dict[str, OutputFormat] = {}
        self._digests: dict[str, DigestFormat] = {}
        self._batch: dict[str, BatchEngine] = {}
        self._frozen = False

    def copy(self) -> Registry:
        """An unfrozen copy with the same entries, to add to."""
        twin = Registry()
        twin._engines, twin._inputs, twin._outputs, twin._digests, twin._batch = (
            dict(table) for table in self._tables())
        return twin

    def frozen(self) -> Registry:
        """This registry as a value: itself when already frozen, else a frozen copy."""
        if self._frozen:
            return self
        twin = self.copy()
        twin._frozen = True
        return twin

    def _tables(self) -> tuple[dict[Any, Any], ...]:
        return self._engines, self._inputs, self._outputs, self._digests, self._batch

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Registry) and self._tables() == other._tables()

    def __hash__(self) -> int:
        return hash(tuple(tuple(table) for table in self._tables()))

    def __repr__(self) -> str:
        engines = ", ".join(f"{role}:{name}" for role, name in self._engines)
        return f"Registry(engines=[{engines}], frozen={self._frozen})"

    @property
    def is_frozen(self) -> bool:
        """Whether additions are refused (see :meth:`frozen`)."""
        return self._frozen

    def _add(self, table: dict[Any, Any], key: Any, value: Any, label: str, replace: bool) -> None:
        self._refuse_if_frozen(label)
        if key in table and not replace:
            raise ConfigError(f"{label} is already registered", hint="Pass replace=True to replace it.")
        table[key] = value

    def _refuse_if_frozen(self, label: str) -> None:
        if self._frozen:
            raise ConfigError(f"cannot change {label}: this registry is frozen (a pipeline was built with it)",
                              hint="Add to a copy (registry.copy()) and build the pipeline with that copy.")

    # engines
    def add_engine(self, info: EngineInfo, *, replace: bool = False) -> None:
        """Add a translation or summarization engine."""
        if info.role not in ROLES:
            raise ConfigError(f"engine {info.name!r}: role {info.role!r} is not one of: {', '.join(ROLES)}")
        self._add(self._engines, (info.role, info.name), info, f"the {info.role} engine {info.name!r}", replace)

    def remove_engine(self, role: str, name: str) -> None:
        """Forget an engine (a plugin that replaces one)."""
        self._refuse_if_frozen(f"the {role} engine {name!r}")
        self._engines.pop((role, name), None)

    def engine_names(self, role: str) -> tuple[str, ...]:
        """The names of the engines of one role, in registration order."""
        return tuple(name for (r, name) in self._engines if r == role)

    def engine(self, role: str, name: str) -> EngineInfo:
        """The engine of that role and name.

        Raises:
            ConfigError: when there is none; the message lists the ones there are.
        """
        try:
            return self._engines[(role, name)]
        except KeyError:
            raise ConfigError(f"engine {name!r} in [{role}] is not one of: {', '.join(self.engine_names(role))}",
                              hint="Install the plugin that provides it, or choose one of those.") from None

    # input formats
    def add_input_format(self, fmt: InputFormat, *, replace: bool = False) -> None:
        """Add a document format (its suffixes and media types must not belong to another one)."""
        if not replace:
            for other in self._inputs.values():
                clash = set(fmt.suffixes) & set(other.suffixes) or set(fmt.media_types) & set(other.media_types)
                if clash and other.name != fmt.name:
                    raise ConfigError(f"input format {fmt.name!r}: {', '.join(sorted(clash))} already belong(s) "
                                      f"to {other.name!r}")
        self._add(self._inputs, fmt.name, fmt, f"the input format {fmt.name!r}", replace)

    def input_formats(self) -> tuple[InputFormat, ...]:
        """Every document format, in registration order."""
        return tuple(self._inputs.values())

    def input_format(self, name: str) -> InputFormat:
        """The document format of that name (``KeyError`` for a name no one registered)."""
        return self._inputs[name]

    def input_format_for_suffix(self, suffix: str) -> InputFormat | None:
        """The document format a file suffix (``.html``) is read as, or ``None``."""
        return next((f for f in self._inputs.values() if suffix.lower() in f.suffixes), None)

    def input_format_for_media_type(self, media_type: str) -> InputFormat | None:
        """The document format a fetched content type is read as, or ``None``."""
        return next((f for f in self._inputs.values() if media_type.lower() in f.media_types), None)

    def suffixes(self) -> tuple[str, ...]:
        """Every file suffix some format reads."""
        return tuple(s for f in self._inputs.values() for s in f.suffixes)

    def media_types(self) -> tuple[str, ...]:
        """Every content type some format reads."""
        return tuple(m for f in self._inputs.values() for m in f.media_types)

    # output formats
    def add_output_format(self, fmt: OutputFormat, *, replace: bool = False) -> None:
        """Add a way to print results."""
        self._add(self._outputs, fmt.name, fmt, f"the output format {fmt.name!r}", replace)

    def output_format_names(self) -> tuple[str, ...]:
        """The output formats' names, in registration order."""
        return tuple(self._outputs)

    def output_format_for_suffix(self, suffix: str) -> OutputFormat | None:
        """The output format a file suffix (``.md``) is written in, or ``None``."""
        return next((f for f in self._outputs.values() if suffix.lower() in f.suffixes), None)

    def output_format(self, name: str) -> OutputFormat:
        """The output format of that name.

        Raises:
            ConfigError: when there is none.
        """
        try:
            return self._outputs[name]
        except KeyError:
            raise ConfigError(f"output format {name!r} is not one of: {', '.join(self._outputs)}") from None

    # digest formats
    def add_digest_format(self, fmt: DigestFormat, *, replace: bool = False) -> None:
        """Add a way to write a story digest."""
        self._add(self._digests, fmt.name, fmt, f"the digest format {fmt.name!r}", replace)

    def digest_format_names(self) -> tuple[str, ...]:
        """The digest formats' names, in registration order."""
        return tuple(self._digests)

    def digest_format_for_suffix(self, suffix: str) -> DigestFormat | None:
        """The digest format a file suffix (``.html``) is written in, or ``None``."""
        return next((f for f in self._digests.values() if suffix.lower() in f.suffixes), None)

    def digest_format(self, name: str) -> DigestFormat:
        """The digest format of that name.

        Raises:
            ConfigError: when there is none.
        """
        try:
            return self._digests[name]
        except KeyError:
            raise ConfigError(f"unknown digest format {name!r}",
                              hint=f"Use one of: {', '.join(self._digests)}.") from None

    # batch engines
    def add_batch_engine(self, engine: BatchEngine, *, replace: bool = False) -> None:
        """Add a place for batch runs' model work."""
        self._add(self._batch, engine.name, engine, f"the batch engine {engine.name!r}", replace)

    def batch_engine_names(self) -> tuple[str, ...]:
        """The batch engines' names, in registration order."""
        return tuple(self._batch)

    def batch_engine(self, name: str) -> BatchEngine:
        """The batch engine of that name.

        Raises:
            ConfigError: when there is none.
        """
        try:
            return self._batch[name]
        except KeyError:
            raise ConfigError(f"engine {name!r} is not one of: {', '.join(self._batch)}") from None


def builtin_registry() -> Registry:
    """A registry holding only what ships with this package (no plugins)."""
    reg = Registry()
    backends = "summarize.backends"
    for info in (
        EngineInfo("marian", "translate", f"{backends}.marian:MarianTranslator", has_models=True, fast="ctranslate2",
                   description="transformers encoder-decoder translation (opus-mt)"),
        EngineInfo("apertium", "translate", f"{backends}.apertium:ApertiumTranslator",
                   description="rule-based, the system package apertium-eng-spa, no download"),
        EngineInfo("ctranslate2", "translate", f"{backends}.ctranslate2:CTranslate2Translator", has_models=True,
                   description="the marian models converted once to CTranslate2 (int8 on CPU)"),
        EngineInfo("seq2seq", "summarize", f"{backends}.seq2seq:Seq2SeqSummarizer", has_models=True,
                   fast="ctranslate2", description="transformers encoder-decoder summaries (BART, PEGASUS, T5)"),
        EngineInfo("instruct", "summarize", f"{backends}.instruct:InstructSummarizer", has_models=True,
                   description="an instruction-tuned causal LM with the prompts/ templates"),
        EngineInfo("extractive", "summarize", f"{backends}.extractive:ExtractiveSummarizer",
                   description="whole sentences of the article, no model"),
        EngineInfo("ctranslate2", "summarize", f"{backends}.ctranslate2:CTranslate2Summarizer", has_models=True,
                   description="seq2seq checkpoints converted once to CTranslate2"),
        EngineInfo("llamacpp", "translate", f"{backends}.llamacpp:LlamaCppTranslator", model_files=True,
                   description="a local GGUF chat model through llama.cpp, with the prompts/ templates"),
        EngineInfo("llamacpp", "summarize", f"{backends}.llamacpp:LlamaCppSummarizer", model_files=True,
                   description="a local GGUF chat model through llama.cpp, with the prompts/ templates"),
        EngineInfo("openai", "translate", f"{backends}.openai_api:OpenAITranslator",
                   description="any OpenAI-compatible chat server (vLLM, llama.cpp, Ollama), with the prompts/ templates"),
        EngineInfo("openai", "summarize", f"{backends}.openai_api:OpenAISummarizer",
                   description="any OpenAI-compatible chat server (vLLM, llama.cpp, Ollama), with the prompts/ templates"),
    ):
        reg.add_engine(info)
    extract = "summarize.reading.extract"
    reg.add_input_format(InputFormat("text", (".txt", ".text"), ("text/plain",), f"{extract}:extract_text"))
    reg.add_input_format(InputFormat("markdown", (".md", ".markdown"), ("text/markdown",),
                                     f"{extract}:extract_markdown"))
    reg.add_input_format(InputFormat("html", (".html", ".htm", ".xhtml"), ("text/html", "application/xhtml+xml"),
                                     f"{extract}:extract_html"))
    reg.add_input_format(InputFormat("feed", (".rss", ".atom"), ("application/rss+xml", "application/atom+xml"),
                                     "summarize.reading.feeds:extract_feed",
                                     expand="summarize.reading.feeds:expand_feed"))
    for name, description, suffixes in (("text", "titles and summaries, for reading", (".txt", ".text")),
                                        ("markdown", "the two summaries side by side in a table", (".md", ".markdown")),
                                        ("json", "one object (an array for several results)", (".json",)),
                                        ("jsonl", "one JSON object a line", (".jsonl", ".ndjson"))):
        reg.add_output_format(OutputFormat(name, f"summarize.render:render_{name}", description, suffixes))
    for name, description, suffixes in (("json", "the stories and briefs as data", (".json",)),
                                        ("markdown", "the briefs and sources as Markdown", (".md", ".markdown")),
                                        ("html", "one page with no external assets", (".html", ".htm"))):
        reg.add_digest_format(DigestFormat(name, f"summarize.desk.render:render_digest_{name}", description, suffixes))
    reg.add_batch_engine(BatchEngine("local", "summarize.batch.local:local_records",
                                     "this process: reader threads and one pipeline", reuses_duplicates=True))
    reg.add_batch_engine(BatchEngine("ray", "summarize.batch.ray:ray_records",
                                     "Ray Data: the pipeline as an actor pool, on one machine or a cluster",
                                     reuses_duplicates=True, options="summarize.batch.ray:RayOptions"))
    return reg


def _load_plugins(reg: Registry) -> None:
    from importlib.metadata import entry_points

    for point in entry_points(group=PLUGIN_GROUP):
        try:
            plugin = point.load()
        except Exception as exc:  # a broken plugin is named instead of a bare traceback
            raise ConfigError(f"the summarize plugin {point.name!r} ({point.value}) cannot be loaded: {exc}",
                              hint="Fix or uninstall the package that provides it.") from exc
        plugin(reg)


def default_registry() -> Registry:
    """A new registry of the built-in entries plus the installed plugins' (``summarize.plugins``).

    Built anew on each call (about 20 ms: the entry points are read from the installed packages);
    whoever needs one builds it once and passes it on.

    Raises:
        ConfigError: a plugin that cannot be loaded, named.
    """
    reg = builtin_registry()
    _load_plugins(reg)
    return reg


def given_or_default(reg: Registry | None) -> Registry:
    """``reg``, or :func:`default_registry` when it is ``None`` (for functions whose registry is optional)."""
    return default_registry() if reg is None else reg
