"""Over-protection: stretches the name finder took for one name that the translation should not copy.

Each class here made the pipeline copy words a reference translates: a connector joining two names
into one ("Juan Varela de Panamá"), a sentence's first word taken into a name ("Asesinato de Ana
Soto", "Although Ferran"), a place or an event read as a person's full name whose last word then
stood for it alone ("Tarija Plateau" ... "Plateau"), a natural feature cut out of a longer name
("Salt Lake City" as "lago de City"), and the engine's own spelling of an established name instead
of the gazetteer's. The people, places and organisations are made up for these tests.
"""

from __future__ import annotations

import shutil

import pytest

from summarize import Pipeline
from summarize.text.names import DocumentNames, Name, RuleNameFinder

needs_apertium = pytest.mark.skipif(shutil.which("apertium") is None, reason="needs the apertium command "
                                    "(sudo apt-get install apertium-eng-spa)")


def found(text: str, lang: str) -> dict[str, str]:
    return {n.text: n.kind for n in RuleNameFinder().find([text], lang).names}


@pytest.mark.parametrize(("lang", "text", "names", "not_names"), [
    # after a complete name "de"/"of" is the preposition
    ("es", "Llegó el presidente Juan Carlos Varela de Panamá.", {"Juan Carlos Varela", "Panamá"},
     {"Juan Carlos Varela de Panamá"}),
    ("es", "Habló con Ana Soto de la Universidad de Tarija.", {"Ana Soto", "Universidad de Tarija"},
     {"Ana Soto de la Universidad de Tarija"}),
    ("en", "Lucia Ferran of the University of Tarija spoke.", {"Lucia Ferran", "University of Tarija"},
     {"Lucia Ferran of the University of Tarija"}),
    # ... and after an acronym
    ("es", "La OEP de Tarija votó.", {"OEP", "Tarija"}, {"OEP de Tarija"}),
    ("en", "The TPA of Tarija voted.", {"TPA", "Tarija"}, {"TPA of Tarija"}),
    # a head or a first word still makes one name with it
    ("es", "Operan el Tren de Aragua y el Banco de Tarija.", {"Tren de Aragua", "Banco de Tarija"}, set()),
    ("es", "Lo escribió Ponce de León.", {"Ponce de León"}, set()),
    # an article joins only after "de"/"of", "for"/"para" only after a description
    ("en", "They practise Tarija Yoga the Tarija way.", {"Tarija Yoga"}, {"Tarija Yoga the Tarija"}),
    ("en", "The MP for Leeds East met the Centre for Water Research.", {"Centre for Water Research"},
     {"MP for Leeds East"}),
    ("es", "Nadia Ruiz para Tarija habló con la Comisión para la Verdad.", {"Nadia Ruiz", "Comisión para la Verdad"},
     {"Nadia Ruiz para Tarija"}),
])
def test_a_connector_joins_a_head_to_a_name_not_two_names(lang, text, names, not_names):
    kinds = found(text, lang)
    assert names <= set(kinds)
    assert not not_names & set(kinds)


@pytest.mark.parametrize(("lang", "text", "name", "opener"), [
    ("es", "Asesinato de Ana Soto en Tarija.", "Ana Soto", "Asesinato de Ana Soto"),
    ("es", "Miembros del Partido Verde de Tarija votaron.", "Partido Verde", "Miembros del Partido Verde"),
    ("en", "Although Ruiz spoke, nobody listened.", "Ruiz", "Although Ruiz"),
    ("en", "Also the Tarija Water Board agreed.", "Tarija Water Board", "Also the Tarija Water Board"),
    ("en", "Rapper Lucia Ferran sang.", "Lucia Ferran", "Rapper Lucia Ferran"),
    ("en", "Prof Nadia Ruiz and PM Oskar Vell spoke.", "Oskar Vell", "PM Oskar Vell"),
])
def test_a_sentence_opener_or_a_title_is_no_part_of_the_name(lang, text, name, opener):
    kinds = found(text, lang)
    assert name in kinds and opener not in kinds


def test_a_head_that_opens_a_sentence_stays_in_its_name():
    assert "Universidad de Tarija" in found("Universidad de Tarija abrió sus puertas.", "es")
    # a noun the document also capitalizes inside a sentence is confirmed as part of the name
    text = "Tren de Aragua opera en Tarija. La policía sigue al Tren de Aragua."
    assert "Tren de Aragua" in RuleNameFinder().find(text.split(". "), "es").renderings("es")


@pytest.mark.parametrize(("lang", "text", "name", "tail"), [
    ("en", "They climbed the Tarija Plateau.", "Tarija Plateau", "Plateau"),
    ("en", "She opened the Tarija Fashion Week.", "Tarija Fashion Week", "Week"),
    ("en", "He lives in Oruvia City.", "Oruvia City", "City"),
    ("en", "It aired on Tarija News Sunday.", "Tarija News Sunday", "Sunday"),
    ("en", "He met a Tarija Republican there.", "Tarija Republican", "Republican"),
    ("es", "Viven en Nortavia Central y en Oruvia Occidental.", "Nortavia Central", "Central"),
    ("es", "Gobernó el Imperio Xandro.", "Imperio Xandro", "Xandro"),
    ("en", "They dug the Oruvia Canal for the Tarija Company.", "Oruvia Canal", "Canal"),
])
def test_a_place_or_an_event_is_no_full_name_and_its_last_word_stands_for_nothing(lang, text, name, tail):
    kinds = found(text, lang)
    assert kinds.get(name) == "name"
    assert tail not in kinds


def test_a_person_keeps_a_surname_that_is_also_a_word():
    kinds = found("Ana Castillo met Kanye West and Oskar Hill.", "en")
    assert kinds["Kanye West"] == "full name" and kinds["West"] == "part" and kinds["Hill"] == "part"


def test_a_natural_feature_inside_a_longer_name_is_not_rendered_alone():
    names = RuleNameFinder().find(["He flew from Oruvia Lake City to the Oruvia River and Lake Tarija."], "en").names
    established = {n.text: n.translation for n in names if n.kind == "established"}
    assert established == {"Oruvia River": "río Oruvia", "Lake Tarija": "lago de Tarija"}
    names = RuleNameFinder().find(["They sailed round Port Oruvia Island and the Tarija Island Games."], "en").names
    assert not [n for n in names if n.kind == "established"]


def test_the_gazetteer_spelling_wins_over_the_engines_own_and_a_name_the_engine_knows_stays_its_own():
    names = DocumentNames("en", (Name("U.S.", "established", "EE. UU."), Name("New York", "established", "Nueva York")))
    text = "The U.S. and New York agreed."
    spans = names.spans(text, "en", {"U.S.": "EE.UU.", "New York": None}, engine_protects=True)
    assert [(s.text, s.output) for s in spans] == [("U.S.", "EE. UU.")]


def test_the_gazetteer_writes_the_us_as_the_rae_does():
    finder = RuleNameFinder()
    names = {n.text: n.translation for n in finder.find(["The U.S. and the US agreed."], "en").names}
    assert names == {"U.S.": "EE. UU.", "US": "EE. UU."}
    back = {n.text: n.translation for n in finder.find(["EE. UU. y EE.UU. firmaron."], "es").names}
    assert back == {"EE. UU.": "U.S.", "EE.UU.": "U.S."}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_preset("offline")


@needs_apertium
def test_a_name_before_a_connector_is_the_engines_to_keep_while_it_translates_the_connector(pipeline):
    engine = pipeline.translator
    said = engine.name_renderings(["Fuerte de Tarija", "Xandrovia de Tarija"], "es", "en")
    assert said == {"Fuerte de Tarija": "Fuerte de Tarija"}  # "Fort of Tarija" would split a name
    assert engine.name_renderings(["Xandrovia of Tarija", "Bank of Tarija"], "en", "es") == {}


@needs_apertium
def test_the_pipeline_translates_us_in_the_gazetteers_spelling(pipeline):
    from summarize.pipeline.translate import DocumentTranslator

    text = "The U.S. signed the deal with Tarija."
    names = RuleNameFinder().find([text], "en")
    out = DocumentTranslator(pipeline.translator, pipeline.langid).translate([[text]], "en", "es", names=[names])[0][0]
    assert "EE. UU." in out and "EE.UU." not in out


def test_a_run_in_a_title_case_line_is_no_full_name_unless_a_sentence_confirms_it():
    kinds = found("Lucia Ferran Unveils Water Plan For Highland Towns", "en")
    assert "Unveils" not in kinds and not [k for k in kinds.values() if k in ("full name", "part")]
    body = ["Oskar Vell Signs Port Deal In Tarija", "The deal is fair, Oskar Vell said."]
    kinds = {n.text: n.kind for n in RuleNameFinder().find(body, "en").names}
    assert kinds["Oskar Vell"] == "full name" and kinds["Vell"] == "part"


@pytest.mark.parametrize(("lang", "text", "person"), [
    ("en", "President Trump signed the order on Monday.", "Trump"),
    ("en", "Trump said the deal was fair.", "Trump"),
    ("en", "The deal was fair, Mr. Cook told reporters.", "Cook"),
    ("es", "Rubio dijo que el acuerdo es justo.", "Rubio"),
    ("es", "El presidente Bukele habló en San Salvador.", "Bukele"),
])
def test_a_title_before_or_a_verb_of_saying_after_one_word_shows_a_person(lang, text, person):
    kinds = {n.text: n.kind for n in RuleNameFinder().find([text], lang).names}
    assert kinds[person] == "person"


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Officials said the deal was fair."),  # a plural
    ("en", "Police said the road was closed."),
    ("en", "You said the deal was fair."),
    ("es", "Ella dijo que el acuerdo es justo."),
    ("es", "Nadie dijo que el acuerdo fuera justo."),
])
def test_a_plural_or_a_pronoun_before_said_is_no_person(lang, text):
    assert "person" not in {n.kind for n in RuleNameFinder().find([text], lang).names}


def test_a_surname_of_a_full_name_stays_its_part():
    kinds = {n.text: n.kind for n in RuleNameFinder().find(["Marco Rubio llegó.", "Rubio dijo que sí."], "es").names}
    assert kinds == {"Marco Rubio": "full name", "Rubio": "part"}


@needs_apertium
@pytest.mark.parametrize(("src", "tgt", "text", "person", "as_word"), [
    ("en", "es", "President Trump said the deal was good for both countries.", "Trump", "triunfo"),
    ("es", "en", "Rubio dijo que sí.", "Rubio", "blond"),
    ("en", "es", "The budget was late, Baker told the council.", "Baker", "panadero"),
])
def test_a_person_shown_by_a_title_or_a_verb_of_saying_keeps_the_name(pipeline, src, tgt, text, person, as_word):
    """A one-sentence document gives no full name; Apertium alone reads these as ordinary words."""
    from summarize.pipeline.translate import DocumentTranslator

    names = RuleNameFinder().find([text], src)
    out = DocumentTranslator(pipeline.translator, pipeline.langid).translate([[text]], src, tgt, names=[names])[0][0]
    assert person in out and as_word not in out.lower()
