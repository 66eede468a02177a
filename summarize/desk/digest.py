"""The story brief: per story, about 100 words in English and in Spanish, each sentence cited.

The brief is extractive across the story's articles and works with whatever engine made their
summaries: its sentences are taken from the articles' own summaries (``summaries.en`` and
``summaries.es`` of each record), the most central first (the sentences whose content words the
other articles share most), a sentence that repeats one already taken is left out, and each
sentence cites every article whose text supports it (:func:`_supporting`). The Spanish brief takes
the same sentences from the Spanish summaries, matched by position or by shared names and numbers.

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
from .evidence import content_words, extract_names, extract_numbers, fold_name, record_names, record_text
from .stories import StoryIndex

__all__ = ["BRIEF_WORDS", "Digest", "SourceEntry", "StoryBrief", "build_digest"]

BRIEF_WORDS = 100
TOP_NAMES = 6
SUPPORT = 0.5  # share of a sentence's content words an article must hold to be cited for it
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
    """One sentence of a brief and the articles it cites."""

    text: str
    cites: tuple[int, ...]


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

    def brief_text(self, lang: str) -> str:
        """The brief in ``lang`` as plain text with its citations (``... [1] [3]``)."""
        return " ".join(f"{s.text} {' '.join(f'[{n}]' for n in s.cites)}".strip() for s in self.brief.get(lang, []))


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
    """Group records into stories (those without a ``story`` get one) and brief each story.

    Args:
        records: batch output records (error records are counted and skipped).
        words: about how many words each brief has.

    Returns:
        The digest, stories newest first (by their newest dated article; undated last).
    """
    results: list[dict[str, Any]] = []
    failed = 0
    for record in records:
        if isinstance(record.get("error"), dict):
            failed += 1
        else:
            results.append(dict(record))
    StoryIndex().assign_all(results)
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in results:
        groups.setdefault(str(record["story"]), []).append(record)
    stories = [_story(story, members, words) for story, members in groups.items()]
    stories.sort(key=lambda s: s.date or "", reverse=True)
    return Digest(stories=stories, articles=len(results), failed=failed)


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
    members.sort(key=lambda r: (_meta(r).get("date") or "", str(r.get("id"))))
    sources = [_entry(n, r) for n, r in enumerate(members, start=1)]
    texts = {lang: [record_text(r, lang) + "\n\n" + _text_of_both(r) for r in members] for lang in ("en", "es")}
    originals = [r for r in members if not r.get("duplicate_of")] or members
    en = _select(members, originals, texts["en"], words)
    brief = {"en": [Sentence(text, cites) for text, cites, _, _ in en],
             "es": _spanish(members, en, texts["es"])}
    dated = [s.date for s in sources if s.date]
    title = next((r.get("title") for r in originals if r.get("source_lang") == "en" and r.get("title")), None)
    title = title or next((r.get("title") for r in originals if r.get("title")), None)
    story_brief = StoryBrief(id=story, title=title, date=max(dated) if dated else None, sources=sources,
                             brief=brief, names=_top_names(members), disagreements=_disagreements(members, sources))
    story_brief.warnings = _checks(story_brief, texts)
    return story_brief


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
        cites = _supporting(own, article_words, k)
        chosen.append((sentence, cites, k, j))
        taken.append(own)
        count += length
    # in the order of the story: earliest article first, then its summary's order
    chosen.sort(key=lambda c: (c[2], c[3]))
    return chosen


def _supporting(own: set[str], article_words: Sequence[set[str]], k: int) -> tuple[int, ...]:
    """The citation numbers of the article a sentence comes from and of every article that holds it."""
    cites = {k + 1}
    for i, aw in enumerate(article_words):
        if own and len(own & aw) / len(own) >= SUPPORT:
            cites.add(i + 1)
    return tuple(sorted(cites))


def _spanish(members: Sequence[Mapping[str, Any]], en: Sequence[tuple[str, tuple[int, ...], int, int]],
             texts: Sequence[str]) -> list[Sentence]:
    """The Spanish brief: each English sentence's counterpart in the same article's Spanish summary."""
    out: list[Sentence] = []
    for sentence, cites, k, j in en:
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
        article_words = [content_words(t, "es") for t in texts]
        own = content_words(text, "es")
        out.append(Sentence(text, tuple(sorted(set(cites) | set(_supporting(own, article_words, k))))))
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
