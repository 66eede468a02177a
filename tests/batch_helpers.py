"""Helpers shared by the batch tests: manifests, strict record reading, batch subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SHORT_EN, SHORT_ES


def write_manifest(path: Path, entries: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    return path


def read_records(path: Path) -> dict[str, dict]:
    """Records by id; fails if any line is corrupt or any id appears twice."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records), "an id appears twice"
    return by_id


def many_texts(n: int) -> list[dict]:
    """Distinct short articles, alternating Spanish and English."""
    return [{"id": f"n{i:02d}", "text": (SHORT_ES if i % 2 else SHORT_EN) + f" {i * 7 + 3}."} for i in range(n)]


def distinct_texts(n: int) -> list[dict]:
    """Articles of two different corpus sentences each, alternating Spanish and English: no two are near-copies,
    so each costs its own model work (a near-copy reuses its original's at once, which makes timing tests race)."""
    from summarize.testing import ENGLISH_SENTENCES, SPANISH_SENTENCES

    return [{"id": f"n{i:02d}", "text": " ".join((SPANISH_SENTENCES if i % 2 else ENGLISH_SENTENCES)[2 * i:2 * i + 2])}
            for i in range(n)]


def default_signals() -> None:
    """Give a child process the default handling of the stop signals, whatever the test run inherited.

    The command leaves a signal alone when it starts ignored (``nohup`` ignores SIGHUP, a shell's
    background job SIGINT), as a Unix program should; a suite started that way must still test the
    handlers on a child that receives those signals.
    """
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def start_summarize(args: list[str], **kwargs) -> subprocess.Popen:
    """``python -m summarize ARGS`` from the repository root, with pipes for its output and the
    default handling of stop signals (:func:`default_signals`; ``preexec_fn`` overrides it)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **kwargs.pop("env", {})}
    kwargs.setdefault("preexec_fn", default_signals)
    return subprocess.Popen([sys.executable, "-m", "summarize", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def wait_for_records(process: subprocess.Popen, out: Path, *, after: int = 0, timeout: float = 240.0) -> None:
    """Wait until the output has more than ``after`` lines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") > after:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.kill()
    raise AssertionError("no record was written in time")


def line_count(out: Path) -> int:
    return out.read_bytes().count(b"\n") if out.exists() else 0
