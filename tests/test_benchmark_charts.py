"""The benchmarks' tables as PNG charts: parsing the printed tables, drawing, the script's errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("matplotlib")

from benchmarks.charts import (
    markdown_rows,
    speed_chart,
    speed_rows_from_report,
    speed_rows_from_text,
    summary_chart,
    translation_chart,
)

PNG = b"\x89PNG\r\n\x1a\n"
SUMMARY_TABLE = """\
| data set | system | sentences | ROUGE-1 | ROUGE-2 | ROUGE-L | articles | seconds |
|---|---|---:|---:|---:|---:|---:|---:|
| MLSUM-es | extractive (this project) | 1 | 20.50 | 6.10 | 15.00 | 3 | 0.1 |
| MLSUM-es | lead-k | 1 | 19.00 | 5.90 | 14.20 | 3 | 0.0 |
| MLSUM-es | extractive (this project) | 2 | 22.00 | 6.50 | 15.80 | 3 | 0.1 |
| MLSUM-es | lead-k | 2 | 21.00 | 6.00 | 15.10 | 3 | 0.0 |
"""
TRANSLATION_TABLE = """\
| set | direction | system | BLEU | chrF | seconds |
|---|---|---|---:|---:|---:|
| FLORES-200 devtest | es-en | raw Apertium | 20.10 | 50.20 | 3.0 |
| FLORES-200 devtest | es-en | summarize apertium | 20.40 | 50.60 | 4.0 |

| example | direction | fact-sheet names in it |
|---|---|---:|
| a | es-en | 3 |
"""


def test_the_recorded_speed_table_parses_with_ratios_to_row_one():
    rows = speed_rows_from_text((ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8"))
    assert [r.task for r in rows] == ["translate"] * 6 + ["summarize"] * 6
    assert [r.role for r in rows[:6]] == [1, 2, 3, 4, None, None]
    one, fastest = rows[0], rows[3]
    assert one.vs_one == 1.0
    assert fastest.vs_one == pytest.approx(fastest.tokens_per_s / one.tokens_per_s)
    assert fastest.label.startswith("summarize fastest: ctranslate2 int8")


def test_speed_chart_from_a_json_report(tmp_path):
    report = {"tasks": {"translate": {"rows": [
        {"label": "transformers fp32, one sentence at a time", "role": 1, "result": {"tokens": 100, "seconds": 10.0}},
        {"label": "summarize fastest", "role": 4, "result": {"tokens": 900, "seconds": 10.0}},
        {"label": "broken engine", "role": 0, "result": {"error": "Traceback\nRuntimeError: no"}},
    ]}}}
    rows = speed_rows_from_report(report)
    assert [(r.label, r.tokens_per_s, r.vs_one) for r in rows] == [
        ("transformers fp32, one sentence at a time", 10.0, 1.0), ("summarize fastest", 90.0, 9.0)]
    out = speed_chart(rows, tmp_path / "speed.png")
    assert out.read_bytes().startswith(PNG)


def test_quality_tables_become_charts(tmp_path):
    summary = markdown_rows(SUMMARY_TABLE, ("data set", "system", "sentences", "ROUGE-1"))
    assert summary[1] == {"data set": "MLSUM-es", "system": "lead-k", "sentences": "1", "ROUGE-1": "19.00",
                          "ROUGE-2": "5.90", "ROUGE-L": "14.20", "articles": "3", "seconds": "0.0"}
    translation = markdown_rows(TRANSLATION_TABLE, ("set", "BLEU", "chrF"))
    assert len(translation) == 2  # the second table (names) is not read
    assert summary_chart(summary, tmp_path / "s.png").read_bytes().startswith(PNG)
    assert translation_chart(translation, tmp_path / "t.png").read_bytes().startswith(PNG)


def test_the_script_says_when_a_file_holds_no_table(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("no table here\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "charts.py"), "translation", str(empty), "-o",
                           str(tmp_path / "x.png")], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (f"charts.py: error: {empty}: no Markdown table with the columns "
                                            "set, direction, system, BLEU, chrF")
    assert not (tmp_path / "x.png").exists()
