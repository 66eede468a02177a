"""RSS and Atom feeds as batch inputs: a feed (a file or a URL) expands into its entries.

Each entry becomes a URL source: its link is its id, and what the feed says of it (its date,
author, summary, the feed's title as the outlet) is kept as :class:`~summarize.document.ArticleMeta`
under what the page itself says. Entries are then fetched like any URL, within the per-host limit.
``since`` keeps the entries published on or after a date; an entry without a date is kept (the
feed does not say it is old). Parsing is feedparser's, which reads every RSS and Atom version and
survives the malformed feeds news sites serve.

A feed URL is recognised by its path (``.rss``, ``.atom``, ``.xml``, or a last segment ``feed``,
``rss`` or ``atom``); a feed file by its suffix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ..document import ArticleMeta, Document, Source
from ..errors import ConfigError, InputError, UnsupportedInputError

__all__ = ["FEED_MEDIA_TYPES", "FEED_SUFFIXES", "expand_feed", "extract_feed", "is_feed_url", "parse_since"]

FEED_SUFFIXES = (".rss", ".atom")
FEED_MEDIA_TYPES = ("application/rss+xml", "application/atom+xml")
_FEED_URL_SUFFIXES = (".rss", ".atom", ".xml")
_FEED_SEGMENTS = frozenset({"feed", "rss", "atom"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_since(value: str) -> dt.date:
    """``--since``'s date.

    Raises:
        ConfigError: not a ``YYYY-MM-DD`` date.
    """
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {value!r} is not a date", hint="Give it as YYYY-MM-DD, e.g. --since 2025-02-01.") \
            from None


def is_feed_url(url: str) -> bool:
    """Whether a URL names a feed by its path (see the module docstring)."""
    path = urlsplit(url).path.lower().rstrip("/")
    return path.endswith(_FEED_URL_SUFFIXES) or path.rsplit("/", 1)[-1] in _FEED_SEGMENTS


def extract_feed(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``feed`` input format read as one article: refused, since a feed is a list of them.

    Raises:
        UnsupportedInputError: always, saying to give the feed to ``summarize batch``.
    """
    raise UnsupportedInputError(f"{source} is a feed (a list of articles), not an article", source=source,
                                hint="Give it to 'summarize batch': each entry becomes an input.")


def _entry_date(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            year, month, day, hour, minute, second = parsed[:6]
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    return None


def expand_feed(data: bytes, *, source: str, since: dt.date | None = None) -> list[Source]:
    """The entries of a feed as URL sources, in the feed's order.

    Args:
        data: the feed's bytes.
        source: the feed's name (path or URL), for messages.
        since: keep entries published on or after this day (UTC); undated entries are kept.

    Raises:
        InputError: the bytes are not a feed (feedparser finds no feed version and no entries).
    """
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(f"{source} is not an RSS or Atom feed" + (f" ({problem})" if problem else ""),
                         source=source, hint="Check the address or file; a web page is an article input.")
    site = " ".join(str(parsed.feed.get("title") or "").split()) or None
    sources: list[Source] = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if not link.lower().startswith(("http://", "https://")):
            continue  # an entry without a web address has nothing to fetch
        when = _entry_date(entry)
        if since is not None and when is not None and when.date() < since:
            continue
        summary = " ".join(re.sub(r"<[^>]+>", " ", str(entry.get("summary") or "")).split()) or None
        meta = ArticleMeta(author=entry.get("author") or None, date=when.date().isoformat() if when else None,
                           site_name=site, canonical_url=link, description=summary)
        sources.append(Source(link, "url", id=link, meta=meta))
    return sources


def feed_sources(raw: str, read: Callable[[], bytes], since: dt.date | None) -> list[Source]:
    """Read a feed with ``read`` and expand it (see :func:`expand_feed`)."""
    return expand_feed(read(), source=raw, since=since)
