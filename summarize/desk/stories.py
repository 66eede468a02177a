"""Stories: articles about one event, in Spanish or English, grouped as records arrive.

Every article is compared in English: its own text, or the translation the pipeline made of it.
Two articles are about one event when their similarity (:func:`similarity`) reaches
:data:`DEFAULT_THRESHOLD`; shared names and numbers weigh most, since translation keeps them
while it changes the words around them. An article joins the story of its most similar earlier
article, or starts a new one.

While a batch runs, :class:`StoryIndex` gives each record a story as it lands (the record's
``story``): a resumed or extended batch first takes back the stories its records already carry
(:meth:`StoryIndex.restore`), so earlier articles keep their story and new ones join them. That
grouping follows the arrival order. The digest groups the whole set again with
:func:`cluster_stories`, which does not: it takes the articles in the canonical order
(:mod:`.canonical`), weighs names and words by their rarity in the whole set, and names each
story after its first article in that order (``s-`` + a hash of that article's text), so the same
records give the same stories and ids whatever their order, batches or engine.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..document import content_hash
from .canonical import rank_of, record_key
from .evidence import Evidence, evidence_of

__all__ = ["DEFAULT_THRESHOLD", "StoryIndex", "cluster_stories", "similarity", "story_id"]

DEFAULT_THRESHOLD = 0.3
NAME_WEIGHT = 0.45
NUMBER_WEIGHT = 0.15
WORD_WEIGHT = 0.40
WORD_SCALE = 3.5  # a weighted word Jaccard of 0.29 between two articles is already full evidence
MIN_SHARED_NAMES = 1


def story_id(founder: str) -> str:
    """The id of the story an article with id ``founder`` started."""
    return "s-" + content_hash(founder)[:10]


Weight = Callable[[str], float]


def _unit(_: str) -> float:
    return 1.0


def _overlap(a: frozenset[str], b: frozenset[str], weight: Weight) -> float:
    """Weighted shared items over the lighter set (a short article inside a long one still counts)."""
    if not a or not b:
        return 0.0
    shared = sum(weight(t) for t in a & b)
    return shared / min(sum(weight(t) for t in a), sum(weight(t) for t in b))


def _jaccard(a: frozenset[str], b: frozenset[str], weight: Weight) -> float:
    if not a or not b:
        return 0.0
    return sum(weight(t) for t in a & b) / sum(weight(t) for t in a | b)


def similarity(a: Evidence, b: Evidence, weight: Weight = _unit) -> float:
    """How likely two articles report one event, 0-1: weighted name, number and word overlap.

    Args:
        a, b: the two articles' evidence.
        weight: how much one name, number or word counts (:class:`StoryIndex` gives rare ones
            more: two articles sharing "United States" say less than two sharing "Coatepeque").

    Numbers count only together with a shared name: two articles that both mention 2025 are not
    one story for that alone.
    """
    shared_names = len(a.names & b.names)
    names = _overlap(a.names, b.names, weight)
    numbers = _overlap(a.numbers, b.numbers, weight) if shared_names >= MIN_SHARED_NAMES else 0.0
    words = _jaccard(a.words, b.words, weight)
    score = NAME_WEIGHT * names + NUMBER_WEIGHT * numbers + WORD_WEIGHT * min(1.0, WORD_SCALE * words)
    if shared_names < MIN_SHARED_NAMES and a.names and b.names:
        score *= 0.5  # both name people or places, and not the same ones
    return round(score, 4)


@dataclass
class _Member:
    id: str
    story: str
    evidence: Evidence


@dataclass
class StoryIndex:
    """The stories of one batch so far; assign each new record to one (thread-safe).

    Args:
        threshold: the similarity from which an article joins another's story.
    """

    threshold: float = DEFAULT_THRESHOLD
    _members: list[_Member] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _df: Counter[str] = field(default_factory=Counter)

    def _weight(self, item: str) -> float:
        """Inverse document frequency among the articles so far (a new item counts as seen once)."""
        return math.log((len(self._members) + 2) / (self._df[item] + 1)) + 0.1

    def __len__(self) -> int:
        return len(self._members)

    def assign(self, record: Mapping[str, Any]) -> str | None:
        """The story id for a result record (``None`` for an error record); remembers the record.

        A record that already names a ``story`` keeps it; a duplicate (``duplicate_of``) joins its
        original's story.
        """
        if isinstance(record.get("error"), dict) or "text" not in record:
            return None
        key = str(record.get("id") or record.get("source") or "")
        evidence = evidence_of(record)
        with self._lock:
            self._df.update(evidence.names | evidence.numbers | evidence.words)
            story = record.get("story") or self._story_of(record.get("duplicate_of"))
            if not story:
                best, best_score = None, 0.0
                for member in self._members:
                    score = similarity(evidence, member.evidence, self._weight)
                    if score > best_score:
                        best, best_score = member, score
                story = best.story if best is not None and best_score >= self.threshold else story_id(key)
            self._members.append(_Member(key, str(story), evidence))
            return str(story)

    def _story_of(self, key: object) -> str | None:
        if not key:
            return None
        for member in self._members:
            if member.id == key:
                return member.story
        return None

    def restore(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Take back records written earlier (a resumed batch), each with its own story when it has one."""
        for record in records:
            self.assign(record)

    def assign_all(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Give every record without a ``story`` one, in order; the records are updated in place."""
        out = []
        for record in records:
            story = self.assign(record)
            if story is not None:
                record["story"] = story
            out.append(record)
        return out


def cluster_stories(records: Iterable[Mapping[str, Any]], threshold: float = DEFAULT_THRESHOLD,
                    originals: Mapping[str, str] | None = None) -> dict[str, str]:
    """The story of every result record of a whole set, the same whatever order the set comes in.

    Records are taken in the canonical order (earliest published, then a hash of the text); each
    joins the story of its most similar earlier record when their :func:`similarity` reaches
    ``threshold``, else starts one, named after its text (``s-`` + a hash). Names, numbers and
    words weigh by their rarity in the whole set.

    Args:
        records: batch records (error records are left out).
        threshold: the similarity from which an article joins another's story.
        originals: ``{near-copy's key: its original's key}``: a near-copy joins its original's story.

    Returns:
        ``{record key: story id}``.
    """
    results = sorted((r for r in records if not isinstance(r.get("error"), dict) and "text" in r), key=rank_of)
    evidence = [evidence_of(r) for r in results]
    df: Counter[str] = Counter()
    for e in evidence:
        df.update(e.names | e.numbers | e.words)
    total = len(results)

    def weight(item: str) -> float:
        return math.log((total + 1) / (df[item] + 1)) + 0.1

    originals = originals or {}
    stories: dict[str, str] = {}
    for n, (record, own) in enumerate(zip(results, evidence, strict=True)):
        key = record_key(record)
        original = originals.get(key)
        if original in stories:
            stories[key] = stories[str(original)]
            continue
        best, best_score = -1, 0.0
        for m in range(n):
            score = similarity(own, evidence[m], weight)
            if score > best_score:
                best, best_score = m, score
        if best >= 0 and best_score >= threshold:
            stories[key] = stories[record_key(results[best])]
        else:
            stories[key] = story_id(rank_of(record)[1])
    return stories
