"""The benchmarks' tables as charts (PNG): speed per engine with its ratio, ROUGE against lead-k,
BLEU/chrF per engine.

Each benchmark writes its own chart with ``--chart FILE.png``; this script redraws one from a table
the benchmarks printed (kept in ``benchmarks/README.md`` or saved from their output), so the charts
in the README come from the recorded figures without rerunning anything. Needs matplotlib
(``pip install 'summarize[bench]'``). Run from the repository root::

    python benchmarks/charts.py speed benchmarks/README.md -o benchmarks/charts/speed.png
    python benchmarks/charts.py summary summary.md -o benchmarks/charts/summary_quality.png
    python benchmarks/charts.py translation translation.md -o benchmarks/charts/translation_quality.png

``speed`` reads the first "Last measured" table of the speed benchmark (the fixed-width block
``speed.py`` prints); ``summary`` and ``translation`` read the Markdown tables
``summary_quality.py`` and ``translation_quality.py`` print.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SpeedRow",
    "markdown_rows",
    "speed_chart",
    "speed_rows_from_report",
    "speed_rows_from_text",
    "summary_chart",
    "translation_chart",
]

TASK_TITLES = {"translate": "Translation (opus-mt-es-en configuration)",
               "summarize": "Summarization (distilbart-cnn-12-6 configuration)"}
_TITLE_TASK = {"Translation:": "translate", "Summarization:": "summarize"}
_ROW = re.compile(r"^(\(\d\) |    )(\S.*?)\s{2,}(\d+)\s+([\d.]+)\s")


@dataclass(frozen=True)
class SpeedRow:
    """One engine of the speed benchmark: output tokens a second and the ratio to row (1)."""

    task: str
    label: str
    tokens_per_s: float
    vs_one: float | None
    role: int | None = None


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def speed_rows_from_text(text: str) -> list[SpeedRow]:
    """The rows of the first speed table in ``text`` (``speed.py``'s printed report).

    Raises:
        ValueError: ``text`` holds no such table.
    """
    rows: list[SpeedRow] = []
    task: str | None = None
    seen: set[str] = set()
    for line in text.splitlines():
        first = line.split(" ", 1)[0]
        if first in _TITLE_TASK:
            task = _TITLE_TASK[first]
            if task in seen:  # a second report further down: keep the first one only
                break
            seen.add(task)
            continue
        match = _ROW.match(line)
        if task is None or match is None:
            if task is not None and rows and rows[-1].task == task and not line.strip():
                task = None  # a table ends at its first blank line
            continue
        role_text, label, _, rate = match.groups()
        role = int(role_text.strip()[1:-1]) if role_text.startswith("(") else None
        rows.append(SpeedRow(task, label.strip(), float(rate), None, role))
    if not rows:
        raise ValueError("no speed table found (the block speed.py prints, with 'Translation:' or "
                         "'Summarization:' titles)")
    return _with_ratios(rows)


def speed_rows_from_report(report: dict[str, Any]) -> list[SpeedRow]:
    """The rows of a ``speed.py --json`` report (engines that failed are left out)."""
    rows = []
    for task, info in report["tasks"].items():
        for row in info["rows"]:
            result = row["result"]
            if "error" not in result:
                rows.append(SpeedRow(task, row["label"], result["tokens"] / result["seconds"], None, row["role"] or None))
    return _with_ratios(rows)


def _with_ratios(rows: list[SpeedRow]) -> list[SpeedRow]:
    base = {r.task: r.tokens_per_s for r in rows if r.role == 1}
    return [SpeedRow(r.task, r.label, r.tokens_per_s, r.tokens_per_s / base[r.task] if r.task in base else None, r.role)
            for r in rows]


def speed_chart(rows: Sequence[SpeedRow], path: Path, *, note: str = "") -> Path:
    """Horizontal bars of output tokens a second per engine, one panel per task, ratios to (1) at the bar ends."""
    plt = _pyplot()
    tasks = list(dict.fromkeys(r.task for r in rows))
    fig, axes = plt.subplots(len(tasks), 1, figsize=(10, 1.2 + 0.55 * len(rows)), squeeze=False)
    for ax, task in zip(axes[:, 0], tasks, strict=True):
        mine = [r for r in rows if r.task == task][::-1]
        labels = [f"({r.role}) {r.label}" if r.role else r.label for r in mine]
        colours = ["tab:green" if r.role == 4 else "tab:blue" if r.role == 3 else "tab:gray" for r in mine]
        bars = ax.barh(labels, [r.tokens_per_s for r in mine], color=colours)
        for bar, r in zip(bars, mine, strict=True):
            ratio = f"  {r.tokens_per_s:.1f} tok/s" + (f", {r.vs_one:.1f}x row (1)" if r.vs_one else "")
            ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, ratio, va="center", fontsize=8)
        ax.set_title(TASK_TITLES.get(task, task), fontsize=10, loc="left")
        ax.set_xlabel("output tokens per second (higher is better)")
        ax.set_xlim(0, max(r.tokens_per_s for r in mine) * 1.45)
        ax.tick_params(axis="y", labelsize=8)
    if note:
        fig.text(0.01, 0.005, note, fontsize=7, color="dimgray")
    fig.tight_layout(rect=(0, 0.02 if note else 0, 1, 1))
    return _save(fig, plt, path)


def markdown_rows(text: str, required: Sequence[str]) -> list[dict[str, str]]:
    """The rows of the first Markdown table in ``text`` whose header has every ``required`` column.

    Raises:
        ValueError: there is no such table.
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        header = _cells(line)
        if not header or not set(required) <= set(header) or i + 1 >= len(lines) or "---" not in lines[i + 1]:
            continue
        rows = []
        for body in lines[i + 2:]:
            cells = _cells(body)
            if not cells:
                break
            rows.append(dict(zip(header, cells, strict=False)))
        return rows
    raise ValueError(f"no Markdown table with the columns {', '.join(required)}")


def _cells(line: str) -> list[str]:
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")):
        return []
    return [c.strip() for c in line[1:-1].split("|")]


def _summary_length(row: dict[str, str]) -> str:
    """A row's summary length: ``summary_quality.py``'s ``length`` column ("60 words", "3 sentences"),
    or the older tables' ``sentences`` count."""
    return row.get("length") or f"{row['sentences']} sentences"


def _length_order(length: str) -> tuple[int, int]:
    number, unit = (length.split(" ", 1) + [""])[:2]
    return (1 if unit.startswith("word") else 0, int(number) if number.isdigit() else 0)


def summary_chart(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """ROUGE-1/2/L (x100) of each system at each summary length, one row of panels per data set."""
    plt = _pyplot()
    sets = list(dict.fromkeys(r["data set"] for r in rows))
    systems = list(dict.fromkeys(r["system"] for r in rows))
    metrics = ("ROUGE-1", "ROUGE-2", "ROUGE-L")
    fig, axes = plt.subplots(len(sets), len(metrics), figsize=(12, 3.2 * len(sets)), squeeze=False)
    width = 0.8 / len(systems)
    for row_axes, data_set in zip(axes, sets, strict=True):
        mine = [r for r in rows if r["data set"] == data_set]
        lengths = sorted({_summary_length(r) for r in mine}, key=_length_order)
        for ax, metric in zip(row_axes, metrics, strict=True):
            for n, system in enumerate(systems):
                values = {_summary_length(r): float(r[metric]) for r in mine if r["system"] == system}
                xs = [i + (n - (len(systems) - 1) / 2) * width for i in range(len(lengths))]
                ax.bar(xs, [values.get(k, 0.0) for k in lengths], width, label=system,
                       color="tab:gray" if system.startswith("lead") else None)
            ax.set_xticks(range(len(lengths)), [k.replace(" sentences", " sent.") for k in lengths])
            ax.set_title(f"{data_set}: {metric}", fontsize=9, loc="left")
            ax.set_ylim(0, max(float(r[metric]) for r in mine) * 1.3)
    axes[0][0].legend(fontsize=7, loc="upper left", ncols=2)
    fig.suptitle("Summary quality: ROUGE F1 (x100) against the reference summaries; lead-k in gray", fontsize=10)
    fig.tight_layout()
    return _save(fig, plt, path)


def translation_chart(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """BLEU and chrF of each system on each test set and direction."""
    plt = _pyplot()
    groups = list(dict.fromkeys((r["set"], r["direction"]) for r in rows))
    systems = list(dict.fromkeys(r["system"] for r in rows))
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), squeeze=False)
    width = 0.8 / len(systems)
    for ax, metric in zip(axes[0], ("BLEU", "chrF"), strict=True):
        for n, system in enumerate(systems):
            values = {(r["set"], r["direction"]): float(r[metric]) for r in rows if r["system"] == system}
            xs = [i + (n - (len(systems) - 1) / 2) * width for i in range(len(groups))]
            bars = ax.bar(xs, [values.get(g, 0.0) for g in groups], width, label=system)
            ax.bar_label(bars, fmt="%.1f", fontsize=7)
        ax.set_xticks(range(len(groups)), [f"{s}\n{d}" for s, d in groups], fontsize=8)
        ax.set_title(metric, fontsize=10, loc="left")
        ax.set_ylim(0, max(float(r[metric]) for r in rows) * 1.3)  # room for the legend above the bars
    axes[0][0].legend(fontsize=8, loc="upper left", ncols=len(systems))
    fig.suptitle("Translation quality (sacrebleu, corpus level)", fontsize=10)
    fig.tight_layout()
    return _save(fig, plt, path)


def _save(fig: Any, plt: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Redraw one chart from a saved table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("kind", choices=["speed", "summary", "translation"])
    parser.add_argument("table", type=Path, help="a file holding the benchmark's printed table")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the PNG file to write")
    args = parser.parse_args(argv)
    text = args.table.read_text(encoding="utf-8")
    try:
        if args.kind == "speed":
            speed_chart(speed_rows_from_text(text), args.output)
        elif args.kind == "summary":
            summary_chart(markdown_rows(text, ("data set", "system", "ROUGE-1", "ROUGE-L")), args.output)
        else:
            translation_chart(markdown_rows(text, ("set", "direction", "system", "BLEU", "chrF")), args.output)
    except ValueError as exc:
        parser.error(f"{args.table}: {exc}")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
