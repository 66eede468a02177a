"""Metrics (ROUGE with a Unicode tokenizer, BLEU/chrF) and the ``eval summarize`` command."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from summarize.backends.base import LengthSpec
from summarize.backends.extractive import ExtractiveSummarizer
from summarize.cli import cli
from summarize.errors import EngineUnavailableError, InputError
from summarize.evaluate import (
    SummaryExample,
    UnicodeTokenizer,
    evaluate_summarizer,
    read_summary_data,
    rouge_scores,
    translation_scores,
)

# two records whose extractive one-sentence summaries are their first sentences (a two-sentence
# article's graph is symmetric, so the position prior decides); scores worked out by hand below
RECORDS = [
    {"text": "Bukele ofreció la cárcel a Estados Unidos. Además, la cárcel abrió en 2023.",
     "summary": "Bukele ofreció la cárcel a Estados Unidos."},
    {"text": "Rubio met Bukele for three hours. The prison holds gang members.",
     "summary": "Rubio met Bukele on Monday.", "lang": "en"},
]
# record 1: identical, 100 each. Record 2: hypothesis "rubio met bukele for three hours" (6 tokens),
# reference "rubio met bukele on monday" (5): 3 shared unigrams, F1 = 2*(3/6)*(3/5)/(3/6+3/5) = 6/11;
# 2 shared bigrams of 5 and 4, F1 = 2*(2/5)*(2/4)/(2/5+2/4) = 4/9; the LCS is the 3 shared words.
EXPECTED = {"rouge1": (100 + 600 / 11) / 2, "rouge2": (100 + 400 / 9) / 2, "rougeL": (100 + 600 / 11) / 2}


def test_unicode_tokenizer_keeps_accented_words_whole():
    assert UnicodeTokenizer().tokenize("Además, la CÁRCEL abrió en 2023.") == [
        "además", "la", "cárcel", "abrió", "en", "2023"]
    # a decomposed "é" (e + combining accent) is composed first, so it matches the precomposed one
    assert UnicodeTokenizer().tokenize("cafe\u0301") == ["café"]


def test_rouge_on_accented_spanish_matches_a_hand_computed_value():
    hypothesis = "Además, la cárcel abrió en Tecoluca."
    reference = "La cárcel abrió además en 2023."
    scores = rouge_scores([hypothesis], [reference])
    # 5 of 6 unigrams shared; bigrams "la cárcel", "cárcel abrió" of 5 each; LCS "la cárcel abrió en"
    assert scores["rouge1"] == pytest.approx(100 * 5 / 6)
    assert scores["rouge2"] == pytest.approx(100 * 2 / 5)
    assert scores["rougeL"] == pytest.approx(100 * 4 / 6)
    assert scores["count"] == 1


def test_rouge_averages_over_pairs():
    scores = rouge_scores(["la cárcel", "el presidente"], ["la cárcel", "la oferta"])
    assert scores["rouge1"] == pytest.approx(50.0)
    assert scores["count"] == 2


def test_translation_scores():
    same = translation_scores(["El Salvador ofreció su cárcel."], ["El Salvador ofreció su cárcel."])
    assert same.bleu == pytest.approx(100.0) and same.chrf == pytest.approx(100.0)
    other = translation_scores(["The Saviour offered its jail."], ["El Salvador offered its prison."])
    assert 0 < other.chrf < 100 and other.bleu < 100
    assert other.count == 1


def test_misaligned_or_empty_inputs_are_refused():
    # one evaluation module: bad data is an InputError everywhere (it was a ValueError here)
    with pytest.raises(InputError, match="2 hypotheses but 1 references"):
        rouge_scores(["a", "b"], ["a"])
    with pytest.raises(InputError, match="nothing to score"):
        translation_scores([], [])


def test_missing_metrics_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rouge_score.rouge_scorer", None)  # makes the import fail
    with pytest.raises(EngineUnavailableError, match="rouge-score") as info:
        rouge_scores(["a"], ["a"])
    assert "pip install 'summarize[eval]'" in str(info.value)


def test_evaluate_summarizer_groups_by_language():
    examples = [SummaryExample(r["text"], r["summary"], r.get("lang")) for r in RECORDS]
    evaluation = evaluate_summarizer(ExtractiveSummarizer(), examples, LengthSpec(sentences=1))
    assert evaluation.languages == {"en": 1, "es": 1}
    assert evaluation.rouge1 == pytest.approx(EXPECTED["rouge1"])
    assert evaluation.length == {"sentences": 1, "words": None}
    assert evaluation.engine["engine"] == "extractive"


@pytest.fixture()
def data_file(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture()
def extractive_preset(tmp_path):
    path = tmp_path / "extractive.toml"
    path.write_text('[summarize]\nengine = "extractive"\nstrategy = "source"\n', encoding="utf-8")
    return path


def test_read_summary_data(data_file, tmp_path):
    assert [e.lang for e in read_summary_data(data_file)] == [None, "en"]
    assert len(read_summary_data(data_file, limit=1)) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "summary": "b"}\n{"text": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: a record needs string fields 'text' and 'summary'"):
        read_summary_data(bad)
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1: not valid JSON"):
        read_summary_data(bad)


def test_cli_eval_summarize_text(data_file, extractive_preset):
    result = CliRunner().invoke(cli, ["eval", "summarize", "--data", str(data_file), "--pipeline",
                                      str(extractive_preset), "--sentences", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "articles: 2",
        "ROUGE-1: 77.27",
        "ROUGE-2: 72.22",
        "ROUGE-L: 77.27",
    ]


def test_cli_eval_summarize_json_with_limit_and_lang(data_file, extractive_preset):
    result = CliRunner().invoke(cli, ["eval", "summarize", "--data", str(data_file), "-p", str(extractive_preset),
                                      "--words", "10", "--lang", "es", "--limit", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == 1
    assert (data["rouge1"], data["rouge2"], data["rougeL"]) == (100.0, 100.0, 100.0)
    assert data["length"] == {"sentences": None, "words": 10}
    assert data["languages"] == {"es": 1}
    assert data["engine"]["engine"] == "extractive"
    assert data["pipeline"] == "extractive"


def test_cli_eval_summarize_bad_data_is_a_clean_error(tmp_path, extractive_preset):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"summary": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "summarize", "--data", str(bad), "-p", str(extractive_preset)])
    assert result.exit_code == InputError.exit_code
    assert "line 1: a record needs string fields 'text' and 'summary'" in result.stderr


def test_cli_eval_summarize_writes_what_it_scored(data_file, extractive_preset, tmp_path):
    out = tmp_path / "scored.jsonl"
    result = CliRunner().invoke(cli, ["eval", "summarize", "--data", str(data_file), "-p", str(extractive_preset),
                                      "--sentences", "1", "-q", "-o", str(out), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["lang"]) for r in rows] == [(1, "es"), (2, "en")]
    assert [r["reference"] for r in rows] == [r["summary"] for r in RECORDS]
    assert all(r["summary"] and r["text"] for r in rows)
