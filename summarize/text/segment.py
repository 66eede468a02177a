"""Pure text functions: sentences, windows, batches. No models here.

Every function is deterministic and loses no text: sentences keep their trailing whitespace so that
joining them gives the paragraph back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

__all__ = [
    "batches_by_length",
    "batches_by_tokens",
    "chunk_sentences",
    "restore_order",
    "split_long",
    "split_paragraphs",
    "split_sentences",
]

T = TypeVar("T")

_BLANK_LINES = re.compile(r"\n\s*\n")
# Abbreviations of news copy in either language that never end a sentence (a title before a name,
# "EE." before "UU."), and those that end one only when a capital follows (EE.UU., U.S., a.m.).
_NEVER_FINAL = frozenset(
    ["sr", "sra", "srta", "sres", "dr", "dra", "dres", "mr", "mrs", "ms", "prof", "profa", "lic", "lcda", "lcdo",
     "ing", "gen", "gral", "cap", "cnel", "tte", "sen", "rep", "gob", "pres", "sto", "sta", "st", "mt", "ee", "av",
     "avda", "núm", "nº", "art", "arts", "vs", "aprox", "dept", "depto", "ud", "uds", "fig", "vol", "pág"])
_MAYBE_FINAL = frozenset(["ee.uu", "uu", "u.s", "u.k", "u.n", "a.m", "p.m", "etc", "inc", "ltd", "jr", "co", "corp"])
_LAST_TOKEN = re.compile(r"(?:^|[\s(¿¡\"“«])([^\s(¿¡\"“«]+)\.\s*$")
_INITIALS = re.compile(r"(?:\w\.)+\w", re.UNICODE)
_SOFT_BREAKS = (re.compile(r"(?<=[;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))


def split_paragraphs(text: str) -> list[str]:
    """Split text on blank lines; paragraphs are stripped, empty ones dropped."""
    parts = (" ".join(p.split()) for p in _BLANK_LINES.split(text.replace("\r\n", "\n")))
    return [p for p in parts if p]


def split_sentences(text: str, lang: str) -> list[str]:
    """Split a paragraph into sentences, keeping each one's trailing whitespace.

    Args:
        text: one paragraph.
        lang: ISO code for the abbreviation rules (``es``, ``en``; others fall back sensibly).

    Returns:
        Sentences whose concatenation equals ``text``.
    """
    if not text.strip():
        return [text] if text else []
    from sentencex import segment

    sentences = [s for s in segment(lang, text) if s]
    if "".join(sentences) != text:  # the splitter normalized something: keep the text intact
        return [text]
    return _join_abbreviations(sentences)


def _join_abbreviations(pieces: Sequence[str]) -> list[str]:
    """Glue back pieces the splitter cut after an abbreviation (``EE.`` | ``UU.``, ``Sra.`` | ``Bruce``).

    A piece ending in an abbreviation that never ends a sentence joins the next one; one ending in
    an abbreviation that may end a sentence (``EE.UU.``, ``U.S.``, ``a.m.``, any run of initials)
    joins it when the next one starts in lower case, a digit or a punctuation mark.
    """
    out: list[str] = []
    for piece in pieces:
        if out and _continues(out[-1], piece):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _continues(before: str, after: str) -> bool:
    match = _LAST_TOKEN.search(before)
    if match is None:
        return False
    token = match.group(1).casefold()
    if token in _NEVER_FINAL:
        return True
    first = after.lstrip()[:1]
    lower_next = bool(first) and (first.islower() or first.isdigit() or first in ",;:)")
    return lower_next and (token in _MAYBE_FINAL or bool(_INITIALS.fullmatch(token)) or len(token) <= 2)


MAX_CHARS_PER_WORD = 15


def cut_words(text: str, limit: int) -> str:
    """The first ``limit`` words of ``text`` (whitespace-separated), with an ellipsis when cut.

    Args:
        text: any text; its whitespace is collapsed.
        limit: the most words to keep (at least 1); at most ``limit * MAX_CHARS_PER_WORD``
            characters are kept either way.
    """
    words = text.split(maxsplit=limit)
    kept = " ".join(words[:limit])
    most = limit * MAX_CHARS_PER_WORD  # one "word" of 200,000 letters is no summary either
    if len(words) <= limit and len(kept) <= most:
        return kept
    return kept[:most].rstrip(",;: ") + " …"


def split_long(text: str, max_len: int, length: Callable[[str], int]) -> list[str]:
    """Split one over-long sentence into pieces of at most ``max_len`` (by ``length``).

    Breaks at semicolons and colons first, then commas, then spaces; a single word longer than
    the window is cut by characters. Pieces keep their whitespace, so they join back exactly.
    """
    if length(text) <= max_len:
        return [text]
    for pattern in _SOFT_BREAKS:
        pieces = _split_keep(text, pattern)
        if len(pieces) > 1:
            return [out for piece in _pack(pieces, max_len, length) for out in split_long(piece, max_len, length)]
    # one unbroken run of characters: cut it in halves until it fits
    middle = len(text) // 2
    return split_long(text[:middle], max_len, length) + split_long(text[middle:], max_len, length)


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if match.end() < len(text) and match.start() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _pack(pieces: Sequence[str], max_len: int, length: Callable[[str], int]) -> list[str]:
    """Greedily join consecutive pieces while they fit the window."""
    packed: list[str] = []
    current = ""
    for piece in pieces:
        if current and length(current + piece) > max_len:
            packed.append(current)
            current = piece
        else:
            current += piece
    if current:
        packed.append(current)
    return packed


def chunk_sentences(
    sentences: Sequence[str], max_len: int, length: Callable[[str], int]
) -> list[str]:
    """Group consecutive sentences into chunks that fit a model window.

    A sentence longer than the window is first split with :func:`split_long`, so nothing is
    truncated and every chunk satisfies ``length(chunk) <= max_len`` when single words fit.
    """
    pieces = [p for s in sentences for p in split_long(s, max_len, length)]
    return _pack(pieces, max_len, length)


def batches_by_length(
    items: Sequence[T], batch_size: int, length: Callable[[T], int] = len  # type: ignore[assignment]
) -> list[list[int]]:
    """Group item indices into batches of similar length (longest first).

    Sorting by length keeps padding small; the caller restores order with :func:`restore_order`.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = sorted(range(len(items)), key=lambda i: length(items[i]), reverse=True)
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def batches_by_tokens(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Group indices into batches of at most ``max_tokens`` padded tokens (longest first).

    A batch costs its size times its longest member, so many short inputs share a call and long
    ones go a few at a time; an input longer than ``max_tokens`` gets a batch of its own.

    Args:
        lengths: the token count of each input.
        max_tokens: the budget of one batch, padding included.

    Returns:
        Index batches for :func:`restore_order`; items in a batch are sorted longest first.
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    for i in order:
        # sorted longest first, so a batch's first item sets its padded width
        if batches and (len(batches[-1]) + 1) * max(1, lengths[batches[-1][0]]) <= max_tokens:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def batches_of_equal_length(lengths: Sequence[int], max_tokens: int | None, batch_size: int) -> list[list[int]]:
    """Group indices into batches whose inputs all have the same length: no padding at all.

    For an engine whose rows are computed independently when no row is padded (CTranslate2 int8
    on a CPU, measured), such batches give each input the output it gets alone, whatever else is
    in the call. Within one length, batches hold at most ``max_tokens`` tokens (at least one
    input), or ``batch_size`` inputs when ``max_tokens`` is ``None``; longest first.
    """
    if batch_size < 1 or (max_tokens is not None and max_tokens < 1):
        raise ValueError("batch_size and max_tokens must be at least 1")
    by_length: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        by_length.setdefault(n, []).append(i)
    batches: list[list[int]] = []
    for n in sorted(by_length, reverse=True):
        size = max(1, max_tokens // max(1, n)) if max_tokens is not None else batch_size
        group = by_length[n]
        batches += [group[i : i + size] for i in range(0, len(group), size)]
    return batches


def restore_order(batches: Iterable[Sequence[int]], outputs: Iterable[Sequence[T]], n: int) -> list[T]:
    """Put batched outputs back in input order.

    Args:
        batches: the index batches from :func:`batches_by_length` or :func:`batches_by_tokens`.
        outputs: one output sequence per batch, aligned with its indices.
        n: the number of inputs.
    """
    result: list[T | None] = [None] * n
    for indices, outs in zip(batches, outputs, strict=True):
        for i, out in zip(indices, outs, strict=True):
            result[i] = out
    missing = [i for i, r in enumerate(result) if r is None]
    if missing:
        raise ValueError(f"no output for inputs {missing[:5]}")
    return result  # type: ignore[return-value]
