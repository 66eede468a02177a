"""Turn ``summarize batch`` inputs into sources with stable, unique ids.

An INPUT is one of:

* a URL: one article, its id the URL;
* a directory: every article file below it (recursively) whose suffix is one the extractor reads
  (``.txt``, ``.md``, ``.html``, ``.htm``, ...), in sorted order; each id is the file's path as
  reached from the directory as given (``news/2025/a.txt``);
* a JSONL manifest (``.jsonl``, ``.ndjson``) or a CSV manifest (``.csv``): one entry per line/row
  with ``id`` and exactly one of ``url``, ``path`` or ``text``, and optionally ``lang``
  (``es``/``en``, which skips language detection); other keys are ignored, so a feed's own
  metadata may stay in the file;
* a list file: one URL or path per line, ``#`` starts a comment; a file is a list when its suffix
  is ``.list``, ``.urls`` or ``.lst``, or when it is a ``.txt`` file whose every line is a URL,
  an existing path, or a single word ending in an article suffix (an article never looks like that);
* a glob (``news/**/*.html``): each match is read as above;
* any other path: one article (a missing file becomes an error record, not a stopped run).

Relative paths inside a manifest or a list resolve against the folder of the file that names
them, so a manifest and its articles can move together.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..document import Source
from ..errors import InputError, UnsupportedInputError
from ..registry import registry

__all__ = ["LIST_SUFFIXES", "MANIFEST_SUFFIXES", "expand_inputs"]

MANIFEST_SUFFIXES = (".jsonl", ".ndjson", ".csv")
LIST_SUFFIXES = (".list", ".urls", ".lst")
ENTRY_KEYS = ("url", "path", "text")
MAX_LIST_SNIFF_BYTES = 1024 * 1024
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_inputs(inputs: Sequence[str]) -> list[Source]:
    """Expand command-line inputs into one :class:`Source` per article, each with an id.

    Args:
        inputs: directories, globs, list files, manifests, article paths or URLs.

    Returns:
        The sources in input order (directories and globs sorted); the same input named twice
        appears once.

    Raises:
        InputError: a malformed manifest (named by file and line), a glob that matches nothing,
            or one id given to two different inputs.
    """
    seen: dict[str, Source] = {}
    for raw in inputs:
        for source in _expand_one(raw):
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


def _expand_one(raw: str) -> Iterator[Source]:
    if raw == "-":
        raise UnsupportedInputError("batch inputs cannot come from stdin", source=raw,
                                    hint="Write the URLs or paths to a list file and name that file.")
    if _URL.match(raw):
        yield Source(raw, "url", id=raw)
        return
    path = Path(raw)
    if not path.exists() and _GLOB_CHARS.search(raw):
        matches = sorted(glob.glob(raw, recursive=True))
        if not matches:
            raise InputError(f"{raw}: the pattern matches no files", source=raw,
                             hint="Quote the pattern so the shell does not expand it, and check the folder.")
        for match in matches:
            yield from _expand_path(match)
        return
    yield from _expand_path(raw)


def _expand_path(raw: str) -> Iterator[Source]:
    path = Path(raw)
    suffix = path.suffix.lower()
    if path.is_dir():
        yield from _walk(raw)
    elif suffix in (".jsonl", ".ndjson") and path.is_file():
        yield from _jsonl_manifest(path)
    elif suffix == ".csv" and path.is_file():
        yield from _csv_manifest(path)
    elif path.is_file() and (suffix in LIST_SUFFIXES or (suffix == ".txt" and _looks_like_list(path))):
        yield from _list_file(path)
    else:
        yield Source(raw, "file", id=raw)


def _walk(root: str) -> Iterator[Source]:
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(folder, f) for f in files
                     if not f.startswith(".") and Path(f).suffix.lower() in registry().suffixes())
    for name in sorted(found):
        yield Source(name, "file", id=name)


def _resolve(base: Path, value: str) -> str:
    """A path from a manifest or list, relative to that file's folder."""
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded):
        return expanded
    return os.path.normpath(os.path.join(base, expanded))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})", source=str(path),
                         hint="Save the manifest or list as UTF-8.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}", source=str(path)) from None


def _is_entry(line: str, base: Path) -> bool:
    if _URL.match(line):
        return True
    if " " not in line and Path(line).suffix.lower() in registry().suffixes():
        return True
    return os.path.exists(_resolve(base, line))


def _looks_like_list(path: Path) -> bool:
    try:
        if path.stat().st_size > MAX_LIST_SNIFF_BYTES:
            return False
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # let the article reader report the problem
    lines = list(_list_lines(text))
    return bool(lines) and all(_is_entry(line, path.parent) for _, line in lines)


def _list_lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            yield number, line


def _list_file(path: Path) -> Iterator[Source]:
    for _, line in _list_lines(_read_text(path)):
        if _URL.match(line) or "://" in line[:12]:
            yield Source(line, "url", id=line)
        else:
            resolved = _resolve(path.parent, line)
            if os.path.isdir(resolved):
                yield from _walk(resolved)
            else:
                yield Source(resolved, "file", id=resolved)


def _jsonl_manifest(path: Path) -> Iterator[Source]:
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}, line {number}: not valid JSON ({exc.msg})", source=str(path),
                             hint="Each line must be one JSON object.") from None
        yield _entry(entry, path, number)


def _csv_manifest(path: Path) -> Iterator[Source]:
    reader = csv.DictReader(_read_text(path).splitlines())
    if reader.fieldnames is None or "id" not in reader.fieldnames:
        raise InputError(f"{path}: the CSV manifest has no 'id' column", source=str(path),
                         hint="The first row must name the columns: id and one of url, path, text (and lang).")
    for row in reader:
        # csv's line_num counts physical lines read so far: the row's last line
        yield _entry({k: v for k, v in row.items() if k is not None and v not in (None, "")}, path, reader.line_num)


def _entry(entry: Any, manifest: Path, number: int) -> Source:
    where = f"{manifest}, line {number}"
    if not isinstance(entry, Mapping):
        raise InputError(f"{where}: expected an object with 'id' and one of url, path, text", source=str(manifest))
    raw_id = entry.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        raise InputError(f"{where}: every entry needs an 'id' (a string or number)", source=str(manifest))
    given = [k for k in ENTRY_KEYS if entry.get(k) not in (None, "")]
    if len(given) != 1:
        found = ", ".join(given) or "none of them"
        raise InputError(f"{where}: an entry needs exactly one of url, path, text (found {found})",
                         source=str(manifest))
    key, value, lang = given[0], entry[given[0]], entry.get("lang") or None
    if not isinstance(value, str) or (lang is not None and not isinstance(lang, str)):
        raise InputError(f"{where}: {key} and lang must be strings", source=str(manifest))
    entry_id = str(raw_id).strip()
    if key == "text":
        return Source.from_text(value, id=entry_id, lang=lang)
    if key == "url":
        return Source(value.strip(), "url", id=entry_id, lang=lang)
    return Source(_resolve(manifest.parent, value.strip()), "file", id=entry_id, lang=lang)
