"""Translate whole documents with any :class:`~summarize.backends.Translator`.

Paragraphs are split into sentences, sentences already in the target language pass through,
identical sentences are translated once, batches are formed by the engine, and paragraphs are
rebuilt with their original spacing. A :class:`~summarize.glossary.Glossary` is applied here, the
same way for every engine: its terms are masked with placeholders the engine copies and put back
in their fixed rendering; a sentence whose placeholders the engine altered is translated in
pieces around the terms instead, so every rendering reaches the output exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..backends.base import Scored, Translator, tally_notes
from ..text.glossary import Glossary
from ..text.langid import LanguageIdentifier, language_name
from ..text.names import DocumentNames, is_title_case, sentence_case
from ..text.names.titles import title_spans
from ..text.protect import Masked, Span, mask, restore
from ..text.segment import split_sentences
from ..text.tokens import WORD, word_list

__all__ = ["DocumentTranslator", "ScoredSentence", "untranslated_words"]


@dataclass(frozen=True)
class ScoredSentence:
    """One translated sentence of a document, the engine's confidence in it, and the source words
    left untranslated in it (see :func:`untranslated_words`)."""

    source: str
    text: str
    score: float | None
    untranslated: tuple[str, ...] = ()


@dataclass
class _Piece:
    text: str
    trailing: str
    translate: bool
    spans: tuple[Span, ...] = ()  # the document's names in it


class DocumentTranslator:
    """Translates lists of paragraphs, sentence by sentence, across many documents at once.

    Args:
        translator: the engine.
        langid: detects sentences already in the target language (``None`` turns that off).
        glossary: fixed renderings of terms (``None`` for none).
    """

    def __init__(self, translator: Translator, langid: LanguageIdentifier | None = None,
                 glossary: Glossary | None = None) -> None:
        self.translator = translator
        self.langid = langid
        self.glossary = glossary

    def translate(
        self,
        documents: Sequence[Sequence[str]],
        src: str,
        tgt: str,
        *,
        warnings: list[str] | None = None,
        notes: Sequence[list[str]] | None = None,
        names: Sequence[DocumentNames | None] | None = None,
    ) -> list[list[str]]:
        """Translate each document's paragraphs from ``src`` to ``tgt``.

        A paragraph clearly in a third language (neither ``src`` nor ``tgt``) is kept as written:
        the engine knows only ``src``, and would garble it.

        Args:
            documents: per document, its paragraphs (a title can be the first one).
            src: source language.
            tgt: target language.
            warnings: where the engine's call-level warnings go (about the run, not one document:
                the cache moved a damaged file aside); with no ``notes``, the documents' own notes
                too, counted over the call.
            notes: per document, where that document's own warnings go (a paragraph left in French;
                the notes of its sentences' translations, counted in that document alone: "2
                sentence(s) fell into a repetition loop ...", see :attr:`Scored.notes`).
            names: per document, its names (:mod:`summarize.text.names`), kept or rendered in every
                sentence of that document alone; ``None`` for none.

        A sentence's translation depends on the sentence and its own document's names only, never
        on the other documents of the call, as far as the engine's own output for a segment does
        not depend on the other segments of its batch: Apertium's does not (see
        :mod:`summarize.backends.apertium.tagger`); a neural engine's can, through padding and
        batch shape. A sentence shared by several documents (translated once) gives its notes to each.

        Returns:
            Per document, the translated paragraphs, one per input paragraph.
        """
        return self.translate_scored(documents, src, tgt, warnings=warnings, notes=notes, names=names)[0]

    def translate_scored(
        self,
        documents: Sequence[Sequence[str]],
        src: str,
        tgt: str,
        *,
        warnings: list[str] | None = None,
        notes: Sequence[list[str]] | None = None,
        names: Sequence[DocumentNames | None] | None = None,
    ) -> tuple[list[list[str]], list[list[ScoredSentence]]]:
        """Like :meth:`translate`, and per document its translated sentences with their scores.

        Returns:
            ``(paragraphs, sentences)``: per document the translated paragraphs, and every sentence
            the engine translated (not those kept as written) with the engine's confidence.
        """
        per_doc = list(names) if names is not None else [None] * len(documents)
        forms = sorted({form for n in per_doc if n is not None for form in n.renderings(src)})
        engine_says = self.translator.name_renderings(forms, src, tgt) if forms else {}
        engine_translates, engine_keeps = self._engine_translates(forms, src, tgt)
        layout: list[list[list[_Piece]]] = []
        for number, paragraphs in enumerate(documents):
            pieces = []
            doc_names = per_doc[number]
            for paragraph in paragraphs:
                foreign = self._foreign(paragraph, src, tgt)
                if foreign and notes is not None:
                    notes[number].append(f"a paragraph in {language_name(foreign)} was left untranslated "
                                         f"(only Spanish and English are translated)")
                if foreign:
                    pieces.append([_Piece(paragraph, "", translate=False)])
                    continue
                if src == "en" and is_title_case(paragraph):
                    # a Title Case headline reads as a run of names; the document's names stay capitalized
                    paragraph = sentence_case(paragraph, doc_names.renderings(src) if doc_names else ())
                found = self._pieces(paragraph, src, tgt)
                for pc in found:
                    if doc_names is not None and pc.translate:
                        pc.spans = tuple(doc_names.spans(pc.text, src, engine_says,
                                                         engine_protects=self.translator.protects_names,
                                                         translated=engine_translates, kept=engine_keeps))
                    if doc_names is not None and pc.translate and self.translator.protects_names:
                        # a word-by-word engine keeps the source's order of title, nationality and name
                        pc.spans = tuple(_non_overlapping(title_spans(pc.text, src), pc.spans))
                pieces.append(found)
            layout.append(pieces)
        unique = list(dict.fromkeys((pc.text, pc.spans) for doc in layout for par in doc for pc in par if pc.translate))
        translated = {key: Scored(_contract(_final_stop(key[0], out.text), tgt), out.score, out.notes,
                                  untranslated_words(key[0], out.text, tgt, out.untranslated, key[1]))
                      for key, out in zip(unique, self._translate(unique, src, tgt, warnings), strict=True)}
        if notes is not None:  # each document's sentences' notes, counted in that document
            for own, doc in zip(notes, layout, strict=True):
                keys = dict.fromkeys((pc.text, pc.spans) for par in doc for pc in par if pc.translate)
                own.extend(tally_notes((translated[key].notes for key in keys), "sentence"))
        elif warnings is not None:
            warnings.extend(tally_notes((out.notes for out in translated.values()), "sentence"))
        rebuilt = [
            ["".join((translated[(pc.text, pc.spans)].text if pc.translate else pc.text) + pc.trailing
                     for pc in par).strip()
             for par in doc]
            for doc in layout
        ]
        sentences = [[_scored_sentence(pc.text, translated[(pc.text, pc.spans)]) for par in doc for pc in par if pc.translate]
                     for doc in layout]
        return rebuilt, sentences

    def _engine_translates(self, forms: Sequence[str], src: str, tgt: str) -> tuple[set[str], set[str]]:
        """Of the documents' name forms, those the engine translates itself, and those its own protection keeps."""
        if not self.translator.protects_names or not forms:
            return set(), set()
        return self.translator.translated_names(forms, src, tgt), self.translator.protected_names(forms, src, tgt)

    def _translate(self, items: list[tuple[str, tuple[Span, ...]]], src: str, tgt: str,
                   warnings: list[str] | None) -> list[Scored]:
        """Translate with the names masked; an engine not known to keep placeholders gets each
        sentence whole first, and masked only where a name did not come through as it should."""
        if self.translator.keeps_placeholders or not any(spans for _, spans in items):
            return self._masked(items, src, tgt, warnings)
        outputs = self._masked([(text, ()) for text, _ in items], src, tgt, warnings)
        redo = [i for i, ((_, spans), out) in enumerate(zip(items, outputs, strict=True))
                if any(not _contains(out.text, span.output) for span in spans)]
        for i, out in zip(redo, self._masked([items[i] for i in redo], src, tgt, warnings), strict=True):
            outputs[i] = out
        return outputs

    def _masked(self, items: list[tuple[str, tuple[Span, ...]]], src: str, tgt: str,
                warnings: list[str] | None) -> list[Scored]:
        texts = [text for text, _ in items]
        if (self.glossary is None and not any(spans for _, spans in items)) or not texts:
            return self.translator.translate_scored(texts, src, tgt, warnings=warnings)
        masked: list[Masked] = []
        for text, names in items:
            terms = self.glossary.find(text, src, tgt) if self.glossary is not None else []
            spans = _non_overlapping(terms, names)
            marks = self.translator.placeholders(text, spans) if spans else []
            # an engine short of placeholders sends the sentence straight to the piecewise path
            masked.append(mask(text, spans, marks) if len(marks) == len(spans) else Masked("", text, tuple(spans)))
        todo = [i for i, m in enumerate(masked) if m.text or not m.spans]
        outputs = self.translator.translate_scored([masked[i].text for i in todo], src, tgt, warnings=warnings)
        results: list[Scored | None] = [None] * len(texts)
        for i, out in zip(todo, outputs, strict=True):
            text = restore(out.text, masked[i]) if masked[i].spans else out.text
            results[i] = None if text is None else Scored(text, out.score, out.notes, out.untranslated)
        broken = [i for i, r in enumerate(results) if r is None]
        if broken:
            for i, whole in zip(broken, self._piecewise([masked[i] for i in broken], src, tgt, warnings), strict=True):
                results[i] = whole
        return [r or Scored("") for r in results]

    def _piecewise(self, items: list[Masked], src: str, tgt: str, warnings: list[str] | None) -> list[Scored]:
        """Translate the text between glossary terms, then join it with the terms' renderings.

        A sentence's score is the lowest of its pieces' scores (``None`` when none has one); its notes
        are its pieces' and one saying it was translated in pieces.
        """
        layouts = [_split_at(m.original, m.spans) for m in items]
        pieces = list(dict.fromkeys(p.strip() for layout in layouts for p, span in layout
                                    if span is None and _WORDS.search(p)))
        scored = dict(zip(pieces, self.translator.translate_scored(pieces, src, tgt, warnings=warnings), strict=True))
        done = {piece: out.text for piece, out in scored.items()}
        out: list[Scored] = []
        for item, layout in zip(items, layouts, strict=True):
            text = ""
            known = [scored[p.strip()] for p, span in layout if span is None and p.strip() in scored]
            score = min((k.score for k in known if k.score is not None), default=None)
            what = "glossary terms" if all(s.kind == "term" for s in item.spans) else "glossary terms or names"
            notes = (*dict.fromkeys(note for k in known for note in k.notes),
                     f"were translated in pieces around {what}, because the engine did not keep the term placeholders")
            for piece, span in layout:
                if span is not None:
                    text += span.output
                elif piece.strip() in done:
                    core = piece.strip()
                    text += piece[: len(piece) - len(piece.lstrip())] + done[core] + piece[len(piece.rstrip()):]
                else:
                    text += piece
            said = [k.untranslated for k in known]
            untranslated = None if any(u is None for u in said) else tuple(dict.fromkeys(w for u in said if u for w in u))
            out.append(Scored(" ".join(text.split()), score, notes, untranslated))
        return out

    def _foreign(self, paragraph: str, src: str, tgt: str) -> str | None:
        return self.langid.foreign_language(paragraph, expected=(src, tgt)) if self.langid is not None else None

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


_WORDS = re.compile(r"\w")
# a copied word this short is as likely a word of both languages ("no", "real", "plan")
MIN_COPIED_CHARS = 5


def _scored_sentence(source: str, out: Scored) -> ScoredSentence:
    return ScoredSentence(source, out.text, out.score, out.untranslated or ())


def untranslated_words(source: str, output: str, tgt: str, engine_says: Sequence[str] | None,
                       names: Sequence[Span] = ()) -> tuple[str, ...]:
    """The words of ``source`` its translation left in ``src``: what an editor should check.

    The engine's own word where it gives one (Apertium marks each word its dictionaries did not
    know); otherwise, the evidence in the output: a lower-case source word of :data:`MIN_COPIED_CHARS`
    letters or more copied into it as it was, which is no word of the target language's stop list
    nor one spelled the same in both languages (``summarize/text/wordlists/shared.txt``).
    Names are never listed: capitalized words, acronyms, numbers and the document's names and
    glossary terms (``names``), which are meant to be kept.

    Args:
        source: the sentence as written.
        output: its translation.
        tgt: the target language.
        engine_says: the engine's own list (:attr:`Scored.untranslated`), ``None`` when it gives none.
        names: the spans masked in the sentence (names, glossary terms).

    Returns:
        Each word once, in order.
    """
    kept = {w for span in names for w in WORD.findall(f"{span.text} {span.output}")}
    if engine_says is not None:
        found = list(engine_says)
    else:
        written = {w for w in WORD.findall(source)}
        found = [w for w in WORD.findall(output) if w in written and len(w) >= MIN_COPIED_CHARS
                 and w.lower() not in word_list(f"stop.{tgt}.txt") and w.lower() not in word_list("shared.txt")]
    return tuple(dict.fromkeys(w for w in found if w.isalpha() and w.islower() and w not in kept))


def _contains(text: str, name: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


_SPLIT_CONTRACTION = re.compile(r"(?<!\w)([Dd]e|[Aa]) el(?= )")


def _contract(text: str, lang: str) -> str:
    """Spanish "de el"/"a el" as Spanish writes them, "del"/"al": a rendered name that opens with its
    article ("el presidente estadounidense, ...") lands after a preposition. "de El Salvador" keeps its
    capital article, which is part of the name."""
    return _SPLIT_CONTRACTION.sub(lambda m: m.group(1) + "l", text) if lang == "es" else text


_DOUBLED_STOP = re.compile(r"(?<=\w\.)\.(?!\.)")


def _final_stop(source: str, translated: str) -> str:
    """One full stop at the end, as in the source: an abbreviation that ends a sentence ("EE.UU.")
    carries the sentence's stop, which an engine drops with it ("USA") or doubles ("U.S..")."""
    out = _DOUBLED_STOP.sub("", translated.rstrip()) if translated.rstrip().endswith("..") else translated
    if source.rstrip().endswith(".") and out[-1:].isalnum():
        return out + "."
    return out


def _non_overlapping(first: Sequence[Span], second: Sequence[Span]) -> list[Span]:
    """``first`` (glossary terms) with the spans of ``second`` (names) that overlap none of them, in order."""
    kept = list(first)
    for span in second:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _split_at(text: str, spans: Sequence[Span]) -> list[tuple[str, Span | None]]:
    """Cut text into the stretches between spans and the spans themselves."""
    layout: list[tuple[str, Span | None]] = []
    last = 0
    for span in spans:
        if span.start > last:
            layout.append((text[last : span.start], None))
        layout.append((span.text, span))
        last = span.end
    if last < len(text):
        layout.append((text[last:], None))
    return layout
