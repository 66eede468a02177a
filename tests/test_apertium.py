"""The Apertium engine with the real system package (CI installs apertium-eng-spa).

Tests that need Apertium are skipped, with the reason, only where the ``apertium`` command is
missing; the error paths run everywhere, against small stand-in scripts.
"""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from conftest import SHORT_ES

from summarize.backends import make_translator
from summarize.backends.apertium import CARRIERS, PERSON_CARRIERS, ApertiumTranslator
from summarize.config import RuntimeConfig, TranslateConfig
from summarize.errors import EngineCrashedError, EngineUnavailableError

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None,
    reason="Apertium is not installed (sudo apt-get install apertium-eng-spa); .ci/run installs it",
)
CONFIG = TranslateConfig(engine="apertium")


@pytest.fixture(scope="module")
def engine() -> ApertiumTranslator:
    from summarize.text.langid import LanguageIdentifier

    return ApertiumTranslator(CONFIG, RuntimeConfig(), langid=LanguageIdentifier())


def fake_apertium(tmp_path: Path, body: str) -> str:
    """A stand-in ``apertium`` command: a Python script answering ``-l`` and translating stdin."""
    script = tmp_path / "apertium"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n"
                      "if sys.argv[1:] == ['-l']:\n    print('  eng-spa\\n  spa-eng')\n    sys.exit(0)\n"
                      "text = sys.stdin.read()\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@needs_apertium
def test_made_from_the_config_and_described_with_its_version(engine):
    assert isinstance(make_translator(CONFIG, RuntimeConfig()), ApertiumTranslator)
    described = engine.describe("es-en")
    assert described["engine"] == "apertium"
    assert re.fullmatch(r"apertium-eng-spa( \d+(\.\d+)+)?", described["model"])


@needs_apertium
def test_many_sentences_go_through_one_process_in_order():
    engine = ApertiumTranslator(CONFIG, RuntimeConfig())
    texts = [f"Veo {n} casas." for n in range(60)]
    out = engine.translate(texts, "es", "en")
    assert engine.calls == 1
    assert out == [f"I see {n} houses." for n in range(60)]


# "known" has an ambiguity class Apertium's English tagger model lacks; looking for a similar one
# alters the model for the rest of the process, and "citizens included" then reads as a participle
UNSETTLING = "The mayor is well known in the city."
AFFECTED = "The city had offered to hold convicted criminals from abroad, citizens included, in its prison."


@needs_apertium
def test_a_segment_translates_as_it_would_alone_whatever_comes_before_it(engine):
    alone = engine.translate([AFFECTED], "en", "es")
    assert engine.translate([UNSETTLING, AFFECTED, "The dog barked."], "en", "es")[1] == alone[0]
    assert engine.translate(["The dog barked.", UNSETTLING, "It is known.", AFFECTED], "en", "es")[3] == alone[0]


@needs_apertium
def test_the_tagger_probe_finds_the_segments_that_alter_the_tagger():
    from summarize.backends.apertium.engine import run_killable
    from summarize.backends.apertium.lexicon import find_mode_file
    from summarize.backends.apertium.tagger import calls_for, find_tagger

    mode_file = find_mode_file(shutil.which("apertium") or "", "eng-spa")
    probe = find_tagger(mode_file) if mode_file else None
    assert probe is not None
    found = probe.unsettling(["The dog barked.", UNSETTLING, "The cat was asleep."],
                             lambda command, text: run_killable(command, text, 30))
    assert found == {1}
    assert calls_for(3, found) == [[0, 2, 1]]


def test_no_segment_follows_one_that_alters_the_tagger_in_its_call():
    from summarize.backends.apertium.tagger import calls_for

    assert calls_for(4, {0, 2}) == [[1, 3, 0], [2]]
    assert calls_for(2, set()) == [[0, 1]]
    assert calls_for(2, {0, 1}) == [[0], [1]]
    assert calls_for(0, set()) == []


def test_the_probe_is_read_from_the_mode_file_and_absent_without_a_tagger(tmp_path):
    from summarize.backends.apertium.tagger import find_tagger

    for name in ("x.automorf.bin", "x.prob"):
        (tmp_path / name).write_bytes(b"")
    mode = tmp_path / "spa-eng.mode"
    mode.write_text(f"lt-proc '{tmp_path}/x.automorf.bin' | apertium-tagger -g $2 '{tmp_path}/x.prob' | "
                    "apertium-pretransfer\n", encoding="utf-8")
    probe = find_tagger(mode)
    assert probe is not None and probe.analyser == tmp_path / "x.automorf.bin" and probe.model == tmp_path / "x.prob"
    mode.write_text(f"lt-proc '{tmp_path}/x.automorf.bin' | cg-proc rules.bin | apertium-pretransfer\n",
                    encoding="utf-8")
    assert find_tagger(mode) is None
    assert find_tagger(tmp_path / "missing.mode") is None


@needs_apertium
def test_blank_segments_come_back_as_they_were(engine):
    assert engine.translate(["", "La casa es roja.", "   "], "es", "en") == ["", "The house is red.", "   "]
    assert engine.translate([], "es", "en") == []


@needs_apertium
def test_spanish_names_acronyms_numbers_and_urls_survive(engine):
    texts = [
        "El presidente Nayib Bukele habló con Marco Rubio en El Salvador.",
        "La cárcel CECOT tiene capacidad para 40.000 presos de la MS-13 y del Barrio 18.",
        # each text on its own: a lone surname is kept through the document's names (tests/test_names.py)
        "Marco Rubio dijo que la inflación bajó al 1,8 % en mayo.",
        "Más información en https://example.org/cecot-2023 o en prensa@example.org, según @PresidenciaSV.",
        "El Salvador es un país pequeño.",
    ]
    assert engine.translate(texts, "es", "en") == [
        "The president Nayib Bukele spoke with Marco Rubio in El Salvador.",
        "The prison CECOT has capacity for 40,000 prisoners of the MS-13 and of the Barrio 18.",
        "Marco Rubio said that the inflation went down to 1.8% in May.",
        "More information in https://example.org/cecot-2023 or in prensa@example.org, according to @PresidenciaSV.",
        "El Salvador is a small country.",
    ]


@needs_apertium
def test_without_protection_apertium_mangles_the_names():
    raw = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False)
    [out] = raw.translate(["El presidente habló con Marco Rubio en El Salvador."], "es", "en")
    assert "Blond Frame" in out and "The Saviour" in out


@needs_apertium
def test_english_names_acronyms_and_numbers_survive(engine):
    texts = [
        "The CECOT prison holds 40,000 inmates from MS-13 and Barrio 18, 1.8% of them foreigners.",
        "Elon Musk called it a great idea, and Donald Trump agreed.",
        "Rubio said the deal was unprecedented.",
    ]
    assert engine.translate(texts, "en", "es") == [
        "La prisión de CECOT aguanta 40.000 inmates de MS-13 y Barrio 18, 1,8 % de ellos extranjeros.",
        "Elon Musk lo llamó una idea suma, y Donald Trump acordado.",
        "Rubio dijo que el trato era sin precedentes.",
    ]


@needs_apertium
def test_a_quote_in_the_target_language_is_kept(engine):
    quote = '"We are offering the United States the chance to outsource part of its prison system"'
    [out] = engine.translate([f"{quote}, escribió Bukele."], "es", "en")
    assert out == '"We are offering the United States the chance to outsource part of its prison system", wrote Bukele.'


@needs_apertium
def test_ordinary_capitalized_words_still_translate(engine):
    out = engine.translate(["El lunes la Policía detuvo a 12 personas en Estados Unidos.", "La casa es roja."],
                           "es", "en")
    assert out == ["The Monday the Police detained to 12 people in United States.", "The house is red."]
    [english] = engine.translate(["On Monday the President visited the United States."], "en", "es")
    assert english.startswith("El lunes") and "Estados Unidos" in english


@needs_apertium
@pytest.mark.parametrize("direction", ["es-en", "en-es"])
def test_every_carrier_comes_through_unchanged(direction):
    src, tgt = direction.split("-")
    frames = {"es": ["{} dijo que vendrá.", "Habló con {} ayer.", "La oferta de {} es buena."],
              "en": ["{} said he would come.", "He spoke with {} yesterday.", "The {} prison is large."]}[src]
    raw = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False)
    carriers = [c for c in CARRIERS + PERSON_CARRIERS for _ in frames]
    out = raw.translate([frame.format(c) for c in CARRIERS + PERSON_CARRIERS for frame in frames], src, tgt)
    assert [len(re.findall(rf"\b{c}\b", o)) for c, o in zip(carriers, out, strict=True)] == [1] * len(out)


@needs_apertium
def test_the_pipeline_translates_with_apertium():
    from summarize import Pipeline, Source
    from summarize.config import config_from_dict

    pipeline = Pipeline(config_from_dict({"translate": {"engine": "apertium"}}))
    [result] = pipeline.translate([Source.from_text(SHORT_ES)], source_lang="es")
    assert result.engines["translate"]["engine"] == "apertium"
    text = result.translation.text
    assert "Marco Rubio" in text and "CECOT" in text and "40,000" in text and "Blond" not in text
    assert text.count("\n\n") == 1  # two paragraphs in, two out


def test_missing_binary_is_a_clear_error_with_the_install_command():
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), binary="no-such-apertium-command")
    with pytest.raises(EngineUnavailableError) as info:
        engine.translate(["Hola."], "es", "en")
    assert info.value.exit_code == 5
    assert str(info.value) == (
        "Apertium is not installed (no 'no-such-apertium-command' command found)\n"
        "Install it with: sudo apt-get install apertium-eng-spa (Debian/Ubuntu), "
        "or choose a pipeline with another translation engine."
    )


def test_missing_language_pair_is_a_clear_error(tmp_path):
    script = tmp_path / "apertium"
    script.write_text(f"#!{sys.executable}\nprint('  eng-cat')\n", encoding="utf-8")
    script.chmod(0o755)
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), binary=str(script))
    with pytest.raises(EngineUnavailableError, match=r"no spa-eng translator installed\n.*apt-get install apertium-eng-spa"):
        engine.translate(["Hola."], "es", "en")


def test_a_hung_apertium_times_out(tmp_path, monkeypatch):
    import summarize.backends.apertium.engine as module

    monkeypatch.setattr(module, "TIMEOUT_BASE_S", 0.5)
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False,
                                binary=fake_apertium(tmp_path, "time.sleep(30)\n"))
    with pytest.raises(EngineUnavailableError, match="did not finish within 1 s"):
        engine.translate(["Hola."], "es", "en")


def test_a_failing_apertium_reports_its_error(tmp_path):
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False,
                                binary=fake_apertium(tmp_path, "sys.stderr.write('mode file broken\\n'); sys.exit(3)\n"))
    with pytest.raises(EngineUnavailableError, match="Apertium failed: mode file broken"):
        engine.translate(["Hola."], "es", "en")


@pytest.mark.parametrize("how", ["os.kill(os.getpid(), signal.SIGSEGV)", "sys.exit(128 + 11)"])
def test_an_apertium_killed_by_a_signal_is_that_inputs_error(tmp_path, how):
    # a program of its pipeline segfaults on this text: the run goes on (per_input), the signal is named;
    # a shell script reports its dead pipeline as 128 + the signal's number
    body = f"import os, signal\nsignal.signal(signal.SIGSEGV, signal.SIG_DFL)\n{how}\n"
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False, binary=fake_apertium(tmp_path, body))
    with pytest.raises(EngineCrashedError, match="apertium engine crashed with SIGSEGV") as info:
        engine.translate(["Hola."], "es", "en")
    assert info.value.per_input and info.value.signal == "SIGSEGV"


def test_a_placeholder_the_engine_alters_falls_back_to_a_plain_translation(tmp_path):
    # the stand-in glues a letter to every carrier it sees, as Apertium's compound rules sometimes do
    body = "import re\nsys.stdout.write(re.sub(r'(Madrid|Toledo|Orlando)', r'\\1x', text))\n"
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), binary=fake_apertium(tmp_path, body))
    warnings: list[str] = []
    out = engine.translate(["Ayer habló con Marco Rubio.", "Sin nombres aquí."], "es", "en", warnings=warnings)
    assert out == ["Ayer habló con Marco Rubio.", "Sin nombres aquí."]
    assert engine.calls == 2  # the batch, then the one sentence again without masks
    assert warnings == [("1 segment(s) were translated without name protection, because Apertium altered their "
                         "protected names")]


def test_a_segment_that_breaks_the_layout_is_isolated(tmp_path):
    # the stand-in upper-cases, and splits a segment holding SPLIT with a blank line
    body = "sys.stdout.write(text.upper().replace('SPLIT', 'SP\\n\\nLIT'))\n"
    engine = ApertiumTranslator(CONFIG, RuntimeConfig(), protect=False, binary=fake_apertium(tmp_path, body))
    out = engine.translate(["uno", "dos SPLIT tres", "cuatro", "cinco"], "es", "en")
    assert out == ["UNO", "DOS SP LIT TRES", "CUATRO", "CINCO"]
    assert engine.calls > 1  # one call, then halves until the culprit is alone
