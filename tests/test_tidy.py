"""Page furniture, headlines and headings, for every input format (issue "What an editor reads", item 1)."""

from __future__ import annotations

import pytest

from summarize.reading.extract import document_from_html, document_from_text, extract_markdown
from summarize.reading.tidy import furniture_kind, split_blocks

BODY_ES = ("La alcaldesa Marta Ríos inauguró el martes un puente sobre el río Lempa que une dos municipios. "
           "La obra costó 12 millones de dólares.")
BODY_ES_2 = "Ríos dijo que el puente reducirá a la mitad el tiempo de viaje de unas 30.000 personas."


def test_an_address_block_at_the_top_is_furniture_not_the_title():
    text = ("Av. La Revolución 123, Col. San Benito\nSan Salvador, El Salvador\nTel. +503 2222-3333\n\n"
            f"Nuevo puente sobre el Lempa\n\n{BODY_ES}\n\n{BODY_ES_2}")
    doc = document_from_text(text, source="t")
    assert doc.title == "Nuevo puente sobre el Lempa"
    assert doc.paragraphs == (BODY_ES, BODY_ES_2)
    assert [r.kind for r in doc.removed] == ["contact"]
    assert "Tel. +503 2222-3333" in doc.removed[0].text


def test_a_headline_and_deck_on_two_lines_keep_the_headline_as_title():
    doc = document_from_text(f"Nuevo puente sobre el Lempa\n{BODY_ES}\n\n{BODY_ES_2}", source="t")
    assert doc.title == "Nuevo puente sobre el Lempa"
    assert doc.paragraphs == (BODY_ES, BODY_ES_2)


def test_hard_wrapped_prose_is_joined():
    wrapped = ("La alcaldesa Marta Ríos inauguró el martes un puente sobre el\nrío Lempa que une dos municipios. "
               "La obra costó 12 millones\nde dólares y la pagó el Estado.")
    assert split_blocks(wrapped) == [" ".join(wrapped.split())]


@pytest.mark.parametrize(("line", "kind"), [
    ("Foto: La alcaldesa durante la inauguración. (EFE)", "caption"),
    ("Photo: Workers on the bridge on Tuesday.", "caption"),
    ("The mayor at the opening. (AP Photo/Juan Pérez)", "credit"),
    ("By Laura Gómez and Peter Hall", "byline"),
    ("Por Redacción", "byline"),
    ("Juan Pérez contributed to this report.", "byline"),
    ("Con información de agencias.", "byline"),
    ("Share this article", "share"),
    ("Lee también: El Lempa crece tras las lluvias", "share"),
    ("Sign up for our morning newsletter", "share"),
    ("Updated 10:45 a.m. ET", "dateline"),
    ("Phone: (503) 2222-3333 · newsroom@example.com", "contact"),
])
def test_furniture_is_recognized(line, kind):
    assert furniture_kind(line) == kind


@pytest.mark.parametrize("prose", [BODY_ES, BODY_ES_2, "By Tuesday the bridge was open to traffic, officials said.",
                                   "Share prices rose 3% after the company said it had won the contract."])
def test_prose_is_never_furniture(prose):
    assert furniture_kind(prose) is None


def test_headings_stay_paragraphs_of_their_own_and_removed_lines_are_listed():
    text = (f"Nuevo puente sobre el Lempa\n\nPor Laura Gómez\n\n{BODY_ES}\n\nLo que cambia\n{BODY_ES_2}\n\n"
            "Compartir en Facebook\n\nNuevo puente sobre el Lempa")
    doc = document_from_text(text, source="t")
    assert doc.paragraphs == (BODY_ES, "Lo que cambia", BODY_ES_2)
    assert doc.headings == frozenset({1})
    assert [r.kind for r in doc.removed] == ["byline", "share", "repeated headline"]


def test_markdown_headings_are_marked():
    doc = extract_markdown(f"# Nuevo puente\n\n{BODY_ES}\n\n## Lo que cambia\n\n{BODY_ES_2}\n".encode(), source="m")
    assert doc.title == "Nuevo puente" and doc.paragraphs[doc.headings and min(doc.headings)] == "Lo que cambia"


def test_html_captions_are_taken_out():
    html = (f"<html><head><title>Nuevo puente</title></head><body><article><h1>Nuevo puente</h1><p>{BODY_ES}</p>"
            "<p>Foto: La alcaldesa en el puente. (EFE)</p>"
            f"<p>{BODY_ES_2}</p><p>{BODY_ES}</p></article></body></html>")
    doc = document_from_html(html, source="h")
    assert "Foto: La alcaldesa en el puente. (EFE)" not in doc.paragraphs
    assert any(r.kind == "caption" for r in doc.removed)
