"""Function words the extractive summarizer ignores when it compares sentences.

Short lists of articles, pronouns, prepositions, conjunctions, auxiliaries and reporting verbs:
words that make two sentences look alike without saying they are about the same thing. Reporting
verbs ("said", "dijo") are here because news quotes every source with them.
"""

from __future__ import annotations

__all__ = ["STOPWORDS"]

_ENGLISH_TEXT = """
a about above after again against all also although am an and another any are around as at be
because been before being below between both but by can could did do does doing done down during
each either even ever every few for from further had has have having he her here hers herself him
himself his how however i if in into is it its itself just last least less like made make many may
me might more most much must my myself neither no nor not now of off often on once one only or other
our ours ourselves out over own per rather same says said say she should since so some still such
than that the their theirs them themselves then there these they this those though through thus to
too told under until up upon us very was we were what when where whether which while who whom whose
why will with within without would yet you your yours yourself yourselves mr mrs ms
"""

_SPANISH_TEXT = """
a al algo algunas algunos ante antes aquel aquella aquellas aquellos aquí así aun aunque bajo bien
cada casi como con contra cual cuales cualquier cuando cuanto de del desde donde dos durante e el él
ella ellas ello ellos en entre era eran es esa esas ese eso esos esta está estaba estaban estado
estar este esto estos están fue fueron ha había habían han hasta hay haber hace hacer hacia he
la las le les lo los más me mi mientras mismo mis mucho muy nada ni no nos nosotros o otra otras
otro otros para pero poco por porque puede pueden que qué quien quienes se según ser será si sí
sido siempre sin sino sobre son su sus también tan tanto te tiene tienen todo todos tras tu tus un
una unas uno unos usted y ya yo dijo dice afirmó aseguró explicó señaló añadió según
"""

STOPWORDS: dict[str, frozenset[str]] = {"en": frozenset(_ENGLISH_TEXT.split()), "es": frozenset(_SPANISH_TEXT.split())}
