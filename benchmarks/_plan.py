"""Which engines the speed benchmark runs, on how many inputs, with which settings.

Rows (1) and (2) are plain transformers; (3) is this project as shipped (the ``default`` preset,
on CTranslate2; the ``transformers`` preset, its models on PyTorch, is an unnumbered row);
(4) is its fastest settings (the ``fast`` preset on CPU, ``gpu`` on a GPU). Unnumbered rows are
the other candidates measured for "fastest": PyTorch bf16 and dynamic int8, CTranslate2 in other
precisions. Slow engines get fewer inputs; rates are comparable whatever the count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarize.config import load_config

__all__ = ["CT2_KEYS", "NEW_TOKENS", "SENTENCES_PER_DOCUMENT", "plan"]

# forced output lengths: a translated ~30-token sentence, a ~3-sentence summary
NEW_TOKENS = {"translate": 32, "summarize": 64}
# the sentences of a news article (the examples hold 15 to 30): how many one call takes when the
# pipeline gives a neural engine one document per call (see summarize.backends.base.Translator)
SENTENCES_PER_DOCUMENT = 20

# (key, role, label, kind, settings, runtime changes, items on CPU, items on GPU)
_TRANSLATE = [
    ("single", 1, "transformers fp32, one sentence at a time", "plain", {"batch_size": 1}, {}, 12, 64),
    ("batched", 2, "transformers fp32, batches of {batch}", "plain", {"batch_size": "batched"}, {}, 96, 1024),
    # as many items as (4): on the same engine, a 6-second run measured mostly its warm-up and the load
    ("default", 3, "summarize default: {engine} {precision}, {batching}", "project", "default", {}, 384, 1024),
    ("fastest", 4, "summarize fastest: ctranslate2 {compute}, {tokens}-token batches", "project", "fastest", {},
     384, 4096),
    ("transformers", 0, "--pipeline transformers: marian, {dtype}, batches of {batch}", "project", "transformers",
     {}, 96, 1024),
    ("torch-bf16", 0, "marian engine with dtype bfloat16, batches of {batch}", "project", "transformers",
     {"dtype": "bfloat16"}, 96, 0),
    ("torch-int8", 0, "transformers + torch dynamic int8, batches of {batch}", "plain",
     {"batch_size": "batched", "quantize": True}, {}, 96, 0),
    ("ct2-bf16", 0, "ctranslate2 bfloat16, {tokens}-token batches", "project", "fastest",
     {"compute_type": "bfloat16"}, 0, 4096),
    ("torch-bf16-big", 0, "transformers bf16, batches of {batch}", "plain",
     {"batch_size": 256, "dtype": "bfloat16"}, {}, 0, 2048),
]
_SUMMARIZE = [
    ("single", 1, "transformers fp32, one article at a time", "plain", {"batch_size": 1}, {}, 3, 8),
    ("batched", 2, "transformers fp32, batches of {batch}", "plain", {"batch_size": "batched"}, {}, 8, 64),
    ("default", 3, "summarize default: {engine} {precision}, {batching}", "project", "default", {}, 8, 64),
    ("fastest", 4, "summarize fastest: ctranslate2 {compute}, {tokens}-token batches", "project", "fastest", {},
     16, 256),
    ("transformers", 0, "--pipeline transformers: seq2seq, {dtype}, batches of {batch}", "project", "transformers",
     {}, 8, 64),
    ("torch-bf16", 0, "seq2seq engine with dtype bfloat16, batches of {batch}", "project", "transformers",
     {"dtype": "bfloat16"}, 8, 0),
    ("torch-int8", 0, "transformers + torch dynamic int8, batches of {batch}", "plain",
     {"batch_size": "batched", "quantize": True}, {}, 8, 0),
    ("ct2-bf16", 0, "ctranslate2 bfloat16, {tokens}-token batches", "project", "fastest",
     {"compute_type": "bfloat16"}, 0, 256),
    ("torch-bf16-big", 0, "transformers bf16, batches of {batch}", "plain",
     {"batch_size": 64, "dtype": "bfloat16"}, {}, 0, 256),
]
# the rows that run on CTranslate2: those on the fastest preset (``fast``/``gpu``) and the default
CT2_KEYS = frozenset(row[0] for row in _TRANSLATE + _SUMMARIZE if row[4] in ("fastest", "default"))
# plain transformers' batch: what the issue measured on CPU; what a GPU holds easily
_PLAIN_BATCH = {("translate", "cpu"): 32, ("translate", "cuda"): 64, ("summarize", "cpu"): 8,
                ("summarize", "cuda"): 16}


def _project_settings(task: str, preset: str) -> dict[str, Any]:
    """The engine settings a preset ships, with the decoding settings every row shares."""
    config = load_config(preset)
    section = getattr(config, task)
    settings: dict[str, Any] = {"engine": section.engine, "batch_size": section.batch_size,
                                "batch_tokens": section.options.get("batch_tokens"),
                                # as the pipeline calls it: one document's texts a call, unless the preset
                                # lets documents share batches (these engines are not batch-invariant)
                                "per_call": None if config.runtime.batch_across_documents
                                else (SENTENCES_PER_DOCUMENT if task == "translate" else 1)}
    # translation is compared greedy (the baseline); summaries keep the model's 4-beam search
    settings["num_beams"] = 1 if task == "translate" else section.num_beams
    return settings


def _batch_invariant(runtime: dict[str, Any]) -> bool:
    """Whether the ctranslate2 engines are batch-invariant here (CPU int8), as the pipeline sees it."""
    try:
        from summarize.backends.ct2 import batch_invariant
        from summarize.config import RuntimeConfig
    except ImportError:  # an older checkout
        return False
    return batch_invariant(RuntimeConfig(**runtime))


def plan(device: str, threads: int, tasks: list[str], scale: float, models: dict[str, Path],
         inputs: str) -> list[dict[str, Any]]:
    """Return the benchmark jobs, in the order they run.

    Args:
        device: ``cpu`` or ``cuda``.
        threads: CPU threads for every engine.
        tasks: ``translate`` and/or ``summarize``.
        scale: multiplies every input count.
        models: the model folder of each task.
        inputs: the inputs file the workers read.
    """
    gpu = device == "cuda"
    fastest = "gpu" if gpu else "fast"
    jobs: list[dict[str, Any]] = []
    for task in tasks:
        rows = _TRANSLATE if task == "translate" else _SUMMARIZE
        for key, role, label, kind, settings, runtime_changes, cpu_items, gpu_items in rows:
            items = max(1, round((gpu_items if gpu else cpu_items) * scale))
            if not (gpu_items if gpu else cpu_items):
                continue
            if isinstance(settings, str):
                settings = _project_settings(task, fastest if settings == "fastest" else settings)
            else:
                settings = dict(settings)
                if settings["batch_size"] == "batched":
                    settings["batch_size"] = _PLAIN_BATCH[(task, device)]
                if task == "translate":
                    settings["num_beams"] = 1
            runtime = {"device": device, "dtype": "auto", "threads": threads, "compute_type": "auto",
                       **runtime_changes}
            if kind == "plain" and "dtype" not in settings:
                settings["dtype"] = "float32"
            fields = {"batch": settings.get("batch_size"), "tokens": settings.get("batch_tokens"),
                      "dtype": _dtype_name(runtime["dtype"], gpu),
                      "compute": _compute_name(runtime["compute_type"], gpu), "engine": settings.get("engine")}
            ct2 = settings.get("engine") == "ctranslate2"
            fields["precision"] = fields["compute"] if ct2 else fields["dtype"]
            fields["batching"] = (f"{fields['tokens']}-token batches" if ct2 and fields["tokens"]
                                  else f"batches of {fields['batch']}")
            if ct2 and kind == "project" and _batch_invariant(runtime):
                # inputs of one length a batch: the pipeline lets documents share such calls
                settings["per_call"] = None
                fields["batching"] = "equal-length " + fields["batching"]
            if settings.get("per_call"):
                fields["batching"] += ", one document a call"
            jobs.append({"id": f"{task}:{key}", "key": key, "role": role, "task": task, "kind": kind,
                         "label": label.format(**fields), "model": str(models[task]), "settings": settings,
                         "runtime": runtime, "new_tokens": NEW_TOKENS[task], "items": items, "inputs": inputs})
    return jobs


def _dtype_name(dtype: str, gpu: bool) -> str:
    if dtype != "auto":
        return dtype
    return "bf16/fp16" if gpu else "fp32"


def _compute_name(compute: str, gpu: bool) -> str:
    if compute != "auto":
        return compute
    return "int8_float16" if gpu else "int8"
