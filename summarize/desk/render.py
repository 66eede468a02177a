"""The digest as JSON (the data), Markdown, or one self-contained HTML page (offline, printable)."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from .digest import Digest, SourceEntry, StoryBrief

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["render_digest", "render_digest_html", "render_digest_json", "render_digest_markdown"]

LANG_NAMES = {"en": "English", "es": "Español"}

_CSS = """
body{font:15px/1.45 Georgia,serif;max-width:70rem;margin:1.5rem auto;padding:0 1rem;color:#111}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin:0 0 .3rem}
article{border-top:2px solid #333;padding:1rem 0;break-inside:avoid}
.briefs{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
.brief h3{font-size:.9rem;text-transform:uppercase;letter-spacing:.05em;margin:.2rem 0}
.cite{text-decoration:none;font-size:.8em;vertical-align:super}
.meta,.sources{font-size:.85rem;color:#333}
.warn{background:#fff3cd;border-left:4px solid #c90;padding:.3rem .6rem;font-size:.85rem}
.low{color:#a00;font-weight:bold}
.quotes{font-size:.85rem;color:#333;margin:.2rem 0 .4rem;padding-left:1.2rem}
.quotes li:target,li:target{background:#ffef9e}
.subtitle{font-style:italic;margin:0 0 .3rem}
@media print{a{color:inherit}.briefs{grid-template-columns:1fr 1fr}}
"""


def render_digest_json(digest: Digest) -> str:
    """The digest's data as one JSON object."""
    return json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _notes(source: SourceEntry) -> list[str]:
    """A source's own warnings, less the near-copy one (its ``duplicate_of`` says it already)."""
    return [w for w in source.warnings if not (source.duplicate_of and w.startswith("a near-copy of"))]


def _source_line(source: SourceEntry) -> str:
    parts = [source.site_name or source.id, source.date or "undated", source.lang]
    if source.author:
        parts.append(source.author)
    return ", ".join(parts)


def render_digest_markdown(digest: Digest) -> str:
    """The digest in Markdown: per story its two briefs, names, disagreements and sources."""
    lines = [f"# Story digest: {len(digest.stories)} stories from {digest.articles} articles", ""]
    for story in digest.stories:
        byline = f"*{story.id} · {story.date or 'undated'} · {len(story.sources)} article(s)*"
        lines += [f"## {story.title or story.id}", ""]
        spanish = story.titles.get("es")
        if spanish and spanish != story.title:
            lines += [f"*{spanish}*", ""]
        lines += [byline, ""]
        for lang in ("en", "es"):
            text = story.brief_text(lang)
            lines += [f"**{LANG_NAMES[lang]}.** {text or '(no summary)'}", ""]
        if story.names:
            lines += ["Named most: " + ", ".join(f"{name} ({n})" for name, n in story.names), ""]
        for note in story.disagreements:
            lines.append(f"> Disagreement: {note}")
        for note in story.warnings:
            lines.append(f"> Warning: {note}")
        if story.disagreements or story.warnings:
            lines.append("")
        lines.append("Sources:")
        lines.append("")
        for source in story.sources:
            title = source.title or source.id
            link = f"[{title}]({source.url})" if source.url else title
            extra = []
            if source.duplicate_of:
                extra.append(f"near-copy of {source.duplicate_of}")
            if source.low_confidence:
                extra.append("low-confidence translation")
            extra += _notes(source)
            note = f" — {'; '.join(extra)}" if extra else ""
            lines.append(f"{source.n}. {link} ({_source_line(source)}){note}")
            for lang, quote in _quotes(story, source.n):
                lines.append(f"   - {lang}: “{quote}”")
        lines.append("")
    return "\n".join(lines)


def _quotes(story: StoryBrief, n: int) -> list[tuple[str, str]]:
    """The sentences of source ``n`` the briefs rest on, ``(lang, sentence)``, once each, in brief order."""
    found: dict[tuple[str, str], None] = {}
    for lang in ("en", "es"):
        for sentence in story.brief.get(lang, []):
            for quote in sentence.quotes:
                if quote.n == n and quote.text:
                    found[(lang, quote.text)] = None
    return list(found)


def _quote_anchor(story: StoryBrief, n: int, lang: str, number: int) -> str:
    return f"{story.id}-src-{n}-{lang}-{number}"


def _anchor(story: StoryBrief, n: int) -> str:
    return f"{story.id}-src-{n}"


def _html_story(story: StoryBrief) -> str:
    byline = f"{escape(story.id)} · {escape(story.date or 'undated')} · {len(story.sources)} article(s)"
    out = [f'<article id="{escape(story.id)}">', f"<h2>{escape(story.title or story.id)}</h2>"]
    spanish = story.titles.get("es")
    if spanish and spanish != story.title:
        out.append(f'<p class="subtitle" lang="es">{escape(spanish)}</p>')
    out += [f'<p class="meta">{byline}</p>', '<div class="briefs">']
    quotes = {n: _quotes(story, n) for n in range(1, len(story.sources) + 1)}
    for lang in ("en", "es"):
        sentences = []
        for s in story.brief[lang]:
            cites = []
            for quote in s.quotes:
                held = quotes.get(quote.n, [])
                target = (_quote_anchor(story, quote.n, lang, held.index((lang, quote.text)) + 1)
                          if (lang, quote.text) in held else _anchor(story, quote.n))
                cites.append(f'<a class="cite" href="#{escape(target)}" title="{escape(quote.text)}">[{quote.n}]</a>')
            low = ' <span class="low" title="the translation engine scored this sentence low">(low-confidence translation)</span>' if s.low_confidence else ""
            sentences.append(f"{escape(s.text)}{low} {' '.join(cites)}")
        body = " ".join(sentences) or "<em>(no summary)</em>"
        out.append(f'<section class="brief" lang="{lang}"><h3>{LANG_NAMES[lang]}</h3><p>{body}</p></section>')
    out.append("</div>")
    if story.names:
        out.append('<p class="meta">Named most: ' + ", ".join(f"{escape(name)} ({n})" for name, n in story.names)
                   + "</p>")
    for note in story.disagreements:
        out.append(f'<p class="warn">Disagreement: {escape(note)}</p>')
    for note in story.warnings:
        out.append(f'<p class="warn">Warning: {escape(note)}</p>')
    out.append('<ol class="sources">')
    for source in story.sources:
        title = escape(source.title or source.id)
        link = f'<a href="{escape(source.url)}">{title}</a>' if source.url else title
        extra = []
        if source.low_confidence:
            extra.append('<span class="low">low-confidence translation</span>')
        if source.duplicate_of:
            extra.append(f"near-copy of {escape(source.duplicate_of)}")
        extra += [f'<span class="warn">{escape(w)}</span>' for w in _notes(source)]
        note = " — " + "; ".join(extra) if extra else ""
        cited = "".join(f'<li id="{escape(_quote_anchor(story, source.n, lang, i))}" lang="{lang}">“{escape(text)}”</li>'
                        for i, (lang, text) in enumerate(quotes[source.n], start=1))
        cited = f'<ul class="quotes">{cited}</ul>' if cited else ""
        out.append(f'<li id="{escape(_anchor(story, source.n))}" value="{source.n}">{link} '
                   f"({escape(_source_line(source))}){note}{cited}</li>")
    out += ["</ol>", "</article>"]
    return "\n".join(out)


def render_digest_html(digest: Digest) -> str:
    """One HTML page with no external assets: stories newest first, the briefs side by side."""
    head = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Story digest</title>'
            f'<meta name="viewport" content="width=device-width"><style>{_CSS}</style></head><body>')
    intro = (f"<h1>Story digest</h1><p class=\"meta\">{len(digest.stories)} stories from {digest.articles} "
             f"articles" + (f"; {digest.failed} input(s) failed" if digest.failed else "") + "</p>")
    return "\n".join([head, intro, *(_html_story(s) for s in digest.stories), "</body></html>\n"])


def render_digest(digest: Digest, fmt: str, formats: Registry | None = None) -> str:
    """The digest in ``fmt``, a digest format of ``formats`` (``json``, ``markdown``, ``html``, a plugin's;
    default registry: the built-in formats and the installed plugins').

    Raises:
        ConfigError: an unknown format.
    """
    from ..registry import given_or_default

    return str(given_or_default(formats).digest_format(fmt).load()(digest))
