"""The neural pipeline end to end on tiny random-weight models (structure, not quality)."""

from __future__ import annotations

import json

import pytest
from conftest import ENGLISH_EXAMPLE, SHORT_EN, SHORT_ES, SPANISH_EXAMPLE

from summarize import Pipeline, Result, Source, summarize
from summarize.backends.base import LengthSpec
from summarize.errors import LanguageError
from summarize.reading.extract import load_document


def test_spanish_article_gets_translation_and_both_summaries(tiny_pipeline):
    [result] = tiny_pipeline.run([str(SPANISH_EXAMPLE)])
    assert isinstance(result, Result)
    assert result.source_lang == "es"
    assert result.summaries["en"].strip() and result.summaries["es"].strip()
    assert result.translation is not None and result.translation.lang == "en"
    document = load_document(Source.parse(str(SPANISH_EXAMPLE)))
    # paragraph structure survives translation
    assert len(result.translation.text.split("\n\n")) == len(document.paragraphs)
    assert result.translation.title
    assert result.engines["translate"]["engine"] == "marian"
    assert result.engines["translate"]["model"].endswith("marian-es-en")
    assert result.engines["summarize"]["model"].endswith("bart")
    assert result.engines["summary_translate"]["model"].endswith("marian-en-es")
    assert set(result.timings) >= {"load", "detect", "translate", "summarize", "summary_translate"}
    json.dumps(result.to_dict())  # serializes with no custom glue


def test_english_article_is_translated_to_spanish(tiny_pipeline):
    [result] = tiny_pipeline.run([str(ENGLISH_EXAMPLE)])
    assert result.source_lang == "en"
    assert result.translation.lang == "es"
    assert set(result.summaries) == {"en", "es"}


def test_many_documents_keep_their_order(tiny_pipeline):
    sources = [Source.from_text(SHORT_EN, id="a"), Source.from_text(SHORT_ES, id="b"),
               Source.from_text(SHORT_EN + " Otra frase más aquí.", id="c")]
    results = tiny_pipeline.run(sources)
    assert [r.id for r in results] == ["a", "b", "c"]
    assert [r.source_lang for r in results] == ["en", "es", "en"]


def test_errors_stay_with_their_document(tiny_pipeline):
    german = Source.from_text("Der Präsident traf sich gestern mit dem Außenminister in der Hauptstadt.", id="de")
    outputs = tiny_pipeline.process([tiny_pipeline.reader.load(s) for s in (Source.from_text(SHORT_ES, id="es"), german)])
    assert isinstance(outputs[0], Result)
    assert isinstance(outputs[1], LanguageError)
    assert "detected language German" in str(outputs[1])


def test_source_lang_overrides_detection(tiny_pipeline):
    [result] = tiny_pipeline.run([Source.from_text(SHORT_ES)], source_lang="es")
    assert result.engines["langid"]["engine"] == "given"


def test_too_short_text_is_its_own_summary(tiny_pipeline):
    # no names: a random-weight model drops their placeholders, and the pieces it is then given
    # come back longer than the summary budget (the pivot decides "too short" on the translation)
    [result] = tiny_pipeline.run([Source.from_text("El gobierno ofreció la cárcel el martes a sus vecinos.")],
                                 source_lang="es")
    assert any("too short" in w for w in result.warnings)
    assert result.summaries["en"] == result.translation.text


def test_long_article_is_summarized_by_map_reduce(tiny_pipeline):
    calls: list[list[str]] = []
    summarizer = tiny_pipeline.summarizer
    original = summarizer.generate

    def spy(texts, lang, length):
        calls.append(list(texts))
        return original(texts, lang, length)

    summarizer.generate = spy
    try:
        [result] = tiny_pipeline.run([str(ENGLISH_EXAMPLE)])
    finally:
        del summarizer.generate
    calls = [c for c in calls if c]
    window = summarizer.window("en", tiny_pipeline.length)
    assert len(calls) >= 2 and len(calls[0]) > 1  # a map step over several chunks, then a reduce
    assert all(summarizer.count_tokens(chunk) <= window for chunk in calls[0])
    assert any("map-reduce" in w for w in result.warnings)


def test_over_long_sentence_is_split_not_truncated(tiny_pipeline):
    translator = tiny_pipeline.translator
    generator = translator.generator("es-en")
    tokenizer, model = generator.tokenizer, generator.model
    sentence = ", ".join(["el presidente habló con el secretario de Estado en San Salvador"] * 30) + "."
    seen: list[str] = []
    original = translator._generate

    def spy(texts, *args, guard=False, **kwargs):
        if not guard:  # the first pass; a repetition-guard retry sends the same pieces again
            seen.extend(texts)
        return original(texts, *args, guard=guard, **kwargs)

    translator._generate = spy
    try:
        [out] = translator.translate([sentence], "es", "en")
    finally:
        del translator._generate
    window = model.config.max_position_embeddings - 2
    assert len(seen) > 1
    assert "".join(seen) == sentence
    assert all(len(tokenizer(p)["input_ids"]) <= window for p in seen)
    assert out


def test_length_is_asked_in_sentences_or_words(tiny_pipeline):
    summarizer = tiny_pipeline.summarizer
    [one] = summarizer.summarize([SHORT_EN], "en", LengthSpec(sentences=1))
    assert one
    from summarize.backends.neural import trim_to_length

    text = "One sentence here. Two sentences here. Three sentences here."
    assert trim_to_length(text, "en", LengthSpec(sentences=2)) == "One sentence here. Two sentences here."
    assert trim_to_length(text, "en", LengthSpec(words=7)) == "One sentence here. Two sentences here."
    assert trim_to_length(text, "en", LengthSpec(words=1)) == "One sentence here."


def test_source_strategy_summarizes_in_the_article_language(tiny_preset):
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", strategy="source")
    langs: list[str] = []
    original = pipeline.summarizer.summarize_noted  # what the pipeline calls

    def spy(texts, lang, length, **kwargs):
        langs.append(lang)
        return original(texts, lang, length, **kwargs)

    pipeline.summarizer.summarize_noted = spy
    [result] = pipeline.run([Source.from_text(SHORT_ES)])
    assert langs == ["es"]
    assert result.summaries["es"] and result.summaries["en"]


def test_instruct_engine_uses_prompt_files_and_chat_template(tiny_instruct_preset):
    pipeline = Pipeline.from_preset(str(tiny_instruct_preset), device="cpu", strategy="source")
    summarizer = pipeline.summarizer
    summarizer.load()
    prompt = summarizer.prepare("TEXTO DEL ARTÍCULO", "es", LengthSpec(sentences=2))
    assert "<|im_start|>system" in prompt and "TEXTO DEL ARTÍCULO" in prompt
    assert "Resume el siguiente artículo periodístico en 2 oraciones" in prompt
    assert prompt.rstrip().endswith("<|im_start|>assistant")
    [result] = pipeline.run([Source.from_text(SHORT_ES + " " + SHORT_ES)])
    assert result.summaries["es"] and result.summaries["en"]
    assert result.engines["summarize"]["engine"] == "instruct"


def test_convenience_function_and_translate_only(tiny_preset):
    result = summarize(Source.from_text(SHORT_EN), preset=str(tiny_preset), device="cpu")
    assert set(result.summaries) == {"en", "es"}
    [only] = Pipeline.from_preset(str(tiny_preset)).translate([Source.from_text(SHORT_EN)], to="es")
    assert only.summaries == {} and only.translation.lang == "es"


def test_cuda_without_a_gpu_is_a_clear_error(tiny_preset):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    from summarize.errors import DeviceError

    with pytest.raises(DeviceError, match="no CUDA GPU is available"):
        Pipeline.from_preset(str(tiny_preset), device="cuda").run([Source.from_text(SHORT_EN)])
