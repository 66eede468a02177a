"""The persistent text cache: keys, the engine wrappers, and a second run that does no model work."""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence

from conftest import SHORT_EN, SHORT_ES

from summarize import Pipeline, Source
from summarize.backends.base import LengthSpec, Summarizer, Translator
from summarize.backends.cache import CachedSummarizer, CachedTranslator, TextCache, default_cache_dir
from summarize.config import TranslateConfig
from summarize.pipeline import PipelineSpec


class FakeTranslator(Translator):
    """Marks its output and remembers every call."""

    engine = "fake"

    def __init__(self, config: TranslateConfig) -> None:
        self.config = config
        self.calls: list[list[str]] = []

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        self.calls.append(list(texts))
        return [f"{tgt}:{t}" for t in texts]

    def describe(self, direction: str) -> dict[str, str]:
        return {"engine": self.engine, "model": self.config.models[direction]}


class FakeSummarizer(Summarizer):
    engine = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def summarize(self, texts: Sequence[str], lang: str, length: LengthSpec, *,
                  warnings: list[str] | None = None) -> list[str]:
        self.calls.append(list(texts))
        return [f"{lang}/{length.sentences}:{t[:5]}" for t in texts]


def test_store_round_trip_pickle_and_default_folder(tmp_path, monkeypatch):
    cache = TextCache(tmp_path)
    cache.put_many([("k1", "v1"), ("k2", "v2")])
    cache.put_many([("k1", "changed")])  # outputs are deterministic: the first one stays
    assert cache.get_many(["k1", "k2", "k3"]) == {"k1": "v1", "k2": "v2"}
    copy = pickle.loads(pickle.dumps(cache))  # what a Ray actor receives: opens its own connection
    assert copy.get_many(["k2"]) == {"k2": "v2"} and len(copy) == 2
    assert cache.path == tmp_path / "cache.sqlite3"
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"


def test_translator_wrapper_sends_only_misses_and_keys_on_direction_model_and_settings(tmp_path):
    cache = TextCache(tmp_path)
    config = TranslateConfig(models={"es-en": "m-es-en", "en-es": "m-en-es"})
    inner = FakeTranslator(config)
    cached = CachedTranslator(inner, cache)
    assert cached.translate(["uno", "dos", "uno"], "es", "en") == ["en:uno", "en:dos", "en:uno"]
    assert cached.translate(["dos", "tres"], "es", "en") == ["en:dos", "en:tres"]
    assert inner.calls == [["uno", "dos"], ["tres"]]
    cached.translate(["dos"], "en", "es")  # another direction, another model: a miss
    assert inner.calls[-1] == ["dos"]
    CachedTranslator(FakeTranslator(config), cache).translate(["uno"], "es", "en")  # a new run: a hit
    wider = FakeTranslator(TranslateConfig(models=config.models, num_beams=4))
    CachedTranslator(wider, cache).translate(["uno"], "es", "en")  # outputs would differ: a miss
    assert wider.calls == [["uno"]]
    batchier = FakeTranslator(TranslateConfig(models=config.models, batch_size=64))
    CachedTranslator(batchier, cache).translate(["uno"], "es", "en")  # batch size changes no output
    assert batchier.calls == []


def test_a_retrained_local_model_is_not_served_old_outputs(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"v1")
    config = TranslateConfig(models={"es-en": str(model), "en-es": str(model)})
    first = FakeTranslator(config)
    CachedTranslator(first, TextCache(tmp_path)).translate(["hola"], "es", "en")
    (model / "weights.bin").write_bytes(b"version 2")
    second = FakeTranslator(config)
    CachedTranslator(second, TextCache(tmp_path)).translate(["hola"], "es", "en")
    assert second.calls == [["hola"]]


def test_summarizer_wrapper_keys_on_language_and_length(tmp_path):
    inner = FakeSummarizer()
    cached = CachedSummarizer(inner, TextCache(tmp_path))
    assert cached.summarize(["Texto largo."], "es", LengthSpec(2)) == ["es/2:Texto"]
    cached.summarize(["Texto largo."], "es", LengthSpec(2))
    cached.summarize(["Texto largo."], "es", LengthSpec(3))
    cached.summarize(["Texto largo."], "en", LengthSpec(2))
    assert len(inner.calls) == 3


def _counting(pipeline: Pipeline) -> dict[str, int]:
    """Count the texts that reach the real engines behind the cache."""
    counts = {"translate": 0, "summarize": 0}
    translator, summarizer = pipeline.translator.inner, pipeline.summarizer.inner
    real_translate, real_summarize = translator.translate, summarizer.summarize

    def translate(texts, *args, **kwargs):
        counts["translate"] += len(texts)
        return real_translate(texts, *args, **kwargs)

    def summarize(texts, *args, **kwargs):
        counts["summarize"] += len(texts)
        return real_summarize(texts, *args, **kwargs)

    translator.translate, summarizer.summarize = translate, summarize
    return counts


def test_second_run_over_the_same_text_does_no_model_work(tiny_preset, tmp_path):
    from summarize.config import load_config

    config = load_config(str(tiny_preset)).with_overrides(device="cpu", sentences=1)
    texts = [Source.from_text(SHORT_ES + " " + SHORT_ES, id="es"), Source.from_text(SHORT_EN + " " + SHORT_EN, id="en")]
    first = Pipeline(PipelineSpec(config, cache_dir=str(tmp_path)))
    counts = _counting(first)
    before = [r.to_dict() for r in first.run(texts)]
    assert counts["translate"] > 0 and counts["summarize"] == 2
    second = Pipeline(PipelineSpec(config, cache_dir=str(tmp_path)))  # a new process would build exactly this
    counts = _counting(second)
    after = [r.to_dict() for r in second.run(texts)]
    assert counts == {"translate": 0, "summarize": 0}
    assert second.translator.inner._loaded == {} and second.summarizer.inner._model is None  # nothing loaded
    for old, new in zip(before, after, strict=True):
        old.pop("timings"), new.pop("timings")
        old.pop("warnings"), new.pop("warnings")  # engine warnings are not cached
        assert old == new
    assert os.path.getsize(tmp_path / "cache.sqlite3") > 0
