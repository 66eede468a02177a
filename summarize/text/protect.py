"""Keep stretches of text intact through machine translation: the engine-neutral mechanism.

Find the spans to keep, replace each with a *placeholder* the engine copies unchanged, translate,
and put the spans back, checking that every placeholder came through exactly once; a caller falls
back to another route when one did not. A span may go out as something else than it came in (a
glossary term as its fixed rendering). Which placeholders an engine copies is the engine's
business (:meth:`summarize.backends.base.Translator.placeholders`). What to protect is decided
elsewhere: names, acronyms, URLs and quotes by :mod:`summarize.names`, glossary terms by
:mod:`summarize.glossary`.

Numbers are not masked (the engines copy digits) but *localized*: Spanish ``40.000`` and ``1,8 %``
become English ``40,000`` and ``1.8%``, and back, because that is how each language writes them
and how reference translations write them. See :func:`localize_numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Masked", "Span", "localize_numbers", "mask", "restore"]


@dataclass(frozen=True)
class Span:
    """A stretch of the source to keep: ``text`` goes out as ``replacement`` (or as itself)."""

    start: int
    end: int
    text: str
    kind: str
    replacement: str = ""

    @property
    def output(self) -> str:
        """What the translation shows in place of the span."""
        return self.replacement or self.text


@dataclass(frozen=True)
class Masked:
    """A segment with its spans replaced by placeholders."""

    text: str
    original: str
    spans: tuple[Span, ...] = ()
    placeholders: tuple[str, ...] = ()


def mask(text: str, spans: Sequence[Span], placeholders: Sequence[str]) -> Masked:
    """Replace each span with its placeholder (one placeholder per span, in order).

    Raises:
        ValueError: when there are fewer placeholders than spans.
    """
    if len(placeholders) < len(spans):
        raise ValueError(f"{len(spans)} spans but only {len(placeholders)} placeholders")
    pieces: list[str] = []
    last = 0
    for span, placeholder in zip(spans, placeholders, strict=False):
        pieces.append(text[last : span.start] + placeholder)
        last = span.end
    pieces.append(text[last:])
    return Masked("".join(pieces), text, tuple(spans), tuple(placeholders[: len(spans)]))


def restore(translated: str, masked: Masked) -> str | None:
    """Put the spans back into a translation of ``masked.text``.

    Returns:
        The translation with every placeholder replaced by its span's output, or ``None`` when a
        placeholder is missing or repeated (the engine changed it), so the caller can fall back.
    """
    out = translated
    for span, placeholder in zip(masked.spans, masked.placeholders, strict=True):
        pattern = re.compile(rf"(?<!\w){re.escape(placeholder)}(?!\w)")
        if len(pattern.findall(out)) != 1:
            return None
        out = pattern.sub(lambda _m, s=span: s.output, out)  # type: ignore[misc]
    return out


# one pass per direction, so a number changed once is not changed back
_ES_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:[ \u00a0]\d{3})+|\d+,\d+)(?!\d|[.,]\d)")
_EN_NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?!\d|[.,]\d)")
_SWAP = str.maketrans({".": ",", ",": "."})


def _es_to_en(match: re.Match[str]) -> str:
    number = match.group()
    if " " in number or "\u00a0" in number:
        return re.sub(r"[ \u00a0]", ",", number)
    return number.translate(_SWAP)


def localize_numbers(text: str, src: str, tgt: str) -> str:
    """Rewrite numbers in the target language's convention.

    Spanish groups thousands with a point (or a space) and writes decimals with a comma and a
    space before ``%``; English uses a comma, a point and no space: ``40.000`` <-> ``40,000``,
    ``1,8 %`` <-> ``1.8%``. Only well-formed numbers change (groups of three digits, one decimal
    mark), so versions (``3.8.3``), times (``9:00``) and scores (``2-1``) stay as they are. An
    English number with three digits after a point (``1.250``) is read as a decimal.
    """
    if (src, tgt) == ("es", "en"):
        text = _ES_NUMBER.sub(_es_to_en, text)
        return re.sub(r"(\d)[ \u00a0]%", r"\1%", text)
    if (src, tgt) == ("en", "es"):
        text = _EN_NUMBER.sub(lambda m: m.group().translate(_SWAP), text)
        return re.sub(r"(\d)%", r"\1 %", text)
    return text
