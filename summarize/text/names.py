"""A document's proper names, found once from the whole article and kept through every translation.

Names break where a sentence is translated without its article: a lone surname in a summary
("Rubio" -> "Blond"), a country after a preposition ("desde El Salvador" -> "from the Saviour").
So the names are found once per document, from all of it (a surname is known as one because the
article also gives the full name; a capitalized word at a sentence start counts when the article
also writes it capitalized inside a sentence), and every engine gets the same list for the full
translation and for the summary translation (:class:`summarize.pipeline.translate.DocumentTranslator`
masks them). The list depends on the document alone, never on what else is in the batch.

A name with an established translation is rendered, not kept: the small bilingual *gazetteer*
shipped beside this module (general geography, institutions, titles: ``Estados Unidos`` <->
"United States", ``Mar Muerto`` <-> "Dead Sea", ``Sr.`` <-> "Mr.") and the engine's own dictionary
(:meth:`summarize.backends.base.Translator.name_renderings`) decide it. Everything else is kept as
written.

Finders: :class:`RuleNameFinder` (no model; capitalization, the document's own usage, the
gazetteer) always works. :class:`SpacyNameFinder` adds spaCy's named entities when spaCy and a
pipeline for the language are installed; :func:`make_name_finder` falls back to the rules when
they are not, and the result says which finder ran.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import ClassVar

from .protect import Span
from .segment import split_sentences

__all__ = [
    "DocumentNames",
    "Gazetteer",
    "Name",
    "RuleNameFinder",
    "SpacyNameFinder",
    "is_description",
    "is_title_case",
    "make_name_finder",
    "opens_with_description",
    "sentence_case",
]

ESTABLISHED = "established"  # in the gazetteer: rendered in the other language
ACRONYM = "acronym"
NAME = "name"
PART = "part"  # the last word of a two- or three-word name, which stands for it elsewhere ("Rubio")
FULL = "full name"  # two or three capitalized words whose last one may stand for them ("Marco Rubio")
PERSON = "person"  # one word the document shows is a person: after a title or before "said" ("Trump said")

_LANGS = ("es", "en")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*")
_OPENS = re.compile(r"[.!?:;\"“«¿¡—–(\[]")
_POSSESSIVE = re.compile(r"['’]s$")
# lower-case words inside a name: "Tren de Aragua", "Department of Homeland Security"
_CONNECTORS = {"es": frozenset({"de", "del", "la", "las", "los", "para"}),
               "en": frozenset({"of", "the", "for", "de", "del", "da"})}
_ARTICLES = frozenset({"el", "la", "los", "las"})
_ARTICLE_FORMS = frozenset({"El", "La", "Los", "Las"})
# capitalized words that open a name but are no part of it: titles and descriptions, which translate
_LEADING = frozenset(["president", "presidente", "presidenta", "secretary", "secretario", "secretaria", "minister", "ministro", "ministra", "prime", "primer", "senator", "senador", "senadora", "governor", "gobernador", "gobernadora", "mayor", "alcalde", "alcaldesa", "judge", "juez", "jueza", "general", "pope", "king", "rey", "queen", "reina", "prince", "príncipe", "princess", "princesa", "vice", "vicepresidente", "vicepresidenta", "chief", "jefe", "jefa", "director", "directora", "spokesperson", "spokesman", "spokeswoman", "portavoz", "attorney", "fiscal", "foreign", "interior", "defense", "defence", "justice", "state", "estado", "former", "expresidente", "sen", "rep", "gov", "mr", "mrs", "ms", "dr", "sr", "sra", "srta", "don", "doña", "lake", "lago", "river", "río", "mount", "monte", "volcano", "volcán", "island", "isla", "islands", "islas", "bay", "bahía", "gulf", "golfo", "park", "parque", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "norte", "sur", "este", "oeste",
             # occupations written as a title before a name ("Rapper Kanye West", "el profesor Luis Soto")
             "professor", "profesor", "profesora", "rapper", "rapero", "rapera", "singer", "cantante", "actor", "actress",
             "actriz", "coach", "entrenador", "entrenadora", "sir", "dame", "inspector", "sergeant", "detective",
             "ambassador", "embajador", "embajadora", "doctor", "doctora",
             # abbreviated titles ("Prof Ana Soto", "Lt Col Vann", "PM Zoran Zaev", "CEO John Bruce")
             "prof", "lt", "col", "sgt", "capt", "gen", "pm", "ceo"])
# words that are never a name on their own: English months and days, pronoun I
_NEVER_ALONE = frozenset(["i", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun"])
# generic nouns of institutions: a run made only of these (and titles) is a description, not a name
_GENERIC = frozenset(["department", "ministry", "court", "house", "party", "university", "council", "agency", "office", "government", "administration", "committee", "commission", "police", "army", "navy", "embassy", "departamento", "ministerio", "corte", "tribunal", "casa", "partido", "universidad", "consejo", "agencia", "oficina", "gobierno", "administración", "comité", "comisión", "policía", "ejército", "embajada", "center", "centre", "centro", "front", "frente", "gap", "street", "avenue", "square", "bridge", "airport", "prison", "calle", "avenida", "plaza", "puente", "aeropuerto", "cárcel", "prisión", "nacional", "national", "international", "internacional"])
# nouns that head a name made of a description and a name ("Universidad de Michigan", "Hospital of
# Pittsburgh"): the description translates, the name after "de"/"of" is the engine's to keep
# (streets, bridges, squares and gaps keep their names: "Wall Street", "Darién Gap")
_HEADS = (_GENERIC - {"gap", "front", "frente", "street", "avenue", "square", "bridge", "calle", "avenida", "plaza",
                      "puente", "house", "casa", "nacional", "national", "international", "internacional"}) | frozenset(["hospital", "asociación", "association", "instituto", "institute", "museo", "museum",
                               "tratado", "treaty", "acuerdo", "acuerdos", "accords", "república", "republic",
                               "estadio", "stadium", "escuela", "school", "fundación", "foundation", "declaración",
                               "declaration", "airport", "games", "land", "valley", "war", "empire", "county",
                               "cup", "league", "boulevard", "harbour", "harbor", "aeropuerto", "juegos", "valle",
                               "guerra", "imperio", "condado", "copa", "liga", "bulevar", "puerto",
                               # administrative and institutional heads ("Distrito de Columbia", "Bank of Tarija")
                               "distrito", "district", "ayuntamiento", "asamblea", "assembly", "parlamento",
                               "parliament", "provincia", "province", "región", "region", "municipio",
                               "municipality", "banco", "bank", "juzgado", "board", "junta"])
# the last words of place, event and institution names, which no person's name ends in, so such a
# name is no full name whose last word stands for it ("Giza Plateau", "Fashion Week", "Sulawesi
# Central"): English puts the description after the name, Spanish puts an adjective of position there.
# Words that are also common surnames ("Hill", "Bay", "Park", "King", "West", "Castillo") are not listed.
_NOT_SURNAMES = {
    "en": frozenset(["islands", "island", "isles", "lakes", "sea", "ocean", "gulf", "strait", "channel", "coast",
                     "peninsula", "plateau", "range", "mountains", "valley", "desert", "canyon", "falls", "river",
                     "glacier", "reef", "basin", "delta", "cape", "zone", "district", "region", "province",
                     "gardens", "week", "month", "year", "festival", "championship", "championships",
                     "tournament", "awards", "prize", "series", "conference", "summit", "team", "hotel", "arena",
                     "club", "station", "college", "cathedral", "palace", "centre", "center", "city", "town",
                     "canal", "highway", "motorway", "railway", "massif", "company", "corporation", "airlines",
                     "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "secretary", "minister",
                     "president", "senator", "governor", "spokesman", "spokeswoman", "spokesperson", "officer",
                     "chairman", "chairwoman", "commissioner", "ambassador", "sen", "rep", "gov", "central",
                     "northern", "southern", "eastern", "western", "republican", "republicans", "democrat",
                     "democrats", "labour", "tory", "tories"]),
    "es": frozenset(["norte", "sur", "este", "oeste", "central", "occidental", "oriental", "septentrional",
                     "meridional", "media", "medio", "superior", "inferior"]),
}
# A person's title right before one capitalized word ("President Trump", "presidente Bukele",
# "Mr. Rubio"), or a verb of saying right after it ("Trump said", "Rubio dijo"): that word is a
# person's name even where the text never gives the full name, and an engine reading it as an
# ordinary word ("triunfo", "Blond") would change who is meant.
_PERSON_TITLES = frozenset([
    "president", "presidente", "presidenta", "secretary", "secretario", "secretaria", "minister", "ministro",
    "ministra", "senator", "senador", "senadora", "governor", "gobernador", "gobernadora", "mayor", "alcalde",
    "alcaldesa", "judge", "juez", "jueza", "pope", "king", "rey", "queen", "reina", "prince", "príncipe",
    "princess", "princesa", "vicepresidente", "vicepresidenta", "expresidente", "expresidenta", "mandatario",
    "canciller", "chancellor", "diputado", "diputada", "congressman", "congresswoman", "congresista",
    "sen", "rep", "gov", "mr", "mrs", "ms", "dr", "sr", "sra", "srta", "don", "doña"])
_SAYS = {
    "en": frozenset(["said", "says", "told", "added", "argued", "wrote", "noted", "stated", "claimed", "announced",
                     "insisted", "warned", "tweeted", "posted", "explained", "replied", "responded", "asked"]),
    "es": frozenset(["dijo", "afirmó", "aseguró", "declaró", "explicó", "añadió", "agregó", "señaló", "indicó",
                     "sostuvo", "advirtió", "anunció", "escribió", "respondió", "insistió", "comentó", "manifestó",
                     "subrayó", "destacó", "reiteró", "admitió", "reconoció", "publicó"]),
}
# words that open "X said" and are no names: pronouns and quantifiers the stop lists leave out
_NOT_SAYERS = frozenset(["you", "one", "someone", "somebody", "nobody", "everyone", "everybody", "none", "people",
                         "él", "ella", "ellos", "ellas", "usted", "ustedes", "nadie", "alguien", "uno", "una",
                         "yo", "tú", "nosotros", "nosotras", "quien"])
_WORD_BEFORE = re.compile(r"(\w+)\.? $")
MAX_ACRONYM_CHARS = 7  # "MS-13", "UNICEF"; a longer word in capitals is shouting ("SALVADOR")
_DEMONYM = re.compile(r"(?:an|ans|ese|ish)$")


@dataclass(frozen=True)
class Name:
    """One proper name of a document.

    Attributes:
        text: the name as the article writes it.
        kind: ``established`` (rendered from the gazetteer), ``acronym``, ``full name`` (two or
            three capitalized words: "Marco Rubio"), ``part`` (the last word of a full name in the
            document, which stands for it: "Rubio"), ``person`` (one word that a title before it or
            a verb of saying after it shows is a person: "President Trump", "Rubio dijo"), or ``name``.
        translation: its established rendering in the other language, or ``None`` to keep it.
    """

    text: str
    kind: str
    translation: str | None = None


@dataclass(frozen=True)
class DocumentNames:
    """The names of one document, written in ``lang``, and the finder that found them."""

    lang: str
    names: tuple[Name, ...] = ()
    finder: str = "rules"

    def renderings(self, lang: str) -> dict[str, str]:
        """Each name as written in ``lang`` (the document's or the other language), mapped to its
        form in the other language."""
        if lang == self.lang:
            return {n.text: n.translation or n.text for n in self.names}
        return {(n.translation or n.text): n.text for n in self.names}

    def spans(self, text: str, src: str, overrides: Mapping[str, str | None] | None = None, *,
              engine_protects: bool = False, translated: Collection[str] = (), kept: Collection[str] = ()
              ) -> list[Span]:
        """Where the names occur in ``text`` (written in ``src``), each with its rendering.

        Args:
            text: a sentence or paragraph.
            src: the language ``text`` is written in.
            overrides: the engine's renderings (:meth:`Translator.name_renderings`); ``None``
                leaves an established name to the engine, which otherwise takes the gazetteer's
                rendering whatever the engine's own.
            engine_protects: the engine finds names itself, sentence by sentence (Apertium): only
                what a sentence alone cannot tell is masked, the names the document teaches
                (full names and their parts, a name after a Spanish article) and the gazetteer's.
            translated: names the engine translates itself (:meth:`Translator.translated_names`),
                with ``engine_protects``: left to it, and so is a part that stands only for them.
            kept: full names the engine's own protection keeps within a sentence
                (:meth:`Translator.protected_names`), with ``engine_protects``: left to it, while
                their last word alone is still masked ("Rubio" for "Marco Rubio").
                With ``engine_protects`` a name opening with an article is masked only where the
                article is capitalized inside the sentence ("en La Libertad"), which makes it a name.
        """
        forms: dict[str, str] = {}
        inside_only: set[str] = set()
        if engine_protects:
            # a full name the engine knows whole ("Gran Bretaña") is its own, and so is its last word
            taught = self._taught(src, set(translated) | {f for f in (overrides or {}) if " " in f}, set(kept))
            # at a sentence's start the article is capitalized anyway: there the engine's own rule
            # (an article before a word it reads both ways, "El Salvador aceptará") decides
            inside_only = {f for f in taught if f.split()[0] in _ARTICLE_FORMS and len(f.split()) > 1}
            overrides = {**{f: None for f in self.renderings(src) if f not in taught}, **(overrides or {})}
            established_only = False
        else:
            established_only = True
        established = {n.text if src == self.lang else (n.translation or n.text)
                       for n in self.names if n.kind == ESTABLISHED}
        for form, rendering in self.renderings(src).items():
            engine = (overrides or {}).get(form, rendering)
            if form in established and engine is not None:
                # the gazetteer's spelling, the same for every engine ("EE. UU.", not Apertium's "EE.UU."),
                # while an established name the engine renders itself is still left to it
                engine = rendering
            if engine is not None:
                forms[form] = engine
            elif established_only and form not in established:
                forms[form] = rendering  # the engine knows it, but a kept name stays kept
        # a name left to the engine still takes its words along: no part of it is masked inside it
        left = {f for f in (*translated, *kept) if f not in forms} if engine_protects else set()
        pattern = _alternation(tuple(sorted({*forms, *left}, key=lambda f: (-len(f), f))))
        if pattern is None:
            return []
        return [Span(m.start(), m.end(), m.group(), "name", "" if forms[m.group()] == m.group() else forms[m.group()])
                for m in pattern.finditer(text)
                if m.group() in forms and (m.group() not in inside_only or not _opens(text, m.start()))]

    def _taught(self, src: str, translated: set[str], kept: set[str]) -> set[str]:
        """The forms (written in ``src``) that one sentence cannot tell are names; see :meth:`spans`."""
        written = {n.text: n.text if src == self.lang else (n.translation or n.text) for n in self.names}
        full = [written[n.text] for n in self.names if n.kind == FULL]

        def taught(n: Name, form: str) -> bool:
            if n.kind in (ESTABLISHED, PERSON) or (n.text.split()[0] in _ARTICLE_FORMS and len(n.text.split()) > 1):
                return True
            if n.kind == FULL:
                return form not in translated and form not in kept
            # "Rubio" for "Marco Rubio", not "Olímpicos" for "Juegos Olímpicos"
            return n.kind == PART and any(f.split()[-1] == form and f not in translated for f in full)

        return {written[n.text] for n in self.names if taught(n, written[n.text])}

    def to_json(self) -> list[dict[str, str]]:
        """The names as JSON-ready objects."""
        return [{k: v for k, v in (("text", n.text), ("kind", n.kind), ("translation", n.translation)) if v}
                for n in self.names]


def is_description(word: str) -> bool:
    """Whether a word is a generic noun of institutions, places or events ("Universidad", "Airport",
    "War"): in a name it describes ("Universidad de Michigan", "Noto Airport") and translates."""
    return word.lower() in _HEADS


def opens_with_description(name: str) -> bool:
    """Whether a name of several words opens with a description ("Universidad de Michigan")."""
    words = name.split()
    return len(words) > 1 and is_description(words[0])


def _opens(text: str, start: int) -> bool:
    """Whether ``start`` opens the sentence, where every word is capitalized."""
    before = text[:start].rstrip()
    return not before or bool(_OPENS.fullmatch(before[-1]))


@cache
def _alternation(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not forms:
        return None
    # a possessive stays with the engine's own protection, which reads "Venezuela's" as "de Venezuela"
    return re.compile(rf"(?<![\w.])(?:{'|'.join(re.escape(f) for f in forms)})(?!\w|['’]s\b)")


@dataclass(frozen=True)
class Gazetteer:
    """Spanish-English pairs of names with an established translation (first pair wins per direction)."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def builtin(cls) -> Gazetteer:
        """The gazetteer shipped with the package (``summarize/text/gazetteer.tsv``)."""
        return _builtin()

    def table(self, src: str) -> dict[str, str]:
        """Names written in ``src`` mapped to their rendering in the other language."""
        out: dict[str, str] = {}
        for es, en in self.pairs:
            key, value = (es, en) if src == "es" else (en, es)
            out.setdefault(key, value)
        return out

    def find(self, text: str, src: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, name, rendering)`` for each gazetteer name in ``text``, longest first."""
        table = self.table(src)
        pattern = _alternation(tuple(sorted(table, key=lambda f: (-len(f), f))))
        return [] if pattern is None else [(m.start(), m.end(), m.group(), table[m.group()])
                                           for m in pattern.finditer(text)]


# a lower-case Spanish description before a name, and how English writes it: "lago de Coatepeque" is
# "Lake Coatepeque", "río Lempa" the "Lempa River"
_FEATURES = {"lago": ("Lake {}", "lago de {}"), "volcán": ("{} volcano", "volcán {}"), "río": ("{} River", "río {}"),
             "golfo": ("Gulf of {}", "golfo de {}"), "monte": ("Mount {}", "monte {}"), "isla": ("{} Island", "isla {}")}
_FEATURE_ES = re.compile(r"(?<!\w)(lago|volcán|río|golfo|monte|isla)(?: (?:de|del) | )((?-i:[A-ZÁÉÍÓÚÑ])[\w-]+)")
_FEATURE_EN = re.compile(r"(?<!\w)(?:(Lake|Gulf of|Mount) ([A-ZÁÉÍÓÚÑ][\w-]+)|([A-ZÁÉÍÓÚÑ][\w-]+) (River|Island))(?!\w)")
_LONGER_BEFORE = re.compile(r"[A-ZÁÉÍÓÚÑ][\w-]* $")
_LONGER_AFTER = re.compile(r" [A-ZÁÉÍÓÚÑ]")
_FEATURE_WORDS = {"Lake": "lago", "Gulf of": "golfo", "Mount": "monte", "River": "río", "Island": "isla"}


def features(text: str, lang: str) -> list[Name]:
    """Natural features written with a description ("lago de Coatepeque" <-> "Lake Coatepeque")."""
    found: list[Name] = []
    if lang == "es":
        for m in _FEATURE_ES.finditer(text):
            found.append(Name(m.group(), ESTABLISHED, _FEATURES[m.group(1)][0].format(m.group(2))))
    else:
        for m in _FEATURE_EN.finditer(text):
            if _LONGER_BEFORE.search(text, 0, m.start()) or _LONGER_AFTER.match(text, m.end()):
                continue  # part of a longer name: "Salt Lake City", "Hong Kong Island", "Desert Island Discs"
            word, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            found.append(Name(m.group(), ESTABLISHED, _FEATURES[_FEATURE_WORDS[word]][1].format(name)))
    return found


@cache
def _builtin() -> Gazetteer:
    text = resources.files("summarize.text").joinpath("gazetteer.tsv").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            es, en = line.split("\t")
            pairs.append((es.strip(), en.strip()))
    return Gazetteer(tuple(pairs))


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str
    initial: bool

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        return sum(c.isupper() for c in self.text) >= 2 and not any(c.islower() for c in self.text)


def _words(sentence: str) -> list[_Word]:
    words: list[_Word] = []
    last = 0
    for m in _TOKEN.finditer(sentence):
        initial = not words or bool(_OPENS.search(sentence, last, m.start()))
        text = _POSSESSIVE.sub("", m.group())
        words.append(_Word(m.start(), m.start() + len(text), text, initial))
        last = m.end()
    return words


def _runs(sentence: str, words: list[_Word], lang: str) -> list[list[_Word]]:
    """Capitalized words joined by single spaces (or hyphens), with connectors between two of them."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for i, w in enumerate(words):
        joined = bool(current) and sentence[current[-1].end : w.start] in (" ", "-")
        bridge = (joined and w.text in _CONNECTORS[lang] and _joins(current, w)
                  and _bridges(sentence, words, i, lang))
        if (w.capitalized or w.text[:1].isdigit() and joined and current[-1].capitalized) and (not current or joined) or bridge:
            current.append(w)
        else:
            if current:
                runs.append(current)
            current = [w] if w.capitalized else []
    if current:
        runs.append(current)
    return [_trim_connectors(r, lang) for r in runs]


def _joins(current: list[_Word], connector: _Word) -> bool:
    """Whether a connector may carry the name in ``current`` on to the words after it.

    "de"/"of" make one name after a head or a first word ("Tren de Aragua", "University of
    Michigan", "Ponce de León"), but after a name already complete they are the preposition:
    an acronym ("la CEP de Haití"), or two capitalized words not ending in a description ("Juan
    Varela de Panamá", "Ana Soto of the University of Tarija"; "Sporting Association of Tarija" stays one).
    An article joins only after "de"/"of" ("de la", "of the"), and "for"/"para" only after a
    description ("Centre for Disease Control", not "MP for Leeds").
    """
    last = current[-1]
    if not last.capitalized:
        return True  # a second connector: "de la", "of the"
    if connector.text in _ARTICLES or connector.text == "the" or last.acronym:
        return False
    segment = list(itertools.takewhile(lambda w: w.capitalized, reversed(current)))
    describes = is_description(last.text) or last.text.lower() in _GENERIC
    if connector.text in ("for", "para"):
        return describes
    return len(segment) < 2 or describes


def _bridges(sentence: str, words: list[_Word], i: int, lang: str) -> bool:
    """Whether connectors from ``i`` on lead, by single spaces, to a capitalized word."""
    j = i
    while j + 1 < len(words) and words[j].text in _CONNECTORS[lang] and sentence[words[j].end : words[j + 1].start] == " ":
        j += 1
    return j > i - 1 and words[j].capitalized and j != i


def _shouted(words: list[_Word], word: _Word) -> bool:
    """A word in capitals next to another one: a heading or dateline in capitals ("SAN SALVADOR"), not an acronym."""
    i = words.index(word)
    return any(0 <= j < len(words) and words[j].acronym and not any(c.isdigit() for c in words[j].text)
               for j in (i - 1, i + 1)) and not any(c.isdigit() for c in word.text)


def _strip_leading(run: list[_Word], lang: str, lower: set[str], inside: Mapping[str, int]) -> list[_Word]:
    """Drop titles, descriptions and a sentence's capitalized first word (unless the document also
    capitalizes it inside a sentence) from the front of a run."""
    while len(run) > 1:
        word = run[0]
        # "Luego Rubio habló": an opener the document never capitalizes elsewhere, before a name it does
        unconfirmed = word.text not in inside and len(run) == 2 and inside.get(run[1].text, 0) > 1
        # "Asesinato de Ana Soto", "Miembros del Partido Verde": a noun the document capitalizes only at a
        # sentence's start, before "de"/"of", describes what follows (a head like "Universidad" stays)
        unconfirmed = unconfirmed or (word.text not in inside and len(run) > 2 and run[1].text in _CONNECTORS[lang]
                                      and not is_description(word.text) and word.text.lower() not in _GENERIC)
        opener = word.initial and (unconfirmed or word.text.lower() in lower or word.text.lower() in _STOP[lang])
        if not (word.text.lower() in _LEADING or word.text in _CONNECTORS[lang] or opener):
            break
        run = run[1:]
    return run


def _trim_connectors(run: list[_Word], lang: str) -> list[_Word]:
    while run and run[-1].text in _CONNECTORS[lang]:
        run = run[:-1]
    return run


class RuleNameFinder:
    """Finds names from capitalization and the document's own usage; needs no model.

    Args:
        gazetteer: names with an established translation (default: the built-in one).
    """

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.builtin()

    def find(self, paragraphs: Sequence[str], lang: str, *, title: str | None = None) -> DocumentNames:
        """The names of one document.

        Args:
            paragraphs: the body, in ``lang``.
            lang: ``es`` or ``en``.
            title: the headline; its words count only where the body confirms them (a headline may
                be in Title Case).
        """
        sentences = [s for p in paragraphs for s in split_sentences(p, lang) if s.strip()]
        headline = [title] if title else []
        return DocumentNames(lang, self._names(sentences, headline, lang), self.name)

    def _names(self, sentences: list[str], headline: list[str], lang: str, extra: Iterable[Name] = ()) -> tuple[Name, ...]:
        established: dict[str, Name] = {}
        for text in [*headline, *sentences]:
            for _, _, found, rendering in self.gazetteer.find(text, lang):
                if found != rendering:
                    established.setdefault(found, Name(found, ESTABLISHED, rendering))
            for feature in features(text, lang):
                established.setdefault(feature.text, feature)
        lower = {w.lower() for s in sentences for w in _TOKEN.findall(s) if w.islower()}
        # how often each word is capitalized inside a sentence, where capitals mean a name
        inside = Counter(w.text for s in sentences for w in _words(s) if w.capitalized and not w.initial)
        inside_articles = {masked[r[0].start : r[-1].end] for masked in (self._without(s, established) for s in sentences)
                           for r in _runs(masked, _words(masked), lang)
                           if len(r) > 1 and r[0].text in ("El", "La", "Los", "Las") and not r[0].initial}
        candidates: dict[str, str] = {}
        demoted: set[str] = set()
        for sentence in sentences:
            masked = self._without(sentence, established)
            words = _words(masked)
            for w in words:
                if w.acronym and len(w.text) <= MAX_ACRONYM_CHARS and w.text.lower() not in lower and not _shouted(words, w):
                    candidates.setdefault(w.text, ACRONYM)
            # in a Title Case line every word is capitalized: a run there shows no full name ("Kanye West
            # Embarked"), unless a sentence in sentence case confirms it
            titled = is_title_case(sentence)
            for run in _runs(masked, words, lang):
                for text, kind in self._judge(masked, run, lang, lower, inside, inside_articles):
                    if kind == FULL and titled:
                        candidates.setdefault(text, NAME)
                        demoted.add(text)
                    elif kind == FULL and text in demoted:
                        candidates[text] = FULL
                        demoted.discard(text)
                    else:
                        candidates.setdefault(text, kind)
        for item in extra:
            if item.text not in established:
                candidates.setdefault(item.text, item.kind)
        # a full name's last word stands for it elsewhere ("Marco Rubio" ... "Rubio dijo"), also
        # where that word was found on its own first
        for surname in sorted({text.split()[-1] for text, kind in candidates.items() if kind == FULL}):
            if candidates.get(surname, NAME) == NAME:
                candidates[surname] = PART
        # after the surnames: a full name's part stays a part
        for text in self._people(sentences, lang, lower, candidates):
            if text not in established:
                candidates[text] = PERSON
        names = [*established.values()]
        names += [Name(t, k) for t, k in sorted(candidates.items()) if t not in established]
        return tuple(names)

    @staticmethod
    def _people(sentences: list[str], lang: str, lower: set[str], candidates: Mapping[str, str]) -> set[str]:
        """One-word names that a title before them or a verb of saying after them shows are people.

        A word found as a name elsewhere takes either sign; a word capitalized only because it opens
        a sentence takes the verb ("Rubio dijo ..."), unless it is a plural or a pronoun.
        """
        people: set[str] = set()
        for sentence in sentences:
            words = _words(sentence)
            for i, w in enumerate(words):
                text = w.text
                if not w.capitalized or w.acronym or " " in text or text.lower() in lower or \
                        candidates.get(text, NAME) != NAME:
                    continue
                low = text.lower()
                if low in _STOP[lang] or low in _NEVER_ALONE or low in _LEADING or low in _GENERIC or \
                        low in _NOT_SAYERS or low in _PERSON_TITLES:
                    continue
                before = _WORD_BEFORE.search(sentence[: w.start])
                titled = before is not None and before.group(1).lower() in _PERSON_TITLES and \
                    sentence[before.end(1) : w.start] in (" ", ". ")
                after = words[i + 1] if i + 1 < len(words) else None
                says = (after is not None and after.text in _SAYS[lang]
                        and sentence[w.end : after.start] in (" ", ", "))
                plural = lang == "en" and low.endswith("s")
                if (text in candidates and (titled or says)) or (says and not plural):
                    people.add(text)
        return people

    @staticmethod
    def _without(sentence: str, established: Mapping[str, Name]) -> str:
        """The sentence with gazetteer names blanked out (kept length), so no run takes them in."""
        pattern = _alternation(tuple(sorted(established, key=lambda f: (-len(f), f))))
        return sentence if pattern is None else pattern.sub(lambda m: "\x00" * len(m.group()), sentence)

    def _judge(self, sentence: str, run: list[_Word], lang: str, lower: set[str], inside: Mapping[str, int],
               inside_articles: set[str]) -> list[tuple[str, str]]:
        """The name (if any) in one capitalized run, with its kind."""
        first = run[0]
        # "El 6 de marzo" is a date, not a name
        article = (lang == "es" and first.text.lower() in _ARTICLES and len(run) > 1 and run[1].capitalized)
        # Spanish capitalizes no common noun, so a capitalized word after an article is a name:
        # "en El Salvador", "de La Libertad", and at a sentence start "El Salvador aceptará"
        second = run[1].text if len(run) > 1 else ""
        plain_noun = second.lower() in _LEADING or second.lower() in _GENERIC or second.lower() in lower
        if article and (not first.initial or sentence[first.start : run[-1].end] in inside_articles
                        or (not run[1].acronym and not plain_noun)):
            return [(sentence[first.start : run[-1].end], NAME)]
        run = _trim_connectors(_strip_leading(run, lang, lower, inside), lang)
        if not run:
            return []
        words = [w.text for w in run]
        if len(run) > 1 and all(w.acronym for w in run):
            return []  # a line in capitals ("SAN SALVADOR, 4 feb.")
        if all(w.lower() in _GENERIC or w.lower() in _LEADING or w in _CONNECTORS[lang] for w in words):
            return []
        if len(run) == 1:
            return self._single(sentence, run[0], lang, lower, inside)
        text = sentence[run[0].start : run[-1].end]
        plain = all(w.capitalized for w in run) and 2 <= len(run) <= 3 and not any(c.isdigit() for c in text)
        last = words[-1].lower()
        # a description and a name ("Imperio Qing", "Giza Plateau") is no person's full name
        full = (plain and last not in lower and last not in _GENERIC and last not in _NOT_SURNAMES[lang]
                and not is_description(words[0]) and not (lang == "en" and is_description(last)))
        return [(text, FULL if full else NAME)]

    @staticmethod
    def _single(sentence: str, word: _Word, lang: str, lower: set[str], inside: Mapping[str, int]) -> list[tuple[str, str]]:
        text = word.text
        if word.acronym or not word.capitalized:
            return []  # acronyms are judged on their own; a number left alone is no name
        if text.lower() in _NEVER_ALONE or text.lower() in _LEADING or text.lower() in _GENERIC or \
                text.lower() in _STOP[lang]:
            return []
        if word.initial and text not in inside:
            return []  # capitalized only because it opens a sentence
        if text.lower() in lower and text not in inside:
            return []
        after = sentence[word.end : word.end + 40].split()[:1]
        if lang == "en" and _DEMONYM.search(text) and after and after[0][:1].islower():
            return []  # an adjective of nationality ("Salvadoran prisons") translates
        return [(text, NAME)]


class SpacyNameFinder(RuleNameFinder):
    """The rules plus spaCy's named entities (``es_core_news_sm``, ``en_core_web_sm``...).

    Args:
        models: per language, the spaCy pipeline to load.
        gazetteer: as for :class:`RuleNameFinder`.

    Raises:
        ImportError: (from :meth:`load`) when spaCy or a pipeline is not installed.
    """

    MODELS: ClassVar[dict[str, str]] = {"es": "es_core_news_sm", "en": "en_core_web_sm"}
    _LABELS: ClassVar[dict[str, str]] = {"PER": NAME, "PERSON": NAME, "ORG": NAME, "LOC": NAME, "GPE": NAME, "MISC": NAME, "NORP": ""}

    def __init__(self, models: Mapping[str, str] | None = None, gazetteer: Gazetteer | None = None) -> None:
        super().__init__(gazetteer)
        self.models = dict(models or self.MODELS)
        self._nlp: dict[str, object] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        return "spacy " + ", ".join(self.models[lang] for lang in _LANGS if lang in self.models)

    def load(self, lang: str) -> object:
        """The spaCy pipeline for ``lang``, loaded once."""
        if lang not in self._nlp:
            import spacy

            self._nlp[lang] = spacy.load(self.models[lang], disable=["parser", "lemmatizer"])
        return self._nlp[lang]

    def find(self, paragraphs: Sequence[str], lang: str, *, title: str | None = None) -> DocumentNames:
        nlp = self.load(lang)
        entities: list[Name] = []
        for paragraph in paragraphs:
            for ent in nlp(paragraph).ents:  # type: ignore[operator]
                kind = self._LABELS.get(ent.label_, NAME)
                if kind and ent.text[:1].isupper():
                    entities.append(Name(ent.text, kind))
        sentences = [s for p in paragraphs for s in split_sentences(p, lang) if s.strip()]
        names = self._names(sentences, [title] if title else [], lang, entities)
        return DocumentNames(lang, names, f"spacy {self.models[lang]}")


_STOP: dict[str, frozenset[str]] = {
    "es": frozenset(["el", "la", "los", "las", "un", "una", "unos", "unas", "y", "o", "en", "de", "del", "con", "por", "para", "según", "desde", "tras", "ante", "sobre", "entre", "hacia", "hasta", "sin", "al", "su", "sus", "este", "esta", "estos", "estas", "ese", "esa", "ayer", "hoy", "pero", "sin", "embargo", "cuando", "como", "si", "no", "ni",
                     # sentence openers: conjunctions, adverbs, determiners, question words
                     "aunque", "también", "tampoco", "además", "durante", "luego", "después", "antes", "mientras",
                     "porque", "pues", "así", "ya", "aún", "todavía", "incluso", "cada", "todo", "toda", "todos",
                     "todas", "otro", "otra", "otros", "otras", "muchos", "muchas", "algunos", "algunas", "varios",
                     "varias", "ningún", "ninguna", "qué", "quién", "quiénes", "dónde", "cuándo", "cómo", "cuál",
                     "mediante", "contra", "bajo", "sólo", "solo", "entonces", "quizá", "quizás", "ahora", "aquí",
                     "allí", "más", "menos", "muy", "hay", "nunca", "siempre", "tanto", "tan", "aquel", "aquella",
                     "posteriormente", "finalmente", "asimismo", "actualmente", "recientemente", "inicialmente"]),
    "en": frozenset(["the", "a", "an", "and", "or", "in", "on", "at", "by", "for", "of", "to", "from", "with", "as", "after", "before", "when", "while", "if", "but", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "yesterday", "today", "it", "he", "she", "they", "we",
                     # sentence openers: conjunctions, adverbs, determiners, question words
                     "although", "though", "also", "since", "so", "because", "despite", "during", "until", "under",
                     "then", "thus", "however", "meanwhile", "still", "yet", "even", "only", "now", "there", "here",
                     "why", "how", "what", "who", "where", "which", "all", "some", "many", "most", "every", "each",
                     "both", "such", "no", "not", "once", "like", "unlike", "including", "instead", "besides",
                     "moreover", "indeed", "perhaps", "maybe", "later", "earlier", "never", "always", "about",
                     "among", "against", "without", "within", "through", "into", "over", "there's", "just",
                     "afterwards", "afterward", "finally", "separately", "overall", "nevertheless", "nonetheless",
                     "therefore", "otherwise", "elsewhere", "recently", "currently", "initially"]),
}


def make_name_finder(kind: str = "auto") -> RuleNameFinder:
    """The name finder to use: ``rules``, ``spacy``, or ``auto`` (spaCy when installed, else rules).

    Raises:
        ValueError: for another kind.
    """
    if kind == "rules":
        return RuleNameFinder()
    if kind not in ("auto", "spacy"):
        raise ValueError(f"unknown name finder {kind!r}; expected auto, rules or spacy")
    finder = SpacyNameFinder()
    try:
        for lang in _LANGS:
            finder.load(lang)
    except (ImportError, OSError):  # spaCy missing (ImportError) or its pipeline not installed (OSError)
        if kind == "spacy":
            raise
        return RuleNameFinder()
    return finder


# Title Case: most words capitalized, short function words included ("Bukele Offers To Jail ...")
_TITLE_MIN_WORDS = 4


def is_title_case(text: str) -> bool:
    """Whether a line is written in Title Case (English headlines), not in sentence case."""
    words = [w for w in _TOKEN.findall(text) if w[:1].isalpha()]
    if len(words) < _TITLE_MIN_WORDS:
        return False
    capitalized = sum(1 for w in words[1:] if w[:1].isupper())
    return capitalized >= 0.75 * (len(words) - 1)


def sentence_case(text: str, keep: Iterable[str]) -> str:
    """A Title Case line in sentence case, keeping the first word, acronyms and the names in ``keep``."""
    protected: list[tuple[int, int]] = []
    for name in sorted(set(keep), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            protected.append((m.start(), m.end()))
    out = list(text)
    first = True
    for m in _TOKEN.finditer(text):
        word = m.group()
        if first:
            first = False
            continue
        if any(s <= m.start() < e for s, e in protected) or sum(c.isupper() for c in word) > 1:
            continue
        out[m.start()] = word[0].lower()
    return "".join(out)
