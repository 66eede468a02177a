"""Tests for summarize.testing: tiny random-weight models that load like hub checkpoints."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarize import testing

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses:UserWarning")

ES_SENTENCE = "¿Cuándo podrán las familias visitar a los detenidos?, preguntó una madre en Soyapango."
EN_SENTENCE = "Secretary of State Marco Rubio arrived in San Salvador on a two-day visit."


def _load(path: Path, *, causal: bool = False) -> tuple[Any, Any]:
    """Load a tokenizer and model from a directory through the Auto classes.

    Args:
        path: The model directory.
        causal: Load with AutoModelForCausalLM instead of AutoModelForSeq2SeqLM.

    Returns:
        The tokenizer and the model.
    """
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    auto = AutoModelForCausalLM if causal else AutoModelForSeq2SeqLM
    return AutoTokenizer.from_pretrained(path), auto.from_pretrained(path)


def _digest(path: Path) -> str:
    """Hash every file of a model directory.

    Args:
        path: The model directory.

    Returns:
        A hex digest of the file names and contents.
    """
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def _single_thread() -> Iterator[None]:
    """Run the tiny models on one thread: on a busy 2-core machine, thread hand-offs dominate."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def preset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the tiny seq2seq preset (Marian es-en, en-es, BART) once."""
    return testing.build_preset(tmp_path_factory.mktemp("preset"))


@pytest.fixture(scope="module")
def qwen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the tiny Qwen2 model once."""
    return testing.build_qwen2(tmp_path_factory.mktemp("qwen2"))


@pytest.fixture(scope="module")
def t5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the tiny T5 model once."""
    return testing.build_t5(tmp_path_factory.mktemp("t5"))


def test_module_imports_without_heavy_libraries() -> None:
    """Importing the module alone must not pull in torch, transformers or the tokenizer libraries."""
    code = (
        "import sys\n"
        "import summarize.testing\n"
        "heavy = {'torch', 'transformers', 'sentencepiece', 'tokenizers'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert importlib.util.find_spec("summarize.testing") is not None


def test_corpus_is_bilingual_news_text() -> None:
    """The corpora hold a few hundred sentences each, with Spanish accents, digits and names."""
    assert 250 <= len(testing.ENGLISH_SENTENCES) <= 400
    assert 250 <= len(testing.SPANISH_SENTENCES) <= 400
    spanish = " ".join(testing.SPANISH_SENTENCES)
    for char in "¿¡ñáéíóú0123456789":
        assert char in spanish
    for name in ("Nayib Bukele", "Marco Rubio", "CECOT", "MS-13", "El Salvador"):
        assert name in spanish
        assert name in " ".join(testing.ENGLISH_SENTENCES)
    assert ES_SENTENCE in testing.SPANISH_SENTENCES
    assert EN_SENTENCE in testing.ENGLISH_SENTENCES
    assert len(testing.corpus(None)) == len(testing.ENGLISH_SENTENCES) + len(testing.SPANISH_SENTENCES)


def test_preset_toml_points_at_loadable_models(preset: Path) -> None:
    """pipeline.toml names the Marian pair and the BART summarizer by absolute path."""
    config = tomllib.loads(preset.read_text(encoding="utf-8"))
    assert preset.name == "pipeline.toml"
    assert config["translate"]["engine"] == "marian"
    assert set(config["translate"]["models"]) == {"es-en", "en-es"}
    assert config["summarize"] == {
        "engine": "seq2seq",
        "model": str(preset.parent / "bart"),
        "strategy": "pivot",
        "sentences": 3,
    }
    for path in [*config["translate"]["models"].values(), config["summarize"]["model"]]:
        assert Path(path).is_absolute()
        assert (Path(path) / "config.json").is_file()
        assert (Path(path) / "model.safetensors").is_file()


@pytest.mark.parametrize(
    ("pair", "src", "tgt", "sentence"), [("es-en", "es", "en", ES_SENTENCE), ("en-es", "en", "es", EN_SENTENCE)]
)
def test_marian_reloads_and_translates(preset: Path, pair: str, src: str, tgt: str, sentence: str) -> None:
    """A Marian directory loads through the Auto classes, round-trips text and generates."""
    tokenizer, model = _load(preset.parent / f"marian-{pair}")
    assert type(tokenizer).__name__ == "MarianTokenizer"
    assert type(model).__name__ == "MarianMTModel"
    assert (tokenizer.source_lang, tokenizer.target_lang) == (src, tgt)
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 128
    assert model.config.vocab_size == len(tokenizer)
    assert tokenizer.pad_token_id == model.config.pad_token_id == model.generation_config.decoder_start_token_id
    assert tokenizer.eos_token_id == model.config.eos_token_id == 0

    encoded = tokenizer(sentence, return_tensors="pt")
    ids = encoded["input_ids"][0].tolist()
    assert ids[-1] == tokenizer.eos_token_id
    assert tokenizer.unk_token_id not in ids
    assert tokenizer.decode(ids, skip_special_tokens=True) == sentence

    output = model.generate(**encoded, max_new_tokens=20, min_new_tokens=5)
    assert 6 <= output.shape[1] <= 21
    assert isinstance(tokenizer.decode(output[0], skip_special_tokens=True), str)


def test_marian_outputs_depend_on_input(preset: Path) -> None:
    """Different sources give different translations (so batching and ordering can be tested)."""
    tokenizer, model = _load(preset.parent / "marian-es-en")
    batch = tokenizer(list(testing.SPANISH_SENTENCES[:4]), return_tensors="pt", padding=True)
    output = model.generate(**batch, max_new_tokens=10)
    texts = tokenizer.batch_decode(output, skip_special_tokens=True)
    assert len(set(texts)) > 1


def test_marian_is_deterministic(tmp_path: Path) -> None:
    """The same seed gives byte-identical directories; another seed gives other weights."""
    first = testing.build_marian(tmp_path / "a", src_lang="es", tgt_lang="en", seed=3)
    second = testing.build_marian(tmp_path / "b", src_lang="es", tgt_lang="en", seed=3)
    third = testing.build_marian(tmp_path / "c", src_lang="es", tgt_lang="en", seed=4)
    assert _digest(first) == _digest(second)
    assert (first / "model.safetensors").read_bytes() != (third / "model.safetensors").read_bytes()


def test_bart_reloads_and_summarizes(preset: Path) -> None:
    """BART loads as a BART/RoBERTa BPE tokenizer with <s> ... </s> encodings and distilbart generation defaults."""
    tokenizer, model = _load(preset.parent / "bart")
    assert type(model).__name__ == "BartForConditionalGeneration"
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (
        0,
        1,
        2,
        3,
    )
    assert tokenizer.mask_token == "<mask>"
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 256

    generation = model.generation_config
    assert (generation.num_beams, generation.length_penalty, generation.no_repeat_ngram_size) == (4, 2.0, 3)
    assert (generation.max_length, generation.min_length, generation.early_stopping) == (60, 10, True)
    assert generation.decoder_start_token_id == tokenizer.eos_token_id
    assert generation.forced_bos_token_id == tokenizer.bos_token_id

    for sentence in (ES_SENTENCE, EN_SENTENCE):
        encoded = tokenizer(sentence, return_tensors="pt")
        ids = encoded["input_ids"][0].tolist()
        assert (ids[0], ids[-1]) == (tokenizer.bos_token_id, tokenizer.eos_token_id)
        assert tokenizer.decode(ids, skip_special_tokens=True) == sentence
        output = model.generate(**encoded, max_new_tokens=20, min_new_tokens=5)
        assert 6 <= output.shape[1] <= 21


def test_qwen2_chat_template_and_generation(qwen_dir: Path) -> None:
    """Qwen2 renders ChatML, keeps its special tokens whole, round-trips text and generates."""
    tokenizer, model = _load(qwen_dir, causal=True)
    assert type(model).__name__ == "Qwen2ForCausalLM"
    assert tokenizer.eos_token == "<|im_end|>"
    assert tokenizer.pad_token == "<|endoftext|>"
    assert tokenizer.pad_token_id == model.generation_config.pad_token_id
    assert tokenizer.eos_token_id in model.generation_config.eos_token_id
    assert model.config.vocab_size == len(tokenizer)
    assert model.config.tie_word_embeddings

    messages = [{"role": "user", "content": ES_SENTENCE}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    assert prompt.startswith("<|im_start|>system\n")
    assert prompt.endswith(f"<|im_start|>user\n{ES_SENTENCE}<|im_end|>\n<|im_start|>assistant\n")
    with_system = tokenizer.apply_chat_template(
        [{"role": "system", "content": "Resume."}, *messages], add_generation_prompt=True, tokenize=False
    )
    assert with_system.startswith("<|im_start|>system\nResume.<|im_end|>\n<|im_start|>user\n")

    ids = tokenizer(prompt)["input_ids"]
    im_start = tokenizer.convert_tokens_to_ids("<|im_start|>")
    assert ids.count(im_start) == 3
    assert ids.count(tokenizer.eos_token_id) == 2
    plain = tokenizer(ES_SENTENCE)["input_ids"]
    assert tokenizer.decode(plain) == ES_SENTENCE

    encoded = tokenizer(prompt, return_tensors="pt")
    output = model.generate(**encoded, max_new_tokens=20, min_new_tokens=5)
    assert encoded["input_ids"].shape[1] + 5 <= output.shape[1] <= encoded["input_ids"].shape[1] + 20


def test_t5_reloads_and_generates(t5_dir: Path) -> None:
    """T5 loads with its sentinel tokens, round-trips a prefixed Spanish sentence and generates text."""
    tokenizer, model = _load(t5_dir)
    assert type(model).__name__ == "T5ForConditionalGeneration"
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.unk_token_id) == (0, 1, 2)
    assert tokenizer.convert_tokens_to_ids("<extra_id_0>") == len(tokenizer) - 1
    text = "summarize: " + ES_SENTENCE
    encoded = tokenizer(text, return_tensors="pt")
    ids = encoded["input_ids"][0].tolist()
    assert ids[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text
    output = model.generate(**encoded, max_new_tokens=20, min_new_tokens=5)
    assert tokenizer.decode(output[0], skip_special_tokens=True).strip()


def test_instruct_preset(tmp_path: Path) -> None:
    """The instruct preset pairs the Marian models with the Qwen2 chat model."""
    toml_path = testing.build_instruct_preset(tmp_path / "instruct")
    config = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    assert config["summarize"]["engine"] == "instruct"
    assert config["summarize"]["model"] == str(toml_path.parent / "qwen2")
    assert config["translate"]["models"]["es-en"] == str(toml_path.parent / "marian-es-en")
    tokenizer, _ = _load(Path(config["summarize"]["model"]), causal=True)
    assert tokenizer.chat_template


def test_bad_arguments_are_rejected(tmp_path: Path) -> None:
    """Unknown sizes and languages raise ValueError before anything is written."""
    with pytest.raises(ValueError, match="size"):
        testing.build_bart(tmp_path / "bart", size="huge")
    with pytest.raises(ValueError, match="language"):
        testing.build_marian(tmp_path / "marian", src_lang="fr", tgt_lang="en")
    assert not (tmp_path / "bart").exists()
    assert not (tmp_path / "marian").exists()
