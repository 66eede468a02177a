"""The desk's part in a batch run: near-copies found before the models, stories as records land."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .duplicates import DuplicateIndex
from .stories import StoryIndex

__all__ = ["BatchDesk"]


class BatchDesk:
    """The near-duplicate and story indexes of one batch output file.

    A resumed or extended run restores both from the records already written, so earlier
    articles keep their stories and new copies of them reuse their work.
    """

    def __init__(self, *, duplicates: DuplicateIndex | None = None, stories: StoryIndex | None = None) -> None:
        self.duplicates = duplicates if duplicates is not None else DuplicateIndex()
        self.stories = stories if stories is not None else StoryIndex()

    @classmethod
    def resume(cls, records: Iterable[dict[str, Any]]) -> BatchDesk:
        """A desk holding the records of an earlier run of the same output."""
        desk = cls()
        records = list(records)
        desk.duplicates.restore(records)
        desk.stories.restore(records)
        return desk

    def annotate(self, record: dict[str, Any]) -> dict[str, Any]:
        """Give a new record its story (and, when the engine did not look, mark a near-copy)."""
        if isinstance(record.get("error"), dict):
            return record
        key = str(record.get("id") or record.get("source"))
        if "duplicate_of" not in record or (record.get("duplicate_of") is None and key not in self.duplicates):
            meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
            match = self.duplicates.check(key, str(record.get("text") or ""), meta.get("date"))
            record["duplicate_of"] = match.key if match is not None else None
        story = self.stories.assign(record)
        if story is not None:
            record["story"] = story
        return record
