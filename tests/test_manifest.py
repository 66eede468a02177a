"""Batch inputs: every kind expands to sources with stable, unique ids (no models)."""

from __future__ import annotations

import json
import os

import pytest
from conftest import EXAMPLES, ROOT

from summarize.document import Source
from summarize.errors import InputError, UnsupportedInputError
from summarize.reading import Reader
from summarize.reading.manifest import expand_inputs


@pytest.fixture()
def tree(tmp_path, monkeypatch):
    """news/ with articles two levels deep, a file the extractor does not read, and a hidden file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "news" / "2025" / "02").mkdir(parents=True)
    (tmp_path / "news" / "a.txt").write_text("A.")
    (tmp_path / "news" / "2025" / "b.md").write_text("B.")
    (tmp_path / "news" / "2025" / "02" / "c.html").write_text("<p>C.</p>")
    (tmp_path / "news" / "2025" / "02" / "d.HTM").write_text("<p>D.</p>")
    (tmp_path / "news" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "news" / ".draft.txt").write_text("hidden")
    return tmp_path


def test_directory_is_searched_recursively_by_suffix(tree):
    sources = expand_inputs(["news"])
    expected = ["news/2025/02/c.html", "news/2025/02/d.HTM", "news/2025/b.md", "news/a.txt"]
    assert [s.id for s in sources] == expected
    assert all(s.kind == "file" and s.value == s.id for s in sources)


def test_glob_and_the_same_file_twice_appear_once(tree):
    sources = expand_inputs(["news/**/*.htm*", "news/2025/02/c.html"])
    assert [s.id for s in sources] == ["news/2025/02/c.html"]
    with pytest.raises(InputError, match="matches no files"):
        expand_inputs(["news/*.docx"])


def test_list_file_with_urls_paths_comments_and_relative_folders(tree):
    lists = tree / "lists"
    lists.mkdir()
    (lists / "today.txt").write_text(
        "# wire, morning\n"
        "https://example.org/a?b=1#top\n"
        "\n"
        "../news/a.txt   # the lead story\n"
        "../news/2025/02\n"
        "missing.html\n"
    )
    sources = expand_inputs(["lists/today.txt"])
    assert [(s.kind, s.id) for s in sources] == [
        ("url", "https://example.org/a?b=1#top"),
        ("file", "news/a.txt"),
        ("file", "news/2025/02/c.html"),
        ("file", "news/2025/02/d.HTM"),
        ("file", "lists/missing.html"),  # an error record later, not a stopped run
    ]


def test_article_txt_is_not_mistaken_for_a_list(tree):
    (tree / "story.txt").write_text("Headline\n\nFirst paragraph of a story. It has sentences.\n")
    (tree / "urls.list").write_text("https://example.org/x\n")
    assert [(s.kind, s.id) for s in expand_inputs(["story.txt", "urls.list"])] == [
        ("file", "story.txt"), ("url", "https://example.org/x")]


def test_jsonl_manifest_resolves_paths_against_its_folder(tree):
    (tree / "feeds").mkdir()
    lines = [
        {"id": "a", "path": "../news/a.txt", "lang": "es", "section": "world"},
        {"id": 7, "url": "https://example.org/seven"},
        {"id": "t", "text": "Inline text.", "lang": ""},
    ]
    (tree / "feeds" / "m.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert expand_inputs(["feeds/m.jsonl"]) == [
        Source("news/a.txt", "file", id="a", lang="es"),
        Source("https://example.org/seven", "url", id="7"),
        Source("Inline text.", "text", id="t"),
    ]


def test_csv_manifest(tree):
    (tree / "m.csv").write_text('id,path,url,text,lang\nx,news/a.txt,,,\ny,,,"Texto, con coma.",es\n',
                                encoding="utf-8")
    assert expand_inputs(["m.csv"]) == [Source("news/a.txt", "file", id="x"),
                                        Source("Texto, con coma.", "text", id="y", lang="es")]


@pytest.mark.parametrize(
    ("content", "line", "entry_id", "message"),
    [
        ('{"id": "a", "path": "x.txt"}\nnot json\n', 2, None, r"m.jsonl, line 2: not valid JSON"),
        ('{"path": "x.txt"}\n', 1, None, r"line 1: every entry needs an 'id'"),
        ('{"id": "a", "path": "x.txt", "text": "y"}\n', 1, "a", r"exactly one of url, path, text \(found path, text\)"),
        ('{"id": "a"}\n', 1, "a", r"\(found none of them\)"),
        ('["a", "b"]\n', 1, None, r"expected an object"),
        ('{"id": "a", "text": "t", "lang": "fr"}\n', 1, "a", r"line 1: lang 'fr' is not one of es, en"),
        ('{"id": "a", "text": "t", "lang": 5}\n', 1, "a", r"text and lang must be strings"),
    ],
)
def test_bad_manifest_line_is_an_error_of_its_own_naming_file_and_line(tmp_path, content, line, entry_id, message):
    # Changed on purpose (issue "harden the input-reading layer"): a malformed line used to stop the
    # whole run here; it is now an "invalid" source whose reading fails, so only that line gets an
    # error record and the manifest's other entries still run.
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(content)
    [source] = [s for s in expand_inputs([str(manifest)]) if s.kind == "invalid"]
    assert source.id == (entry_id or f"{manifest}:{line}")
    assert source.label == f"{manifest}, line {line}"
    with pytest.raises(InputError, match=message) as info:
        Reader().read(source)
    assert str(info.value).startswith(f"{manifest}, line {line}: ")
    assert info.value.hint


def test_bad_lines_are_kept_in_place_beside_good_ones(tmp_path):
    (tmp_path / "m.jsonl").write_text('{"id": "a", "text": "uno"}\n{"id": "b", "text": "dos"\n'
                                      '42\n{"id": "c", "text": "tres", "lang": "ES"}\n')
    sources = expand_inputs([str(tmp_path / "m.jsonl")])
    assert [(s.kind, s.id) for s in sources] == [("text", "a"), ("invalid", f"{tmp_path / 'm.jsonl'}:2"),
                                               ("invalid", f"{tmp_path / 'm.jsonl'}:3"), ("text", "c")]
    assert sources[-1].lang == "es"


def test_whole_file_problems_still_stop_the_run(tmp_path):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"id": "a", "text": "one"}\nnot json\n{"id": "a", "text": "two"}\n')
    with pytest.raises(InputError, match=r"id 'a' names two different inputs"):
        expand_inputs([str(manifest)])
    manifest.write_bytes(b'{"id": "a", "text": "\xff"}\n')
    with pytest.raises(InputError, match="not UTF-8 text"):
        expand_inputs([str(manifest)])


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_jsonl_string_holding_a_raw_unicode_line_separator_is_one_entry(tmp_path, separator):
    text = f"Primer párrafo.{separator}Segundo párrafo."
    line = json.dumps({"id": "a", "text": text}, ensure_ascii=False)
    assert separator in line  # JSON leaves these raw: valid JSON, and one JSONL line
    (tmp_path / "m.jsonl").write_text(line + "\r\n" + json.dumps({"id": "b", "text": "x"}) + "\n", encoding="utf-8")
    assert expand_inputs([str(tmp_path / "m.jsonl")]) == [Source(text, "text", id="a"), Source("x", "text", id="b")]


def test_csv_quoted_field_keeps_its_paragraphs(tmp_path):
    body = "Primer párrafo, con coma.\n\nSegundo párrafo con \"comillas\".\r\nTercero."
    quoted = '"' + body.replace('"', '""') + '"'
    (tmp_path / "m.csv").write_bytes(f"id,text,lang\r\nx,{quoted},es\r\n\r\n,,\r\ny,Otro.,\r\n".encode())
    assert expand_inputs([str(tmp_path / "m.csv")]) == [Source(body, "text", id="x", lang="es"),
                                                        Source("Otro.", "text", id="y")]


def test_csv_unclosed_quote_names_the_line_where_it_opened(tmp_path):
    (tmp_path / "m.csv").write_text('id,text\na,"one\n\ntwo"\nb,x "inch" mark\nc,"never closed\nd,lost\ne,also lost\n')
    with pytest.raises(InputError, match=r"m\.csv, line 6: a quoted field opens here and is never closed"):
        expand_inputs([str(tmp_path / "m.csv")])
    # the row began two lines earlier, with a quoted field that did close
    (tmp_path / "m.csv").write_text('id,text,lang\na,"one\ntwo",\nb,"x\ny","es\nc,z,\n')
    with pytest.raises(InputError, match=r"m\.csv, line 5: a quoted field opens here"):
        expand_inputs([str(tmp_path / "m.csv")])


def test_csv_bad_row_is_an_error_of_its_own(tmp_path):
    (tmp_path / "m.csv").write_text('id,text,lang\na,"quoted"junk,\nb,fine,\nc,Bonjour,fr\n,no id,\n')
    sources = expand_inputs([str(tmp_path / "m.csv")])
    csv_path = tmp_path / "m.csv"
    assert [(s.kind, s.id) for s in sources] == [("invalid", f"{csv_path}:2"), ("text", "b"), ("invalid", "c"),
                                               ("invalid", f"{csv_path}:5")]
    problems = []
    for source in (sources[0], sources[2], sources[3]):
        with pytest.raises(InputError) as info:
            Reader().read(source)
        problems.append(info.value.message)
    assert problems == [f"{csv_path}, line 2: not valid CSV (',' expected after '\"')",
                        f"{csv_path}, line 4: lang 'fr' is not one of es, en",
                        f"{csv_path}, line 5: every entry needs an 'id' (a string or number)"]


def test_csv_without_id_column_and_stdin_are_refused(tmp_path):
    (tmp_path / "m.csv").write_text("path\na.txt\n")
    with pytest.raises(InputError, match="no 'id' column"):
        expand_inputs([str(tmp_path / "m.csv")])
    with pytest.raises(UnsupportedInputError, match="stdin"):
        expand_inputs(["-"])


def test_shipped_example_manifest_points_at_the_example_articles(monkeypatch):
    monkeypatch.chdir(ROOT)
    sources = expand_inputs([os.path.join("examples", "manifest.jsonl")])
    assert len(sources) == 6
    files = [s for s in sources if s.kind == "file"]
    assert [s.value for s in files] == ["examples/rubio-bukele-prison-offer.en.txt",
                                        "examples/oferta-carcel-cecot.es.txt"]
    assert all((ROOT / s.value).is_file() for s in files)
    assert EXAMPLES.is_dir()
