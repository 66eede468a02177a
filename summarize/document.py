"""Value objects that flow through the pipeline: sources, documents and results."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CREDIT_KINDS", "ArticleMeta", "Confidence", "Document", "Removed", "Result", "SentenceConfidence", "Source", "Translation", "content_hash"]


CREDIT_KINDS = frozenset({"caption", "credit"})
"""The kinds of :class:`Removed` furniture that are credits and captions."""


@dataclass(frozen=True)
class ArticleMeta:
    """What a page or feed says about an article besides its text; ``None`` where it says nothing.

    Attributes:
        author: the byline (several authors joined by ``; ``, as trafilatura gives them).
        date: the publication date, ISO 8601 (``2025-02-04``).
        site_name: the outlet (``El País``).
        canonical_url: the page's canonical address (``<link rel="canonical">``).
        description: the page's own standfirst (``<meta name="description">``).
    """

    author: str | None = None
    date: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    description: str | None = None

    def merged(self, fallback: ArticleMeta) -> ArticleMeta:
        """These values, with ``fallback``'s where these are ``None`` (a feed entry under its page)."""
        return ArticleMeta(**{f.name: getattr(self, f.name) if getattr(self, f.name) is not None
                              else getattr(fallback, f.name) for f in dataclasses.fields(self)})


@dataclass(frozen=True)
class Source:
    """One input as the user named it.

    Attributes:
        value: a URL, a file path, ``-`` for stdin, the text itself when ``kind`` is ``text``, or
            where the entry is (``feeds/m.jsonl, line 4``) when ``kind`` is ``invalid``.
        kind: ``url``, ``file``, ``stdin``, ``text``, or ``invalid`` for a manifest entry that could
            not be read (reading it raises its problem, so it gets an error record of its own).
        id: the caller's identifier (batch manifests); defaults to ``value``.
        lang: a language the caller vouches for (``es``/``en``), skipping detection.
        problem: what is wrong with an ``invalid`` entry.
        meta: what the input's listing says of it (a feed entry's title and date), kept under
            what the page itself says.
    """

    value: str
    kind: str
    id: str | None = None
    lang: str | None = None
    problem: str | None = None
    meta: ArticleMeta | None = None

    @classmethod
    def parse(cls, value: str, *, id: str | None = None, lang: str | None = None) -> Source:
        """Classify a command-line style source: URL, ``-`` (stdin) or file path."""
        lowered = value.lower()
        if lowered.startswith(("http://", "https://")):
            kind = "url"
        elif value == "-":
            kind = "stdin"
        elif "://" in value[:12]:
            kind = "url"  # an unsupported scheme; fetching says so clearly
        else:
            kind = "file"
        return cls(value=value, kind=kind, id=id, lang=lang)

    @classmethod
    def coerce(cls, value: str | Source, lang: str | None = None) -> Source:
        """A source for a command-line style string (or the source itself), with a default language.

        ``lang`` applies only when the source does not name its own.
        """
        source = value if isinstance(value, Source) else cls.parse(value)
        if lang and not source.lang:
            source = dataclasses.replace(source, lang=lang)
        return source

    @classmethod
    def from_text(cls, text: str, *, id: str | None = None, lang: str | None = None) -> Source:
        """Wrap text already in memory."""
        return cls(value=text, kind="text", id=id, lang=lang)

    @classmethod
    def invalid(cls, where: str, problem: str, *, id: str) -> Source:
        """A manifest entry that cannot be read, kept so that its line gets an error record.

        Args:
            where: the manifest and line (``feeds/m.jsonl, line 4``).
            problem: what is wrong (``not valid JSON (Expecting value)``).
            id: the entry's own id when it has a readable one, else ``FILE:LINE``.
        """
        return cls(value=where, kind="invalid", id=id, problem=problem)

    @property
    def label(self) -> str:
        """How the source is named in results and messages."""
        if self.kind == "text":
            return self.id or "<text>"
        if self.kind == "stdin":
            return "<stdin>"
        return self.value


@dataclass(frozen=True)
class Removed:
    """A stretch of page furniture taken out of an article, kept so nothing vanishes silently.

    Attributes:
        kind: ``caption``, ``credit``, ``byline``, ``share``, ``contact``, ``dateline``,
            ``navigation`` (menu lines, section labels above the headline), ``repeated headline`` or
            ``repeated line`` (a short line printed again).
        text: what was removed, as written.
    """

    kind: str
    text: str

    def to_json(self) -> dict[str, str]:
        """``{"kind": ..., "text": ...}``."""
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class Document:
    """An article reduced to its title and paragraphs.

    ``warnings`` are what reading it found that its result should say (a mixed encoding).

    Attributes:
        headings: the indices of the paragraphs that are section headings: translated as
            paragraphs of their own, never read as part of a sentence nor picked for a summary.
        removed: page furniture taken out of the text (captions, credits, bylines, share lines...).
    """

    source: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    url: str | None = None
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    warnings: tuple[str, ...] = ()
    headings: frozenset[int] = frozenset()
    removed: tuple[Removed, ...] = ()

    @property
    def text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def credits(self) -> tuple[str, ...]:
        """The photo credits and captions taken out of the text (kinds ``credit`` and ``caption``), in order."""
        return tuple(r.text for r in self.removed if r.kind in CREDIT_KINDS)


@dataclass(frozen=True)
class Translation:
    """A full-article translation."""

    lang: str
    text: str
    title: str | None = None


@dataclass(frozen=True)
class SentenceConfidence:
    """The translation engine's confidence in one translated sentence.

    Attributes:
        translation: ``full`` (the article's translation) or ``summary`` (the summary's).
        source: the sentence as written.
        text: its translation.
        score: the engine's score (see :class:`Confidence` for what it measures).
        untranslated: the source words the translation left as they were ("incarcerated" in a
            Spanish sentence): the words the engine did not know, names aside.
    """

    translation: str
    source: str
    text: str
    score: float
    untranslated: tuple[str, ...] = ()


@dataclass(frozen=True)
class Confidence:
    """How sure the translation engine was, sentence by sentence.

    Attributes:
        measure: what the scores are: ``known-word share`` (Apertium: the share of words its
            dictionaries knew, 0 to 1) or ``mean token log-probability`` (neural engines: the
            model's own, 0 at best, more negative when less sure).
        low_below: sentences scoring below this are listed as low-confidence, and so are those
            with a word left untranslated, whatever their score.
        sentences: every translated sentence with its score, the full translation's first.
    """

    measure: str
    low_below: float
    sentences: tuple[SentenceConfidence, ...] = ()

    @property
    def low(self) -> list[SentenceConfidence]:
        """The sentences scoring below :attr:`low_below`, and those with a word left untranslated."""
        return [s for s in self.sentences if s.score < self.low_below or s.untranslated]


@dataclass
class Result:
    """Everything the pipeline produced for one article; serializes to JSON as is.

    ``meta`` holds the article's byline, date, outlet, canonical address and description (each
    ``None`` where the input does not say). ``duplicate_of`` names the earlier input of the same
    batch this one is a near-copy of; its translation and summaries are then that input's. ``story`` names
    the story a batch grouped it in (see :mod:`summarize.desk.stories`).
    """

    source: str
    source_lang: str
    title: str | None
    text: str
    summaries: dict[str, str]
    translation: Translation | None = None
    engines: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    content_hash: str | None = None
    meta: ArticleMeta = field(default_factory=ArticleMeta)
    duplicate_of: str | None = None
    story: str | None = None
    # what an editor reads beside the text: the document's names, the finder that found them, and
    # the page furniture that was taken out of the text
    names: list[dict[str, str]] = field(default_factory=list)
    name_finder: str | None = None
    removed: list[dict[str, str]] = field(default_factory=list)
    # quality signals: the translation engine's confidence per sentence (None: it gives none), and
    # the sentences below its threshold (translation, source, text, score)
    confidence: Confidence | None = None
    low_confidence: list[SentenceConfidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-ready data (``json.dumps(result.to_dict())`` just works)."""
        return dataclasses.asdict(self)


def content_hash(text: str) -> str:
    """A stable short hash of text (used for caches, dedup and resume)."""
    # surrogatepass: a hash must never fail, whatever a caller's string holds
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
