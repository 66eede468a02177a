"""CTranslate2 plumbing: convert a checkpoint once, cache it, load it, run batches through it.

A converted model lives in its own folder of the cache (``$SUMMARIZE_CT2_CACHE``, by default
``summarize-ct2`` beside the Hugging Face hub cache): the CTranslate2 weights in the compute type,
the checkpoint's tokenizer, and ``summarize.json`` with what generation needs from the
checkpoint's configuration. Loading reads only that folder, so a converted model starts without
PyTorch: the tokenizer is the checkpoint's own Hugging Face tokenizer, loaded by its class.

Everything heavy (ctranslate2, transformers, torch for the conversion) is imported lazily.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import deadline
from ..config import RuntimeConfig
from ..errors import DeviceError, EngineUnavailableError, ModelLoadError, SummarizeError
from ..text.segment import batches_by_length, batches_by_tokens, batches_of_equal_length, restore_order
from .checkpoints import fingerprint, first_line, is_local, map_load_errors, require_local_dir
from .generation import DecodingFor, usable_window
from .hf import physical_cores

__all__ = ["CT2Generator", "CT2Model", "Device", "cache_root", "converted_model", "load_ct2", "resolve_device"]

CACHE_ENV = "SUMMARIZE_CT2_CACHE"
METADATA = "summarize.json"
METADATA_VERSION = 1
INSTALL_HINT = "Install it with: pip install 'summarize[fast]' (or pip install 'ctranslate2>=4.0')."


def _ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as exc:
        raise EngineUnavailableError("the ctranslate2 engine needs the ctranslate2 package, which is not installed",
                                     hint=INSTALL_HINT) from exc
    return ctranslate2


def cache_root() -> Path:
    """Where converted models are kept: ``$SUMMARIZE_CT2_CACHE``, else beside the hub cache."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    hf_home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "huggingface")
    return Path(hf_home).expanduser() / "summarize-ct2"


@dataclass(frozen=True)
class Device:
    """Where a CTranslate2 model runs and in what precision."""

    name: str
    index: int
    compute_type: str
    threads: int


def resolve_device(runtime: RuntimeConfig) -> Device:
    """Turn the runtime settings into a CTranslate2 device, compute type and thread count.

    ``auto`` picks CUDA when CTranslate2 sees a GPU; compute type ``auto`` is int8 on CPU and
    int8_float16 on GPU; threads default to the physical cores.

    Raises:
        DeviceError: the device is absent or not one CTranslate2 runs on, or it cannot compute
            in the asked-for type.
    """
    ct2 = _ctranslate2()
    gpus = ct2.get_cuda_device_count()
    name = runtime.device
    if name == "auto":
        name = "cuda" if gpus else "cpu"
    if name == "mps":
        raise DeviceError("the ctranslate2 engine runs on cpu or cuda, not mps",
                          hint="Use --device cpu, or the marian/seq2seq engines (drop --fast) on Apple GPUs.")
    kind, _, number = name.partition(":")
    index = int(number or 0)
    if kind == "cuda" and index >= gpus:
        raise DeviceError(
            f"device {name!r} was asked for, but CTranslate2 sees {gpus} CUDA GPU(s)",
            hint="Use --device cpu (or auto), or install a CUDA build of ctranslate2 on a GPU machine.")
    compute = runtime.compute_type
    if compute == "auto":
        compute = "int8_float16" if kind == "cuda" else "int8"
    supported = sorted(ct2.get_supported_compute_types(kind, index))
    if compute not in supported:
        raise DeviceError(f"CTranslate2 cannot compute in {compute} on {name}",
                          hint=f"Use --compute-type with one of: {', '.join(supported)}.")
    return Device(kind, index, compute, runtime.threads or physical_cores())


def converted_model(model_id: str, quantization: str, *, root: Path | None = None) -> Path:
    """Return the folder of ``model_id`` converted to ``quantization``, converting it on first use.

    Args:
        model_id: hub id or local directory of a transformers checkpoint.
        quantization: a CTranslate2 compute type (``int8``, ``float32``, ``int8_float16``, ...).
        root: the cache folder (default: :func:`cache_root`).

    Raises:
        ModelNotAvailableError: the checkpoint is neither local nor downloadable.
        ModelLoadError: it cannot be converted.
        EngineUnavailableError: ctranslate2 is not installed.
    """
    if is_local(model_id):
        require_local_dir(model_id)
    root = root or cache_root()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id.strip("/").replace("/", "--"))[-60:].strip("-.")
    digest = hashlib.sha256(fingerprint(model_id).encode()).hexdigest()[:12]
    target = root / f"{slug}-{digest}-{quantization}"
    if (target / METADATA).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".tmp-{target.name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        _convert(model_id, work, quantization)
        try:
            work.rename(target)
        except OSError:
            if not (target / METADATA).is_file():  # not a concurrent conversion that won the race
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _convert(model_id: str, out: Path, quantization: str) -> None:
    converters = _ctranslate2().converters
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    class Converter(converters.TransformersConverter):  # type: ignore[misc,name-defined]
        def load_model(self, model_class: Any, name: str, **kwargs: Any) -> Any:
            config = kwargs.get("config")
            # transformers 5 dropped BartConfig.normalize_before (BART is post-norm); ctranslate2 4 still reads it
            if config is not None and config.model_type == "bart" and not hasattr(config, "normalize_before"):
                config.normalize_before = False
            return super().load_model(model_class, name, **kwargs)

    source = str(Path(model_id).expanduser()) if is_local(model_id) else model_id
    with map_load_errors(model_id, action="convert", corrupt=(NotImplementedError, AttributeError),
                         corrupt_hint="Use the marian/seq2seq engines for this model (drop --fast)."):
        config = AutoConfig.from_pretrained(source)
        try:
            generation = GenerationConfig.from_pretrained(source)
        except OSError:
            generation = GenerationConfig.from_model_config(config)
        tokenizer = AutoTokenizer.from_pretrained(source)
        Converter(source).convert(str(out), quantization=quantization, force=True)
    tokenizer.save_pretrained(out / "tokenizer")
    meta = _metadata(model_id, quantization, config, generation, tokenizer, _target_vocabulary(out))
    (out / METADATA).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _target_vocabulary(folder: Path) -> set[str]:
    for name in ("target_vocabulary.json", "shared_vocabulary.json"):
        if (folder / name).is_file():
            return set(json.loads((folder / name).read_text(encoding="utf-8")))
    for name in ("target_vocabulary.txt", "shared_vocabulary.txt"):
        if (folder / name).is_file():
            return set((folder / name).read_text(encoding="utf-8").split("\n"))
    return set()


def _metadata(model_id: str, quantization: str, config: Any, generation: Any, tokenizer: Any,
              vocabulary: set[str]) -> dict[str, Any]:
    """What decoding needs from the checkpoint, in tokens (so loading needs no transformers config)."""

    def token(token_id: int | None) -> str | None:
        return None if token_id is None else str(tokenizer.convert_ids_to_tokens(int(token_id)))

    # the converter drops tokens that cannot be generated anyway (Marian's <pad>): nothing to suppress then
    banned = [[str(t) for t in tokenizer.convert_ids_to_tokens(ids)] for ids in generation.bad_words_ids or []]
    params = getattr(config, "task_specific_params", None) or {}
    return {
        "version": METADATA_VERSION,
        "model": model_id,
        "quantization": quantization,
        "max_positions": getattr(config, "max_position_embeddings", None),
        "prefix": str(params.get("summarization", {}).get("prefix", "")),
        "num_beams": int(generation.num_beams or 1),
        "length_penalty": float(generation.length_penalty if generation.length_penalty is not None else 1.0),
        "no_repeat_ngram_size": int(generation.no_repeat_ngram_size or 0),
        "repetition_penalty": float(generation.repetition_penalty or 1.0),
        "forced_bos_token": token(generation.forced_bos_token_id),
        "forced_eos": generation.forced_eos_token_id is not None,
        "suppress": [seq for seq in banned if all(t in vocabulary for t in seq)],
    }


def _load_tokenizer(folder: Path) -> Any:
    """The checkpoint's Hugging Face tokenizer, by its class: AutoTokenizer would import torch."""
    settings_file = folder / "tokenizer_config.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8")) if settings_file.is_file() else {}
    if str(settings.get("tokenizer_class", "")).startswith("Marian"):
        from transformers.models.marian.tokenization_marian import MarianTokenizer

        return MarianTokenizer.from_pretrained(str(folder))
    if (folder / "tokenizer.json").is_file():
        from transformers import PreTrainedTokenizerFast

        return PreTrainedTokenizerFast.from_pretrained(str(folder))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))


@dataclass
class CT2Model:
    """A loaded CTranslate2 encoder-decoder with its tokenizer and decoding defaults."""

    model_id: str
    translator: Any
    tokenizer: Any
    meta: dict[str, Any]
    device: Device

    @property
    def window(self) -> int:
        """The longest input, in tokens, that the model takes."""
        return usable_window(self.meta.get("max_positions"), getattr(self.tokenizer, "model_max_length", None))

    def count_tokens(self, text: str) -> int:
        """Tokens the text takes in the model's input."""
        return len(self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def decoding_options(self, min_new: int, max_new: int, num_beams: int | None, *, guard: bool) -> dict[str, Any]:
        """CTranslate2 options for what ``generate(min_new_tokens=, max_new_tokens=)`` does in transformers.

        transformers counts the forced first token in the new tokens and, with ``forced_eos``,
        spends the last one on the end token; CTranslate2 counts the prefix and drops the end
        token, so its maximum is one less. Greedy outputs then match token for token.
        """
        longest = max(1, max_new - 1 if self.meta.get("forced_eos") else max_new)
        options: dict[str, Any] = {
            "beam_size": num_beams or self.meta.get("num_beams", 1),
            "length_penalty": self.meta.get("length_penalty", 1.0),
            "no_repeat_ngram_size": self.meta.get("no_repeat_ngram_size", 0),
            "repetition_penalty": self.meta.get("repetition_penalty", 1.0),
            "max_decoding_length": longest,
            "min_decoding_length": min(min_new, longest),
        }
        if self.meta.get("suppress"):
            options["suppress_sequences"] = self.meta["suppress"]
        if guard:
            options.update(no_repeat_ngram_size=3, repetition_penalty=1.2)
        return options

    def generate(self, texts: Sequence[str], options: Callable[[int], dict[str, Any]], *, batch_size: int,
                 batch_tokens: int | None) -> list[str]:
        """Generate for many texts in length-sorted batches; decoded outputs in input order.

        Args:
            texts: inputs, each within :attr:`window` tokens (longer ones are truncated).
            options: given a batch's longest input in tokens, returns :meth:`decoding_options`.
            batch_size: items a batch when ``batch_tokens`` is ``None``.
            batch_tokens: padded input tokens a batch (batching by tokens).
        """
        return [text for text, _ in self.generate_scored(texts, options, batch_size=batch_size,
                                                          batch_tokens=batch_tokens)]

    def generate_scored(self, texts: Sequence[str], options: Callable[[int], dict[str, Any]], *, batch_size: int,
                        batch_tokens: int | None) -> list[tuple[str, float]]:
        """Like :meth:`generate`, with each output's mean token log-probability (CTranslate2's
        ``return_scores``, the hypothesis's summed log-probability, over its tokens)."""
        scored = self._generate(texts, options, batch_size=batch_size, batch_tokens=batch_tokens)
        if not scored:
            return []
        decoded = self.tokenizer.batch_decode([ids for ids, _ in scored], skip_special_tokens=True)
        return [(t.strip(), score) for t, (_, score) in zip(decoded, scored, strict=True)]

    def generate_ids(self, texts: Sequence[str], options: Callable[[int], dict[str, Any]], *, batch_size: int,
                     batch_tokens: int | None) -> list[list[int]]:
        """Like :meth:`generate`, but return each output's token ids (forced first token included)."""
        return [ids for ids, _ in self._generate(texts, options, batch_size=batch_size, batch_tokens=batch_tokens)]

    def _generate(self, texts: Sequence[str], options: Callable[[int], dict[str, Any]], *, batch_size: int,
                  batch_tokens: int | None) -> list[tuple[list[int], float]]:
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), truncation=True, max_length=self.window)["input_ids"]
        lengths = [len(ids) for ids in encoded]
        prefix = self.meta.get("forced_bos_token")

        def submit(indices: list[int], asynchronous: bool) -> Any:
            source = [self.tokenizer.convert_ids_to_tokens(encoded[i]) for i in indices]
            return self.translator.translate_batch(
                source, [[prefix] for _ in indices] if prefix else None, max_input_length=0, return_scores=True,
                asynchronous=asynchronous, **options(max(lengths[i] for i in indices)))

        def scored(results: Sequence[Any]) -> list[tuple[list[int], float]]:
            return [(self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]),
                     round(float(r.scores[0]) / max(1, len(r.hypotheses[0])), 4)) for r in results]

        outputs: list[list[tuple[list[int], float]]] = []
        if rows_independent(self.device):
            # no padding: each row's output is the one it gets alone (see rows_independent), so
            # batches may also be split freely and run side by side, one per CPU thread
            side_by_side, _ = parallel_batches(self.device)
            batches = spread(batches_of_equal_length(lengths, batch_tokens, batch_size), side_by_side)
            deadline.check("generation")
            pending = [submit(indices, True) for indices in batches]
            for futures in pending:
                outputs.append(scored([f.result() for f in futures]))
            return restore_order(batches, outputs, len(texts))
        batches = (batches_by_tokens(lengths, batch_tokens) if batch_tokens
                   else batches_by_length(lengths, batch_size, length=lambda n: n))
        for indices in batches:
            deadline.check("generation")  # one CTranslate2 call cannot be interrupted: check between them
            outputs.append(scored(submit(indices, False)))
        return restore_order(batches, outputs, len(texts))


def spread(batches: list[list[int]], workers: int) -> list[list[int]]:
    """Split the largest batches in two until there are ``workers`` of them (or all hold one input),
    so that every thread has a batch to run."""
    batches = [list(b) for b in batches]
    while 0 < len(batches) < workers:
        largest = max(range(len(batches)), key=lambda i: len(batches[i]))
        if len(batches[largest]) < 2:
            break
        half = (len(batches[largest]) + 1) // 2
        batches[largest : largest + 1] = [batches[largest][:half], batches[largest][half:]]
    return batches


def rows_independent(device: Device) -> bool:
    """Whether a batch of equal-length inputs gives each row what it gets alone, on this device.

    Measured for int8 on CPUs (tiny and mid-size random-weight Marian models, greedy and beam 4,
    1 and 2 threads, rows ending at different steps: not one differing bit in 1,001 sentences);
    float32 differs in the sixth decimal of the scores, enough to flip a near-tie, and GPU compute
    types were not measured. So only CPU int8 batches documents together (without padding).
    """
    return device.name == "cpu" and device.compute_type == "int8"


MAX_PARALLEL_BATCHES = 4  # each runs on its own model replica: memory grows with their number


def parallel_batches(device: Device) -> tuple[int, int]:
    """``(batches run side by side, threads each)`` for a device's threads.

    Batches that give each row what it gets alone (:func:`rows_independent`) run side by side,
    up to :data:`MAX_PARALLEL_BATCHES`, the threads shared among them (on 2 cores, two batches of
    one thread translate 2.3x faster than one batch at a time on both); others run one at a time
    on every thread.
    """
    if not rows_independent(device):
        return 1, device.threads
    inter = max(1, min(device.threads, MAX_PARALLEL_BATCHES))
    return inter, max(1, device.threads // inter)


def batch_invariant(runtime: RuntimeConfig) -> bool:
    """Whether the ctranslate2 engines are batch-invariant under ``runtime`` (see :func:`rows_independent`)."""
    try:
        return rows_independent(resolve_device(runtime))
    except SummarizeError:
        return False  # the device error is raised where the models load


def load_ct2(model_id: str, runtime: RuntimeConfig) -> CT2Model:
    """Convert (once, cached) and load a checkpoint for CTranslate2.

    Raises:
        DeviceError: see :func:`resolve_device`.
        ModelNotAvailableError, ModelLoadError: see :func:`converted_model`.
        EngineUnavailableError: ctranslate2 is not installed.
    """
    device = resolve_device(runtime)
    folder = converted_model(model_id, device.compute_type)
    ct2 = _ctranslate2()
    try:
        inter, intra = parallel_batches(device)
        translator = ct2.Translator(str(folder), device=device.name, device_index=device.index,
                                    compute_type=device.compute_type, intra_threads=intra, inter_threads=inter)
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        tokenizer = _load_tokenizer(folder / "tokenizer")
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelLoadError(f"cannot load the converted model {folder}: {first_line(exc)}", model=model_id,
                             hint="Delete that folder: the next run converts the model again.") from exc
    return CT2Model(model_id, translator, tokenizer, meta, device)


class CT2Generator:
    """A :class:`CT2Model` behind the :class:`~summarize.backends.generation.Generator` protocol.

    Args:
        model: the loaded model.
        batch_size: texts per batch when ``batch_tokens`` is ``None``.
        batch_tokens: padded input tokens per batch (batching by tokens).
    """

    def __init__(self, model: CT2Model, *, batch_size: int, batch_tokens: int | None = None) -> None:
        self.model = model
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens

    @property
    def window(self) -> int:
        return self.model.window

    @property
    def prefix(self) -> str:
        return str(self.model.meta.get("prefix", ""))

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def generate(self, texts: Sequence[str], decoding: DecodingFor, *,
                 max_input_tokens: int | None = None) -> list[str]:
        def options(longest: int) -> dict[str, Any]:
            d = decoding(longest)
            return self.model.decoding_options(d.min_new_tokens, d.max_new_tokens, d.num_beams, guard=d.guard)

        return self.model.generate(texts, options, batch_size=self.batch_size, batch_tokens=self.batch_tokens)

    def generate_scored(self, texts: Sequence[str], decoding: DecodingFor, *,
                        max_input_tokens: int | None = None) -> list[tuple[str, float]]:
        def options(longest: int) -> dict[str, Any]:
            d = decoding(longest)
            return self.model.decoding_options(d.min_new_tokens, d.max_new_tokens, d.num_beams, guard=d.guard)

        return self.model.generate_scored(texts, options, batch_size=self.batch_size, batch_tokens=self.batch_tokens)
