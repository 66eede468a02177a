"""The story brief: per story, about 100 words in English and in Spanish, each sentence cited.

The digest is a function of the set of records, not of their order: near-copies are found again
over the whole set (:func:`~summarize.desk.duplicates.canonical_duplicates`; a near-copy shows its
original's model work), stories are grouped again (:func:`~summarize.desk.stories.cluster_stories`),
and articles, stories and candidates are taken in the canonical order (:mod:`.canonical`).

The brief is extractive across the story's articles and works with whatever engine made their
summaries: its sentences are taken from the original articles' own summaries (``summaries.en``
and ``summaries.es``), the most central first (the sentences whose content words the other
articles share most), a sentence that repeats one already taken is left out, and each sentence
cites the articles that state it, with the sentence of each it rests on (:mod:`.citations`). The
Spanish brief takes the same sentences from the Spanish summaries, matched by position or by
shared names and numbers. A sentence whose translation the engine scored low is marked.
The story's title is its members' most central headline in each language (:mod:`.titles`).

Every name and number of a brief is checked against the text of the articles it cites; one that
none of them holds becomes a warning. Where articles give different numbers for the same thing
(the same word after the number) or spell one person's name differently, the story says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..text.segment import split_sentences
from .canonical import rank_of, record_key
from .citations import Quote, article_sentences, cite
from .duplicates import REUSED, canonical_duplicates
from .evidence import content_words, extract_names, extract_numbers, fold_name, normalise, record_names, record_text
from .stories import cluster_stories
from .titles import story_titles

__all__ = ["BRIEF_WORDS", "Digest", "SourceEntry", "StoryBrief", "build_digest"]

BRIEF_WORDS = 100
TOP_NAMES = 6
LOW_MATCH = 0.7  # share of a brief sentence's words a low-scored translated sentence must hold to mark it
NEAR_COPY = "a near-copy of "
REPEAT = 0.6  # a sentence this much of whose content words one already taken holds says nothing new
_NUMBER_UNIT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)*)\s+(?:de\s+)?([^\W\d]{3,})", re.UNICODE)
_UNIT_STOP = frozenset(["and", "the", "of", "per", "por", "and", "y", "de", "del", "que", "who", "which", "years", "año", "años"])


@dataclass(frozen=True)
class SourceEntry:
    """One article of a story, as the brief cites it (``[n]``).

    Attributes:
        n: its citation number within the story.
        id: the batch record's id.
        title: its title (``None`` when it has none).
        lang: its language.
        site_name, date, url, author: from its metadata (``None`` where absent); ``url`` is the
            canonical address, else the address it was read from.
        duplicate_of: the id of the article it nearly copies.
        warnings: what its own record warned about.
        low_confidence: its translation was flagged as doubtful by the pipeline.
    """

    n: int
    id: str
    title: str | None
    lang: str
    site_name: str | None
    date: str | None
    url: str | None
    author: str | None = None
    duplicate_of: str | None = None
    warnings: tuple[str, ...] = ()
    low_confidence: bool = False


@dataclass(frozen=True)
class Sentence:
    """One sentence of a brief, the articles it cites and the sentence of each it rests on.

    Attributes:
        text: the sentence.
        cites: the citation numbers of the articles that state it, its own article first.
        quotes: per cited article, the sentence it rests on (in the brief's language).
        low_confidence: the sentence is a machine translation the engine scored low.
    """

    text: str
    cites: tuple[int, ...]
    quotes: tuple[Quote, ...] = ()
    low_confidence: bool = False

    def cited_text(self) -> str:
        """The sentence with its citations, and a mark when its translation is doubtful."""
        mark = " (low-confidence translation)" if self.low_confidence else ""
        return f"{self.text}{mark} {' '.join(f'[{n}]' for n in self.cites)}".strip()


@dataclass
class StoryBrief:
    """One story: its articles, its brief in both languages, what the outlets disagree on."""

    id: str
    title: str | None
    date: str | None
    sources: list[SourceEntry]
    brief: dict[str, list[Sentence]]
    names: list[tuple[str, int]]
    disagreements: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def brief_text(self, lang: str) -> str:
        """The brief in ``lang`` as plain text with its citations (``... [1] [3]``)."""
        return " ".join(s.cited_text() for s in self.brief.get(lang, []))


@dataclass
class Digest:
    """Every story of a batch output, newest first."""

    stories: list[StoryBrief]
    articles: int
    failed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (each brief also as text with its citations)."""
        data = asdict(self)
        for story, out in zip(self.stories, data["stories"], strict=True):
            out["brief_text"] = {lang: story.brief_text(lang) for lang in ("en", "es")}
        return data


def build_digest(records: Iterable[Mapping[str, Any]], *, words: int = BRIEF_WORDS) -> Digest:
    """Group records into stories and brief each story; the same digest for the same set in any order.

    Args:
        records: batch output records (error records are counted and skipped). Their own
            ``story`` and ``duplicate_of`` (what the batch found as they arrived) are not used:
            both are found again over the whole set.
        words: about how many words each brief has.

    Returns:
        The digest, stories newest first (by their newest dated article; undated last), ties in
        the order of their ids.
    """
    results: list[dict[str, Any]] = []
    failed = 0
    for record in records:
        if isinstance(record.get("error"), dict):
            failed += 1
        else:
            results.append(dict(record))
    results = canonical_records(results)
    stories = cluster_stories(results, originals={r["id"]: r["duplicate_of"] for r in results if r["duplicate_of"]})
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in results:
        record["story"] = stories[record_key(record)]
        groups.setdefault(record["story"], []).append(record)
    briefs = [_story(story, members, words) for story, members in sorted(groups.items())]
    briefs.sort(key=lambda s: s.date or "", reverse=True)
    return Digest(stories=briefs, articles=len(results), failed=failed)


def canonical_records(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of ``records`` in the canonical order, each near-copy naming its canonical original.

    A near-copy takes its original's model work (translation, summaries, engines, confidence),
    whichever of them did the work while the batch ran, and its near-copy note is rewritten to
    name that original; the records' own notes of that kind are dropped.
    """
    ordered = sorted((dict(r) for r in records), key=rank_of)
    for record in ordered:
        record["id"] = record_key(record)
    by_key = {r["id"]: r for r in ordered}
    copies = canonical_duplicates(ordered)
    for record in ordered:
        warnings = [w for w in record.get("warnings") or () if not str(w).startswith(NEAR_COPY)]
        match = copies.get(record["id"])
        record["duplicate_of"] = match.key if match else None
        if match:
            original = by_key[match.key]
            for name in (*REUSED, "confidence", "low_confidence"):
                record[name] = original.get(name)
            warnings = [w for w in original.get("warnings") or () if not str(w).startswith(NEAR_COPY)]
        record["warnings"] = warnings
    return ordered


def _meta(record: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = record.get("meta")
    return meta if isinstance(meta, Mapping) else {}


def _entry(n: int, record: Mapping[str, Any]) -> SourceEntry:
    meta = _meta(record)
    source = str(record.get("source") or "")
    url = meta.get("canonical_url") or (source if source.startswith(("http://", "https://")) else None)
    return SourceEntry(
        n=n, id=str(record.get("id") or source), title=record.get("title"), lang=str(record.get("source_lang") or ""),
        site_name=meta.get("site_name"), date=meta.get("date"), url=url, author=meta.get("author"),
        duplicate_of=record.get("duplicate_of"), warnings=tuple(record.get("warnings") or ()),
        low_confidence=bool(record.get("low_confidence")),
    )


def _story(story: str, members: list[dict[str, Any]], words: int) -> StoryBrief:
    sources = [_entry(n, r) for n, r in enumerate(members, start=1)]
    texts = {lang: [record_text(r, lang) for r in members] for lang in ("en", "es")}
    sentences = {lang: [article_sentences(t, lang) for t in texts[lang]] for lang in ("en", "es")}
    originals = [r for r in members if not r.get("duplicate_of")] or members
    en = _select(members, originals, texts["en"], words)
    brief = {"en": [_sentence(text, "en", sentences["en"], k, members[k]) for text, _, k, _ in en],
             "es": _spanish(members, en, sentences["es"])}
    dated = [s.date for s in sources if s.date]
    titles = story_titles(members, texts)
    story_brief = StoryBrief(id=story, title=titles.get("en") or titles.get("es"), date=max(dated) if dated else None,
                             sources=sources, brief=brief, names=_top_names(members),
                             disagreements=_disagreements(members, sources), titles=titles)
    both = {lang: [record_text(r, lang) + "\n\n" + _text_of_both(r) for r in members] for lang in ("en", "es")}
    story_brief.warnings = _checks(story_brief, both)
    return story_brief


def _sentence(text: str, lang: str, sentences: Sequence[Sequence[str]], k: int,
              record: Mapping[str, Any]) -> Sentence:
    quotes = tuple(cite(text, lang, sentences, k))
    return Sentence(text, tuple(q.n for q in quotes), quotes, _low_confidence(text, record))


def _low_confidence(text: str, record: Mapping[str, Any]) -> bool:
    """Whether ``text`` is (most of) a translated sentence of ``record`` that its engine scored low."""
    own = content_words(text)
    flat = normalise(text)
    items = record.get("low_confidence")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            continue
        low = normalise(item["text"])
        if low and (low in flat or flat in low):
            return True
        words = content_words(item["text"])
        if own and words and len(own & words) / min(len(own), len(words)) >= LOW_MATCH:
            return True
    return False


def _text_of_both(record: Mapping[str, Any]) -> str:
    return "\n\n".join(filter(None, (record_text(record, "en"), record_text(record, "es"))))


def _summary_sentences(record: Mapping[str, Any], lang: str) -> list[str]:
    summary = str((record.get("summaries") or {}).get(lang) or "")
    return [s.strip() for s in split_sentences(" ".join(summary.split()), lang) if s.strip()]


def _select(members: Sequence[Mapping[str, Any]], originals: Sequence[Mapping[str, Any]], texts: Sequence[str],
            words: int) -> list[tuple[str, tuple[int, ...], int, int]]:
    """English sentences for the brief: ``(text, cites, article index, sentence index)``."""
    article_words = [content_words(t) for t in texts]
    candidates: list[tuple[float, int, int, str, set[str]]] = []
    for record in originals:
        k = members.index(record)
        for j, sentence in enumerate(_summary_sentences(record, "en")):
            own = content_words(sentence)
            if not own:
                continue
            support = sum(len(own & aw) / len(own) for aw in article_words)
            candidates.append((support - 0.01 * j, k, j, sentence, own))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[tuple[str, tuple[int, ...], int, int]] = []
    taken: list[set[str]] = []
    count = 0
    for _, k, j, sentence, own in candidates:
        if count >= words:
            break
        if any(len(own & t) / len(own) >= REPEAT for t in taken):  # most of what it says is said already
            continue
        length = len(sentence.split())
        if chosen and count + length > words * 1.3:
            continue
        chosen.append((sentence, (), k, j))
        taken.append(own)
        count += length
    # in the order of the story: earliest article first, then its summary's order
    chosen.sort(key=lambda c: (c[2], c[3]))
    return chosen


def _spanish(members: Sequence[Mapping[str, Any]], en: Sequence[tuple[str, tuple[int, ...], int, int]],
             sentences: Sequence[Sequence[str]]) -> list[Sentence]:
    """The Spanish brief: each English sentence's counterpart in the same article's Spanish summary."""
    out: list[Sentence] = []
    for sentence, _, k, j in en:
        english = _summary_sentences(members[k], "en")
        spanish = _summary_sentences(members[k], "es")
        if not spanish:
            continue
        if len(spanish) == len(english):
            text = spanish[j]
        else:  # the translation merged or split sentences: the one sharing most names and numbers
            marks = set(extract_numbers(sentence)) | {fold_name(n) for n in extract_names(sentence)}
            text = max(spanish, key=lambda s: (len(marks & (set(extract_numbers(s)) | {fold_name(n)
                                                            for n in extract_names(s)})), -abs(spanish.index(s) - j)))
        if out and out[-1].text == text:
            continue
        out.append(_sentence(text, "es", sentences, k, members[k]))
    return out


def _top_names(members: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """The names most articles mention: ``(name as most often written, articles)``."""
    spelled: dict[str, Counter[str]] = {}
    articles: Counter[str] = Counter()
    for record in members:
        # in English only: a Spanish article's "Estados Unidos" and its translation's "United States"
        # are one name, counted once, as the English brief writes it
        english = record_text(record, "en")
        names = (extract_names(english) if english else extract_names(_text_of_both(record))) + _english_names(record)
        seen: dict[str, None] = {}
        for name in names:
            key = fold_name(name)
            if len(key) < 3 or (" " not in key and not name.isupper()):
                continue  # single words are too often sentence openers or common nouns
            spelled.setdefault(key, Counter())[name] += 1
            seen[key] = None
        articles.update(list(seen))
    # ties broken by mentions, then alphabetically: never by hash order, so a digest is reproducible
    ranked = sorted(articles.items(), key=lambda kv: (-kv[1], -sum(spelled[kv[0]].values()), kv[0]))
    return [(spelled[key].most_common(1)[0][0], n) for key, n in ranked[:TOP_NAMES]]


def _english_names(record: Mapping[str, Any]) -> list[str]:
    """The record's own names (its ``names`` field) as English writes them: a Spanish article's
    established names in their English form, the rest as written."""
    items = record.get("names")
    if record.get("source_lang") != "es" or not isinstance(items, list):
        return record_names(record)

    def established(item: Any) -> bool:
        return isinstance(item, Mapping) and item.get("kind") == "established" and isinstance(item.get("translation"), str)

    rest = [item for item in items if not established(item)]
    return [item["translation"] for item in items if established(item)] + record_names({"names": rest})


def _disagreements(members: Sequence[Mapping[str, Any]], sources: Sequence[SourceEntry]) -> list[str]:
    """Numbers given differently for the same thing, and one surname with different first names."""
    figures: dict[str, dict[str, set[int]]] = {}
    people: dict[str, dict[str, set[int]]] = {}
    for n, record in enumerate(members, start=1):
        own = record_text(record, "en")
        for number, unit in _NUMBER_UNIT.findall(own):
            unit = unit.casefold()
            if unit in _UNIT_STOP or re.fullmatch(r"(19|20)\d\d", number):
                continue
            [value] = extract_numbers(number) or [number]
            figures.setdefault(unit, {}).setdefault(value, set()).add(n)
        for name in extract_names(record_text(record, str(record.get("source_lang") or "en"))):
            parts = name.split()
            if len(parts) == 2 and parts[0][0].isupper() and parts[1][0].isupper() and not name.isupper():
                people.setdefault(fold_name(parts[1]), {}).setdefault(name, set()).add(n)
    notes = []
    for unit, values in figures.items():
        if len(values) > 1:
            said = "; ".join(f"{v} {unit} {_cite(c)}" for v, c in sorted(values.items()))
            notes.append(f"the outlets give different figures for “{unit}”: {said}")
    for spellings in people.values():
        firsts = {name.split()[0].casefold() for name in spellings}
        if len(spellings) > 1 and len(firsts) > 1:
            said = "; ".join(f"{name} {_cite(c)}" for name, c in sorted(spellings.items()))
            notes.append(f"the outlets name a person differently: {said}")
    return notes


def _cite(numbers: Iterable[int]) -> str:
    return " ".join(f"[{n}]" for n in sorted(numbers))


def _checks(story: StoryBrief, texts: Mapping[str, Sequence[str]]) -> list[str]:
    """Names and numbers of the briefs that none of the cited articles holds (either language)."""
    warnings = []
    for lang, sentences in story.brief.items():
        for sentence in sentences:
            cited = " ".join(texts["en"][n - 1] + " " + texts["es"][n - 1] for n in sentence.cites)
            folded = fold_name(cited)
            numbers = set(extract_numbers(cited))
            for name in extract_names(sentence.text):
                if fold_name(name) not in folded:
                    warnings.append(f"{lang} brief: the name “{name}” is not in the articles it cites")
            for number in extract_numbers(sentence.text):
                if number not in numbers:
                    warnings.append(f"{lang} brief: the number {number} is not in the articles it cites")
    return list(dict.fromkeys(warnings))
