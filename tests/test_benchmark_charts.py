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


SPEED_BLOCK = """\
Translation: opus-mt-es-en configuration (77M parameters, random weights), greedy
engine                                                                 items     tok/s  vs (1)  vs (2)  RSS MiB  load s  tok/CPU-s
(1) transformers fp32, one sentence at a time                             12      30.0    1.0x    0.2x      718     7.6       18.0
(2) transformers fp32, batches of 32                                      96     180.0    6.0x    1.0x      893     8.7      103.8
(4) summarize fastest: ctranslate2 int8, 2048-token batches              384     600.0   20.0x    3.3x      399     2.4      444.5
    marian engine with dtype bfloat16, batches of 16                      96     150.0    5.0x    0.8x      840     7.3      247.3
(4) vs (1): 20.0x (target 25x: NOT met); by CPU time 24.8x

Summarization: distilbart-cnn-12-6 configuration (306M parameters, random weights)
engine                                                                 items     tok/s  art/min  vs (1)  vs (2)  RSS MiB  load s  tok/CPU-s
(1) transformers fp32, one article at a time                               3       5.0      4.3    1.0x    0.7x     1806     8.3        2.8
(3) summarize default: ctranslate2 int8, 4096-token batches                8      25.0     23.1    5.0x    3.7x      771     2.4       16.6

Translation: a second report further down is not read
(1) transformers fp32, one sentence at a time                             12      99.0    1.0x    0.2x      718     7.6       18.0
"""


def test_a_printed_speed_report_parses_with_ratios_to_row_one():
    rows = speed_rows_from_text(SPEED_BLOCK)
    assert [(r.task, r.role) for r in rows] == [
        ("translate", 1), ("translate", 2), ("translate", 4), ("translate", None), ("summarize", 1), ("summarize", 3)]
    assert [r.vs_one for r in rows] == pytest.approx([1.0, 6.0, 20.0, 5.0, 1.0, 5.0])
    assert rows[2].label == "summarize fastest: ctranslate2 int8, 2048-token batches"


def test_the_speed_tables_recorded_in_the_benchmarks_readme_parse():
    # The README's figures change with every measurement; only their shape is checked here.
    rows = speed_rows_from_text((ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8"))
    for task in ("translate", "summarize"):
        mine = [r for r in rows if r.task == task]
        assert mine and mine[0].role == 1 and mine[0].vs_one == 1.0
        assert all(r.tokens_per_s > 0 for r in mine)


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


def test_summary_quality_tables_with_a_length_column_become_charts(tmp_path):
    # what summary_quality.py prints: lengths in sentences and word budgets side by side
    table = """\
| data set | system | length | ROUGE-1 | ROUGE-2 | ROUGE-L | mean words | articles | seconds |
|---|---|---|---:|---:|---:|---:|---:|---:|
| MLSUM-es | extractive (this project) | 60 words | 21.00 | 5.60 | 16.30 | 40.1 | 3 | 0.1 |
| MLSUM-es | lead-k | 60 words | 20.00 | 5.00 | 15.20 | 44.0 | 3 | 0.0 |
| MLSUM-es | lead-k | 2 sentences | 20.60 | 4.90 | 15.40 | 50.2 | 3 | 0.0 |
"""
    rows = markdown_rows(table, ("data set", "system", "length", "ROUGE-1"))
    assert summary_chart(rows, tmp_path / "s.png").read_bytes().startswith(PNG)


def test_the_script_says_when_a_file_holds_no_table(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("no table here\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "charts.py"), "translation", str(empty), "-o",
                           str(tmp_path / "x.png")], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (f"charts.py: error: {empty}: no Markdown table with the columns "
                                            "set, direction, system, BLEU, chrF")
    assert not (tmp_path / "x.png").exists()
