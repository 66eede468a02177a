"""What ``summarize digest`` and ``summarize batch --digest`` run: read a batch output, write its digest."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import BatchError, InputError
from ..registry import Registry, given_or_default
from .digest import Digest, build_digest
from .render import render_digest

__all__ = ["format_for", "read_records", "write_digest"]


def format_for(output: str | None, fmt: str | None, formats: Registry | None = None) -> str:
    """The digest format: ``fmt`` when given, else from the output's suffix, else Markdown.

    ``formats`` is the registry the names are looked up in (default: the built-in formats and
    the installed plugins').

    Raises:
        ConfigError: an unknown format.
    """
    formats = given_or_default(formats)
    if fmt is None and output and output != "-":
        found = formats.digest_format_for_suffix(Path(output).suffix)
        fmt = found.name if found is not None else None
    return formats.digest_format(fmt or "markdown").name


def read_records(path: str) -> list[dict]:
    """The records of a batch output file (JSONL); a torn last line is skipped.

    Raises:
        InputError: the file is missing or unreadable, or a line before the last is not a record.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="Name the JSONL output of 'summarize batch'.") from None
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise InputError(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines):  # a run cut short mid-write: that input is redone on resume
                break
            raise InputError(f"{path}, line {number} is not JSON ({exc.msg})",
                             hint="Is it the output of 'summarize batch'? Fix or delete that line.") from None
        if not isinstance(record, dict) or not ("error" in record or "text" in record):
            raise InputError(f"{path}, line {number} is not a batch record",
                             hint="Give the JSONL output of 'summarize batch' (or 'summarize -f jsonl').")
        records.append(record)
    return records


def make_digest(path: str) -> Digest:
    """The digest of a batch output file (see :func:`read_records`)."""
    return build_digest(read_records(path))


def write_digest(path: str, output: str | None = None, fmt: str | None = None,
                 formats: Registry | None = None) -> str:
    """Write the digest of batch output ``path`` to ``output`` (``None`` or ``-``: return it only).

    ``formats``: the registry of digest formats (default: the built-in ones and plugins').

    Returns:
        The rendered digest.

    Raises:
        InputError: ``path`` cannot be read as a batch output.
        ConfigError: an unknown format.
        BatchError: ``output`` cannot be written.
    """
    formats = given_or_default(formats)
    fmt = format_for(output, fmt, formats)
    text = render_digest(make_digest(path), fmt, formats)
    if output and output != "-":
        target = Path(output)
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            raise BatchError(f"cannot write the digest {output}: {exc.strerror or exc}",
                             hint="Check the folder exists and has room.") from None
    return text
