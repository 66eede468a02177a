"""What will run on this machine: engines and libraries, devices, cached models, the caches.

``summarize doctor`` prints :func:`diagnose`'s report; the pipeline line the other commands print
uses :func:`describe_device`. Nothing here downloads anything; the one network request is the
``auto`` preset's own quick hub probe (skipped with ``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import PipelineConfig, RuntimeConfig, TranslateConfig, load_config
from .errors import SummarizeError
from .registry import Registry, given_or_default

__all__ = ["Check", "Report", "describe_device", "diagnose", "render_report", "unused_runtime_options"]

TORCH_ENGINES = ("marian", "seq2seq", "instruct")  # built-in engines that run on torch
CT2_ENGINES = ("ctranslate2",)


@dataclass(frozen=True)
class Check:
    """One thing that is installed and usable here, or not.

    Attributes:
        name: what was looked for.
        ok: whether it is usable.
        detail: its version, or why it is not usable.
        enables: what it is for.
        remedy: how to get it (empty when ``ok``).
    """

    name: str
    ok: bool
    detail: str
    enables: str
    remedy: str = ""


@dataclass(frozen=True)
class ModelRow:
    """One model a preset runs, whether it is cached, its size on disk and licence."""

    preset: str
    role: str
    model: str
    cached: bool
    size_bytes: int
    licence: str
    kind: str = "hub"


@dataclass(frozen=True)
class Report:
    """Everything ``summarize doctor`` says; serializes to JSON with :func:`dataclasses.asdict`."""

    version: str
    checks: list[Check]
    devices: dict[str, str]
    auto: dict[str, str]
    models: list[ModelRow]
    caches: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return asdict(self)


def _engines_of(config: PipelineConfig) -> list[tuple[str, str]]:
    return [("translate", config.translate.engine), ("summarize", config.summarize.engine)]


def _runs_models(config: PipelineConfig, reg: Registry) -> bool:
    return any(reg.engine(role, name).has_models for role, name in _engines_of(config))


def unused_runtime_options(config: PipelineConfig, given: Mapping[str, str | None], *,
                           registry: Registry | None = None) -> list[str]:
    """Warnings for runtime options that no engine of ``config`` uses.

    Args:
        config: the configuration in use (after any fallback).
        given: the options the user set (``{"device": "cuda", "dtype": None}``).
        registry: the engines ``config`` names (default: the built-in ones and plugins').

    Returns:
        One sentence per option that cannot apply (a device for engines that run no model).
    """
    if _runs_models(config, given_or_default(registry)):
        return []
    engines = " and ".join(name for _, name in _engines_of(config))
    return [f"--{key} {value} does not apply: the {config.name!r} pipeline's engines ({engines}) run no model "
            "on a device; it is ignored" for key, value in given.items() if value is not None]


def describe_device(config: PipelineConfig, *, registry: Registry | None = None) -> str:
    """Say which engines a configuration runs and on what device and precision, as resolved here.

    A device this process cannot resolve (a batch driver without the GPU its Ray actors have, a
    runtime not installed) is said as configured, with why; loading the models reports it as an
    error where it matters.
    """
    engines = f"{config.translate.engine} translation, {config.summarize.engine} summaries"
    if not _runs_models(config, given_or_default(registry)):
        return f"{engines}; no models to load"
    try:
        where = _resolved(config.runtime, [n for _, n in _engines_of(config)])
    except SummarizeError as exc:
        where = f"device {config.runtime.device} (not usable in this process: {exc.message})"
    return f"{engines} on {where}; loading models"


def _resolved(runtime: RuntimeConfig, engines: list[str]) -> str:
    parts: list[str] = []
    if any(e in TORCH_ENGINES for e in engines):
        from .backends.hf import resolve_device

        device, dtype = resolve_device(runtime)
        parts.append(f"{device} ({str(dtype).removeprefix('torch.')})")
    if any(e in CT2_ENGINES for e in engines):
        from .backends.ct2 import resolve_device as ct2_device

        found = ct2_device(runtime)
        where = found.name if found.name == "cpu" else f"{found.name}:{found.index}"
        parts.append(f"{where} ({found.compute_type}, CTranslate2)")
    return ", ".join(parts) or f"device {runtime.device}"


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _library(name: str, dist: str, enables: str, remedy: str) -> Check:
    version = _version(dist) if importlib.util.find_spec(name) is not None else None
    if version is None:
        return Check(dist, False, "not installed", enables, remedy)
    return Check(dist, True, version, enables)


def _apertium() -> Check:
    from .backends.apertium.engine import INSTALL_HINT, PACKAGE, ApertiumTranslator

    engine = ApertiumTranslator(TranslateConfig(), RuntimeConfig())
    enables = "offline rule-based translation (the offline pipeline, auto's fallback)"
    try:
        engine.load()
    except SummarizeError as exc:
        return Check("apertium", False, exc.message, enables, INSTALL_HINT)
    return Check("apertium", True, engine.describe("es-en")["model"] or PACKAGE, enables)


def _gpu() -> Check:
    enables = "neural engines on a GPU (--device cuda, the gpu preset)"
    if importlib.util.find_spec("torch") is None:
        return Check("gpu", False, "torch is not installed", enables, "pip install summarize")
    import torch

    if torch.cuda.is_available():
        names = ", ".join(f"cuda:{i} {torch.cuda.get_device_name(i)}" for i in range(torch.cuda.device_count()))
        bf16 = "bf16" if torch.cuda.is_bf16_supported() else "fp16 (no bf16)"
        return Check("gpu", True, f"{names}; {bf16}", enables)
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return Check("gpu", True, "mps (Apple Metal); fp16", enables)
    build = "a CPU-only build of torch" if torch.version.cuda is None else f"CUDA {torch.version.cuda}, no GPU visible"
    return Check("gpu", False, f"none ({build})", enables,
                 "On a machine with an NVIDIA GPU install a CUDA build of torch (https://pytorch.org).")


def _llamacpp_cpu(model: str | None, reg: Registry | None = None) -> Check:
    """Whether the installed llama.cpp runs on this CPU: its build's features, and a two-token try in a child."""
    from .backends.llamacpp_check import check_llamacpp

    model = model or _first_gguf(given_or_default(reg))
    found = check_llamacpp(model)
    uses = " ".join(found.build) or "no SIMD features"
    detail = f"built for {uses}"
    if found.refused:
        detail += f"; this CPU refuses {' '.join(found.refused)}"
    tried = f"two-token completion with {model}" if model else "two-token completion"
    detail += f"; {tried}: {found.completion}" + (f" ({found.detail})" if found.detail else "")
    remedy = "" if found.ok else _llama_remedy(found)
    return Check("llama.cpp on this CPU", found.ok, detail, "the llamacpp engines run here without a crash", remedy)


def _llama_remedy(found: Any) -> str:
    """What to do about a llama.cpp that failed its check, by how it failed."""
    from .backends.llamacpp_check import PORTABLE_CMAKE_ARGS

    rebuild = (f'rebuild it portably: CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install --no-cache-dir --force-reinstall '
               f"--no-deps llama-cpp-python=={_version('llama-cpp-python')} (or: make llama)")
    if found.refused or "SIGILL" in found.completion:
        return rebuild
    if "SIGKILL" in found.completion:
        return "it was killed, most likely for want of memory: free some, or try a smaller GGUF file (--gguf)"
    if found.completion == "timed out":
        return "it did not answer in time: try again on an idle machine, or with a smaller GGUF file (--gguf)"
    if found.completion == "failed":
        return "it failed with the error above: is the --gguf file a GGUF model? Otherwise " + rebuild
    return rebuild


def _first_gguf(reg: Registry) -> str | None:
    """The first GGUF file a preset names that is on this machine."""
    from .models import list_models

    for info in list_models(registry=reg):
        if info.kind == "file" and Path(info.model).expanduser().is_file():
            return str(Path(info.model).expanduser())
    return None


def _checks(gguf: str | None, reg: Registry) -> list[Check]:
    llama = [_llamacpp_cpu(gguf, reg)] if importlib.util.find_spec("llama_cpp") is not None else []
    return [
        _apertium(),
        _library("torch", "torch", "the neural engines (marian, seq2seq, instruct)", "pip install summarize"),
        _library("transformers", "transformers", "loading the neural models", "pip install summarize"),
        _library("ctranslate2", "ctranslate2", "the default presets' engine: the models on CTranslate2 (int8 on CPU)",
                 "pip install summarize (a core dependency; reinstall it)"),
        _gpu(),
        _library("llama_cpp", "llama-cpp-python", "the llamacpp engines (local GGUF chat models, the llamacpp preset)",
                 "pip install 'summarize[llm]' (builds llama.cpp from source where no wheel fits: minutes)"),
        *llama,
        _library("gguf", "gguf", "GGUF files in the transformers engines (instruct with gguf_file)",
                 "pip install 'summarize[llm]'"),
        _openai_server(),
        _library("ray", "ray", "summarize batch --engine ray", "pip install 'summarize[ray]'"),
        _library("fastapi", "fastapi", "summarize serve (the HTTP service)", "pip install 'summarize[serve]'"),
        _library("sacrebleu", "sacrebleu", "summarize eval translate", "pip install 'summarize[eval]'"),
        _library("rouge_score", "rouge-score", "summarize eval summarize", "pip install 'summarize[eval]'"),
    ]


def _openai_server() -> Check:
    """Whether the openai preset has a server address; the server itself is not asked (no request)."""
    from .backends.openai_api import OpenAIOptions

    env = OpenAIOptions().base_url_env
    url = os.environ.get(env, "").strip()
    enables = "the openai engines (an OpenAI-compatible server: vLLM, the llama.cpp server, Ollama)"
    if not url:
        return Check("openai server", False, f"{env} is not set", enables,
                     f"export {env}=http://localhost:8000/v1 (your server's API root), or base_url in a preset")
    return Check("openai server", True, f"{env}={url} (not contacted)", enables)


def _devices() -> dict[str, str]:
    runtime = RuntimeConfig()
    out: dict[str, str] = {}
    try:
        out["torch"] = f"auto -> {_resolved(runtime, ['marian'])}"
    except (SummarizeError, ImportError) as exc:
        out["torch"] = f"unusable: {exc}"
    if importlib.util.find_spec("ctranslate2") is not None:
        try:
            out["ctranslate2"] = f"auto -> {_resolved(runtime, ['ctranslate2'])}"
        except SummarizeError as exc:
            out["ctranslate2"] = f"unusable: {exc}"
    out["dtype choices"] = "auto (bf16 on GPUs that have it, fp16 on other GPUs and mps, fp32 on CPU), " \
                           "float32, bfloat16, float16 (--dtype)"
    return out


def _auto(reg: Registry) -> dict[str, str]:
    from .models import choose_available

    asked = load_config("auto", registry=reg)
    chosen, reason = choose_available(asked, registry=reg)
    if reason is None:
        why = "its models are cached or the model hub answers"
        return {"uses": chosen.name, "why": why}
    return {"uses": chosen.name, "why": reason}


def _snapshot_sizes() -> dict[str, int]:
    """Size on disk of each model in the Hugging Face cache (no network)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except CacheNotFound:
        return {}
    return {repo.repo_id: repo.size_on_disk for repo in info.repos}


def _models(reg: Registry) -> list[ModelRow]:
    from .models import list_models

    sizes = _snapshot_sizes()
    rows: list[ModelRow] = []
    for info in list_models(registry=reg):
        size = sizes.get(info.model, 0)
        if info.cached and not size and info.kind != "none" and Path(info.model).expanduser().exists():
            size = _folder_size(Path(info.model).expanduser())
        rows.append(ModelRow(info.preset, info.role, info.model, info.cached, size, info.licence, info.kind))
    return rows


def _folder_size(folder: Path) -> int:
    if folder.is_file():
        return folder.stat().st_size
    if not folder.is_dir():
        return 0
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _caches() -> dict[str, dict[str, Any]]:
    from huggingface_hub import constants

    from .backends.cache import CACHE_FILE, default_cache_dir
    from .backends.ct2 import cache_root

    text = default_cache_dir()
    hub = Path(constants.HF_HUB_CACHE)
    converted = cache_root()
    return {
        "translation cache": {"path": str(text / CACHE_FILE), "size_bytes": _folder_size(text / CACHE_FILE),
                              "set with": "--cache-dir or SUMMARIZE_CACHE_DIR; --no-cache skips it"},
        "model cache": {"path": str(hub), "size_bytes": _folder_size(hub),
                        "set with": "HF_HOME (copy this folder to move models to a machine without network)"},
        "converted models": {"path": str(converted), "size_bytes": _folder_size(converted),
                             "set with": "the CTranslate2 conversions of --fast"},
    }


def diagnose(*, gguf: str | None = None, registry: Registry | None = None) -> Report:
    """Look at this machine: what is installed, which devices, which models are cached, the caches.

    Args:
        gguf: a GGUF file for llama.cpp's two-token check (default: the first one a preset names
            that is here).
        registry: the engines the presets name (default: the built-in ones and plugins').
    """
    from ._version import __version__

    reg = given_or_default(registry)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return Report(__version__, _checks(gguf, reg), _devices(), _auto(reg), _models(reg), _caches())


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


def render_report(report: Report) -> str:
    """The report as text for a terminal."""
    lines = [f"summarize {report.version}", "", "Engines and libraries"]
    width = max(len(c.name) for c in report.checks)
    for c in report.checks:
        lines.append(f"  {'ok' if c.ok else 'missing':7}  {c.name:{width}}  {c.detail}")
        lines.append(f"  {'':7}  {'':{width}}  for: {c.enables}")
        if c.remedy:
            lines.append(f"  {'':7}  {'':{width}}  get it: {c.remedy}")
    lines += ["", "Devices"] + [f"  {k}: {v}" for k, v in report.devices.items()]
    lines += ["", "The auto preset (the default)", f"  uses {report.auto['uses']!r} now: {report.auto['why']}"]
    rows = [("PRESET", "ROLE", "MODEL", "CACHED", "SIZE", "LICENCE")]
    rows += [(m.preset, m.role, m.model, "yes" if m.cached else "no", _size(m.size_bytes) if m.cached and m.size_bytes else "-",
              m.licence) for m in report.models]
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    lines += ["", "Models"]
    lines += ["  " + "  ".join(cell.ljust(widths[c]) for c, cell in enumerate(r[:5])) + "  " + r[5] for r in rows]
    missing = sorted({m.preset for m in report.models if not m.cached and m.kind == "hub"})
    if missing:
        lines.append(f"  not cached: on a machine with network run 'summarize models pull PRESET' ({', '.join(missing)})")
    absent = sorted({m.preset for m in report.models if not m.cached and m.kind == "file"})
    if absent:
        lines.append(f"  local files not found ({', '.join(absent)}): put a GGUF model at the path shown, or pass "
                     "--pipeline a .toml copy of the preset with your file's path")
    lines += ["", "Caches"]
    for name, info in report.caches.items():
        lines.append(f"  {name}: {info['path']} ({_size(info['size_bytes'])}); {info['set with']}")
    return "\n".join(lines)
