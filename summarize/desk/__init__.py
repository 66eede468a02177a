"""The story desk: near-duplicates, stories across languages, and the bilingual story brief.

Modules: :mod:`.evidence` (names, numbers, words), :mod:`.duplicates` (MinHash near-copies),
:mod:`.stories` (grouping), :mod:`.digest` (the briefs), :mod:`.render` (JSON, Markdown, HTML),
:mod:`.command` (what ``summarize digest`` runs).
"""

from __future__ import annotations

from .digest import Digest, SourceEntry, StoryBrief, build_digest
from .duplicates import DuplicateIndex
from .stories import StoryIndex

__all__ = ["Digest", "DuplicateIndex", "SourceEntry", "StoryBrief", "StoryIndex", "build_digest"]
