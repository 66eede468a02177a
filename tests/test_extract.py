from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from summarize.document import Source
from summarize.errors import EmptyDocumentError, InputError, UnsupportedInputError
from summarize.reading.extract import load_document

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
