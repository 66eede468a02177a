"""Which sentences of an article can stand alone in a summary, and which lean on a neighbour.

A summary made of whole sentences still reads badly when one of them opens "And he added: ..."
without the sentence that names him, or opens a quotation that closes in a sentence left out.
These pure functions tell a selector which sentences a sentence needs beside it:

- a *dangling opener* (a connective, a pronoun subject, or a Spanish reporting verb with its
  subject dropped: "Y", "But", "He", "Añadió que") needs the sentence before it;
- a sentence that starts inside a quotation needs the one before it, one that ends inside a
  quotation needs the one after it (quotes are followed through each paragraph: straight ``"``,
  curly ``“ ”``, guillemets ``« »`` and the PTB-tokenized `````` ``''``);
- a sentence ending in a colon announces what follows and needs the one after it;
- a *fragment* (a line without sentence-final punctuation, a heading, a two-word scrap) is no
  summary sentence at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["dependencies", "is_dangling", "is_fragment", "is_unfinished", "needed_with", "quote_depths"]

MIN_SENTENCE_WORDS = 4

_OPENERS = {
    "en": """and but or nor so yet also still then however meanwhile moreover furthermore nevertheless
        nonetheless instead besides thus therefore hence otherwise likewise similarly indeed it its
        he she they his her their him them this that these those such there""",
    "es": """y e pero mas o u ni además también tampoco sin embargo no obstante por eso por ello por
        tanto así asimismo aun incluso entonces mientras en cambio de hecho esto eso ello este esta estos
        estas ese esa esos esas él ella ellos ellas su sus lo le les dijo añadió agregó aseguró explicó
        afirmó indicó señaló precisó subrayó recordó insistió admitió reconoció sostuvo apuntó
        advirtió destacó manifestó declaró allí ahí aquí allá""",
}
# two-word connectives are matched before single words ("sin embargo", "por eso")
_PHRASES = {
    "en": ("in addition", "at the same time", "on the other hand", "even so", "as a result"),
    "es": ("sin embargo", "no obstante", "por eso", "por ello", "por tanto", "aun así", "en cambio",
           "de hecho", "mientras tanto", "por su parte", "a su vez", "al mismo tiempo", "por otro lado"),
}
_FIRST_WORDS = {lang: frozenset(words.split()) for lang, words in _OPENERS.items()}
_LEADING = re.compile(r"^[\s\"“”«»‘’'`(\[—–-]*")
_WORD = re.compile(r"\w+")
_FINAL = re.compile(r"[.!?…][\s\"”»’'`)\]]*$|''\s*$")
_OPENING = ("“", "«", "``")
_CLOSING = ("”", "»", "''")
_QUOTE_TOKEN = re.compile(r"``|''|[\"“”«»]")


def is_dangling(sentence: str, lang: str) -> bool:
    """True when the sentence opens with a word that refers back to the one before it."""
    head = _LEADING.sub("", sentence).lower()
    if any(head.startswith((p + " ", p + ",")) for p in _PHRASES.get(lang, ())):
        return True
    match = _WORD.match(head)
    return match is not None and match.group(0) in _FIRST_WORDS.get(lang, frozenset())


def is_unfinished(sentence: str) -> bool:
    """True for text without sentence-final punctuation (a heading, a line cut off)."""
    return not _FINAL.search(sentence.strip())


def is_fragment(sentence: str) -> bool:
    """True for text that is not a sentence: no final punctuation, or fewer than four words."""
    return is_unfinished(sentence) or len(_WORD.findall(sentence)) < MIN_SENTENCE_WORDS


def quote_depths(sentences: Sequence[str]) -> list[tuple[bool, bool]]:
    """For each sentence of one paragraph: does it start inside a quotation, does it end inside one.

    Straight double quotes toggle; curly quotes, guillemets and PTB quotes open and close.
    """
    inside = 0
    straight = False
    out: list[tuple[bool, bool]] = []
    for sentence in sentences:
        starts = inside > 0 or straight
        for token in _QUOTE_TOKEN.findall(sentence):
            if token == '"':
                straight = not straight
            elif token in _OPENING:
                inside += 1
            elif token in _CLOSING:
                inside = max(0, inside - 1)
        out.append((starts, inside > 0 or straight))
    return out


def dependencies(paragraphs: Sequence[Sequence[str]], lang: str) -> list[frozenset[int]]:
    """For every sentence of an article (paragraphs of sentences), the sentences it needs beside it.

    Indices count sentences across the whole article, in order. A dangling opener leans on the
    sentence before it even across a paragraph break; quotations are followed within a paragraph.

    Returns:
        One set per sentence of the indices of its immediate neighbours it depends on (empty for a
        sentence that stands alone).
    """
    needs: list[frozenset[int]] = []
    offset = 0
    for sentences in paragraphs:
        depths = quote_depths(sentences)
        for k, sentence in enumerate(sentences):
            wanted: set[int] = set()
            starts_inside, ends_inside = depths[k]
            if (k > 0 and starts_inside) or (offset + k > 0 and is_dangling(sentence, lang)):
                wanted.add(offset + k - 1)
            if k + 1 < len(sentences) and (ends_inside or sentence.rstrip().endswith(":")):
                wanted.add(offset + k + 1)
            needs.append(frozenset(wanted))
        offset += len(sentences)
    return needs


def needed_with(index: int, needs: Sequence[frozenset[int]]) -> list[int]:
    """The sentence and every sentence it needs, directly or through another, in document order."""
    group = {index}
    frontier = [index]
    while frontier:
        for other in needs[frontier.pop()]:
            if other not in group:
                group.add(other)
                frontier.append(other)
    return sorted(group)
