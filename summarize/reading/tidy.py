"""What an editor reads: the article's body without page furniture, its headline, and its headings.

Every input format ends here (:func:`tidy`), so a saved page, a Markdown file and pasted text are
read the same way:

* *Page furniture* is taken out of the body and listed in :attr:`Document.removed`, so nothing
  vanishes silently: address and contact blocks, photo captions and credits, bylines and
  "contributed to this report" lines, share/related/newsletter lines, "updated at" lines, and a
  repeated headline. Only short paragraphs are candidates: prose is never removed.
* The *headline* is chosen on the page's own evidence, and never from a line cleanup removed: a
  title the format marks (HTML ``<h1>``, ``og:title``; see :func:`tidy`'s ``candidates``) when the
  text does not take it for furniture, else a short line the page repeats as its headline, else the
  first short line without a final full stop that survives cleanup. Short lines above that headline
  (section labels, menu items) are navigation.
* *Credits and captions* (an agency or photographer, with or without the caption that follows it;
  "Photo:", "Foto:", "©") are furniture wherever they stand; :attr:`Document.credits` lists them.
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
from ..text.segment import split_sentences

__all__ = ["Tidied", "furniture_kind", "headline_shaped", "split_blocks", "tidy"]

MAX_FURNITURE_WORDS = 30
MAX_HEADING_WORDS = 12
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
MAX_CONTACT_LINES = 8
MIN_TITLE_WORDS = 3  # a section label ("World", "Nacionales") is not a headline, even printed twice
_SENTENCE_END = (".", "!", "?", "…", ":", '"', "»", "”", ";")

_CAPTION = re.compile(r"^(?:foto(?:grafía)?s?|imagen(?:es)?|photo(?:graph)?s?|picture|image|video|vídeo|galería|gallery)"
                      r"\s*(?:\d+\s*)?[:：|-]|"
                      r"^(?:foto(?:grafía)?|imagen|photo(?:graph)?|image)\s+(?:by|de|por|courtesy|cortesía)\s|"
                      r"^(?:courtesy of|cortesía(?: de)?)\s+(?-i:[A-ZÁÉÍÓÚÑ])", re.IGNORECASE)
_AGENCIES = r"(?:AP|AFP|EFE|Reuters|Getty Images|EPA|Bloomberg|Xinhua|Europa Press|Shutterstock|dpa|ANSA|NurPhoto)"
_CREDIT = re.compile(rf"^(?:credit|crédito|créditos|photo credit|fuente de la imagen)\s*:|"
                     rf"^\(?{_AGENCIES}(?:\s+(?:Photo|Foto))?(?:\s*/\s*[^)]+)?\)?$|"
                     rf"[/|(]\s*{_AGENCIES}(?:\s+(?:Photo|Foto))?(?:\s*/\s*[^)]+)?\)?\.?$|"
                     r"©\s*[^©]{1,60}$|\((?:foto|photo|imagen|image)\s*:[^)]{1,60}\)\.?$|"
                     r"\s(?:foto|photo|fotografía|imagen)s?\s*:\s*[^.!?]{1,60}$", re.IGNORECASE)
_NAME = r"[A-ZÁÉÍÓÚÑ][\w.'’-]*(?:\s+(?:de|del|la|[A-ZÁÉÍÓÚÑ][\w.'’-]*)){0,3}"
# a credit that opens a caption: the agency (and photographer) first, then what the picture shows.
# Prose never starts with "AP President..." or "Jane Doe/Reuters": an agency opening a sentence is
# followed by a verb ("Reuters reported"), a wire dateline by punctuation ("EFE.-").
_CREDIT_LEAD = re.compile(rf"^(?:©|\(c\)\s)|"
                          rf"^\(?{_AGENCIES}(?:\s+(?i:photo|foto|images))?(?:\s*/\s*{_NAME})?\)?"
                          r"(?=\s+[A-ZÁÉÍÓÚÑ¿¡\"“«]|\s*[:|–—]\s)|"
                          rf"^{_NAME}\s*/\s*{_AGENCIES}\b")
MAX_CAPTION_WORDS = 60  # a caption under its credit runs longer than other furniture
_NAVIGATION = re.compile(r"^(?:skip to (?:the )?(?:main )?(?:content|navigation)|skip navigation|"
                         r"saltar (?:al|a la) (?:contenido|navegación)(?: principal)?|ir al contenido(?: principal)?|"
                         r"(?:main )?menu|menú(?: principal)?|toggle navigation|search|buscar|home|inicio|portada|"
                         r"log ?in|sign in|iniciar sesión|back to top|volver arriba|ir arriba)\W*$", re.IGNORECASE)
_ADDRESS_LABEL = re.compile(r"^(?:(?:physical|mailing|postal|street|office|our|main) address|address|"
                            r"dirección(?: física| postal)?|domicilio|contact(?: us| information)?|contacto|"
                            r"contáctenos|contáctanos|headquarters|oficinas?(?: centrales)?|sede(?: central)?)\s*:?$",
                            re.IGNORECASE)
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
_POSTAL = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?$|\b(?:c\.\s?p\.|código postal)\s*\d{4,5}\b", re.IGNORECASE)
# a city line of an address ("San Salvador, El Salvador"): capitalized words on both sides of a comma
_PLACE = re.compile(r"^[A-ZÁÉÍÓÚÑ][\w.'’-]*(?:\s+(?:de|del|la|[A-ZÁÉÍÓÚÑ0-9][\w.'’-]*))*,"
                    r"\s*[A-ZÁÉÍÓÚÑ0-9][\w.'’-]*(?:\s+(?:de|del|la|[A-ZÁÉÍÓÚÑ0-9][\w.'’-]*))*$")
MAX_PLACE_WORDS = 6
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
           r"sept?iembre|octubre|noviembre|diciembre|ene|abr|ago|dic)")
_WEEKDAYS = (r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|lunes|martes|miércoles|jueves|"
             r"viernes|sábado|domingo")
# a line that is only a date and time ("Tuesday, February 4, 2025 10:45 a.m. ET", "4 de febrero de 2025 - 10:40"),
# read token by token: one regex over the whole line would backtrack on a long run of digits
_DATE_TOKEN = re.compile(rf"(?:{_WEEKDAYS}|{_MONTHS})\.?|\d{{1,4}}(?:[:.]\d{{1,4}}){{0,2}}h?|de|del|of|at|a|las|"
                         r"am|pm|a\.m\.|p\.m\.|h|hrs?\.?|et|est|edt|gmt|utc|cst", re.IGNORECASE)
_DATE_SEPARATORS = re.compile(r"[\s,|·–—/-]+")
_HAS_DATE = re.compile(rf"\b{_MONTHS}\b|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}", re.IGNORECASE)
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
    words = len(text.split())
    if not text or words > MAX_CAPTION_WORDS:
        return None
    if _NAVIGATION.match(text):
        return "navigation"
    if _CAPTION.search(text):
        return "caption"
    if _CREDIT_LEAD.search(text):
        return "credit"
    if words > MAX_FURNITURE_WORDS:
        return None
    for kind, pattern in (("credit", _CREDIT), ("byline", _BYLINE), ("share", _SHARE), ("dateline", _UPDATED)):
        if pattern.search(text) and (kind != "share" or words <= MAX_SHARE_WORDS):
            return kind
    if _HAS_DATE.search(text) and all(_DATE_TOKEN.fullmatch(t) for t in _DATE_SEPARATORS.split(text) if t):
        return "dateline"
    if _ADDRESS_LABEL.match(text) or _contact(paragraph):
        return "contact"
    return None


def _contact(paragraph: str) -> bool:
    """An address or contact block: contact cues, and no sentence of prose."""
    if len(paragraph) > MAX_CONTACT_CHARS:
        return False
    cues = sum(bool(p.search(paragraph)) for p in (_PHONE, _CONTACT, _STREET, _POSTAL))
    if not cues:
        return False
    # the package's one sentence splitter: "Calle 5 de EE. UU. ..." is one sentence, not two short ones
    prose = any(len(s.split()) > 8 for s in split_sentences(paragraph, "es") if s.rstrip().endswith("."))
    return not prose and (cues >= 2 or len(paragraph.split()) <= 12)


def headline_shaped(line: str) -> bool:
    """A short line without final punctuation: what a headline, a heading or a label looks like."""
    return len(line.split()) <= MAX_TITLE_WORDS and not _finished(line)


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
         find_title: bool = True, candidates: Sequence[str] = (), captions: Sequence[str] = ()) -> Tidied:
    """Take furniture out, choose the headline, mark the headings.

    The headline is never a line that cleanup removes: a title the format gives is used only when
    it is not furniture itself, and a title found in the text is chosen among the lines that remain.

    Args:
        paragraphs: the text's paragraphs, in order.
        title: a title the format already gives (a Markdown ``#``); ignored when it is furniture.
        headings: indices of paragraphs the format marks as headings (Markdown ``##``).
        find_title: look for the headline in the text when no given title or candidate is usable.
        candidates: titles the format offers, best first (HTML ``<h1>``, ``og:title``...): the first
            that is not furniture wins, and one the text repeats wins over the others.
        captions: what the format marks as captions and credits (HTML ``<figcaption>``): a paragraph
            that is one of them is a ``caption``, whatever it says.
    """
    offered = [c for c in ([title] if title else []) + list(candidates) if c and _title_shaped(c)]
    title = _best_offered(offered, paragraphs)
    marked = set(headings)
    marked_captions = {_key(c) for c in captions}
    kinds = [kind or ("caption" if _key(p) in marked_captions else None)
             for p, kind in zip(paragraphs, _furniture_kinds(paragraphs))]
    removed: list[Removed] = []
    kept: list[tuple[str, bool]] = []
    for i, (paragraph, kind) in enumerate(zip(paragraphs, kinds)):
        if kind is None and title and _key(paragraph) == _key(title):
            kind = "repeated headline"
        if kind is not None:
            removed.append(Removed(kind, paragraph))
        else:
            kept.append((paragraph, i in marked))
    if title is None and find_title and len(kept) > 1:
        found = _found_title([p for p, _ in kept], paragraphs)
        if found is not None:
            title = kept[found][0]
            removed += [Removed("navigation", p) for p, _ in kept[:found]]
            removed += [Removed("repeated headline", p) for p, _ in kept[found + 1:] if _key(p) == _key(title)]
            kept = [(p, h) for p, h in kept[found + 1:] if _key(p) != _key(title)]
    kept, repeats = _once(kept)
    removed += repeats
    body = [p for p, _ in kept]
    marks = {i for i, (p, h) in enumerate(kept) if h or (i + 1 < len(kept) and _heading_like(p) and len(body) > 1)}
    return Tidied(title, tuple(body), frozenset(marks), tuple(removed))


def _title_shaped(line: str) -> bool:
    """Short enough for a headline, and nothing cleanup would take out of a text."""
    return len(line) <= MAX_TITLE_CHARS and furniture_kind(line) is None


def _best_offered(offered: Sequence[str], paragraphs: Sequence[str]) -> str | None:
    """The first offered title, unless another one is what the page repeats (in the text or offered twice)."""
    if not offered:
        return None
    counts = {_key(c): 0 for c in offered}
    for line in (*offered, *paragraphs):
        if _key(line) in counts:
            counts[_key(line)] += 1
    best = max(counts.values())
    return next(c for c in offered if counts[_key(c)] == best)


def _furniture_kinds(paragraphs: Sequence[str]) -> list[str | None]:
    """Each paragraph's furniture kind; an address spread over several paragraphs is contact throughout.

    A city line ("San Salvador, El Salvador", "Miami, FL") says nothing alone; beside a contact
    paragraph it is part of the same address.
    """
    kinds = [furniture_kind(p) for p in paragraphs]
    changed = True
    while changed:
        changed = False
        for i, paragraph in enumerate(paragraphs):
            beside = {kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(kinds)}
            if kinds[i] is None and "contact" in beside and _place_line(paragraph):
                kinds[i], changed = "contact", True
    return kinds


def _place_line(line: str) -> bool:
    text = " ".join(line.split())
    return len(text.split()) <= MAX_PLACE_WORDS and bool(_PLACE.match(text))


def _found_title(kept: Sequence[str], paragraphs: Sequence[str]) -> int | None:
    """The index in ``kept`` of the headline found in the text, or ``None``.

    Candidates are the short unfinished lines before the first line of prose. One the page prints
    twice (a saved page shows its headline in the header and above the article) is the headline;
    else the first of at least three words (a section label, "World", "Internacional", sits above
    the headline); else the first line that survived cleanup, if it is a candidate.
    """
    leading: list[int] = []
    for i, line in enumerate(kept):
        if _finished(line) or len(line) > MAX_TITLE_CHARS:
            break
        leading.append(i)
    if not leading:
        return None
    counts: dict[str, int] = {}
    for paragraph in paragraphs:
        counts[_key(paragraph)] = counts.get(_key(paragraph), 0) + 1
    worded = [i for i in leading if len(kept[i].split()) >= MIN_TITLE_WORDS]
    for i in worded:
        if counts.get(_key(kept[i]), 0) > 1:
            return i
    return worded[0] if worded else 0


def _once(kept: list[tuple[str, bool]]) -> tuple[list[tuple[str, bool]], list[Removed]]:
    """Drop a short line the page prints again (a label, a heading in a sticky header); prose stays."""
    seen: set[str] = set()
    once: list[tuple[str, bool]] = []
    repeats: list[Removed] = []
    for paragraph, heading in kept:
        key = _key(paragraph)
        if key in seen and headline_shaped(paragraph):
            repeats.append(Removed("repeated line", paragraph))
            continue
        seen.add(key)
        once.append((paragraph, heading))
    return once, repeats
