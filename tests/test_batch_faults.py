"""Batch runs under faults: a full disk, Ctrl-C and SIGKILL at random moments; each is resumed to completion.

They use the ``offline`` preset (Apertium and extractive summaries, no models), so they are cheap.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import default_signals, many_texts, read_records, start_summarize, wait_for_records, write_manifest
from click.testing import CliRunner
from conftest import ROOT

from summarize.batch import journal as jsonl
from summarize.cli import batch as cli_module
from summarize.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="the offline preset needs Apertium")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_CACHE_DIR", str(tmp_path / "cache"))


class FailingDisk:
    """Stands in for :mod:`os` in :mod:`summarize.batch.journal`: ``write`` fails after ``good`` writes.

    Args:
        good: writes that succeed.
        error: the errno of the failure.
        half_first: the first failing write writes half its bytes and reports it; the next one raises.
        cut_fails: ``ftruncate`` fails too (the disk is really broken).
    """

    def __init__(self, good: int, error: int, *, half_first: bool, cut_fails: bool) -> None:
        self.good, self.error, self.half_first, self.cut_fails = good, error, half_first, cut_fails

    def __getattr__(self, name: str):
        return getattr(os, name)

    def write(self, fd: int, data) -> int:
        if self.good > 0:
            self.good -= 1
            return os.write(fd, data)
        if self.half_first:
            self.half_first = False
            return os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(self.error, os.strerror(self.error))

    def ftruncate(self, fd: int, size: int) -> None:
        if self.cut_fails:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        os.ftruncate(fd, size)


@pytest.mark.parametrize(("error", "half_first", "cut_fails"), [
    (errno.ENOSPC, False, False),  # the write fails whole
    (errno.ENOSPC, True, False),  # half a line reaches the disk, then the disk is full: it is cut back
    (errno.EDQUOT, True, True),  # and the cut fails too: the resume's repair of a torn line does it
])
def test_a_full_disk_stops_the_run_with_a_resumable_file(tmp_path, monkeypatch, error, half_first, cut_fails):
    n, good = 5, 2
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(n))
    out = tmp_path / "out.jsonl"
    args = ["batch", str(manifest), "-o", str(out), "-p", "offline", "--batch-docs", "2", "--no-cache", "-q"]
    runner = CliRunner()
    with monkeypatch.context() as patch:
        patch.setattr(jsonl, "os", FailingDisk(good, error, half_first=half_first, cut_fails=cut_fails))
        full = runner.invoke(cli, args)
    assert full.exit_code == 7, full.output
    reason = f"{os.strerror(error)} ({errno.errorcode[error]})"
    assert full.stderr == (f"Error: cannot write {out}: {reason}; stopped with {good} whole record(s) in it\n"
                           "Free some disk space (or fix the disk or quota), then rerun the same command with "
                           "--resume.\n")
    data = out.read_bytes()
    if cut_fails:
        assert data.count(b"\n") == good and not data.endswith(b"\n")  # a torn half line
    else:
        assert data.count(b"\n") == good and data.endswith(b"\n")  # nothing but whole lines
    assert (tmp_path / "out.jsonl.lock").exists() and not list(tmp_path.glob("*.tmp"))

    resumed = runner.invoke(cli, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    records = read_records(out)  # every line parses, no id twice
    assert sorted(records) == [f"n{i:02d}" for i in range(n)]
    assert all("summaries" in r for r in records.values())


def test_a_failed_sync_is_a_batch_error_too(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    journal = jsonl.Journal(out, mode="new")
    journal.append({"id": "a", "summaries": {}})

    def broken_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(jsonl.BatchError, match=rf"^cannot sync {out}: Input/output error \(EIO\); stopped with 1 "):
        journal.sync()
    journal.close()  # no second error once one was reported; the lock is released
    monkeypatch.undo()
    with jsonl.Journal(out) as again:
        assert again.statuses == {"a": "ok"}


def test_ctrl_c_while_models_load_exits_130_with_the_resume_command(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "build_pipeline", interrupted)
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(1))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(out), "-p", "offline"])
    assert result.exit_code == 130
    assert result.stderr == (f"summarize: interrupted; {out} holds every record finished so far. Resume with:\n"
                             f"  summarize batch {manifest} -o {out} -p offline --resume\n")


def _whole_lines(out: Path) -> list[dict]:
    """The records of the output's complete lines (a kill may leave a torn last line to repair)."""
    data = out.read_bytes() if out.exists() else b""
    return [json.loads(line) for line in data[: data.rfind(b"\n") + 1].splitlines()]


def test_sigkill_and_ctrl_c_at_random_moments_then_resume_gives_every_input_exactly_once(tmp_path):
    n = 40
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(n))
    out = tmp_path / "out.jsonl"
    args = ["batch", str(manifest), "-o", str(out), "-p", "offline", "--batch-docs", "2", "--no-cache", "--resume"]
    rng = random.Random(6)
    killed_with_work_left = 0
    for round_ in range(4):
        before = len(_whole_lines(out))
        process = start_summarize(args)
        if round_ == 2:  # Ctrl-C, once the run has its handler: the group in flight ends, then exit 130
            while len(_whole_lines(out)) == before and process.poll() is None:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.0))
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
            assert process.returncode == 130 or len(_whole_lines(out)) == n, stderr
        else:  # SIGKILL anywhere: starting up and loading (round 0), then between or amid records
            # The moment is tied to progress, not to the clock alone: on a fast idle machine a fixed
            # delay let the whole run finish before the kill.
            if round_ == 0:
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                wanted = before + rng.randint(0, 3)
                while len(_whole_lines(out)) < wanted and process.poll() is None:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.1))
            process.kill()
            process.communicate(timeout=60)
            killed_with_work_left += process.returncode == -signal.SIGKILL and len(_whole_lines(out)) < n
        records = _whole_lines(out)
        assert len({r["id"] for r in records}) == len(records), "an id appears twice"
    assert killed_with_work_left >= 2, "the kills came too late to test anything"

    final = start_summarize(args)
    _, stderr = final.communicate(timeout=120)
    assert final.returncode == 0, stderr
    records = read_records(out)
    assert sorted(records) == [f"n{i:02d}" for i in range(n)]
    assert all("summaries" in r for r in records.values())


def _stopped_by(sig: signal.Signals, tmp_path: Path, *, twice: bool = False, early: bool = False) -> None:
    """Send ``sig`` to a batch run (once records flow, or as soon as models load), check the exit,
    the resume command and the file, then resume to completion.

    Enough groups that work is left when the signal lands: with 6 inputs, an idle CI machine
    finished every group in flight after the signal, and a run with nothing left exits 0."""
    n = 24
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(n))
    out = tmp_path / "out.jsonl"
    args = ["batch", str(manifest), "-o", str(out), "-p", "offline", "--batch-docs", "2", "--no-cache"]
    process = start_summarize(args)
    if early:  # before the run installs its handlers, or just after: either way 128+N and the hint
        line = process.stderr.readline()
        while not line.startswith("summarize: pipeline "):  # the line said just before models load
            assert line, process.communicate()
            line = process.stderr.readline()
    else:
        wait_for_records(process, out)
    process.send_signal(sig)
    if twice:
        process.send_signal(sig)  # the second one stops at once: the group in flight is not waited for
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + sig, stderr
    if not early and not twice:
        assert f"got {sig.name}: stopping after the articles in progress ({sig.name} again to stop now)" in stderr
    assert f"interrupted; {out} holds every record finished so far. Resume with:" in stderr
    command = stderr.strip().splitlines()[-1].strip()
    assert command == shlex.join(["summarize", "batch", str(manifest), "-o", str(out), "--batch-docs", "2", "--no-cache",
                                  "-p", "offline", "--resume"])  # in the order the command declares its options
    data = out.read_bytes() if out.exists() else b""
    assert not data or data.endswith(b"\n")  # a stop, not a crash: no torn line to repair
    interrupted = len(read_records(out)) if data else 0  # every line whole JSON, no id twice
    assert interrupted < n, "the run finished before the signal"

    final = subprocess.run([sys.executable, "-m", *shlex.split(command)], cwd=ROOT, capture_output=True, text=True,
                           check=False, timeout=300)
    assert final.returncode == 0, final.stderr
    assert f"skipped {interrupted} of {n}" in final.stderr and "repaired" not in final.stderr
    records = read_records(out)
    assert sorted(records) == [f"n{i:02d}" for i in range(n)]
    assert all("summaries" in r for r in records.values())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_stop_like_ctrl_c_with_their_own_exit_code(tmp_path, sig):
    _stopped_by(sig, tmp_path)


def test_a_run_started_with_sighup_ignored_keeps_going_through_a_hangup(tmp_path):
    """``nohup summarize batch ...``: the hangup is ignored, as the user asked, and the run completes."""
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(6))
    out = tmp_path / "out.jsonl"

    def nohup() -> None:
        default_signals()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    process = start_summarize(["batch", str(manifest), "-o", str(out), "-p", "offline", "--batch-docs", "2",
                               "--no-cache"], preexec_fn=nohup)
    wait_for_records(process, out)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert "SIGHUP" not in stderr
    assert len(read_records(out)) == 6


def test_a_second_sigterm_stops_at_once_and_the_file_stays_whole(tmp_path):
    _stopped_by(signal.SIGTERM, tmp_path, twice=True)


def test_sigterm_while_models_load_exits_143_with_the_resume_command(tmp_path, monkeypatch):
    def terminated(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, in the main thread
        raise AssertionError("SIGTERM did not stop the command")

    with monkeypatch.context() as patch:
        patch.setattr(cli_module, "build_pipeline", terminated)
        manifest = write_manifest(tmp_path / "m.jsonl", many_texts(1))
        out = tmp_path / "out.jsonl"
        result = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(out), "-p", "offline"])
    assert result.exit_code == 143, result.output
    assert result.stderr == (f"summarize: interrupted; {out} holds every record finished so far. Resume with:\n"
                             f"  summarize batch {manifest} -o {out} -p offline --resume\n")
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the command's handler is gone with it
    (tmp_path / "subprocess").mkdir()
    _stopped_by(signal.SIGTERM, tmp_path / "subprocess", early=True)


def test_the_cli_refuses_a_second_run_on_another_name_of_the_output(tmp_path):
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(1))
    out = tmp_path / "out.jsonl"
    (tmp_path / "link.jsonl").symlink_to(out)
    with jsonl.Journal(out):
        result = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(tmp_path / "link.jsonl"), "-p", "offline",
                                          "--no-cache", "-q"])
    assert result.exit_code == 7
    assert result.stderr == (f"Error: {tmp_path / 'link.jsonl'} is being written by another run (lock {out}.lock is "
                             "held)\nWait for that run to finish, or write to another file with -o.\n")
