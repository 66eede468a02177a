"""What models each preset uses, whether they are cached, their licences, and downloading them.

Model ids come from presets only: nothing here queries a hub to choose a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .backends.checkpoints import OFFLINE_HINT, is_local
from .config import PipelineConfig, list_presets, load_config
from .errors import ModelNotAvailableError
from .registry import registry

__all__ = ["ModelInfo", "choose_available", "is_available", "is_cached", "preset_models", "pull"]

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
    """One model a preset needs."""

    preset: str
    role: str
    model: str
    cached: bool
    licence: str


def preset_models(config: PipelineConfig) -> list[tuple[str, str]]:
    """Return ``(role, model id)`` pairs for the models a configuration's engines run.

    Which engines have models to download is the registry's to say (:attr:`EngineInfo.has_models`).
    """
    reg = registry()
    pairs: list[tuple[str, str]] = []
    if reg.engine("translate", config.translate.engine).has_models:
        pairs += [(f"translate {d}", m) for d, m in sorted(config.translate.models.items())]
    if reg.engine("summarize", config.summarize.engine).has_models:
        pairs.append((f"summarize ({config.summarize.engine})", config.summarize.model))
    return pairs


def is_cached(model: str) -> bool:
    """True when the model is a local directory or already in the Hugging Face cache (no network)."""
    if is_local(model):
        return Path(model).expanduser().joinpath("config.json").is_file()
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(model, "config.json"), str)


def is_available(model: str) -> bool:
    """True when the model is cached, or the hub answers for its config file right now.

    One quick request without retries (huggingface_hub's own downloader retries for about half a
    minute when there is no network). Only presets that name a fallback ask; with
    ``HF_HUB_OFFLINE=1`` nothing is asked.
    """
    if is_cached(model):
        return True
    if is_local(model):
        return False
    import httpx
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = f"{constants.ENDPOINT}/{model}/resolve/main/config.json"
    try:
        response = httpx.head(url, timeout=PROBE_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError:
        return False
    return response.status_code < 400


def choose_available(config: PipelineConfig) -> tuple[PipelineConfig, str | None]:
    """Return the configuration to use and, when it fell back, a one-line reason.

    A configuration without ``fallback`` is returned as is: an explicit neural preset fails
    with a clear error at load time instead of silently changing engines.
    """
    if not config.fallback:
        return config, None
    missing: list[str] = []
    for _, model in preset_models(config):
        if not is_available(model):
            missing.append(model)
            break  # one missing model is enough to fall back; don't probe the rest
    if not missing:
        return config, None
    chosen = load_config(config.fallback)
    reason = (f"using the '{chosen.name}' pipeline ({chosen.description.rstrip('.')}) because "
              f"{missing[0]} is not cached and cannot be downloaded; "
              "run 'summarize models pull' to get the neural models")
    return chosen, reason


def list_models(presets: list[str] | None = None) -> list[ModelInfo]:
    """Describe the models of the given presets (names or TOML paths; default: all shipped ones)."""
    infos: list[ModelInfo] = []
    for preset in presets or list_presets():
        config = load_config(preset)
        name = config.name
        pairs = preset_models(config)
        if not pairs:
            infos.append(ModelInfo(name, "(none)", "no model downloads", True, "-"))
        for role, model in pairs:
            licence = LICENCES.get(model, "local" if is_local(model) else "see the model card")
            infos.append(ModelInfo(name, role, model, is_cached(model), licence))
    return infos


def pull(preset: str) -> list[str]:
    """Download a preset's models into the Hugging Face cache; return the models fetched.

    Raises:
        ModelNotAvailableError: when a download fails.
    """
    from huggingface_hub import snapshot_download

    fetched: list[str] = []
    for _, model in preset_models(load_config(preset)):
        if is_local(model) or is_cached(model):
            continue
        try:
            snapshot_download(model)
        except Exception as exc:  # hub errors have no common base below Exception
            raise ModelNotAvailableError(f"cannot download {model}: {exc}", model=model, hint=OFFLINE_HINT) from exc
        fetched.append(model)
    return fetched
