"""Near-duplicates in a batch: wire copies and light rewrites of one article.

Each text is normalised (:func:`~summarize.desk.evidence.normalise`), cut into overlapping
:data:`SHINGLE_WORDS`-word shingles and reduced to a MinHash signature (datasketch); an LSH index
finds earlier texts whose estimated Jaccard similarity is at least :data:`DEFAULT_THRESHOLD`.
Reordered sentences, a new headline or one rewritten paragraph keep most shingles; two outlets'
own reports of one event share few.

Which of two near-copies is the original does not depend on which came first: it is the earlier
in the canonical order (:mod:`.canonical`: earliest published, then a hash of the text). While a
batch runs, a new text reuses the work of an indexed original only when that original ranks
before it; otherwise it does its own work and is indexed too. :func:`canonical_duplicates` then
groups a whole set of records by the same pairwise test (an LSH band collision and an estimated
Jaccard similarity at the threshold, a test of the two texts alone): every group's first text in
the canonical order is its original, and that text always did its own work, since nothing it
matches ranks before it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .canonical import Rank, rank, rank_of, record_key
from .evidence import normalise

__all__ = ["DEFAULT_THRESHOLD", "DuplicateIndex", "Match", "canonical_duplicates", "shingles"]

SHINGLE_WORDS = 3
NUM_PERM = 128
DEFAULT_THRESHOLD = 0.4
REUSED = ("translation", "summaries", "engines")
MIN_SHINGLES = 8  # shorter texts are too small to call near-copies; exact copies are caught elsewhere


@dataclass(frozen=True)
class Match:
    """An earlier text this one nearly repeats.

    Attributes:
        key: the earlier text's key (its input id).
        similarity: estimated Jaccard similarity of the two texts' shingle sets (0-1).
    """

    key: str
    similarity: float


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The overlapping ``size``-word runs of the normalised text."""
    words = normalise(text).split()
    return {" ".join(words[i:i + size]) for i in range(max(0, len(words) - size + 1))}


class DuplicateIndex:
    """Texts seen so far in a batch, to find the earlier one a new text nearly repeats.

    Safe to share between threads. The first text added under a key is the original; later ones
    that match it are its duplicates (and are not indexed themselves, so every duplicate names
    the original, never another duplicate).

    Args:
        threshold: the estimated Jaccard similarity from which two texts are near-copies.
        num_perm: MinHash permutations (more: closer estimates, slower).
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: dict[str, Any] = {}
        self._ranks: dict[str, Rank] = {}
        self._work: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, key: object) -> bool:
        return key in self._hashes

    def _minhash(self, text: str) -> Any | None:
        from datasketch import MinHash

        parts = shingles(text)
        if len(parts) < MIN_SHINGLES:
            return None
        signature = MinHash(num_perm=self._num_perm)
        signature.update_batch([p.encode("utf-8", "surrogatepass") for p in parts])
        return signature

    def check(self, key: str, text: str, date: str | None = None) -> Match | None:
        """The original ``text`` nearly repeats, or ``None`` (then ``text`` is indexed under ``key``).

        Only an indexed text that ranks before this one (:func:`~summarize.desk.canonical.rank`)
        can be its original: a near-copy that ranks first does its own work, so the work a digest
        shows for a set of near-copies is the same whatever order they came in.

        Args:
            key: the text's input id (unique in the batch).
            text: the article's text.
            date: its publication date, when known (the earlier published is the original).
        """
        signature = self._minhash(text)
        if signature is None:
            return None
        own = rank(text, date, key)
        with self._lock:
            best: Match | None = None
            for other in self._lsh.query(signature):
                if other == key or self._ranks[other] > own:
                    continue
                similarity = float(signature.jaccard(self._hashes[other]))
                if similarity >= self.threshold and (best is None or (similarity, other) > (best.similarity, best.key)):
                    best = Match(other, round(similarity, 3))
            if best is None and key not in self._hashes:
                self._lsh.insert(key, signature)
                self._hashes[key] = signature
                self._ranks[key] = own
            return best

    def keep(self, key: str, record: Mapping[str, Any]) -> None:
        """Remember an original's model work (its record's translation, summaries and engines)."""
        if key in self._hashes and not isinstance(record.get("error"), dict):
            with self._lock:
                self._work[key] = {name: record.get(name) for name in REUSED}

    def work(self, key: str) -> dict[str, Any] | None:
        """The model work kept for ``key`` (see :meth:`keep`), or ``None``."""
        return self._work.get(key)

    def restore(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Index the records a resumed batch already has, as originals with their model work."""
        for record in records:
            if isinstance(record.get("error"), dict) or not record.get("text") or record.get("duplicate_of"):
                continue
            key = str(record.get("id") or record.get("source"))
            self.check(key, str(record["text"]), _date(record))
            self.keep(key, record)


def _date(record: Mapping[str, Any]) -> str | None:
    meta = record.get("meta")
    date = meta.get("date") if isinstance(meta, Mapping) else None
    return date if isinstance(date, str) else None


def canonical_duplicates(records: Iterable[Mapping[str, Any]], threshold: float = DEFAULT_THRESHOLD,
                         num_perm: int = NUM_PERM) -> dict[str, Match]:
    """The near-copies of a whole set of records, each with its original; the same in any order.

    Records that nearly repeat one another, directly or through a chain of copies, form one
    group; its first record in the canonical order is the original of all the others.

    Args:
        records: batch result records (error records and texts too short to compare are left out).
        threshold: the estimated Jaccard similarity from which two texts are near-copies.
        num_perm: MinHash permutations (as the batch's :class:`DuplicateIndex` used).

    Returns:
        ``{copy's key: Match(original's key, their estimated similarity)}``.
    """
    from datasketch import MinHashLSH

    index = DuplicateIndex(threshold=threshold, num_perm=num_perm)
    ranked = sorted((rank_of(r), record_key(r), str(r.get("text") or "")) for r in records
                    if not isinstance(r.get("error"), dict) and r.get("text"))
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: dict[str, Any] = {}
    order: dict[str, Rank] = {}
    for position, key, text in ranked:
        signature = index._minhash(text)
        if signature is not None and key not in signatures:
            signatures[key], order[key] = signature, position
            lsh.insert(key, signature)
    parent = {key: key for key in signatures}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for key, signature in signatures.items():
        for other in lsh.query(signature):
            if other != key and float(signature.jaccard(signatures[other])) >= threshold:
                a, b = root(key), root(other)
                if a != b:  # the earlier-ranked root heads the merged group
                    parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    copies: dict[str, Match] = {}
    for key, signature in signatures.items():
        head = root(key)
        if head != key:
            copies[key] = Match(head, round(float(signature.jaccard(signatures[head])), 3))
    return copies
