"""A translation (and summary) cache that persists across runs, in one SQLite file.

Keys are hashes of everything that decides an output: the engine, the model (for a local model
directory, also its files' sizes and modification times, so a retrained model is not served stale
outputs), the engine settings that change outputs (beam width, length ratio, ...; not batch
sizes), the direction or summary length, and the text itself. Values are the outputs, with what
the engine noted about each (its score, its notes: see :class:`~summarize.backends.base.Scored`),
so a result served from the cache is the result computed anew.

:class:`CachedTranslator` and :class:`CachedSummarizer` wrap any engine: cached texts never reach
the engine, so a run over text seen before loads no model and does no model work. The cache
lives in the user cache directory (``platformdirs.user_cache_dir("summarize")``), or in
``$SUMMARIZE_CACHE_DIR``; it grows without bound (delete the file to empty it). A cache that
cannot be used never stops a run (see :class:`TextCache`): it is replaced or switched off, with a
warning in the results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .base import LengthSpec, Noted, Scored, Summarizer, Translator
from .checkpoints import fingerprint

__all__ = ["CACHE_DIR_ENV", "CACHE_FILE", "CachedSummarizer", "CachedTranslator", "TextCache", "default_cache_dir"]

CACHE_DIR_ENV = "SUMMARIZE_CACHE_DIR"
CACHE_FILE = "cache.sqlite3"
BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1  # PRAGMA user_version of the files this version writes (0: made before it was set)
COLUMNS = ("key", "value", "created")
MAX_SQL_VARIABLES = 500  # well under SQLite's limit of bound parameters per statement
_UNKEYED_SETTINGS = frozenset({"batch_size"})  # change speed, not outputs


def default_cache_dir() -> Path:
    """``$SUMMARIZE_CACHE_DIR`` if set, else the platform's user cache folder for ``summarize``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarize"))


class _Unreadable(Exception):
    """The cache file is not one this version can read: another program's, damaged, or newer."""


class TextCache:
    """Text outputs stored by key in SQLite; safe to share between threads and processes.

    The connection opens on first use, so the object is cheap to build and can be pickled (a Ray
    actor gets a copy that opens its own connection, and gives its own warnings).

    A cache never stops a run: outputs are what the engines compute, the cache only saves work.

    * a file that is not a cache this version can read (not SQLite, damaged, another schema, a
      newer ``user_version``) is renamed ``cache.sqlite3.corrupt-<timestamp>`` (with its ``-wal``
      and ``-shm`` files) and a new cache is built in its place;
    * a cache that cannot be opened (its folder cannot be made, permission denied) or written
      (disk full) or read is switched off for the rest of the run: every text goes to the engine,
      as with ``--no-cache``.

    Either way one warning is given, the first problem's (a later one switches the cache off
    without another): it is in :attr:`warnings`, and :meth:`take_warnings` hands it over once, which
    is how :class:`CachedTranslator` and :class:`CachedSummarizer` put it in a result's warnings.

    Args:
        directory: folder of the cache file; ``None`` uses :func:`default_cache_dir`.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(directory if directory is not None else default_cache_dir()).expanduser() / CACHE_FILE
        self._start()

    def _start(self) -> None:
        """The state of a cache not used yet (a pickled copy starts here too, in its own process)."""
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._off = False
        self.warnings: list[str] = []
        self._unsaid: list[str] = []

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._start()

    @property
    def enabled(self) -> bool:
        """False once a problem switched the cache off for the rest of the run."""
        return not self._off

    def take_warnings(self) -> list[str]:
        """The warnings not handed over yet (each is handed over once)."""
        with self._lock:
            unsaid, self._unsaid = self._unsaid, []
        return unsaid

    def _warn(self, message: str) -> None:
        if not self.warnings:  # one warning a run: the first problem is the one to fix
            self.warnings.append(message)
            self._unsaid.append(message)

    def _switch_off(self, why: str) -> None:
        """Stop using the cache for the rest of the run (the engines compute everything)."""
        self._drop_connection()
        self._off = True
        self._warn(f"the translation cache {self.path} cannot be used ({why}); it is off for the rest of this "
                   "run and every text is computed anew (--cache-dir DIR picks another folder, --no-cache "
                   "skips the cache)")

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass  # the connection is being given up because it failed; nothing more to do with it
            self._conn = None

    def _connection(self) -> sqlite3.Connection | None:
        """The open connection; ``None`` when the cache is off. Call with ``_lock`` held."""
        if self._conn is None and not self._off:
            try:
                self._conn = self._open()
            except _Unreadable as exc:
                self._replace(str(exc), recheck=True)
            except (sqlite3.Error, OSError) as exc:
                self._switch_off(f"cannot open it: {_reason(exc)}")
        return self._conn

    def _open(self) -> sqlite3.Connection:
        """Connect, and check (or create) the table.

        Raises:
            _Unreadable: the file is not a cache this version can read.
            sqlite3.Error, OSError: it cannot be opened.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
        try:
            _check_schema(conn)  # first: a file that is not ours is judged before anything changes it
            # WAL lets several processes (Ray actors, parallel runs) read while one writes
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_damage(exc):
                raise _Unreadable(f"{exc}") from None
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    def _replace(self, why: str, *, recheck: bool) -> None:
        """Move an unreadable cache file aside and open a new one; switch off if that fails.

        Args:
            why: what is wrong with the file.
            recheck: open it once more first (it failed to open, rather than failed in use).
        """
        self._drop_connection()
        if recheck:
            try:
                # another process (a Ray actor, a parallel run) may have replaced it a moment ago:
                # moving that new cache aside would throw its work away
                self._conn = self._open()
                return
            except (sqlite3.Error, OSError, _Unreadable):
                pass
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while aside.exists():  # never over an earlier copy: it may be what someone wants back
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):  # a journal of the old file must not be replayed into the new one
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
            self._conn = self._open()
        except (sqlite3.Error, OSError, _Unreadable) as exc:
            self._switch_off(f"{why}, and it could not be replaced: {_reason(exc)}")
            return
        self._warn(f"the translation cache {self.path} could not be read ({why}); it was moved to {aside.name} "
                   "and a new, empty cache is used")

    def _failed(self, exc: sqlite3.Error, doing: str) -> None:
        """A read or write failed mid-run: replace a damaged file, else switch off."""
        if _is_damage(exc) and not self.warnings:
            self._replace(f"{exc}", recheck=False)
        else:
            self._switch_off(f"cannot {doing} it: {_reason(exc)}")

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the stored values of those keys that are present (none while the cache is off)."""
        found: dict[str, str] = {}
        with self._lock:
            conn = self._connection()
            if conn is None:
                return found
            try:
                for start in range(0, len(keys), MAX_SQL_VARIABLES):
                    part = keys[start : start + MAX_SQL_VARIABLES]
                    marks = ",".join("?" * len(part))
                    found.update(conn.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})",
                                              part).fetchall())
            except sqlite3.Error as exc:
                self._failed(exc, "read")
                return {}
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store values (an existing key keeps its first value: outputs are deterministic).

        Nothing is stored while the cache is off; a write that fails (disk full) switches it off.
        """
        now = time.time()
        rows = [(k, v, now) for k, v in items]
        if not rows:
            return
        with self._lock:
            conn = self._connection()
            if conn is None:
                return
            try:
                conn.execute("BEGIN")
                conn.executemany("INSERT OR IGNORE INTO entries (key, value, created) VALUES (?, ?, ?)", rows)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # the connection is dropped next; SQLite rolls back what it never committed
                self._failed(exc, "write")

    def translator(self, inner: Translator) -> CachedTranslator:
        """``inner`` with its outputs looked up in (and saved to) this cache."""
        return CachedTranslator(inner, self)

    def summarizer(self, inner: Summarizer) -> CachedSummarizer:
        """``inner`` with its summaries looked up in (and saved to) this cache."""
        return CachedSummarizer(inner, self)

    def __len__(self) -> int:
        with self._lock:
            conn = self._connection()
            if conn is None:
                return 0
            try:
                return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
            except sqlite3.Error as exc:
                self._failed(exc, "read")
                return 0

    def close(self) -> None:
        """Close the connection (it reopens on next use, unless the cache was switched off)."""
        with self._lock:
            self._drop_connection()


def _check_schema(conn: sqlite3.Connection) -> None:
    """Accept this version's table (creating it in an empty file); refuse anything else.

    Raises:
        _Unreadable: a newer schema version, other tables, or an ``entries`` table of other columns.
    """
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise _Unreadable(f"it was made by a newer summarize: schema version {version}, this one reads "
                          f"{SCHEMA_VERSION}")
    if not _columns(conn):
        conn.execute("BEGIN IMMEDIATE")  # another process may be creating it at this moment
        try:
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if not tables:
                conn.execute("CREATE TABLE entries "
                             "(key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL) WITHOUT ROWID")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if "entries" not in tables and tables:
            raise _Unreadable(f"it holds other tables ({', '.join(sorted(tables))}), not a summarize cache")
    columns = _columns(conn)
    if columns != COLUMNS:
        raise _Unreadable(f"its table entries has the columns {', '.join(columns)}, not {', '.join(COLUMNS)}")


def _columns(conn: sqlite3.Connection) -> tuple[str, ...]:
    return tuple(row[1] for row in conn.execute("PRAGMA table_info(entries)"))


def _is_damage(exc: sqlite3.Error) -> bool:
    """The file is not a database, or a damaged one (as opposed to one that cannot be reached)."""
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
    return str(exc)


def _settings(engine: Any) -> dict[str, Any]:
    config = getattr(engine, "config", None)
    if config is None or not dataclasses.is_dataclass(config) or isinstance(config, type):
        return {}
    return {k: v for k, v in dataclasses.asdict(config).items() if k not in _UNKEYED_SETTINGS}


def _engine_key(role: str, engine: Any, described: dict[str, str]) -> str:
    """What identifies an engine's outputs: its name, model (fingerprinted) and settings."""
    return json.dumps([role, described.get("engine", ""), fingerprint(described.get("model", "")),
                       _settings(engine)], sort_keys=True, default=str)


def _key(namespace: str, text: str) -> str:
    return hashlib.sha256(f"{namespace}\x00{text}".encode()).hexdigest()


def _cached_call(cache: TextCache, namespace: str, texts: Sequence[str], compute: Any,
                 warnings: list[str] | None, *, whole_call: bool = False) -> list[str]:
    """Outputs for ``texts``: from the cache where present, else from ``compute(missing)``.

    A cache that is off sends every text to ``compute``, as if there were none. The cache's warning
    (a file moved aside, the cache switched off) goes to ``warnings`` once, when the call has them.

    ``whole_call`` is for engines whose output for a text depends on the rest of the call (not
    batch-invariant): a text is then stored under the whole call's texts, and any miss sends the
    whole call to ``compute``, so a cached output is always the one the same call makes uncached.
    """
    try:
        if whole_call:
            namespace = f"{namespace}\x00{hashlib.sha256(json.dumps(list(texts)).encode()).hexdigest()}"
        keys = [_key(namespace, t) for t in texts]
        found = cache.get_many(list(dict.fromkeys(keys))) if cache.enabled else {}
        if not cache.enabled:  # off before, or since this lookup: the engine gets the call unchanged
            return list(compute(list(texts)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        if missing and whole_call:
            missing = list(texts)
        if missing:
            outputs = compute(missing)
            fresh = {_key(namespace, t): out for t, out in zip(missing, outputs, strict=True)}
            cache.put_many(fresh.items())
            found.update(fresh)
        return [found[k] for k in keys]
    finally:
        if warnings is not None:  # else it waits for a call that has somewhere to put it
            warnings.extend(cache.take_warnings())


# the namespace of outputs stored with their score and notes (``[text, score, notes]``); entries
# of earlier versions (a bare text, or ``[text, score]``) lack the notes, so they are not read
NOTED = "noted"


class CachedTranslator(Translator):
    """Any :class:`Translator`, with outputs looked up in (and saved to) a :class:`TextCache`.

    A text's score and notes are stored with its translation, and served with it. Warnings the
    engine gives for the whole call (in ``warnings=``) are not cached: they are about that call.

    Args:
        inner: the engine that translates what the cache lacks.
        cache: the store.
    """

    def __init__(self, inner: Translator, cache: TextCache) -> None:
        self.inner = inner
        self.cache = cache
        self.engine = inner.engine
        self.keeps_placeholders = inner.keeps_placeholders
        self.protects_names = inner.protects_names
        self.confidence = inner.confidence
        self.batch_invariant = inner.batch_invariant
        self._namespaces: dict[str, str] = {}

    def load(self, direction: str | None = None) -> None:
        self.inner.load(direction)

    def describe(self, direction: str) -> dict[str, str]:
        return self.inner.describe(direction)

    def placeholders(self, text: str, spans: Sequence[Any]) -> list[str]:
        return self.inner.placeholders(text, spans)

    def name_renderings(self, names: Sequence[str], src: str, tgt: str) -> dict[str, str | None]:
        return self.inner.name_renderings(names, src, tgt)

    def translated_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        return self.inner.translated_names(names, src, tgt)

    def protected_names(self, names: Sequence[str], src: str, tgt: str) -> set[str]:
        return self.inner.protected_names(names, src, tgt)

    def _namespace(self, direction: str) -> str:
        if direction not in self._namespaces:
            engine = _engine_key("translate", self.inner, self.inner.describe(direction))
            self._namespaces[direction] = json.dumps([engine, direction])
        return self._namespaces[direction]

    def translate_scored(self, texts: Sequence[str], src: str, tgt: str, *,
                         warnings: list[str] | None = None) -> list[Scored]:
        namespace = json.dumps([self._namespace(f"{src}-{tgt}"), NOTED])

        def compute(missing: list[str]) -> list[str]:
            return [json.dumps([s.text, s.score, list(s.notes),
                                None if s.untranslated is None else list(s.untranslated)])
                    for s in self.inner.translate_scored(missing, src, tgt, warnings=warnings)]

        stored = (json.loads(v) for v in _cached_call(self.cache, namespace, texts, compute, warnings,
                                                       whole_call=not self.batch_invariant))
        # an entry stored before the untranslated words were (three fields) has none to say
        return [Scored(text, score, tuple(notes), None if not rest or rest[0] is None else tuple(rest[0]))
                for text, score, notes, *rest in stored]


class CachedSummarizer(Summarizer):
    """Any :class:`Summarizer`, with summaries looked up in (and saved to) a :class:`TextCache`.

    A summary's notes are stored with it, and served with it; the engine's call-level warnings are not.

    Args:
        inner: the engine that summarizes what the cache lacks.
        cache: the store.
    """

    def __init__(self, inner: Summarizer, cache: TextCache) -> None:
        self.inner = inner
        self.cache = cache
        self.engine = inner.engine
        self.batch_invariant = getattr(inner, "batch_invariant", False)
        self._base: str | None = None

    def load(self) -> None:
        self.inner.load()

    def describe(self) -> dict[str, str]:
        return self.inner.describe()

    def _namespace(self, lang: str, length: LengthSpec) -> str:
        if self._base is None:
            self._base = _engine_key("summarize", self.inner, self.inner.describe())
        return json.dumps([self._base, lang, length.sentences, length.words])

    def summarize_noted(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[Noted]:
        namespace = json.dumps([self._namespace(lang, length), NOTED])

        def compute(missing: list[str]) -> list[str]:
            return [json.dumps([s.text, list(s.notes)]) for s in
                    self.inner.summarize_noted(missing, lang, length, warnings=warnings)]

        stored = (json.loads(v) for v in _cached_call(self.cache, namespace, texts, compute, warnings,
                                                       whole_call=not self.batch_invariant))
        return [Noted(text, tuple(notes)) for text, notes in stored]
