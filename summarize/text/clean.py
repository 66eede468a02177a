"""Characters no article needs, removed before anything reads the text.

Extraction, hashing, engines and the JSON output all assume well-formed text: a lone surrogate
(from a broken JSON escape) cannot even be encoded as UTF-8, NUL and other control characters
confuse engines and readers, a stray byte-order mark sits inside the first word, and bidirectional
overrides make a summary display in another order than it reads.
"""

from __future__ import annotations

import re

__all__ = ["clean_text"]

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 and C1 controls but tab, line feed and carriage return (U+0085, a line break, becomes one);
# byte-order marks inside the text; bidirectional embeddings, overrides and isolates
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufeff\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` without lone surrogates (each becomes U+FFFD), control characters, byte-order marks
    and bidirectional controls; U+0085 (next line) becomes a newline."""
    if text.isascii() and text.isprintable():
        return text
    text = _SURROGATES.sub("\ufffd", text)
    return _UNWANTED.sub("", text.replace("\x85", "\n"))
