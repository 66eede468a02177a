"""A preset with a fallback switches engines when its models cannot be had, and says so."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import SHORT_ES

from summarize import Pipeline, Source
from summarize.cli import cli


@pytest.fixture()
def preset_with_fallback(tmp_path, tiny_preset, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    path = tmp_path / "neural.toml"
    path.write_text(f'name = "neural"\nfallback = "{tiny_preset}"\n[summarize]\nsentences = 1\n')
    return path


def test_falls_back_and_records_why(preset_with_fallback):
    pipeline = Pipeline.from_preset(str(preset_with_fallback))
    assert pipeline.requested == "neural"
    assert pipeline.config.name == "pipeline"  # the tiny preset's file stem
    [note] = pipeline.notes
    assert "because Helsinki-NLP/opus-mt-en-es is not cached and cannot be downloaded" in note
    [result] = pipeline.run([Source.from_text(SHORT_ES)])
    assert result.engines["pipeline"] == {"requested": "neural", "used": "pipeline"}
    assert note in result.warnings


def test_cli_says_which_pipeline_on_one_stderr_line(preset_with_fallback):
    result = CliRunner().invoke(cli, ["-", "--pipeline", str(preset_with_fallback), "--sentences", "1"], input=SHORT_ES)
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("summarize: using the 'pipeline' pipeline") and "summarize models pull" in first


def test_cached_models_mean_no_fallback(tmp_path, tiny_preset):
    path = tmp_path / "cached.toml"
    path.write_text(tiny_preset.read_text() + '\n')
    text = path.read_text().replace("[translate]", 'fallback = "default"\n[translate]', 1)
    path.write_text(text)
    pipeline = Pipeline.from_preset(str(path))
    assert pipeline.notes == [] and pipeline.config.name == "cached"


def test_default_auto_pipeline_works_with_no_downloads(tmp_path, monkeypatch):
    """The main job on the Spanish example, on a machine with no model cache and no hub."""
    from conftest import SPANISH_EXAMPLE

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    result = CliRunner().invoke(cli, [str(SPANISH_EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("summarize: using the 'offline' pipeline (No downloads: Apertium")
    import json

    data = json.loads(result.stdout)
    assert data["engines"]["pipeline"] == {"requested": "auto", "used": "offline"}
    assert data["engines"]["translate"]["engine"] == "apertium"
    assert data["engines"]["summarize"]["engine"] == "extractive"
    assert data["summaries"]["es"] and data["summaries"]["en"]
    assert "Nayib Bukele" in data["summaries"]["en"]
    assert any("offline" in w for w in data["warnings"])
