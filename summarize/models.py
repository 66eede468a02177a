"""What models each preset uses, whether they are cached, their licences, and downloading them.

Model ids come from presets only: nothing here queries a hub to choose a model. Whether the hub
can be reached is decided by one quick request (:func:`hub_unreachable`), never by the hub
library's own downloader, which retries for most of a minute when there is no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .backends.checkpoints import first_line, is_local
from .config import PipelineConfig, list_presets, load_config
from .errors import ModelNotAvailableError
from .registry import EngineInfo, Registry, given_or_default
from .resources import data_dir

__all__ = [
    "ModelInfo",
    "choose_available",
    "hub_unreachable",
    "is_available",
    "is_cached",
    "missing_model_error",
    "preset_models",
    "pull",
    "pull_command",
    "require_obtainable",
]

# seconds to connect to the hub: offline machines fail at once (DNS) or after this; a reachable
# hub answers a HEAD well within it
PROBE_CONNECT_TIMEOUT = 2.0
PROBE_TIMEOUT = 5.0

LICENCES = {
    "Helsinki-NLP/opus-mt-es-en": "Apache-2.0",
    "Helsinki-NLP/opus-mt-en-es": "Apache-2.0",
    "sshleifer/distilbart-cnn-12-6": "Apache-2.0",
    "facebook/bart-large-cnn": "MIT",
    "Qwen/Qwen2.5-0.5B-Instruct": "Apache-2.0",
    "Qwen/Qwen2.5-1.5B-Instruct": "Apache-2.0",
    "facebook/nllb-200-distilled-600M": "CC-BY-NC-4.0 (non-commercial)",
    "csebuetnlp/mT5_multilingual_XLSum": "CC-BY-NC-SA-4.0 (non-commercial)",
}


@dataclass(frozen=True)
class ModelInfo:
    """One model a preset needs.

    ``kind`` says where it comes from: ``hub`` (downloaded by ``summarize models pull``), ``file``
    (a local file the user provides, e.g. a GGUF model) or ``none`` (the preset runs no model).
    """

    preset: str
    role: str
    model: str
    cached: bool
    licence: str
    kind: str = "hub"


def preset_models(config: PipelineConfig, *, registry: Registry | None = None) -> list[tuple[str, str]]:
    """Return ``(role, model id)`` pairs for the models a configuration's engines run.

    Which engines have models to download is the registry's to say (:attr:`EngineInfo.has_models`).
    """
    return _named_models(config, lambda info: info.has_models, given_or_default(registry))


def preset_files(config: PipelineConfig, *, registry: Registry | None = None) -> list[tuple[str, str]]:
    """Return ``(role, path)`` pairs for the model files (GGUF) a configuration's engines read.

    These are never downloaded: the user puts them on the machine (:attr:`EngineInfo.model_files`).
    """
    return _named_models(config, lambda info: info.model_files, given_or_default(registry))


def _named_models(config: PipelineConfig, wanted: Callable[[EngineInfo], bool],
                  reg: Registry) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if wanted(reg.engine("translate", config.translate.engine)):
        pairs += [(f"translate {d}", m) for d, m in sorted(config.translate.models.items())]
    if wanted(reg.engine("summarize", config.summarize.engine)):
        pairs.append((f"summarize ({config.summarize.engine})", config.summarize.model))
    return pairs


def is_cached(model: str) -> bool:
    """True when the model is a local directory or already in the Hugging Face cache (no network)."""
    if is_local(model):
        return Path(model).expanduser().joinpath("config.json").is_file()
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model, "config.json"), str)


def hub_unreachable(model: str) -> str | None:
    """Why the model hub cannot serve ``model`` right now, or ``None`` when it answers.

    One request for the model's config file, without retries: a connection that fails (no
    network, DNS, refused) or times out means unreachable; any HTTP answer means reachable (a
    404 is left to the loader, which says the model does not exist). With ``HF_HUB_OFFLINE=1``
    nothing is asked.
    """
    import httpx
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return "HF_HUB_OFFLINE is set"
    url = f"{constants.ENDPOINT}/{model}/resolve/main/config.json"
    try:
        httpx.head(url, timeout=httpx.Timeout(PROBE_TIMEOUT, connect=PROBE_CONNECT_TIMEOUT), follow_redirects=True)
    except httpx.HTTPError as exc:
        return f"{constants.ENDPOINT} cannot be reached: {first_line(exc)}"
    return None


def is_available(model: str) -> bool:
    """True when the model is cached, or the hub answers for its config file right now.

    One quick request without retries (see :func:`hub_unreachable`). Only presets that name a
    fallback ask; with ``HF_HUB_OFFLINE=1`` nothing is asked.
    """
    if is_cached(model):
        return True
    if is_local(model):
        return False
    return hub_unreachable(model) is None


def pull_command(config: PipelineConfig) -> str:
    """The ``summarize models pull`` command that downloads this configuration's models."""
    import shlex

    shipped = config.source is None or Path(config.source).parent == data_dir("pipelines")
    return shlex.join(["summarize", "models", "pull", config.name if shipped else str(config.source)])


def missing_model_error(model: str, reason: str, config: PipelineConfig | None = None) -> ModelNotAvailableError:
    """The error for a model that is not cached and cannot be downloaded, with every remedy.

    Args:
        model: the hub id.
        reason: why it cannot be downloaded (one line).
        config: the configuration that needs it (names the preset to pull).
    """
    from huggingface_hub import constants

    command = pull_command(config) if config is not None else "summarize models pull PRESET"
    hint = (f"On a machine with network access run\n  {command}\n"
            "then copy that machine's Hugging Face cache folder (~/.cache/huggingface unless HF_HOME says "
            f"otherwise) to {constants.HF_HOME} here, or anywhere with HF_HOME set to it.\n"
            "Or use the engines that need no downloads: --pipeline offline")
    return ModelNotAvailableError(
        f"model {model} is not in the local cache and cannot be downloaded ({reason})", model=model, hint=hint)


def require_obtainable(config: PipelineConfig, role: str, *, registry: Registry | None = None) -> None:
    """Check, before any loading library tries, that a role's models are cached or downloadable.

    One quick probe for the first model that is not cached (see :func:`hub_unreachable`), so an
    offline machine fails in a second with the remedy instead of after the hub's retries.

    Args:
        config: the configuration in use.
        role: ``translate`` or ``summarize``.
        registry: the engines the configuration names (default: the built-in ones and plugins').

    Raises:
        ModelNotAvailableError: a model is not cached and the hub cannot be reached.
    """
    for model_role, model in preset_models(config, registry=registry):
        if not model_role.startswith(role) or is_local(model) or is_cached(model):
            continue
        reason = hub_unreachable(model)
        if reason is not None:
            raise missing_model_error(model, reason, config)
        return  # the hub answers: the loader downloads whatever is missing


def choose_available(config: PipelineConfig, *,
                     registry: Registry | None = None) -> tuple[PipelineConfig, str | None]:
    """Return the configuration to use and, when it fell back, a one-line reason.

    A configuration without ``fallback`` is returned as is: an explicit neural preset fails
    with a clear error at load time instead of silently changing engines.
    """
    if not config.fallback:
        return config, None
    reg = given_or_default(registry)
    missing: list[str] = []
    for _, model in preset_models(config, registry=reg):
        if not is_available(model):
            missing.append(model)
            break  # one missing model is enough to fall back; don't probe the rest
    if not missing:
        return config, None
    chosen = load_config(config.fallback, registry=reg)
    reason = (f"using the '{chosen.name}' pipeline ({chosen.description.rstrip('.')}) because "
              f"{missing[0]} is not cached and cannot be downloaded; "
              f"run '{pull_command(config)}' to get the neural models")
    return chosen, reason


def list_models(presets: list[str] | None = None, *, registry: Registry | None = None) -> list[ModelInfo]:
    """Describe the models of the given presets (names or TOML paths; default: all shipped ones)."""
    reg = given_or_default(registry)
    infos: list[ModelInfo] = []
    for preset in presets or list_presets():
        config = load_config(preset, registry=reg)
        name = config.name
        pairs = preset_models(config, registry=reg)
        files = preset_files(config, registry=reg)
        if not pairs and not files:
            infos.append(ModelInfo(name, "(none)", "no model downloads", True, "-", kind="none"))
        for role, model in pairs:
            licence = LICENCES.get(model, "local" if is_local(model) else "see the model card")
            infos.append(ModelInfo(name, role, model, is_cached(model), licence))
        for role, path in files:
            infos.append(ModelInfo(name, role, path, Path(path).expanduser().is_file(),
                                   "local file (its own licence)", kind="file"))
    return infos


def pull(preset: str, *, registry: Registry | None = None) -> list[str]:
    """Download a preset's models into the Hugging Face cache; return the models fetched.

    Raises:
        ModelNotAvailableError: when the hub cannot be reached (this command needs network
            access), a download fails, or a local model file the preset names (GGUF) is not there.
    """
    from huggingface_hub import constants, snapshot_download

    reg = given_or_default(registry)
    config = load_config(preset, registry=reg)
    todo = [m for _, m in preset_models(config, registry=reg) if not (is_local(m) or is_cached(m))]
    if todo and (reason := hub_unreachable(todo[0])) is not None:
        raise ModelNotAvailableError(
            f"cannot download {todo[0]}: {reason}", model=todo[0],
            hint=("'summarize models pull' needs network access. Run it on a machine that has it, then copy "
                  "that machine's Hugging Face cache folder (~/.cache/huggingface unless HF_HOME says otherwise) "
                  f"to {constants.HF_HOME} here, or anywhere with HF_HOME set to it; "
                  "or use --pipeline offline, which needs no downloads."))
    fetched: list[str] = []
    missing = [path for _, path in preset_files(config, registry=reg) if not Path(path).expanduser().is_file()]
    for model in todo:
        try:
            snapshot_download(model)
        except Exception as exc:  # hub errors have no common base below Exception
            raise ModelNotAvailableError(f"cannot download {model}: {first_line(exc)}", model=model,
                                         hint="Check the network and the model id, then run the command again.") from exc
        fetched.append(model)
    if missing:
        raise ModelNotAvailableError(
            f"the {config.name!r} preset reads local model files that are not there: {', '.join(dict.fromkeys(missing))}",
            model=missing[0],
            hint=("These files are not downloaded by 'summarize models pull': put a GGUF file at that path, or "
                  "copy the preset to a .toml file with the path of yours and pass it to --pipeline."))
    return fetched
