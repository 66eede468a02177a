"""Turn a :class:`~summarize.document.Source` into a :class:`~summarize.document.Document`.

Which extractor reads a file or a fetched page is decided by the input formats of
:mod:`summarize.registry` (by suffix or content type). The built-in ones: HTML is reduced to the
article with trafilatura; Markdown is rendered with markdown-it and read back as blocks; plain
text is split on blank lines. Bytes are decoded by their byte-order mark, else the declared
charset, then UTF-8, then a detected one.

Only regular files and stdin are read, each up to :data:`MAX_FILE_BYTES`: a FIFO, a device or a
socket is refused before it is opened for reading (reading one could block forever or never end).
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..document import ArticleMeta, Document, Removed, Source
from ..errors import EmptyDocumentError, InputError, UnsupportedInputError
from ..registry import InputFormat, Registry, given_or_default
from ..text.clean import clean_text
from .charsets import decode_mixed, decode_replacing
from .tidy import headline_shaped, split_blocks, tidy

if TYPE_CHECKING:
    import httpx

    from .fetch import FetchSettings

__all__ = [
    "article_meta",
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
READ_CHUNK_BYTES = 1024 * 1024
STDIN_LABEL = "<stdin>"
# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one (FF FE), so it must be tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_CODECS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")
_TOO_LARGE_HINT = "Save only the article's text, or split it into smaller files."
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<p[ >])", re.IGNORECASE)


def load_document(
    source: Source,
    *,
    fetch_settings: FetchSettings | None = None,
    transport: httpx.BaseTransport | None = None,
    stdin: BinaryIO | None = None,
    formats: Registry | None = None,
) -> Document:
    """Read, fetch or take the source's text and reduce it to a document.

    Args:
        source: what to read.
        fetch_settings: limits for URLs.
        transport: an httpx transport for URLs (tests).
        stdin: the stream to read for ``-`` (defaults to ``sys.stdin.buffer``).
        formats: the input formats (default: the built-in ones and the installed plugins').

    Raises:
        InputError: (and subclasses) when the source cannot be read or holds no text.
    """
    if source.kind == "invalid":
        raise _invalid_entry(source)
    if source.kind == "text":
        return document_from_text(source.value, source=source.label)
    formats = given_or_default(formats)
    if source.kind == "stdin":
        data = _read_stdin(stdin)
        fmt = formats.input_format("html" if _HTML_SNIFF.match(_ascii_head(data)) else "text")
        return _from_bytes(data, fmt, source.label, charset=None)
    if source.kind == "url":
        from .fetch import fetch

        fetched = fetch(source.value, fetch_settings, transport=transport, media_types=formats.media_types())
        fmt = formats.input_format_for_media_type(fetched.media_type) or formats.input_format("html")
        document = _from_bytes(fetched.content, fmt, source.label, charset=fetched.charset)
        return dataclasses.replace(document, source=source.label, url=fetched.url)
    return _from_file(Path(source.value), source.label, formats)


def _invalid_entry(source: Source) -> InputError:
    """The error of a manifest entry that could not be read (see :meth:`Source.invalid`)."""
    return InputError(
        f"{source.label}: {source.problem or 'not a valid entry'}", source=source.label,
        hint="Fix that line of the manifest: one object with 'id' and exactly one of url, path, text "
             "(and lang es or en). The other entries ran; rerun with --resume --retry-failed.",
    )


def _from_file(path: Path, label: str, formats: Registry) -> Document:
    info = _stat(path, label)
    if stat.S_ISDIR(info.st_mode):
        raise UnsupportedInputError(
            f"{label} is a directory", source=label, hint="Name a file, or use 'summarize batch' for a folder."
        )
    _require_regular(info, label)
    fmt = formats.input_format_for_suffix(path.suffix)
    if fmt is None:
        raise UnsupportedInputError(
            f"{label}: unsupported file type {path.suffix or '(no extension)'!r}",
            source=label,
            hint=f"Supported: {', '.join(sorted(formats.suffixes()))}.",
        )
    return _from_bytes(_read_regular_file(path, label), fmt, label, charset=None)


def _stat(path: Path, label: str) -> os.stat_result:
    """``os.stat`` (through symlinks) with its failures as input errors."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{label}: no such file", source=label,
                         hint="Check the path, or give a URL or '-' for stdin.") from None
    except PermissionError:
        raise InputError(f"{label}: permission denied", source=label,
                         hint="Check the permissions of the file and its folders.") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read file: {exc.strerror or exc}", source=label) from None


def _require_regular(info: os.stat_result, label: str) -> None:
    """Refuse anything but a regular file: a FIFO blocks, ``/dev/zero`` never ends.

    Raises:
        UnsupportedInputError: for a named pipe, a device, a socket or another special file.
    """
    if stat.S_ISREG(info.st_mode):
        return
    mode = info.st_mode
    what = ("a named pipe" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a directory" if stat.S_ISDIR(mode) else "a special file")
    raise UnsupportedInputError(
        f"{label} is not a regular file (it is {what})", source=label,
        hint="Save the article to a regular file, or pipe it in: summarize - < FILE.",
    )


def _read_regular_file(path: Path, label: str) -> bytes:
    """Read a regular file of at most :data:`MAX_FILE_BYTES`, whatever it turns into meanwhile.

    The path was checked with ``stat`` already, but it may have been swapped for a FIFO since:
    ``O_NONBLOCK`` keeps the open from waiting for a writer, and ``fstat`` of the descriptor checks
    what was really opened. The read is bounded too, for a file that grows while it is read.

    Raises:
        UnsupportedInputError: not a regular file, or larger than the limit.
        InputError: permission denied or another read failure.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise InputError(f"{label}: permission denied", source=label, hint="Check the file's permissions.") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO opened for writing by nobody on some systems
            raise UnsupportedInputError(f"{label} is not a regular file", source=label,
                                        hint="Save the article to a regular file, or pipe it in: "
                                             "summarize - < FILE.") from None
        raise InputError(f"{label}: cannot read file: {exc.strerror or exc}", source=label) from None
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        _require_regular(info, label)
        if info.st_size > MAX_FILE_BYTES:
            raise UnsupportedInputError(
                f"{label}: file of {info.st_size} bytes is larger than the {MAX_FILE_BYTES}-byte limit",
                source=label, hint=_TOO_LARGE_HINT,
            )
        try:
            data = _read_bounded(handle, MAX_FILE_BYTES + 1, label)
        except OSError as exc:
            raise InputError(f"{label}: cannot read file: {exc.strerror or exc}", source=label) from None
    if len(data) > MAX_FILE_BYTES:
        raise UnsupportedInputError(
            f"{label}: file is larger than the {MAX_FILE_BYTES}-byte limit (it grew while being read)",
            source=label, hint=_TOO_LARGE_HINT,
        )
    return data


def _read_bounded(stream: BinaryIO, limit: int, label: str) -> bytes:
    """Read until end of file or ``limit`` bytes, whichever comes first.

    One ``read(limit)`` is not enough: on a terminal (and other interactive streams) it returns
    after the first line.

    Raises:
        InputError: the stream is non-blocking and has no data now.
        OSError: the read failed.
    """
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = stream.read(min(READ_CHUNK_BYTES, left))
        if chunk is None:  # a non-blocking stream with nothing to read yet
            raise InputError(f"{label}: no data is available to read (the stream is non-blocking)", source=label,
                             hint="Pass the article as a file, or pipe it in with a blocking pipe.")
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_stdin(stdin: BinaryIO | None) -> bytes:
    """Read standard input (or the given stream), at most :data:`MAX_FILE_BYTES`.

    Raises:
        InputError: stdin is closed (``summarize - <&-``) or cannot be read.
        UnsupportedInputError: more than the limit arrived.
    """
    stream = stdin
    if stream is None:
        # Python sets sys.stdin to None when descriptor 0 was closed at startup (summarize - <&-)
        stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
        if stream is None:
            raise _stdin_closed()
    try:
        data = _read_bounded(stream, MAX_FILE_BYTES + 1, STDIN_LABEL)
    except ValueError:  # reading a closed file object
        raise _stdin_closed() from None
    except OSError as exc:
        if exc.errno == errno.EBADF:  # descriptor 0 closed after startup
            raise _stdin_closed() from None
        raise InputError(f"{STDIN_LABEL}: cannot read stdin: {exc.strerror or exc}", source=STDIN_LABEL,
                         hint="Pipe the article in (summarize - < FILE), or name the file instead.") from None
    if len(data) > MAX_FILE_BYTES:
        raise UnsupportedInputError(f"{STDIN_LABEL}: input is larger than the {MAX_FILE_BYTES}-byte limit",
                                    source=STDIN_LABEL, hint=_TOO_LARGE_HINT)
    return data


def _stdin_closed() -> InputError:
    return InputError(f"{STDIN_LABEL}: stdin is closed", source=STDIN_LABEL,
                      hint="Pipe the article in (summarize - < FILE), or name a file or URL instead of '-'.")


def _from_bytes(data: bytes, fmt: InputFormat, label: str, *, charset: str | None) -> Document:
    if not data.strip():
        raise EmptyDocumentError(f"{label} is empty", source=label)
    document: Document = fmt.load()(data, source=label, charset=charset)
    return document


def extract_text(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``text`` input format: decode, then :func:`document_from_text`."""
    warnings: list[str] = []
    text = decode_bytes(data, source, charset=charset, warnings=warnings)
    return _noted(document_from_text(text, source=source), warnings)


def extract_markdown(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``markdown`` input format: decode, render with markdown-it, read the blocks back."""
    warnings: list[str] = []
    text = decode_bytes(data, source, charset=charset, warnings=warnings)
    return _noted(_document_from_markdown(text, source=source), warnings)


def extract_html(data: bytes, *, source: str, charset: str | None = None) -> Document:
    """The ``html`` input format: decode (a ``<meta charset>`` counts), then :func:`document_from_html`."""
    warnings: list[str] = []
    text = decode_bytes(data, source, charset=charset or _meta_charset(data), warnings=warnings)
    return _noted(document_from_html(text, source=source), warnings)


def _noted(document: Document, warnings: list[str]) -> Document:
    return dataclasses.replace(document, warnings=(*document.warnings, *warnings)) if warnings else document


def decode_bytes(data: bytes, label: str, *, charset: str | None = None, warnings: list[str] | None = None) -> str:
    """Decode bytes by their byte-order mark, else the declared charset, else UTF-8, else a detected one.

    Bytes that are mostly UTF-8 keep it, their few invalid bytes read as Windows-1252; what no
    encoding fits is decoded with replacement characters (:mod:`.charsets`), and ``warnings``
    gets a line saying how many bytes either changed.

    A byte-order mark wins over a declared charset, as in browsers: it is in the bytes themselves,
    while a header or ``<meta>`` may be stale. UTF-16 and UTF-32 text is full of NUL bytes, so the
    binary check comes after the marks and a declared wide charset.

    Args:
        data: the raw bytes.
        label: the input's name for messages.
        charset: the charset the input declares (an HTTP header, a ``<meta>``), if any.
        warnings: gets what the reader should know about the decoding.

    Raises:
        UnsupportedInputError: for binary data (NUL bytes or no plausible text encoding), or text
            that is not valid in the encoding its byte-order mark or declared wide charset names.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom):], encoding, label, claim=f"its byte-order mark says {encoding.upper()}")
    wide = _wide_codec(charset)
    if wide is not None and b"\x00" in data[:8192]:
        return _decode_strict(data, _byte_order(data, wide), label, claim=f"it is declared as {charset!r}")
    if wide is not None:
        # a UTF-16 declaration on bytes without NULs is a stale header or a copied <meta> (the HTML
        # standard reads such a page as UTF-8 for the same reason): decode as if nothing was declared
        charset = None
    if b"\x00" in data[:8192]:
        raise UnsupportedInputError(f"{label} looks like a binary file, not text", source=label,
                                    hint="Give a .txt, .md or .html article (UTF-16 text needs a byte-order mark).")
    for candidate in filter(None, (charset, "utf-8")):
        try:
            return data.decode(candidate).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            continue
    mixed = decode_mixed(data, warnings)
    if mixed is not None:
        return mixed
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    replaced = decode_replacing(data, warnings)
    if replaced is None:
        raise UnsupportedInputError(f"{label}: cannot tell the text encoding", source=label,
                                    hint="Save the file as UTF-8.")
    return replaced


def _wide_codec(charset: str | None) -> str | None:
    """The Python codec name when ``charset`` is a UTF-16 or UTF-32 one (``UTF16``, ``utf-16le``...)."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    return name if name in _WIDE_CODECS else None


def _byte_order(data: bytes, codec: str) -> str:
    """``utf-16``/``utf-32`` without a mark: tell the byte order from where the NUL bytes fall.

    Mostly-ASCII markup in little-endian UTF-16 has its NULs at odd offsets; big-endian at even
    ones. Without NULs to go by, big-endian is what RFC 2781 says to assume.
    """
    if codec not in ("utf-16", "utf-32"):
        return codec
    head = data[:4096]
    width = 2 if codec == "utf-16" else 4
    little = sum(1 for i in range(0, len(head) - width + 1, width) if head[i] != 0 and head[i + width - 1] == 0)
    big = sum(1 for i in range(0, len(head) - width + 1, width) if head[i] == 0 and head[i + width - 1] != 0)
    return f"{codec}-{'le' if little > big else 'be'}"


def _decode_strict(data: bytes, encoding: str, label: str, *, claim: str) -> str:
    """Decode as the encoding a mark or declaration names; no guessing past it.

    Raises:
        UnsupportedInputError: the bytes are not valid in that encoding, or decode to NULs.
    """
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnsupportedInputError(
            f"{label}: {claim}, but the bytes are not valid {encoding.upper()} ({exc.reason})",
            source=label, hint="Save the file as UTF-8.",
        ) from None
    if "\x00" in text[:8192]:
        raise UnsupportedInputError(f"{label} looks like a binary file, not text", source=label)
    return text


def _ascii_head(data: bytes, size: int = 512) -> bytes:
    """The first bytes as ASCII-compatible bytes, for sniffing markup in UTF-16/32 text too."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            head = data[len(bom):len(bom) + size * 4].decode(encoding, errors="ignore")
            return head.encode("utf-8", errors="ignore")[:size]
    return data[:size]


def _meta_charset(data: bytes) -> str | None:
    head = data[:8192]
    match = _META_CHARSET.search(head)
    if match is None and b"\x00" in head:
        # UTF-16/32 markup without a byte-order mark: its ASCII letters are spread out by NULs
        match = _META_CHARSET.search(head.replace(b"\x00", b""))
    return match.group(1).decode("ascii").lower() if match else None


def document_from_text(text: str, *, source: str) -> Document:
    """Make a document of plain text: paragraphs as :func:`~summarize.reading.tidy.split_blocks`
    reads them, furniture taken out, a short first line as the title (:func:`~summarize.reading.tidy.tidy`).

    Raises:
        EmptyDocumentError: when there is no text.
    """
    paragraphs = split_blocks(clean_text(text))
    if not paragraphs:
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    return _tidied(source, paragraphs)


def _tidied(source: str, paragraphs: list[str], *, title: str | None = None, headings: Iterable[int] = (),
            find_title: bool = True, candidates: Sequence[str] = (), captions: Sequence[str] = ()) -> Document:
    tidied = tidy(paragraphs, title=title, headings=headings, find_title=find_title, candidates=candidates,
                  captions=captions)
    if not tidied.paragraphs:  # nothing but furniture: better the text as it is than nothing
        return Document(source=source, paragraphs=tuple(paragraphs), title=tidied.title)
    return Document(source=source, paragraphs=tidied.paragraphs, title=tidied.title, headings=tidied.headings,
                    removed=tidied.removed)


def document_from_html(html: str, *, source: str) -> Document:
    """Reduce an HTML page to its article's title and paragraphs with trafilatura.

    Raises:
        EmptyDocumentError: when the page has no article text.
        UnsupportedInputError: when the HTML stack cannot parse the markup at all (an SVG or other
            XML saved as ``.html``, markup nested beyond the parser's limits).
    """
    html = clean_text(html)
    import trafilatura
    from lxml import etree

    try:
        extracted = trafilatura.bare_extraction(
            _drop_comment_sections(html), include_comments=False, include_tables=False, with_metadata=True,
            # trafilatura's deduplication remembers text across calls (a process-wide cache): the same
            # article read twice, or two pages sharing paragraphs, came back empty the second time;
            # repeats within one page are dropped below instead
            deduplicate=False, favor_precision=True,
        )
    # the HTML libraries' own failures on markup that is not a web page (lxml asserts on some SVG trees)
    except (AssertionError, RecursionError, ValueError, etree.LxmlError) as exc:
        raise UnsupportedInputError(
            f"{source}: the markup cannot be read as a web page ({type(exc).__name__} in the HTML parser)",
            source=source, hint="Is it an HTML article? An SVG or XML file saved as .html is not; save the "
                                "article's text to a .txt file.") from exc
    body = extracted.text if extracted is not None else ""
    meta = article_meta(extracted)
    paragraphs = [" ".join(line.split()) for line in (body or "").split("\n")]
    # a repeated headline is kept twice here: it is evidence for the title, and tidy lists it as removed
    paragraphs = [p for i, p in enumerate(paragraphs) if p and (p not in paragraphs[:i] or headline_shaped(p))]
    if not paragraphs:
        raise EmptyDocumentError(
            f"{source}: no article text found in the page",
            source=source,
            hint="The page may need JavaScript or be only navigation; save the article text to a file.",
        )
    from .page import page_evidence

    page = page_evidence(html, site_name=meta.site_name,
                         extracted=(extracted.title or None) if extracted is not None else None)
    document = _tidied(source, paragraphs, candidates=page.titles, captions=page.captions)
    # captions the extractor left out of the body are still the article's: listed, never lost
    listed = {r.text for r in document.removed}
    dropped = tuple(Removed("caption", c) for c in page.captions if c not in listed and c not in document.paragraphs)
    return dataclasses.replace(document, meta=meta, removed=(*document.removed, *dropped))


def article_meta(extracted: Any) -> ArticleMeta:
    """The byline, date, outlet, canonical address and description trafilatura found in a page.

    Args:
        extracted: what ``trafilatura.bare_extraction(..., with_metadata=True)`` returned (its
            ``Document``), or ``None``.

    Returns:
        The metadata, each value ``None`` where the page does not give it (never an empty string).
    """
    if extracted is None:
        return ArticleMeta()

    def value(name: str) -> str | None:
        text = getattr(extracted, name, None)
        text = " ".join(str(text).split()) if text is not None else ""
        return text or None

    return ArticleMeta(author=value("author"), date=value("date"), site_name=value("sitename"),
                       canonical_url=value("url"), description=value("description"))


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

    rendered = MarkdownIt("commonmark").render(clean_text(text))
    if not rendered.strip():
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    root = lxml_html.fragment_fromstring(rendered, create_parent="div")
    title = None
    paragraphs: list[str] = []
    headings: list[int] = []
    for block in root:
        content = " ".join(block.text_content().split())
        if not content or block.tag in ("pre", "hr", "table"):
            continue
        if block.tag == "h1" and title is None and not paragraphs:
            title = content
        elif block.tag in ("ul", "ol"):
            paragraphs.extend(" ".join(li.text_content().split()) for li in block.iter("li"))
        else:
            if block.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                headings.append(len(paragraphs))
            paragraphs.append(content)
    if not paragraphs:
        raise EmptyDocumentError(f"{source} holds no text", source=source)
    return _tidied(source, paragraphs, title=title, headings=headings, find_title=False)
