"""Builders of random-weight models of the real architectures, with real tokenizers.

See the package docstring of :mod:`summarize.testing` for what the sizes mean.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import (
    _BART,
    _MARIAN,
    _QWEN2,
    _T5,
    _TOKENIZER_VOCAB,
    QWEN_CHAT_TEMPLATE,
    SIZES,
    _mute_rows,
    _pad_vocab,
    _prepare_dir,
    _save_model,
    _spec,
    _train_byte_bpe,
    _train_spm,
)
from .corpus import corpus

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "QWEN_CHAT_TEMPLATE",
    "SIZES",
    "build_bart",
    "build_instruct_preset",
    "build_marian",
    "build_preset",
    "build_qwen2",
    "build_t5",
]


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def build_marian(
    out_dir: str | os.PathLike[str], *, src_lang: str, tgt_lang: str, size: str = "tiny", seed: int = 0
) -> Path:
    """Build a random-weight MarianMT translation model with a trained MarianTokenizer.

    The directory mirrors a Helsinki-NLP/opus-mt-{src}-{tgt} checkpoint: ``source.spm`` and
    ``target.spm`` (SentencePiece unigram models trained on each language's corpus), a shared
    ``vocab.json`` (``</s>`` = 0, ``<unk>`` = 1, pieces, ``<pad>`` last), ``tokenizer_config.json``
    with the languages, ``config.json``, ``generation_config.json`` and safetensors weights.

    Args:
        out_dir: Directory to write (created if needed).
        src_lang: Source language code (``"es"`` or ``"en"``).
        tgt_lang: Target language code (``"es"`` or ``"en"``).
        size: ``"tiny"`` for tests or ``"real"`` for the opus-mt-es-en configuration (~77M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_MARIAN, size)
    for lang in (src_lang, tgt_lang):
        corpus(lang)  # raises ValueError for a language without a corpus, before any work
    path = _prepare_dir(out_dir)

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    spm_files: dict[str, Path] = {}
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for role, lang in (("source", src_lang), ("target", tgt_lang)):
        proto = _train_spm(lang, _TOKENIZER_VOCAB[size])
        spm_files[role] = path / f"{role}.spm"
        spm_files[role].write_bytes(proto)
        processor = spm.SentencePieceProcessor(model_proto=proto)
        for index in range(processor.get_piece_size()):
            if processor.is_control(index) or processor.is_unknown(index):
                continue
            vocab.setdefault(processor.id_to_piece(index), len(vocab))
    # Like opus-mt's vocab.json: "</s>" = 0, "<unk>" = 1, pieces, and "<pad>" last (65000 for real).
    fillers = _pad_vocab(vocab, spec["vocab_size"] - 1 if spec["vocab_size"] else len(vocab))
    pad_id = vocab.setdefault("<pad>", len(vocab))
    vocab_file = path / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")

    max_positions = spec["max_position_embeddings"]
    tokenizer = MarianTokenizer(
        source_spm=str(spm_files["source"]),
        target_spm=str(spm_files["target"]),
        vocab=str(vocab_file),
        source_lang=src_lang,
        target_lang=tgt_lang,
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(path)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=spec["d_model"],
        encoder_layers=spec["encoder_layers"],
        decoder_layers=spec["decoder_layers"],
        encoder_attention_heads=spec["encoder_attention_heads"],
        decoder_attention_heads=spec["decoder_attention_heads"],
        encoder_ffn_dim=spec["encoder_ffn_dim"],
        decoder_ffn_dim=spec["decoder_ffn_dim"],
        max_position_embeddings=max_positions,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=spec["init_std"],
        pad_token_id=pad_id,
        eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        architectures=["MarianMTModel"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = MarianMTModel(config)
    _mute_rows(model, fillers)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad_id,
        max_length=max_positions,
        num_beams=spec["num_beams"],
        renormalize_logits=True,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_bart(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight BART summarizer with a trained byte-level BPE tokenizer.

    The directory mirrors sshleifer/distilbart-cnn-12-6: a BART tokenizer (``<s>`` = 0,
    ``<pad>`` = 1, ``</s>`` = 2, ``<unk>`` = 3, ``<mask>`` last; encodings are ``<s> ... </s>``),
    and distilbart's generation defaults (4 beams, length penalty 2.0, no repeated trigram,
    early stopping; max/min length 142/56, or 60/10 for the tiny size).

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the distilbart-cnn-12-6 configuration (~306M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_BART, size)
    path = _prepare_dir(out_dir)

    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    specials = ("<s>", "<pad>", "</s>", "<unk>")
    trained, merges = _train_byte_bpe(_TOKENIZER_VOCAB[size], qwen_pretokenizer=False)
    vocab: dict[str, int] = {token: index for index, token in enumerate(specials)}
    for token in sorted(trained, key=trained.__getitem__):
        vocab.setdefault(token, len(vocab))
    # distilbart's "<mask>" is 50264, one past the model's 50264 embeddings: keep that quirk.
    fillers = _pad_vocab(vocab, spec["vocab_size"] or len(vocab))
    vocab["<mask>"] = len(vocab)

    max_positions = spec["max_position_embeddings"]
    tokenizer = BartTokenizer(
        vocab=vocab,
        merges=list(merges),
        add_prefix_space=False,
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(path)

    bos_id, pad_id, eos_id = vocab["<s>"], vocab["<pad>"], vocab["</s>"]
    config = BartConfig(
        vocab_size=spec["vocab_size"] or len(vocab),
        d_model=spec["d_model"],
        encoder_layers=spec["encoder_layers"],
        decoder_layers=spec["decoder_layers"],
        encoder_attention_heads=spec["encoder_attention_heads"],
        decoder_attention_heads=spec["decoder_attention_heads"],
        encoder_ffn_dim=spec["encoder_ffn_dim"],
        decoder_ffn_dim=spec["decoder_ffn_dim"],
        max_position_embeddings=max_positions,
        activation_function="gelu",
        scale_embedding=False,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=spec["init_std"],
        pad_token_id=pad_id,
        bos_token_id=bos_id,
        eos_token_id=eos_id,
        decoder_start_token_id=eos_id,
        forced_eos_token_id=eos_id,
        tie_word_embeddings=True,
        architectures=["BartForConditionalGeneration"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = BartForConditionalGeneration(config)
    _mute_rows(model, fillers)
    model.generation_config = GenerationConfig(
        bos_token_id=bos_id,
        decoder_start_token_id=eos_id,
        eos_token_id=eos_id,
        forced_bos_token_id=bos_id,
        forced_eos_token_id=eos_id,
        pad_token_id=pad_id,
        num_beams=4,
        length_penalty=2.0,
        max_length=spec["max_length"],
        min_length=spec["min_length"],
        no_repeat_ngram_size=3,
        early_stopping=True,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_qwen2(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight Qwen2 chat model with a trained byte-level BPE tokenizer.

    The directory mirrors Qwen/Qwen2.5-0.5B-Instruct: a Qwen2 tokenizer whose special tokens
    ``<|endoftext|>``, ``<|im_start|>``, ``<|im_end|>`` follow the trained vocabulary, eos
    ``<|im_end|>``, pad ``<|endoftext|>``, and a ChatML ``chat_template`` in
    ``tokenizer_config.json``. Generation stops on ``<|im_end|>`` or ``<|endoftext|>``; the tiny
    size decodes greedily, the real size keeps Qwen's sampling defaults.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the Qwen2.5-0.5B-Instruct configuration
            (~494M, stored in bfloat16 like the real checkpoint).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_QWEN2, size)
    path = _prepare_dir(out_dir)

    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

    trained, merges = _train_byte_bpe(_TOKENIZER_VOCAB[size], qwen_pretokenizer=True)
    vocab = dict(trained)
    # Qwen2.5 has 151643 BPE tokens, then <|endoftext|> = 151643, <|im_start|>, <|im_end|>.
    fillers = _pad_vocab(vocab, spec["bpe_vocab"] or len(vocab))
    for token in ("<|endoftext|>", "<|im_start|>", "<|im_end|>"):
        vocab[token] = len(vocab)

    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=list(merges),
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens=["<|im_start|>", "<|im_end|>"],
        errors="replace",
        clean_up_tokenization_spaces=False,
        split_special_tokens=False,
        model_max_length=spec["model_max_length"],
        chat_template=QWEN_CHAT_TEMPLATE,
    )
    tokenizer.save_pretrained(path, save_jinja_files=False)

    endoftext, im_end = vocab["<|endoftext|>"], vocab["<|im_end|>"]
    config = Qwen2Config(
        vocab_size=spec["vocab_size"] or len(vocab),
        hidden_size=spec["hidden_size"],
        intermediate_size=spec["intermediate_size"],
        num_hidden_layers=spec["num_hidden_layers"],
        num_attention_heads=spec["num_attention_heads"],
        num_key_value_heads=spec["num_key_value_heads"],
        hidden_act="silu",
        max_position_embeddings=spec["max_position_embeddings"],
        initializer_range=spec["init_std"],
        rms_norm_eps=1e-6,
        use_cache=True,
        tie_word_embeddings=True,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
        use_sliding_window=False,
        sliding_window=spec["sliding_window"],
        max_window_layers=spec["max_window_layers"],
        attention_dropout=0.0,
        bos_token_id=endoftext,
        eos_token_id=im_end,
        pad_token_id=endoftext,
        architectures=["Qwen2ForCausalLM"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(config)
    _mute_rows(model, [*fillers, *range(len(vocab), config.vocab_size)])
    sampling: dict[str, Any] = (
        {"do_sample": True, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.1}
        if size == "real"
        else {"do_sample": False}
    )
    model.generation_config = GenerationConfig(
        bos_token_id=endoftext,
        eos_token_id=[im_end, endoftext],
        pad_token_id=endoftext,
        **sampling,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_t5(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight T5 model with a trained SentencePiece-style T5 tokenizer.

    The tokenizer is a unigram model trained on both languages with T5's ids (``<pad>`` = 0,
    ``</s>`` = 1, ``<unk>`` = 2) and 100 ``<extra_id_N>`` sentinels; inputs are meant to carry
    a ``"summarize: "`` prefix, like t5-small's summarization task.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the t5-small configuration (~60M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_T5, size)
    path = _prepare_dir(out_dir)

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5Tokenizer

    proto = _train_spm(None, _TOKENIZER_VOCAB[size], t5_ids=True, identity_normalization=True)
    processor = spm.SentencePieceProcessor(model_proto=proto)
    pieces = [(processor.id_to_piece(index), processor.get_score(index)) for index in range(processor.get_piece_size())]
    if [piece for piece, _ in pieces[:3]] != ["<pad>", "</s>", "<unk>"]:
        raise RuntimeError(f"unexpected SentencePiece specials: {pieces[:3]}")
    pieces = [(piece, 0.0 if index < 3 else score) for index, (piece, score) in enumerate(pieces)]
    # Like t5-small: 32000 SentencePiece pieces, then <extra_id_99> = 32000 ... <extra_id_0> = 32099.
    filler_vocab = {piece: index for index, (piece, _) in enumerate(pieces)}
    fillers = _pad_vocab(filler_vocab, spec["spm_vocab"] or len(pieces))
    pieces += [(f"<unused_{index - fillers.start}>", -100.0) for index in fillers]
    sentinels = range(len(pieces), len(pieces) + 100)
    pieces += [(f"<extra_id_{99 - index}>", 0.0) for index in range(100)]
    tokenizer = T5Tokenizer(
        vocab=pieces,
        extra_ids=100,
        additional_special_tokens=[f"<extra_id_{index}>" for index in range(100)],
        model_max_length=spec["model_max_length"],
    )
    tokenizer.save_pretrained(path)

    pad_id, eos_id = 0, 1
    config = T5Config(
        vocab_size=spec["vocab_size"] or len(pieces),
        d_model=spec["d_model"],
        d_kv=spec["d_kv"],
        d_ff=spec["d_ff"],
        num_layers=spec["num_layers"],
        num_decoder_layers=spec["num_decoder_layers"],
        num_heads=spec["num_heads"],
        relative_attention_num_buckets=32,
        relative_attention_max_distance=128,
        dropout_rate=0.1,
        layer_norm_epsilon=1e-6,
        initializer_factor=spec["init_std"],
        feed_forward_proj="relu",
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        decoder_start_token_id=pad_id,
        tie_word_embeddings=True,
        architectures=["T5ForConditionalGeneration"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = T5ForConditionalGeneration(config)
    # Sentinels are for span corruption, not summaries: mute them with the fillers. So is <pad>
    # (the decoder start): a random T5's residual stream is dominated by the input embedding,
    # so with the tied head it would otherwise repeat <pad> forever and decode to "".
    _mute_rows(model, [pad_id, *fillers, *sentinels, *range(len(pieces), config.vocab_size)])
    model.generation_config = GenerationConfig(decoder_start_token_id=pad_id, eos_token_id=eos_id, pad_token_id=pad_id)
    _save_model(model, path, spec["dtype"])
    return path


def _toml_string(value: str) -> str:
    """Quote a string as a TOML basic string.

    Args:
        value: The text.

    Returns:
        The quoted text (JSON string escapes are valid TOML escapes).
    """
    return json.dumps(value, ensure_ascii=False)


def _write_pipeline(out_dir: Path, *, es_en: Path, en_es: Path, summarize_engine: str, summarize_model: Path) -> Path:
    """Write ``pipeline.toml`` for a translation pair and one summarizer.

    Args:
        out_dir: The preset directory.
        es_en: The Spanish-to-English Marian directory.
        en_es: The English-to-Spanish Marian directory.
        summarize_engine: The ``[summarize]`` engine (``"seq2seq"`` or ``"instruct"``).
        summarize_model: The summarizer directory.

    Returns:
        The path of ``pipeline.toml``.
    """
    lines: Sequence[str] = (
        "[translate]",
        'engine = "marian"',
        f'models = {{ "es-en" = {_toml_string(str(es_en))}, "en-es" = {_toml_string(str(en_es))} }}',
        "",
        "[summarize]",
        f"engine = {_toml_string(summarize_engine)}",
        f"model = {_toml_string(str(summarize_model))}",
        'strategy = "pivot"',
        "sentences = 3",
        "",
    )
    toml_path = out_dir / "pipeline.toml"
    toml_path.write_text("\n".join(lines), encoding="utf-8")
    return toml_path


def build_preset(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build Marian es-en and en-es plus BART into one folder and write its ``pipeline.toml``.

    Subfolders: ``marian-es-en``, ``marian-en-es``, ``bart``. The TOML points at them by
    absolute path, with ``[summarize] engine = "seq2seq"``.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` or ``"real"``, for every model.
        seed: Seed for the random weights (the same for every model).

    Returns:
        The path of ``pipeline.toml``.
    """
    _spec(_MARIAN, size)
    path = _prepare_dir(out_dir)
    es_en = build_marian(path / "marian-es-en", src_lang="es", tgt_lang="en", size=size, seed=seed)
    en_es = build_marian(path / "marian-en-es", src_lang="en", tgt_lang="es", size=size, seed=seed)
    bart = build_bart(path / "bart", size=size, seed=seed)
    return _write_pipeline(path, es_en=es_en, en_es=en_es, summarize_engine="seq2seq", summarize_model=bart)


def build_instruct_preset(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build Marian es-en and en-es plus Qwen2 into one folder and write its ``pipeline.toml``.

    Subfolders: ``marian-es-en``, ``marian-en-es``, ``qwen2``. The TOML points at them by
    absolute path, with ``[summarize] engine = "instruct"``.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` or ``"real"``, for every model.
        seed: Seed for the random weights (the same for every model).

    Returns:
        The path of ``pipeline.toml``.
    """
    _spec(_QWEN2, size)
    path = _prepare_dir(out_dir)
    es_en = build_marian(path / "marian-es-en", src_lang="es", tgt_lang="en", size=size, seed=seed)
    en_es = build_marian(path / "marian-en-es", src_lang="en", tgt_lang="es", size=size, seed=seed)
    qwen = build_qwen2(path / "qwen2", size=size, seed=seed)
    return _write_pipeline(path, es_en=es_en, en_es=en_es, summarize_engine="instruct", summarize_model=qwen)
