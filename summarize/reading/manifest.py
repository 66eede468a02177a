"""Turn ``summarize batch`` inputs into sources with stable, unique ids.

An INPUT is one of:

* a URL: one article, its id the URL;
* a directory: every article file below it (recursively) whose suffix is one the extractor reads
  (``.txt``, ``.md``, ``.html``, ``.htm``, ...), in sorted order; each id is the file's path as
  reached from the directory as given (``news/2025/a.txt``);
* a JSONL manifest (``.jsonl``, ``.ndjson``) or a CSV manifest (``.csv``): one entry per line/row
  with ``id`` and exactly one of ``url``, ``path`` or ``text``, and optionally ``lang``
  (``es``/``en``, which skips language detection); other keys are ignored, so a feed's own
  metadata may stay in the file. A CSV field in quotes may hold newlines (paragraphs of a
  ``text``). An entry that cannot be read (bad JSON, no id, a bad ``lang``...) becomes an
  ``invalid`` source, so that its line gets an error record while the other entries run;
* a list file: one URL or path per line, ``#`` starts a comment; a file is a list when its suffix
  is ``.list``, ``.urls`` or ``.lst``, or when it is a ``.txt`` file whose every line is a URL,
  an existing path, or a single word ending in an article suffix (an article never looks like that);
* a glob (``news/**/*.html``): each match is read as above;
* any other path: one article (a missing file becomes an error record, not a stopped run).

Relative paths inside a manifest or a list resolve against the folder of the file that names
them, so a manifest and its articles can move together.

Problems of a whole file still stop the run before anything is done: a manifest that cannot be
read, a CSV without an ``id`` column or with a quote that is never closed, one id for two inputs,
a glob that matches nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Source
from ..errors import InputError, UnsupportedInputError
from ..registry import InputFormat, Registry, given_or_default
from ..text.langid import SUPPORTED_LANGUAGES

__all__ = ["LIST_SUFFIXES", "MANIFEST_SUFFIXES", "expand_inputs"]

MANIFEST_SUFFIXES = (".jsonl", ".ndjson", ".csv")
LIST_SUFFIXES = (".list", ".urls", ".lst")
ENTRY_KEYS = ("url", "path", "text")
MAX_LIST_SNIFF_BYTES = 1024 * 1024
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_inputs(inputs: Sequence[str], *, since: dt.date | None = None,
                  fetch: Callable[[str], bytes] | None = None, formats: Registry | None = None) -> list[Source]:
    """Expand command-line inputs into one :class:`Source` per article, each with an id.

    Args:
        inputs: directories, globs, list files, manifests, feeds, article paths or URLs.
        since: feeds expand only into entries published on or after this day.
        fetch: downloads a feed URL's bytes (default: :func:`summarize.reading.fetch.fetch` with
            default limits).
        formats: the input formats whose files folders and lists hold (default: the built-in
            ones and the installed plugins').

    Returns:
        The sources in input order (directories and globs sorted); the same input named twice
        appears once.

    Raises:
        InputError: a manifest that cannot be read as a whole (unreadable, no ``id`` column, an
            unclosed quote: named by file and line), a glob that matches nothing, or one id given
            to two different inputs. A single bad entry is not raised: it comes back as an
            ``invalid`` source (see :meth:`Source.invalid`).
    """
    seen: dict[str, Source] = {}
    formats = given_or_default(formats)
    feeds = _Feeds(since, fetch or _fetcher(formats.media_types()), formats)
    for raw in inputs:
        for source in _expand_one(raw, feeds):
            assert source.id is not None
            earlier = seen.get(source.id)
            if earlier is None:
                seen[source.id] = source
            elif earlier != source:
                raise InputError(
                    f"id {source.id!r} names two different inputs ({earlier.label} and {source.label})",
                    source=raw, hint="Give every manifest entry its own id.",
                )
    return list(seen.values())


@dataclass(frozen=True)
class _Feeds:
    """How inputs expand: which entries of a feed to keep, how a feed URL is downloaded, which
    formats (file suffixes) there are."""

    since: dt.date | None
    fetch: Callable[[str], bytes]
    formats: Registry

    def format_for(self, path: Path) -> InputFormat | None:
        fmt = self.formats.input_format_for_suffix(path.suffix)
        return fmt if fmt is not None and fmt.expand is not None else None

    def expand(self, fmt: InputFormat, data: bytes, raw: str) -> list[Source]:
        expand = fmt.load_expand()
        assert expand is not None
        sources: list[Source] = expand(data, source=raw, since=self.since)
        return sources

    def url(self, raw: str) -> list[Source] | None:
        """A feed URL's entries, or ``None`` for an article URL."""
        from .feeds import is_feed_url

        if not is_feed_url(raw):
            return None
        return self.expand(self.formats.input_format("feed"), self.fetch(raw), raw)


def _fetcher(media_types: tuple[str, ...]) -> Callable[[str], bytes]:
    """Download a feed URL with default limits, accepting the content types of these formats."""

    def fetch_bytes(url: str) -> bytes:
        from .fetch import fetch

        return fetch(url, media_types=media_types).content

    return fetch_bytes


def _expand_one(raw: str, feeds: _Feeds) -> Iterator[Source]:
    if raw == "-":
        raise UnsupportedInputError("batch inputs cannot come from stdin", source=raw,
                                    hint="Write the URLs or paths to a list file and name that file.")
    if _URL.match(raw):
        entries = feeds.url(raw)
        yield from entries if entries is not None else [Source(raw, "url", id=raw)]
        return
    path = Path(raw)
    if not path.exists() and _GLOB_CHARS.search(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            raise InputError(f"{raw}: the pattern matches no files", source=raw,
                             hint="Quote the pattern so the shell does not expand it, and check the folder.")
        for match in matches:
            yield from _expand_path(match, feeds)
        return
    yield from _expand_path(raw, feeds)


def _expand_path(raw: str, feeds: _Feeds) -> Iterator[Source]:
    path = Path(raw)
    suffix = path.suffix.lower()
    feed = feeds.format_for(path)
    if path.is_dir():
        yield from _walk(raw, feeds)
    elif feed is not None and path.is_file():
        yield from feeds.expand(feed, _read_bytes(path), raw)
    elif suffix in (".jsonl", ".ndjson") and path.is_file():
        yield from _jsonl_manifest(path)
    elif suffix == ".csv" and path.is_file():
        yield from _csv_manifest(path)
    elif path.is_file() and (suffix in LIST_SUFFIXES or (suffix == ".txt" and _looks_like_list(path, feeds.formats.suffixes()))):
        yield from _list_file(path, feeds)
    else:
        yield Source(raw, "file", id=raw)


def _walk(root: str, feeds: _Feeds) -> Iterator[Source]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(folder, f) for f in files
                     if not f.startswith(".") and Path(f).suffix.lower() in feeds.formats.suffixes())
    for name in sorted(found):
        feed = feeds.format_for(Path(name))
        if feed is not None:
            yield from feeds.expand(feed, _read_bytes(Path(name)), name)
        else:
            yield Source(name, "file", id=name)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it: {exc.strerror or exc}", source=str(path)) from None


def _resolve(base: Path, value: str) -> str:
    """A path from a manifest or list, relative to that file's folder."""
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    return os.path.normpath(os.path.join(base, expanded))


def _read_text(path: Path, *, newline: str | None = None) -> str:
    """The file's text (a UTF-8 BOM dropped); ``newline`` as for :func:`open`."""
    try:
        with path.open(encoding="utf-8-sig", newline=newline) as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})", source=str(path),
                         hint="Save the manifest or list as UTF-8.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}", source=str(path)) from None


def _is_entry(line: str, base: Path, suffixes: tuple[str, ...]) -> bool:
    if _URL.match(line):
        return True
    if " " not in line and Path(line).suffix.lower() in suffixes:
        return True
    return os.path.exists(_resolve(base, line))


def _looks_like_list(path: Path, suffixes: tuple[str, ...]) -> bool:
    try:
        if path.stat().st_size > MAX_LIST_SNIFF_BYTES:
            return False
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # let the article reader report the problem
    lines = list(_list_lines(text))
    return bool(lines) and all(_is_entry(line, path.parent, suffixes) for _, line in lines)


def _lines(text: str) -> list[str]:
    """Lines ended by ``\n`` only (the text was read with universal newlines, so ``\r\n`` is ``\n``).

    Not ``str.splitlines``: it also ends lines at U+2028, U+2029, U+0085 and other characters that a
    JSON string or a file name may hold.
    """
    return text.split("\n")


def _list_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(_lines(text), start=1):
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            yield number, line


def _list_file(path: Path, feeds: _Feeds) -> Iterator[Source]:
    for _, line in _list_lines(_read_text(path)):
        if _URL.match(line) or "://" in line[:12]:
            entries = feeds.url(line) if _URL.match(line) else None
            yield from entries if entries is not None else [Source(line, "url", id=line)]
        else:
            resolved = _resolve(path.parent, line)
            feed = feeds.format_for(Path(resolved))
            if os.path.isdir(resolved):
                yield from _walk(resolved, feeds)
            elif feed is not None and os.path.isfile(resolved):
                yield from feeds.expand(feed, _read_bytes(Path(resolved)), resolved)
            else:
                yield Source(resolved, "file", id=resolved)


def _jsonl_manifest(path: Path) -> Iterator[Source]:
    for number, line in enumerate(_lines(_read_text(path)), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _invalid(path, number, f"not valid JSON ({exc.msg}); each line must be one JSON object")
            continue
        except RecursionError:  # arrays or objects nested thousands deep: valid JSON, but no entry
            yield _invalid(path, number, "JSON nested too deeply; each line must be one flat JSON object")
            continue
        yield _entry(entry, path, number)


def _csv_manifest(path: Path) -> Iterator[Source]:
    # newline="" leaves line ends to the csv module, so a quoted field keeps its newlines (a text's
    # paragraphs); strict=True makes a quote that never closes an error instead of the rest of the file
    text = _read_text(path, newline="")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        raise _unclosed_quote_error(path, text, 1) or InputError(
            f"{path}, line 1: the header row is not valid CSV ({exc})", source=str(path),
            hint="The first row must name the columns: id and one of url, path, text (and lang).") from None
    if "id" not in header:
        raise InputError(f"{path}: the CSV manifest has no 'id' column", source=str(path),
                         hint="The first row must name the columns: id and one of url, path, text (and lang).")
    while True:
        number = reader.line_num + 1  # the row's first line: line_num counts the lines read so far
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            unclosed = _unclosed_quote_error(path, text, number)
            if unclosed is not None:
                raise unclosed from None
            yield _invalid(path, number, f"not valid CSV ({exc})")
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line, or a spreadsheet's row of empty cells
        yield _entry({k: v for k, v in zip(header, row, strict=False) if v != ""}, path, number)


def _unclosed_quote_error(path: Path, text: str, first_line: int) -> InputError | None:
    """An error naming the line where a never-closed quote opens, if one does from ``first_line`` on.

    The csv module reports only that the data ended inside quotes; this follows its rules for the
    default dialect (a quote opens a field only at the field's start; ``""`` inside is a quote) to
    tell where.
    """
    state, opened = "start", 0
    lines = io.StringIO(text, newline="").readlines()
    for number, line in enumerate(lines[first_line - 1:], start=first_line):
        for char in line:
            if state == "quoted":
                state = "quote" if char == '"' else state
            elif state == "quote":  # after a quote inside quotes: "" goes on, anything else closed it
                state = "quoted" if char == '"' else "start" if char in ",\r\n" else "field"
            elif char == '"' and state == "start":
                state, opened = "quoted", number
            else:
                state = "start" if char in ",\r\n" else "field"
    if state != "quoted":
        return None
    return InputError(
        f"{path}, line {opened}: a quoted field opens here and is never closed", source=str(path),
        hint='Close the quote (a quote inside a quoted field is written ""); every line after it was read '
             "as part of that field, so nothing of the manifest was run.",
    )


class _BadEntry(Exception):
    """An entry's problem, turned into an ``invalid`` source by :func:`_entry`."""


def _entry(entry: Any, manifest: Path, number: int) -> Source:
    try:
        return _parse_entry(entry, manifest)
    except _BadEntry as exc:
        return _invalid(manifest, number, str(exc), entry_id=_readable_id(entry))


def _invalid(manifest: Path, number: int, problem: str, *, entry_id: str | None = None) -> Source:
    """A source that fails with ``problem`` when read: the line's own error record, not a stopped run."""
    return Source.invalid(f"{manifest}, line {number}", problem, id=entry_id or f"{manifest}:{number}")


def _readable_id(entry: Any) -> str | None:
    raw_id = entry.get("id") if isinstance(entry, Mapping) else None
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        return None
    return str(raw_id).strip()


def _parse_entry(entry: Any, manifest: Path) -> Source:
    if not isinstance(entry, Mapping):
        raise _BadEntry(f"expected an object with 'id' and one of url, path, text, not {type(entry).__name__}")
    entry_id = _readable_id(entry)
    if entry_id is None:
        raise _BadEntry("every entry needs an 'id' (a string or number)")
    given = [k for k in ENTRY_KEYS if entry.get(k) not in (None, "")]
    if len(given) != 1:
        found = ", ".join(given) or "none of them"
        raise _BadEntry(f"an entry needs exactly one of url, path, text (found {found})")
    key, value, lang = given[0], entry[given[0]], entry.get("lang") or None
    if not isinstance(value, str) or (lang is not None and not isinstance(lang, str)):
        raise _BadEntry(f"{key} and lang must be strings")
    lang = (lang.strip().lower() or None) if lang else None
    if lang is not None and lang not in SUPPORTED_LANGUAGES:
        raise _BadEntry(f"lang {entry['lang']!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")
    if key == "text":
        return Source.from_text(value, id=entry_id, lang=lang)
    if key == "url":
        return Source(value.strip(), "url", id=entry_id, lang=lang)
    return Source(_resolve(manifest.parent, value.strip()), "file", id=entry_id, lang=lang)
