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

Modules: :mod:`.values` (a name, a document's names and where they occur), :mod:`.gazetteer`
(established translations), :mod:`.rules` (the rule-based finder), :mod:`.entities` (spaCy and the
choice of finder), :mod:`.titles` (title, nationality and name in the other language's order),
:mod:`.case` (Title Case headlines) and :mod:`.words` (the word lists, shipped as package data in
``summarize/text/wordlists/``); the words themselves come from :mod:`summarize.text.tokens`.
"""

from .case import is_title_case, sentence_case
from .entities import SpacyNameFinder, make_name_finder
from .gazetteer import Gazetteer, features
from .rules import RuleNameFinder
from .values import ACRONYM, ESTABLISHED, FULL, NAME, PART, PERSON, DocumentNames, Name
from .words import is_description, opens_with_description

__all__ = [
    "ACRONYM",
    "ESTABLISHED",
    "FULL",
    "NAME",
    "PART",
    "PERSON",
    "DocumentNames",
    "Gazetteer",
    "Name",
    "RuleNameFinder",
    "SpacyNameFinder",
    "features",
    "is_description",
    "is_title_case",
    "make_name_finder",
    "opens_with_description",
    "sentence_case",
]
