"""Text whose bytes are not valid in one encoding: mixed UTF-8, and the last resort.

:func:`~summarize.reading.extract.decode_bytes` tries, in order, a byte-order mark, the declared
charset, UTF-8, then these: a text that is mostly UTF-8 with a few bytes of another encoding
(a Latin-1 paragraph pasted into a UTF-8 file) keeps its UTF-8 and reads the stray bytes as
Windows-1252 (:func:`decode_mixed`); a legacy single-byte file goes to charset detection; what
detection cannot place is decoded with replacement characters (:func:`decode_replacing`). Each
of the last ones says in a warning how many bytes it changed.
"""

from __future__ import annotations

__all__ = ["MAX_REPLACED_SHARE", "MIN_UTF8_SHARE", "decode_mixed", "decode_replacing"]

MIN_UTF8_SHARE = 0.2  # of the non-ASCII characters, valid UTF-8 ones needed to call a text "mixed"
MAX_REPLACED_SHARE = 0.05  # more bytes replaced than this and the input is not text but noise
_ESCAPED = range(0xDC80, 0xDD00)  # how ``surrogateescape`` carries an undecodable byte


def decode_mixed(data: bytes, warnings: list[str] | None = None) -> str | None:
    """Decode mostly-UTF-8 bytes, reading each invalid byte as Windows-1252; ``None`` if not mostly UTF-8.

    Args:
        data: bytes that are not valid UTF-8 as a whole.
        warnings: gets one line saying how many bytes were read as Windows-1252.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = sum(1 for c in text if ord(c) in _ESCAPED)
    wide = sum(1 for c in text if ord(c) > 0x7F and ord(c) not in _ESCAPED)
    if not stray or wide < MIN_UTF8_SHARE * (wide + stray):
        return None
    fixed = "".join(_cp1252(c) if ord(c) in _ESCAPED else c for c in text)
    if warnings is not None:
        warnings.append(f"the text mixes encodings: {stray} byte(s) that are not valid UTF-8 were read as "
                        "Windows-1252 (Latin-1)")
    return fixed


def decode_replacing(data: bytes, warnings: list[str] | None = None) -> str | None:
    """UTF-8 with each undecodable byte replaced by U+FFFD; ``None`` when that would be mostly noise.

    Args:
        data: bytes no encoding could be found for.
        warnings: gets one line saying how many bytes were replaced.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    replaced = sum(1 for c in text if ord(c) in _ESCAPED)
    if replaced > MAX_REPLACED_SHARE * len(data):
        return None
    if warnings is not None:
        warnings.append(f"the text encoding could not be told: {replaced} byte(s) were replaced by \ufffd")
    return "".join("\ufffd" if ord(c) in _ESCAPED else c for c in text)


def _cp1252(escaped: str) -> str:
    byte = bytes([ord(escaped) - 0xDC00])
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined: their Latin-1 control
        return byte.decode("latin-1")
