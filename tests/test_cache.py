"""The persistent text cache: keys, the engine wrappers, and a second run that does no model work."""

from __future__ import annotations

import os
import pickle
import re
import sqlite3
from collections.abc import Sequence

import pytest
from conftest import SHORT_EN, SHORT_ES

from summarize import Pipeline, Source
from summarize.backends import cache as cache_module
from summarize.backends.base import LengthSpec, Summarizer, Translator
from summarize.backends.cache import CachedSummarizer, CachedTranslator, TextCache, default_cache_dir
from summarize.config import TranslateConfig
from summarize.pipeline import PipelineSpec


class FakeTranslator(Translator):
    """Marks its output and remembers every call."""

    engine = "fake"
    batch_invariant = True  # each output is made from its own text alone

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
    batch_invariant = True

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



def test_an_engine_that_is_not_batch_invariant_is_cached_by_whole_call(tmp_path):
    """Its output for a text may depend on the rest of the call: a text is stored under its call, and
    a call with any miss goes to the engine whole, as it would without a cache."""
    inner = FakeTranslator(TranslateConfig(engine="fake", models={"es-en": "m1"}))
    inner.batch_invariant = False
    cached = TextCache(tmp_path).translator(inner)
    assert not cached.batch_invariant
    assert cached.translate(["uno", "dos"], "es", "en") == ["en:uno", "en:dos"]
    assert cached.translate(["dos", "tres"], "es", "en") == ["en:dos", "en:tres"]
    assert cached.translate(["uno", "dos"], "es", "en") == ["en:uno", "en:dos"]
    assert inner.calls == [["uno", "dos"], ["dos", "tres"]]

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
    # the pipeline asks for scored translations and noted summaries (translate() and summarize() are the
    # same engine calls without scores and notes)
    real_translate, real_summarize = translator.translate_scored, summarizer.summarize_noted

    def translate(texts, *args, **kwargs):
        counts["translate"] += len(texts)
        return real_translate(texts, *args, **kwargs)

    def summarize(texts, *args, **kwargs):
        counts["summarize"] += len(texts)
        return real_summarize(texts, *args, **kwargs)

    translator.translate_scored, summarizer.summarize_noted = translate, summarize
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
        assert old == new  # warnings too: each text's notes are cached with it
    assert os.path.getsize(tmp_path / "cache.sqlite3") > 0


CONFIG = TranslateConfig(models={"es-en": "m-es-en", "en-es": "m-en-es"})


def _two_calls(cache: TextCache) -> tuple[FakeTranslator, list[list[str]], list[list[str]]]:
    """Translate twice through ``cache``; return the engine, the outputs and each call's warnings."""
    inner = FakeTranslator(CONFIG)
    cached = CachedTranslator(inner, cache)
    outputs, warned = [], []
    for texts in (["uno", "dos", "uno"], ["dos", "tres"]):
        warnings: list[str] = []
        outputs.append(cached.translate(texts, "es", "en", warnings=warnings))
        warned.append(warnings)
    return inner, outputs, warned


EXPECTED = [["en:uno", "en:dos", "en:uno"], ["en:dos", "en:tres"]]  # what the engine alone gives


def _write_foreign(path, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "not SQLite":
        path.write_bytes(b"this is a text file someone named cache.sqlite3\n" * 100)
        return
    conn = sqlite3.connect(path)
    if kind == "other columns":
        conn.execute("CREATE TABLE entries (id INTEGER, payload BLOB)")
    elif kind == "other tables":
        conn.execute("CREATE TABLE photos (name TEXT)")
    elif kind == "a newer version":
        conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)")
        conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("kind", "why"), [
    ("not SQLite", "file is not a database"),
    ("other columns", "its table entries has the columns id, payload, not key, value, created"),
    ("other tables", "it holds other tables (photos), not a summarize cache"),
    ("a newer version", "it was made by a newer summarize: schema version 99, this one reads 1"),
])
def test_a_foreign_or_corrupt_cache_is_moved_aside_and_rebuilt_with_one_warning(tmp_path, kind, why):
    cache = TextCache(tmp_path)
    _write_foreign(cache.path, kind)
    original = cache.path.read_bytes()
    inner, outputs, warned = _two_calls(cache)
    assert outputs == EXPECTED
    assert inner.calls == [["uno", "dos"], ["tres"]]  # the new cache works at once: "dos" is a hit
    [aside] = tmp_path.glob("cache.sqlite3.corrupt-*[0-9]")
    assert re.fullmatch(r"cache\.sqlite3\.corrupt-\d{8}-\d{6}", aside.name) and aside.read_bytes() == original
    assert warned == [[(f"the translation cache {cache.path} could not be read ({why}); it was moved to "
                        f"{aside.name} and a new, empty cache is used")], []]
    assert cache.warnings == warned[0] and cache.enabled
    assert len(TextCache(tmp_path)) == 3  # a later run reads the new cache without a word
    _write_foreign(cache.path, "not SQLite")
    TextCache(tmp_path).get_many(["k"])  # a second bad file, even within the same second: no copy is overwritten
    assert len(list(tmp_path.glob("cache.sqlite3.corrupt-*[0-9]"))) == 2


def test_a_cache_from_before_the_schema_version_is_read_as_it_is(tmp_path):
    path = tmp_path / "cache.sqlite3"
    conn = sqlite3.connect(path)  # exactly what earlier versions created
    conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL) "
                 "WITHOUT ROWID")
    conn.execute("INSERT INTO entries VALUES ('k', 'v', 0)")
    conn.commit()
    conn.close()
    cache = TextCache(tmp_path)
    assert cache.get_many(["k"]) == {"k": "v"} and cache.warnings == [] and list(tmp_path.glob("*.corrupt-*")) == []


class _FullDisk:
    """A connection whose writes fail as on a full disk; reads work."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str):
        return getattr(self._conn, name)

    def executemany(self, *args):
        raise sqlite3.OperationalError("database or disk is full")


def _cannot_open(tmp_path, monkeypatch, how: str) -> TextCache:
    if how == "folder under a file":
        (tmp_path / "a-file").write_text("not a folder")
        return TextCache(tmp_path / "a-file" / "cache")
    cache = TextCache(tmp_path / "cache")
    if how == "permission denied":
        def refuse(*args, **kwargs):
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(cache_module.sqlite3, "connect", refuse)
    else:
        real_open = TextCache._open
        monkeypatch.setattr(TextCache, "_open", lambda self: _FullDisk(real_open(self)))
    return cache


@pytest.mark.parametrize(("how", "why"), [
    ("folder under a file", "cannot open it: Not a directory ("),
    ("permission denied", "cannot open it: unable to open database file"),
    ("disk full", "cannot write it: database or disk is full"),
])
def test_a_cache_that_cannot_be_opened_or_written_is_switched_off_with_one_warning(tmp_path, monkeypatch, how, why):
    cache = _cannot_open(tmp_path, monkeypatch, how)
    inner, outputs, warned = _two_calls(cache)
    assert outputs == EXPECTED
    if how == "disk full":  # it failed after the lookup: the first call had sent only the misses
        assert inner.calls == [["uno", "dos"], ["dos", "tres"]]
    else:  # off from the start: the engine sees every call as it would without a cache
        assert inner.calls == [["uno", "dos", "uno"], ["dos", "tres"]]
    [warning] = warned[0]
    assert warned[1] == [] and cache.warnings == [warning] and not cache.enabled
    assert warning.startswith(f"the translation cache {cache.path} cannot be used ({why}")
    assert warning.endswith("); it is off for the rest of this run and every text is computed anew (--cache-dir "
                            "DIR picks another folder, --no-cache skips the cache)")
    assert len(cache) == 0 and cache.get_many(["k"]) == {}
    copy = pickle.loads(pickle.dumps(cache))  # a Ray actor's copy tries for itself, and warns for itself
    assert copy.enabled and copy.warnings == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_a_cache_folder_without_permission_is_switched_off(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        inner, outputs, warned = _two_calls(TextCache(locked / "cache"))
    finally:
        locked.chmod(0o700)
    assert outputs == EXPECTED and inner.calls == [["uno", "dos", "uno"], ["dos", "tres"]]
    assert "Permission denied" in warned[0][0]


def test_the_warning_waits_for_a_call_that_can_carry_it(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    cache = TextCache(tmp_path / "a-file")
    summarizer = CachedSummarizer(FakeSummarizer(), cache)
    assert summarizer.summarize(["Texto largo."], "es", LengthSpec(2)) == ["es/2:Texto"]  # no warnings list
    warnings: list[str] = []
    CachedTranslator(FakeTranslator(CONFIG), cache).translate(["uno"], "es", "en", warnings=warnings)
    assert len(warnings) == 1 and "cannot be used" in warnings[0]


def test_a_broken_cache_gives_the_results_of_no_cache_and_one_warning(tiny_preset, tmp_path):
    from summarize.config import load_config

    config = load_config(str(tiny_preset)).with_overrides(device="cpu", sentences=1)
    texts = [Source.from_text(SHORT_ES + " " + SHORT_ES, id="es"), Source.from_text(SHORT_EN + " " + SHORT_EN, id="en")]
    plain = [r.to_dict() for r in Pipeline(PipelineSpec(config)).run(texts)]
    (tmp_path / "a-file").write_text("not a folder")
    broken = Pipeline(PipelineSpec(config, cache_dir=str(tmp_path / "a-file" / "cache")))
    results = [r.to_dict() for r in broken.run(texts)]
    said = [w for r in results for w in r["warnings"] if "translation cache" in w]
    assert len(said) == 1 and "cannot be used" in said[0]  # one group (es), once
    for old, new in zip(plain, results, strict=True):
        old.pop("timings"), new.pop("timings")
        new["warnings"] = [w for w in new["warnings"] if w not in said]
        assert old == new
