"""Over-protection: names an engine that protects names itself translates well are left to it."""

from __future__ import annotations

import shutil

import pytest

from summarize import Pipeline
from summarize.pipeline.translate import DocumentTranslator
from summarize.text.names import DocumentNames, Name, RuleNameFinder

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="needs the apertium command "
                                    "(sudo apt-get install apertium-eng-spa)")

# written for these tests: other people, places and organisations than the reference story
NAMES = DocumentNames("es", (
    Name("Tribunal Supremo", "full name"), Name("Supremo", "part"),
    Name("Lucía Ferrán", "full name"), Name("Ferrán", "part"),
    Name("El Consejo Escolar", "name"), Name("Consejo Escolar", "full name"), Name("Escolar", "part"),
    Name("Estados Unidos", "established", "United States"),
))


def masked(text: str, translated: set[str], overrides: dict[str, str | None] | None = None) -> list[str]:
    return [s.text for s in NAMES.spans(text, "es", overrides, engine_protects=True, translated=translated)]


def test_a_name_the_engine_translates_is_left_to_it_and_so_is_its_part():
    text = "El Tribunal Supremo falló. Supremo y Ferrán hablaron con Lucía Ferrán."
    assert masked(text, set()) == ["Tribunal Supremo", "Supremo", "Ferrán", "Lucía Ferrán"]
    assert masked(text, {"Tribunal Supremo"}) == ["Ferrán", "Lucía Ferrán"]


def test_a_part_stays_masked_while_another_full_name_it_ends_is_masked():
    names = DocumentNames("es", (Name("Juegos Olímpicos", "full name"), Name("Ana Olímpicos", "full name"),
                                 Name("Olímpicos", "part")))
    spans = names.spans("Olímpicos ganó.", "es", engine_protects=True, translated={"Juegos Olímpicos"})
    assert [s.text for s in spans] == ["Olímpicos"]


def test_a_full_name_the_engine_knows_whole_takes_its_part_along():
    names = DocumentNames("es", (Name("Gran Bretaña", "full name"), Name("Bretaña", "part")))
    spans = names.spans("Bretaña votó.", "es", {"Gran Bretaña": "Great Britain"}, engine_protects=True)
    assert spans == []


def test_an_article_name_is_masked_only_where_its_article_is_inside_the_sentence():
    assert masked("El Consejo Escolar aprobó el plan.", {"Consejo Escolar"}) == []
    assert masked("Lo aprobó El Consejo Escolar.", {"Consejo Escolar"}) == ["El Consejo Escolar"]
    assert masked("«El Consejo Escolar aprobó», dijo.", {"Consejo Escolar"}) == []


def test_established_names_keep_their_rendering_whatever_the_engine_translates():
    spans = NAMES.spans("Viajó a Estados Unidos.", "es", engine_protects=True, translated={"Estados Unidos"})
    assert [(s.text, s.output) for s in spans] == [("Estados Unidos", "United States")]


def test_without_engine_protection_every_name_is_still_kept():
    spans = NAMES.spans("El Tribunal Supremo falló.", "es", translated={"Tribunal Supremo"})
    assert [s.text for s in spans] == ["Tribunal Supremo"]


def test_an_article_before_a_number_is_a_date_not_a_name():
    found = {n.text for n in RuleNameFinder().find(["El 6 de marzo llegó Ana Robles a Tarija."], "es").names}
    assert found >= {"Ana Robles", "Tarija"}
    assert not found & {"El 6", "6"}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_preset("offline")


@needs_apertium
def test_apertium_translates_names_of_ordinary_words_and_no_person_or_unknown_name(pipeline):
    engine = pipeline.translator
    es = ["Juegos Olímpicos", "Tribunal Supremo", "Consejo Escolar", "Premio Nobel",
          "Lucía Ferrán", "Aguas del Tunari", "Barrio 18", "Luis Soto", "Marco Rubio"]
    assert engine.translated_names(es, "es", "en") == {"Juegos Olímpicos", "Tribunal Supremo", "Consejo Escolar",
                                                        "Premio Nobel"}
    en = ["Giant Slalom", "School Board", "Nobel Prize", "Donald Trump", "Ryan Gosling", "Geiger Counter"]
    assert engine.translated_names(en, "en", "es") == {"Giant Slalom", "School Board", "Nobel Prize"}


@needs_apertium
def test_the_document_translator_translates_ordinary_word_names_and_keeps_surnames(pipeline):
    # "Robles" (oaks) alone is a surname because the article names "Ana Robles"
    translator = DocumentTranslator(pipeline.translator, pipeline.langid)
    text = ["El Consejo Escolar aprobó los Juegos Olímpicos Escolares en Tarija.",
            "La directora Ana Robles firmó. Robles dijo que el plan es bueno."]
    names = RuleNameFinder().find(text, "es")
    out = " ".join(translator.translate([text], "es", "en", names=[names])[0])
    assert "Consejo" not in out and "Juegos" not in out
    assert "Ana Robles" in out and "Robles said" in out


def test_a_surname_found_on_its_own_first_is_still_the_full_names_part():
    names = {n.text: n.kind for n in RuleNameFinder().find(["Robles dijo que sí.", "La directora Ana Robles firmó."],
                                                           "es").names}
    assert names["Ana Robles"] == "full name" and names["Robles"] == "part"


@needs_apertium
def test_a_description_and_a_name_joined_by_de_is_left_to_apertium_a_name_with_de_is_kept(pipeline):
    engine = pipeline.translator
    said = engine.name_renderings(["Universidad de Tarija", "Hospital de Tarija", "Fuerte de Tarija"], "es", "en")
    assert said == {"Fuerte de Tarija": "Fuerte de Tarija"}  # "Fort of Tarija" would split a name


def test_a_name_the_engine_keeps_itself_is_left_whole_and_no_part_is_masked_inside_it():
    names = DocumentNames("en", (Name("Dalhousie University", "full name"), Name("University", "part"),
                                 Name("Ana Robles", "full name"), Name("Robles", "part")))
    text = "Ana Robles teaches at Dalhousie University."
    spans = names.spans(text, "en", engine_protects=True, kept={"Dalhousie University"})
    assert [s.text for s in spans] == ["Ana Robles"]


@needs_apertium
def test_apertium_keeps_names_ending_in_a_name_word_or_a_description_but_not_in_a_possible_surname(pipeline):
    engine = pipeline.translator
    en = ["Dalhousie University", "Hurricane Katrina", "Noto Airport", "Ana Robles", "Marco Rubio", "Giant Slalom"]
    assert engine.protected_names(en, "en", "es") == {"Dalhousie University", "Hurricane Katrina", "Noto Airport"}
