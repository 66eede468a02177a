"""transformers and torch: devices, dtypes, loading a checkpoint, and a :class:`HFGenerator`.

Everything here imports torch/transformers lazily, inside functions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .. import deadline
from ..config import RuntimeConfig
from ..errors import DeviceError, DeviceMemoryError
from ..text.segment import batches_by_length, restore_order
from .checkpoints import GGUF_SUFFIX, is_local, map_load_errors, require_local_dir, require_local_file
from .generation import DecodingFor, usable_window

__all__ = ["HFGenerator", "load_model", "physical_cores", "resolve_device", "run_halving_on_oom"]

T = TypeVar("T")


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


def load_model(model_id: str, kind: str, device: Any, dtype: Any) -> tuple[Any, Any]:
    """Load a tokenizer and model from a local directory or the hub cache.

    Args:
        model_id: hub id (``Helsinki-NLP/opus-mt-es-en``), local directory, or local ``.gguf`` file
            (a causal LM in llama.cpp's format; needs the ``gguf`` package).
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
    extra: dict[str, Any] = {}
    if model_id.endswith(GGUF_SUFFIX):
        # a GGUF file (llama.cpp's format): transformers dequantizes it (the gguf package reads it)
        file = require_local_file(model_id)
        target, extra = str(file.parent), {"gguf_file": file.name}
    else:
        target = str(require_local_dir(model_id)) if is_local(model_id) else model_id
    with map_load_errors(model_id, corrupt=(SafetensorError,)):
        tokenizer = AutoTokenizer.from_pretrained(target, **extra)
        model = auto.from_pretrained(target, dtype=dtype, **extra)
    # our engines ask for lengths in new tokens; the checkpoint's absolute lengths would clash
    model.generation_config.max_length = None
    model.generation_config.min_length = None
    model.to(device)
    model.eval()
    return tokenizer, model


class HFGenerator:
    """A transformers model behind the :class:`~summarize.backends.generation.Generator` protocol.

    Args:
        tokenizer: the checkpoint's tokenizer.
        model: the loaded model (on its device).
        batch_size: texts per ``generate`` call (length-sorted batches).
        decoder_only: a causal LM: prompts are left-padded, get no special tokens, and only the
            new tokens are decoded.
    """

    def __init__(self, tokenizer: Any, model: Any, *, batch_size: int, decoder_only: bool = False) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.batch_size = batch_size
        self.decoder_only = decoder_only

    @classmethod
    def load(cls, model_id: str, runtime: RuntimeConfig, *, batch_size: int, decoder_only: bool = False
             ) -> HFGenerator:
        """Load a checkpoint on the runtime's device (see :func:`load_model`)."""
        device, dtype = resolve_device(runtime)
        tokenizer, model = load_model(model_id, "causal" if decoder_only else "seq2seq", device, dtype)
        return cls(tokenizer, model, batch_size=batch_size, decoder_only=decoder_only)

    @property
    def window(self) -> int:
        return usable_window(getattr(self.model.config, "max_position_embeddings", None),
                             getattr(self.tokenizer, "model_max_length", None))

    @property
    def prefix(self) -> str:
        params = getattr(self.model.config, "task_specific_params", None) or {}
        return str(params.get("summarization", {}).get("prefix", ""))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def generate(self, texts: Sequence[str], decoding: DecodingFor, *,
                 max_input_tokens: int | None = None) -> list[str]:
        return [text for text, _ in self._run(texts, decoding, max_input_tokens, scored=False)]

    def generate_scored(self, texts: Sequence[str], decoding: DecodingFor, *,
                        max_input_tokens: int | None = None) -> list[tuple[str, float]]:
        return self._run(texts, decoding, max_input_tokens, scored=True)

    def _run(self, texts: Sequence[str], decoding: DecodingFor, max_input_tokens: int | None, *,
             scored: bool) -> list[tuple[str, float]]:
        import torch

        if not texts:
            return []
        limit = max_input_tokens or self.window
        tokenizer, model = self.tokenizer, self.model
        if self.decoder_only:
            tokenizer.padding_side = "left"

        def run(batch: list[str]) -> list[tuple[str, float]]:
            encoded = tokenizer(batch, return_tensors="pt", padding=True, truncation=True, max_length=limit,
                                add_special_tokens=not self.decoder_only)
            encoded = {k: v.to(model.device) for k, v in encoded.items()}
            kwargs = self._kwargs(decoding(int(encoded["input_ids"].shape[1])))
            left = deadline.remaining()
            if left is not None:  # generation stops at the input's deadline; the check below then raises
                kwargs["max_time"] = max(left, 0.01)
            if scored:
                kwargs.update(output_scores=True, return_dict_in_generate=True)
            with torch.inference_mode():
                out = model.generate(**encoded, **kwargs)
            deadline.check("generation")
            sequences = out.sequences if scored else out
            means = self._mean_log_probs(out, kwargs) if scored else [0.0] * len(batch)
            if self.decoder_only:
                sequences = sequences[:, encoded["input_ids"].shape[1]:]
            decoded = [t.strip() for t in tokenizer.batch_decode(sequences, skip_special_tokens=True)]
            return list(zip(decoded, means, strict=True))

        batches = batches_by_length(texts, self.batch_size)
        outputs = []
        for indices in batches:
            deadline.check("generation")
            outputs.append(run_halving_on_oom(run, [texts[i] for i in indices]))
        return restore_order(batches, outputs, len(texts))

    def _mean_log_probs(self, out: Any, kwargs: dict[str, Any]) -> list[float]:
        """Each output's mean log-probability per generated token (padding after the end left out)."""
        beam = (kwargs.get("num_beams") or getattr(self.model.generation_config, "num_beams", 1) or 1) > 1
        transitions = self.model.compute_transition_scores(
            out.sequences, out.scores, getattr(out, "beam_indices", None) if beam else None,
            normalize_logits=not beam)
        generated = out.sequences[:, -transitions.shape[1]:]
        pad = self.model.generation_config.pad_token_id
        mask = transitions.isfinite()
        if pad is not None:
            mask &= generated != pad
        totals = (transitions.float().nan_to_num(0.0) * mask).sum(dim=1)
        return [round(float(t) / max(1, int(n)), 4) for t, n in zip(totals, mask.sum(dim=1), strict=True)]

    def _kwargs(self, decoding: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"max_new_tokens": decoding.max_new_tokens}
        if decoding.min_new_tokens:
            kwargs["min_new_tokens"] = decoding.min_new_tokens
        if decoding.num_beams:
            kwargs["num_beams"] = decoding.num_beams
        if decoding.guard:
            kwargs.update(no_repeat_ngram_size=3, repetition_penalty=1.2)
        if self.decoder_only:
            kwargs["do_sample"] = False
        return kwargs


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a device out-of-memory error (CUDA or MPS), whatever its class."""
    import torch

    return isinstance(exc, torch.cuda.OutOfMemoryError) or (
        isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
    )


def run_halving_on_oom(run: Callable[[list[str]], list[T]], batch: list[str]) -> list[T]:
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
            raise DeviceMemoryError(
                "the device ran out of memory on a single input",
                hint="Use --device cpu, a smaller model, or free GPU memory used by other programs.",
            ) from exc
        middle = len(batch) // 2
        return run_halving_on_oom(run, batch[:middle]) + run_halving_on_oom(run, batch[middle:])
