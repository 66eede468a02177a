"""A corpus of hostile inputs for ``summarize batch``, plus ordinary articles, and a hostile loopback server.

``build_corpus(folder, base_url=...)`` writes, deterministically (seed 2025):

* ``files/``: the inputs that are files (random bytes, binaries with text suffixes, broken markup,
  odd encodings, empty and huge files, degenerate texts, other languages, FIFOs, symlinks to
  devices, ...) and the 20 ordinary articles (10 Spanish, 10 English, 150-400 words each, written
  from the fact sheet of the El Salvador prison offer);
* ``main.jsonl``: a manifest naming every file above (``path``), inline texts (``text``) and, when
  ``base_url`` is given, URLs to :class:`HostileServer` (``url``);
* ``broken.jsonl``: a manifest whose lines are broken (bad JSON, no id, no text, not an object, a bad
  ``lang``, a raw U+2028 inside a string, ...);
* ``broken.csv``: a CSV manifest with quoted newlines (several paragraphs in one field) and bad rows.

It returns the ``(id, class)`` pair of every input, exactly the ids a batch over
:func:`manifests` (given as the absolute paths it returns) must write once each; :data:`CLASSES`
lists the classes. Ids of broken manifest lines that have no usable id are ``MANIFEST:LINE``.

Run as a script to write a corpus into a folder and list it::

    python benchmarks/hostile_corpus.py /tmp/corpus            # files only, no URLs
    python benchmarks/hostile_corpus.py /tmp/corpus --base-url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import http.server
import io
import json
import os
import random
import sys
import threading
import time
import zlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

__all__ = ["CLASSES", "HostileServer", "build_corpus", "manifests", "ordinary_articles"]

CLASSES = (
    "ordinary",
    "random-bytes",
    "binary-text-suffix",
    "markup",
    "encoding",
    "empty",
    "huge",
    "degenerate",
    "other-language",
    "odd-path",
    "broken-manifest",
    "hostile-url",
)
MAIN, BROKEN_JSONL, BROKEN_CSV = "main.jsonl", "broken.jsonl", "broken.csv"
SEED = 2025

# ---------------------------------------------------------------------------------------------
# Ordinary articles: sentences of our own, from /work/shared/facts/el-salvador-agreement.md
# ---------------------------------------------------------------------------------------------

_ES_LEADS = [
    "El Salvador se ofreció a recibir en sus cárceles a delincuentes deportados por Estados Unidos.",
    "El secretario de Estado Marco Rubio cerró en San Salvador un acuerdo migratorio poco habitual.",
    "Nayib Bukele propuso a Washington alquilar una parte de su sistema penitenciario.",
    "La megacárcel CECOT volvió al centro del debate tras la visita de Marco Rubio.",
    "La oposición salvadoreña reaccionó con dureza a la oferta de Nayib Bukele.",
    "Juristas estadounidenses dudan de que sea legal enviar ciudadanos a prisiones extranjeras.",
    "La gira de Marco Rubio por Centroamérica dejó en El Salvador su anuncio más llamativo.",
    "Bukele defendió en la red X su plan de cobrar una tarifa por custodiar presos.",
    "El gobierno salvadoreño aceptará a miembros de la MS-13 y del Tren de Aragua.",
    "Un vuelo de deportación salió de Panamá hacia Colombia en plena gira de Rubio.",
]
_ES_POOL = [
    "El lunes 3 de febrero de 2025 Rubio se reunió durante casi tres horas con Bukele.",
    "El encuentro tuvo lugar en la residencia del presidente junto al lago de Coatepeque.",
    "Rubio explicó después a los periodistas que El Salvador recibirá a deportados con antecedentes penales.",
    "Según el secretario de Estado, la oferta vale para criminales de cualquier nacionalidad.",
    "Rubio mencionó de forma expresa a la MS-13 y a la banda venezolana Tren de Aragua.",
    "Bukele también se mostró dispuesto a encarcelar a presos peligrosos que ya cumplen condena en Estados Unidos.",
    "Esa parte de la propuesta incluiría a ciudadanos estadounidenses y a residentes legales.",
    "Rubio calificó el pacto como el acuerdo migratorio más extraordinario del mundo.",
    "El funcionario añadió que ya había hablado del asunto con el presidente Donald Trump.",
    "Al día siguiente Bukele escribió que su país ofrecía externalizar parte del sistema carcelario.",
    "El mandatario aseguró que la tarifa sería baja para Washington pero importante para El Salvador.",
    "No se dio a conocer ninguna cifra concreta sobre el pago.",
    "El Salvador aceptó además recibir de vuelta a todos los pandilleros salvadoreños de la MS-13.",
    "La portavoz del Departamento de Estado, Tammy Bruce, habló de varios acuerdos migratorios.",
    "Los dos gobiernos firmaron también un memorando de cooperación nuclear civil.",
    "El empresario Elon Musk calificó la oferta de gran idea.",
    "La ley de Estados Unidos no permite deportar a sus propios ciudadanos.",
    "Un funcionario del gobierno de Trump dijo que no había planes para hacerlo.",
    "Manuel Flores, secretario general del FMLN, criticó el pacto con dureza.",
    "Flores afirmó que el acuerdo trata a la región como un patio trasero para tirar basura.",
    "El CECOT abrió en 2023 en Tecoluca, en el departamento de San Vicente.",
    "La prisión está a unos 75 kilómetros al sureste de San Salvador.",
    "El penal tiene capacidad para 40.000 reclusos.",
    "En esas fechas retenía a unos 15.000 integrantes de la MS-13 y del Barrio 18.",
    "La ofensiva de Bukele contra las pandillas suma más de 80.000 detenidos.",
    "Los homicidios han caído de forma notable desde que empezó esa campaña.",
    "Un vuelo pagado por Estados Unidos devolvió a Colombia a 43 migrantes que habían cruzado el tapón del Darién.",
    "En el grupo viajaban 32 hombres y 11 mujeres.",
    "La gira de Rubio incluyó Panamá, Costa Rica, Guatemala y República Dominicana.",
    "Era el primer viaje de Rubio a la región como secretario de Estado.",
]
_EN_LEADS = [
    "El Salvador has offered to hold criminal deportees from the United States in its prisons.",
    "Secretary of State Marco Rubio left San Salvador with an unusual migration agreement.",
    "Nayib Bukele proposed that Washington rent part of his country's prison system.",
    "The CECOT mega-prison is back in the spotlight after Marco Rubio's visit.",
    "El Salvador's opposition reacted angrily to Nayib Bukele's prison offer.",
    "American legal experts doubt that citizens could lawfully be sent to a foreign prison.",
    "Marco Rubio's tour of Central America produced its most striking news in El Salvador.",
    "Bukele used a post on X to defend charging a fee for holding inmates.",
    "The Salvadoran government will accept members of MS-13 and Tren de Aragua.",
    "A deportation flight left Panama for Colombia while Rubio was touring the region.",
]
_EN_POOL = [
    "On Monday 3 February 2025 Rubio spent nearly three hours with Bukele.",
    "The two men met at the president's residence beside Lake Coatepeque.",
    "Rubio later told reporters that El Salvador would take deportees who have criminal records.",
    "According to the secretary of state, the offer covers criminals of any nationality.",
    "Rubio named MS-13 and the Venezuelan gang Tren de Aragua in particular.",
    "Bukele also said he was willing to jail dangerous inmates already serving sentences in the United States.",
    "That part of the proposal would include American citizens and legal residents.",
    "Rubio described the arrangement as the most extraordinary migration agreement anywhere.",
    "He added that he had already discussed it with President Donald Trump.",
    "The next day Bukele wrote that his country was offering to outsource part of the prison system.",
    "The president said the fee would be small for Washington but significant for El Salvador.",
    "No figure for the payment was made public.",
    "El Salvador also agreed to take back every Salvadoran member of MS-13 held in the country.",
    "State Department spokesperson Tammy Bruce spoke of several migration agreements.",
    "The two governments also signed a memorandum on civil nuclear cooperation.",
    "The businessman Elon Musk called the offer a great idea.",
    "United States law does not allow the government to deport its own citizens.",
    "A Trump administration official said there were no plans to do so.",
    "Manuel Flores, secretary general of the FMLN, attacked the deal.",
    "Flores said the agreement treats the region as a backyard for dumping garbage.",
    "CECOT opened in 2023 in Tecoluca, in the department of San Vicente.",
    "The prison lies about 75 kilometres south-east of San Salvador.",
    "It was built to hold 40,000 inmates.",
    "At the time it held about 15,000 members of MS-13 and Barrio 18.",
    "Bukele's crackdown on the gangs has led to more than 80,000 arrests.",
    "Homicides have fallen sharply since that campaign began.",
    "A flight paid for by the United States returned to Colombia 43 migrants who had crossed the Darién Gap.",
    "The group was made up of 32 men and 11 women.",
    "Rubio's tour also took him to Panama, Costa Rica, Guatemala and the Dominican Republic.",
    "It was his first trip to the region as secretary of state.",
]


def _article(lead: str, pool: list[str], rng: random.Random) -> str:
    """A lead and 10-18 sentences of the pool in a random order, in paragraphs of 2-4 sentences."""
    sentences = rng.sample(pool, rng.randint(10, 18))
    paragraphs, i = [lead], 0
    while i < len(sentences):
        step = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[i:i + step]))
        i += step
    return "\n\n".join(paragraphs) + "\n"


def ordinary_articles() -> list[tuple[str, str, str]]:
    """``(id, lang, text)`` of the 20 ordinary articles: 10 Spanish, 10 English, each 150-400 words."""
    rng = random.Random(SEED)
    out = []
    for lang, leads, pool in (("es", _ES_LEADS, _ES_POOL), ("en", _EN_LEADS, _EN_POOL)):
        for n, lead in enumerate(leads):
            text = _article(lead, pool, rng)
            while not 150 <= len(text.split()) <= 400:
                text = _article(lead, pool, rng)
            out.append((f"ordinary-{lang}-{n:02d}", lang, text))
    return out


# ---------------------------------------------------------------------------------------------
# The hostile loopback server
# ---------------------------------------------------------------------------------------------

BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)  # ~64 kB that expand to 64 MiB
SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
       b'<title>Mapa de El Salvador</title><text x="10" y="20">Texto dentro de un SVG, no un articulo.</text>'
       b'<circle cx="50" cy="50" r="40"/></svg>\n')


def _nested_html(depth: int) -> bytes:
    return (b"<html><body>" + b"<div>" * depth + "<p>El presidente ofreció la cárcel.</p>".encode()
            + b"</div>" * depth + b"</body></html>")


class _Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    drip_seconds = 75.0  # longer than the fetch's total limit (60 s by default)

    def log_message(self, *args) -> None:
        pass

    def _headers(self, status: int, ctype: str = "text/html; charset=utf-8", length: int | None = None,
                 extra: tuple = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()

    def _body(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra: tuple = ()) -> None:
        self._headers(status, ctype, len(body), extra)
        self.wfile.write(body)

    def do_GET(self) -> None:
        route = getattr(self, "route_" + self.path.strip("/").split("?")[0].replace("-", "_"), None)
        try:
            if route is None:
                self._body(404, b"")
            else:
                route()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            self.close_connection = True

    def route_error(self) -> None:
        self._body(500, b"<h1>Internal Server Error</h1>")

    def route_unavailable(self) -> None:
        self._body(503, b"", extra=(("Retry-After", "1"),))

    def route_image(self) -> None:
        self._body(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ctype="image/png")

    def route_octets(self) -> None:
        self._body(200, random.Random(1).randbytes(20_000), ctype="application/octet-stream")

    def route_binary_as_html(self) -> None:
        self._body(200, random.Random(2).randbytes(20_000))

    def route_bomb(self) -> None:
        self._body(200, BOMB, extra=(("Content-Encoding", "gzip"),))

    def route_deflate_bomb(self) -> None:
        self._body(200, zlib.compress(b"<p>" + b"a" * (64 * 1024 * 1024), 9), extra=(("Content-Encoding", "deflate"),))

    def route_loop(self) -> None:
        self._body(302, b"", extra=(("Location", "/loop"),))

    def route_ping(self) -> None:
        self._body(302, b"", extra=(("Location", "/pong"),))

    def route_pong(self) -> None:
        self._body(301, b"", extra=(("Location", "/ping"),))

    def route_drip(self) -> None:
        """A byte a second of an article that never ends in time: past the fetch's total limit."""
        self.close_connection = True
        self.connection.settimeout(10)
        self._headers(200, length=100_000)
        end = time.monotonic() + self.drip_seconds
        while time.monotonic() < end:
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(1.0)

    def route_svg(self) -> None:
        self._body(200, SVG, ctype="image/svg+xml")

    def route_svg_as_html(self) -> None:
        self._body(200, SVG)

    def route_nested(self) -> None:
        self._body(200, _nested_html(100_000))

    def route_empty(self) -> None:
        self._body(200, b"")

    def route_scripts(self) -> None:
        self._body(200, b"<html><head><script>" + b"var a=1;" * 5000 + b"</script></head><body>"
                   + b"<script>document.write('x')</script>" * 200 + b"</body></html>")

    def route_utf16_lies(self) -> None:
        """Declared UTF-8, sent as UTF-16."""
        self._body(200, "<html><body><article><p>Hola, esto está en UTF-16.</p></article></body></html>"
                   .encode("utf-16"), ctype="text/html; charset=utf-8")

    def route_bad_charset(self) -> None:
        self._body(200, "<p>Texto con tilde: acción</p>".encode(), ctype="text/html; charset=x-no-such-charset")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-response (the fetch giving up) are expected here: say nothing."""


@dataclass
class HostileServer:
    """A threaded HTTP server on 127.0.0.1 (a free port) whose every route is a hostile response.

    Use as a context manager; ``url`` is its base (``http://127.0.0.1:PORT``).
    """

    drip_seconds: float = 75.0
    url: str = ""
    _httpd: _QuietServer | None = field(default=None, repr=False)

    ROUTES = ("error", "unavailable", "image", "octets", "binary-as-html", "bomb", "deflate-bomb", "loop", "ping",
              "drip", "svg", "svg-as-html", "nested", "empty", "scripts", "utf16-lies", "bad-charset")

    def __enter__(self) -> Self:
        handler = type("Handler", (_Hostile,), {"drip_seconds": self.drip_seconds})
        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def manifests(folder: Path) -> list[Path]:
    """The three manifests of a corpus in ``folder`` (absolute paths), in the order to give them."""
    folder = Path(folder).resolve()
    return [folder / MAIN, folder / BROKEN_JSONL, folder / BROKEN_CSV]


def _big_article(target_bytes: int, rng: random.Random) -> str:
    """An article of ``target_bytes`` whose sentences are nearly all distinct (tagged with a number)."""
    parts, size, n = [], 0, 0
    while size < target_bytes:
        sentence = rng.choice(_ES_POOL)[:-1] + f" (parte {n})."
        n += 1
        parts.append(sentence)
        parts.append("\n\n" if n % 5 == 0 else " ")
        size += len(sentence.encode()) + 1
    return "".join(parts)


@dataclass
class _Builder:
    folder: Path
    items: list[tuple[str, str]] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)

    @property
    def files(self) -> Path:
        return self.folder / "files"

    def file(self, cls: str, name: str, data: bytes | str, **extra: str) -> Path:
        path = self.files / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.path(cls, name, **extra)
        return path

    def path(self, cls: str, name: str, **extra: str) -> None:
        """An entry ``path: files/NAME`` (the file may be anything, or nothing)."""
        entry_id = f"{cls}/{name}"
        self.entries.append({"id": entry_id, "path": f"files/{name}", **extra})
        self.items.append((entry_id, cls))

    def text(self, cls: str, name: str, text: str, **extra: str) -> None:
        entry_id = f"{cls}/{name}"
        self.entries.append({"id": entry_id, "text": text, **extra})
        self.items.append((entry_id, cls))

    def url(self, cls: str, base: str, route: str) -> None:
        entry_id = f"{cls}/{route}"
        self.entries.append({"id": entry_id, "url": f"{base}/{route}"})
        self.items.append((entry_id, cls))


def build_corpus(folder: Path | str, *, base_url: str | None = None,
                 skip: Collection[str] = ()) -> list[tuple[str, str]]:
    """Write the corpus into ``folder`` (created; files already there are replaced).

    Args:
        folder: where to write ``files/``, ``main.jsonl``, ``broken.jsonl`` and ``broken.csv``.
        base_url: a running :class:`HostileServer`'s ``url``; without it there are no URL inputs.
        skip: inputs to leave out, to look at the others when one stops the whole run: ids of
            ``main.jsonl`` entries (``markup/nested-100k.html``) or ``broken-manifest/NAME`` for a
            line of ``broken.jsonl`` (NAME as in :func:`_broken_jsonl`: ``deep-nesting``, ...).

    Returns:
        ``(id, class)`` for every input, in manifest order (:func:`manifests`).
    """
    folder = Path(folder).resolve()
    b = _Builder(folder)
    b.files.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    es = "El presidente Nayib Bukele ofreció la cárcel CECOT a Estados Unidos. La oferta incluye a criminales."
    es_long = " ".join(_ES_POOL[:8])

    for entry_id, lang, text in ordinary_articles():
        name = f"{entry_id}.{lang}.txt"
        (b.files / name).write_text(text, encoding="utf-8")
        b.entries.append({"id": entry_id, "path": f"files/{name}"})
        b.items.append((entry_id, "ordinary"))

    # random bytes, under every suffix the reader knows and one it does not
    for name, size in (("noise.txt", 4096), ("noise.html", 65536), ("noise.md", 100), ("noise.htm", 1),
                       ("noise.bin", 2048), ("noise-big.txt", 3 * 1024 * 1024)):
        b.file("random-bytes", name, rng.randbytes(size))
    b.text("random-bytes", "latin1-noise-inline", bytes(rng.randrange(32, 256) for _ in range(3000)).decode("latin-1"))

    # real binary formats named as text
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + rng.randbytes(3000)
    b.file("binary-text-suffix", "image.txt", png)
    b.file("binary-text-suffix", "archive.html", gzip.compress(es_long.encode() * 50))
    zipped = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.txt", es_long)
    b.file("binary-text-suffix", "archive.md", zipped.getvalue())
    b.file("binary-text-suffix", "program.txt", Path(sys.executable).resolve().read_bytes()[:65536])
    b.file("binary-text-suffix", "document.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
           + rng.randbytes(5000) + b"\n%%EOF\n")
    b.file("binary-text-suffix", "nul-text.txt", es.encode("utf-8").replace(b" ", b"\0"))

    # markup: truncated, nested, not HTML at all, no article
    page = ("<html><head><title>Oferta de Bukele</title></head><body><article><h1>Oferta</h1>"
            + "".join(f"<p>{s}</p>" for s in _ES_POOL[:10]) + "</article></body></html>")
    b.file("markup", "truncated-tag.html", page[: len(page) // 2] + '<a href="http://exa')
    b.file("markup", "truncated-comment.html", page[:300] + "<!-- " + page[300:])
    b.file("markup", "truncated-head.html", "<html><head><title>Sin cuerpo")
    b.file("markup", "nested-100k.html", _nested_html(100_000))
    b.file("markup", "nested-unclosed-200k.html", b"<div>" * 200_000 + b"<p>texto</p>")
    b.file("markup", "nested-inline-50k.html", b"<html><body><article>" + b"<b><i>" * 25_000 + es.encode()
           + b"</i></b>" * 25_000 + b"</article></body></html>")
    b.file("markup", "svg.html", SVG)
    b.file("markup", "xml.html", b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Noticias'
           b'</title><entry><title>Bukele</title><summary>' + es.encode() + b'</summary></entry></feed>')
    b.file("markup", "billion-laughs.html", b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'.encode()
                      for i in range(1, 10))
           + b']><html><body><p>&lol9;</p></body></html>')
    b.file("markup", "scripts-only.html", "<html><head><script>" + "var x = 'Bukele';" * 2000 + "</script><style>"
           + "p{color:red}" * 500 + "</style></head><body><script>alert(1)</script><noscript>Activa JS"
           "</noscript></body></html>")
    b.file("markup", "navigation-only.html", "<html><body><nav><ul>" + "".join(
        f'<li><a href="/s{i}">Sección {i}</a></li>' for i in range(300)) + "</ul></nav><footer>© 2025</footer>"
        "</body></html>")
    b.file("markup", "tag-soup.html", "<p><p><table><td><p>" * 3000 + es + "</td>" * 3000)
    b.file("markup", "attributes-huge.html", '<html><body><p title="' + "x" * 2_000_000 + '">' + es + "</p></body></html>")
    b.file("markup", "markdown-nested.md", "> " * 5000 + es + "\n\n" + "[" * 20000 + "]" * 20000 + "\n\n" + "*" * 50000)

    # encodings
    b.file("encoding", "utf16-bom.txt", es_long.encode("utf-16"))
    b.file("encoding", "utf16le-nobom.txt", es_long.encode("utf-16-le"))
    b.file("encoding", "utf16be-nobom.txt", es_long.encode("utf-16-be"))
    b.file("encoding", "utf32-bom.txt", es_long.encode("utf-32"))
    b.file("encoding", "utf32le-nobom.txt", es_long.encode("utf-32-le"))
    b.file("encoding", "latin1.txt", es_long.encode("latin-1"))
    b.file("encoding", "cp1252-quotes.txt", ("\u201c" + es_long + "\u201d \u2014 \u20ac").encode("cp1252"))
    b.file("encoding", "invalid-utf8.txt", es_long.encode() + b" \xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1 " + es.encode())
    b.file("encoding", "mixed-utf8-latin1.txt", es_long.encode() + b"\n\n" + es_long.encode("latin-1"))
    b.file("encoding", "utf16-html-declared-utf8.html",
           ('<html><head><meta charset="utf-8"></head><body><article><p>' + es_long + "</p></article></body></html>")
           .encode("utf-16"))
    b.file("encoding", "html-declares-utf16.html",
           ('<html><head><meta charset="utf-16"></head><body><article><p>' + es_long + "</p></article></body></html>")
           .encode())
    b.file("encoding", "html-unknown-charset.html",
           ('<html><head><meta charset="x-klingon"></head><body><p>' + es_long + "</p></body></html>").encode())
    b.file("encoding", "utf8-bom-twice.txt", b"\xef\xbb\xbf\xef\xbb\xbf" + es_long.encode())
    b.file("encoding", "ebcdic.txt", es_long.encode("cp500"))

    # empty and whitespace-only
    b.file("empty", "empty.txt", b"")
    b.file("empty", "empty.html", b"")
    b.file("empty", "spaces.txt", " \t \n\n\r\n   \n")
    b.file("empty", "unicode-spaces.txt", "\u00a0\u3000\u2003\u200b\ufeff\n\u2028\u2029")
    b.file("empty", "bom-only.txt", b"\xef\xbb\xbf")
    b.file("empty", "empty-body.html", "<html><head><title></title></head><body>   </body></html>")
    b.file("empty", "only-newlines.md", "\n" * 100_000)
    b.text("empty", "whitespace-inline", "   \n\t  ")

    # huge
    b.file("huge", "article-5mb.txt", _big_article(5 * 1024 * 1024, rng))
    words = [w.strip(".,").lower() for s in _ES_POOL for w in s.split()]
    b.file("huge", "no-punctuation-50k-words.txt", " ".join(rng.choice(words) for _ in range(50_000)))
    b.file("huge", "one-word-200kb.txt", "a" * 200_000)
    b.file("huge", "one-sentence-10k-times.txt", " ".join([_ES_POOL[0]] * 10_000))
    b.file("huge", "one-line-2mb-html.html", "<html><body><article><p>" + _big_article(2 * 1024 * 1024, rng)
           .replace("\n\n", " ") + "</p></article></body></html>")
    b.file("huge", "100k-lines.txt", "\n".join(rng.choice(words) for _ in range(100_000)))
    b.text("huge", "inline-1mb", _big_article(1024 * 1024, rng), lang="es")

    # degenerate texts
    b.text("degenerate", "numbers", " ".join(str(rng.randrange(10**9)) for _ in range(3000)))
    b.text("degenerate", "punctuation", "".join(rng.choice(".,;:!?¿¡-—()[]{}\"'«»…") for _ in range(20_000)))
    b.text("degenerate", "emoji", "".join(rng.choice("😀🔥🇸🇻👍🏽❤️🚀🤖🧨🫠") for _ in range(5000)))
    b.text("degenerate", "one-word", "Bukele")
    b.text("degenerate", "control-chars", "".join(c + rng.choice("\x01\x02\x07\x08\x0b\x0c\x1b\x7f\x85")
                                                  for c in es_long))
    b.text("degenerate", "zero-width", "\u200b".join(es_long) + "\u200d\u2060\ufeff")
    b.text("degenerate", "rtl-overrides", "\u202e" + es_long + "\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627")
    b.text("degenerate", "arabic-rtl", "مرحبا بكم في السلفادور. " * 80)
    b.text("degenerate", "zalgo", "".join(c + "\u0301\u0308\u0327\u0336" * 8 for c in es))
    b.text("degenerate", "lone-surrogate", es + " \ud800 " + es)
    b.text("degenerate", "nul-inline", es.replace(" ", "\x00"))
    b.text("degenerate", "u2028-separators", es.replace(". ", ".\u2028\u2029\u0085"))
    b.text("degenerate", "one-sentence-repeated", (es.split(".")[0] + ". ") * 2000, lang="es")
    b.text("degenerate", "url-only", "https://example.invalid/" + "a/" * 5000)
    b.file("degenerate", "long-line-no-spaces.txt", ("Bukele." * 30_000))

    # other languages
    b.text("other-language", "french", "Le président du Salvador a proposé d'accueillir dans ses prisons des "
           "détenus expulsés par les États-Unis. Le secrétaire d'État américain a qualifié l'accord "
           "d'extraordinaire. L'opposition a dénoncé un pacte qui traite la région comme une arrière-cour. " * 4)
    b.text("other-language", "german", "Der Präsident von El Salvador hat angeboten, aus den Vereinigten Staaten "
           "abgeschobene Straftäter in seinen Gefängnissen aufzunehmen. Der amerikanische Außenminister nannte das "
           "Abkommen beispiellos. Die Opposition kritisierte den Plan scharf. " * 4)
    b.text("other-language", "chinese", "萨尔瓦多总统提出接收美国遣返的罪犯。美国国务卿称这是前所未有的移民协议。反对党强烈批评该计划。" * 10)
    b.text("other-language", "russian", "Президент Сальвадора предложил принимать в своих тюрьмах преступников, "
           "высланных из США. Оппозиция резко раскритиковала этот план. " * 5)
    b.text("other-language", "mixed-es-en", es_long + "\n\n" + " ".join(_EN_POOL[:8]) + "\n\n" + es_long)
    b.text("other-language", "mixed-fr-de-es", "Le président a proposé un accord. " * 5 + "\n\n"
           + "Der Präsident hat ein Abkommen angeboten. " * 5 + "\n\n" + es)
    b.text("other-language", "lang-forced-wrong", "Der Präsident von El Salvador hat ein Abkommen angeboten. " * 8,
           lang="es")
    b.file("other-language", "japanese.txt", "エルサルバドルの大統領は米国から送還された犯罪者を受け入れると提案した。" * 20)

    # odd paths: nothing there, a directory, a FIFO, device symlinks, loops
    b.path("odd-path", "missing.txt")
    b.path("odd-path", "missing-folder/missing.html")
    (b.files / "folder.txt").mkdir(exist_ok=True)
    b.path("odd-path", "folder.txt")
    with contextlib.suppress(OSError, AttributeError):
        fifo = b.files / "fifo.txt"
        if not fifo.exists():
            os.mkfifo(fifo)
        b.path("odd-path", "fifo.txt")
    for name, target in (("dev-zero.txt", "/dev/zero"), ("dev-urandom.html", "/dev/urandom"),
                         ("dev-null.txt", "/dev/null"), ("dangling.txt", "files/nowhere.txt"),
                         ("proc-self-mem.txt", "/proc/self/mem")):
        with contextlib.suppress(OSError):
            link = b.files / name
            if link.is_symlink():
                link.unlink()
            os.symlink(target, link)
            b.path("odd-path", name)
    with contextlib.suppress(OSError):
        for a, z in (("loop-a.txt", "loop-b.txt"), ("loop-b.txt", "loop-a.txt")):
            if (b.files / a).is_symlink():
                (b.files / a).unlink()
            os.symlink(z, b.files / a)
        b.path("odd-path", "loop-a.txt")
    locked = b.files / "unreadable.txt"
    locked.write_text(es_long, encoding="utf-8")
    locked.chmod(0)
    b.path("odd-path", "unreadable.txt")
    b.file("odd-path", "name with\nnewline.txt", es_long)
    b.file("odd-path", "unsupported.pdf", es_long)
    b.entries.append({"id": "odd-path/absolute-dir", "path": "/"})
    b.items.append(("odd-path/absolute-dir", "odd-path"))

    # hostile URLs
    if base_url:
        for route in HostileServer.ROUTES:
            b.url("hostile-url", base_url, route)
        b.entries.append({"id": "hostile-url/closed-port", "url": "http://127.0.0.1:9/nothing"})
        b.items.append(("hostile-url/closed-port", "hostile-url"))
        b.entries.append({"id": "hostile-url/other-scheme", "url": "ftp://127.0.0.1/a.txt"})
        b.items.append(("hostile-url/other-scheme", "hostile-url"))

    kept = [(e, item) for e, item in zip(b.entries, b.items, strict=True) if e["id"] not in skip]
    b.entries, b.items = [e for e, _ in kept], [item for _, item in kept]
    main = folder / MAIN
    main.write_text("".join(_json_line(e) for e in b.entries), encoding="utf-8")
    _broken_jsonl(folder / BROKEN_JSONL, b.items, {s.removeprefix('broken-manifest/') for s in skip})
    _broken_csv(folder / BROKEN_CSV, b.items)
    ids = [i for i, _ in b.items]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    return b.items


def _json_line(entry: dict) -> str:
    """One manifest line in raw UTF-8, or escaped where the text holds a lone surrogate (not encodable)."""
    line = json.dumps(entry, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(entry)
    return line + "\n"


def _broken_jsonl(path: Path, items: list[tuple[str, str]], skip: Collection[str] = ()) -> None:
    """Broken lines; each gets its own id: the entry's when it has a readable one, else ``PATH:LINE``."""
    es = "La oferta de Bukele incluye a criminales de cualquier nacionalidad, según Marco Rubio."
    lines: list[tuple[str, str, str | None]] = [  # (name, line, its id if the line names one the reader can use)
        ("bad-json", '{"id": "bad-json", "text": "sin cerrar"', None),
        ("single-quotes", "{'id': 'single-quotes', 'text': 'x'}", None),
        ("trailing-garbage", '{"id": "trailing", "text": "a"} garbage', None),
        ("no-id", '{"text": "' + es + '"}', None),  # no id
        ("no-text", '{"id": "bm-no-text"}', "bm-no-text"),
        ("empty-text", '{"id": "bm-empty-text", "text": ""}', "bm-empty-text"),
        ("two-kinds", '{"id": "bm-two-kinds", "text": "' + es + '", "url": "http://127.0.0.1:9/"}', "bm-two-kinds"),
        ("array", "[1, 2, 3]", None),
        ("string", '"just a string"', None),
        ("number", "42", None),
        ("null", "null", None),
        ("bad-lang", '{"id": "bm-bad-lang", "text": "' + es + '", "lang": "fr"}', "bm-bad-lang"),
        ("lang-number", '{"id": "bm-lang-number", "text": "' + es + '", "lang": 5}', "bm-lang-number"),
        ("text-number", '{"id": "bm-text-number", "text": 12345}', "bm-text-number"),
        ("id-bool", '{"id": true, "text": "' + es + '"}', None),
        ("id-object", '{"id": {"nested": 1}, "text": "' + es + '"}', None),
        ("id-empty", '{"id": "", "text": "' + es + '"}', None),
        ("u2028", '{"id": "bm-u2028", "text": "' + es.replace(", ", ",\u2028 ") + '\u2029 Fin."}', "bm-u2028"),
        ("u2028-in-id", '{"id": "bm-u2028-in-id\u2028x", "text": "' + es + '"}', "bm-u2028-in-id\u2028x"),
        ("nan", '{"id": "bm-nan", "text": NaN}', "bm-nan"),
        ("deep-nesting", '{"id": "bm-deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}", None),
        ("lone-surrogate-escape", '{"id": "bm-lone-surrogate-escape", "text": "\\ud83d ' + es + '"}', "bm-lone-surrogate-escape"),
        ("nul-bytes", "\x00\x00\x00", None),
        ("path-escape", '{"id": "bm-path-escape", "path": "../../../../../../etc/shadow"}', "bm-path-escape"),
        ("long-id", '{"id": "bm-long-id-' + "x" * 10_000 + '", "text": "' + es + '"}', "bm-long-id-" + "x" * 10_000),
        ("number-id", '{"id": 7, "text": "' + es + '", "lang": "ES "}', "7"),
    ]
    lines = [line for line in lines if line[0] not in skip]
    path.write_text("".join(line + "\n" for _, line, _ in lines), encoding="utf-8")
    for number, (_, _, entry_id) in enumerate(lines, start=1):
        items.append((entry_id or f"{path}:{number}", "broken-manifest"))


def _broken_csv(path: Path, items: list[tuple[str, str]]) -> None:
    """Rows with quoted newlines (whole paragraphs) and bad rows; the invalid-CSV row comes last."""
    es = "El CECOT abrió en 2023 en Tecoluca. Tiene capacidad para 40.000 presos."
    en = "Marco Rubio met Nayib Bukele for nearly three hours. El Salvador offered to jail deportees."
    rows = [
        (["csv-paragraphs-es", f"{es}\n\n{' '.join(_ES_POOL[:6])}\n\n{es}", "es"], "csv-paragraphs-es"),
        (["csv-paragraphs-en", f"{en}\r\n\r\n{' '.join(_EN_POOL[:6])}", ""], "csv-paragraphs-en"),
        (["csv-quotes", f'Rubio dijo: "es un acuerdo sin precedentes", y añadió ""más"". {es}', "es"], "csv-quotes"),
        (["csv-no-text", "", "es"], "csv-no-text"),
        (["csv-bad-lang", es, "klingon"], "csv-bad-lang"),
        (["", es, "es"], None),  # no id
        (["csv-extra-columns", es, "es", "extra", "more"], "csv-extra-columns"),
        (["csv-nul", es.replace(" ", "\x00 "), "es"], "csv-nul"),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "text", "lang"])
    line = 2
    for row, entry_id in rows:
        start = line
        writer.writerow(row)
        line = buffer.getvalue().count("\n") + 1
        items.append((entry_id or f"{path}:{start}", "broken-manifest"))
    buffer.write('csv-bad-quote,"unterminated field"garbage after the quote,es\n')  # strict csv: an error
    items.append((f"{path}:{line}", "broken-manifest"))
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--base-url", help="a running hostile server (URL inputs); without it: none")
    args = parser.parse_args(argv)
    items = build_corpus(args.folder, base_url=args.base_url)
    counts: dict[str, int] = {}
    for _, cls in items:
        counts[cls] = counts.get(cls, 0) + 1
    for cls in CLASSES:
        print(f"{cls:20} {counts.get(cls, 0)}")
    print(f"{len(items)} inputs; manifests: {' '.join(str(p) for p in manifests(args.folder))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

