"""Awkward inputs: huge, unreadable, punctuation-free, repetitive and mixed-language text."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize import Source
from summarize.backends.base import Translator
from summarize.errors import InputError, UnsupportedInputError
from summarize.pipeline.translate import DocumentTranslator
from summarize.reading.extract import load_document
from summarize.text.langid import LanguageIdentifier


class Marking(Translator):
    """Marks what it was asked to translate, so a test can see what passed through."""

    engine = "marking"

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, texts, src, tgt, *, warnings=None):
        self.seen.extend(texts)
        return [f"[{tgt}] {t}" for t in texts]


def test_very_large_file_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    with pytest.raises(UnsupportedInputError, match="larger than the 52428800-byte limit"):
        load_document(Source.parse(str(path)))


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("texto")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(InputError, match="permission denied"):
        load_document(Source.parse(str(path)))


def test_quoted_english_passes_through_a_spanish_article():
    paragraph = ("El presidente escribió en la red social X un mensaje en inglés. "
                 "We are offering the United States the chance to outsource part of its prison system. "
                 "Después no dio más detalles sobre la cifra.")
    engine = Marking()
    [[out]] = DocumentTranslator(engine, LanguageIdentifier()).translate([[paragraph]], "es", "en")
    assert "We are offering the United States the chance to outsource part of its prison system." in out
    assert "[en] We are offering" not in out
    assert len(engine.seen) == 2
    assert out.startswith("[en] El presidente escribió")


def test_identical_sentences_are_translated_once():
    engine = Marking()
    docs = [["Hola a todos los presentes. Hola a todos los presentes."], ["Hola a todos los presentes."]]
    out = DocumentTranslator(engine).translate(docs, "es", "en")
    assert engine.seen == ["Hola a todos los presentes."]
    assert out == [["[en] Hola a todos los presentes. [en] Hola a todos los presentes."],
                   ["[en] Hola a todos los presentes."]]


def test_text_without_punctuation_is_still_split_to_the_window(tiny_pipeline):
    words = ("el presidente habló con el secretario de Estado sobre la cárcel y los deportados " * 40).split()
    text = " ".join(words)
    translator = tiny_pipeline.translator
    generator = translator.generator("es-en")
    tokenizer, model = generator.tokenizer, generator.model
    seen: list[str] = []
    original = translator._generate

    def spy(texts, *args, guard=False, **kwargs):
        if not guard:
            seen.extend(texts)
        return original(texts, *args, guard=guard, **kwargs)

    translator._generate = spy
    try:
        [out] = translator.translate([text], "es", "en")
    finally:
        del translator._generate
    assert len(seen) > 1 and "".join(seen) == text
    assert all(len(tokenizer(p)["input_ids"]) <= model.config.max_position_embeddings for p in seen)
    assert out


def test_degenerate_repetitive_text_finishes(tiny_pipeline):
    text = "La cárcel. " * 400
    [result] = tiny_pipeline.run([Source.from_text(text)], source_lang="es")
    assert result.summaries["en"] and result.summaries["es"]
