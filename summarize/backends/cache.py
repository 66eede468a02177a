"""A translation (and summary) cache that persists across runs, in one SQLite file.

Keys are hashes of everything that decides an output: the engine, the model (for a local model
directory, also its files' sizes and modification times, so a retrained model is not served stale
outputs), the engine settings that change outputs (beam width, length ratio, ...; not batch
sizes), the direction or summary length, and the text itself. Values are the outputs.

:class:`CachedTranslator` and :class:`CachedSummarizer` wrap any engine: cached texts never reach
the engine, so a run over text seen before loads no model and does no model work. The cache
lives in the user cache directory (``platformdirs.user_cache_dir("summarize")``), or in
``$SUMMARIZE_CACHE_DIR``; it grows without bound (delete the file to empty it).
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

from ..errors import BatchError
from .base import LengthSpec, Summarizer, Translator
from .checkpoints import fingerprint

__all__ = ["CACHE_DIR_ENV", "CACHE_FILE", "CachedSummarizer", "CachedTranslator", "TextCache", "default_cache_dir"]

CACHE_DIR_ENV = "SUMMARIZE_CACHE_DIR"
CACHE_FILE = "cache.sqlite3"
BUSY_TIMEOUT_S = 30.0
MAX_SQL_VARIABLES = 500  # well under SQLite's limit of bound parameters per statement
_UNKEYED_SETTINGS = frozenset({"batch_size"})  # change speed, not outputs


def default_cache_dir() -> Path:
    """``$SUMMARIZE_CACHE_DIR`` if set, else the platform's user cache folder for ``summarize``."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarize"))


class TextCache:
    """Text outputs stored by key in SQLite; safe to share between threads and processes.

    The connection opens on first use, so the object is cheap to build and can be pickled (a Ray
    actor gets a copy that opens its own connection).

    Args:
        directory: folder of the cache file; ``None`` uses :func:`default_cache_dir`.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(directory if directory is not None else default_cache_dir()).expanduser() / CACHE_FILE
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._lock = threading.Lock()
        self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                                       isolation_level=None)
                # WAL lets several processes (Ray actors, parallel runs) read while one writes
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("CREATE TABLE IF NOT EXISTS entries "
                             "(key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL) WITHOUT ROWID")
            except sqlite3.Error as exc:
                raise BatchError(f"cannot open the cache {self.path}: {exc}",
                                 hint="Pass --cache-dir DIR, set SUMMARIZE_CACHE_DIR, or --no-cache.") from exc
            self._conn = conn
        return self._conn

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Return the stored values of those keys that are present."""
        found: dict[str, str] = {}
        with self._lock:
            conn = self._connection()
            for start in range(0, len(keys), MAX_SQL_VARIABLES):
                part = keys[start : start + MAX_SQL_VARIABLES]
                marks = ",".join("?" * len(part))
                found.update(conn.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", part).fetchall())
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store values (an existing key keeps its first value: outputs are deterministic)."""
        now = time.time()
        rows = [(k, v, now) for k, v in items]
        if not rows:
            return
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN")
            conn.executemany("INSERT OR IGNORE INTO entries (key, value, created) VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")

    def translator(self, inner: Translator) -> CachedTranslator:
        """``inner`` with its outputs looked up in (and saved to) this cache."""
        return CachedTranslator(inner, self)

    def summarizer(self, inner: Summarizer) -> CachedSummarizer:
        """``inner`` with its summaries looked up in (and saved to) this cache."""
        return CachedSummarizer(inner, self)

    def __len__(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Close the connection (it reopens on next use)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


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


def _cached_call(cache: TextCache, namespace: str, texts: Sequence[str], compute: Any) -> list[str]:
    """Outputs for ``texts``: from the cache where present, else from ``compute(missing)``."""
    keys = [_key(namespace, t) for t in texts]
    found = cache.get_many(list(dict.fromkeys(keys)))
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
    if missing:
        outputs = compute(missing)
        fresh = {_key(namespace, t): out for t, out in zip(missing, outputs, strict=True)}
        cache.put_many(fresh.items())
        found.update(fresh)
    return [found[k] for k in keys]


class CachedTranslator(Translator):
    """Any :class:`Translator`, with outputs looked up in (and saved to) a :class:`TextCache`.

    Warnings the engine gives for a text are not cached: a cached text is served without them.

    Args:
        inner: the engine that translates what the cache lacks.
        cache: the store.
    """

    def __init__(self, inner: Translator, cache: TextCache) -> None:
        self.inner = inner
        self.cache = cache
        self.engine = inner.engine
        self._namespaces: dict[str, str] = {}

    def load(self, direction: str | None = None) -> None:
        self.inner.load(direction)

    def describe(self, direction: str) -> dict[str, str]:
        return self.inner.describe(direction)

    def _namespace(self, direction: str) -> str:
        if direction not in self._namespaces:
            engine = _engine_key("translate", self.inner, self.inner.describe(direction))
            self._namespaces[direction] = json.dumps([engine, direction])
        return self._namespaces[direction]

    def translate(self, texts: Sequence[str], src: str, tgt: str, *, warnings: list[str] | None = None) -> list[str]:
        namespace = self._namespace(f"{src}-{tgt}")
        return _cached_call(self.cache, namespace, texts,
                            lambda missing: self.inner.translate(missing, src, tgt, warnings=warnings))


class CachedSummarizer(Summarizer):
    """Any :class:`Summarizer`, with summaries looked up in (and saved to) a :class:`TextCache`.

    Args:
        inner: the engine that summarizes what the cache lacks.
        cache: the store.
    """

    def __init__(self, inner: Summarizer, cache: TextCache) -> None:
        self.inner = inner
        self.cache = cache
        self.engine = inner.engine
        self._base: str | None = None

    def load(self) -> None:
        self.inner.load()

    def describe(self) -> dict[str, str]:
        return self.inner.describe()

    def _namespace(self, lang: str, length: LengthSpec) -> str:
        if self._base is None:
            self._base = _engine_key("summarize", self.inner, self.inner.describe())
        return json.dumps([self._base, lang, length.sentences, length.words])

    def summarize(
        self, texts: Sequence[str], lang: str, length: LengthSpec, *, warnings: list[str] | None = None
    ) -> list[str]:
        namespace = self._namespace(lang, length)
        return _cached_call(self.cache, namespace, texts,
                            lambda missing: self.inner.summarize(missing, lang, length, warnings=warnings))
