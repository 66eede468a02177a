"""What an editor reads: the article's body without page furniture, its headline, and its headings.

Every input format ends here (:func:`tidy`), so a saved page, a Markdown file and pasted text are
read the same way:

* *Page furniture* is taken out of the body and listed in :attr:`Document.removed`, so nothing
  vanishes silently: address and contact blocks, photo captions and credits, bylines and
  "contributed to this report" lines, share/related/newsletter lines, "updated at" lines, and a
  repeated headline. Only short paragraphs are candidates: prose is never removed.
* The *headline* is the first remaining short line without a final full stop.
* *Headings* (short lines without final punctuation between paragraphs, or Markdown headings) stay
  paragraphs of their own: translated, never glued to the next sentence, never a summary sentence.
* In plain text a *single* newline ends a paragraph where the line is a heading, furniture, or a
  finished sentence clearly shorter than the block's lines (a headline over its deck); elsewhere it
  is a hard wrap, and the lines are joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..document import Removed

__all__ = ["Tidied", "furniture_kind", "split_blocks", "tidy"]

MAX_FURNITURE_WORDS = 30
MAX_HEADING_WORDS = 12
MAX_TITLE_CHARS = 200
MAX_CONTACT_LINES = 8
_SENTENCE_END = (".", "!", "?", "…", ":", '"', "»", "”", ";")

_CAPTION = re.compile(r"^(?:foto(?:grafía)?|imagen|photo(?:graph)?|picture|image|video|vídeo|galería|gallery)"
                      r"\s*(?:\d+\s*)?[:：|-]", re.IGNORECASE)
_AGENCIES = r"(?:AP|AFP|EFE|Reuters|Getty Images|EPA|Bloomberg|Xinhua|Europa Press|Shutterstock)"
_CREDIT = re.compile(rf"^(?:credit|crédito|créditos|photo credit|fuente de la imagen)\s*:|"
                     rf"^\(?{_AGENCIES}(?:\s+(?:Photo|Foto))?(?:\s*/\s*[^)]+)?\)?$|"
                     rf"[/|(]\s*{_AGENCIES}(?:\s+(?:Photo|Foto))?(?:\s*/\s*[^)]+)?\)?\.?$", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|por|written by|escrito por)\s+(?-i:[A-ZÁÉÍÓÚÑ])[\w.'’-]*"
                     r"(?:\s+(?:y|and|de|del|(?-i:[A-ZÁÉÍÓÚÑ])[\w.'’-]*),?){0,6}\s*(?:[|,–—-]\s*[\w ]{0,40})?$|^(?:staff|redacción|staff writer|agencias|redacción \w+)\.?$|"
                     r"contributed to this report|contribuyó a este (?:informe|reporte|artículo)|"
                     r"^(?:\(?(?:additional )?reporting by|editing by|con información de|con reporte de|"
                     r"reporting contributed)", re.IGNORECASE)
_SHARE = re.compile(r"^(?:share|shares|compartir|comparte|tweet|read more|read also|see also|lee también|lea también|"
                    r"leer más|ver también|related|relacionad[oa]s?|te puede interesar|le puede interesar|"
                    r"sign up|subscribe|suscríbete|suscríbase|follow us|síguenos|newsletter|boletín|"
                    r"click here|haz clic|advertisement|publicidad|anuncio|most read|lo más leído|"
                    r"more on this story|recommended|recomendado)\b", re.IGNORECASE)
_UPDATED = re.compile(r"^(?:updated|published|posted|last updated|actualizado|publicado|actualización)\b"
                      r"(?=.*\d).{0,60}$", re.IGNORECASE)
MAX_SHARE_WORDS = 10
_PHONE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{3,4}[\s.-]\d{3,4}(?:[\s.-]\d{2,4})?")
_CONTACT = re.compile(r"\b(?:tel|tel\.|teléfono|phone|fax|e-?mail|correo|p\.?\s?o\.? box|apartado postal|c\.p\.|"
                      r"zip|suite|floor|piso)\b|@[\w-]+\.\w", re.IGNORECASE)
# bounded repeats: an unbounded [\w .]+ backtracks quadratically over a long run of words and numbers
_STREET = re.compile(r"\b\d+\s+[\w .]{1,60}?\b(?:street|st\.|avenue|ave\.|boulevard|blvd\.?|road|rd\.|drive|dr\.|lane)|"
                     r"\b(?:calle|avenida|av\.|boulevard|bulevar|colonia|col\.|paseo|carrera)\s+[\w .]{1,60}?\d",
                     re.IGNORECASE)
MAX_CONTACT_CHARS = 600  # an address or contact block is short; longer text is never one


@dataclass(frozen=True)
class Tidied:
    """A body ready to read: its title, paragraphs, heading indices and what was removed."""

    title: str | None
    paragraphs: tuple[str, ...]
    headings: frozenset[int]
    removed: tuple[Removed, ...]


def furniture_kind(paragraph: str) -> str | None:
    """What kind of page furniture a paragraph is (``caption``, ``credit``...), or ``None`` for text."""
    text = " ".join(paragraph.split())
    if not text or len(text.split()) > MAX_FURNITURE_WORDS:
        return None
    for kind, pattern in (("caption", _CAPTION), ("credit", _CREDIT), ("byline", _BYLINE), ("share", _SHARE),
                          ("dateline", _UPDATED)):
        if pattern.search(text) and (kind != "share" or len(text.split()) <= MAX_SHARE_WORDS):
            return kind
    if _contact(paragraph):
        return "contact"
    return None


def _contact(paragraph: str) -> bool:
    """An address or contact block: contact cues, and no sentence of prose."""
    if len(paragraph) > MAX_CONTACT_CHARS:
        return False
    cues = sum(bool(p.search(paragraph)) for p in (_PHONE, _CONTACT, _STREET))
    prose = any(len(s.split()) > 8 for s in re.split(r"(?<=[.!?])\s", paragraph) if s.rstrip().endswith("."))
    return cues >= 1 and not prose and (cues >= 2 or len(paragraph.split()) <= 12)


def _finished(line: str) -> bool:
    return line.rstrip().endswith(_SENTENCE_END)


def _heading_like(line: str) -> bool:
    text = line.strip()
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or text.endswith((",", "-", "–", "—")):
        return False
    if text.endswith("?") and len(words) <= MAX_HEADING_WORDS:
        return True  # a question heading ("What is CECOT?")
    return not _finished(text) and text[0].isupper()


def split_blocks(text: str) -> list[str]:
    """Plain text into paragraphs: blank lines always part them; a single newline where the line
    before is a heading, furniture, or a finished sentence clearly shorter than the block's lines."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) <= MAX_CONTACT_LINES and _contact(" ".join(lines)) and all(len(x.split()) <= 12 for x in lines):
            paragraphs.append(" ".join(" ".join(lines).split()))  # an address block is one piece of furniture
            continue
        widest = max(len(line) for line in lines)
        current: list[str] = []
        for i, line in enumerate(lines):
            current.append(line)
            last = i == len(lines) - 1
            nxt = "" if last else lines[i + 1]
            ends = (_heading_like(line) and nxt[:1].isupper()) or furniture_kind(line) is not None or \
                (nxt and furniture_kind(nxt) is not None) or \
                (_finished(line) and nxt[:1].isupper() and len(line) < 0.7 * widest)
            if last or ends:
                paragraphs.append(" ".join(" ".join(current).split()))
                current = []
    return [p for p in paragraphs if p]


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def tidy(paragraphs: Sequence[str], *, title: str | None = None, headings: Iterable[int] = (),
         find_title: bool = True) -> Tidied:
    """Take furniture out, choose the headline, mark the headings.

    Args:
        paragraphs: the text's paragraphs, in order.
        title: a title the format already gives (HTML ``<title>``, a Markdown ``#``).
        headings: indices of paragraphs the format marks as headings (Markdown ``##``).
        find_title: take the first short unfinished line as the title when ``title`` is ``None``.
    """
    marked = set(headings)
    removed: list[Removed] = []
    kept: list[tuple[str, bool]] = []
    for i, paragraph in enumerate(paragraphs):
        kind = furniture_kind(paragraph)
        if kind is None and title and _key(paragraph) == _key(title):
            kind = "repeated headline"
        if kind is not None:
            removed.append(Removed(kind, paragraph))
        else:
            kept.append((paragraph, i in marked))
    if title is None and find_title and len(kept) > 1:
        first = kept[0][0]
        if len(first) <= MAX_TITLE_CHARS and not _finished(first):
            title = first
            kept = kept[1:]
            removed += [Removed("repeated headline", p) for p, _ in kept if _key(p) == _key(title)]
            kept = [(p, h) for p, h in kept if _key(p) != _key(title)]
    body = [p for p, _ in kept]
    marks = {i for i, (p, h) in enumerate(kept) if h or (i + 1 < len(kept) and _heading_like(p) and len(body) > 1)}
    return Tidied(title, tuple(body), frozenset(marks), tuple(removed))
