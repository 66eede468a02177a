"""Turn results into text, Markdown (summaries side by side), JSON or JSON Lines.

The formats are listed in :mod:`summarize.registry`; each is a function
``render_NAME(results, *, with_translation) -> str``, and :func:`render` picks one by name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .document import Result
from .registry import Registry, given_or_default

__all__ = ["confidence_line", "render", "render_json", "render_jsonl", "render_markdown", "render_text"]

LANG_NAMES = {"en": "English", "es": "Español"}
HEADINGS = {"en": "Summary (English)", "es": "Resumen (español)"}


def render(results: Sequence[Result], fmt: str = "text", *, with_translation: bool = False,
           formats: Registry | None = None) -> str:
    """Render results in one of the registered output formats.

    Args:
        results: what to show.
        fmt: ``text``, ``markdown``, ``json`` (one object, or an array for several), ``jsonl``,
            or a format a plugin registered.
        with_translation: include the full translation in ``text`` and ``markdown`` output (JSON
            always has it).
        formats: the registry of output formats (default: the built-in ones and plugins').

    Raises:
        ConfigError: for a format no one registered.
    """
    output: str = given_or_default(formats).output_format(fmt).load()(results, with_translation=with_translation)
    return output


def render_json(results: Sequence[Result], *, with_translation: bool = True) -> str:
    """One JSON object (an array for several results), indented."""
    data: Any = results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_jsonl(results: Sequence[Result], *, with_translation: bool = True) -> str:
    """One JSON object a line."""
    return "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in results)


def render_text(results: Sequence[Result], *, with_translation: bool = False) -> str:
    """Title, source and the two summaries of each result, for reading."""
    return "\n\n".join(_text(r, with_translation) for r in results)


def render_markdown(results: Sequence[Result], *, with_translation: bool = False) -> str:
    """A Markdown document: the two summaries of each result side by side in a table."""
    return "\n\n".join(_markdown(r, with_translation) for r in results)


def _text(result: Result, with_translation: bool) -> str:
    lines = []
    if result.title:
        lines.append(result.title)
    lines.append(f"Source: {result.source} | Language: {result.source_lang}")
    for lang in ("en", "es"):
        if lang in result.summaries:
            lines += ["", HEADINGS[lang], result.summaries[lang]]
    if result.translation and (with_translation or not result.summaries):
        lines += ["", f"Translation ({result.translation.lang})"]
        if result.translation.title:
            lines.append(result.translation.title)
            lines.append("")
        lines.append(result.translation.text)
    if result.confidence is not None:
        lines += ["", confidence_line(result)]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _markdown(result: Result, with_translation: bool) -> str:
    parts = [f"# {result.title or result.source}", "",
             f"*Source:* {result.source} · *Language:* {LANG_NAMES.get(result.source_lang, result.source_lang)}"]
    if result.summaries:
        parts += ["", "| English | Español |", "|---|---|",
                  f"| {_cell(result.summaries.get('en', ''))} | {_cell(result.summaries.get('es', ''))} |"]
    if result.translation and (with_translation or not result.summaries):
        parts += ["", f"## Translation ({LANG_NAMES.get(result.translation.lang, result.translation.lang)})", ""]
        if result.translation.title:
            parts += [f"### {result.translation.title}", ""]
        parts.append(result.translation.text)
    if result.confidence is not None:
        parts += ["", f"*{confidence_line(result)}*"]
    if result.warnings:  # a list: consecutive lines would run together into one paragraph
        parts += ["", "**Warnings**", ""] + [f"- {_cell(w)}" for w in result.warnings]
    return "\n".join(parts)


def confidence_line(result: Result) -> str:
    """How many translated sentences scored low: ``Low-confidence sentences: 2 of 31 (translation 1,
    summary 1; known-word share below 0.9)``."""
    confidence = result.confidence
    assert confidence is not None
    low = result.low_confidence
    where = ", ".join(f"{label} {sum(1 for s in low if s.translation == kind)}"
                      for kind, label in (("full", "translation"), ("summary", "summary")))
    return (f"Low-confidence sentences: {len(low)} of {len(confidence.sentences)} ({where}; "
            f"{confidence.measure} below {confidence.low_below:g})")
