"""The public Python API and packaging."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import summarize
from summarize.render import render

ROOT = Path(__file__).resolve().parent.parent


def test_public_names_are_pinned():
    assert summarize.__all__ == [
        "BatchError", "ConfigError", "DeviceError", "Document", "EmptyDocumentError", "EngineUnavailableError",
        "FetchError", "InputError", "LanguageError", "ModelError", "ModelLoadError", "ModelNotAvailableError",
        "Pipeline", "PipelineConfig", "Result", "RuntimeConfig", "Source", "SummarizeConfig", "SummarizeError",
        "TranslateConfig", "Translation", "UnsupportedInputError", "__version__", "list_presets", "load_config", "summarize",
    ]
    for name in summarize.__all__:
        assert hasattr(summarize, name)


def test_every_error_has_an_exit_code_and_hint_slot():
    for name in summarize.__all__:
        obj = getattr(summarize, name)
        if isinstance(obj, type) and issubclass(obj, summarize.SummarizeError):
            assert obj.exit_code >= 1


def test_markdown_puts_summaries_side_by_side():
    result = summarize.Result(source="a.txt", source_lang="es", title="Título", text="x",
                              summaries={"en": "One | two.", "es": "Uno y\ndos."},
                              translation=summarize.Translation(lang="en", text="Text.", title="Title"))
    assert render([result], "markdown").splitlines() == [
        "# Título", "", "*Source:* a.txt · *Language:* Español", "",
        "| English | Español |", "|---|---|", "| One \\| two. | Uno y dos. |",
    ]
    assert render([result], "text", with_translation=True).splitlines()[-4:] == [
        "Translation (en)", "Title", "", "Text."]


def test_wheel_ships_presets_and_prompts(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", f"from hatchling.build import build_wheel; print(build_wheel({str(tmp_path)!r}))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    names = zipfile.ZipFile(tmp_path / done.stdout.strip().splitlines()[-1]).namelist()
    assert "summarize/pipelines/default.toml" in names
    assert "summarize/pipelines/instruct.toml" in names
    assert "summarize/prompts/summarize.es.txt" in names
    assert "summarize/py.typed" in names


def test_python_api_example_runs(tiny_preset):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # tiny models: threads only add contention
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "python_api.py"), "--pipeline", str(tiny_preset)],
                          capture_output=True, text=True, check=False, cwd=ROOT, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "English summary:" in done.stdout and "Resumen en español:" in done.stdout
