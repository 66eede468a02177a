"""A native engine that dies (SIGILL, SIGSEGV, abort, the OOM killer) costs one input, never the run.

The ``crashing`` engine (:mod:`summarize.testing.crashing`) summarizes like the extractive one but
sends its own process a signal on a marked input, as a llama.cpp build for another CPU does on a
real prompt. It declares ``native_code``, so the pipeline runs it in a worker process: the batch,
``--resume``, the Python API and ``summarize serve`` must all see one error record and go on.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ENGLISH_EXAMPLE, ROOT, SPANISH_EXAMPLE
from service_helpers import serving

from summarize import deadline as deadlines
from summarize.backends import make_summarizer
from summarize.backends.base import LengthSpec
from summarize.backends.isolated import IsolatedSummarizer
from summarize.backends.worker import CRASHES_BEFORE_PAUSE, ProcessWorker
from summarize.config import RuntimeConfig, SummarizeConfig
from summarize.errors import DeadlineError, EngineBrokenError, EngineCrashedError, ModelNotAvailableError
from summarize.registry import default_registry
from summarize.testing import crashing

DATA = ROOT / "tests" / "data" / "desk"
MARKER = crashing.DEFAULT_MARKER
ARTICLES = [SPANISH_EXAMPLE, ENGLISH_EXAMPLE, DATA / "darien-flight.en.txt", DATA / "oferta-bukele.es.txt",
            DATA / "rubio-visit.en.txt"]
CRASHING = 2  # the third input holds the marker


# the registry with the crashing engines: the CLI gets it as Click's obj, the API as registry=
REGISTRY = crashing.install(default_registry()).frozen()


def _preset(folder: Path, signal_name: str = "SIGILL", **options: object) -> Path:
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in options.items())
    path = folder / f"crash-{signal_name}.toml"
    path.write_text(f'name = "crash"\n[translate]\nengine = "apertium"\n[summarize]\nengine = "crashing"\n'
                    f'strategy = "source"\nwords = 40\nsignal = "{signal_name}"\n{extra}', encoding="utf-8")
    return path


def _inputs(folder: Path) -> list[str]:
    paths = []
    for i, article in enumerate(ARTICLES):
        text = article.read_text(encoding="utf-8")
        path = folder / f"a{i}.txt"
        path.write_text(text + (f"\n\n{MARKER} at the end.\n" if i == CRASHING else ""), encoding="utf-8")
        paths.append(str(path))
    return paths


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("signal_name", ["SIGILL", "SIGSEGV"])
def test_a_crash_in_a_batch_is_one_error_record_and_resume_does_not_redo_it(tmp_path, signal_name):
    from summarize.cli import cli

    inputs, out = _inputs(tmp_path), tmp_path / "out.jsonl"
    preset = str(_preset(tmp_path, signal_name))
    result = CliRunner().invoke(cli, obj=REGISTRY, args=["batch", *inputs, "-o", str(out), "-p", preset, "--no-cache", "-q"])
    assert result.exit_code == 8, result.output  # documented: finished, some inputs failed
    records = _records(out)
    assert len(records) == 5
    failed = [r for r in records if "error" in r]
    assert [r["id"] for r in failed] == [inputs[CRASHING]]
    error = failed[0]["error"]
    assert error["type"] == "EngineCrashedError"
    assert "crashing engine" in error["message"] and signal_name in error["message"]
    assert error["hint"]
    assert all(r["summaries"]["en"] and r["summaries"]["es"] for r in records if "error" not in r)

    before = out.read_bytes()
    again = CliRunner().invoke(cli, obj=REGISTRY, args=["batch", *inputs, "-o", str(out), "-p", preset, "--no-cache", "--resume"])
    assert again.exit_code == 8, again.output  # the earlier failure is kept, not redone
    assert "skipped 5 of 5" in again.output
    assert "crashed" not in again.output
    assert out.read_bytes() == before


def test_a_build_that_dies_on_every_input_stops_the_batch_with_the_remedy(tmp_path):
    from summarize.cli import cli

    inputs, out = _inputs(tmp_path), tmp_path / "out.jsonl"
    for path in inputs:  # every input crashes the engine, as a build for another CPU does
        Path(path).write_text(Path(path).read_text(encoding="utf-8") + f"\n\n{MARKER}.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, obj=REGISTRY, args=["batch", *inputs, "-o", str(out), "-p", str(_preset(tmp_path)), "--no-cache"])
    assert result.exit_code == 5, result.output  # the engine's failure, not the inputs': the run stops
    assert f"crashed on {CRASHES_BEFORE_PAUSE} inputs in a row" in result.output
    assert "summarize doctor" in result.output


def test_the_python_api_gives_the_crashing_input_its_error(tmp_path):
    from summarize import Pipeline

    inputs = _inputs(tmp_path)
    pipeline = Pipeline.from_preset(str(_preset(tmp_path, "SIGABRT")), registry=REGISTRY)
    outcomes = list(pipeline.map(inputs, batch_docs=5))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(outcomes) == 5 and len(errors) == 1
    assert isinstance(errors[0], EngineCrashedError) and errors[0].signal == "SIGABRT"
    assert errors[0].engine == "crashing"


def test_summarize_serve_answers_500_for_the_crash_and_keeps_serving(tmp_path):
    preset = _preset(tmp_path, "SIGSEGV")
    article = SPANISH_EXAMPLE.read_text(encoding="utf-8")
    with serving(tmp_path, preset=str(preset), module="summarize.testing.crashing") as server:
        crashed = server.client.post("/v1/summarize", json={"text": article + f"\n\n{MARKER}."})
        assert crashed.status_code == 500, crashed.text
        assert crashed.json()["error"]["type"] == "EngineCrashedError"
        assert "SIGSEGV" in crashed.json()["error"]["message"]
        fine = server.client.post("/v1/summarize", json={"text": article})
        assert fine.status_code == 200, fine.text
        assert fine.json()["summaries"]["en"]
        assert server.client.get("/v1/health").status_code == 200
        assert server.process.poll() is None


# the worker itself

def _summarizer(**options: object) -> IsolatedSummarizer:
    engine = make_summarizer(SummarizeConfig(engine="crashing", words=40, options=options), RuntimeConfig(),
                             registry=REGISTRY)
    assert isinstance(engine, IsolatedSummarizer)
    return engine


def test_an_engine_that_dies_on_every_input_is_paused_after_a_few():
    engine = _summarizer(signal="SIGKILL")
    for _ in range(CRASHES_BEFORE_PAUSE):
        with pytest.raises(EngineCrashedError, match="SIGKILL") as crashed:
            engine.summarize([f"Una frase. {MARKER}."], "es", LengthSpec(words=20))
        assert "out-of-memory" in crashed.value.hint
    start = time.monotonic()
    with pytest.raises(EngineBrokenError, match="not tried again"):
        engine.summarize(["Una frase sin nada raro. Otra frase más."], "es", LengthSpec(words=20))
    assert time.monotonic() - start < 1.0  # no new process, no reload


def test_a_crash_while_loading_says_so():
    engine = _summarizer(on_load=True)
    with pytest.raises(EngineCrashedError, match="while loading its model"):
        engine.load()


def test_the_worker_survives_a_crash_and_serves_the_next_input():
    engine = _summarizer(signal="SIGSEGV")
    with pytest.raises(EngineCrashedError):
        engine.summarize([f"Texto. {MARKER}."], "es", LengthSpec(words=20))
    warnings: list[str] = []
    text = "El presidente habló el lunes. La oferta es nueva. Rubio dijo que era histórica. Nadie lo esperaba."
    summary = engine.summarize_noted([text], "es", LengthSpec(words=12), warnings=warnings)
    assert summary[0].text
    assert engine.describe() == {"engine": "crashing", "model": "dies with SIGSEGV"}
    assert engine.options.signal == "SIGSEGV"  # the engine's own settings answer from here


def test_an_isolated_translator_forwards_every_method_and_its_flags():
    from summarize.backends import make_translator
    from summarize.backends.isolated import IsolatedTranslator
    from summarize.config import TranslateConfig

    engine = make_translator(TranslateConfig(engine="crashing", options={"signal": "SIGBUS"}), RuntimeConfig(),
                             registry=REGISTRY)
    assert isinstance(engine, IsolatedTranslator)
    assert engine.keeps_placeholders and engine.batch_invariant and engine.engine == "crashing"
    warnings: list[str] = []
    scored = engine.translate_scored(["Hola.", "Adiós."], "es", "en", warnings=warnings)
    assert [s.text for s in scored] == ["Hola.", "Adiós."] and scored[0].score is None
    assert warnings == ["copied 2 text(s) from es to en"]  # what the engine said in its process
    assert engine.placeholders("a QX0Z b", [object(), object()]) == ["QX1Z", "QX2Z"]
    assert engine.name_renderings(["Bukele"], "es", "en") == {}
    assert engine.describe("es-en") == {"engine": "crashing", "model": ""}
    with pytest.raises(EngineCrashedError, match="SIGBUS"):
        engine.translate([f"{MARKER}"], "es", "en")
    assert engine.translate(["otra vez"], "es", "en") == ["otra vez"]  # a new process
    assert engine.options.signal == "SIGBUS"  # the engine's settings answer from the unloaded copy here
    engine.close()


def _missing_model() -> object:
    raise ModelNotAvailableError("model x is missing", model="x", hint="Pull it.")


def test_an_error_of_the_engine_arrives_whole():
    worker = ProcessWorker(_missing_model, engine="broken")
    with pytest.raises(ModelNotAvailableError) as raised:
        worker.call("load")
    assert raised.value.hint == "Pull it." and raised.value.model == "x"
    worker.close()


def test_a_call_past_the_deadline_is_killed_and_is_a_deadline_error():
    worker = ProcessWorker(functools.partial(_Sleeper), engine="sleepy")
    start = time.monotonic()
    with deadlines.within(0.5, label="slow.txt"), pytest.raises(DeadlineError, match="slow.txt"):
        worker.call("sleep", 60)
    assert time.monotonic() - start < 30
    assert worker.call("sleep", 0) == "slept"  # a new process


class _Sleeper:
    def sleep(self, seconds: float) -> str:
        import signal

        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only a kill stops it
        time.sleep(seconds)
        return "slept"


def test_a_user_script_without_a_main_guard_runs_native_engines(tmp_path):
    # multiprocessing's spawn would re-run this script in the worker, and the worker would start
    # a worker of its own; a fresh interpreter does not
    script = tmp_path / "script.py"
    script.write_text(
        "from summarize.testing import crashing\n"
        "from summarize.registry import default_registry\n"
        "reg = crashing.install(default_registry())\n"
        "from summarize.backends import make_summarizer\n"
        "from summarize.backends.base import LengthSpec\n"
        "from summarize.config import RuntimeConfig, SummarizeConfig\n"
        "engine = make_summarizer(SummarizeConfig(engine='crashing', words=20), RuntimeConfig(), registry=reg)\n"
        "text = 'El presidente habló el lunes. La oferta es nueva. Rubio dijo que era histórica.'\n"
        "print('summary:', engine.summarize([text], 'es', LengthSpec(words=10))[0])\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("summary:") == 1


# summarize doctor's llama.cpp check (the real build is tried in test_real_model.py)

def _fake_llama(monkeypatch, system: str, then: str = "") -> None:
    from summarize.backends import llamacpp_check

    child = f"import json, os, signal\nprint(json.dumps({{'system': {system!r}}}), flush=True)\n{then}\n"
    monkeypatch.setattr(llamacpp_check, "_CHILD", child)


def test_the_llama_check_names_build_features_this_cpu_refuses(monkeypatch):
    from summarize.backends import llamacpp_check

    _fake_llama(monkeypatch, "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | OPENMP = 1 | ")
    monkeypatch.setattr(llamacpp_check, "cpu_features", lambda: {"SSE3", "AVX", "AVX2"})
    found = llamacpp_check.check_llamacpp()
    assert found.build == ("SSE3", "AVX", "AVX2", "AVX512", "AMX_INT8")
    assert found.refused == ("AVX512", "AMX_INT8")
    assert found.completion == "not run" and not found.ok


def test_the_llama_check_survives_a_build_that_dies_and_says_how(monkeypatch):
    from summarize.backends import llamacpp_check

    _fake_llama(monkeypatch, "CPU : AVX = 1 | ", "signal.signal(signal.SIGILL, signal.SIG_DFL)\n"
                                                 "os.kill(os.getpid(), signal.SIGILL)")
    found = llamacpp_check.check_llamacpp("model.gguf")
    assert found.completion == "crashed with SIGILL (illegal instruction)" and not found.ok


def test_doctor_shows_the_llama_check_with_the_portable_rebuild(monkeypatch):
    from summarize import doctor
    from summarize.backends import llamacpp_check

    _fake_llama(monkeypatch, "CPU : AVX = 1 | AMX_INT8 = 1 | ", "os.kill(os.getpid(), signal.SIGILL)")
    monkeypatch.setattr(llamacpp_check, "cpu_features", lambda: {"AVX"})
    check = doctor._llamacpp_cpu("model.gguf")
    assert not check.ok
    assert check.detail == ("built for AVX AMX_INT8; this CPU refuses AMX_INT8; two-token completion with model.gguf: "
                            "crashed with SIGILL (illegal instruction)")
    assert "-DGGML_NATIVE=OFF" in check.remedy


def test_cpu_features_are_read_from_this_machine():
    from summarize.backends.llamacpp_check import cpu_features

    features = cpu_features()
    if features is None:
        pytest.skip("not x86-64 Linux")
    assert "SSE3" in features  # every x86-64 CPU these machines have had
