"""The Ray engine on a local two-CPU Ray: the same records as the local engine, the same resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, SHORT_EN

pytest.importorskip("ray.data")

from summarize import Pipeline, Source
from summarize.batch import BatchOptions, RayOptions, run_batch
from summarize.batch.ray import init_ray

GERMAN = "Der Präsident traf sich gestern mit dem Außenminister in der Hauptstadt. Es war ein langes Gespräch."


@pytest.fixture(scope="module")
def local_ray():
    import ray

    init_ray(RayOptions(num_cpus=2))
    yield
    ray.shutdown()


def without_timings(path: Path) -> dict[str, dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        record.pop("timings", None)
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records)
    return by_id


def _without_story(records: dict) -> dict:
    return {k: {f: v for f, v in r.items() if f != "story"} for k, r in records.items()}


@pytest.mark.slow  # a local Ray: seconds to start, a minute of actors
def test_ray_engine_writes_the_local_engines_records_and_resumes(local_ray, tiny_preset, tmp_path):
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1)
    extra = tmp_path / "extra.jsonl"
    extra.write_text("".join(json.dumps(e) + "\n" for e in [
        {"id": "de", "text": GERMAN}, {"id": "gone", "path": "gone.txt"}, {"id": "copy", "text": SHORT_EN}]))
    inputs = [str(EXAMPLES / "manifest.jsonl"), str(extra)]
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    # one document per model call in both engines: the same batches, so the same numbers. (Across
    # documents, padding to another batch's length can flip a random-weight model's near-tied
    # tokens, and engine warnings are counted per batch.)
    local = run_batch(inputs, pipeline, BatchOptions(str(local_out), batch_docs=1))
    distributed = run_batch(inputs, pipeline, BatchOptions(str(ray_out), engine="ray", batch_docs=1,
                                                           engine_options=RayOptions(workers=2)))
    assert (distributed.done, distributed.failed) == (local.done, local.failed) == (7, 2)
    expected = without_timings(local_out)
    # every field of every record is the same, except the story id: an article joins the story of
    # its most similar *earlier* article, and which one is earlier follows completion order, which
    # differs between the engines (a known gap of the story desk: see issue 13's note)
    assert _without_story(without_timings(ray_out)) == _without_story(expected)

    # a crash lost the last two records: a resumed Ray run redoes only those, batched together
    lines = ray_out.read_text(encoding="utf-8").splitlines(keepends=True)
    ray_out.write_text("".join(lines[:-2]), encoding="utf-8")
    resumed = run_batch(inputs, pipeline, BatchOptions(str(ray_out), engine="ray", resume=True, batch_docs=4,
                                                       engine_options=RayOptions(workers=1)))
    assert (resumed.skipped, resumed.done + resumed.failed) == (7, 2)
    after = without_timings(ray_out)
    assert sorted(after) == sorted(expected)
    stable = ("source", "source_lang", "title", "text", "content_hash", "engines", "error")
    assert all({k: r.get(k) for k in stable} == {k: expected[i].get(k) for k in stable} for i, r in after.items())


@pytest.mark.slow  # a local Ray: seconds to start, a minute of actors
def test_a_missing_model_in_the_actors_stops_the_run(local_ray, tiny_preset, tmp_path):
    from summarize.errors import ModelNotAvailableError

    broken = tmp_path / "broken.toml"
    broken.write_text(tiny_preset.read_text().replace("/bart", "/no-such-model"))
    pipeline = Pipeline.from_preset(str(broken), device="cpu")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"id": "a", "text": SHORT_EN}) + "\n")
    with pytest.raises(ModelNotAvailableError, match="no-such-model does not exist"):
        run_batch([str(manifest)], pipeline, BatchOptions(str(tmp_path / "out.jsonl"), engine="ray",
                                                          engine_options=RayOptions(workers=1)))


@pytest.mark.parametrize(("inputs", "batch_docs", "actors", "expected"), [
    (200, 16, 2, 16),  # plenty of inputs: full batches
    (8, 16, 2, 4),  # few inputs: split so that both actors work
    (3, 16, 2, 2),
    (1, 16, 4, 1),
    (8, 16, 0, 8),  # a nonsensical actor count still gives a usable size
])
def test_few_inputs_are_spread_over_every_actor(inputs, batch_docs, actors, expected):
    from summarize.batch.ray import spread_batches

    assert spread_batches(inputs, batch_docs, actors) == expected


@pytest.mark.slow  # a local Ray: seconds to start, a minute of actors
def test_a_near_copy_reuses_its_originals_work_on_the_same_actor(local_ray, tmp_path):
    """The desk's near-copy reuse with Ray: one actor had both articles, so the copy did no model work.

    Which of the two is the original is the desk's canonical order (undated: by a hash of the
    text), whatever the input order; the inputs are given with the original first, so that the
    copy can reuse its work."""
    import shutil

    from summarize.desk.canonical import rank

    if shutil.which("apertium") is None:
        pytest.skip("the offline preset needs the system package apertium-eng-spa")
    desk = Path(__file__).parent / "data" / "desk"
    pipeline = Pipeline.from_preset("offline")
    pair = [desk / "rubio-visit.en.txt", desk / "wire-copy.en.txt"]
    original, copy = sorted(pair, key=lambda p: rank(pipeline.reader.read(Source(str(p), "file")).text))
    out = tmp_path / "ray.jsonl"
    summary = run_batch([str(original), str(copy)], pipeline,
                        BatchOptions(str(out), engine="ray", batch_docs=1, engine_options=RayOptions(workers=1)))
    assert summary.exit_code == 0, summary.line()
    records = {Path(r["id"]).name: r for r in without_timings(out).values()}
    timings = {Path(json.loads(line)["id"]).name: json.loads(line)["timings"]
               for line in out.read_text(encoding="utf-8").splitlines()}
    assert records[copy.name]["duplicate_of"] == records[original.name]["id"]
    assert records[copy.name]["translation"] == records[original.name]["translation"]
    assert records[copy.name]["summaries"] == records[original.name]["summaries"]
    assert "summarize" not in timings[copy.name]  # no model work was done for it


class ShoutSummarizer:
    """A summarizer defined in a script (here: this test module) and registered with the public call only."""

    engine = "shout"

    def __init__(self, config, runtime, *, langid=None):
        self.config = config

    def load(self):
        pass

    def describe(self):
        return {"engine": "shout", "model": ""}

    def summarize(self, texts, lang, length, *, warnings=None):
        return [text.split(". ")[0].upper().rstrip(".") + "." for text in texts]


@pytest.mark.slow  # a local Ray
def test_an_engine_registered_with_the_public_call_runs_on_the_ray_actors(local_ray, tmp_path):
    import sys

    import ray.cloudpickle
    from click.testing import CliRunner

    from summarize.cli import cli
    from summarize.registry import EngineInfo, default_registry

    # a class of a user's script (__main__) travels by value; this module stands in for the script
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    reg = default_registry()
    reg.add_engine(EngineInfo("shout", "summarize", ShoutSummarizer))  # no entry point: this process only
    out = tmp_path / "out.jsonl"
    ran = CliRunner().invoke(cli, ["batch", str(EXAMPLES / "manifest.jsonl"), "-o", str(out), "-p", "offline",
                                   "--summarizer", "shout", "--engine", "ray", "-E", "workers=1", "--no-cache", "-q"],
                             obj=reg)
    assert ran.exit_code in (0, 8), ran.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    done = [r for r in records if "error" not in r]
    assert done, records
    for record in done:  # the actors built the pipeline with the driver's registry
        assert record["engines"]["summarize"]["engine"] == "shout"
        assert record["summaries"][record["source_lang"]].isupper() or record["summaries"]["en"].isupper()
    assert not [r for r in records if "error" in r and "not one of" in r["error"]["message"]]
