"""The headline and the credits (issue "What an editor reads, II", items 1 and 2).

The articles in ``data/furniture`` are written from the fact sheet, in both languages, in the shapes
that broke: a saved page opening with an address block, a photo credit and the headline twice; a
plain-text copy with credit lines ("AP Photo/...", "Foto: EFE / ...", "©"); a page whose ``<h1>``
and ``og:title`` differ and whose ``<title>`` is only the site's name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize import Pipeline, Source
from summarize.cli import cli
from summarize.reading.extract import document_from_html, document_from_text, load_document
from summarize.reading.page import page_evidence, without_site_name
from summarize.reading.tidy import furniture_kind, tidy

ARTICLES = Path(__file__).parent / "data" / "furniture"
EXPECTED = json.loads((ARTICLES / "expected.json").read_text(encoding="utf-8"))
needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None,
                                    reason="Apertium is not installed (sudo apt-get install apertium-eng-spa)")

LEDE_EN = ("El Salvador will take in criminals deported from the United States, of any nationality, Secretary of "
           "State Marco Rubio said on Monday after meeting President Nayib Bukele.")
MORE_EN = "Rubio called it the most extraordinary migration agreement anywhere in the world."


def _assert_body_is_clean(text: str, expected: dict) -> None:
    for junk in expected["not_in_body"]:
        assert junk not in text, junk


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_article_has_its_headline_and_its_credits_apart(name):
    expected = EXPECTED[name]
    doc = load_document(Source.parse(str(ARTICLES / name)))
    assert doc.title == expected["title"]
    assert doc.paragraphs[0].startswith(expected["first_paragraph_startswith"])
    _assert_body_is_clean(doc.text, expected)
    for credit in expected["credits"]:
        assert any(c.startswith(credit) for c in doc.credits), credit
    assert all(r.text != doc.title for r in doc.removed if r.kind != "repeated headline")


@needs_apertium
def test_offline_pipeline_keeps_credits_out_of_translation_and_summaries():
    pipeline = Pipeline.from_preset("offline")
    names = sorted(EXPECTED)
    results = pipeline.run([str(ARTICLES / n) for n in names])
    for name, result in zip(names, results):
        expected = EXPECTED[name]
        assert result.source_lang == expected["lang"], name
        assert result.title == expected["title"]
        for text in (result.text, *result.summaries.values()):
            _assert_body_is_clean(text, expected)
        assert result.translation is not None and result.translation.text
        for credit in ("AP Photo", "Foto:", "©", "Melendez", "Rodrigo Sura", "Physical Address", "Dirección"):
            assert credit not in result.translation.text, (name, credit)
        listed = [r["text"] for r in result.removed if r["kind"] in ("credit", "caption")]
        assert all(any(t.startswith(c) for t in listed) for c in expected["credits"]), name


@needs_apertium
def test_the_offline_command_prints_the_repeated_headline_not_the_address():
    path = ARTICLES / "en_saved_address.html"
    result = CliRunner().invoke(cli, ["--pipeline", "offline", str(path), "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == EXPECTED[path.name]["title"]
    assert "Physical Address" not in json.dumps(data["translation"]) and "AP Photo" not in data["text"]
    assert {"kind": "contact", "text": "Physical Address"} in data["removed"]


def test_tiny_neural_models_get_the_clean_body(tiny_pipeline):
    names = ["es_credit_copy.txt", "en_saved_address.html"]
    results = tiny_pipeline.run([str(ARTICLES / n) for n in names])
    for name, result in zip(names, results):
        assert result.title == EXPECTED[name]["title"]
        _assert_body_is_clean(result.text, EXPECTED[name])
        assert any(r["kind"] == "credit" for r in result.removed)
        # the body the models read starts with the lede, not the credit or the address
        assert result.text.startswith(EXPECTED[name]["first_paragraph_startswith"])


@pytest.mark.parametrize(("line", "kind"), [
    ("AP Photo/Salvador Melendez President Nayib Bukele greets Marco Rubio", "credit"),
    ("Salvador Melendez/AP President Nayib Bukele greets Marco Rubio at his residence", "credit"),
    ("EFE/Rodrigo Sura El presidente Bukele saluda a Rubio", "credit"),
    ("Reuters Inmates stand in a cell of the CECOT prison in Tecoluca", "credit"),
    ("© 2025 Meridian Wire Service", "credit"),
    ("Bukele y Rubio junto al lago de Coatepeque. © Casa Presidencial", "credit"),
    ("Rubio y Bukele en la residencia presidencial (Foto: EFE)", "credit"),
    ("Fotos: Casa Presidencial", "caption"),
    ("Foto de archivo del CECOT, en Tecoluca", "caption"),
    ("Photo by Jose Cabezas", "caption"),
    ("Cortesía Casa Presidencial", "caption"),
    ("Skip to content", "navigation"),
    ("Saltar al contenido principal", "navigation"),
    ("Physical Address", "contact"),
    ("Dirección física:", "contact"),
    ("Tampa, FL 33606", "contact"),
    ("Tuesday, February 4, 2025 9:15 a.m. ET", "dateline"),
    ("4 de febrero de 2025 - 10:40", "dateline"),
])
def test_new_furniture_is_recognized(line, kind):
    assert furniture_kind(line) == kind


@pytest.mark.parametrize("prose", [
    "Reuters reported on Monday that the two governments had also signed a nuclear memorandum.",
    "EFE.- El presidente Nayib Bukele ofreció el martes a Estados Unidos encarcelar a presos condenados.",
    "San Salvador, 4 feb (EFE).- El presidente Nayib Bukele ofreció el martes alojar a presos de EE.UU.",
    "AP reporters saw the prison in 2023, when it opened in Tecoluca.",
    "February was a month of long talks between the two governments, officials said.",
    "La foto de familia se tomó junto al lago de Coatepeque, donde Bukele tiene su residencia.",
])
def test_prose_about_agencies_and_photos_is_not_furniture(prose):
    assert furniture_kind(prose) is None


def test_a_plain_text_copy_takes_the_repeated_headline_over_the_address_and_the_credit():
    headline = "Bukele offers El Salvador's mega-prison for US deportees"
    text = (f"Physical Address\n\n1200 Harbor Street\n\nMiami, FL 33131\n\n"
            f"Salvador Melendez/AP President Nayib Bukele greets Marco Rubio\n\n{headline}\n\n{headline}\n\n"
            f"{LEDE_EN}\n\n{MORE_EN}")
    doc = document_from_text(text, source="t")
    assert doc.title == headline
    assert doc.paragraphs == (LEDE_EN, MORE_EN)
    assert [r.kind for r in doc.removed] == ["contact"] * 3 + ["credit", "repeated headline"]
    assert doc.credits == ("Salvador Melendez/AP President Nayib Bukele greets Marco Rubio",)


def test_a_repeated_headline_wins_over_lines_above_it():
    headline = "Rubio says El Salvador will jail US deportees"
    doc = document_from_text(f"World news today\n\n{headline}\n\n{headline}\n\n{LEDE_EN}\n\n{MORE_EN}", source="t")
    assert doc.title == headline
    assert doc.paragraphs == (LEDE_EN, MORE_EN)
    assert ("navigation", "World news today") in [(r.kind, r.text) for r in doc.removed]


def test_an_offered_title_that_is_furniture_is_never_chosen():
    headline = "Rubio says El Salvador will jail US deportees"
    tidied = tidy(["Physical Address", "1200 Harbor Street", headline, headline, LEDE_EN, MORE_EN],
                  candidates=["Physical Address"])
    assert tidied.title == headline
    assert tidied.paragraphs == (LEDE_EN, MORE_EN)


def test_an_offered_title_the_page_repeats_wins_over_the_first_one():
    headline = "Rubio says El Salvador will jail US deportees"
    tidied = tidy([headline, LEDE_EN, MORE_EN], candidates=["A shorter social headline", headline])
    assert tidied.title == headline and tidied.paragraphs == (LEDE_EN, MORE_EN)


def test_html_without_h1_or_og_title_reads_the_repeated_headline_not_the_first_heading():
    headline = "Bukele ofrece el CECOT para presos de Estados Unidos"
    lede = ("El presidente Nayib Bukele ofreció el martes a Estados Unidos encarcelar en el CECOT a delincuentes "
            "condenados, a cambio de una tarifa que no precisó.")
    more = "Rubio calificó el acuerdo de extraordinario y dijo que ya lo había hablado con el presidente Trump."
    html = (f"<html><body><main><h2>Dirección física</h2><p>Calle La Mascota 845</p><p>San Salvador, El Salvador</p>"
            f"<p>Foto: EFE / Rodrigo Sura El presidente Bukele y el secretario Rubio</p>"
            f"<h2>{headline}</h2><h2>{headline}</h2><p>{lede}</p><p>{more}</p></main></body></html>")
    doc = document_from_html(html, source="h")
    assert doc.title == headline
    assert doc.paragraphs == (lede, more)
    assert doc.credits == ("Foto: EFE / Rodrigo Sura El presidente Bukele y el secretario Rubio",)


def test_page_evidence_reads_headlines_and_captions():
    html = ("<html><head><title>Breaking: Bukele offers CECOT to the US | The Harbor Times</title>"
            '<meta property="og:site_name" content="The Harbor Times"></head><body>'
            '<h1 class="logo">The Harbor Times</h1><article><h1>Bukele offers CECOT to the US</h1>'
            "<figure><figcaption>The CECOT prison. Reuters/Jose Cabezas</figcaption></figure></article></body></html>")
    page = page_evidence(html, extracted="The Harbor Times")
    assert page.titles[0] == "Bukele offers CECOT to the US"
    assert "The Harbor Times" not in page.titles
    assert page.captions == ("The CECOT prison. Reuters/Jose Cabezas",)


@pytest.mark.parametrize(("title", "sites", "expected"), [
    ("Bukele ofrece el CECOT a Estados Unidos | Diario del Istmo", (), "Bukele ofrece el CECOT a Estados Unidos"),
    ("The Harbor Times - Bukele offers CECOT to the US", ("The Harbor Times",), "Bukele offers CECOT to the US"),
    ("Rubio: El Salvador will hold deportees", (), "Rubio: El Salvador will hold deportees"),
    ("Diario del Istmo", (), "Diario del Istmo"),
])
def test_without_site_name(title, sites, expected):
    assert without_site_name(title, sites) == expected
