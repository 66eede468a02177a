"""The story desk: metadata, feeds, near-duplicates, stories across languages and the digest.

The batch tests run the real offline preset (Apertium, extractive) over the four articles of
``tests/data/desk`` (written for these tests from ``facts/el-salvador-agreement.md``): a Spanish
and an English report of the prison offer, a wire copy of the English one with one number changed,
and an unrelated report of a deportation flight.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from summarize.batch import BatchOptions, run_batch
from summarize.cli import cli
from summarize.desk import DuplicateIndex, StoryIndex, build_digest
from summarize.desk.canonical import rank_of
from summarize.desk.command import read_records, write_digest
from summarize.desk.duplicates import canonical_duplicates
from summarize.desk.evidence import evidence_of, extract_names, extract_numbers
from summarize.desk.render import render_digest_html, render_digest_markdown
from summarize.document import Source
from summarize.errors import ConfigError, InputError, UnsupportedInputError
from summarize.pipeline import Pipeline
from summarize.reading.extract import extract_html, load_document
from summarize.reading.feeds import expand_feed, parse_since
from summarize.reading.manifest import expand_inputs

DATA = Path(__file__).parent / "data" / "desk"
ES, EN, COPY, OTHER = "oferta-bukele.es.txt", "rubio-visit.en.txt", "wire-copy.en.txt", "darien-flight.en.txt"

PAGE = """<html><head><title>El Salvador ofrece su cárcel</title>
<meta name="author" content="Ana Gómez"><meta property="og:site_name" content="Diario del Istmo">
<meta name="description" content="Bukele ofrece el CECOT a Estados Unidos.">
<link rel="canonical" href="https://diario.example/cecot">
<meta property="article:published_time" content="2025-02-04T10:00:00Z"></head>
<body><article><h1>El Salvador ofrece su cárcel</h1>
<p>El presidente Nayib Bukele ofreció el lunes encarcelar en el CECOT a deportados de Estados Unidos, según
dijo el secretario de Estado Marco Rubio tras reunirse con él junto al lago de Coatepeque.</p>
<p>La oferta incluye a presos de cualquier nacionalidad, a cambio de una tarifa que ninguno de los dos
gobiernos detalló.</p></article></body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Diario del Istmo</title>
<item><title>Nuevo</title><link>https://diario.example/nuevo</link>
<pubDate>Tue, 04 Feb 2025 10:00:00 GMT</pubDate><description>La oferta de Bukele.</description></item>
<item><title>Viejo</title><link>https://diario.example/viejo</link><pubDate>Fri, 31 Jan 2025 10:00:00 GMT</pubDate></item>
<item><title>Sin fecha</title><link>https://diario.example/sin-fecha</link></item>
<item><title>Sin enlace</title></item>
</channel></rss>"""


@pytest.fixture(scope="module")
def offline() -> Pipeline:
    if shutil.which("apertium") is None:
        pytest.skip("the offline preset needs the system package apertium-eng-spa")
    return Pipeline.from_preset("offline")


@pytest.fixture(scope="module")
def desk_run(tmp_path_factory: pytest.TempPathFactory, offline: Pipeline) -> list[dict]:
    out = tmp_path_factory.mktemp("desk") / "out.jsonl"
    summary = run_batch([str(DATA / n) for n in (EN, ES, COPY, OTHER)], offline, BatchOptions(str(out)))
    assert summary.exit_code == 0, summary.line()
    return read_records(str(out))


def _by_name(records: list[dict]) -> dict[str, dict]:
    return {Path(r["id"]).name: r for r in records}


# --- metadata ----------------------------------------------------------------------------------

def test_html_metadata_is_extracted_and_null_where_absent():
    doc = extract_html(PAGE.encode(), source="page.html")
    assert doc.meta.author == "Ana Gómez"
    assert doc.meta.date == "2025-02-04"
    assert doc.meta.site_name == "Diario del Istmo"
    assert doc.meta.canonical_url == "https://diario.example/cecot"
    assert doc.meta.description == "Bukele ofrece el CECOT a Estados Unidos."
    bare = extract_html(b"<html><body><article><p>" + b"Una frase de la noticia sin metadatos. " * 5
                        + b"</p></article></body></html>", source="bare.html")
    assert (bare.meta.author, bare.meta.site_name, bare.meta.canonical_url) == (None, None, None)


def test_metadata_survives_fetching_and_reaches_the_result_json(offline: Pipeline):
    transport = httpx.MockTransport(lambda r: httpx.Response(200, text=PAGE, headers={"content-type": "text/html"}))
    doc = load_document(Source.parse("https://diario.example/cecot"), transport=transport)
    assert doc.meta.site_name == "Diario del Istmo"
    pipeline = Pipeline(offline.spec, transport=transport)
    [result] = pipeline.run(["https://diario.example/cecot"])
    data = json.loads(json.dumps(result.to_dict()))
    assert data["meta"] == {"author": "Ana Gómez", "date": "2025-02-04", "site_name": "Diario del Istmo",
                            "canonical_url": "https://diario.example/cecot",
                            "description": "Bukele ofrece el CECOT a Estados Unidos."}
    assert data["duplicate_of"] is None


# --- feeds -------------------------------------------------------------------------------------

def test_feed_entries_become_url_sources_with_their_metadata():
    sources = expand_feed(FEED.encode(), source="f.rss")
    assert [s.id for s in sources] == ["https://diario.example/nuevo", "https://diario.example/viejo",
                                       "https://diario.example/sin-fecha"]
    first = sources[0]
    assert first.kind == "url" and first.meta is not None
    assert (first.meta.date, first.meta.site_name, first.meta.description) == (
        "2025-02-04", "Diario del Istmo", "La oferta de Bukele.")


def test_since_keeps_newer_and_undated_entries(tmp_path: Path):
    feed = tmp_path / "istmo.rss"
    feed.write_text(FEED, encoding="utf-8")
    sources = expand_inputs([str(feed)], since=dt.date(2025, 2, 1))
    assert [s.id for s in sources] == ["https://diario.example/nuevo", "https://diario.example/sin-fecha"]


def test_bad_since_and_non_feed_are_clear_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="--since '4 Feb' is not a date"):
        parse_since("4 Feb")
    junk = tmp_path / "junk.rss"
    junk.write_text("just some words, no feed here", encoding="utf-8")
    with pytest.raises(InputError, match="junk.rss is not an RSS or Atom feed"):
        expand_inputs([str(junk)])
    with pytest.raises(UnsupportedInputError, match="is a feed"):
        load_document(Source.parse(str(tmp_path / "x.rss")) if (tmp_path / "x.rss").write_text(FEED) else None)


def test_feed_url_in_a_batch_expands_and_fetches_its_entries(tmp_path: Path, offline: Pipeline):
    article = ("<html><head><title>{t}</title></head><body><article><p>El presidente Nayib Bukele ofreció "
               "encarcelar en el CECOT a deportados de Estados Unidos, dijo Marco Rubio en San Salvador.</p>"
               "<p>La oferta incluye a presos de cualquier nacionalidad a cambio de una tarifa.</p></article></body></html>")
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.path == "/feed":
            return httpx.Response(200, text=FEED, headers={"content-type": "application/rss+xml"})
        return httpx.Response(200, text=article.format(t=request.url.path), headers={"content-type": "text/html"})

    pipeline = Pipeline(offline.spec, transport=httpx.MockTransport(handler))
    out = tmp_path / "out.jsonl"
    summary = run_batch(["https://diario.example/feed"], pipeline, BatchOptions(str(out), since="2025-02-01"))
    records = {r["id"]: r for r in read_records(str(out))}
    assert summary.total == 2 and set(records) == {"https://diario.example/nuevo", "https://diario.example/sin-fecha"}
    assert records["https://diario.example/nuevo"]["meta"]["date"] == "2025-02-04"
    assert records["https://diario.example/nuevo"]["meta"]["site_name"] == "Diario del Istmo"
    # the two entries' pages hold the same text: whichever was read second names the first
    nuevo, sin_fecha = records["https://diario.example/nuevo"], records["https://diario.example/sin-fecha"]
    assert {nuevo["duplicate_of"], sin_fecha["duplicate_of"]} in ({None, nuevo["id"]}, {None, sin_fecha["id"]})
    assert "https://diario.example/viejo" not in requested


# --- evidence, duplicates, stories -------------------------------------------------------------

def test_names_and_numbers_are_normalised():
    text = "El presidente Nayib Bukele habló con Marco Rubio. Son 1.500 presos, 2,5 millones y 40,000 camas en el CECOT."
    assert extract_names(text) == ["Nayib Bukele", "Marco Rubio", "CECOT"]
    assert extract_numbers(text) == ["1500", "2.5", "40000"]


def test_a_record_names_field_is_used_when_present():
    record = {"source_lang": "en", "text": "nothing capitalised here at all", "names": ["Tammy Bruce", {"text": "FMLN"}]}
    assert {"tammy bruce", "fmln"} <= evidence_of(record).names
    assert evidence_of({"source_lang": "en", "text": "x", "names": None}).names == frozenset()


def test_duplicate_index_finds_reordered_and_retitled_copies_but_not_other_reports():
    base = (DATA / EN).read_text(encoding="utf-8")
    paragraphs = base.split("\n\n")
    index = DuplicateIndex()
    assert index.check("a", base) is None
    reordered = "\n\n".join(["A new headline for the wire copy", *reversed(paragraphs[1:])])
    match = index.check("b", reordered)
    assert match is not None and match.key == "a" and match.similarity >= 0.5
    assert index.check("c", (DATA / OTHER).read_text(encoding="utf-8")) is None
    assert index.check("d", (DATA / ES).read_text(encoding="utf-8")) is None


def test_batch_marks_the_wire_copy_and_reuses_the_originals_work(desk_run: list[dict]):
    records = _by_name(desk_run)
    # the two are undated: the one whose text hashes first is the original, whichever came first
    original, copy = sorted((records[EN], records[COPY]), key=rank_of)
    if copy is records[COPY]:  # it came second, after the original: it reuses the original's work
        assert copy["duplicate_of"] == original["id"]
        assert copy["summaries"] == original["summaries"]
        assert copy["translation"] == original["translation"]
        assert "summarize" not in copy["timings"]  # no model work was done for it
        assert any("near-copy" in w for w in copy["warnings"])
    else:  # the canonical original came second: it did its own work, and the digest says which is which
        assert records[COPY]["duplicate_of"] is None and "summarize" in records[COPY]["timings"]
    [story] = [s for s in build_digest(desk_run).stories if len(s.sources) == 3]
    assert {s.id: s.duplicate_of for s in story.sources}[copy["id"]] == original["id"]
    assert records[ES]["duplicate_of"] is None and records[OTHER]["duplicate_of"] is None


def test_a_near_copy_reuses_only_an_original_that_ranks_before_it():
    base = (DATA / EN).read_text(encoding="utf-8")
    retitled = "A new headline for the wire copy\n\n" + base
    later = DuplicateIndex()
    assert later.check("orig", base, "2025-02-03") is None
    match = later.check("copy", retitled, "2025-02-04")
    assert match is not None and match.key == "orig"
    earlier = DuplicateIndex()  # the copy was published first: it is no copy of the one read before it
    assert earlier.check("orig", base, "2025-02-04") is None
    assert earlier.check("copy", retitled, "2025-02-03") is None and "copy" in earlier
    records = [{"id": "orig", "text": base, "meta": {"date": "2025-02-04"}},
               {"id": "copy", "text": retitled, "meta": {"date": "2025-02-03"}}]
    assert canonical_duplicates(records) == canonical_duplicates(records[::-1])
    assert canonical_duplicates(records)["orig"].key == "copy"


def test_spanish_and_english_reports_share_a_story_the_other_report_does_not(desk_run: list[dict]):
    records = _by_name(desk_run)
    assert records[ES]["story"] == records[EN]["story"] == records[COPY]["story"]
    assert records[OTHER]["story"] != records[EN]["story"]


def test_stories_are_stable_when_a_batch_is_extended(tmp_path: Path, offline: Pipeline, desk_run: list[dict]):
    out = tmp_path / "out.jsonl"
    run_batch([str(DATA / OTHER), str(DATA / ES)], offline, BatchOptions(str(out)))
    first = _by_name(read_records(str(out)))
    run_batch([str(DATA / OTHER), str(DATA / ES), str(DATA / EN), str(DATA / COPY)], offline,
              BatchOptions(str(out), resume=True))
    second = _by_name(read_records(str(out)))
    assert second[ES]["story"] == first[ES]["story"] and second[OTHER]["story"] == first[OTHER]["story"]
    assert second[EN]["story"] == second[COPY]["story"] == first[ES]["story"]
    copies = {s.id: s.duplicate_of for story in build_digest(list(second.values())).stories for s in story.sources}
    en, copy = second[EN]["id"], second[COPY]["id"]
    assert {copies[en], copies[copy]} in ({None, en}, {None, copy})  # one is the other's near-copy


def test_story_index_restores_without_renaming():
    index = StoryIndex()
    index.restore([{"id": "old", "text": "Marco Rubio met Nayib Bukele.", "source_lang": "en", "story": "s-kept"}])
    assert index.assign({"id": "new", "source_lang": "en", "text": "Marco Rubio met Nayib Bukele again."}) == "s-kept"
    assert index.assign({"id": "x", "error": {"type": "E", "message": "m", "hint": None}}) is None


# --- the digest --------------------------------------------------------------------------------

def test_digest_briefs_both_languages_with_citations(desk_run: list[dict]):
    digest = build_digest(desk_run)
    assert digest.articles == 4 and len(digest.stories) == 2
    story = next(s for s in digest.stories if len(s.sources) == 3)
    for lang in ("en", "es"):
        sentences = story.brief[lang]
        assert sentences, lang
        assert 40 <= sum(len(s.text.split()) for s in sentences) <= 140
        assert all(s.cites and all(1 <= n <= 3 for n in s.cites) for s in sentences)
    assert any(len(s.cites) >= 2 for s in story.brief["en"])  # sentences the outlets share cite them all
    names = [name for name, _ in story.names]
    assert "CECOT" in names and any("Rubio" in n for n in names)
    assert any("30000" in d and "40000" in d for d in story.disagreements), story.disagreements
    assert [s.duplicate_of for s in story.sources].count(None) == 2
    # one name in two languages is counted once, in English: the Spanish article's "Estados Unidos"
    # is its translation's "United States"
    assert "Estados Unidos" not in names
    assert dict(story.names).get("United States") == 3


def test_digest_checks_names_and_numbers_against_the_cited_sources():
    record = {"id": "a", "source": "a.txt", "source_lang": "en", "title": "T",
              "text": "Marco Rubio met Nayib Bukele in San Salvador on Monday for three hours of talks.",
              "summaries": {"en": "Marco Rubio met Tammy Bruce and 300 deputies.",
                            "es": "Marco Rubio se reunió con Tammy Bruce y 300 diputados."},
              "translation": {"lang": "es", "title": None, "text": "Marco Rubio se reunió con Nayib Bukele."}}
    [story] = build_digest([record]).stories
    assert "en brief: the name “Tammy Bruce” is not in the articles it cites" in story.warnings
    assert "es brief: the number 300 is not in the articles it cites" in story.warnings


def test_markdown_and_json_outputs(desk_run: list[dict], tmp_path: Path):
    journal = tmp_path / "out.jsonl"
    journal.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in desk_run), encoding="utf-8")
    markdown = write_digest(str(journal), str(tmp_path / "d.md"))
    assert markdown == (tmp_path / "d.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Story digest: 2 stories from 4 articles")
    assert "**English.**" in markdown and "**Español.**" in markdown and "near-copy of" in markdown
    data = json.loads(write_digest(str(journal), str(tmp_path / "d.json")))
    assert {"id", "title", "date", "sources", "brief", "brief_text", "names", "disagreements",
            "warnings"} <= set(data["stories"][0])


def test_stories_come_newest_first_and_low_confidence_shows():
    def record(i: str, date: str, text: str, low: bool = False) -> dict:
        return {"id": i, "source": i, "source_lang": "en", "title": i, "text": text, "low_confidence": low,
                "meta": {"date": date}, "summaries": {"en": text, "es": text}}

    digest = build_digest([record("old", "2025-01-02", "Lionel Messi scored twice for Inter Miami on Sunday."),
                           record("new", "2025-02-04", "Marco Rubio met Nayib Bukele at Lake Coatepeque.", True)])
    assert [s.id for s in digest.stories] == [digest.stories[0].id, digest.stories[1].id]
    assert [s.sources[0].id for s in digest.stories] == ["new", "old"]
    assert "low-confidence translation" in render_digest_markdown(digest)
    assert 'class="low"' in render_digest_html(digest)


def test_digest_cli_and_bad_inputs(desk_run: list[dict], tmp_path: Path):
    journal = tmp_path / "out.jsonl"
    journal.write_text("".join(json.dumps(r) + "\n" for r in desk_run), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["digest", str(journal), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["stories"]) == 2
    missing = runner.invoke(cli, ["digest", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code != 0 and "nope.jsonl: no such file" in missing.output
    other = tmp_path / "other.jsonl"
    other.write_text('{"a": 1}\n', encoding="utf-8")
    wrong = runner.invoke(cli, ["digest", str(other)])
    assert wrong.exit_code != 0 and "line 1 is not a batch record" in wrong.output
    bad_format = runner.invoke(cli, ["batch", str(DATA / EN), "-o", str(tmp_path / "o.jsonl"),
                                     "--digest", str(tmp_path / "d.pdf"), "--digest-format", "pdf"])
    assert bad_format.exit_code != 0 and not (tmp_path / "o.jsonl").exists()


def test_batch_digest_option_writes_the_page(tmp_path: Path, offline: Pipeline):
    out, page = tmp_path / "out.jsonl", tmp_path / "digest.html"
    run_batch([str(DATA / EN), str(DATA / ES)], offline, BatchOptions(str(out), digest=str(page)))
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and 'lang="es"' in html and 'lang="en"' in html
    assert "http://" not in html.split("<body>")[0] and "<script" not in html and "<link" not in html


# --- the page in a real browser ----------------------------------------------------------------

def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow  # a real browser: seconds to start, and the slow tier installs it
def test_html_digest_in_headless_chromium(desk_run: list[dict], tmp_path: Path):
    import subprocess

    from lxml import html as lxml_html

    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    page = tmp_path / "digest.html"
    page.write_text(render_digest_html(build_digest(desk_run)), encoding="utf-8")
    shot = tmp_path / "digest.png"
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
              f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    subprocess.run([*common, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = lxml_html.fromstring(dom)
    assert root.xpath("//section[@lang='en']") and root.xpath("//section[@lang='es']")
    ids = set(root.xpath("//li/@id"))
    cites = root.xpath("//a[@class='cite']")
    assert cites
    for cite in cites:
        target = cite.get("href")
        assert target.startswith("#") and target[1:] in ids, target
        story = cite.xpath("ancestor::article/@id")[0]
        assert target[1:].startswith(story)  # a citation points into its own story's sources


# --- titles and low-confidence marks -------------------------------------------------------------

def test_furniture_and_ids_are_never_story_titles():
    from summarize.desk.titles import is_furniture

    for line in ("Skip to content", "Physical Address", "Saltar al contenido", "Dirección física", "Main menu",
                 "We use cookies to improve your experience", "s-36fb15bf0c", "rubio-visit.en.txt",
                 "https://diario.example/cecot", None, "Home"):
        assert is_furniture(line), line
    assert not is_furniture("Rubio says El Salvador will take US deportees")

    def record(i: str, title: str, text: str) -> dict:
        return {"id": i, "source": i, "source_lang": "en", "title": title, "text": text,
                "summaries": {"en": text, "es": text}}

    text = "Marco Rubio met Nayib Bukele at Lake Coatepeque on Monday to discuss the prison offer."
    [story] = build_digest([record("a", "Skip to content", text), record("b", "s-36fb15bf0c", text + " Again."),
                            record("c", "Rubio and Bukele discuss the prison offer", text + " More.")]).stories
    assert story.title == "Rubio and Bukele discuss the prison offer"
    [alone] = build_digest([record("d", "Physical Address", text)]).stories
    assert alone.title == text.rstrip(".")  # no headline at all: the lead sentence stands in


def test_a_brief_sentence_translated_with_low_confidence_is_marked_in_every_format():
    from summarize.desk.render import render_digest_json

    record = {"id": "a", "source": "a", "source_lang": "es", "title": "Rubio visita El Salvador",
              "text": "Marco Rubio se reunió con Nayib Bukele junto al lago de Coatepeque.",
              "translation": {"lang": "en", "title": "Rubio visits El Salvador",
                              "text": "Marco Rubio gathered with Nayib Bukele next to the lake of Coatepeque."},
              "summaries": {"en": "Marco Rubio gathered with Nayib Bukele next to the lake of Coatepeque.",
                            "es": "Marco Rubio se reunió con Nayib Bukele junto al lago de Coatepeque."},
              "low_confidence": [{"translation": "full", "source": "x", "score": 0.5,
                                  "text": "Marco Rubio gathered with Nayib Bukele next to the lake of Coatepeque."}]}
    digest = build_digest([record])
    [sentence] = digest.stories[0].brief["en"]
    assert sentence.low_confidence and not digest.stories[0].brief["es"][0].low_confidence
    assert "Coatepeque. (low-confidence translation) [1]" in render_digest_markdown(digest)
    assert 'class="low"' in render_digest_html(digest).split("<ol")[0]
    assert json.loads(render_digest_json(digest))["stories"][0]["brief"]["en"][0]["low_confidence"] is True
