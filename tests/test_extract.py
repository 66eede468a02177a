from __future__ import annotations

import codecs
import io
import itertools
import json
from pathlib import Path

import httpx
import pytest

from summarize.document import Source
from summarize.errors import EmptyDocumentError, InputError, UnsupportedInputError
from summarize.reading.extract import decode_bytes, load_document

PAGES = Path(__file__).parent / "data" / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["title"]])
def test_saved_pages_reduce_to_the_article(name):
    expected = EXPECTED[name]
    doc = load_document(Source.parse(str(PAGES / name)))
    assert doc.title == expected["title"]
    assert doc.paragraphs[0].startswith(expected["first_paragraph_startswith"])
    assert doc.paragraphs[-1].startswith(expected["last_paragraph_startswith"])
    for junk in expected["must_not_contain"]:
        assert junk not in doc.text


def test_page_without_article_is_a_clear_error():
    with pytest.raises(EmptyDocumentError, match="no article text found"):
        load_document(Source.parse(str(PAGES / "no_article.html")))


def test_text_file_first_short_line_is_title(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Un titular\n\nPrimer párrafo\npartido en dos líneas.\n\nSegundo párrafo.\n", encoding="utf-8")
    doc = load_document(Source.parse(str(path)))
    assert doc.title == "Un titular"
    assert doc.paragraphs == ("Primer párrafo partido en dos líneas.", "Segundo párrafo.")


def test_markdown_file(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("# Título\n\nTexto con *énfasis* y [enlace](https://example.org).\n\n- uno\n- dos\n")
    doc = load_document(Source.parse(str(path)))
    assert doc.title == "Título"
    assert doc.paragraphs == ("Texto con énfasis y enlace.", "uno", "dos")


def test_windows_1252_text_is_decoded(tmp_path):
    path = tmp_path / "cp.txt"
    path.write_bytes("El presidente habló de la cárcel y de la pandilla “MS-13”.".encode("cp1252"))
    assert "cárcel" in load_document(Source.parse(str(path))).text


def test_stdin_text_and_html():
    doc = load_document(Source.parse("-"), stdin=io.BytesIO("Título\n\nCuerpo del texto.".encode()))
    assert doc.title == "Título" and doc.source == "<stdin>"
    html = (PAGES / "en_wire.html").read_bytes()
    assert load_document(Source.parse("-"), stdin=io.BytesIO(html)).title == EXPECTED["en_wire.html"]["title"]


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: p / "missing.txt", InputError, "no such file"),
        (lambda p: p, UnsupportedInputError, "is a directory"),
        (lambda p: _write(p / "a.pdf", b"%PDF-1.4"), UnsupportedInputError, "unsupported file type '.pdf'"),
        (lambda p: _write(p / "e.txt", b"  \n"), EmptyDocumentError, "is empty"),
        (lambda p: _write(p / "b.txt", b"abc\x00\x01\x02"), UnsupportedInputError, "binary"),
    ],
)
def test_bad_files(tmp_path, make, error, message):
    with pytest.raises(error, match=message):
        load_document(Source.parse(str(make(tmp_path))))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


_PAGES_MADE = itertools.count()


def _article_html(meta: str = "") -> str:
    """A small news page, its text new each call: trafilatura drops text it has seen a few times already."""
    n = next(_PAGES_MADE)
    return ("<html><head>" + meta + "<title>Titular</title></head><body><article><h1>Titular</h1><p>"
            + f"El presidente habló con los periodistas durante la tarde del lunes {n} en la capital. " * 3
            + "</p><p>" + f"Después viajó al norte, donde lo esperaban {n} alcaldes de la región. " * 3
            + "</p></article></body></html>")


BOMS = [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")]


@pytest.mark.parametrize(("bom", "encoding"), BOMS, ids=[e for _, e in BOMS])
def test_text_with_a_utf16_or_utf32_byte_order_mark_is_decoded(tmp_path, bom, encoding):
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + "Un titular\n\nEl niño comió ñandú en Panamá.\n".encode(encoding))
    doc = load_document(Source.parse(str(path)))
    assert doc.title == "Un titular"
    assert doc.paragraphs == ("El niño comió ñandú en Panamá.",)


@pytest.mark.parametrize(("bom", "encoding"), BOMS, ids=[e for _, e in BOMS])
def test_html_with_a_utf16_or_utf32_byte_order_mark_is_decoded(tmp_path, bom, encoding):
    path = tmp_path / "wide.html"
    path.write_bytes(bom + _article_html().encode(encoding))
    doc = load_document(Source.parse(str(path)))
    assert doc.title == "Titular"
    assert doc.paragraphs[0].startswith("El presidente habló con los periodistas")


def test_utf32_le_mark_is_not_taken_for_utf16_le():
    # FF FE 00 00 also starts like a UTF-16-LE mark followed by U+0000
    assert decode_bytes(codecs.BOM_UTF32_LE + "año".encode("utf-32-le"), "x") == "año"


def test_byte_order_mark_wins_over_a_declared_charset():
    assert decode_bytes(codecs.BOM_UTF16_LE + "año".encode("utf-16-le"), "x", charset="iso-8859-1") == "año"
    assert decode_bytes(codecs.BOM_UTF8 + "año".encode(), "x", charset="iso-8859-1") == "año"


def test_stdin_html_with_a_utf16_mark_is_read_as_html():
    data = _article_html().encode("utf-16")  # Python writes the mark
    assert load_document(Source.parse("-"), stdin=io.BytesIO(data)).title == "Titular"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_html_declaring_utf16_in_meta_without_a_mark_is_decoded(tmp_path, encoding):
    path = tmp_path / "declared.html"
    path.write_bytes(_article_html('<meta charset="utf-16">').encode(encoding))
    assert load_document(Source.parse(str(path))).title == "Titular"


@pytest.mark.parametrize("declared", ["utf-16", "UTF-16LE"])
def test_page_served_as_utf16_is_decoded(declared):
    body = _article_html().encode("utf-16-le")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": f"text/html; charset={declared}"})

    doc = load_document(Source.parse("https://example.org/nota"), transport=httpx.MockTransport(handler))
    assert doc.title == "Titular"


def test_utf16_declared_on_utf8_bytes_is_ignored(tmp_path):
    # a <meta> copied from another page: the bytes have no NULs, so they are not UTF-16
    path = tmp_path / "stale.html"
    path.write_bytes(_article_html('<meta charset="utf-16">').encode("utf-8"))
    assert load_document(Source.parse(str(path))).paragraphs[0].startswith("El presidente habló")


def test_a_mark_on_bytes_that_are_not_that_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "texto".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(UnsupportedInputError, match="byte-order mark says UTF-16-LE, but the bytes are not valid"):
        load_document(Source.parse(str(path)))


def test_svg_saved_as_html_is_a_clear_input_error(tmp_path):
    """lxml asserts on some SVG trees deep inside trafilatura: the seam turns that into our error."""
    from summarize.errors import UnsupportedInputError

    page = tmp_path / "chart.html"
    page.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="9" '
                     b'height="9"><title>Mapa de El Salvador</title><text x="1" y="2">Un texto dentro de un SVG, '
                     b'no un articulo.</text><circle cx="5" cy="5" r="4"/></svg>\n')
    with pytest.raises(UnsupportedInputError, match="the markup cannot be read as a web page"):
        load_document(Source.parse(str(page)))
