"""The batch output file: JSONL, one record per input id, safe against crashes and second writers.

Guarantees, whatever moment a process is killed at (SIGKILL or power loss included):

* each record is one ``write()`` of a whole line to a file opened for appending, so a reader
  never sees two records interleaved, and records written are never rewritten in place;
* a torn last line (no newline, or not JSON) is cut off when the file is next opened;
* a write that fails (disk full, quota, I/O error) is cut back to the last whole line at once and
  stops the run with a :class:`BatchError`, so ``--resume`` completes the file once there is room;
* the file never holds two records for one id: retrying failed inputs first rewrites the file
  without their records, to a temporary file that atomically replaces the original;
* one writer at a time: an OS lock (``flock``/``LockFileEx``) on ``OUT.jsonl.lock``, released by
  the OS when the process dies, so a crash never leaves a stale lock. The lock belongs to the file,
  not to its spelling: ``OUT`` is the output's real path (symlinks and ``..`` resolved), so a
  relative and an absolute path, a symlink or a path through a symlinked folder all meet at one
  lock; and where ``flock`` exists the file itself is locked too, which refuses a second run that
  reaches it through a hard link (another name for the same inode).

Records are fsync'd in groups (see :meth:`Journal.sync`): a power cut loses at most the last group,
which a resumed run redoes.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Self

from ..document import Result, Source
from ..errors import BatchError, SummarizeError

if sys.platform != "win32":
    import fcntl as _fcntl
else:  # pragma: no cover - no flock on Windows; the lock file alone guards the output there
    _fcntl = None

__all__ = ["FAILED", "OK", "Journal", "error_record", "record_status", "to_record"]

OK = "ok"
FAILED = "failed"
MODES = ("new", "resume", "overwrite")
LOCK_SUFFIX = ".lock"
TMP_SUFFIX = ".tmp"
# Characters JSON leaves raw that str.splitlines() and some JSONL readers take for line ends: escaped,
# so that every reader sees one record a line (JSON already escapes \n, \r and the other controls).
_SURROGATE = re.compile("[\ud800-\udfff]")
LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def to_record(source: Source, outcome: Result | SummarizeError) -> dict[str, Any]:
    """The output line for one input: the result's fields, or an error record."""
    if isinstance(outcome, Result):
        record = outcome.to_dict()
        record["id"] = source.id
        return record
    return error_record(source, outcome)


def error_record(source: Source, error: SummarizeError) -> dict[str, Any]:
    """``{"id", "source", "error": {"type", "message", "hint"}}`` for an input that failed."""
    return {"id": source.id, "source": source.label,
            "error": {"type": type(error).__name__, "message": error.message, "hint": error.hint}}


def record_status(record: dict[str, Any]) -> str:
    """``failed`` for an error record, ``ok`` for a result."""
    return FAILED if isinstance(record.get("error"), dict) else OK


class Journal:
    """An append-only JSONL output file, locked for the life of the object.

    Use as a context manager, or call :meth:`close`.

    Args:
        path: the output file (created with its folder when missing). Messages name it as given;
            the file operations and the lock use its real path (see :attr:`real`).
        mode: ``new`` (a file that exists and is not empty is an error), ``resume`` (keep its
            records) or ``overwrite`` (empty it).

    Raises:
        BatchError: the file is locked by another run (under any name: a symlink, a hard link, a
            relative path), cannot be written, is not empty in mode ``new``, or has a damaged line
            before the last one (which only a person can judge).
    """

    def __init__(self, path: str | os.PathLike[str], *, mode: str = "resume") -> None:
        from filelock import FileLock, Timeout

        self.path = Path(path)
        # The real path, not the spelling: the lock must be the same for every name of the file, and
        # the atomic rewrite must replace the file a symlink points to, not the symlink itself.
        self.real = Path(os.path.realpath(self.path))
        self.statuses: dict[str, str] = {}
        self.repaired = 0
        try:
            self.real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"cannot create the folder of {self.path}: {exc.strerror or exc}") from None
        lock_name = f"{self.real}{LOCK_SUFFIX}"
        self._lock = FileLock(lock_name, timeout=0)
        try:
            self._lock.acquire()
        except Timeout:
            raise _locked_error(self.path, f"lock {lock_name} is held") from None
        except OSError as exc:
            raise BatchError(f"cannot lock {lock_name}: {exc.strerror or exc}") from None
        self._fd: int | None = None
        self._inode_fd: int | None = None  # holds the lock on the file itself (see _lock_inode)
        self._failed = False  # a write failed: the run is stopping, don't sync again
        try:
            self._lock_inode()
            self._open(mode)
        except BaseException:
            self._unlock_inode()
            self._lock.release()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, mode: str) -> None:
        """Check, empty or load the file as the mode says."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if not self.real.exists():
            return
        if mode == "overwrite":
            self.truncate()
        elif mode == "new" and self.real.stat().st_size > 0:
            raise BatchError(f"{self.path} already exists and is not empty",
                             hint="Pass --resume to continue that run, or --overwrite to start again.")
        else:
            self._load()

    def _load(self) -> None:
        """Cut a torn tail, read the statuses, and compact if an id appears twice."""
        self.repaired = self._repair_tail()
        duplicated = False
        for _, record in self._records():
            duplicated = duplicated or record["id"] in self.statuses
            self.statuses[record["id"]] = record_status(record)
        if duplicated:  # only a file someone concatenated or edited: keep each id's last record
            self._rewrite(drop=set())

    def _repair_tail(self) -> int:
        with self.real.open("r+b") as f:
            data_end = f.seek(0, os.SEEK_END)
            if data_end == 0:
                return 0
            tail_start = _last_line_start(f, data_end)
            f.seek(tail_start)
            tail = f.read()
            if _parse(tail) is not None:
                if tail.endswith(b"\n"):
                    return 0
                f.write(b"\n")  # a whole record whose newline never came: keep it
            else:
                f.truncate(tail_start)
            f.flush()
            os.fsync(f.fileno())
            return 1

    def _records(self) -> Iterator[tuple[bytes, dict[str, Any]]]:
        with self.real.open("rb") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                record = _parse(line)
                if record is None:
                    raise BatchError(
                        f"{self.path}, line {number} is not a valid record",
                        hint="The file was edited or damaged; fix or delete that line, then resume.",
                    )
                yield line, record

    def records(self) -> Iterator[dict[str, Any]]:
        """The records in the file, in order (a resumed run's earlier work)."""
        if self.real.exists():
            for _, record in self._records():
                yield record

    @property
    def done(self) -> int:
        """Records in the file."""
        return len(self.statuses)

    def truncate(self) -> None:
        """Empty the file (``--overwrite``)."""
        with self.real.open("wb") as f:
            os.fsync(f.fileno())
        self.statuses.clear()

    def drop(self, ids: Iterable[str]) -> None:
        """Remove the records of ``ids`` (failed inputs about to be retried), atomically."""
        doomed = {i for i in ids if i in self.statuses}
        if doomed:
            self._rewrite(drop=doomed)

    def _rewrite(self, *, drop: set[str]) -> None:
        last: dict[str, int] = {}
        for index, (_, record) in enumerate(self._records()):
            last[record["id"]] = index
        tmp = self.real.with_name(self.real.name + TMP_SUFFIX)
        try:
            with tmp.open("wb") as out:
                for index, (line, record) in enumerate(self._records()):
                    if record["id"] not in drop and last[record["id"]] == index:
                        out.write(line)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.real)
        except OSError as exc:
            raise BatchError(f"cannot rewrite {self.path}: {exc.strerror or exc}") from None
        _fsync_dir(self.real.parent)
        # the file is a new inode now: lock it (nobody can have found it yet) and let the old one go
        self._unlock_inode()
        self._lock_inode()
        for i in drop:
            self.statuses.pop(i, None)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record as one line, straight to the OS (no user-space buffer to lose).

        A write that fails (disk full, quota, I/O error) is undone: the file is cut back to its last
        whole line, so that ``--resume`` completes it; if even that fails, the resume's repair of a
        torn last line does it.

        Raises:
            BatchError: the disk is full or the file cannot be written.
        """
        line = (_escape_surrogates(json.dumps(record, ensure_ascii=False).translate(LINE_BREAKS)) + "\n").encode("utf-8")
        start = None
        try:
            if self._fd is None:
                created = not self.real.exists()
                self._fd = os.open(self.real, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                if created:
                    _fsync_dir(self.real.parent)
                    self._lock_inode()  # before anyone could make a hard link to it
            start = os.lseek(self._fd, 0, os.SEEK_END)  # we hold the lock: nobody else appends
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            self._failed = True
            if start is not None:
                self._cut(start)
            raise self._write_error("write", exc) from None
        self.statuses[str(record["id"])] = record_status(record)

    def _cut(self, size: int) -> None:
        """Drop the part of a line a failed write left (best effort: a resume cuts it too)."""
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, size)
        except OSError:
            pass

    def _write_error(self, verb: str, exc: OSError) -> BatchError:
        code = errno.errorcode.get(exc.errno or 0)
        reason = f"{exc.strerror or exc}" + (f" ({code})" if code else "")
        return BatchError(
            f"cannot {verb} {self.path}: {reason}; stopped with {self.done} whole record(s) in it",
            hint="Free some disk space (or fix the disk or quota), then rerun the same command with --resume.",
        )

    def sync(self) -> None:
        """Make the records written so far survive a power cut.

        Raises:
            BatchError: the OS could not flush them (disk full, I/O error).
        """
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                self._failed = True
                raise self._write_error("sync", exc) from None

    def close(self) -> None:
        """Sync, close and release the lock; safe to call twice.

        Raises:
            BatchError: the final sync failed (after a failed write, that is not raised again).
        """
        try:
            if self._fd is not None and not self._failed:
                self.sync()
        finally:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._unlock_inode()
            if self._lock.is_locked:
                self._lock.release()

    def _lock_inode(self) -> None:
        """Lock the file itself, so that a run reaching it by another name (a hard link) is refused.

        The lock on ``OUT.jsonl.lock`` covers every spelling that resolves to one path; a hard link
        is another path to the same inode, which only a lock on the inode sees. Nothing to lock while
        the file does not exist (it is locked as it is created), nor where ``flock`` is missing
        (Windows: its byte-range locks would block this run's own appends).

        Raises:
            BatchError: another run holds the file, or it cannot be opened or locked.
        """
        if _fcntl is None or self._inode_fd is not None:
            return
        try:
            fd = os.open(self.real, os.O_RDONLY)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise BatchError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        try:
            _fcntl.flock(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _locked_error(self.path, "the file itself is locked: that run names it otherwise, "
                                               "through a hard link") from None
            raise BatchError(f"cannot lock {self.path}: {exc.strerror or exc}") from None
        self._inode_fd = fd

    def _unlock_inode(self) -> None:
        """Let go of the lock on the file itself (closing the descriptor releases it)."""
        if self._inode_fd is not None:
            os.close(self._inode_fd)
            self._inode_fd = None


def _locked_error(path: Path, why: str) -> BatchError:
    return BatchError(f"{path} is being written by another run ({why})",
                      hint="Wait for that run to finish, or write to another file with -o.")


def _escape_surrogates(line: str) -> str:
    """Lone surrogates (a file name that is not UTF-8, read with surrogateescape) as JSON escapes:
    UTF-8 cannot hold them raw, and ``json.loads`` gives back the very same string."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _last_line_start(f: Any, end: int) -> int:
    """Offset where the file's last line starts (the line after the last-but-one newline)."""
    position = end - 1  # skip the final byte: a newline there ends the last line, not starts it
    block = 65536
    while position > 0:
        start = max(0, position - block)
        f.seek(start)
        chunk = f.read(position - start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None
    return record


def _fsync_dir(folder: Path) -> None:
    """Make a created or renamed file's directory entry durable (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some platforms/filesystems refuse fsync on directories; the data itself is synced
    finally:
        os.close(fd)
