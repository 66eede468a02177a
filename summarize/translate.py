"""Translate whole documents with any :class:`~summarize.backends.Translator`.

Paragraphs are split into sentences, sentences already in the target language pass through,
identical sentences are translated once, batches are formed by the engine, and paragraphs are
rebuilt with their original spacing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .backends.base import Translator
from .langid import LanguageIdentifier
from .segment import split_sentences

__all__ = ["DocumentTranslator"]


@dataclass
class _Piece:
    text: str
    trailing: str
    translate: bool


class DocumentTranslator:
    """Translates lists of paragraphs, sentence by sentence, across many documents at once.

    Args:
        translator: the engine.
        langid: detects sentences already in the target language (``None`` turns that off).
    """

    def __init__(self, translator: Translator, langid: LanguageIdentifier | None = None) -> None:
        self.translator = translator
        self.langid = langid

    def translate(
        self,
        documents: Sequence[Sequence[str]],
        src: str,
        tgt: str,
        *,
        warnings: list[str] | None = None,
    ) -> list[list[str]]:
        """Translate each document's paragraphs from ``src`` to ``tgt``.

        Args:
            documents: per document, its paragraphs (a title can be the first one).
            src: source language.
            tgt: target language.
            warnings: where engine warnings go.

        Returns:
            Per document, the translated paragraphs, one per input paragraph.
        """
        layout: list[list[list[_Piece]]] = []
        for paragraphs in documents:
            layout.append([self._pieces(p, src, tgt) for p in paragraphs])
        unique = list(dict.fromkeys(pc.text for doc in layout for par in doc for pc in par if pc.translate))
        translated = dict(zip(unique, self.translator.translate(unique, src, tgt, warnings=warnings), strict=True))
        return [
            ["".join((translated[pc.text] if pc.translate else pc.text) + pc.trailing for pc in par).strip()
             for par in doc]
            for doc in layout
        ]

    def _pieces(self, paragraph: str, src: str, tgt: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        for sentence in split_sentences(paragraph, src):
            core = sentence.rstrip()
            if not core.strip():
                continue
            trailing = " " if len(core) < len(sentence) else ""
            keep = self.langid is not None and self.langid.segment_language(core) == tgt
            pieces.append(_Piece(core.strip(), trailing, translate=not keep))
        return pieces
