"""Glossaries: the file format, its errors, and exact renderings with every engine."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from summarize.backends.base import Translator
from summarize.cli import cli
from summarize.errors import ConfigError
from summarize.pipeline.translate import DocumentTranslator
from summarize.text.glossary import Glossary, GlossaryEntry

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None,
                                    reason="Apertium is not installed (sudo apt-get install apertium-eng-spa)")
SPANISH = ["El Centro de Confinamiento del Terrorismo es una megacárcel contra las pandillas.",
           "El secretario de Estado habló del acuerdo migratorio."]
ENGLISH = ["The Terrorism Confinement Center is a mega-prison for gangs.",
           "The Secretary of State praised the migration agreement."]


class Upper(Translator):
    """Upper-cases: keeps placeholders (they are upper case already)."""

    engine = "upper"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        self.batches.append(list(texts))
        return [t.upper() for t in texts]


class Scrambler(Upper):
    """Like a neural model that mangles what it does not know: placeholders do not survive."""

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        return [t.replace("QX", "Q X") for t in super().translate(texts, src, tgt)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_glossary_loads_and_applies_both_ways():
    glossary = Glossary.load(EXAMPLES / "glossary.tsv")
    assert len(glossary) == 10
    assert glossary.entries[0] == GlossaryEntry("Centro de Confinamiento del Terrorismo",
                                                "Terrorism Confinement Center", 2)
    es = [(s.text, s.output) for s in glossary.find(SPANISH[0], "es", "en")]
    assert es == [("Centro de Confinamiento del Terrorismo", "Terrorism Confinement Center"),
                  ("megacárcel", "mega-prison"), ("pandillas", "gangs")]
    en = [(s.text, s.output) for s in glossary.find(ENGLISH[1], "en", "es")]
    assert en == [("Secretary of State", "secretario de Estado"), ("migration agreement", "acuerdo migratorio")]


def test_matching_ignores_case_and_spacing_and_prefers_the_longest_term():
    glossary = Glossary.from_entries([("Estado", "State"), ("Departamento de Estado", "State Department")])
    found = glossary.find("el departamento  de\nestado y el Estado", "es", "en")
    assert [(s.text, s.output) for s in found] == [("departamento  de\nestado", "State Department"),
                                                   ("Estado", "State")]
    assert glossary.find("Estados Unidos", "es", "en") == []  # whole words only
    assert glossary.find("Estado", "es", "fr") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# comment\npandillas gangs\n", "line 2: expected two tab-separated terms, found one column"),
        ("pandillas\tgangs\textra\n", "line 1: expected two tab-separated terms, found 3 columns"),
        ("\n\npandillas\t \n", "line 3: expected two tab-separated terms, found an empty term"),
    ],
)
def test_malformed_lines_name_the_file_and_line(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as info:
        Glossary.load(path)
    assert str(info.value) == (f"{path}, {message}\n"
                               "Each line holds a Spanish term, a tab, and its English rendering; "
                               "'#' starts a comment.")
    assert info.value.exit_code == 2


def test_a_term_with_two_renderings_is_an_error(tmp_path):
    path = write(tmp_path, "pandillas\tgangs\n# again\npandillas\tstreet gangs\n")
    with pytest.raises(ConfigError, match=r"gives 'pandillas' two renderings \(lines 1 and 3\): 'gangs' and 'street gangs'"):
        Glossary.load(path)


def test_missing_file_comments_blank_lines_and_bom(tmp_path):
    with pytest.raises(ConfigError, match="glossary file .*nope.tsv does not exist"):
        Glossary.load(tmp_path / "nope.tsv")
    path = tmp_path / "g.tsv"
    path.write_bytes("\ufeff# Spanish\tEnglish\n\npandillas\tgangs\r\n".encode())
    assert Glossary.load(path).entries == (GlossaryEntry("pandillas", "gangs", 3),)


def test_terms_reach_the_output_through_placeholders():
    engine = Upper()
    glossary = Glossary.load(EXAMPLES / "glossary.tsv")
    [[first, second]] = DocumentTranslator(engine, glossary=glossary).translate([SPANISH], "es", "en")
    assert first == "EL Terrorism Confinement Center ES UNA mega-prison CONTRA LAS gangs."
    assert second == "EL Secretary of State HABLÓ DEL migration agreement."
    assert len(engine.batches) == 1 and "QX0Z" in engine.batches[0][0]


def test_when_placeholders_are_lost_the_sentence_is_translated_around_the_terms():
    engine = Scrambler()
    warnings: list[str] = []
    glossary = Glossary.load(EXAMPLES / "glossary.tsv")
    [[first, second]] = DocumentTranslator(engine, glossary=glossary).translate([SPANISH], "es", "en",
                                                                              warnings=warnings)
    assert first == "EL Terrorism Confinement Center ES UNA mega-prison CONTRA LAS gangs."
    assert second == "EL Secretary of State HABLÓ DEL migration agreement."
    assert engine.batches[1] == ["El", "es una", "contra las", "habló del"]  # one more call, for all pieces
    assert warnings == [("2 sentence(s) were translated in pieces around glossary terms, because the engine "
                         "did not keep the term placeholders")]


@needs_apertium
def test_apertium_writes_the_terms_exactly_both_ways():
    from summarize.backends.apertium import ApertiumTranslator
    from summarize.config import RuntimeConfig, TranslateConfig

    engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig())
    glossary = Glossary.load(EXAMPLES / "glossary.tsv")
    translator = DocumentTranslator(engine, glossary=glossary)
    warnings: list[str] = []
    assert translator.translate([SPANISH], "es", "en", warnings=warnings) == [[
        "The Terrorism Confinement Center is a mega-prison against the gangs.",
        "The Secretary of State spoke of the migration agreement.",
    ]]
    assert translator.translate([ENGLISH], "en", "es", warnings=warnings) == [[
        "El Centro de Confinamiento del Terrorismo es un megacárcel para pandillas.",
        "El secretario de Estado alabó el acuerdo migratorio.",
    ]]
    assert warnings == []  # the placeholders came through


def test_the_tiny_marian_model_writes_the_terms_exactly(tiny_preset):
    from summarize.backends.marian import MarianTranslator
    from summarize.config import RuntimeConfig, load_config

    engine = MarianTranslator(load_config(str(tiny_preset)).translate, RuntimeConfig(device="cpu"))
    glossary = Glossary.load(EXAMPLES / "glossary.tsv")
    [[first, second]] = DocumentTranslator(engine, glossary=glossary).translate([SPANISH], "es", "en")
    for term in ("Terrorism Confinement Center", "mega-prison", "gangs"):
        assert term in first
    assert "Secretary of State" in second and "migration agreement" in second
    [[back]] = DocumentTranslator(engine, glossary=glossary).translate([[ENGLISH[1]]], "en", "es")
    assert "secretario de Estado" in back and "acuerdo migratorio" in back


def test_cli_translate_and_run_take_a_glossary(tmp_path, tiny_preset):
    runner = CliRunner()
    glossary = write(tmp_path, "pandillas\tstreet gangs\nlas cárceles\tthe jails\n")
    text = "El gobierno vigila las cárceles. Las pandillas perdieron poder en el país."
    result = runner.invoke(cli, ["translate", "-", "--pipeline", str(tiny_preset), "--glossary", str(glossary),
                                 "--source-lang", "es", "-q", "-f", "json"], input=text)
    assert result.exit_code == 0, result.output
    translated = json.loads(result.stdout)["translation"]["text"]
    assert "street gangs" in translated and "the jails" in translated
    result = runner.invoke(cli, ["run", "-", "--pipeline", str(tiny_preset), "--glossary", str(glossary),
                                 "--source-lang", "es", "-q", "-f", "json", "--sentences", "1"], input=text)
    assert result.exit_code == 0, result.output
    assert "street gangs" in json.loads(result.stdout)["translation"]["text"]


@needs_apertium
def test_cli_translate_with_apertium_and_a_glossary_exact_output(tmp_path):
    preset = tmp_path / "apertium.toml"
    preset.write_text('[translate]\nengine = "apertium"\n', encoding="utf-8")
    glossary = write(tmp_path, "pandillas\tstreet gangs\n")
    result = CliRunner().invoke(cli, ["translate", "-", "--pipeline", str(preset), "--glossary", str(glossary),
                                      "--source-lang", "es", "-q"],
                                input="Marco Rubio habló de las pandillas en El Salvador.\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Source: <stdin> | Language: es\n\nTranslation (en)\n"
                             "Marco Rubio spoke of the street gangs in El Salvador.\n\n"
                             "Low-confidence sentences: 0 of 1 (translation 0, summary 0; known-word share below 0.93)\n")


def test_cli_glossary_errors_are_clean(tmp_path, tiny_preset):
    runner = CliRunner()
    result = runner.invoke(cli, ["translate", "-", "--pipeline", str(tiny_preset), "--glossary",
                                 str(tmp_path / "missing.tsv"), "-q"], input="Hola.")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: glossary file {tmp_path / 'missing.tsv'} does not exist\n"
                             "Check the path given to --glossary (or SUMMARIZE_GLOSSARY); see examples/glossary.tsv "
                             "for the format.\n")
    bad = write(tmp_path, "solo una columna\n")
    result = runner.invoke(cli, ["translate", "-", "--pipeline", str(tiny_preset), "--glossary", str(bad), "-q"],
                           input="Hola.")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}, line 1: expected two tab-separated terms, found one column\n")
