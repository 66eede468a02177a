"""Batch inputs: every kind expands to sources with stable, unique ids (no models)."""

from __future__ import annotations

import json
import os

import pytest
from conftest import EXAMPLES, ROOT

from summarize.document import Source
from summarize.errors import InputError, UnsupportedInputError
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
    ("content", "message"),
    [
        ('{"id": "a", "path": "x.txt"}\nnot json\n', r"m.jsonl, line 2: not valid JSON"),
        ('{"path": "x.txt"}\n', r"line 1: every entry needs an 'id'"),
        ('{"id": "a", "path": "x.txt", "text": "y"}\n', r"exactly one of url, path, text \(found path, text\)"),
        ('{"id": "a"}\n', r"\(found none of them\)"),
        ('["a", "b"]\n', r"expected an object"),
        ('{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n', r"id 'a' names two different inputs"),
    ],
)
def test_bad_manifests_name_file_and_line(tmp_path, content, message):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(content)
    with pytest.raises(InputError, match=message):
        expand_inputs([str(manifest)])


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
