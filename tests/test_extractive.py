"""The extractive summarizer on short articles written for these tests (no model, no data set)."""

from __future__ import annotations

import pytest
from conftest import ENGLISH_EXAMPLE, SPANISH_EXAMPLE

from summarize import Pipeline, Source
from summarize.backends import make_summarizer
from summarize.backends.base import LengthSpec
from summarize.backends.extractive import (
    ExtractiveSettings,
    ExtractiveSummarizer,
    article_sentences,
    count_words,
    extract_summary,
    score_sentences,
)
from summarize.config import RuntimeConfig, SummarizeConfig
from summarize.reading.extract import load_document
from summarize.text.cohesion import dependencies, needed_with

ARTICLE_ES = (
    "El presidente de El Salvador, Nayib Bukele, ofreció a Estados Unidos encarcelar en la megacárcel CECOT "
    "a deportados condenados por delitos graves. "
    "La oferta se conoció tras una reunión de casi tres horas con el secretario de Estado, Marco Rubio, "
    "junto al lago de Coatepeque.\n"
    "Rubio explicó que El Salvador aceptaría deportados de cualquier nacionalidad, incluidos miembros de la "
    "MS-13 y del Tren de Aragua. "
    "Según Rubio, ningún país había hecho nunca una oferta de amistad semejante.\n"
    "Bukele escribió al día siguiente en X que Estados Unidos podría pagar una tarifa por enviar presos "
    "condenados a la cárcel CECOT. "
    "El mandatario no precisó el monto de ese pago.\n"
    "«Es el acuerdo migratorio más extraordinario del mundo», dijo Rubio a los periodistas. "
    "El CECOT abrió en 2023 en Tecoluca y tiene capacidad para 40.000 presos.\n"
    "Manuel Flores, secretario general del FMLN, criticó que el acuerdo trate a la región como un patio trasero. "
    "Deportar a ciudadanos estadounidenses es ilegal según la ley de Estados Unidos."
)

ARTICLE_EN = (
    "El Salvador's president Nayib Bukele has offered to jail deportees from the United States in his "
    "CECOT mega-prison, whatever their nationality. "
    "The offer came after Secretary of State Marco Rubio met Bukele for nearly three hours by Lake Coatepeque.\n"
    "Rubio told reporters that El Salvador would take convicted criminals, including members of MS-13 and "
    "Tren de Aragua, and hold them in its prisons. "
    "He called it the most extraordinary migration agreement anywhere in the world.\n"
    "On Tuesday Bukele wrote on X that the United States could send convicted criminals to the CECOT prison "
    "for a fee. "
    "He did not say how large the fee would be.\n"
    "\"No country has ever made such an offer of friendship,\" Rubio said. "
    "The CECOT opened in 2023 in Tecoluca and can hold 40,000 inmates.\n"
    "Deporting US citizens is illegal under US law. "
    "An administration official said there were no plans to do so."
)

ARTICLES = {"es": ARTICLE_ES, "en": ARTICLE_EN}


def _picked(summary: str, article: str, lang: str) -> list[int]:
    """Positions in the article of the summary's sentences; fails if one is not a whole sentence."""
    sentences = article_sentences(article, lang)
    return [sentences.index(s) for s in article_sentences(summary, lang)]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_whole_sentences_in_document_order(lang, k):
    article = ARTICLES[lang]
    positions = _picked(extract_summary(article, lang, LengthSpec(sentences=k)), article, lang)
    assert len(positions) == k
    assert positions == sorted(positions)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_lead_wins_a_one_sentence_summary(lang):
    article = ARTICLES[lang]
    assert extract_summary(article, lang, LengthSpec(sentences=1)) == article_sentences(article, lang)[0]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("budget", [20, 45, 80])
def test_word_budget_is_filled_with_whole_sentences(lang, budget):
    article = ARTICLES[lang]
    filling = ExtractiveSettings(stop_below=0.0)  # never stop early: the budget alone decides
    summary = extract_summary(article, lang, LengthSpec(sentences=1, words=budget), filling)
    positions = _picked(summary, article, lang)
    assert positions == sorted(positions)
    assert len(positions) == 1 or count_words(summary) <= budget
    sentences = article_sentences(article, lang)
    needs = dependencies([article_sentences(p, lang) for p in article.split("\n")], lang)
    if count_words(summary) <= budget:
        # no left-out sentence would still have fitted with the sentences it leans on
        left = [sum(count_words(sentences[j]) for j in needed_with(i, needs) if j not in positions)
                for i in range(len(sentences)) if i not in positions]
        assert all(count_words(summary) + n > budget for n in left)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_default_budget_stops_before_weak_sentences(lang):
    article = ARTICLES[lang]
    default = extract_summary(article, lang, LengthSpec(words=80))
    filled = extract_summary(article, lang, LengthSpec(words=80), ExtractiveSettings(stop_below=0.0))
    assert count_words(default) <= count_words(filled) <= 80
    assert article_sentences(default, lang)[0] in filled


@pytest.mark.parametrize(("path", "lang"), [(SPANISH_EXAMPLE, "es"), (ENGLISH_EXAMPLE, "en")])
def test_the_example_articles(path, lang):
    body = "\n".join(load_document(Source.parse(str(path))).paragraphs)
    summary = ExtractiveSummarizer().summarize([body], lang, LengthSpec(sentences=3))[0]
    positions = _picked(summary, body, lang)
    assert len(positions) == 3 and positions == sorted(positions)


def test_a_tiny_word_budget_still_gives_one_sentence():
    summary = extract_summary(ARTICLE_EN, "en", LengthSpec(words=1))
    assert len(article_sentences(summary, "en")) == 1
    assert count_words(summary) > 1


def test_words_win_over_sentences():
    by_words = extract_summary(ARTICLE_ES, "es", LengthSpec(sentences=5, words=30))
    assert count_words(by_words) <= 30
    assert len(article_sentences(by_words, "es")) < 5


def test_equal_sentences_go_to_the_earlier_one():
    article = ("The prison deal with El Salvador was signed. "
               "Rubio praised the prison deal with El Salvador. "
               "Bukele praised the prison deal with El Salvador. "
               "The weather was mild.")
    scores, _ = score_sentences(article_sentences(article, "en"), "en")
    assert scores[1] > scores[2]


def test_duplicate_sentences_are_not_picked_twice():
    lead = "Nayib Bukele offered the CECOT prison to the United States for convicted deportees."
    article = (f"{lead} Marco Rubio met Bukele by Lake Coatepeque for three hours.\n"
               f"The CECOT prison holds members of MS-13 and Barrio 18.\n{lead}")
    summary = extract_summary(article, "en", LengthSpec(sentences=3))
    assert summary.count(lead) == 1
    assert len(article_sentences(summary, "en")) == 3


def test_quotes_are_marked_down():
    plain = "Bukele offered the prison to the United States."
    quoted = f'"{plain}"'
    neutral = ExtractiveSettings(position_decay=0.0)
    scores, _ = score_sentences([plain, quoted, "Rubio thanked him for the prison offer."], "en", neutral)
    assert scores[1] == pytest.approx(scores[0] * neutral.quote_penalty)


def test_short_inputs():
    assert extract_summary("", "es", LengthSpec()) == ""
    assert extract_summary("Una sola frase sobre el CECOT.", "es", LengthSpec(sentences=3)) == (
        "Una sola frase sobre el CECOT.")
    # sentences made only of function words have no content; the method must not divide by zero
    assert extract_summary("It is. So it was. And then?", "en", LengthSpec(sentences=2))


def test_the_engine_is_registered_and_describes_itself():
    summarizer = make_summarizer(SummarizeConfig(engine="extractive"), RuntimeConfig())
    assert isinstance(summarizer, ExtractiveSummarizer)
    assert summarizer.describe()["engine"] == "extractive"
    assert summarizer.describe()["model"]
    outputs = summarizer.summarize([ARTICLE_ES, ARTICLE_ES[:200]], "es", LengthSpec(sentences=2))
    assert len(outputs) == 2 and all(outputs)


def test_through_the_pipeline(tmp_path, tiny_preset):
    models = tiny_preset.parent
    preset = tmp_path / "extractive.toml"
    preset.write_text(
        'name = "extractive-test"\n'
        "[translate]\n"
        'engine = "marian"\n'
        f'models = {{ "es-en" = "{models / "marian-es-en"}", "en-es" = "{models / "marian-en-es"}" }}\n'
        "[summarize]\n"
        'engine = "extractive"\n'
        'strategy = "source"\n'
        "sentences = 2\n",
        encoding="utf-8",
    )
    pipeline = Pipeline.from_preset(str(preset), device="cpu")
    [result] = pipeline.run([Source.from_text(ARTICLE_ES)], source_lang="es")
    assert result.engines["summarize"]["engine"] == "extractive"
    assert result.summaries["es"] == extract_summary(ARTICLE_ES, "es", LengthSpec(sentences=2))
    assert len(_picked(result.summaries["es"], ARTICLE_ES, "es")) == 2
    assert result.summaries["en"]  # the tiny Marian model's translation: noise, but present
