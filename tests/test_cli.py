"""The command line: exact output and exit codes (Click's runner), and a cheap --help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import SHORT_ES, SPANISH_EXAMPLE

from summarize.cli import cli

JSON_KEYS = {"source", "title", "source_lang", "text", "summaries", "translation", "engines", "warnings",
             "timings", "id", "content_hash", "meta", "duplicate_of", "story", "names", "name_finder", "removed",
             "confidence", "low_confidence"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_help_does_not_import_torch():
    code = "import sys; from summarize.cli import cli; sys.argv=['summarize','--help']\n" \
           "try:\n    cli()\nexcept SystemExit:\n    pass\n" \
           "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'heavy import'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Translate and summarize Spanish and English news articles." in done.stdout


def test_python_dash_m_works():
    done = subprocess.run([sys.executable, "-m", "summarize", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("summarize, version ")


def test_run_json_on_the_spanish_example(runner, tiny_preset):
    result = runner.invoke(cli, ["run", str(SPANISH_EXAMPLE), "--pipeline", str(tiny_preset), "--format", "json",
                                 "--sentences", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == JSON_KEYS
    assert data["source_lang"] == "es"
    assert data["summaries"]["en"] and data["summaries"]["es"]
    assert data["translation"]["lang"] == "en" and data["translation"]["text"]
    assert data["engines"]["translate"]["engine"] == "marian"
    assert isinstance(data["warnings"], list)
    assert "loading models" in result.stderr  # progress on stderr, never mixed into the data


def test_shortcut_and_stdin_and_markdown(runner, tiny_preset):
    result = runner.invoke(cli, [ "-", "--pipeline", str(tiny_preset), "-f", "markdown", "-q", "--sentences", "1"],
                           input=SHORT_ES)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "# <stdin>"
    assert lines[2] == "*Source:* <stdin> · *Language:* Español"
    assert lines[4:6] == ["| English | Español |", "|---|---|"]
    assert lines[6].startswith("| ") and lines[6].count(" | ") >= 1
    assert result.stderr == ""


def test_translate_command_text(runner, tiny_preset):
    result = runner.invoke(cli, ["translate", "-", "--to", "en", "--pipeline", str(tiny_preset), "-q"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Source: <stdin> | Language: es"
    assert lines[2] == "Translation (en)"
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == 4  # header, heading+first paragraph, second paragraph, confidence
    assert blocks[-1].startswith("Low-confidence sentences: ")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "missing.txt", "-q"], 3, ("Error: missing.txt: no such file\n"
                                           "Check the path, or give a URL or '-' for stdin.\n")),
        (["run", "x.txt", "--pipeline", "nope", "-q"], 2, "Error: unknown pipeline 'nope'\n"),
        (["run", "ftp://example.org/a", "-q"], 3, ("Error: ftp://example.org/a: only http and https URLs can be "
                                                   "fetched\nSave the page to a file instead.\n")),
    ],
)
def test_user_errors_have_clear_messages_and_exit_codes(runner, args, code, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_other_language_is_exit_4(runner, tiny_preset):
    result = runner.invoke(cli, ["-", "--pipeline", str(tiny_preset), "-q"],
                           input="Der Präsident traf sich gestern mit dem Außenminister in der Hauptstadt.")
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: <stdin>: detected language German (de, confidence 1.00); only Spanish and English are supported\n"
        "If the article really is Spanish or English, pass --source-lang es|en.\n"
    )


def test_missing_hub_model_names_model_and_remedy(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    result = runner.invoke(cli, ["-", "-q", "--device", "cpu", "--pipeline", "default"], input=SHORT_ES)
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: model Helsinki-NLP/opus-mt-en-es is not in the local cache and cannot be downloaded")
    assert "summarize models pull" in result.stderr


def test_models_list_shows_presets_cache_and_licence(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    result = runner.invoke(cli, ["models", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PRESET", "ROLE", "MODEL", "CACHED", "LICENCE"]
    assert ["default", "translate", "en-es", "Helsinki-NLP/opus-mt-en-es", "no", "Apache-2.0"] in [
        line.split() for line in lines]
    assert any(line.split()[:2] == ["instruct", "summarize"] and "Qwen/Qwen2.5-0.5B-Instruct" in line for line in lines)
    data = json.loads(runner.invoke(cli, ["models", "list", "-f", "json"]).stdout)
    assert {"preset", "role", "model", "cached", "licence", "kind"} == set(data[0])


def test_models_pull_offline_is_a_clear_error(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    result = runner.invoke(cli, ["models", "pull", "default"])
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: cannot download Helsinki-NLP/opus-mt-en-es")


def test_env_var_sets_pipeline_and_flag_wins(runner, tiny_preset, monkeypatch):
    monkeypatch.setenv("SUMMARIZE_PIPELINE", str(tiny_preset))
    monkeypatch.setenv("SUMMARIZE_DEVICE", "bogus")
    result = runner.invoke(cli, ["-", "-q"], input=SHORT_ES)
    assert result.exit_code == 2
    assert "device 'bogus'" in result.stderr
    result = runner.invoke(cli, ["-", "-q", "--device", "cpu", "--sentences", "1"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
