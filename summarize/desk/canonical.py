"""The desk's canonical order: which of two articles counts as the earlier, whatever the input order.

An article ranks by its publication date (undated ones after every dated one), then by a hash of
its normalised text, then by its id. The text hash makes the order a property of the articles
themselves: the same files read from another folder, in another order, in two batches or on
another engine rank the same. The first of a set of near-copies in this order is their original,
and the first article of a story names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..document import content_hash
from .evidence import normalise

__all__ = ["Rank", "rank", "rank_of", "record_key"]

UNDATED = "~"  # sorts after every ISO date

Rank = tuple[str, str, str]


def rank(text: str, date: str | None = None, key: str = "") -> Rank:
    """The canonical rank of an article: ``(date or undated, hash of its normalised text, key)``.

    Args:
        text: the article's text.
        date: its publication date (ISO; only the day counts), ``None`` when unknown.
        key: its input id, the last tie-breaker (two byte-identical undated texts).
    """
    day = str(date)[:10] if date else UNDATED
    return (day, content_hash(normalise(text)), key)


def record_key(record: Mapping[str, Any]) -> str:
    """A batch record's key: its input id, else its source."""
    return str(record.get("id") or record.get("source") or "")


def rank_of(record: Mapping[str, Any]) -> Rank:
    """The canonical rank of a batch record (see :func:`rank`)."""
    meta = record.get("meta")
    date = meta.get("date") if isinstance(meta, Mapping) else None
    return rank(str(record.get("text") or ""), date if isinstance(date, str) else None, record_key(record))
