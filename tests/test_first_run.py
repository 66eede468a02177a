"""A new user's first ten minutes: offline failures with the remedy, options anywhere, run -o and the
cache, one stderr line per stage, warnings, doctor, shell completion. Exact output and exit codes."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SHORT_ES, SPANISH_EXAMPLE

from summarize.cli import cli
from summarize.config import load_config
from summarize.document import Result
from summarize.render import render_markdown

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="needs the apertium-eng-spa package")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _refused_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once, as on a machine without network."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def no_hub(tmp_path, monkeypatch) -> tuple[str, Path]:
    """The hub is an endpoint that refuses connections, online mode, an empty model cache."""
    from huggingface_hub import constants

    endpoint = f"http://127.0.0.1:{_refused_port()}"
    hf_home = tmp_path / "hf"
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
    return endpoint, hf_home


def test_offline_default_fails_at_once_with_every_remedy(runner, no_hub):
    endpoint, hf_home = no_hub
    start = time.perf_counter()
    result = runner.invoke(cli, ["-p", "default", "-q", str(SPANISH_EXAMPLE)])
    elapsed = time.perf_counter() - start
    assert result.exit_code == 5
    assert result.stderr == (
        "Error: model Helsinki-NLP/opus-mt-en-es is not in the local cache and cannot be downloaded "
        f"({endpoint} cannot be reached: [Errno 111] Connection refused)\n"
        "On a machine with network access run\n"
        "  summarize models pull default\n"
        "then copy that machine's Hugging Face cache folder (~/.cache/huggingface unless HF_HOME says otherwise) "
        f"to {hf_home} here, or anywhere with HF_HOME set to it.\n"
        "Or use the engines that need no downloads: --pipeline offline\n"
    )
    assert result.stdout == ""
    assert elapsed < 3.0


def test_a_preset_file_is_named_by_its_path_in_the_pull_command(runner, no_hub, tmp_path):
    preset = tmp_path / "mine.toml"
    preset.write_text((ROOT / "pipelines" / "default.toml").read_text(encoding="utf-8").replace(
        'name = "default"', 'name = "mine"'), encoding="utf-8")
    result = runner.invoke(cli, ["run", "-", "-q", "-p", str(preset)], input=SHORT_ES)
    assert result.exit_code == 5
    assert f"\n  summarize models pull {preset}\n" in result.stderr


def test_models_pull_without_network_says_it_needs_network(runner, no_hub):
    endpoint, hf_home = no_hub
    result = runner.invoke(cli, ["models", "pull", "default"])
    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: cannot download Helsinki-NLP/opus-mt-en-es: {endpoint} cannot be reached: [Errno 111] Connection refused\n"
        "'summarize models pull' needs network access. Run it on a machine that has it, then copy that machine's "
        "Hugging Face cache folder (~/.cache/huggingface unless HF_HOME says otherwise) "
        f"to {hf_home} here, or anywhere with HF_HOME set to it; "
        "or use --pipeline offline, which needs no downloads.\n"
    )


def test_auto_names_its_own_pull_command_when_it_falls_back(no_hub):
    from summarize.models import choose_available

    chosen, reason = choose_available(load_config("auto"))
    assert chosen.name == "offline"
    assert reason == ("using the 'offline' pipeline (No downloads: Apertium rule-based translation and extractive "
                      "summaries) because Helsinki-NLP/opus-mt-en-es is not cached and cannot be downloaded; "
                      "run 'summarize models pull auto' to get the neural models")


@needs_apertium
def test_the_python_example_runs_on_a_fresh_offline_machine(tmp_path):
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "SUMMARIZE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "python_api.py")], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("note: using the 'offline' pipeline (No downloads: Apertium rule-based translation and "
                        "extractive summaries) because Helsinki-NLP/opus-mt-en-es is not cached and cannot be "
                        "downloaded; run 'summarize models pull auto' to get the neural models")
    assert lines[1] == "== Bukele ofrece el CECOT a Washington para encarcelar a reos enviados desde Estados Unidos [es]"
    assert lines[2].startswith("English summary: ") and lines[3].startswith("Resumen en español: ")
    assert lines[4] == "== inline-en [en]"
    assert done.stderr == ""


def test_options_before_the_subcommand(runner, tiny_preset):
    before = runner.invoke(cli, ["-q", "-p", str(tiny_preset), "translate", "-", "--to", "en"], input=SHORT_ES)
    after = runner.invoke(cli, ["translate", "-", "--to", "en", "-p", str(tiny_preset), "-q"], input=SHORT_ES)
    assert before.exit_code == 0, before.output
    assert before.stdout == after.stdout and before.stderr == after.stderr == ""
    shortcut = runner.invoke(cli, ["-q", "--device", "cpu", "-p", str(tiny_preset), "--sentences", "1", "-"],
                             input=SHORT_ES)
    assert shortcut.exit_code == 0, shortcut.output
    assert shortcut.stdout.startswith("Source: <stdin> | Language: es\n")


def test_an_option_after_the_subcommand_wins(runner, tiny_preset):
    result = runner.invoke(cli, ["-p", "nope", "run", "-", "-p", str(tiny_preset), "-q", "--sentences", "1"],
                           input=SHORT_ES)
    assert result.exit_code == 0, result.output


def test_run_writes_the_format_its_suffix_names(runner, tiny_preset, tmp_path):
    out = tmp_path / "result.json"
    result = runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "--sentences", "1", "--device", "cpu",
                                 "-o", str(out)], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"summarize: wrote {out}"
    assert json.loads(out.read_text(encoding="utf-8"))["source_lang"] == "es"
    markdown = tmp_path / "result.md"
    assert runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "-q", "-o", str(markdown)],
                         input=SHORT_ES).exit_code == 0
    assert markdown.read_text(encoding="utf-8").startswith("# <stdin>\n")
    forced = tmp_path / "forced.json"
    assert runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "-q", "-o", str(forced), "-f", "text"],
                         input=SHORT_ES).exit_code == 0
    assert forced.read_text(encoding="utf-8").startswith("Source: <stdin> | Language: es\n")


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("result.xyz", 2, ("Error: cannot tell the output format from the suffix '.xyz' of {out}\n"
                          "Pass -f/--format, or name the file with one of: .txt, .text, .md, .markdown, .json, "
                          ".jsonl, .ndjson.\n")),
        ("missing/result.json", 7, ("Error: cannot write {out}: No such file or directory\n"
                                   "Check that its folder exists and is writable.\n")),
    ],
)
def test_run_output_errors(runner, tiny_preset, tmp_path, name, code, message):
    out = tmp_path / name
    result = runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "-q", "-o", str(out)], input=SHORT_ES)
    assert result.exit_code == code
    assert result.stderr == message.format(out=out)
    assert not out.exists()


def test_run_uses_the_batch_cache_and_its_flags(runner, tiny_preset, tmp_path):
    from summarize.backends.cache import CACHE_FILE, TextCache

    args = ["run", "-", "-p", str(tiny_preset), "-q", "--sentences", "1", "-f", "json"]
    first = runner.invoke(cli, [*args, "--cache-dir", str(tmp_path / "c")], input=SHORT_ES)
    assert first.exit_code == 0, first.output
    stored = len(TextCache(tmp_path / "c"))
    assert stored > 0
    second = runner.invoke(cli, [*args, "--cache-dir", str(tmp_path / "c")], input=SHORT_ES)
    assert json.loads(second.stdout)["summaries"] == json.loads(first.stdout)["summaries"]
    assert len(TextCache(tmp_path / "c")) == stored  # everything came from the cache
    none = runner.invoke(cli, [*args, "--cache-dir", str(tmp_path / "n"), "--no-cache"], input=SHORT_ES)
    assert none.exit_code == 0
    assert not (tmp_path / "n" / CACHE_FILE).exists()


def test_one_line_per_stage_with_the_device_and_timings(runner, tiny_preset):
    config = load_config(str(tiny_preset))
    result = runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "--device", "cpu", "--sentences", "1", "-v",
                                 "--no-cache"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:6] == [
        f"summarize: pipeline {config.name!r}: marian translation, seq2seq summaries on cpu (float32); loading models",
        "summarize: reading stdin",
        "summarize: detected the language: es",
        f"summarize: translating 6 sentences es-en (marian, {config.translate.models['es-en']})",
        f"summarize: summarizing the article in en (seq2seq, {config.summarize.model})",
        "summarize: translating the summary en-es",
    ]
    assert re.fullmatch(r"summarize: <stdin>: took load \d+\.\d\d s, detect \d+\.\d\d s, names \d+\.\d\d s, translate \d+\.\d\d s, "
                        r"summarize \d+\.\d\d s, summary_translate \d+\.\d\d s", lines[-1])
    quiet = runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "-q", "-v", "--sentences", "1"], input=SHORT_ES)
    assert quiet.stderr == ""


def test_text_warnings_go_to_stderr(runner, tiny_preset):
    result = runner.invoke(cli, ["run", "-", "-p", str(tiny_preset), "--sentences", "20", "--device", "cpu"],
                           input=SHORT_ES)
    assert result.exit_code == 0, result.output
    warning = "the article is too short to summarize; its text is returned as the summary"
    assert f"warning: <stdin>: {warning}" in result.stderr.splitlines()
    assert warning not in result.stdout


def test_markdown_lists_warnings():
    result = Result(source="a.txt", source_lang="es", title="T", text="x", summaries={"en": "E", "es": "S"},
                    warnings=["first | one", "second"])
    assert render_markdown([result]).splitlines()[-5:] == ["", "**Warnings**", "", "- first \\| one", "- second"]


@needs_apertium
def test_a_device_no_engine_uses_is_a_warning(runner):
    result = runner.invoke(cli, ["--device", "cuda", "-p", "offline", "translate", "-", "--no-cache"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == [
        ("warning: --device cuda does not apply: the 'offline' pipeline's engines (apertium and extractive) run no "
        "model on a device; it is ignored"),
        "summarize: pipeline 'offline': apertium translation, extractive summaries; no models to load",
    ]


def test_doctor_json_says_what_runs_here(runner, monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    result = runner.invoke(cli, ["doctor", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"version", "checks", "devices", "auto", "models", "caches"}
    # llama.cpp, once installed, is also tried on this CPU (in a child process)
    llama = ["llama.cpp on this CPU"] if importlib.util.find_spec("llama_cpp") is not None else []
    assert [c["name"] for c in data["checks"]] == ["apertium", "torch", "transformers", "ctranslate2", "gpu",
                                                   "llama-cpp-python", *llama, "gguf", "openai server", "ray",
                                                   "fastapi", "sacrebleu", "rouge-score"]
    assert all(set(c) == {"name", "ok", "detail", "enables", "remedy"} for c in data["checks"])
    assert all(c["remedy"] for c in data["checks"] if not c["ok"])
    assert data["auto"] == {"uses": "offline", "why": (
        "using the 'offline' pipeline (No downloads: Apertium rule-based translation and extractive summaries) "
        "because Helsinki-NLP/opus-mt-en-es is not cached and cannot be downloaded; "
        "run 'summarize models pull auto' to get the neural models")}
    assert {"preset": "default", "role": "summarize (ctranslate2)", "model": "sshleifer/distilbart-cnn-12-6",
            "cached": False, "size_bytes": 0, "licence": "Apache-2.0", "kind": "hub"} in data["models"]
    assert data["caches"]["model cache"]["path"] == str(tmp_path / "hub")
    assert data["devices"]["torch"].startswith("auto -> ")


def test_doctor_text_sections(runner, monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("summarize ")
    headings = [line for line in lines if line and not line.startswith(" ")][1:]
    assert headings == ["Engines and libraries", "Devices", "The auto preset (the default)", "Models", "Caches"]
    assert "  uses 'offline' now: using the 'offline' pipeline" in result.stdout
    assert lines[lines.index("Models") + 1].split() == ["PRESET", "ROLE", "MODEL", "CACHED", "SIZE", "LICENCE"]


def test_doctor_says_whether_the_openai_server_is_set_without_asking_it(runner, monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("SUMMARIZE_OPENAI_BASE_URL", raising=False)
    unset = json.loads(runner.invoke(cli, ["doctor", "--format", "json"]).stdout)
    assert [c for c in unset["checks"] if c["name"] == "openai server"] == [{
        "name": "openai server", "ok": False, "detail": "SUMMARIZE_OPENAI_BASE_URL is not set",
        "enables": "the openai engines (an OpenAI-compatible server: vLLM, the llama.cpp server, Ollama)",
        "remedy": ("export SUMMARIZE_OPENAI_BASE_URL=http://localhost:8000/v1 (your server's API root), "
                   "or base_url in a preset")}]
    # a refused loopback port: the report must not depend on the server answering (it is not asked)
    monkeypatch.setenv("SUMMARIZE_OPENAI_BASE_URL", f"http://127.0.0.1:{_refused_port()}/v1")
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert re.search(r"  ok +openai server +SUMMARIZE_OPENAI_BASE_URL=http://127\.0\.0\.1:\d+/v1 \(not contacted\)",
                     result.stdout)


def _gguf_preset(tmp_path: Path, model: Path) -> Path:
    preset = tmp_path / "gguf.toml"
    preset.write_text(f'''name = "gguf"
[translate]
engine = "apertium"
[summarize]
engine = "llamacpp"
model = "{model}"
''', encoding="utf-8")
    return preset


def test_local_model_files_are_listed_with_whether_they_are_there(runner, tmp_path):
    model = tmp_path / "chat.gguf"
    preset = _gguf_preset(tmp_path, model)
    result = runner.invoke(cli, ["models", "list", str(preset), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"preset": "gguf", "role": "summarize (llamacpp)", "model": str(model),
                                          "cached": False, "licence": "local file (its own licence)", "kind": "file"}]
    pulled = runner.invoke(cli, ["models", "pull", str(preset)])
    assert pulled.exit_code == 5
    assert pulled.stderr.splitlines() == [
        f"Error: the 'gguf' preset reads local model files that are not there: {model}",
        ("These files are not downloaded by 'summarize models pull': put a GGUF file at that path, or copy the "
         "preset to a .toml file with the path of yours and pass it to --pipeline."),
    ]
    model.write_bytes(b"GGUF" + bytes(60))
    assert json.loads(runner.invoke(cli, ["models", "list", str(preset), "-f", "json"]).stdout)[0]["cached"] is True
    pulled = runner.invoke(cli, ["models", "pull", str(preset)])
    assert (pulled.exit_code, pulled.stdout) == (0, f"downloaded 0 model(s) for {preset}\n")


def test_shell_completion_is_clicks(tmp_path):
    env = {**os.environ, "_SUMMARIZE_COMPLETE": "bash_complete", "COMP_WORDS": "summarize doc", "COMP_CWORD": "1",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "summarize"], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,doctor"]
    env["_SUMMARIZE_COMPLETE"] = "bash_source"
    source = subprocess.run([sys.executable, "-m", "summarize"], capture_output=True, text=True, env=env, timeout=60,
                            check=False)
    assert "_summarize_completion()" in source.stdout


def test_the_python_api_fails_as_fast_with_the_same_remedy(no_hub):
    from summarize import Pipeline, Source
    from summarize.errors import ModelNotAvailableError

    endpoint, _ = no_hub
    pipeline = Pipeline.from_preset("default", device="cpu")
    start = time.perf_counter()
    with pytest.raises(ModelNotAvailableError) as caught:
        pipeline.run([Source.from_text(SHORT_ES)])
    assert time.perf_counter() - start < 3.0
    assert caught.value.model == "Helsinki-NLP/opus-mt-en-es"
    assert caught.value.message == ("model Helsinki-NLP/opus-mt-en-es is not in the local cache and cannot be "
                                    f"downloaded ({endpoint} cannot be reached: [Errno 111] Connection refused)")
    assert "  summarize models pull default\n" in caught.value.hint + "\n"
