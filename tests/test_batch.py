"""Batch runs on tiny models: input kinds, error records, resume, dedup, the CLI, crashes and Ctrl-C."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from batch_helpers import (
    distinct_texts,
    line_count,
    read_records,
    start_summarize,
    wait_for_records,
    write_manifest,
)
from click.testing import CliRunner
from conftest import ROOT, SHORT_EN, SHORT_ES

from summarize import Pipeline, Result, Source
from summarize.batch import EXIT_SOME_FAILED, BatchOptions, run_batch
from summarize.batch.journal import Journal
from summarize.cli import cli
from summarize.errors import BatchError, InputError, LanguageError

GERMAN = "Der Präsident traf sich gestern mit dem Außenminister in der Hauptstadt. Es war ein langes Gespräch."


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def cheap_preset(tiny_preset, tmp_path_factory) -> Path:
    """The tiny preset with one-sentence summaries and one torch thread, for subprocesses."""
    text = tiny_preset.read_text().replace("sentences = 3", "sentences = 1") + "\n[runtime]\nthreads = 1\n"
    path = tmp_path_factory.mktemp("cheap") / "cheap.toml"
    path.write_text(text)
    return path


def test_every_input_kind_with_error_records_beside_successes(tiny_pipeline, tmp_path):
    folder = tmp_path / "dir" / "deep"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(SHORT_ES, encoding="utf-8")
    (tmp_path / "globbed.md").write_text("# Título\n\n" + SHORT_ES.replace("40.000", "41.000"), encoding="utf-8")
    (tmp_path / "urls.list").write_text("missing.txt\n")
    write_manifest(tmp_path / "m.jsonl", [{"id": "de", "text": GERMAN}, {"id": "en", "text": SHORT_EN}])
    (tmp_path / "m.csv").write_text(f'id,text,lang\nforced,"{SHORT_EN} More.",en\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    inputs = [str(tmp_path / "dir"), str(tmp_path / "*.md"), str(tmp_path / "urls.list"), str(tmp_path / "m.jsonl"),
              str(tmp_path / "m.csv")]
    summary = run_batch(inputs, tiny_pipeline, BatchOptions(str(out), batch_docs=2, workers=2))
    records = read_records(out)
    assert set(records) == {str(folder / "a.txt"), str(tmp_path / "globbed.md"), str(tmp_path / "missing.txt"),
                            "de", "en", "forced"}
    missing, german = records[str(tmp_path / "missing.txt")], records["de"]
    assert missing["error"]["type"] == "InputError" and missing["error"]["message"].endswith("no such file")
    assert german == {"id": "de", "source": "de", "error": {
        "type": "LanguageError", "hint": "If the article really is Spanish or English, pass --source-lang es|en.",
        "message": "de: detected language German (de, confidence 1.00); only Spanish and English are supported"}}
    good = [r for r in records.values() if "error" not in r]
    assert len(good) == 4 and all(r["summaries"]["en"] and r["summaries"]["es"] and r["content_hash"] for r in good)
    assert records["forced"]["engines"]["langid"]["engine"] == "given"
    assert records[str(tmp_path / "globbed.md")]["title"] == "Título"
    assert (summary.done, summary.failed, summary.skipped, summary.total) == (4, 2, 0, 6)
    assert summary.exit_code == EXIT_SOME_FAILED and summary.per_minute > 0
    assert summary.line().startswith("done 4, failed 2, skipped 0 of 6 in ")


def test_a_malformed_manifest_line_gets_its_own_error_record_and_the_rest_run(tiny_pipeline, tmp_path):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"id": "good", "text": SHORT_ES}) + "\n"
                        + '{"id": "broken", "text": \n'
                        + json.dumps({"id": "fr", "text": SHORT_EN, "lang": "fr"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(manifest)], tiny_pipeline, BatchOptions(str(out)))
    records = read_records(out)
    assert set(records) == {"good", f"{manifest}:2", "fr"}
    assert records["good"]["summaries"]["en"]
    broken = records[f"{manifest}:2"]
    assert broken["source"] == f"{manifest}, line 2" and broken["error"]["type"] == "InputError"
    assert broken["error"]["message"].startswith(f"{manifest}, line 2: not valid JSON")
    assert records["fr"]["error"]["message"] == f"{manifest}, line 3: lang 'fr' is not one of es, en"
    assert (summary.done, summary.failed, summary.exit_code) == (1, 2, EXIT_SOME_FAILED)


def test_a_ray_actor_gets_the_problem_of_an_invalid_entry(tmp_path):
    """The Ray engine sends sources to its actors as columns: an invalid entry's problem must travel too."""
    from summarize.batch.ray import PipelineActor
    from summarize.config import load_config
    from summarize.pipeline.spec import PipelineSpec

    actor = PipelineActor(PipelineSpec(load_config("offline"), cache_dir=str(tmp_path / "cache")))
    bad = Source.invalid("m.jsonl, line 2", "not valid JSON (Expecting value)", id="m.jsonl:2")
    out = actor({"id": [bad.id], "value": [bad.value], "kind": [bad.kind], "lang": [""], "problem": [bad.problem]})
    [record] = map(json.loads, out["record"])
    assert record["id"] == "m.jsonl:2" and record["source"] == "m.jsonl, line 2"
    assert record["error"]["message"] == "m.jsonl, line 2: not valid JSON (Expecting value)"


def test_resume_skips_what_is_done_and_retry_failed_redoes_failures(tiny_pipeline, tmp_path):
    (tmp_path / "b.txt").write_text(SHORT_EN)
    manifest = write_manifest(tmp_path / "m.jsonl", [{"id": "a", "text": SHORT_ES}, {"id": "b", "path": "b.txt"},
                                                    {"id": "c", "path": "c.txt"}])
    out = str(tmp_path / "out.jsonl")
    first = run_batch([str(manifest)], tiny_pipeline, BatchOptions(out))
    assert (first.done, first.failed) == (2, 1)
    (tmp_path / "c.txt").write_text(SHORT_EN + " Later.")
    again = run_batch([str(manifest)], tiny_pipeline, BatchOptions(out, resume=True))
    assert (again.done, again.failed, again.skipped, again.kept_failures) == (0, 0, 3, 1)
    assert again.exit_code == EXIT_SOME_FAILED and "1 earlier failure(s) kept" in again.line()
    before = read_records(Path(out))
    retried = run_batch([str(manifest)], tiny_pipeline, BatchOptions(out, retry_failed=True))
    assert (retried.done, retried.failed, retried.skipped, retried.exit_code) == (1, 0, 2, 0)
    after = read_records(Path(out))
    assert list(after) == ["a", "b", "c"] and "error" not in after["c"]
    assert after["a"] == before["a"] and after["b"] == before["b"]  # done records are never rewritten


def test_identical_texts_are_processed_once(tiny_preset, tmp_path):
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1)
    seen: list[str] = []
    real = pipeline.summarizer.summarize_noted  # what the pipeline calls

    def spy(texts, *args, **kwargs):
        seen.extend(texts)
        return real(texts, *args, **kwargs)

    pipeline.summarizer.summarize_noted = spy
    long_en = SHORT_EN + " " + SHORT_EN
    entries = [{"id": f"copy{i}", "text": long_en} for i in range(3)] + [{"id": "other", "text": long_en + " More."}]
    out = tmp_path / "out.jsonl"
    run_batch([str(write_manifest(tmp_path / "m.jsonl", entries))], pipeline, BatchOptions(str(out), batch_docs=2))
    # the copies are identical: one summary for the three. "other" is a near-copy, which reuses copy0's
    # work only when it ranks after copy0 in the desk's canonical order (undated: by its text's hash),
    # so that the original of a set of near-copies never depends on the input order
    from summarize.desk.canonical import rank

    other_after = rank(long_en) < rank(long_en + " More.")
    assert len(seen) == (1 if other_after else 2)
    records = read_records(out)
    copies = [records[f"copy{i}"] for i in range(3)]
    assert [c["source"] for c in copies] == ["copy0", "copy1", "copy2"]
    assert len({json.dumps([c["summaries"], c["content_hash"], c["translation"]]) for c in copies}) == 1
    assert [c["duplicate_of"] for c in copies] == [None, "copy0", "copy0"]
    if other_after:
        assert records["other"]["duplicate_of"] == "copy0" and records["other"]["summaries"] == copies[0]["summaries"]
    else:
        assert records["other"]["duplicate_of"] is None and records["other"]["summaries"]


def test_pipeline_map_yields_every_outcome_with_its_input(tiny_pipeline, tmp_path):
    sources = [Source.from_text(SHORT_ES, id="es"), str(tmp_path / "nope.txt"), Source.from_text(GERMAN, id="de"),
               Source.from_text(SHORT_EN, id="en")]
    outcomes = list(tiny_pipeline.map(sources, batch_docs=2, workers=2))
    assert len(outcomes) == 4
    results = {o.id: o for o in outcomes if isinstance(o, Result)}
    errors = {o.input.label: o for o in outcomes if not isinstance(o, Result)}
    assert set(results) == {"es", "en"} and results["es"].source_lang == "es"
    assert isinstance(errors[str(tmp_path / "nope.txt")], InputError)
    assert isinstance(errors["de"], LanguageError) and errors["de"].input.id == "de"


def test_cli_exit_codes_messages_and_lock(cheap_preset, tmp_path):
    runner = CliRunner()
    good = write_manifest(tmp_path / "good.jsonl", [{"id": "a", "text": SHORT_ES}])
    out = tmp_path / "out.jsonl"
    base = ["batch", "-o", str(out), "-p", str(cheap_preset)]
    done = runner.invoke(cli, [*base, str(good)])
    assert done.exit_code == 0, done.output
    assert done.stdout == ""
    last = done.stderr.splitlines()[-1]
    assert last.startswith("summarize: done 1, failed 0, skipped 0 of 1 in ") and last.endswith("articles a minute)")
    again = runner.invoke(cli, [*base, str(good)])
    assert again.exit_code == 7
    assert again.stderr.endswith(f"Error: {out} already exists and is not empty\n"
                            "Pass --resume to continue that run, or --overwrite to start again.\n")
    assert runner.invoke(cli, [*base, str(good), "--resume", "--overwrite"]).exit_code == 2
    bad = write_manifest(tmp_path / "bad.jsonl", [{"id": "de", "text": GERMAN}])
    partly = runner.invoke(cli, [*base, str(good), str(bad), "--resume", "-q"])
    assert partly.exit_code == EXIT_SOME_FAILED and partly.stderr == ""
    with Journal(out):
        locked = runner.invoke(cli, [*base, str(good), "--resume"])
    assert locked.exit_code == 7 and "is being written by another run" in locked.stderr
    assert list(read_records(out)) == ["a", "de"]


def test_ctrl_c_then_a_kill_then_resume_gives_every_input_exactly_once(cheap_preset, tmp_path):
    n = 16
    manifest = write_manifest(tmp_path / "m.jsonl", distinct_texts(n))
    out = tmp_path / "out.jsonl"
    process = start_summarize(["batch", str(manifest), "-o", str(out), "-p", str(cheap_preset), "--batch-docs", "2",
                      "--no-cache"])
    wait_for_records(process, out)
    process.send_signal(signal.SIGINT)  # Ctrl-C: the group in the models finishes, then a resume hint
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "stopping after the articles in progress" in stderr
    assert f"interrupted; {out} holds every record finished so far. Resume with:" in stderr
    command = stderr.strip().splitlines()[-1].strip()
    assert command == shlex.join(["summarize", "batch", str(manifest), "-o", str(out), "--batch-docs", "2",
                                  "--no-cache", "-p", str(cheap_preset), "--resume"])
    interrupted = len(read_records(out))
    assert 0 < interrupted < n

    resumed = start_summarize([*shlex.split(command)[1:], "-q"])  # the printed command, killed as soon as it writes
    wait_for_records(resumed, out, after=interrupted)
    resumed.send_signal(signal.SIGKILL)
    resumed.wait()
    assert line_count(out) < n, "the run finished before it could be killed"
    with out.open("ab") as f:  # what a write cut short by the kill leaves behind
        f.write(b'{"id": "n15", "source": "n15", "source_la')

    final = subprocess.run([sys.executable, "-m", *shlex.split(command)], cwd=ROOT, capture_output=True, text=True,
                           check=False, timeout=300)
    assert final.returncode == 0, final.stderr
    assert "repaired " in final.stderr and "skipped " in final.stderr
    records = read_records(out)
    assert sorted(records) == [f"n{i:02d}" for i in range(n)]
    assert all("summaries" in r for r in records.values())


def _inputs_and_outputs(tmp_path: Path) -> dict[str, tuple[list[str], str, str]]:
    """Cases of an output that is an input: (inputs, output, what the message names as the input)."""
    (tmp_path / "news" / "2025").mkdir(parents=True)
    (tmp_path / "news" / "a.txt").write_text(SHORT_ES, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SHORT_EN, encoding="utf-8")
    manifest = write_manifest(tmp_path / "m.jsonl", [{"id": "b", "path": "b.txt"}])
    (tmp_path / "urls.list").write_text("b.txt\n")
    (tmp_path / "link.jsonl").symlink_to(manifest)
    os.link(tmp_path / "b.txt", tmp_path / "hard.jsonl")
    m, news, b = str(manifest), str(tmp_path / "news"), str(tmp_path / "b.txt")
    return {
        "the manifest": ([m], m, m),
        "the list file": ([str(tmp_path / "urls.list")], str(tmp_path / "urls.list"), str(tmp_path / "urls.list")),
        "an article a manifest names": ([m], b, b),
        "a symlink to the manifest": ([m], str(tmp_path / "link.jsonl"), m),
        "a hard link to an article": ([m], str(tmp_path / "hard.jsonl"), b),
        "the manifest, spelled relatively": ([m], "m.jsonl", m),
        "a missing article": ([str(tmp_path / "gone.txt")], str(tmp_path / "gone.txt"), str(tmp_path / "gone.txt")),
        "inside an input folder": ([news], str(tmp_path / "news" / "out.jsonl"), news),
        "deep inside an input folder": ([news], str(tmp_path / "news" / "2025" / "out.jsonl"), news),
        "inside a folder a glob matches": ([str(tmp_path / "ne*")], str(tmp_path / "news" / "out.jsonl"),
                                           str(tmp_path / "ne*")),
    }


@pytest.mark.parametrize("case", ["the manifest", "the list file", "an article a manifest names",
                                  "a symlink to the manifest", "a hard link to an article",
                                  "the manifest, spelled relatively", "a missing article", "inside an input folder",
                                  "deep inside an input folder", "inside a folder a glob matches"])
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(tiny_pipeline, tmp_path, monkeypatch,
                                                                          case):
    monkeypatch.chdir(tmp_path)
    inputs, output, named = _inputs_and_outputs(tmp_path)[case]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(BatchError) as caught:
        run_batch(inputs, tiny_pipeline, BatchOptions(output, overwrite=True))
    error = caught.value
    assert error.exit_code == 7 and error.message.startswith(f"the output {output} is ")
    if "folder" in case:
        assert error.message.endswith(f"inside the input folder {named}, which the run scans for articles")
        assert error.hint.startswith("Write the output outside the input folders")
    else:
        assert f"is also an input ({named})" in error.message and error.hint == "Write the output to another file with -o."
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # nothing written: no output, no lock file, the inputs untouched


def test_cli_refuses_an_output_inside_an_input_folder(cheap_preset, tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(SHORT_ES, encoding="utf-8")
    out = tmp_path / "news" / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "news"), "-o", str(out), "-p", str(cheap_preset), "-q"])
    assert result.exit_code == 7
    assert result.stderr == (f"Error: the output {out} is inside the input folder {tmp_path / 'news'}, which the run "
                             "scans for articles\nWrite the output outside the input folders, e.g. -o results.jsonl "
                             "next to the folder.\n")
    assert not out.exists()


def test_a_missing_model_stops_the_run_instead_of_failing_every_input(tiny_preset, tmp_path):
    from summarize.errors import ModelNotAvailableError

    broken = tmp_path / "broken.toml"
    broken.write_text(tiny_preset.read_text().replace("/bart", "/no-such-model"))
    pipeline = Pipeline.from_preset(str(broken), device="cpu")
    manifest = write_manifest(tmp_path / "m.jsonl", [{"id": "b", "path": "nope.txt"}, {"id": "a", "text": SHORT_EN}])
    out = tmp_path / "out.jsonl"
    with pytest.raises(ModelNotAvailableError, match="no-such-model does not exist"):
        run_batch([str(manifest)], pipeline, BatchOptions(str(out), batch_docs=1, workers=1))
    assert [r["error"]["type"] for r in read_records(out).values()] == ["InputError"]  # "a" is left to a resume


def test_progress_bar_only_when_asked(tiny_pipeline, tmp_path, capsys):
    manifest = write_manifest(tmp_path / "m.jsonl", [{"id": "a", "text": SHORT_EN}])
    run_batch([str(manifest)], tiny_pipeline, BatchOptions(str(tmp_path / "quiet.jsonl")))
    assert capsys.readouterr().err == ""
    run_batch([str(manifest)], tiny_pipeline, BatchOptions(str(tmp_path / "bar.jsonl"), progress=True))
    err = capsys.readouterr().err
    assert "summarize: 100%" in err and "1/1" in err and "failed=0" in err


def test_ray_engine_without_ray_is_a_clear_error(tiny_pipeline, tmp_path, monkeypatch):
    from summarize.errors import EngineUnavailableError

    monkeypatch.setitem(sys.modules, "ray", None)  # what an installation without the extra looks like
    manifest = write_manifest(tmp_path / "m.jsonl", [{"id": "a", "text": SHORT_EN}])
    with pytest.raises(EngineUnavailableError) as caught:
        run_batch([str(manifest)], tiny_pipeline, BatchOptions(str(tmp_path / "out.jsonl"), engine="ray"))
    assert "the ray engine needs Ray Data, which is not installed" in str(caught.value)
    assert "pip install 'summarize[ray]'" in str(caught.value)


def test_at_most_per_host_requests_to_one_host_at_a_time():
    """The reader pool never has more than ``per_host`` requests open to one host, and uses the limit fully."""
    import httpx

    from summarize.reading import Reader
    from summarize.reading.fetch import FetchSettings

    lock = threading.Lock()
    active: dict[str, int] = {}
    peak: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            active[host] = active.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), active[host])
        time.sleep(0.05)
        with lock:
            active[host] -= 1
        return httpx.Response(200, text=SHORT_EN, headers={"content-type": "text/plain"})

    reader = Reader(FetchSettings(), transport=httpx.MockTransport(handler), per_host=2)
    urls = [f"https://{host}.example/{i}" for host in ("busy", "quiet") for i in range(8)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        loaded = list(pool.map(lambda u: reader.load(Source(u, "url", id=u)), urls))
    assert all(not isinstance(doc, Exception) for _, doc, _ in loaded)
    assert peak == {"busy.example": 2, "quiet.example": 2}
