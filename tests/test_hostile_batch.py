"""The hostile corpus (benchmarks/hostile_corpus.py) through ``summarize batch``: one whole record per input.

a. the whole corpus in one batch subprocess: exactly one record per id, every line JSON, no
   Traceback, exit 8, the ordinary articles summarized in both languages, every hostile input an
   error record (type, message, hint) or a result, the child's peak RSS under 2 GiB; the fast tier
   runs it once with short limits (a 10 s deadline, 5 s to read one input), the slow tier with the
   limits a newsroom would use;
b. the same corpus killed with SIGKILL at moments tied to its progress, resumed each time: every
   input exactly once at the end;
c. a hypothesis property: random hostile files and manifest lines through ``run_batch`` in-process.

URL inputs go to a hostile server on 127.0.0.1 in this process (``--allow-private``). The slow-drip
URL costs the fetch's total limit (60 s), and the multi-megabyte inputs use their whole deadline,
so (a) with the default limits and (b) take minutes each: both are marked slow (``make test-slow``).
"""

from __future__ import annotations

import json
import resource
import shutil
import string

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from benchmarks.hostile_batch import batch_args, kill_and_resume, run_child, whole_records
from benchmarks.hostile_corpus import HostileServer, build_corpus

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="the offline preset needs Apertium")

MAX_RSS = 2 * 1024**3
CHILD_TIMEOUT = 900.0  # bounded: the corpus batch takes about 5-7 minutes on 2 cores


@pytest.fixture(scope="module")
def server():
    with HostileServer() as running:
        yield running.url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, server):
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    return folder, build_corpus(folder, base_url=server)


def _check_records(records: list[dict], items: list[tuple[str, str]]) -> None:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), "an id appears twice"
    want = {i for i, _ in items}
    assert set(ids) == want, f"missing {sorted(want - set(ids))[:20]}, unexpected {sorted(set(ids) - want)[:20]}"
    by_id = {r["id"]: r for r in records}
    for entry_id, cls in items:
        record = by_id[entry_id]
        if cls == "ordinary":
            assert "error" not in record, (entry_id, record.get("error"))
            summaries = record["summaries"]
            assert set(summaries) >= {"es", "en"} and all(str(summaries[k]).strip() for k in ("es", "en")), \
                (entry_id, summaries)
        elif "error" in record:
            error = record["error"]
            assert set(error) >= {"type", "message", "hint"}, (entry_id, error)
            assert error["type"] and error["message"] and error["hint"], (entry_id, error)
        else:
            assert "summaries" in record, (entry_id, record)


SHORT_LIMITS = ("--deadline", "10", "--read-timeout", "5")


@pytest.mark.parametrize("limits", [
    pytest.param(SHORT_LIMITS, id="short-limits"),
    pytest.param((), id="newsroom-limits", marks=pytest.mark.slow),
])
@pytest.mark.timeout(CHILD_TIMEOUT + 120)  # the child's own limit decides; pytest's 600 s default would cut it first
def test_hostile_corpus_gives_one_whole_record_per_input(corpus, tmp_path, limits):
    folder, items = corpus
    out = tmp_path / "out.jsonl"
    run = run_child(batch_args(folder, out, *limits), timeout=CHILD_TIMEOUT, log_dir=tmp_path / "logs",
                    cache_dir=tmp_path / "cache")
    assert not run.timed_out, f"the batch ran past {CHILD_TIMEOUT} s; records: {len(whole_records(out))}"
    assert "Traceback" not in run.stderr, run.stderr[-6000:]
    assert run.returncode == 8, (run.returncode, run.stderr[-3000:])
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b"", "the last line is not whole"
    records = [json.loads(line) for line in lines[:-1]]  # every line is one JSON object
    _check_records(records, items)
    assert run.peak_rss_bytes < MAX_RSS, f"peak RSS {run.peak_rss_bytes / 2**20:.0f} MiB"
    # ru_maxrss of every child waited for so far: an upper bound on this one
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 < MAX_RSS


@pytest.mark.slow
@pytest.mark.timeout(2 * CHILD_TIMEOUT)  # three killed runs and a resume, each bounded by CHILD_TIMEOUT
def test_hostile_corpus_killed_at_random_moments_then_resumed_has_every_input_once(corpus, tmp_path):
    folder, items = corpus
    out = tmp_path / "out.jsonl"
    # the limits are not what this tests: the short ones keep each run to a couple of minutes
    killed, final = kill_and_resume(folder, out, kills=3, seed=7, timeout=CHILD_TIMEOUT, log_dir=tmp_path / "logs",
                                    cache_dir=tmp_path / "cache", extra=SHORT_LIMITS)
    assert sum(k.returncode == -9 and k.records_after < len(items) for k in killed) >= 2, \
        [(k.returncode, k.records_after) for k in killed]
    assert not final.timed_out
    assert "Traceback" not in final.stderr, final.stderr[-6000:]
    assert final.returncode == 8, (final.returncode, final.stderr[-3000:])
    _check_records(whole_records(out), items)


# --- c. random hostile inputs, in-process -----------------------------------------------------------------

SUFFIXES = [".txt", ".md", ".html", ".htm"]
WORDS = ["Bukele", "Rubio", "CECOT", "cárcel", "prison", "el", "the", "de", "oferta", "offer", "MS-13", "1.000"]


@st.composite
def hostile_files(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "markup", "encoded", "degenerate", "repeated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=4096))
    if kind == "markup":
        tag = draw(st.sampled_from(["div", "p", "b", "svg", "script", "nav", "table", "a", "!--", "?xml"]))
        depth = draw(st.integers(0, 20_000))
        body = draw(st.text(max_size=200))
        page = f"<html><body>{'<' + tag + '>' * 1}" * 1 + f"<{tag}>" * depth + body + f"</{tag}>" * draw(
            st.integers(0, depth))
        return page[: draw(st.integers(0, len(page)))].encode("utf-8", "surrogatepass")
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=300)))
    text += draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
    if kind == "encoded":
        codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "latin-1",
                                      "cp1252", "utf-8-sig"]))
        return text.encode(codec, "replace")
    if kind == "degenerate":
        return draw(st.text(alphabet=string.punctuation + string.digits + "\u200b\u202e\u2028\x00\x07😀 \n",
                            max_size=5000)).encode("utf-8")
    return (text[:80] + ". ") .encode() * draw(st.integers(1, 3000))


def _one_line(data: bytes) -> bytes:
    return data.replace(b"\n", b" ")


def _entry_line(entry_id: object, text: object, lang: object) -> bytes:
    return json.dumps({"id": entry_id, "text": text, "lang": lang}).encode()


MANIFEST_LINES = st.one_of(
    st.binary(max_size=200).map(_one_line),
    st.builds(_entry_line,
              st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none()),
              st.one_of(st.text(max_size=300), st.integers(), st.none()),
              st.one_of(st.sampled_from(["es", "en", "ES", "fr", "", " en "]), st.none(), st.integers())),
    st.sampled_from([b"[]", b"{}", b"null", b'{"id": "x"', b'{"id": "y", "text": "a\xe2\x80\xa8b"}',
                     b'{"id": "z", "url": "ftp://127.0.0.1/"}', b'"text"', b"[" * 50 + b"]" * 50]),
)


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate],  # no shrinking: slow
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                   HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(hostile_files(), st.sampled_from(SUFFIXES)), min_size=1, max_size=6),
       lines=st.lists(MANIFEST_LINES, max_size=6))
def test_random_hostile_inputs_each_get_one_whole_record(tmp_path_factory, files, lines):
    from summarize import Pipeline
    from summarize.batch import BatchOptions, run_batch
    from summarize.errors import SummarizeError
    from summarize.reading.fetch import FetchSettings
    from summarize.reading.manifest import expand_inputs

    folder = tmp_path_factory.mktemp("prop")
    entries = []
    for n, (data, suffix) in enumerate(files):
        (folder / f"f{n}{suffix}").write_bytes(data)
        entries.append(json.dumps({"id": f"file-{n}", "path": f"f{n}{suffix}"}).encode())
    manifest = folder / "m.jsonl"
    manifest.write_bytes(b"".join(line + b"\n" for line in [*entries, *lines]))
    try:  # anything but a SummarizeError (a whole-manifest error, by design) fails the test
        expected = {s.id for s in expand_inputs([str(manifest)])}
    except SummarizeError:
        return
    out = folder / "out.jsonl"
    pipeline = Pipeline.from_preset("offline", fetch=FetchSettings(allow_private=True, total_timeout=3.0, retries=0),
                                    cache_dir=None)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run_batch([str(manifest)], pipeline, BatchOptions(str(out), batch_docs=4, workers=2))
    records = [json.loads(line) for line in out.read_bytes().split(b"\n")[:-1]]
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) and set(ids) == expected
    for record in records:
        assert "summaries" in record or set(record["error"]) >= {"type", "message", "hint"}, record
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024 < MAX_RSS
