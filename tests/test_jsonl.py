"""The batch output file: torn lines (any truncation), compaction, modes and the one-writer lock (no models)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.batch.journal import Journal, to_record
from summarize.document import Result, Source
from summarize.errors import BatchError, LanguageError


def ok(i: str) -> dict:
    return {"id": i, "source": f"{i}.txt", "summaries": {"en": "E.", "es": "S."}}


def failed(i: str) -> dict:
    return {"id": i, "source": f"{i}.txt", "error": {"type": "InputError", "message": "gone", "hint": None}}


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_records_are_appended_one_line_each(tmp_path):
    out = tmp_path / "sub" / "out.jsonl"
    with Journal(out, mode="new") as journal:
        journal.append(ok("a"))
        journal.append(failed("b"))
        assert out.read_text().count("\n") == 2  # on disk before close: nothing buffered
    assert lines(out) == [ok("a"), failed("b")]
    assert Journal(out).statuses == {"a": "ok", "b": "failed"}


@pytest.mark.parametrize("tail", [b'{"id": "c", "sour', b"\x00\x00\x00\x00", b'{"id": "c"}garbage\n'])
def test_torn_last_line_is_cut(tmp_path, tail):
    out = tmp_path / "out.jsonl"
    out.write_bytes((json.dumps(ok("a")) + "\n" + json.dumps(ok("b")) + "\n").encode() + tail)
    with Journal(out) as journal:
        assert journal.repaired == 1
        assert journal.statuses == {"a": "ok", "b": "ok"}
        journal.append(ok("c"))
    assert [r["id"] for r in lines(out)] == ["a", "b", "c"]


def test_whole_last_record_without_newline_is_kept(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps(ok("a")) + "\n" + json.dumps(ok("b")))
    with Journal(out) as journal:
        journal.append(ok("c"))
    assert [r["id"] for r in lines(out)] == ["a", "b", "c"]


def test_damage_before_the_last_line_is_left_to_a_person(tmp_path):
    out = tmp_path / "out.jsonl"
    original = json.dumps(ok("a")) + "\nnot json\n" + json.dumps(ok("b")) + "\n"
    out.write_text(original)
    with pytest.raises(BatchError, match=r"out.jsonl, line 2 is not a valid record"):
        Journal(out)
    assert out.read_text() == original
    Journal(out, mode="overwrite").close()  # the lock was released: the file can be reopened


def test_new_mode_refuses_a_file_with_records(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps(ok("a")) + "\n")
    with pytest.raises(BatchError) as caught:
        Journal(out, mode="new")
    assert str(caught.value) == (f"{out} already exists and is not empty\n"
                                 "Pass --resume to continue that run, or --overwrite to start again.")
    with Journal(out, mode="overwrite") as journal:
        assert journal.statuses == {}
    assert out.read_text() == ""


def test_drop_and_duplicate_ids_rewrite_the_file_atomically(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in [failed("a"), ok("b"), failed("c"), ok("a")]))
    with Journal(out) as journal:  # "a" twice: only a hand-made file does that; the last record wins
        assert journal.statuses == {"a": "ok", "b": "ok", "c": "failed"}
        assert [r["id"] for r in lines(out)] == ["b", "c", "a"]
        journal.drop(["c", "not-there"])
        assert journal.statuses == {"a": "ok", "b": "ok"}
    assert [r["id"] for r in lines(out)] == ["b", "a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.lock"]


def test_a_second_writer_is_refused_while_the_first_holds_the_file(tmp_path):
    out = tmp_path / "out.jsonl"
    with Journal(out):
        with pytest.raises(BatchError) as caught:
            Journal(out)
        assert str(caught.value).startswith(f"{out} is being written by another run (lock {out}.lock is held)")
        other = subprocess.run(
            [sys.executable, "-c", f"from summarize.batch.journal import Journal; Journal({str(out)!r})"],
            capture_output=True, text=True, check=False, cwd=ROOT)
        assert other.returncode != 0 and "is being written by another run" in other.stderr
    Journal(out).close()  # free again once the first writer is done


def _other_names(tmp_path: Path, out: Path) -> dict[str, Path]:
    """Every way to name ``out`` but its own spelling: each must meet the same lock."""
    (tmp_path / "link.jsonl").symlink_to(out)
    (tmp_path / "via").symlink_to(out.parent, target_is_directory=True)
    names = {"relative": Path(os.path.relpath(out)), "dotted": out.parent / ".." / out.parent.name / out.name,
             "symlink": tmp_path / "link.jsonl", "symlinked folder": tmp_path / "via" / out.name}
    if out.exists():
        os.link(out, tmp_path / "hard.jsonl")
        names["hard link"] = tmp_path / "hard.jsonl"
    return names


def _refused_in_another_process(path: Path) -> bool:
    other = subprocess.run(
        [sys.executable, "-c", f"from summarize.batch.journal import Journal; Journal({str(path)!r})"],
        capture_output=True, text=True, check=False, cwd=ROOT)
    return other.returncode != 0 and "is being written by another run" in other.stderr


@pytest.mark.parametrize("exists", [True, False], ids=["file exists", "file not yet written"])
def test_every_name_of_the_output_meets_one_lock(tmp_path, monkeypatch, exists):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "runs" / "out.jsonl"
    out.parent.mkdir()
    if exists:
        out.write_text(json.dumps(ok("a")) + "\n")
    names = _other_names(tmp_path, out)
    assert ("hard link" in names) == exists
    with Journal(out) as first:
        for how, name in names.items():
            with pytest.raises(BatchError, match="is being written by another run") as caught:
                Journal(name)  # flock: two opens in one process conflict, as two processes do
            assert caught.value.exit_code == 7 and str(caught.value).startswith(f"{name} is being written"), how
        assert _refused_in_another_process(names["symlink"])
        if exists:
            assert _refused_in_another_process(names["hard link"])
        first.append(ok("b"))
    for name in names.values():  # free again once the first writer is done, by any name
        Journal(name).close()
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.jsonl", "out.jsonl.lock"]


def test_a_file_created_by_the_run_is_locked_against_a_hard_link_made_later(tmp_path):
    out = tmp_path / "out.jsonl"
    with Journal(out, mode="new") as journal:
        journal.append(ok("a"))  # creates the file, and locks it
        os.link(out, tmp_path / "hard.jsonl")
        with pytest.raises(BatchError, match=r"the file itself is locked: that run names it otherwise"):
            Journal(tmp_path / "hard.jsonl")


def test_rewriting_through_a_symlink_keeps_the_symlink_and_the_lock(tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("".join(json.dumps(r) + "\n" for r in [failed("a"), ok("b")]))
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    with Journal(link) as journal:
        journal.drop(["a"])  # an atomic replace: of the file the link names, not of the link
        assert link.is_symlink() and [r["id"] for r in lines(link)] == ["b"]
        os.link(target, tmp_path / "hard.jsonl")  # to the new inode the replace made: locked as well
        with pytest.raises(BatchError, match="the file itself is locked"):
            Journal(tmp_path / "hard.jsonl")
        assert _refused_in_another_process(tmp_path / "hard.jsonl")
    assert (tmp_path / "real.jsonl.lock").exists() and not (tmp_path / "out.jsonl.lock").exists()  # the file's lock
    assert not list(tmp_path.glob("*.tmp"))


def test_records_of_results_and_errors():
    source = Source("x.txt", "file", id="x")
    result = Result(source="x.txt", source_lang="es", title=None, text="T", summaries={"en": "E", "es": "S"},
                    content_hash="abc")
    record = to_record(source, result)
    assert record["id"] == "x" and record["content_hash"] == "abc" and record["summaries"]["es"] == "S"
    error = LanguageError("x.txt: detected language German", hint="Pass --source-lang.")
    assert to_record(source, error) == {"id": "x", "source": "x.txt", "error": {
        "type": "LanguageError", "message": "x.txt: detected language German", "hint": "Pass --source-lang."}}


RECORDS = st.lists(st.fixed_dictionaries({"summaries": st.dictionaries(st.sampled_from(["en", "es"]), st.text())}),
                   min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(RECORDS, st.data())
def test_any_truncation_leaves_whole_records_and_a_file_that_takes_appends(records, data):
    records = [{"id": f"r{i}", **r} for i, r in enumerate(records)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.jsonl"
        with Journal(out, mode="new") as journal:
            for record in records:
                journal.append(record)
        written = out.read_bytes()
        cut = data.draw(st.integers(min_value=0, max_value=len(written)), label="cut")
        with out.open("r+b") as f:
            f.truncate(cut)
        # a record survives when all its JSON survived (only its newline may be lost)
        kept = sum(1 for end in _line_ends(written) if end - 1 <= cut)
        with Journal(out) as journal:
            assert list(journal.statuses) == [r["id"] for r in records[:kept]]
            journal.append({"id": "new", "summaries": {}})
        assert lines(out) == [*records[:kept], {"id": "new", "summaries": {}}]


def _line_ends(data: bytes) -> list[int]:
    """Offsets just after each newline."""
    return [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]


def test_unicode_line_separators_are_escaped_so_every_reader_sees_one_record_a_line(tmp_path):
    out = tmp_path / "out.jsonl"
    record = {"id": "a", "summaries": {"en": "one\x85two\u2028three\u2029four ñ"}}
    with Journal(out) as journal:
        journal.append(record)
    assert out.read_text().splitlines() == ['{"id": "a", "summaries": {"en": "one\\u0085two\\u2028three\\u2029four ñ"}}']
    assert lines(out) == [record]
