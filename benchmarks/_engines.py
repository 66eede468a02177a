"""What one benchmark worker runs: an engine, loaded once, timed on forced-length outputs.

Each engine runs in its own process (see ``speed.py``), so its peak memory is its own. Two
kinds of engine:

* ``plain``: transformers as a newcomer writes it (``from_pretrained`` + ``generate``), one input
  at a time or in batches, optionally with bf16 weights or dynamic int8 quantization;
* ``project``: this project's own backends (``marian``, ``seq2seq``, ``ctranslate2``) through their
  public batch methods, with benchmark-only subclasses that force the output length.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Sequence
from typing import Any

from summarize.backends.base import LengthSpec
from summarize.backends.ctranslate2 import CTranslate2Summarizer, CTranslate2Translator
from summarize.backends.marian import MarianTranslator
from summarize.backends.seq2seq import Seq2SeqSummarizer
from summarize.config import RuntimeConfig, SummarizeConfig, TranslateConfig

__all__ = ["run_worker"]

WARMUP_TOKENS = 4


class _Forced:
    """Output lengths forced to ``forced`` new tokens, so that every engine does the same work.

    The repetition guard's retry is off: random weights loop on every sentence, which would make
    every engine translate everything twice (real models rarely loop, and then only a few
    sentences).
    """

    forced = 1

    def output_lengths(self, longest: int, window: int) -> tuple[int, int]:
        return self.forced, self.forced

    def needs_retry(self, source: str, output: str) -> bool:
        return False

    def length_budget(self, length: LengthSpec) -> tuple[int, int]:
        return self.forced, self.forced


class ForcedMarian(_Forced, MarianTranslator):
    """The ``marian`` engine with forced lengths."""


class ForcedSeq2Seq(_Forced, Seq2SeqSummarizer):
    """The ``seq2seq`` engine with forced lengths."""


def _exact_steps(model: Any, owner: _Forced) -> None:
    """Make a loaded CTranslate2 model decode exactly ``owner.forced`` steps.

    The engine maps transformers' lengths onto CTranslate2's (one less when transformers spends
    the last step on a forced end token); here both must run the same number of decoder steps.
    """
    mapped = model.decoding_options

    def options(min_new: int, max_new: int, num_beams: int | None, *, guard: bool) -> dict[str, Any]:
        result = mapped(min_new, max_new, num_beams, guard=guard)
        result.update(min_decoding_length=owner.forced, max_decoding_length=owner.forced)
        return dict(result)

    model.decoding_options = options


class ForcedCT2Translator(_Forced, CTranslate2Translator):
    """The ``ctranslate2`` translation engine with forced lengths."""

    def load(self, direction: str | None = None) -> None:
        super().load(direction)
        for generator in self._loaded.values():
            model = generator.model
            if not hasattr(model, "_forced"):
                _exact_steps(model, self)
                model._forced = True


class ForcedCT2Summarizer(_Forced, CTranslate2Summarizer):
    """The ``ctranslate2`` summarization engine with forced lengths."""

    def load(self) -> None:
        fresh = self._model is None
        super().load()
        if fresh:
            _exact_steps(self.generator.model, self)


_PROJECT = {
    ("translate", "marian"): ForcedMarian,
    ("translate", "ctranslate2"): ForcedCT2Translator,
    ("summarize", "seq2seq"): ForcedSeq2Seq,
    ("summarize", "ctranslate2"): ForcedCT2Summarizer,
}


class ProjectEngine:
    """One of this project's backends, configured as a preset would, with forced lengths."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.task = spec["task"]
        settings = spec["settings"]
        runtime = RuntimeConfig(**spec["runtime"])
        cls = _PROJECT[(self.task, settings["engine"])]
        settings = dict(settings)
        self.per_call = settings.pop("per_call", None)  # texts a call: a document's, as the pipeline sends them
        options = {"batch_tokens": settings.pop("batch_tokens")} if settings["engine"] == "ctranslate2" else {}
        settings.pop("batch_tokens", None)
        if self.task == "translate":
            config = TranslateConfig(models={"es-en": spec["model"], "en-es": spec["model"]}, options=options,
                                     **settings)
        else:
            config = SummarizeConfig(model=spec["model"], options=options, **settings)
        self.backend = cls(config, runtime)

    def load(self) -> None:
        if self.task == "translate":
            self.backend.load("es-en")
        else:
            self.backend.load()

    def run(self, texts: Sequence[str], new_tokens: int) -> list[str]:
        self.backend.forced = new_tokens
        size = self.per_call or max(1, len(texts))
        outputs: list[str] = []
        for start in range(0, len(texts), size):
            part = texts[start : start + size]
            if self.task == "translate":
                outputs.extend(self.backend.translate(part, "es", "en"))
            else:
                outputs.extend(self.backend.summarize(part, "en", LengthSpec(sentences=3)))
        return outputs


class PlainTransformers:
    """transformers as a newcomer writes it: ``from_pretrained``, then ``generate`` on batches."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.model_dir = spec["model"]
        self.device = spec["runtime"]["device"]
        self.batch = int(spec["settings"]["batch_size"])
        self.dtype = spec["settings"].get("dtype", "float32")
        self.quantize = bool(spec["settings"].get("quantize"))
        self.num_beams = spec["settings"].get("num_beams")

    def load(self) -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
        model = AutoModelForSeq2SeqLM.from_pretrained(self.model_dir, dtype=getattr(torch, self.dtype))
        model = model.to(self.device).eval()
        if self.quantize:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model

    def run(self, texts: Sequence[str], new_tokens: int) -> list[str]:
        decoding: dict[str, Any] = {"min_new_tokens": new_tokens, "max_new_tokens": new_tokens}
        if self.num_beams:
            decoding["num_beams"] = self.num_beams
        outputs: list[str] = []
        for start in range(0, len(texts), self.batch):
            encoded = self.tokenizer(list(texts[start:start + self.batch]), return_tensors="pt", padding=True,
                                     truncation=True).to(self.device)
            generated = self.model.generate(**encoded, **decoding)
            outputs.extend(self.tokenizer.batch_decode(generated, skip_special_tokens=True))
        return outputs


def _gpu_peak_mb(device: str) -> float | None:
    if not device.startswith("cuda"):
        return None
    import sys

    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    torch.cuda.synchronize()
    return round(torch.cuda.max_memory_allocated() / 2**20, 1)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB.

    ``VmHWM`` (Linux) counts this program alone; ``ru_maxrss`` can carry the high-water mark of
    the process it was forked from, so it is only the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_worker(spec: dict[str, Any], texts: Sequence[str]) -> dict[str, Any]:
    """Load the engine, warm it up on one input, then time it on ``texts``.

    Returns:
        Seconds to load and to run (wall clock, and CPU time of all this process's threads), items,
        output tokens, and this process's peak RSS in MiB.
    """
    started = time.perf_counter()
    threads = spec["runtime"].get("threads")
    if spec["kind"] == "plain" or spec["settings"].get("engine") != "ctranslate2":
        import torch

        torch.set_num_threads(threads)
    imported = time.perf_counter()
    engine = PlainTransformers(spec) if spec["kind"] == "plain" else ProjectEngine(spec)
    engine.load()
    loaded = time.perf_counter()
    engine.run(texts[:1], WARMUP_TOKENS)
    begin, begin_cpu = time.perf_counter(), time.process_time()
    outputs = engine.run(texts, spec["new_tokens"])
    seconds, cpu_seconds = time.perf_counter() - begin, time.process_time() - begin_cpu
    return {
        "items": len(texts),
        "outputs": len(outputs),
        "tokens": len(texts) * spec["new_tokens"],
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "import_s": round(imported - started, 3),
        "load_s": round(loaded - started, 3),
        "peak_rss_mb": peak_rss_mb(),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "gpu_peak_mb": _gpu_peak_mb(spec["runtime"]["device"]),
        "torch_imported": "torch" in __import__("sys").modules,
    }
