"""Name protection and number localization, with a lexicon written out by hand (no engine needed)."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarize.backends.apertium.names import AMBIGUOUS, COMMON, KNOWN, UNKNOWN, Protector, Reading, find_spans
from summarize.text.protect import Masked, Span, localize_numbers, mask, restore


class DictLexicon:
    """How a rule-based engine would read these words (a small copy of Apertium's answers)."""

    READINGS: ClassVar[dict[str, dict[str, Reading]]] = {
        "es": {
            "Marco": Reading(AMBIGUOUS, "Marco", person=True), "Rubio": Reading(COMMON),
            "Salvador": Reading(AMBIGUOUS, "Salvador", person=True), "El": Reading(COMMON),
            "La": Reading(COMMON), "Nayib": Reading(KNOWN, "Nayib", person=True), "Bukele": Reading(UNKNOWN),
            "Estados": Reading(COMMON), "Unidos": Reading(COMMON), "Estados Unidos": Reading(KNOWN),
            "Noruega": Reading(KNOWN, "Norway"), "Tierra": Reading(AMBIGUOUS, "Tierra", person=True),
            "Policía": Reading(COMMON), "Nacional": Reading(COMMON), "Barrio": Reading(COMMON),
            "CECOT": Reading(UNKNOWN), "MS-13": Reading(UNKNOWN), "ONU": Reading(KNOWN, "UN"),
            "XVI": Reading(KNOWN), "Manuel": Reading(KNOWN, "Manuel", person=True),
            "Flores": Reading(AMBIGUOUS, "Flores", person=True), "Parque": Reading(COMMON),
            "Kruger": Reading(UNKNOWN), "San": Reading(COMMON), "Vicente": Reading(KNOWN, "Vicente", person=True),
            "Según": Reading(COMMON), "Departamento": Reading(COMMON), "Estado": Reading(COMMON),
        },
        "en": {
            "President": Reading(COMMON), "Nayib": Reading(KNOWN, "Nayib", person=True), "Bukele": Reading(UNKNOWN),
            "Donald": Reading(KNOWN, "Donald", person=True), "Trump": Reading(COMMON), "Monday": Reading(COMMON),
            "March": Reading(COMMON), "Secretary": Reading(COMMON), "State": Reading(COMMON),
            "Marco": Reading(KNOWN, "Marco", person=True), "Rubio": Reading(UNKNOWN), "Lake": Reading(COMMON),
            "Coatepeque": Reading(UNKNOWN), "Ellsworth": Reading(UNKNOWN),
            "Mountains": Reading(COMMON, plural=True), "Princeton": Reading(UNKNOWN), "University": Reading(COMMON),
            "Tren": Reading(UNKNOWN), "Aragua": Reading(UNKNOWN), "Elon": Reading(UNKNOWN), "Musk": Reading(COMMON),
            "The": Reading(COMMON), "On": Reading(COMMON), "Inspector": Reading(COMMON),
            "Brian": Reading(KNOWN, "Brian", person=True), "O'Hagan": Reading(UNKNOWN),
        },
    }

    def __init__(self) -> None:
        self.calls = 0

    def classify(self, items, lang):
        self.calls += 1
        return {item: self.READINGS[lang][item] for item in items if item in self.READINGS[lang]}


def spans_of(text: str, lang: str, **kwargs) -> list[str]:
    tgt = "en" if lang == "es" else "es"
    return [s.text for s in find_spans([text], lang, tgt, lexicon=DictLexicon(), **kwargs)[0]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El presidente habló con Marco Rubio en El Salvador.", ["Marco Rubio", "El Salvador"]),
        ("El Salvador es un país pequeño.", ["El Salvador"]),  # the article opens the name at a sentence start
        ("El presidente Nayib Bukele llegó.", ["Nayib Bukele"]),
        ("La cárcel CECOT alberga a la MS-13 y al Barrio 18.", ["CECOT", "MS-13", "Barrio 18"]),
        ("Manuel Flores habló en San Vicente.", ["Manuel Flores", "San Vicente"]),
        ("Según Marco Rubio, el plan sigue.", ["Marco Rubio"]),  # the first word is capitalized anyway
        ("El secretario de Estado Marco Rubio llegó.", ["Marco Rubio"]),  # "Estado" is a title, translated
        # ordinary capitalized words translate
        ("La Policía Nacional vigila el Departamento de Estado.", []),
        ("El lunes la ONU habló del siglo XVI.", []),
        ("Viajó a Estados Unidos y a Noruega.", []),  # names the engine knows whole
        ("Esto ocurre en la Tierra.", []),  # a lone ambiguous word is left to the engine
        ("La casa es roja.", []),
        ("Visitó el Parque Kruger.", ["Kruger"]),  # the description translates, the name stays
    ],
)
def test_spanish_spans(text, expected):
    assert spans_of(text, "es") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met President Nayib Bukele on Monday in March.", ["Nayib Bukele"]),
        ("Secretary of State Marco Rubio arrived.", ["Marco Rubio"]),
        ("She spoke to Donald Trump and Elon Musk.", ["Donald Trump", "Elon Musk"]),
        ("The house by Lake Coatepeque is old.", ["Coatepeque"]),
        ("The Ellsworth Mountains are high.", ["Ellsworth"]),  # a plural noun is no surname
        ("Members of Tren de Aragua were held.", ["Tren de Aragua"]),  # "de" joins a Spanish name in English
        ("On Monday the State spoke.", []),
        ("Inspector Brian O'Hagan met Rubio's team.", ["Brian O'Hagan", "Rubio"]),  # no possessive
    ],
)
def test_english_spans(text, expected):
    assert spans_of(text, "en") == expected


def test_a_surname_seen_in_a_full_name_is_protected_at_a_sentence_start():
    spans = find_spans(["El secretario Marco Rubio llegó. Rubio dijo que sí."], "es", "en", lexicon=DictLexicon())
    assert [[s.text for s in sp] for sp in spans] == [["Marco Rubio", "Rubio"]]


def test_what_one_text_teaches_stays_with_that_text():
    # across texts, names travel as document data (summarize.text.names), never through the batch
    texts = ["El secretario Marco Rubio llegó.", "Rubio dijo que sí."]
    spans = find_spans(texts, "es", "en", lexicon=DictLexicon())
    assert [[s.text for s in sp] for sp in spans] == [["Marco Rubio"], []]
    assert find_spans(texts[1:], "es", "en", lexicon=DictLexicon()) == spans[1:]


def test_lower_case_use_in_the_text_marks_an_ordinary_word():
    lexicon = DictLexicon()
    alone = find_spans(["He met Elon Musk."], "en", "es", lexicon=lexicon)
    with_lower = find_spans(["He met Elon Musk. The musk was strong."], "en", "es", lexicon=lexicon)
    in_another = find_spans(["He met Elon Musk.", "The musk was strong."], "en", "es", lexicon=lexicon)
    assert [s.text for s in alone[0]] == ["Elon Musk"]
    assert [s.text for s in with_lower[0]] == ["Elon"]
    assert in_another[0] == alone[0]


def test_a_description_after_an_unknown_word_is_no_surname():
    # "Princeton University" -> "Universidad de Princeton": the description translates
    assert spans_of("He studied at Princeton University.", "en") == ["Princeton"]


def test_the_lexicon_is_asked_once_per_batch():
    lexicon = DictLexicon()
    find_spans(["Marco Rubio llegó.", "Bukele habló.", "El CECOT abrió."], "es", "en", lexicon=lexicon)
    assert lexicon.calls == 1


def test_a_name_the_engine_renders_differently_keeps_that_rendering():
    [[span]] = find_spans(["Viajó con Nayib Bukele Noruega."], "es", "en", lexicon=DictLexicon())
    assert span.text == "Nayib Bukele Noruega" and span.output == "Nayib Bukele Norway"


def test_urls_emails_handles_and_hashtags_are_kept():
    text = "Más en https://example.org/la-casa?id=3, en prensa@example.org o con @PresidenciaSV y #CECOT."
    assert spans_of(text, "es") == ["https://example.org/la-casa?id=3", "prensa@example.org", "@PresidenciaSV",
                                    "#CECOT"]


def test_quotes_already_in_the_target_language_are_kept():
    text = '"We are offering the United States a deal", escribió Bukele, y añadió: «Es una oferta justa».'

    def detect(segment: str) -> str | None:
        return "en" if "offering" in segment else "es"

    found = spans_of(text, "es", detect=detect)
    assert found[0] == "We are offering the United States a deal"
    assert "Es una oferta justa" not in found


def test_without_a_lexicon_inner_runs_of_capitalized_words_are_names():
    [spans] = find_spans(["Ayer habló con Marco Rubio en Washington."], "es", "en")
    assert [s.text for s in spans] == ["Marco Rubio"]


@pytest.mark.parametrize(
    ("text", "src", "tgt", "expected"),
    [
        ("Tiene 40.000 presos y 1,8 % de inflación.", "es", "en", "Tiene 40,000 presos y 1.8% de inflación."),
        ("Unos 1.250,5 euros y 17 500 millas.", "es", "en", "Unos 1,250.5 euros y 17,500 millas."),
        ("It holds 40,000 inmates, 3.1% of them.", "en", "es", "It holds 40.000 inmates, 3,1 % of them."),
        ("Version 3.8.3 at 9:00, score 2-1, year 2023.", "en", "es", "Version 3.8.3 at 9:00, score 2-1, year 2023."),
        ("Ya 40.000.", "es", "es", "Ya 40.000."),
    ],
)
def test_localize_numbers(text, src, tgt, expected):
    assert localize_numbers(text, src, tgt) == expected


def test_mask_and_restore():
    text = "Marco Rubio visitó El Salvador."
    spans = [Span(0, 11, "Marco Rubio", "name"), Span(19, 30, "El Salvador", "name", "El Salvador")]
    masked = mask(text, spans, ["Madrid", "Toledo"])
    assert masked.text == "Madrid visitó Toledo."
    assert restore("Madrid visited Toledo.", masked) == "Marco Rubio visited El Salvador."
    assert restore("Madrid visited.", masked) is None  # a placeholder lost
    assert restore("Madrid visited Toledo and Toledo.", masked) is None  # one repeated
    with pytest.raises(ValueError, match="placeholders"):
        mask(text, spans, ["Madrid"])


def test_protector_masks_a_batch_and_keeps_spans_past_the_placeholders():
    protector = Protector(lambda text, spans: ["Madrid"][: len(spans)], lexicon=DictLexicon())
    first, second = protector.protect(["Habló con Marco Rubio y Nayib Bukele.", "La casa es roja."], "es", "en")
    assert first.text == "Habló con Madrid y Nayib Bukele."  # one placeholder only: the second name stays
    assert second == Masked("La casa es roja.", "La casa es roja.")


_WORDS = st.sampled_from(["Marco", "Rubio", "el", "dijo", "CECOT", "MS-13", "https://x.org/a", "40.000", "San",
                          "Salvador", "La", "casa", "@cuenta", "de", "Tren", "Aragua", '"hola"', "y", "."])


@given(st.lists(_WORDS, min_size=1, max_size=15))
def test_identity_translation_restores_the_text(words):
    text = " ".join(words)
    [spans] = find_spans([text], "es", "en")
    placeholders = [f"Zq{i}x" for i in range(len(spans))]
    masked = mask(text, spans, placeholders)
    assert all(not re.search(rf"\b{p}\b", text) for p in placeholders)
    assert restore(masked.text, masked) == text
