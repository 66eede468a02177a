"""The hostile corpus through ``summarize batch``: records, errors by type, wall time, peak RSS; then kill and resume.

Builds :mod:`benchmarks.hostile_corpus` in a temporary folder (with :class:`HostileServer` on
127.0.0.1 for the URL inputs), runs::

    python -m summarize batch MAIN.jsonl BROKEN.jsonl BROKEN.csv -o OUT.jsonl -p offline --allow-private -q

in a child process (its own peak RSS comes from ``os.wait4``), and prints what it wrote. Then the
same corpus again, into a new output, killed with SIGKILL at a few moments tied to its progress
and resumed with ``--resume`` each time, and checks that every input has exactly one record.

Usage (from the repository root; about two minutes on 2 cores, most of it the slow-drip URL that
the fetch gives up on after its 60 s total limit):

    python benchmarks/hostile_batch.py
    python benchmarks/hostile_batch.py --skip broken-manifest/deep-nesting --kills 0
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.hostile_corpus import HostileServer, build_corpus, manifests

__all__ = ["ChildRun", "batch_args", "kill_and_resume", "run_child", "whole_records"]


@dataclass
class ChildRun:
    """One finished (or killed) ``python -m summarize`` child."""

    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_bytes: int
    timed_out: bool = False
    records_after: int = -1  # complete lines in the output once it ended (kill_and_resume)

    @property
    def shell(self) -> str:
        return shlex.join(self.command)


def batch_args(folder: Path, out: Path, *extra: str) -> list[str]:
    """``batch`` arguments for a corpus in ``folder``."""
    # a per-input deadline well under the run's limit: the multi-megabyte inputs get a DeadlineError
    # record instead of holding the run for the default 600 s
    return ["batch", *(str(p) for p in manifests(folder)), "-o", str(out), "-p", "offline", "--allow-private",
            "--deadline", "120", "-q", *extra]


def _env(cache_dir: Path | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    if cache_dir is not None:
        env["SUMMARIZE_CACHE_DIR"] = str(cache_dir)
    return env


def run_child(args: list[str], *, timeout: float, log_dir: Path, cache_dir: Path | None = None,
              kill_when=None) -> ChildRun:
    """Run ``python -m summarize ARGS`` to its end (or ``timeout``, or until ``kill_when()`` is true: SIGKILL).

    stdout and stderr go to files in ``log_dir`` (no pipe can fill up); the child's own peak RSS
    comes from ``os.wait4`` (``ru_maxrss``, KiB on Linux).
    """
    command = [sys.executable, "-m", "summarize", *args]
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    start = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=_env(cache_dir), stdout=out, stderr=err)
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            timed_out = True
            os.kill(process.pid, signal.SIGKILL)
        elif kill_when is not None and kill_when():
            os.kill(process.pid, signal.SIGKILL)
            kill_when = None
        time.sleep(0.01)
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(command, process.returncode, out_path.read_text(errors="replace"),
                    err_path.read_text(errors="replace"), time.monotonic() - start, usage.ru_maxrss * 1024,
                    timed_out)


def whole_records(out: Path) -> list[dict]:
    """The records of the output's complete lines (a kill may leave a torn last line for the resume to cut).

    Raises ``json.JSONDecodeError`` for a complete line that is not JSON.
    """
    data = out.read_bytes() if out.exists() else b""
    return [json.loads(line) for line in data[: data.rfind(b"\n") + 1].split(b"\n") if line]


def kill_and_resume(folder: Path, out: Path, *, kills: int, seed: int, timeout: float, log_dir: Path,
                    cache_dir: Path | None = None, extra: Sequence[str] = ()) -> tuple[list[ChildRun], ChildRun]:
    """Run the corpus ``kills`` times with ``--resume``, each SIGKILLed a few records after it starts; then to the end.

    ``extra`` are more ``batch`` options (shorter limits). Returns the killed runs and the final one.
    Between runs, the complete lines must hold no id twice.
    """
    rng = random.Random(seed)
    args = batch_args(folder, out, "--resume", "--batch-docs", "4", *extra)
    killed = []
    for round_ in range(kills):
        before = len(whole_records(out))
        wanted = before + rng.randint(1, 12)
        delay = rng.uniform(0.0, 0.2)
        reached: list[float] = []

        def kill_when(wanted=wanted, delay=delay, reached=reached) -> bool:
            if not reached:
                if len(whole_records(out)) >= wanted:
                    reached.append(time.monotonic())
                return False
            return time.monotonic() - reached[0] >= delay

        if round_ == 0:  # once while starting up: before any record
            start = time.monotonic()
            limit = rng.uniform(0.2, 1.5)

            def kill_when(start=start, limit=limit) -> bool:
                return time.monotonic() - start > limit

        run = run_child(args, timeout=timeout, log_dir=log_dir / f"kill-{round_}", cache_dir=cache_dir,
                        kill_when=kill_when)
        killed.append(run)
        records = whole_records(out)
        run.records_after = len(records)
        ids = [r["id"] for r in records]
        assert len(ids) == len(set(ids)), f"after kill {round_}: an id appears twice"
    final = run_child(args, timeout=timeout, log_dir=log_dir / "final", cache_dir=cache_dir)
    return killed, final


def _summarize_records(records: list[dict]) -> tuple[int, int, collections.Counter]:
    errors = collections.Counter(r["error"].get("type", "?") for r in records if "error" in r)
    return len(records), sum(1 for r in records if "error" not in r), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs in the resume check (0: no check)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed to one batch process")
    parser.add_argument("--skip", action="append", default=[], help="leave out an input (see build_corpus)")
    parser.add_argument("--keep", type=Path, help="write the corpus and outputs here instead of a temp folder")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp, HostileServer() as server:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        folder, out = work / "corpus", work / "out.jsonl"
        out.unlink(missing_ok=True)
        items = build_corpus(folder, base_url=server.url, skip=args.skip)
        classes = collections.Counter(cls for _, cls in items)
        print(f"corpus: {len(items)} inputs in {len(classes)} classes: "
              + ", ".join(f"{c} {n}" for c, n in classes.items()))
        run = run_child(batch_args(folder, out), timeout=args.timeout, log_dir=work / "logs" / "plain",
                        cache_dir=work / "cache")
        print(f"command: {run.shell}")
        print(f"exit code: {run.returncode}{' (timed out, killed)' if run.timed_out else ''}")
        print(f"wall time: {run.seconds:.1f} s")
        print(f"peak RSS: {run.peak_rss_bytes / 2**20:.0f} MiB")
        try:
            records = whole_records(out)
        except json.JSONDecodeError as exc:
            print(f"output has a line that is not JSON: {exc}")
            return 1
        total, ok, errors = _summarize_records(records)
        want = {i for i, _ in items}
        got = [r["id"] for r in records]
        print(f"records: {total} for {len(want)} inputs ({ok} results, {total - ok} errors); "
              f"missing {len(want - set(got))}, unexpected {len(set(got) - want)}, twice {total - len(set(got))}")
        print("errors by type: " + ", ".join(f"{t} {n}" for t, n in errors.most_common()))
        by_class: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        kind = dict(items)
        for r in records:
            by_class[kind.get(r["id"], "?")]["error" if "error" in r else "result"] += 1
        for cls in classes:
            print(f"  {cls:20} {dict(by_class[cls])}")
        if "Traceback" in run.stderr:
            print("stderr has a Traceback:\n" + run.stderr[-4000:])
        elif run.stderr.strip():
            print("stderr (tail):\n" + run.stderr[-1500:])
        for missing in sorted(want - set(got))[:20]:
            print(f"  no record: {missing[:80]!r}")

        if args.kills:
            resumed = work / "resumed.jsonl"
            resumed.unlink(missing_ok=True)
            start = time.monotonic()
            killed, final = kill_and_resume(folder, resumed, kills=args.kills, seed=args.seed,
                                            timeout=args.timeout, log_dir=work / "logs", cache_dir=work / "cache2")
            records = whole_records(resumed)
            got = [r["id"] for r in records]
            print(f"kill and resume: {len(killed)} SIGKILLs (records when killed: "
                  f"{[k.records_after for k in killed]}, exit codes {[k.returncode for k in killed]}), "
                  f"final exit {final.returncode}, {len(records)} records, missing {len(want - set(got))}, "
                  f"twice {len(got) - len(set(got))}, {time.monotonic() - start:.1f} s in all")
            if "Traceback" in final.stderr:
                print("final run's stderr has a Traceback:\n" + final.stderr[-3000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
