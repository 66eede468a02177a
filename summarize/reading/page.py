"""What an HTML page's markup says beside its article text: the headlines it offers, its captions.

:func:`page_evidence` reads them. The headlines are its ``<h1>``, ``og:title``, ``twitter:title``
and ``<title>``, best first; :func:`~summarize.reading.tidy.tidy` chooses among them on the text's
evidence and never takes one that is page furniture. A site's name is taken off a ``<title>``
("Headline | Diario") and never offered alone. The captions are the text of ``<figcaption>`` and of
elements a page marks as a caption or credit (``class="caption"``, ``pie-de-foto``, ``epigrafe``):
the HTML extractor drops most of them, and reads some into the body, where they are furniture.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["PageEvidence", "page_evidence", "without_site_name"]

MAX_SITE_NAME_WORDS = 4
_SEPARATOR = re.compile(r"\s+[|–—•·⁄~‹«›»:-]{1,2}\s+")
_META_TITLES = ("og:title", "twitter:title")
MAX_CAPTION_CHARS = 600
_CAPTION_CLASSES = ("caption", "credit", "pie-de-foto", "pie_foto", "piefoto", "pie-foto", "epigrafe", "epígrafe",
                    "leyenda", "photo-credit", "foto-credito")
_CAPTION_XPATH = "//figcaption | " + " | ".join(
    f"//*[contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{c}')]"
    for c in _CAPTION_CLASSES)


@dataclass(frozen=True)
class PageEvidence:
    """What the markup says of the article.

    Attributes:
        titles: the headlines the page offers, best first (see :func:`page_evidence`).
        captions: the text of its captions and photo credits, in page order, each once.
    """

    titles: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()


def page_evidence(html: str, *, site_name: str | None = None, extracted: str | None = None) -> PageEvidence:
    """Read a page's headlines and captions.

    Args:
        html: the page.
        site_name: the outlet's name when known (``og:site_name``), never offered as a headline.
        extracted: the title the HTML extractor chose, offered last.

    Returns:
        The evidence; only ``extracted`` as a title when the markup cannot be parsed.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return PageEvidence(titles=(extracted,) if extracted else ())
    return PageEvidence(tuple(_title_candidates(root, site_name, extracted)), tuple(_captions(root)))


def _captions(root: HtmlElement) -> list[str]:
    found: dict[str, None] = {}
    for element in root.xpath(_CAPTION_XPATH):
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "main", "article", "section"):
            continue
        text = _text(element.text_content())
        if text and len(text) <= MAX_CAPTION_CHARS:
            found.setdefault(text)
    return list(found)


def _title_candidates(root: HtmlElement, site_name: str | None, extracted: str | None) -> list[str]:
    """Each ``<h1>`` (those in the article first), then the ``og:title``/``twitter:title``/``<title>``
    without the site's name, then ``extracted``; never empty, never the site's name.

    An ``<h1>`` printed twice is listed twice: a headline the page repeats is the strongest sign.
    """
    sites = {_key(s) for s in (site_name, _meta(root, "og:site_name"), _meta(root, "application-name")) if s}
    meta = [_text(root.findtext(".//title")), *(_meta(root, name) for name in _META_TITLES)]
    sites |= {_key(part) for title in meta if title for part in _site_parts(title, sites)}
    headlines = [*_h1s(root), *dict.fromkeys(without_site_name(m, sites) for m in meta if m), extracted]
    return [h for h in (_text(h) for h in headlines) if h and _key(h) not in sites]


def without_site_name(title: str, sites: Iterable[str] = ()) -> str:
    """``title`` without a site's name before or after a separator ("Headline | Diario" -> "Headline").

    A part is the site's name when it is one of ``sites`` (compared case- and punctuation-blind) or,
    when none matches, a short part (at most four words) beside a longer one.
    """
    parts = [p for p in _SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    known = {_key(s) for s in sites}
    kept = [p for p in parts if _key(p) not in known]
    if len(kept) < len(parts) and kept:
        return _joined(title, kept)
    first, last = parts[0], parts[-1]
    if len(last.split()) <= MAX_SITE_NAME_WORDS < len(" ".join(parts[:-1]).split()):
        return _joined(title, parts[:-1])
    if len(first.split()) <= MAX_SITE_NAME_WORDS < len(" ".join(parts[1:]).split()):
        return _joined(title, parts[1:])
    return title.strip()


def _site_parts(title: str, sites: set[str]) -> list[str]:
    """The parts of a separated title that :func:`without_site_name` takes off as the site's name."""
    kept = without_site_name(title, sites)
    return [p for p in _SEPARATOR.split(title) if p.strip() and _key(p) not in _key(kept)]


def _joined(title: str, parts: list[str]) -> str:
    """The kept parts as they stood in ``title`` (separators between them included)."""
    start = title.index(parts[0])
    end = title.rindex(parts[-1]) + len(parts[-1])
    return title[start:end].strip()


def _h1s(root: HtmlElement) -> list[str]:
    inside = root.xpath("//article//h1 | //main//h1 | //*[@role='main']//h1")
    rest = [h for h in root.iter("h1") if h not in inside]
    return [_text(h.text_content()) for h in [*inside, *rest]]


def _meta(root: HtmlElement, name: str) -> str | None:
    for element in root.xpath("//meta[@property=$n or @name=$n]", n=name):
        content = _text(element.get("content"))
        if content:
            return content
    return None


def _text(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
