"""Short faithful summaries and quality signals: cohesion rules, fact checks, confidences."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from summarize import Pipeline, Source
from summarize.backends.apertium.engine import ApertiumTranslator, unmark
from summarize.backends.base import ConfidenceMeasure, LengthSpec, Scored, Translator
from summarize.backends.cache import CachedTranslator, TextCache
from summarize.backends.extractive import ExtractiveSettings, article_sentences, extract_summary
from summarize.config import DEFAULT_SUMMARY_WORDS, PipelineConfig, RuntimeConfig, TranslateConfig, load_config
from summarize.render import render
from summarize.text.cohesion import dependencies, is_dangling, is_fragment, needed_with, quote_depths
from summarize.text.facts import missing_facts, names, numbers, summary_differences

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")


# --- cohesion -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "lang"), [
    ("And he added: the deal is done.", "en"), ("But the court disagreed.", "en"),
    ("He did not say how large the fee would be.", "en"), ("“However, nobody asked.", "en"),
    ("Y añadió que el acuerdo es firme.", "es"), ("Sin embargo, nadie lo confirmó.", "es"),
    ("Añadió que no habrá más detalles.", "es"), ("Por su parte, el FMLN lo criticó.", "es"),
])
def test_dangling_openers(sentence, lang):
    assert is_dangling(sentence, lang)


@pytest.mark.parametrize(("sentence", "lang"), [
    ("Bukele offered the prison on Monday.", "en"), ("Andrew Smith testified.", "en"),
    ("El presidente ofreció la cárcel.", "es"), ("Yolanda Díaz respondió.", "es"),
])
def test_sentences_that_stand_alone(sentence, lang):
    assert not is_dangling(sentence, lang)


def test_quotes_are_followed_across_sentences():
    sentences = ['"We will take them.', 'All of them," he said.', "The talks lasted three hours."]
    assert quote_depths(sentences) == [(False, True), (True, False), (False, False)]
    assert quote_depths(["«Es el acuerdo.", "El más grande», dijo."]) == [(False, True), (True, False)]
    assert quote_depths(["`` we will pay .", "it is fair , '' he said ."]) == [(False, True), (True, False)]


def test_dependencies_and_groups():
    paragraphs = [["Rubio met Bukele for three hours.", "He called the offer extraordinary."],
                  ["The deal has three parts:", "prisons, fees and flights."]]
    needs = dependencies(paragraphs, "en")
    assert needs == [frozenset(), frozenset({0}), frozenset({3}), frozenset()]
    assert needed_with(1, needs) == [0, 1]
    assert needed_with(2, needs) == [2, 3]


@pytest.mark.parametrize(("text", "fragment"), [
    ("Section heading without a stop", True), ("Too short.", True),
    ("Bukele offered the prison to Washington.", False), ('He said: "We accept."', False),
])
def test_fragments(text, fragment):
    assert is_fragment(text) is fragment


ARTICLE = (
    "The United States and El Salvador signed a prison agreement in San Salvador on Monday. "
    "And he added that the CECOT prison would hold every deportee sent from the United States.\n"
    "The CECOT prison holds 40,000 inmates and opened in 2023 in Tecoluca. "
    "\"We will take them all. The United States will pay a fee,\" the official said.\n"
    "Related stories\n"
    "The opposition said the CECOT prison agreement was unconstitutional."
)


@pytest.mark.parametrize("length", [LengthSpec(sentences=1), LengthSpec(sentences=2), LengthSpec(words=30),
                                    LengthSpec(words=60)])
def test_extractive_summaries_never_dangle(length):
    for settings in (ExtractiveSettings(), ExtractiveSettings(position_decay=0.0, stop_below=0.0)):
        summary = extract_summary(ARTICLE, "en", length, settings)
        if "And he added" in summary:
            assert "signed a prison agreement" in summary  # only with the sentence it leans on
        assert ("We will take them all." in summary) == ("will pay a fee,\" the official said." in summary)
        assert summary.count('"') % 2 == 0
        assert "Related stories" not in summary  # no sentence at all
        if length.words is None:
            assert len(article_sentences(summary, "en")) <= length.sentences


# --- facts ----------------------------------------------------------------------------------------

def test_numbers_are_normalised_across_conventions():
    assert numbers("40.000 presos, 3,5 millones, 2023") == {"40000", "3.5", "2023"}
    assert numbers("40,000 inmates, 3.5 million, 40 000 beds") == {"40000", "3.5"}


def test_names_keep_runs_and_skip_sentence_openers():
    found = names("El presidente Nayib Bukele habló. Según Marco Rubio, el Tren de Aragua y la MS-13 irán al CECOT.")
    assert {"Nayib Bukele", "Marco Rubio", "Tren de Aragua", "MS-13", "CECOT"} <= found
    assert "El" not in found and "Según" not in found


def test_missing_facts_compare_numbers_by_value_and_words_without_case_or_accents():
    article = "Bukele said El Salvador would hold 1,500 deportees at CECOT, the prison he opened."
    summary = "The Salvadoran president Bukele will hold 1.500 deportees in 2024 at CECOT, says Rubio."
    assert missing_facts(summary, article) == ["2024", "Rubio", "Salvadoran"]
    assert missing_facts("The offer came from BUKELE in Cecot.", "Bukelé spoke of CECOT.") == []


def test_a_sentence_initial_common_word_is_not_a_name():
    assert missing_facts("The prison opened. El gobierno habló.", "the prison opened; el gobierno habló") == []


def test_missing_facts_name_what_the_article_lacks():
    article = "Bukele offered the CECOT prison, which holds 40.000 inmates, to Marco Rubio."
    assert missing_facts("Bukele offered 40,000 places to Rubio.", article) == []
    assert missing_facts("Bukele offered 45,000 places to Donald Trump.", article) == ["45000", "Donald Trump"]


def test_summary_differences():
    assert summary_differences("Bukele ofreció 40.000 plazas en el CECOT.", "Bukele offered 40,000 places in the CECOT.",
                               "Bukele offered the CECOT prison.") == []
    differ = summary_differences("Bukele ofreció 40.000 plazas en el CECOT.", "Bukele offered 4,000 places.",
                                 "Bukele offered the CECOT prison.")
    assert differ == ["40000 (only in the original)", "4000 (only in the translation)",
                      "CECOT (not in the translation)"]
    # a name the article's translation renders otherwise is not required as written
    assert summary_differences("Estados Unidos pagará.", "The United States will pay.",
                               "The United States will pay a fee.") == []


# --- length defaults ------------------------------------------------------------------------------

def test_the_default_length_is_a_word_budget():
    assert PipelineConfig().summarize.words == DEFAULT_SUMMARY_WORDS
    assert load_config("offline").summarize.words == DEFAULT_SUMMARY_WORDS


def test_an_explicit_sentence_count_wins_over_the_default_budget(tmp_path: Path):
    config = load_config("offline").with_overrides(sentences=2)
    assert (config.summarize.sentences, config.summarize.words) == (2, None)
    both = load_config("offline").with_overrides(sentences=2, words=40)
    assert both.summarize.words == 40
    preset = tmp_path / "two.toml"
    preset.write_text('[translate]\nengine = "apertium"\n[summarize]\nengine = "extractive"\nsentences = 2\n')
    assert load_config(str(preset)).summarize.words is None


# --- confidences ----------------------------------------------------------------------------------

def test_unmark_scores_the_known_share():
    text, score = unmark("The *frobnicating president *yelled at them.")
    assert (text, score) == ("The frobnicating president yelled at them.", pytest.approx(4 / 6))
    assert unmark("") == ("", 1.0)
    assert unmark("2 * 3 = 6")[1] == 1.0


@needs_apertium
def test_apertium_scores_unknown_words_and_keeps_its_clean_output():
    engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig())
    texts = ["El gobierno xyzzyfoo aceptará a los quatrocentos deportados.", "El presidente habló con la prensa."]
    scored = engine.translate_scored(texts, "es", "en")
    assert [s.text for s in scored] == engine.translate(texts, "es", "en")
    assert "*" not in scored[0].text
    assert scored[0].score < engine.confidence.low_below <= 1.0 == scored[1].score


@needs_apertium
def test_offline_results_carry_confidences_and_flag_low_ones():
    article = ("El presidente Bukele dijo que el gobierno aceptará a los deportados en la cárcel.\n"
               "Los zorblax quatrocentos vrumpidos fueron glimbados ayer por la trabulencia.")
    pipeline = Pipeline.from_preset("offline")
    [result] = pipeline.run([Source.from_text(article, lang="es")])
    confidence = result.confidence
    assert confidence is not None and confidence.measure == "known-word share"
    kinds = {s.translation for s in confidence.sentences}
    assert kinds == {"full", "summary"}
    assert any("zorblax" in s.source for s in result.low_confidence)
    assert all(s.score < confidence.low_below for s in result.low_confidence)
    data = json.loads(render([result], "json"))
    assert data["low_confidence"][0]["translation"] in ("full", "summary")
    text = render([result], "text")
    assert f"Low-confidence sentences: {len(result.low_confidence)} of {len(confidence.sentences)}" in text
    assert "Low-confidence sentences:" in render([result], "markdown")


def test_neural_translators_score_with_the_models_log_probability(tiny_preset):
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu")
    translator = pipeline.translator
    texts = ["El presidente habló con la prensa.", "La cárcel abrió en 2023."]
    scored = translator.translate_scored(texts, "es", "en")
    assert [s.text for s in scored] == translator.translate(texts, "es", "en")
    assert all(s.score is not None and math.isfinite(s.score) and s.score <= 0 for s in scored)
    assert translator.confidence is not None and translator.confidence.name == "mean token log-probability"


def test_tiny_random_models_are_flagged_low(tiny_preset):
    # random weights spread their probability over the whole vocabulary: every sentence is a guess
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1)
    [result] = pipeline.run([Source.from_text("El presidente habló con la prensa. La cárcel abrió en 2023.",
                                              lang="es")])
    assert result.confidence is not None
    assert result.low_confidence and len(result.low_confidence) == len(result.confidence.sentences)


class _ScoringTranslator(Translator):
    """Scores each output by its length, and remembers what it was asked."""

    engine = "scoring"
    confidence = ConfidenceMeasure("test score", 0.5)
    batch_invariant = True  # each output from its own text

    def __init__(self) -> None:
        self.asked: list[str] = []

    def translate(self, texts, src, tgt, *, warnings=None):
        return [s.text for s in self.translate_scored(texts, src, tgt, warnings=warnings)]

    def translate_scored(self, texts, src, tgt, *, warnings=None):
        self.asked.extend(texts)
        return [Scored(t.upper(), round(1 / len(t), 4)) for t in texts]


def test_the_cache_keeps_scores_beside_translations(tmp_path: Path):
    inner = _ScoringTranslator()
    cached = CachedTranslator(inner, TextCache(tmp_path))
    first = cached.translate_scored(["uno", "dos tres"], "es", "en")
    again = cached.translate_scored(["dos tres", "uno"], "es", "en")
    assert first == [Scored("UNO", 0.3333), Scored("DOS TRES", 0.125)]
    assert again == [first[1], first[0]]
    assert inner.asked == ["uno", "dos tres"]
    assert cached.confidence == inner.confidence


def test_generated_summaries_lose_a_cut_off_last_sentence():
    from summarize.backends.neural import trim_to_length

    text = 'Bukele offered the prison to Washington. Rubio said "we will take the offer and'
    assert trim_to_length(text, "en", LengthSpec(words=60)) == "Bukele offered the prison to Washington."
    assert trim_to_length("Only a fragment without end", "en", LengthSpec(words=60)) == "Only a fragment without end"
