"""Turn a :class:`~summarize.document.Source` into a :class:`~summarize.document.Document`.

Which extractor reads a file or a fetched page is decided by the input formats of
:mod:`summarize.registry` (by suffix or content type). The built-in ones: HTML is reduced to the
article with trafilatura; Markdown is rendered with markdown-it and read back as blocks; plain
text is split on blank lines. Bytes are decoded from the declared charset, then UTF-8, then a
detected one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..document import Document, Source
from ..errors import EmptyDocumentError, InputError, UnsupportedInputError
from ..registry import InputFormat, registry
from ..text.segment import split_paragraphs

if TYPE_CHECKING:
    import httpx

    from .fetch import FetchSettings

__all__ = [
    "decode_bytes",
    "document_from_html",
    "document_from_text",
    "extract_html",
    "extract_markdown",
    "extract_text",
    "load_document",
]

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TITLE_CHARS = 200
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<p[ >])", re.IGNORECASE)


def load_document(
    source: Source,
    *,
    fetch_settings: FetchSettings | None = None,
    transport: httpx.BaseTransport | None = None,
    stdin: BinaryIO | None = None,
) -> Document:
    """Read, fetch or take the source's text and reduce it to a document.

    Args:
        source: what to read.
        fetch_settings: limits for URLs.
        transport: an httpx transport for URLs (tests).
        stdin: the stream to read for ``-`` (defaults to ``sys.stdin.buffer``).

    Raises:
        InputError: (and subclasses) when the source cannot be read or holds no text.
    """
    if source.kind == "text":
        return document_from_text(source.value, source=source.label)
    formats = registry()
    if source.kind == "stdin":
        data = (stdin or sys.stdin.buffer).read()
        fmt = formats.input_format("html" if _HTML_SNIFF.match(data[:512]) else "text")
        return _from_bytes(data, fmt, source.label, charset=None)
    if source.kind == "url":
        from .fetch import fetch

        fetched = fetch(source.value, fetch_settings, transport=transport)
        fmt = formats.input_format_for_media_type(fetched.media_type) or formats.input_format("html")
        document = _from_bytes(fetched.content, fmt, source.label, charset=fetched.charset)
        return Document(source.label, document.paragraphs, document.title, url=fetched.url)
    return _from_file(Path(source.value), source.label)


def _from_file(path: Path, label: str) -> Document:
    if not path.exists():
        raise InputError(f"{label}: no such file", source=label, hint="Check the path, or give a URL or '-' for stdin.")
    if path.is_dir():
        raise UnsupportedInputError(
            f"{label} is a directory", source=label, hint="Name a file, or use 'summarize batch' for a folder."
        )
    fmt = registry().input_format_for_suffix(path.suffix)
    if fmt is None:
        raise UnsupportedInputError(
            f"{label}: unsupported file type {path.suffix or '(no extension)'!r}",
            source=label,
            hint=f"Supported: {', '.join(sorted(registry().suffixes()))}.",
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnsupportedInputError(
                f"{label}: file of {size} bytes is larger than the {MAX_FILE_BYTES}-byte limit", source=label
            )
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{label}: permission denied", source=label, hint="Check the file's permissions.") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read file: {exc.strerror or exc}", source=label) from None
    return _from_bytes(data, fmt, label, charset=None)


def _from_bytes(data: bytes, fmt: InputFormat, label: str, *, charset: str | None) -> Document:
    if not data.strip():
        raise EmptyDocumentError(f"{label} is empty", source=label)
    document: Document = fmt.load()(data, source=label, charset=charset)
    return document


def extract_text(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``text`` input format: decode, then :func:`document_from_text`."""
    return document_from_text(decode_bytes(data, source, charset=charset), source=source)


def extract_markdown(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``markdown`` input format: decode, render with markdown-it, read the blocks back."""
    return _document_from_markdown(decode_bytes(data, source, charset=charset), source=source)


def extract_html(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``html`` input format: decode (a ``<meta charset>`` counts), then :func:`document_from_html`."""
    text = decode_bytes(data, source, charset=charset or _meta_charset(data))
    return document_from_html(text, source=source)


def decode_bytes(data: bytes, label: str, *, charset: str | None = None) -> str:
    """Decode bytes as the declared charset, else UTF-8, else the detected charset.

    Raises:
        UnsupportedInputError: for binary data (NUL bytes or no plausible text encoding).
    """
    if b"\x00" in data[:8192]:
        raise UnsupportedInputError(f"{label} looks like a binary file, not text", source=label)
    for candidate in filter(None, (charset, "utf-8")):
        try:
            return data.decode(candidate).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnsupportedInputError(f"{label}: cannot tell the text encoding", source=label,
                                    hint="Save the file as UTF-8.")
    return str(best)


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def document_from_text(text: str, *, source: str) -> Document:
    """Make a document of plain text: blank lines part paragraphs; a short first line is the title.

    Raises:
        EmptyDocumentError: when there is no text.
    """
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    title = None
    first = paragraphs[0]
    if len(paragraphs) > 1 and len(first) <= MAX_TITLE_CHARS and not first.endswith((".", "!", "?", "…", ":", '"', "»")):
        title, paragraphs = first, paragraphs[1:]
    return Document(source=source, paragraphs=tuple(paragraphs), title=title)


def document_from_html(html: str, *, source: str) -> Document:
    """Reduce an HTML page to its article's title and paragraphs with trafilatura.

    Raises:
        EmptyDocumentError: when the page has no article text.
    """
    import trafilatura

    extracted = trafilatura.bare_extraction(
        _drop_comment_sections(html), include_comments=False, include_tables=False, with_metadata=True,
        deduplicate=True, favor_precision=True,
    )
    body = extracted.text if extracted is not None else ""
    title = (extracted.title or None) if extracted is not None else None
    paragraphs = [" ".join(line.split()) for line in (body or "").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise EmptyDocumentError(
            f"{source}: no article text found in the page",
            source=source,
            hint="The page may need JavaScript or be only navigation; save the article text to a file.",
        )
    return Document(source=source, paragraphs=tuple(paragraphs), title=title)


def _drop_comment_sections(html: str) -> str:
    """Remove reader-comment blocks that trafilatura misses on Spanish sites (``class="comentarios"``).

    trafilatura recognizes English class names (``comments``); Spanish-language sites name the
    same block ``comentarios``.
    """
    if "comentario" not in html.lower():
        return html
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    for element in root.xpath(_COMMENT_XPATH):
        element.drop_tree()
    return str(lxml_html.tostring(root, encoding="unicode"))


_COMMENT_XPATH = (
    "//*[contains(translate(@class, 'COMENTARIO', 'comentario'), 'comentario')"
    " or contains(translate(@id, 'COMENTARIO', 'comentario'), 'comentario')]"
)


def _document_from_markdown(text: str, *, source: str) -> Document:
    from lxml import html as lxml_html
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(text)
    if not rendered.strip():
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    root = lxml_html.fragment_fromstring(rendered, create_parent="div")
    title = None
    paragraphs: list[str] = []
    for block in root:
        content = " ".join(block.text_content().split())
        if not content or block.tag in ("pre", "hr", "table"):
            continue
        if block.tag == "h1" and title is None and not paragraphs:
            title = content
        elif block.tag in ("ul", "ol"):
            paragraphs.extend(" ".join(li.text_content().split()) for li in block.iter("li"))
        else:
            paragraphs.append(content)
    if not paragraphs:
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    return Document(source=source, paragraphs=tuple(paragraphs), title=title)
