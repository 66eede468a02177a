"""The speed benchmark's parts on tiny models: forced lengths, workers, the plan and the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks._engines import ProjectEngine, run_worker
from benchmarks._plan import NEW_TOKENS, plan
from benchmarks._report import print_report
from summarize.config import load_config
from summarize.testing import SPANISH_SENTENCES

pytest.importorskip("ctranslate2")

TEXTS = list(SPANISH_SENTENCES[:6])
RUNTIME = {"device": "cpu", "dtype": "auto", "threads": 1, "compute_type": "float32"}


@pytest.fixture(scope="module")
def marian(tiny_preset: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUMMARIZE_CT2_CACHE", str(tmp_path_factory.mktemp("bench-ct2")))
        yield load_config(str(tiny_preset)).translate.models["es-en"]


def _spec(kind: str, model: str, settings: dict, new_tokens: int = 6) -> dict:
    return {"kind": kind, "task": "translate", "model": model, "settings": settings, "runtime": RUNTIME,
            "new_tokens": new_tokens}


@pytest.mark.parametrize("engine", ["marian", "ctranslate2"])
def test_project_engines_decode_exactly_the_forced_steps(marian, engine):
    settings = {"engine": engine, "batch_size": 4, "batch_tokens": None, "num_beams": 1}
    worker = ProjectEngine(_spec("project", marian, settings))
    worker.load()
    assert len(worker.run(TEXTS, 9)) == len(TEXTS)
    if engine == "ctranslate2":
        model = worker.backend._loaded["es-en"].model
        ids = model.generate_ids(TEXTS, lambda _: model.decoding_options(9, 9, 1, guard=False), batch_size=4,
                                 batch_tokens=None)
        assert {len(row) for row in ids} == {9}  # the same decoder steps as transformers' 9 new tokens
    else:
        assert worker.backend.output_lengths(30, 100) == (9, 9)
        assert not worker.backend.needs_retry("a", "the the the the the")


def test_worker_reports_rates_memory_and_load(marian):
    result = run_worker(_spec("plain", marian, {"batch_size": 2, "dtype": "float32", "num_beams": 1}), TEXTS)
    assert result["items"] == result["outputs"] == len(TEXTS)
    assert result["tokens"] == len(TEXTS) * 6
    assert result["seconds"] > 0 and result["load_s"] > 0 and result["peak_rss_mb"] > 50


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_plan_has_the_four_numbered_rows_per_task(device):
    models = {"translate": Path("m"), "summarize": Path("b")}
    jobs = plan(device, 2, ["translate", "summarize"], 1.0, models, "inputs.json")
    for task in ("translate", "summarize"):
        rows = {j["role"]: j for j in jobs if j["task"] == task}
        assert set(rows) == {0, 1, 2, 3, 4}
        assert rows[1]["settings"]["batch_size"] == 1 and rows[1]["kind"] == "plain"
        # row 3 is the default preset, which runs on CTranslate2; the transformers engines are a row of their own
        assert rows[3]["settings"]["engine"] == "ctranslate2" and rows[3]["settings"]["batch_tokens"]
        assert {j["settings"]["engine"] for j in jobs if j["task"] == task and j["key"] == "transformers"} \
            <= {"marian", "seq2seq"}
        assert rows[4]["settings"]["engine"] == "ctranslate2" and rows[4]["settings"]["batch_tokens"]
        assert all(j["new_tokens"] == NEW_TOKENS[task] for j in jobs if j["task"] == task)
    beams = {j["settings"].get("num_beams") for j in jobs if j["task"] == "translate"}
    assert beams == {1}  # every translation row decodes greedily
    assert ("int8_float16" in rows[4]["label"]) == (device == "cuda")


def test_report_computes_ratios_and_targets(capsys):
    jobs = [{"id": f"t:{r}", "task": "translate", "role": r, "label": f"row {r}", "items": 10, "new_tokens": 32}
            for r in (1, 2, 4)]
    runs = {"t:1": [{"tokens": 320, "seconds": 10.0, "items": 10, "peak_rss_mb": 700, "load_s": 3}],
            "t:2": [{"tokens": 320, "seconds": 2.0, "items": 10, "peak_rss_mb": 800, "load_s": 3}],
            "t:4": [{"tokens": 320, "seconds": 0.5, "items": 10, "peak_rss_mb": 300, "load_s": 1},
                    {"error": "exit 1: boom"}]}
    meta = {"device": "cpu", "threads": 2, "machine": "x", "python": "3", "versions": "v", "load_before": "1",
            "load_after": "1", "inputs": {"translate": {"source": "s", "mean_tokens": 30}},
            "start": {"help_s": 0.1, "python_s": 0.05, "torch_imported": False}, "conversions": {}}
    report = print_report(jobs, runs, meta)
    out = capsys.readouterr().out
    assert "(4) vs (1): 20.0x (target 25x: NOT met)" in out
    assert "(4) vs (2): 4.0x (target 3x: met)" in out
    assert "peak RSS (4) / (2) transformers fp32: 0.38 (target <= 0.5: met)" in out
    assert "torch imported: no" in out
    assert report["tasks"]["translate"]["rows"][2]["result"]["seconds"] == 0.5


def test_bfloat16_on_cpu_runs_end_to_end(tiny_preset):
    """The PyTorch bf16 candidate is the existing dtype option; it must work on CPU, not only on GPUs."""
    import torch

    from summarize import Pipeline, Source

    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", dtype="bfloat16", threads=1, sentences=1)
    [result] = pipeline.run([Source.from_text(" ".join(TEXTS))], source_lang="es")
    assert result.summaries["en"] and result.translation.text
    assert pipeline.summarizer.generator.model.dtype == torch.bfloat16
