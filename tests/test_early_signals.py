"""SIGTERM/SIGHUP at any moment, the very first imports included: 128+N, and the resume command."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys

import pytest
from batch_helpers import ROOT, default_signals, many_texts, write_manifest

from summarize.signals import resume_hint

# sends the signal to itself while the command line's modules are being imported (Click's first)
DURING_IMPORTS = """
import builtins, os, signal, sys
real = builtins.__import__
def signalling_import(name, *args, **kwargs):
    if name == "click":
        builtins.__import__ = real
        os.kill(os.getpid(), signal.{sig})
    return real(name, *args, **kwargs)
builtins.__import__ = signalling_import
sys.argv = ["summarize", *sys.argv[1:]]
from summarize._entry import main
main()
"""


def _run_signalled(sig: signal.Signals, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", DURING_IMPORTS.format(sig=sig.name), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False, preexec_fn=default_signals)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_during_the_first_imports_exits_128_plus_n_with_the_resume_command(tmp_path, sig):
    manifest = write_manifest(tmp_path / "m.jsonl", many_texts(2))
    out = tmp_path / "out.jsonl"
    out.write_text("")  # a run that was under way: its output exists
    args = ["batch", str(manifest), "-o", str(out), "-p", "offline"]
    done = _run_signalled(sig, args)
    assert done.returncode == 128 + sig, done.stderr
    assert "Traceback" not in done.stderr
    assert f"interrupted; {out} holds every record finished so far. Resume with:" in done.stderr
    assert done.stderr.strip().splitlines()[-1].strip() == shlex.join(["summarize", *args, "--resume"])
    resumed = subprocess.run([sys.executable, "-m", "summarize", *args, "--resume", "--no-cache", "-q"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert len(out.read_text().splitlines()) == 2


def test_a_signal_during_the_first_imports_of_another_command_exits_143_cleanly(tmp_path):
    done = _run_signalled(signal.SIGTERM, ["run", "-", "-p", "offline"])
    assert (done.returncode, done.stderr) == (143, "summarize: stopped by SIGTERM\n")


def test_the_resume_hint_needs_a_batch_output_that_exists(tmp_path):
    out = tmp_path / "o.jsonl"
    assert resume_hint(["batch", "m.jsonl", "-o", str(out)]) is None  # nothing written yet: nothing to resume
    out.write_text("")
    for argv in (["batch", "m.jsonl", "-o", str(out), "--overwrite"], ["batch", "m.jsonl", f"--output={out}"],
                 ["batch", "m.jsonl", f"-o{out}", "--resume"]):
        hint = resume_hint(argv)
        assert hint is not None and hint.endswith(" --resume") and "--overwrite" not in hint
        assert hint.count("--resume") == 1
    assert resume_hint(["run", "-o", str(out)]) is None
