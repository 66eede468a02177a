"""The story desk gives one digest for one set of articles, whatever the order, batches or engine.

The articles of ``tests/data/cecot`` are written for these tests from ``facts/el-salvador-agreement.md``:
thirteen reports of the CECOT offer, seven in English and six in Spanish, plain text and saved
pages with their furniture ("Skip to content", "Physical Address", cookie notices, menus), one
of them a wire copy of another. ``facts.json`` lists what each can state, for the citation check.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest

from summarize.batch import BatchOptions, run_batch
from summarize.desk import build_digest
from summarize.desk.command import read_records
from summarize.desk.render import render_digest_html, render_digest_json, render_digest_markdown
from summarize.pipeline import Pipeline

DATA = Path(__file__).parent / "data" / "cecot"
ARTICLES = sorted(str(p) for p in DATA.iterdir() if p.suffix in (".txt", ".html"))
FACTS = json.loads((DATA / "facts.json").read_text(encoding="utf-8"))["facts"]


@pytest.fixture(scope="module")
def offline() -> Pipeline:
    if shutil.which("apertium") is None:
        pytest.skip("the offline preset needs the system package apertium-eng-spa")
    return Pipeline.from_preset("offline")


def _digests(records: list[dict]) -> tuple[str, str, str]:
    digest = build_digest(records)
    return render_digest_markdown(digest), render_digest_html(digest), render_digest_json(digest)


def _run(paths: list[str], pipeline: Pipeline, out: Path, **options: object) -> list[dict]:
    summary = run_batch(paths, pipeline, BatchOptions(str(out), **options))  # type: ignore[arg-type]
    assert summary.exit_code == 0, summary.line()
    return read_records(str(out))


@pytest.fixture(scope="module")
def reference(offline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], tuple[str, str, str]]:
    records = _run(ARTICLES, offline, tmp_path_factory.mktemp("ref") / "out.jsonl")
    return records, _digests(records)


def test_five_shuffled_orders_and_two_batches_give_byte_identical_digests(
        offline: Pipeline, reference: tuple[list[dict], tuple[str, str, str]], tmp_path: Path):
    records, expected = reference
    assert len(records) == 13
    rng = random.Random(24)
    for n in range(5):
        order = list(ARTICLES)
        rng.shuffle(order)
        assert _digests(_run(order, offline, tmp_path / f"order-{n}.jsonl")) == expected, f"order {n}: {order}"
    split = tmp_path / "two-batches.jsonl"
    backwards = list(reversed(ARTICLES))
    _run(backwards[:6], offline, split)
    assert _digests(_run(backwards, offline, split, resume=True)) == expected


def test_the_wire_copy_is_a_near_copy_of_its_canonical_original_in_any_order(
        reference: tuple[list[dict], tuple[str, str, str]]):
    records, _ = reference
    digest = build_digest(list(reversed(records)))
    sources = [s for story in digest.stories for s in story.sources]
    copies = {Path(s.id).name: Path(s.duplicate_of).name for s in sources if s.duplicate_of}
    assert set(copies.items()) <= {("01-wire-rubio.en.txt", "02-wire-copy.en.txt"),
                                   ("02-wire-copy.en.txt", "01-wire-rubio.en.txt")}
    assert len(copies) == 1
    assert all(not w.startswith("a near-copy of") for s in sources for w in s.warnings)


def test_story_titles_are_headlines_never_furniture_or_ids(reference: tuple[list[dict], tuple[str, str, str]]):
    records, (markdown, html, _) = reference
    furniture = re.compile(r"skip to content|saltar al contenido|physical address|dirección física|cookies|"
                           r"^s-[0-9a-f]{10}$|\.(txt|html)$", re.IGNORECASE)
    headlines = {r.get("title") for r in records} | {(r.get("translation") or {}).get("title") for r in records}
    for story in build_digest(records).stories:
        for lang in ("en", "es"):
            title = story.titles.get(lang)
            assert title and not furniture.search(title), (lang, title)
        assert story.title in headlines, story.title  # a member's own headline (or its translation)
    assert "## Skip to content" not in markdown and "<h2>Physical Address" not in html


def _facts(text: str, lang: str) -> set[str]:
    return {name for name, patterns in FACTS.items()
            if any(re.search(p, text, re.IGNORECASE) for p in patterns.get(lang, ()))}


def test_each_cited_article_states_the_sentences_facts(reference: tuple[list[dict], tuple[str, str, str]]):
    records, _ = reference
    by_id = {r["id"]: r for r in records}
    checked = 0
    for story in build_digest(records).stories:
        for lang, brief in story.brief.items():
            for sentence in brief:
                assert 1 <= len(sentence.cites) <= 5
                assert [q.n for q in sentence.quotes] == list(sentence.cites)
                stated = _facts(sentence.text, lang)
                for quote in sentence.quotes:
                    record = by_id[story.sources[quote.n - 1].id]
                    own = "\n".join(filter(None, (record.get("title"), record.get("text"))))
                    assert stated <= _facts(own, record["source_lang"]), (lang, quote.n, sentence.text)
                    checked += 1
    assert checked >= 15


def test_html_citations_link_to_the_sentence_they_rest_on(reference: tuple[list[dict], tuple[str, str, str]]):
    from lxml import html as lxml_html

    _, (_, page, _) = reference
    root = lxml_html.fromstring(page)
    cites = root.xpath("//a[@class='cite']")
    assert cites
    for cite in cites:
        [target] = root.xpath(f"//*[@id='{cite.get('href')[1:]}']")
        assert target.tag == "li" and target.getparent().get("class") == "quotes"
        assert target.text_content().strip("“”") == cite.get("title")


@pytest.mark.slow  # a local Ray: seconds to start, a minute of actors
def test_the_ray_engine_gives_the_same_digest(offline: Pipeline, reference: tuple[list[dict], tuple[str, str, str]],
                                               tmp_path: Path):
    ray = pytest.importorskip("ray")
    from summarize.batch.ray import RayOptions, init_ray

    _, expected = reference
    init_ray(RayOptions(num_cpus=2))
    try:
        records = _run(list(reversed(ARTICLES)), offline, tmp_path / "ray.jsonl", engine="ray", batch_docs=3,
                       engine_options=RayOptions(workers=2))
    finally:
        ray.shutdown()
    assert _digests(records) == expected
