"""Broken model directories and devices that run out of memory."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import SHORT_ES

from summarize.backends.hf import run_halving_on_oom
from summarize.cli import cli
from summarize.errors import DeviceError


def _preset_with(tmp_path, tiny_preset, broken_dir):
    text = tiny_preset.read_text()
    es_en = text.split('"es-en" = "')[1].split('"')[0]
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(es_en, str(broken_dir)))
    return path, es_en


def test_missing_model_directory(tmp_path, tiny_preset):
    preset, _ = _preset_with(tmp_path, tiny_preset, tmp_path / "nowhere")
    result = CliRunner().invoke(cli, ["-", "-p", str(preset), "-q"], input=SHORT_ES)
    assert result.exit_code == 5
    assert result.stderr.startswith(f"Error: model directory {tmp_path / 'nowhere'} does not exist\n")


def test_corrupt_model_directory(tmp_path, tiny_preset):
    broken = tmp_path / "corrupt"
    preset, es_en = _preset_with(tmp_path, tiny_preset, broken)
    shutil.copytree(es_en, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    result = CliRunner().invoke(cli, ["-", "-p", str(preset), "-q"], input=SHORT_ES)
    assert result.exit_code == 5
    assert result.stderr.startswith("Error: cannot load model")
    assert "corrupt" in result.stderr


def test_out_of_memory_halves_the_batch_then_fails_cleanly():
    calls: list[int] = []

    def run(batch):
        calls.append(len(batch))
        if len(batch) > 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return [b.upper() for b in batch]

    assert run_halving_on_oom(run, list("abcdefgh")) == list("ABCDEFGH")
    assert calls[:3] == [8, 4, 2]

    def always(batch):
        raise RuntimeError("MPS backend out of memory")

    with pytest.raises(DeviceError, match="ran out of memory on a single input"):
        run_halving_on_oom(always, ["a", "b"])

    def bug(batch):
        raise RuntimeError("shape mismatch")

    with pytest.raises(RuntimeError, match="shape mismatch"):
        run_halving_on_oom(bug, ["a"])
