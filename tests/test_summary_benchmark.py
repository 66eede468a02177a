"""The summary benchmark's margin over the best lead-k, the figure the default length is held to."""

from __future__ import annotations

import pytest

from benchmarks.summary_quality import DataSet, evaluate, margins, parse_lengths


def _scores(r1: float, r2: float, rl: float) -> dict[str, float]:
    return {"rouge1": r1, "rouge2": r2, "rougeL": rl, "count": 3}


def test_the_margin_is_taken_over_the_best_lead_k_by_rouge_l():
    rows = [
        ("Set", "extractive (this project)", "1 sentences", _scores(20.0, 5.0, 15.0), 30.0, 0.1),
        ("Set", "lead", "1 sentences", _scores(19.0, 6.0, 14.0), 25.0, 0.0),
        ("Set", "lead", "2 sentences", _scores(18.0, 4.0, 15.5), 50.0, 0.0),
        ("Set", "extractive (this project)", "60 words", _scores(21.0, 4.5, 17.0), 41.5, 0.1),
        # the lead within the budget is no lead-k: it is never the baseline
        ("Set", "lead", "60 words", _scores(30.0, 9.0, 25.0), 47.0, 0.0),
    ]
    assert margins(rows) == ("Set: extractive at 60 words (41.5 words) vs lead at 2 sentences (50.0 words): "
                             "ROUGE-1 +3.00, ROUGE-2 +0.50, ROUGE-L +1.50")


def test_a_set_without_lead_k_rows_has_no_margin():
    rows = [("Set", "extractive (this project)", "60 words", _scores(21.0, 4.5, 17.0), 41.5, 0.1)]
    assert margins(rows) == ""


def test_margins_of_a_real_run_on_two_articles():
    pytest.importorskip("rouge_score")
    articles = [
        ("The city council approved a new budget for public libraries on Monday after a long debate.\n"
         "The plan adds two branches in the northern districts and extends opening hours on weekends.\n"
         "Several members said the cost was too high, but the vote passed by nine to four."),
        ("A storm closed the main highway along the coast for six hours on Friday.\n"
         "Crews cleared fallen trees and reopened both lanes by the evening.\n"
         "Officials asked drivers to avoid the area until the repairs were finished."),
    ]
    references = ["The council approved a library budget with two new branches.",
                  "A storm closed the coastal highway for six hours."]
    rows = evaluate(DataSet("Tiny", "en", articles, references), parse_lengths("1,2", "20"))
    [line] = margins(rows).splitlines()
    assert line.startswith("Tiny: extractive at 20 words (")
    assert "vs lead at 1 sentences" in line or "vs lead at 2 sentences" in line
