"""Per-input notes: a warning about one input reaches only the documents it is about, with their own count.

A record must be the same alone and in any batch; an engine's note about one segment or one summary
used to be counted over the whole call and copied to every document of the group. These tests run
the real engines (tiny random-weight Marian models, whose random weights fall into repetition loops;
Apertium; the extractive summarizer) alone and in batches and compare.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import SHORT_EN, records_alone_and_batched
from test_apertium import fake_apertium

from summarize import Pipeline, Source
from summarize.backends.base import LengthSpec, Noted, Scored, tally_notes
from summarize.backends.cache import CachedSummarizer, CachedTranslator, TextCache
from summarize.backends.extractive import MAX_SENTENCES, VERY_LONG_NOTE, ExtractiveSummarizer
from summarize.backends.neural import LOOP_NOTE
from summarize.config import RuntimeConfig, TranslateConfig, config_from_dict
from summarize.pipeline import PipelineSpec
from summarize.pipeline.translate import DocumentTranslator
from summarize.registry import EngineInfo, default_registry

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None,
                                    reason="Apertium is not installed (sudo apt-get install apertium-eng-spa)")

# sentences of the reference story in our own words; which of them the tiny random model loops on
# is found by running it, never written down here. Its random weights loop on almost anything; a
# source that repeats itself (a chant) is never taken for a loop (see looks_repetitive), so those pass
CANDIDATES = [
    "Los manifestantes gritaban «fuera, fuera, fuera, fuera, fuera» frente a la embajada.",
    "El público coreó «sí, sí, sí, sí, sí» al final del discurso.",
    "La multitud repetía «libertad, libertad, libertad, libertad, libertad» durante la marcha.",
    "El presidente ofreció la cárcel a los deportados.",
    "La reunión duró casi tres horas en la residencia.",
    "El secretario de Estado agradeció la oferta.",
    "La oposición criticó el acuerdo con dureza.",
    "La prisión abrió sus puertas hace dos años.",
    "Los abogados dijeron que el plan es ilegal.",
    "El gobierno no publicó el texto del acuerdo.",
    "Varios periodistas esperaban fuera del edificio.",
    "La visita formaba parte de una gira regional.",
    "El ministro habló con la prensa por la tarde.",
    "Las organizaciones de derechos humanos pidieron explicaciones.",
    "El país recibirá a criminales de cualquier nacionalidad.",
    "La oferta sorprendió a los diplomáticos de la región.",
    "Nadie explicó cuánto costará mantener a los presos.",
    "El acuerdo todavía necesita la firma de ambos gobiernos.",
    "Los familiares de los presos protestaron frente a la cárcel.",
]


def test_notes_are_counted_once_per_input_that_has_them():
    per_input = [("looped",), (), ("looped", "cut", "looped"), ("cut",)]
    assert tally_notes(per_input, "sentence") == ["2 sentence(s) looped", "2 sentence(s) cut"]
    assert tally_notes([(), ()], "segment") == []


@pytest.fixture(scope="module")
def split(tiny_pipeline) -> tuple[list[str], list[str]]:
    """The candidates the tiny es-en model loops on when it translates each alone, and those it does not."""
    translator = tiny_pipeline.translator
    alone = {c: translator.translate_scored([c], "es", "en")[0].notes for c in CANDIDATES}
    looping = [c for c in CANDIDATES if alone[c]]
    clean = [c for c in CANDIDATES if not alone[c]]
    assert len(looping) >= 2 and len(clean) >= 3, alone  # random weights loop on some sentences, not all
    assert all(notes == (LOOP_NOTE,) for notes in alone.values() if notes)
    return looping, clean


def test_the_neural_translator_notes_each_segment_that_looped_in_its_own_output(tiny_pipeline, split):
    looping, clean = split
    translator = tiny_pipeline.translator
    texts = [clean[0], looping[0], clean[1], looping[1]]
    outputs = translator.translate_scored(texts, "es", "en")
    assert [o.notes for o in outputs] == [(), (LOOP_NOTE,), (), (LOOP_NOTE,)]
    warnings: list[str] = []  # the plain call has no per-input channel: its notes are counted over the call
    assert translator.translate(texts, "es", "en", warnings=warnings) == [o.text for o in outputs]
    assert warnings == [f"2 segment(s) {LOOP_NOTE}"]


def test_each_document_gets_its_own_sentences_notes_with_its_own_count(tiny_pipeline, split):
    looping, clean = split
    documents = [[f"{looping[0]} {clean[0]}"],  # one sentence looped
                 [clean[1]],  # none did
                 [f"{looping[0]} {looping[1]}", looping[1]]]  # two did, one shared with the first document
    translator = DocumentTranslator(tiny_pipeline.translator)

    def notes_of(docs: list[list[str]]) -> list[list[str]]:
        notes: list[list[str]] = [[] for _ in docs]
        warnings: list[str] = []
        translator.translate(docs, "es", "en", warnings=warnings, notes=notes)
        assert warnings == []  # nothing here concerns the whole call
        return notes

    together = notes_of(documents)
    assert together == [[f"1 sentence(s) {LOOP_NOTE}"], [], [f"2 sentence(s) {LOOP_NOTE}"]]
    assert together == [notes_of([doc])[0] for doc in documents]


def test_a_record_warns_of_its_own_loops_alone_and_in_a_batch(tiny_pipeline, split):
    looping, clean = split
    sources = [Source.from_text(f"{looping[0]} {clean[0]}\n\n{looping[1]}", lang="es", id="loops"),
               Source.from_text(f"{clean[1]} {clean[2]}", lang="es", id="clean")]
    alone = [tiny_pipeline.run([s])[0].warnings for s in sources]
    together = [r.warnings for r in tiny_pipeline.run(sources)]
    reversed_ = [r.warnings for r in tiny_pipeline.run(sources[::-1])][::-1]
    assert together == alone and reversed_ == alone
    assert f"2 sentence(s) {LOOP_NOTE}" in alone[0]
    assert not any("repetition loop" in w for w in alone[1])


def test_a_cached_translation_comes_back_with_its_notes(tiny_pipeline, split, tmp_path):
    looping, clean = split
    texts = [clean[0], looping[0]]
    cold = CachedTranslator(tiny_pipeline.translator, TextCache(tmp_path)).translate_scored(texts, "es", "en")
    calls: list[list[str]] = []

    class Counting(type(tiny_pipeline.translator)):  # the same engine, counting what reaches it
        def translate_scored(self, texts, *args, **kwargs):
            calls.append(list(texts))
            return super().translate_scored(texts, *args, **kwargs)

    fresh = Counting(tiny_pipeline.translator.config, RuntimeConfig(device="cpu"))
    warm = CachedTranslator(fresh, TextCache(tmp_path)).translate_scored(texts, "es", "en")
    assert warm == cold and calls == []
    assert cold[1].notes == (LOOP_NOTE,) and cold[0].notes == ()


def test_a_cached_summary_comes_back_with_its_notes(tmp_path):
    long = " ".join(f"The committee met for the {n}th time and reached no agreement." for n in range(MAX_SENTENCES + 5))
    texts = [long, SHORT_EN]
    cold = CachedSummarizer(ExtractiveSummarizer(), TextCache(tmp_path)).summarize_noted(texts, "en", LengthSpec(1))
    assert [s.notes for s in cold] == [(VERY_LONG_NOTE,), ()]
    warm = CachedSummarizer(ExtractiveSummarizer(), TextCache(tmp_path)).summarize_noted(texts, "en", LengthSpec(1))
    assert warm == cold
    warnings: list[str] = []  # the plain call puts each distinct note in the call's warnings
    assert ExtractiveSummarizer().summarize(texts, "en", LengthSpec(1), warnings=warnings) == [s.text for s in cold]
    assert warnings == [VERY_LONG_NOTE]


@needs_apertium
def test_the_very_long_note_stays_with_the_very_long_article():
    long = " ".join(f"The committee met for the {n}th time and reached no agreement." for n in range(MAX_SENTENCES + 5))
    sources = [Source.from_text(long, lang="en", id="long"), Source.from_text(SHORT_EN, lang="en", id="short")]
    alone = records_alone_and_batched(Pipeline.from_preset("offline", sentences=1), sources)
    assert VERY_LONG_NOTE in alone[0]["warnings"]
    assert VERY_LONG_NOTE not in alone[1]["warnings"]


def test_a_name_apertium_altered_is_noted_only_in_its_document(tmp_path):
    from summarize.backends.apertium import ApertiumTranslator

    # the stand-in glues a letter to every carrier it sees, as Apertium's compound rules sometimes do
    body = "import re\nsys.stdout.write(re.sub(r'(Madrid|Toledo|Orlando)', r'\\1x', text))\n"
    engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig(), binary=fake_apertium(tmp_path, body))
    documents = [["Ayer habló con Marco Rubio."], ["Sin nombres aquí."]]
    translator = DocumentTranslator(engine)

    def notes_of(docs: list[list[str]]) -> list[list[str]]:
        notes: list[list[str]] = [[] for _ in docs]
        translator.translate(docs, "es", "en", notes=notes)
        return notes

    together = notes_of(documents)
    assert together == [[("1 sentence(s) were translated without name protection, because Apertium altered their "
                         "protected names")], []]
    assert together == [notes_of([doc])[0] for doc in documents]


class _OldTranslator:
    """A plugin translator of the duck-typed contract: ``translate`` alone, warnings for the call."""

    engine = "old-echo"

    def __init__(self, config, runtime, *, langid=None):
        self.config = config

    def translate(self, texts, src, tgt, *, warnings=None):
        if warnings is not None:
            warnings.append("the old-echo engine only marks its input")
        return [f"[{tgt}] {t}" for t in texts]


class _OldSummarizer:
    """A plugin summarizer of the duck-typed contract: ``summarize`` alone, warnings for the call."""

    engine = "first-sentence"

    def __init__(self, config, runtime, *, langid=None):
        self.config = config

    def summarize(self, texts, lang, length, *, warnings=None):
        if warnings is not None:
            warnings.append("the first-sentence engine reads no further than a full stop")
        return [t.split(". ")[0].rstrip(".") + "." for t in texts]


@pytest.fixture()
def old_plugins():
    reg = default_registry()
    reg.add_engine(EngineInfo("old-echo", "translate", _OldTranslator))
    reg.add_engine(EngineInfo("first-sentence", "summarize", _OldSummarizer))
    return reg


def test_plugins_of_the_old_contract_keep_working_and_their_warnings_stay_call_level(old_plugins):
    config = config_from_dict({"translate": {"engine": "old-echo"},
                               "summarize": {"engine": "first-sentence", "strategy": "source", "words": 20}},
                              registry=old_plugins)
    pipeline = Pipeline(PipelineSpec(config, registry=old_plugins))
    texts = [("El presidente habló ayer con la prensa del país sobre la cárcel. Dijo que la oferta sigue en pie "
             "y que no habrá cambios. Los periodistas preguntaron por el costo."),
             ("La oposición criticó el plan del gobierno en el congreso durante la mañana. Pidió conocer el texto "
             "del acuerdo firmado. El ministro no respondió.")]
    results = pipeline.run([Source.from_text(t, lang="es", id=str(i)) for i, t in enumerate(texts)])
    assert [r.summaries["es"] for r in results] == [t.split(". ")[0] + "." for t in texts]
    for result in results:  # both documents were in the engines' one call
        assert "the old-echo engine only marks its input" in result.warnings
        assert "the first-sentence engine reads no further than a full stop" in result.warnings
    summarizer = pipeline.summarizer  # the base's defaults around the plugin: no notes of its own
    assert summarizer.summarize_noted(["Uno. Dos."], "es", LengthSpec(1)) == [Noted("Uno.")]
    assert pipeline.translator.translate_scored(["Hola."], "es", "en") == [Scored("[en] Hola.")]
