"""`summarize eval translate` and the scoring library, on small files written here."""

from __future__ import annotations

import json
import shutil

import pytest
import sacrebleu
from click.testing import CliRunner

from summarize.cli import cli
from summarize.errors import InputError
from summarize.evaluate import read_lines, translation_scores

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None,
                                    reason="Apertium is not installed (sudo apt-get install apertium-eng-spa)")
SOURCE = "La casa es roja.\nVeo 3 casas.\nEl perro come.\n"
EXACT = "The house is red.\nI see 3 houses.\nThe dog eats.\n"  # what Apertium writes
LOOSE = "The house is red.\nI can see three houses.\nThe dog is eating.\n"


@pytest.fixture()
def files(tmp_path):
    paths = {}
    for name, text in (("src.es", SOURCE), ("exact.en", EXACT), ("loose.en", LOOSE), ("short.en", "One line.\n")):
        paths[name] = tmp_path / name
        paths[name].write_text(text, encoding="utf-8")
    preset = tmp_path / "apertium.toml"
    preset.write_text('[translate]\nengine = "apertium"\n', encoding="utf-8")
    paths["preset"] = preset
    return paths


def test_scores_are_sacrebleu_corpus_bleu_and_chrf():
    hyps = ["The house is red.", "I see three houses."]
    refs = ["The house is red.", "I can see three houses."]
    scores = translation_scores(hyps, refs)
    assert scores.bleu == round(sacrebleu.corpus_bleu(hyps, [refs]).score, 2)
    assert scores.chrf == round(sacrebleu.corpus_chrf(hyps, [refs]).score, 2)
    assert translation_scores(refs, refs).bleu == 100.0
    with pytest.raises(InputError, match="2 translations but 1 references"):
        translation_scores(hyps, refs[:1])


def test_read_lines(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("uno\r\n\ndos\n", encoding="utf-8")
    assert read_lines(path) == ["uno", "", "dos"]
    assert read_lines(path, limit=1) == ["uno"]
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "missing.txt")


@needs_apertium
def test_eval_translate_text_output(files):
    from summarize.backends.apertium import ApertiumTranslator
    from summarize.config import RuntimeConfig, TranslateConfig

    model = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig()).describe("es-en")["model"]
    runner = CliRunner()
    args = ["eval", "translate", "--src", str(files["src.es"]), "--direction", "es-en", "-p", str(files["preset"]), "-q"]
    result = runner.invoke(cli, [*args, "--ref", str(files["exact.en"])])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"es-en, 3 sentences, apertium ({model})\nBLEU 100.00\nchrF 100.00\n"
    result = runner.invoke(cli, [*args, "--ref", str(files["loose.en"])])
    expected = translation_scores(EXACT.splitlines(), LOOSE.splitlines())
    assert result.stdout.splitlines()[1:] == [f"BLEU {expected.bleu:.2f}", f"chrF {expected.chrf:.2f}"]


@needs_apertium
def test_eval_translate_json_output_and_limit(files):
    result = CliRunner().invoke(cli, ["eval", "translate", "--src", str(files["src.es"]), "--ref", str(files["exact.en"]),
                                      "--direction", "es-en", "-p", str(files["preset"]), "-q", "-f", "json",
                                      "--limit", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["bleu"] == 100.0 and data["chrf"] == 100.0 and data["sentences"] == 2
    assert data["direction"] == "es-en" and data["pipeline"] == "apertium"
    assert data["engine"]["engine"] == "apertium"


def test_eval_translate_with_a_neural_pipeline(files, tiny_preset):
    result = CliRunner().invoke(cli, ["eval", "translate", "--src", str(files["src.es"]), "--ref", str(files["loose.en"]),
                                      "--direction", "es-en", "-p", str(tiny_preset), "-q", "-f", "json",
                                      "--device", "cpu"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"]["engine"] == "marian" and 0 <= data["bleu"] <= 100 and data["sentences"] == 3


def test_eval_translate_rejects_misaligned_files(files, tiny_preset):
    result = CliRunner().invoke(cli, ["eval", "translate", "--src", str(files["src.es"]), "--ref", str(files["short.en"]),
                                      "--direction", "es-en", "-p", str(tiny_preset), "-q"])
    assert result.exit_code == 3
    assert result.stderr == ("Error: the source has 3 lines but the reference has 1\n"
                             "Source and reference must be line-aligned.\n")


def test_eval_translate_writes_what_it_scored_and_says_the_engines_warnings(files, tiny_preset, tmp_path):
    out = tmp_path / "scored.jsonl"
    result = CliRunner().invoke(cli, ["eval", "translate", "--src", str(files["src.es"]), "--ref", str(files["loose.en"]),
                                      "--direction", "es-en", "-p", str(tiny_preset), "-f", "json", "--device", "cpu",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert [r["source"] for r in rows] == files["src.es"].read_text(encoding="utf-8").splitlines()
    assert [r["reference"] for r in rows] == files["loose.en"].read_text(encoding="utf-8").splitlines()
    assert all(isinstance(r["translation"], str) for r in rows)
    for warning in data["warnings"]:  # random weights loop: the repetition guard's notice, if any
        assert f"warning: {warning}" in result.stderr
