"""The CTranslate2 engines: same tokens as transformers, conversion cached, wired into presets and the CLI."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHORT_ES

from summarize import Pipeline, Source
from summarize.backends import LengthSpec, make_summarizer, make_translator
from summarize.backends import ct2 as _ct2
from summarize.backends.ctranslate2 import CTranslate2Summarizer, CTranslate2Translator
from summarize.cli import cli
from summarize.config import PipelineConfig, RuntimeConfig, SummarizeConfig, TranslateConfig, load_config
from summarize.errors import ConfigError, DeviceError, EngineUnavailableError, ModelNotAvailableError
from summarize.testing import ENGLISH_SENTENCES, SPANISH_SENTENCES
from summarize.text.segment import batches_by_tokens, restore_order

pytest.importorskip("ctranslate2")

FLOAT32 = RuntimeConfig(device="cpu", compute_type="float32", threads=1)
SPANISH = list(SPANISH_SENTENCES[:5])
ARTICLES = [" ".join(ENGLISH_SENTENCES[i : i + n]) for i, n in ((0, 4), (4, 2), (6, 5))]


@pytest.fixture(scope="module", autouse=True)
def _ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Conversions go to a folder of this test run, never to the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(_ct2.CACHE_ENV, str(tmp_path_factory.mktemp("ct2-cache")))
        yield


@pytest.fixture(scope="module")
def tiny(tiny_preset: Path) -> PipelineConfig:
    return load_config(str(tiny_preset))


def _transformers_greedy(model_dir: str, texts: list[str], min_new: int, max_new: int) -> list[list[int]]:
    """Reference: plain transformers greedy search, one padded batch, special tokens stripped."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    encoded = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**encoded, num_beams=1, min_new_tokens=min_new, max_new_tokens=max_new)
    ends = {model.generation_config.eos_token_id, model.generation_config.pad_token_id}
    rows = []
    for row in out.tolist():
        row = row[1:]  # the decoder start token is not generated
        while row and row[-1] in ends:
            row.pop()
        rows.append(row)
    return rows


@pytest.mark.parametrize(("role", "texts", "lengths"), [
    ("translate", SPANISH, [(0, 40), (12, 12), (0, 5)]),
    ("summarize", ARTICLES, [(10, 30), (0, 8)]),
])
def test_float32_greedy_matches_transformers_token_for_token(tiny, role, texts, lengths):
    model_dir = tiny.translate.models["es-en"] if role == "translate" else tiny.summarize.model
    model = _ct2.load_ct2(model_dir, FLOAT32)
    for min_new, max_new in lengths:
        expected = _transformers_greedy(model_dir, texts, min_new, max_new)
        got = model.generate_ids(texts, lambda _, a=min_new, b=max_new: model.decoding_options(a, b, 1, guard=False),
                                 batch_size=2, batch_tokens=None)
        assert got == expected, (min_new, max_new)
        assert any(len(ids) > 3 for ids in got)  # the comparison is about real outputs, not empty ones


def test_engines_give_the_same_text_as_their_transformers_counterparts(tiny):
    translate = TranslateConfig(engine="marian", models=dict(tiny.translate.models), num_beams=1)
    warnings: dict[str, list[str]] = {"marian": [], "ctranslate2": []}
    outputs = {}
    for engine, notes in warnings.items():
        translator = make_translator(dataclasses.replace(translate, engine=engine), FLOAT32)
        outputs[engine] = translator.translate(SPANISH, "es", "en", warnings=notes)
    assert isinstance(make_translator(TranslateConfig(engine="ctranslate2"), FLOAT32), CTranslate2Translator)
    assert outputs["marian"] == outputs["ctranslate2"] and all(outputs["marian"])
    assert warnings["marian"] == warnings["ctranslate2"]  # the repetition guard fires the same way
    summaries = {}
    for engine in ("seq2seq", "ctranslate2"):
        summarizer = make_summarizer(SummarizeConfig(engine=engine, model=tiny.summarize.model, num_beams=1), FLOAT32)
        summaries[engine] = summarizer.summarize(ARTICLES, "en", LengthSpec(2))
    assert summaries["seq2seq"] == summaries["ctranslate2"] and all(summaries["seq2seq"])


def test_batching_by_tokens_keeps_order_and_outputs(tiny):
    model = _ct2.load_ct2(tiny.translate.models["es-en"], FLOAT32)
    texts = SPANISH + [SHORT_ES.replace("\n", " ")]

    def options(_: int) -> dict:
        return model.decoding_options(0, 20, 1, guard=False)

    by_items = model.generate(texts, options, batch_size=len(texts), batch_tokens=None)
    by_tokens = model.generate(texts, options, batch_size=1, batch_tokens=64)
    assert by_tokens == by_items


def test_batches_by_tokens_packs_padded_width():
    lengths = [10, 50, 12, 11, 49, 200]
    batches = batches_by_tokens(lengths, 100)
    assert batches == [[5], [1, 4], [2, 3, 0]]  # 2 x 50 fits 100; 3 x 12 too
    assert all(len(b) * max(lengths[i] for i in b) <= 100 or len(b) == 1 for b in batches)
    assert restore_order(batches, [[str(lengths[i]) for i in b] for b in batches], 6) == [str(n) for n in lengths]
    with pytest.raises(ValueError):
        batches_by_tokens(lengths, 0)


def test_conversion_is_cached_and_keyed_by_compute_type(tiny, monkeypatch):
    model_dir = tiny.translate.models["en-es"]
    first = _ct2.converted_model(model_dir, "float32")
    assert (first / _ct2.METADATA).is_file() and (first / "tokenizer").is_dir()

    def no_second_conversion(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(_ct2, "_convert", no_second_conversion)
    assert _ct2.converted_model(model_dir, "float32") == first
    CTranslate2Translator(TranslateConfig(engine="ctranslate2", models=dict(tiny.translate.models)), FLOAT32).load("en-es")
    with pytest.raises(AssertionError, match="converted again"):
        _ct2.converted_model(model_dir, "int8")  # another compute type is another conversion
    assert not any(p.name.startswith(".tmp-") for p in first.parent.iterdir())  # no half-written folder left


def test_loading_imports_no_torch(tiny):
    """A converted model starts without PyTorch: less memory and a faster start."""
    import subprocess

    _ct2.converted_model(tiny.translate.models["es-en"], "float32")
    code = ("import sys; from summarize.backends.ct2 import load_ct2; from summarize.config import RuntimeConfig\n"
            f"m = load_ct2({tiny.translate.models['es-en']!r}, RuntimeConfig(device='cpu', compute_type='float32'))\n"
            "print(m.generate(['Hola.'], lambda _: m.decoding_options(0, 5, 1, guard=False), batch_size=1, "
            "batch_tokens=None))\n"
            "assert 'torch' not in sys.modules, 'torch was imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert done.returncode == 0, done.stderr


def test_fast_preset_and_flag_wire_ctranslate2_through_the_pipeline(tiny_preset, monkeypatch):
    from summarize.backends import ctranslate2 as engines

    assert load_config("fast").translate.engine == "ctranslate2"
    assert load_config("fast").summarize.engine == "ctranslate2"
    assert load_config("gpu").runtime.device == "cuda"
    loads: list[str] = []

    def counted(model_id: str, runtime: RuntimeConfig) -> _ct2.CT2Model:
        loads.append(Path(model_id).name)
        return _ct2.load_ct2(model_id, runtime)

    monkeypatch.setattr(engines, "load_ct2", counted)
    pipeline = Pipeline.from_preset(str(tiny_preset), fast=True, device="cpu", compute_type="float32", threads=1,
                                    sentences=1)
    for _ in range(2):
        [result] = pipeline.run([Source.from_text(SHORT_ES)])
    assert {result.engines[k]["engine"] for k in ("translate", "summarize", "summary_translate")} == {"ctranslate2"}
    assert result.summaries["en"] and result.summaries["es"] and result.translation.text
    assert isinstance(pipeline.summarizer, CTranslate2Summarizer)
    assert sorted(loads) == ["bart", "marian-en-es", "marian-es-en"]  # each model loaded once a process


def test_cli_fast_flag(tiny_preset):
    result = CliRunner().invoke(cli, ["translate", "-", "--to", "en", "--pipeline", str(tiny_preset), "-q", "--fast",
                                      "--compute-type", "float32", "--threads", "1", "-f", "json"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    assert '"engine": "ctranslate2"' in result.stdout


def test_fast_swaps_only_engines_with_a_ctranslate2_counterpart():
    assert PipelineConfig().fast().translate.engine == "ctranslate2"
    instruct = load_config("instruct").with_overrides(fast=True)
    assert instruct.translate.engine == "ctranslate2" and instruct.summarize.engine == "instruct"
    with pytest.raises(ConfigError, match="compute_type 'int4'"):
        PipelineConfig().with_overrides(compute_type="int4")
    with pytest.raises(ConfigError, match="batch_tokens"):
        PipelineConfig(translate=TranslateConfig(engine="ctranslate2", options={"batch_tokens": 0})).with_overrides()


def test_device_errors_are_clear(monkeypatch):
    import ctranslate2

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(DeviceError, match="CTranslate2 sees 0 CUDA GPU"):
        _ct2.resolve_device(RuntimeConfig(device="cuda"))
    with pytest.raises(DeviceError, match="not mps"):
        _ct2.resolve_device(RuntimeConfig(device="mps"))
    unsupported = next(t for t in ("float16", "bfloat16", "int8_float16")
                       if t not in ctranslate2.get_supported_compute_types("cpu"))
    with pytest.raises(DeviceError, match=f"cannot compute in {unsupported}") as info:
        _ct2.resolve_device(RuntimeConfig(device="cpu", compute_type=unsupported))
    assert "int8" in (info.value.hint or "")
    auto = _ct2.resolve_device(RuntimeConfig(device="auto"))
    assert (auto.name, auto.compute_type) == ("cpu", "int8")
    assert _ct2.resolve_device(RuntimeConfig(threads=3)).threads == 3


def test_missing_package_and_missing_model_are_clear(monkeypatch, tmp_path):
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        _ct2.converted_model(str(tmp_path / "nowhere"), "int8")
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(EngineUnavailableError, match="needs the ctranslate2 package") as info:
        _ct2.resolve_device(RuntimeConfig())
    assert "summarize[fast]" in (info.value.hint or "")
