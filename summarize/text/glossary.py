"""Fixed renderings of terms, honoured by every translation engine.

A glossary file is tab-separated text, one entry a line: the Spanish term, a tab, the English term.
Lines starting with ``#`` and blank lines are skipped. The columns are always Spanish then English
(as in ``examples/glossary.tsv``), and one file serves both directions: Spanish to English reads
it left to right, English to Spanish right to left. Terms match whole words, ignoring case and
the amount of whitespace between words; the longest term wins where two overlap. The rendering
is written exactly as the file spells it, capitals included.

How the terms reach the output is :class:`summarize.translate.DocumentTranslator`'s job: it masks
every match with a placeholder the engine copies (see :meth:`Translator.placeholders`), and where
an engine alters a placeholder (neural models may), it translates the sentence in pieces around
the terms instead.

What is guaranteed, with any engine: every match in a sentence that gets translated comes out
as its rendering, written exactly as in the file. What is not: that the words around it agree
with it (articles, gender), that a term inflected differently from the file matches, and terms
in sentences left untranslated because they are already in the target language. Apertium keeps
the placeholders (its tests check it), so its sentences are translated whole; whether a real
opus-mt model keeps them could not be checked here (the random-weight test models never do, which
exercises the piecewise route), so with neural engines expect some sentences to take that route
and read less fluently around the terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import ConfigError
from .protect import Span

__all__ = ["Glossary", "GlossaryEntry"]

COLUMNS = ("es", "en")
_FORMAT_HINT = "Each line holds a Spanish term, a tab, and its English rendering; '#' starts a comment."


@dataclass(frozen=True)
class GlossaryEntry:
    """One term pair, with the file line it came from (0 when built in code)."""

    es: str
    en: str
    line: int = 0

    def term(self, lang: str) -> str:
        """The term in ``lang`` (``es`` or ``en``)."""
        return self.es if lang == "es" else self.en


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Glossary:
    """Spanish-English term pairs.

    Attributes:
        entries: the pairs, in file order.
        source: the file they came from, for messages.
    """

    entries: tuple[GlossaryEntry, ...]
    source: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Glossary:
        """Read a glossary file.

        Raises:
            ConfigError: when the file cannot be read, or a line is malformed (the message names
                the file and the line), or a term is given two different renderings.
        """
        path = Path(path).expanduser()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise ConfigError(f"glossary file {path} does not exist",
                              hint="Check the path given to --glossary (or SUMMARIZE_GLOSSARY); "
                                   "see examples/glossary.tsv for the format.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read glossary file {path}: {exc}", hint="Save it as UTF-8 text.") from exc
        entries: list[GlossaryEntry] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            columns = [c.strip() for c in raw.rstrip("\r\n").split("\t")]
            if len(columns) != 2 or not all(columns):
                found = "one column" if len(columns) == 1 else f"{len(columns)} columns" if len(columns) > 2 else "an empty term"
                raise ConfigError(f"{path}, line {number}: expected two tab-separated terms, found {found}",
                                  hint=_FORMAT_HINT)
            entries.append(GlossaryEntry(columns[0], columns[1], number))
        return cls.from_entries(entries, source=str(path))

    @classmethod
    def from_entries(cls, entries: Iterable[GlossaryEntry | tuple[str, str]], *, source: str = "") -> Glossary:
        """Build a glossary from entries or ``(spanish, english)`` pairs.

        Raises:
            ConfigError: when a term is given two different renderings.
        """
        items = tuple(e if isinstance(e, GlossaryEntry) else GlossaryEntry(*e) for e in entries)
        where = source or "the glossary"
        for lang, other in (COLUMNS, COLUMNS[::-1]):
            seen: dict[str, GlossaryEntry] = {}
            for entry in items:
                first = seen.setdefault(_key(entry.term(lang)), entry)
                if _key(first.term(other)) != _key(entry.term(other)):
                    lines = f" (lines {first.line} and {entry.line})" if entry.line else ""
                    raise ConfigError(f"{where} gives {entry.term(lang)!r} two renderings{lines}: "
                                      f"{first.term(other)!r} and {entry.term(other)!r}",
                                      hint="Keep one line per term.")
        return cls(items, source)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, src: str, tgt: str) -> list[Span]:
        """Find the glossary's ``src`` terms in ``text``.

        Returns:
            Non-overlapping spans in order, each with its ``tgt`` rendering as ``replacement``.
        """
        if (src, tgt) not in (COLUMNS, COLUMNS[::-1]):
            return []
        pattern, renderings = self._matcher[src]
        if pattern is None:
            return []
        return [Span(m.start(), m.end(), m.group(), "term", renderings[_key(m.group())])
                for m in pattern.finditer(text)]

    @cached_property
    def _matcher(self) -> dict[str, tuple[re.Pattern[str] | None, dict[str, str]]]:
        out: dict[str, tuple[re.Pattern[str] | None, dict[str, str]]] = {}
        for lang, other in (COLUMNS, COLUMNS[::-1]):
            renderings = {_key(e.term(lang)): e.term(other) for e in self.entries}
            # longest first, so "Departamento de Estado" wins over a shorter term inside it
            terms = sorted({e.term(lang) for e in self.entries}, key=lambda t: (-len(t), t))
            alternatives = [r"\s+".join(re.escape(w) for w in t.split()) for t in terms]
            pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE) if terms else None
            out[lang] = (pattern, renderings)
        return out
