"""The Apertium engine: rule-based translation, with its lexicon and its name rules.

``engine`` runs the ``apertium`` program over batches of segments; ``lexicon`` reads words with
Apertium's own dictionaries and holds the carriers (placeholders Apertium copies unchanged);
``names`` decides which stretches of a sentence are names to keep intact.
"""

from .engine import MODES, ApertiumTranslator
from .lexicon import CARRIERS, PERSON_CARRIERS, ApertiumLexicon

__all__ = ["CARRIERS", "MODES", "PERSON_CARRIERS", "ApertiumLexicon", "ApertiumTranslator"]
