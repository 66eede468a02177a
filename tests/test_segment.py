from __future__ import annotations

from summarize.text.segment import (
    batches_by_length,
    chunk_sentences,
    restore_order,
    split_long,
    split_paragraphs,
    split_sentences,
)


def test_split_paragraphs_joins_hard_wraps_and_drops_blank_blocks():
    text = "Primera línea\ncontinúa aquí.\n\n\n  \nSegundo párrafo.\r\n\r\nTercero."
    assert split_paragraphs(text) == ["Primera línea continúa aquí.", "Segundo párrafo.", "Tercero."]


def test_split_sentences_spanish_abbreviations_and_inverted_marks():
    text = "El Sr. Rubio llegó a San Salvador. ¿Aceptará EE. UU. la oferta? ¡Nadie lo sabe!"
    assert split_sentences(text, "es") == [
        "El Sr. Rubio llegó a San Salvador. ",
        "¿Aceptará EE. UU. la oferta? ",
        "¡Nadie lo sabe!",
    ]


def test_split_sentences_rebuilds_text_exactly():
    text = "Mr. Rubio met Pres. Bukele on Feb. 3.  It lasted three hours. He left at 5 p.m. and spoke."
    assert "".join(split_sentences(text, "en")) == text


def test_split_long_breaks_at_punctuation_then_spaces_and_loses_nothing():
    text = "uno, dos, tres; cuatro cinco seis siete ocho nueve diez"
    pieces = split_long(text, 12, len)
    assert "".join(pieces) == text
    assert all(len(p) <= 12 for p in pieces)
    assert pieces[0] == "uno, dos, "


def test_split_long_cuts_an_unbroken_word():
    pieces = split_long("x" * 25, 10, len)
    assert "".join(pieces) == "x" * 25
    assert all(len(p) <= 10 for p in pieces)


def test_chunk_sentences_packs_greedily_within_window():
    sentences = ["aaaa. ", "bbbb. ", "cccc. ", "dddddddddddddddddd. "]
    chunks = chunk_sentences(sentences, 13, len)
    assert chunks == ["aaaa. bbbb. ", "cccc. ", "dddddddddd", "dddddddd. "]
    assert "".join(chunks) == "".join(sentences)


def test_batches_are_length_sorted_and_order_is_restored():
    items = ["a", "ccc", "bb", "dddd", "e"]
    batches = batches_by_length(items, 2)
    assert batches == [[3, 1], [2, 0], [4]]
    outputs = [[items[i].upper() for i in batch] for batch in batches]
    assert restore_order(batches, outputs, len(items)) == ["A", "CCC", "BB", "DDDD", "E"]


def test_split_sentences_keeps_news_abbreviations_in_both_languages():
    cases = [
        ("en", "The secretary of the State Department of EE. UU. met him. Then he left."),
        ("en", "The secretary of EE.UU. spoke. Next."),
        ("es", "El Sr. Rubio y la Dra. Pérez llegaron a las 8 a.m. del lunes. Luego hablaron."),
        ("en", "Mr. Rubio met the U.S. ambassador at 8 a.m. on Monday. He left."),
        ("es", "La Sra. Bruce habló con el Dr. Flores. Fin."),
    ]
    for lang, text in cases:
        sentences = split_sentences(text, lang)
        assert "".join(sentences) == text
        assert len(sentences) == 2, sentences
    # an abbreviation that may end a sentence ends it before a capital
    assert split_sentences("He lives in the U.S. The offer is new.", "en") == ["He lives in the U.S. ", "The offer is new."]
