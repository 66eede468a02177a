"""Bytes in odd encodings are decoded sensibly: BOM, declaration, UTF-8, mixed UTF-8, detection, last resort."""

from __future__ import annotations

import pytest
from conftest import SHORT_ES

from summarize import Pipeline, Source
from summarize.errors import UnsupportedInputError
from summarize.reading.charsets import decode_mixed, decode_replacing
from summarize.reading.extract import decode_bytes, extract_html, extract_text

LATIN = "La oposición pidió una auditoría de las cárceles; el ministro respondió que «no habrá cambios»."
HTML = ('<html><head><meta charset="utf-8"><title>Oferta</title></head><body><article><p>{}</p>'
        '<p>Marco Rubio dijo que era un acuerdo sin precedentes y agradeció la oferta del gobierno.</p>'
        "</article></body></html>")


def test_a_latin1_paragraph_inside_a_utf8_file_is_read_as_written_with_a_warning():
    data = SHORT_ES.encode() + b"\n\n" + LATIN.encode("latin-1")
    document = extract_text(data, source="mixed.txt")
    assert LATIN in document.text and "reunió" not in document.text
    assert "cárcel CECOT" in document.text  # the UTF-8 part untouched
    stray = sum(1 for c in LATIN if ord(c) > 0x7F)
    expected = (f"the text mixes encodings: {stray} byte(s) that are not valid UTF-8 were read as Windows-1252 "
                "(Latin-1)")
    assert document.warnings == (expected,)


def test_a_legacy_single_byte_file_goes_to_detection_without_a_warning():
    text = (SHORT_ES + "\n\n" + LATIN) * 3
    document = extract_text(text.encode("latin-1"), source="latin1.txt")
    assert document.text.startswith("El presidente Nayib Bukele ofreció")
    assert document.warnings == ()
    assert decode_mixed(text.encode("latin-1")) is None  # no valid UTF-8 beyond ASCII: not "mixed"


def test_the_last_resort_replaces_few_bytes_and_refuses_noise():
    warnings: list[str] = []
    data = ("Texto con un byte roto: " * 20).encode() + b"\xff"
    assert decode_replacing(data, warnings).endswith("roto: \ufffd")
    assert warnings == ["the text encoding could not be told: 1 byte(s) were replaced by \ufffd"]
    assert decode_replacing(bytes(range(0x80, 0x100)) * 4) is None


def test_a_byte_order_mark_wins_over_a_meta_declaration():
    html = HTML.format(LATIN)
    for data in (html.encode("utf-16"), b"\xef\xbb\xbf" + html.encode(), html.encode("utf-32")):
        document = extract_html(data, source="page.html")
        assert document.title == "Oferta" and document.paragraphs[0] == LATIN


def test_a_declared_charset_that_does_not_fit_the_bytes_is_not_used():
    text = decode_bytes(LATIN.encode("utf-8"), "x.html", charset="utf-16")
    assert text == LATIN
    with pytest.raises(UnsupportedInputError, match="binary"):
        decode_bytes(b"\x00\x01\x02" * 100, "x.bin")


def test_the_same_page_read_twice_gives_the_same_text_both_times():
    """trafilatura's cross-call deduplication used to return nothing the second time."""
    data = HTML.format(LATIN).encode()
    first, second = (extract_html(data, source=f"copy{i}.html") for i in range(2))
    assert first.paragraphs == second.paragraphs and len(first.paragraphs) == 2


def test_the_decoding_warning_reaches_the_result(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(SHORT_ES.encode() + b"\n\n" + LATIN.encode("latin-1"))
    [result] = Pipeline.from_preset("offline", sentences=1).run([Source(str(path), "path")])
    assert any(w.startswith("the text mixes encodings:") for w in result.warnings)
    assert LATIN in result.text
