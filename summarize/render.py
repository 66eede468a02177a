"""Turn results into text, Markdown (summaries side by side), JSON or JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .document import Result

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "markdown", "json", "jsonl")
LANG_NAMES = {"en": "English", "es": "Español"}
HEADINGS = {"en": "Summary (English)", "es": "Resumen (español)"}


def render(results: Sequence[Result], fmt: str = "text", *, with_translation: bool = False) -> str:
    """Render results in one of :data:`FORMATS`.

    Args:
        results: what to show.
        fmt: ``text``, ``markdown``, ``json`` (one object, or an array for several) or ``jsonl``.
        with_translation: include the full translation in ``text`` and ``markdown`` output (JSON
            always has it).
    """
    if fmt == "json":
        data: Any = results[0].to_dict() if len(results) == 1 else [r.to_dict() for r in results]
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(r.to_dict(), ensure_ascii=False) for r in results)
    one = _markdown if fmt == "markdown" else _text
    return "\n\n".join(one(r, with_translation) for r in results)


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
    if result.warnings:
        parts += [""] + [f"> **Warning:** {w}" for w in result.warnings]
    return "\n".join(parts)
