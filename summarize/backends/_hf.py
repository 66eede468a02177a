"""Shared Hugging Face plumbing: devices, dtypes, model loading with clear errors, generation.

Everything here imports torch/transformers lazily, inside functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..config import RuntimeConfig
from ..errors import DeviceError, ModelLoadError, ModelNotAvailableError
from ..segment import batches_by_length, restore_order

__all__ = ["generate_batched", "load_model", "physical_cores", "resolve_device"]

OFFLINE_HINT = (
    "Download it once with 'summarize models pull' on a machine with network access, "
    "point the preset at a local directory, or use --pipeline offline."
)


def physical_cores() -> int:
    """Physical CPU cores available to this process (hyper-threads share one core's units)."""
    logical = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        siblings = Path("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list").read_text()
        per_core = len(_expand_cpu_list(siblings))
    except OSError:
        per_core = 1
    return max(1, logical // max(1, per_core))


def _expand_cpu_list(text: str) -> list[int]:
    cpus: list[int] = []
    for part in text.strip().split(","):
        lo, _, hi = part.partition("-")
        cpus.extend(range(int(lo), int(hi or lo) + 1))
    return cpus


def resolve_device(runtime: RuntimeConfig) -> tuple[Any, Any]:
    """Turn the runtime settings into a ``(torch.device, torch.dtype)`` pair.

    ``auto`` picks CUDA, then MPS, then CPU; dtype ``auto`` is bf16 on GPUs that support it,
    fp16 on other GPUs and MPS, fp32 on CPU.

    Raises:
        DeviceError: when the asked-for device is not present.
    """
    import torch

    if runtime.threads:
        torch.set_num_threads(runtime.threads)
    elif torch.get_num_threads() > physical_cores():
        torch.set_num_threads(physical_cores())
    name = runtime.device
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceError(
                f"device {name!r} was asked for, but no CUDA GPU is available",
                hint="Use --device cpu (or auto), or install a CUDA build of PyTorch on a GPU machine.",
            )
        index = int(name.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise DeviceError(f"device {name!r} does not exist: this machine has {torch.cuda.device_count()} GPU(s)")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise DeviceError("device 'mps' was asked for, but Metal is not available", hint="Use --device cpu.")
    device = torch.device(name)
    return device, _dtype(runtime.dtype, device)


def _dtype(name: str, device: Any) -> Any:
    import torch

    if name != "auto":
        return getattr(torch, name)
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "mps":
        return torch.float16
    return torch.float32


def is_local(model: str) -> bool:
    """True when ``model`` names a local directory rather than a hub id."""
    return model.startswith((".", "/", "~")) or Path(model).expanduser().is_dir()


def load_model(model_id: str, kind: str, device: Any, dtype: Any) -> tuple[Any, Any]:
    """Load a tokenizer and model from a local directory or the hub cache.

    Args:
        model_id: hub id (``Helsinki-NLP/opus-mt-es-en``) or local directory.
        kind: ``seq2seq`` or ``causal``.
        device: a torch device.
        dtype: a torch dtype.

    Raises:
        ModelNotAvailableError: not cached and cannot be downloaded.
        ModelLoadError: present but corrupt or of the wrong kind.
    """
    from safetensors import SafetensorError
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    auto = AutoModelForSeq2SeqLM if kind == "seq2seq" else AutoModelForCausalLM
    target = str(Path(model_id).expanduser()) if is_local(model_id) else model_id
    if is_local(model_id) and not Path(target).is_dir():
        raise ModelNotAvailableError(f"model directory {model_id} does not exist", model=model_id,
                                     hint="Check the path in the preset.")
    try:
        tokenizer = AutoTokenizer.from_pretrained(target)
        model = auto.from_pretrained(target, dtype=dtype)
    except OSError as exc:
        if is_local(model_id):
            raise ModelLoadError(f"cannot load model from {model_id}: {_first_line(exc)}", model=model_id,
                                 hint="The directory is incomplete or corrupt; download the model again.") from exc
        raise ModelNotAvailableError(
            f"model {model_id} is not in the local cache and cannot be downloaded ({_first_line(exc)})",
            model=model_id, hint=OFFLINE_HINT) from exc
    except (ValueError, KeyError, RuntimeError, SafetensorError) as exc:
        raise ModelLoadError(f"cannot load model {model_id}: {_first_line(exc)}", model=model_id,
                             hint="The files are corrupt or not a model of the expected kind.") from exc
    # our engines ask for lengths in new tokens; the checkpoint's absolute lengths would clash
    model.generation_config.max_length = None
    model.generation_config.min_length = None
    model.to(device)
    model.eval()
    return tokenizer, model


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def model_window(tokenizer: Any, model: Any, default: int = 512) -> int:
    """The longest input, in tokens, that the model takes."""
    limits = [getattr(model.config, "max_position_embeddings", None), getattr(tokenizer, "model_max_length", None)]
    usable = [int(v) for v in limits if isinstance(v, int) and 0 < v < 1_000_000]
    return min(usable) if usable else default


def generate_batched(
    texts: Sequence[str],
    *,
    tokenizer: Any,
    model: Any,
    batch_size: int,
    gen_kwargs: Callable[[Any], dict[str, Any]],
    max_input_tokens: int,
    decoder_only: bool = False,
) -> list[str]:
    """Generate for many texts in length-sorted batches and return outputs in input order.

    Args:
        texts: prompts or source texts, each already within ``max_input_tokens``.
        tokenizer: its tokenizer (left padding is set for decoder-only models).
        model: the model.
        batch_size: texts per ``generate`` call.
        gen_kwargs: given the batch's ``input_ids``, returns ``generate`` keyword arguments.
        max_input_tokens: truncation guard; callers split texts so it never cuts.
        decoder_only: decode only the new tokens (causal LMs).
    """
    import torch

    if not texts:
        return []
    batches = batches_by_length(texts, batch_size)
    if decoder_only:
        tokenizer.padding_side = "left"

    def run(batch: list[str]) -> list[str]:
        encoded = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=max_input_tokens,
                            add_special_tokens=not decoder_only)
        encoded = {k: v.to(model.device) for k, v in encoded.items()}
        with torch.inference_mode():
            generated = model.generate(**encoded, **gen_kwargs(encoded["input_ids"]))
        if decoder_only:
            generated = generated[:, encoded["input_ids"].shape[1]:]
        return [t.strip() for t in tokenizer.batch_decode(generated, skip_special_tokens=True)]

    outputs = [run_halving_on_oom(run, [texts[i] for i in indices]) for indices in batches]
    return restore_order(batches, outputs, len(texts))


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a device out-of-memory error (CUDA or MPS), whatever its class."""
    import torch

    return isinstance(exc, torch.cuda.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )


def run_halving_on_oom(run: Callable[[list[str]], list[str]], batch: list[str]) -> list[str]:
    """Run a batch; when the device runs out of memory, retry it as two halves, down to one item.

    Raises:
        DeviceError: when even a single item does not fit.
    """
    import torch

    try:
        return run(batch)
    except (RuntimeError, torch.cuda.OutOfMemoryError) as exc:
        if not is_out_of_memory(exc):
            raise
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        if len(batch) == 1:
            raise DeviceError(
                "the device ran out of memory on a single input",
                hint="Use --device cpu, a smaller model, or free GPU memory used by other programs.",
            ) from exc
        middle = len(batch) // 2
        return run_halving_on_oom(run, batch[:middle]) + run_halving_on_oom(run, batch[middle:])
