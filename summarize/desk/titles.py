"""A story's title in each language: the members' own headline that says most of what they share.

Candidates are what the records already hold: each article's title (its own, or its
translation's) and its page description; an id, a file name, an address or a line of page
furniture ("Skip to content", "Physical Address", a menu, a cookie notice) is never a candidate.
Of the candidates written in a language, the one whose content words the story's articles share
most is its title; a title read in the language beats a machine translation of one, and an
original's beats a near-copy's. With no
candidate at all, the lead sentence of the story's first article stands in, cut to
:data:`MAX_WORDS` words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..text.segment import cut_words, split_paragraphs, split_sentences
from .evidence import content_words

__all__ = ["MAX_WORDS", "MIN_WORDS", "is_furniture", "story_titles"]

MIN_WORDS = 3
MAX_WORDS = 25

# Lines of page chrome in either language: a title that is one of these (or opens with one) is
# no headline. Kept as phrases, not single words, so that a headline about "home" stays.
_FURNITURE = re.compile(
    r"""^\W*(?:skip\s+to\s+(?:main\s+)?content|skip\s+navigation|jump\s+to|saltar\s+al\s+contenido|ir\s+al\s+contenido
    |(?:physical|postal|mailing|our)\s+address|direcci[oó]n(?:\s+f[ií]sica|\s+postal)?
    |(?:main\s+)?menu|men[uú](?:\s+principal)?|navigation|navegaci[oó]n|toggle\s+navigation
    |home(?:\s+page)?|inicio|portada|search|buscar|sign\s+in|log\s*in|iniciar\s+sesi[oó]n|sign\s+up|register
    |subscribe|suscr[ií]bete|newsletter|bolet[ií]n|contact(?:\s+us)?|contacto|about(?:\s+us)?|qui[eé]nes\s+somos
    |privacy(?:\s+policy)?|pol[ií]tica\s+de\s+(?:privacidad|cookies)|terms\s+of\s+(?:use|service)|t[eé]rminos
    |all\s+rights\s+reserved|todos\s+los\s+derechos|copyright|advertisement|publicidad|anuncio
    |page\s+not\s+found|p[aá]gina\s+no\s+encontrada|404|access\s+denied|just\s+a\s+moment|untitled|sin\s+t[ií]tulo
    |share(?:\s+on)?|compartir|read\s+more|leer\s+m[aá]s|related|relacionad[oa]s|latest\s+news|[uú]ltimas\s+noticias
    )\W*(?:$|[|:\-–—·•])""",
    re.IGNORECASE | re.VERBOSE,
)
_COOKIES = re.compile(r"\bcookies?\b|\bconsent\b|\bconsentimiento\b", re.IGNORECASE)
_ID_LIKE = re.compile(
    r"^(?:[a-z]{1,4}[-_])?[0-9a-f]{6,}$|^[\w.-]+\.(?:txt|md|html?|json|jsonl|xml|pdf)$|^\w+://|^www\.|[/\\]",
    re.IGNORECASE,
)


def is_furniture(title: str | None) -> bool:
    """Whether ``title`` cannot be a story's headline: empty, an id, a path, or page chrome.

    Args:
        title: a candidate title.

    Returns:
        ``True`` for ``None``, fewer than :data:`MIN_WORDS` or more than :data:`MAX_WORDS` words,
        no letters, an id or file name or address, a furniture line or a cookie notice.
    """
    if not title:
        return True
    text = " ".join(title.split())
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not any(c.isalpha() for c in text):
        return True
    return bool(_ID_LIKE.search(text) or _FURNITURE.search(text) or _COOKIES.search(text))


def _candidates(record: Mapping[str, Any], lang: str) -> list[tuple[int, str]]:
    """``(0 for read in ``lang``, 1 for translated; the text)`` of one record's headline evidence."""
    out: list[tuple[int, str]] = []
    if record.get("source_lang") == lang:
        out.append((0, str(record.get("title") or "")))
        meta = record.get("meta")
        if isinstance(meta, Mapping) and isinstance(meta.get("description"), str):
            out.append((0, meta["description"]))
    translation = record.get("translation")
    if isinstance(translation, Mapping) and translation.get("lang") == lang:
        out.append((1, str(translation.get("title") or "")))
    return [(kind, " ".join(text.split())) for kind, text in out if not is_furniture(text)]


def _lead(record: Mapping[str, Any], lang: str) -> str | None:
    """The first sentence of the record's text in ``lang`` that is not furniture."""
    if record.get("source_lang") == lang:
        text = str(record.get("text") or "")
    else:
        translation = record.get("translation")
        text = str(translation.get("text") or "") if isinstance(translation, Mapping) else ""
    for paragraph in split_paragraphs(text):
        for sentence in split_sentences(paragraph, lang):
            sentence = " ".join(sentence.split()).rstrip(".")
            if len(sentence.split()) >= MIN_WORDS and not _FURNITURE.search(sentence) and not _COOKIES.search(sentence):
                return cut_words(sentence, MAX_WORDS)
    return None


def story_titles(members: Sequence[Mapping[str, Any]], texts: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The story's title in ``en`` and ``es`` (a language is left out when nothing gives one).

    Args:
        members: the story's records, in the canonical order, near-copies included.
        texts: per language, each member's text in it (own or translated), for centrality.
    """
    titles: dict[str, str] = {}
    for lang in ("en", "es"):
        article_words = [content_words(t, lang) for t in texts.get(lang, ())]
        chosen = None
        best: tuple[int, int, float, int] | None = None
        for position, record in enumerate(members):
            copy = 1 if record.get("duplicate_of") else 0  # a near-copy's own headline, after the originals'
            for kind, text in _candidates(record, lang):
                own = content_words(text, lang)
                if not own:
                    continue
                shared = sum(len(own & words) / len(own) for words in article_words)
                key = (-kind, -copy, round(shared, 6), -position)
                if best is None or key > best:
                    best, chosen = key, text
        if chosen is None:
            chosen = next((lead for r in members if not r.get("duplicate_of") and (lead := _lead(r, lang))), None)
        if chosen:
            titles[lang] = chosen
    return titles
