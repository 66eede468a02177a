"""A pipeline is built once from a frozen spec; reading is a layer below it, taken by every entry point."""

from __future__ import annotations

import dataclasses
import json
import threading
import time

import httpx
import pytest
from click.testing import CliRunner
from conftest import SHORT_EN, SHORT_ES

from summarize import Pipeline, Source
from summarize.batch.ray import PipelineActor
from summarize.cli import cli
from summarize.config import load_config
from summarize.pipeline import PipelineSpec
from summarize.reading import Reader
from summarize.reading.fetch import FetchSettings


@pytest.fixture()
def offline_spec(tmp_path) -> PipelineSpec:
    return PipelineSpec(load_config("offline").with_overrides(sentences=1), fetch=FetchSettings(max_bytes=10_000),
                        cache_dir=str(tmp_path / "cache"), requested="auto", notes=("a note about the choice",))


def test_nothing_is_assigned_to_a_pipeline_after_construction(offline_spec):
    pipeline = Pipeline(offline_spec)
    for name in ("config", "spec", "notes", "requested", "reader", "langid", "glossary"):
        with pytest.raises(AttributeError):
            setattr(pipeline, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        offline_spec.cache_dir = None  # type: ignore[misc]
    assert pipeline.reader.settings.max_bytes == 10_000
    assert (pipeline.requested, pipeline.notes) == ("auto", ["a note about the choice"])


def test_the_spec_says_everything_a_result_reports(offline_spec):
    [result] = Pipeline(offline_spec).run([Source.from_text(SHORT_ES)])
    assert result.engines["pipeline"] == {"requested": "auto", "used": "offline"}
    assert "a note about the choice" in result.warnings


def test_a_ray_actor_is_built_from_the_drivers_spec_and_writes_the_same_records(offline_spec):
    """The actor class runs without a Ray cluster: what it builds and returns is checked here directly."""
    driver = Pipeline(offline_spec)
    actor = PipelineActor(driver.spec, workers=2, per_host=1)
    assert actor.pipeline.spec == driver.spec  # same cache folder, fallback notes, requested preset
    batch = {"id": ["es", "en"], "value": [SHORT_ES, SHORT_EN], "kind": ["text", "text"], "lang": ["", ""]}
    out = actor(batch)
    assert out["fatal"] == ["", ""]
    records = {r["id"]: r for r in map(json.loads, out["record"])}
    local = {r.id: r for r in driver.run([Source.from_text(SHORT_ES, id="es"), Source.from_text(SHORT_EN, id="en")])}
    for key in ("es", "en"):
        assert records[key]["summaries"] == local[key].summaries
        assert records[key]["warnings"] == local[key].warnings


def test_run_takes_the_stream_path_per_host_limit_and_duplicates_once(offline_spec):
    lock = threading.Lock()
    active = {"n": 0, "peak": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            active["n"] += 1
            active["peak"] = max(active["peak"], active["n"])
        time.sleep(0.05)
        with lock:
            active["n"] -= 1
        return httpx.Response(200, text=SHORT_EN, headers={"content-type": "text/plain"})

    pipeline = Pipeline(dataclasses.replace(offline_spec, cache_dir=None), transport=httpx.MockTransport(handler))
    calls: list[int] = []
    real = pipeline.summarizer.summarize_noted  # what the pipeline calls

    def counted(texts, *args, **kwargs):
        calls.append(len(texts))
        return real(texts, *args, **kwargs)

    pipeline.summarizer.summarize_noted = counted  # type: ignore[method-assign]
    urls = [f"https://news.example/{i}" for i in range(6)]
    results = pipeline.run(urls)
    assert [r.source for r in results] == urls  # input order, whatever order they finished in
    assert active["peak"] == 2  # the reader's default per-host limit, reached and never passed
    assert sum(calls) == 1  # six copies of one text: summarized once
    assert len({r.summaries["en"] for r in results}) == 1


def test_the_reader_reads_every_kind_of_source_and_keeps_failures(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(SHORT_EN, encoding="utf-8")
    reader = Reader(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    assert reader.read(Source.parse(str(path))).paragraphs[0].startswith("Marco Rubio")
    _, error, seconds = reader.load(Source.parse("https://news.example/gone"))
    assert type(error).__name__ == "FetchError" and "HTTP 404" in str(error) and seconds >= 0
    assert reader.with_per_host(2) is reader and reader.with_per_host(3).limiter.per_host == 3


def test_jsonl_output_is_reachable_from_the_command_line():
    result = CliRunner().invoke(cli, ["-", "-p", "offline", "-f", "jsonl", "-q", "--sentences", "1"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert json.loads(line)["source_lang"] == "es"
