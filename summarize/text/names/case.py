"""Title Case headlines: telling them from sentence case, and writing them in sentence case."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..tokens import WORD

__all__ = ["is_title_case", "sentence_case"]

# Title Case: most words capitalized, short function words included ("Bukele Offers To Jail ...")
_TITLE_MIN_WORDS = 4


def is_title_case(text: str) -> bool:
    """Whether a line is written in Title Case (English headlines), not in sentence case."""
    words = [w for w in WORD.findall(text) if w[:1].isalpha()]
    if len(words) < _TITLE_MIN_WORDS:
        return False
    capitalized = sum(1 for w in words[1:] if w[:1].isupper())
    return capitalized >= 0.75 * (len(words) - 1)


def sentence_case(text: str, keep: Iterable[str]) -> str:
    """A Title Case line in sentence case, keeping the first word, acronyms and the names in ``keep``."""
    protected: list[tuple[int, int]] = []
    for name in sorted(set(keep), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            protected.append((m.start(), m.end()))
    out = list(text)
    first = True
    for m in WORD.finditer(text):
        word = m.group()
        if first:
            first = False
            continue
        if any(s <= m.start() < e for s, e in protected) or sum(c.isupper() for c in word) > 1:
            continue
        out[m.start()] = word[0].lower()
    return "".join(out)
