"""A record does not depend on its neighbours, with neural engines too (issue 12, the identity rule).

A neural engine's output for a sentence changes with the rest of its batch (padding, batch shape),
so the pipeline gives an engine that is not batch-invariant one document's texts per call. These
tests run the tiny random-weight Marian and BART models: random weights are as sensitive to batch
shape as any model, which makes a leak between documents show at once.
"""

from __future__ import annotations

import pytest
from conftest import SHORT_EN, SHORT_ES, records_alone_and_batched

from summarize import Pipeline, Source
from summarize.backends.cache import CachedTranslator, TextCache
from summarize.text.segment import split_sentences

TEXTS = [
    SHORT_ES,
    SHORT_EN,
    ("El ministro habló con la prensa el lunes.\n\nDijo que el plan costará 40 millones de dólares y que la obra "
     "empezará en mayo. La oposición pidió más datos."),
    ("The mayor spoke to reporters on Monday.\n\nShe said the works would cost $40 million and start in May. "
     "The opposition asked for more details."),
    # shares its first sentence with the first text: translated once per call, never across documents
    "El presidente Nayib Bukele ofreció la cárcel CECOT a Estados Unidos. Nadie más habló del tema.",
]


def _sources() -> list[Source]:
    return [Source.from_text(t, id=f"doc{i}") for i, t in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def neural(tiny_preset) -> Pipeline:
    return Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1).load()


def test_the_neural_engines_say_they_are_not_batch_invariant_and_the_offline_ones_are(neural):
    assert not neural.translator.batch_invariant and not neural.summarizer.batch_invariant
    offline = Pipeline.from_preset("offline")
    assert offline.summarizer.batch_invariant
    assert type(offline.translator).batch_invariant


def test_a_neural_record_is_the_same_alone_in_a_batch_and_in_any_order(neural):
    records_alone_and_batched(neural, _sources(), seed=3)


def _calls_of(pipeline: Pipeline, monkeypatch) -> list[tuple[str, list[str]]]:
    """``(src, texts)`` of every call the pipeline makes to its translator (a spy that delegates)."""
    calls: list[tuple[str, list[str]]] = []
    real = pipeline.translator.translate_scored

    def spy(texts, src, tgt, **kwargs):
        calls.append((src, list(texts)))
        return real(texts, src, tgt, **kwargs)

    monkeypatch.setattr(pipeline.translator, "translate_scored", spy)
    return calls


def test_each_call_holds_one_documents_texts_unless_the_run_asks_for_shared_batches(tiny_preset, monkeypatch,
                                                                                    tmp_path):
    docs = (TEXTS[0], TEXTS[2])
    spanish = [Source.from_text(t, id=f"es{i}", lang="es") for i, t in enumerate(docs)]
    sentences = [{s.strip() for p in t.split("\n\n") for s in split_sentences(p, "es")} for t in docs]

    def owners(calls: list[tuple[str, list[str]]]) -> list[set[int]]:
        """Per Spanish call, the documents whose sentences it holds."""
        return [{n for n, mine in enumerate(sentences) if mine & set(texts)} for src, texts in calls if src == "es"]

    separate = Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1)
    calls = _calls_of(separate, monkeypatch)
    separate.run(spanish)
    assert owners(calls) and all(len(o) == 1 for o in owners(calls) if o)

    toml = tmp_path / "shared.toml"
    toml.write_text(tiny_preset.read_text(encoding="utf-8") + "\n[runtime]\nbatch_across_documents = true\n",
                    encoding="utf-8")
    shared = Pipeline.from_preset(str(toml), device="cpu", sentences=1)
    assert shared.config.runtime.batch_across_documents
    calls = _calls_of(shared, monkeypatch)
    shared.run(spanish)
    assert {0, 1} in owners(calls)


def test_a_cached_neural_output_is_the_one_its_own_call_makes(neural, tmp_path):
    """With a cache, a sentence two documents share is stored per call: the second document does
    not get the first one's translation, made in another batch."""
    inner = neural.translator
    cached = CachedTranslator(inner, TextCache(tmp_path / "cache"))
    first = ["El presidente Nayib Bukele ofreció la cárcel CECOT a Estados Unidos.", "La oferta incluye a criminales."]
    second = ["El presidente Nayib Bukele ofreció la cárcel CECOT a Estados Unidos.", "Nadie más habló del tema."]
    cold_second = inner.translate(second, "es", "en")
    cached.translate(first, "es", "en")
    assert cached.translate(second, "es", "en") == cold_second
    assert cached.translate(second, "es", "en") == cold_second  # now from the cache
    assert len(cached.cache) == len(first) + len(second)


# --- CTranslate2 int8 on a CPU: batches of one input length, so documents share calls -------------

@pytest.fixture(scope="module")
def ct2_int8(tiny_preset, tmp_path_factory) -> Pipeline:
    pytest.importorskip("ctranslate2")
    from summarize.backends import ct2

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ct2.CACHE_ENV, str(tmp_path_factory.mktemp("ct2-int8")))
        pipeline = Pipeline.from_preset(str(tiny_preset), fast=True, device="cpu", compute_type="int8", threads=1,
                                        sentences=1).load()
        yield pipeline


def test_ct2_int8_on_a_cpu_is_batch_invariant_and_float32_is_not(tiny_preset):
    pytest.importorskip("ctranslate2")
    from summarize.backends.ct2 import Device, rows_independent

    assert rows_independent(Device("cpu", 0, "int8", 1))
    assert not rows_independent(Device("cpu", 0, "float32", 1))
    assert not rows_independent(Device("cuda", 0, "int8_float16", 1))
    float32 = Pipeline.from_preset(str(tiny_preset), fast=True, device="cpu", compute_type="float32", threads=1)
    assert not float32.translator.batch_invariant and not float32.summarizer.batch_invariant


def test_a_ct2_int8_record_is_the_same_alone_in_a_shared_batch_and_in_any_order(ct2_int8, monkeypatch):
    assert ct2_int8.translator.batch_invariant and ct2_int8.summarizer.batch_invariant
    assert not ct2_int8.config.runtime.batch_across_documents
    records_alone_and_batched(ct2_int8, _sources(), seed=5)
    # and the documents did share calls: one call held sentences of more than one document
    calls = _calls_of(ct2_int8, monkeypatch)
    ct2_int8.run([Source.from_text(t, id=f"es{i}", lang="es") for i, t in enumerate((TEXTS[0], TEXTS[2]))])
    spanish = [set(texts) for src, texts in calls if src == "es"]
    first = {s.strip() for p in TEXTS[0].split("\n\n") for s in split_sentences(p, "es")}
    third = {s.strip() for p in TEXTS[2].split("\n\n") for s in split_sentences(p, "es")}
    assert any(texts & first and texts & third for texts in spanish)


def test_equal_length_batches_hold_one_length_within_the_budget():
    from summarize.text.segment import batches_of_equal_length, restore_order

    lengths = [5, 3, 5, 5, 3, 9, 5]
    batches = batches_of_equal_length(lengths, 10, batch_size=99)
    assert all(len({lengths[i] for i in b}) == 1 for b in batches)
    assert all(len(b) * lengths[b[0]] <= 10 or len(b) == 1 for b in batches)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [lengths[b[0]] for b in batches] == [9, 5, 5, 3]
    assert batches_of_equal_length(lengths, None, batch_size=3) == [[5], [0, 2, 3], [6], [1, 4]]
    assert restore_order(batches, [[f"o{i}" for i in b] for b in batches], len(lengths)) == [
        f"o{i}" for i in range(len(lengths))]


def test_ct2_int8_batches_run_side_by_side_with_the_same_records(ct2_int8, tiny_preset, tmp_path, monkeypatch):
    """Two threads run two equal-length batches at once: the records are those of one thread."""
    from summarize.backends import ct2

    monkeypatch.setenv(ct2.CACHE_ENV, str(tmp_path / "ct2"))
    two = Pipeline.from_preset(str(tiny_preset), fast=True, device="cpu", compute_type="int8", threads=2,
                               sentences=1)
    one_thread = [{k: v for k, v in r.to_dict().items() if k != "timings"} for r in ct2_int8.run(_sources())]
    side_by_side = [{k: v for k, v in r.to_dict().items() if k != "timings"} for r in two.run(_sources())]
    assert side_by_side == one_thread


def test_spread_splits_the_largest_batches_until_every_thread_has_one():
    from summarize.backends.ct2 import spread

    assert spread([[0, 1, 2, 3, 4]], 2) == [[0, 1, 2], [3, 4]]
    assert spread([[0, 1, 2, 3], [4]], 3) == [[0, 1], [2, 3], [4]]
    assert spread([[0], [1]], 4) == [[0], [1]]
    assert spread([[0, 1], [2], [3]], 2) == [[0, 1], [2], [3]]


def test_batches_run_side_by_side_only_where_rows_are_independent_and_at_most_four():
    from summarize.backends.ct2 import Device, parallel_batches

    assert parallel_batches(Device("cpu", 0, "int8", 2)) == (2, 1)
    assert parallel_batches(Device("cpu", 0, "int8", 16)) == (4, 4)
    assert parallel_batches(Device("cpu", 0, "int8", 1)) == (1, 1)
    assert parallel_batches(Device("cpu", 0, "float32", 8)) == (1, 8)
    assert parallel_batches(Device("cuda", 0, "int8_float16", 8)) == (1, 8)
