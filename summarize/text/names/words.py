"""The word lists the name rules read, shipped as package data in ``summarize/text/wordlists/``."""

from __future__ import annotations

from ..tokens import connectors, word_list

__all__ = ["ARTICLES", "ARTICLE_FORMS", "CONNECTORS", "GENERIC", "HEADS", "LANGS", "LEADING", "NATIONALITIES", "NEVER_ALONE",
           "NOT_SAYERS", "NOT_SURNAMES", "PERSON_TITLES", "SAYS", "STOP", "is_description", "opens_with_description"]

LANGS = ("es", "en")
CONNECTORS = {lang: connectors(lang) for lang in LANGS}
ARTICLES = frozenset({"el", "la", "los", "las"})
ARTICLE_FORMS = frozenset({"El", "La", "Los", "Las"})
LEADING = word_list("leading.txt")
NEVER_ALONE = word_list("never_alone.txt")
GENERIC = word_list("generic.txt")
HEADS = word_list("heads.txt")
NOT_SURNAMES = {lang: word_list(f"not_surnames.{lang}.txt") for lang in LANGS}
PERSON_TITLES = word_list("person_titles.txt")
SAYS = {lang: word_list(f"says.{lang}.txt") for lang in LANGS}
NOT_SAYERS = word_list("not_sayers.txt")
STOP = {lang: word_list(f"stop.{lang}.txt") for lang in LANGS}
# the English adjectives of nationality of demonyms.tsv (its last column), in lower case: "salvadoran"
# (Spanish writes them in lower case, and so no run of capitals opens with one)
NATIONALITIES = frozenset(form.lower() for line in word_list("demonyms.tsv") for form in line.split("\t")[-1].split("|"))


def is_description(word: str) -> bool:
    """Whether a word is a generic noun of institutions, places or events ("Universidad", "Airport",
    "War"): in a name it describes ("Universidad de Michigan", "Noto Airport") and translates."""
    return word.lower() in HEADS


def opens_with_description(name: str) -> bool:
    """Whether a name of several words opens with a description ("Universidad de Michigan")."""
    words = name.split()
    return len(words) > 1 and is_description(words[0])
