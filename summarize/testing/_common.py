"""Shared pieces of the builders: size tables, tokenizer training, saving."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from .corpus import corpus

SIZES: tuple[str, ...] = ("tiny", "real")
"""The sizes every builder accepts."""

# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

_TOKENIZER_VOCAB: dict[str, int] = {"tiny": 1000, "real": 8000}
"""Requested tokenizer vocabulary; the corpus is small, so the trained one may be smaller."""

# "init_std" of the tiny sizes is ten times the real one: with the real value, a model this
# narrow writes the same tokens whatever its input, and tests of batching and ordering need
# outputs that depend on the input.

_MARIAN: dict[str, dict[str, Any]] = {
    # Helsinki-NLP/opus-mt-es-en
    "real": {
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 8,
        "decoder_attention_heads": 8,
        "encoder_ffn_dim": 2048,
        "decoder_ffn_dim": 2048,
        "max_position_embeddings": 512,
        "vocab_size": 65001,
        "num_beams": 4,
        "init_std": 0.02,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 128,
        "vocab_size": None,
        "num_beams": 1,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_BART: dict[str, dict[str, Any]] = {
    # sshleifer/distilbart-cnn-12-6
    "real": {
        "d_model": 1024,
        "encoder_layers": 12,
        "decoder_layers": 6,
        "encoder_attention_heads": 16,
        "decoder_attention_heads": 16,
        "encoder_ffn_dim": 4096,
        "decoder_ffn_dim": 4096,
        "max_position_embeddings": 1024,
        "vocab_size": 50264,
        "max_length": 142,
        "min_length": 56,
        "init_std": 0.02,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 256,
        "vocab_size": None,
        "max_length": 60,
        "min_length": 10,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_QWEN2: dict[str, dict[str, Any]] = {
    # Qwen/Qwen2.5-0.5B-Instruct
    "real": {
        "hidden_size": 896,
        "num_hidden_layers": 24,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "intermediate_size": 4864,
        "max_position_embeddings": 32768,
        "max_window_layers": 21,
        "sliding_window": 32768,
        "vocab_size": 151936,
        "bpe_vocab": 151643,
        "model_max_length": 131072,
        "init_std": 0.02,
        "dtype": "bfloat16",
    },
    "tiny": {
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "intermediate_size": 64,
        "max_position_embeddings": 512,
        "max_window_layers": 2,
        "sliding_window": 512,
        "vocab_size": None,
        "bpe_vocab": None,
        "model_max_length": 512,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_T5: dict[str, dict[str, Any]] = {
    # google-t5/t5-small
    "real": {
        "d_model": 512,
        "d_kv": 64,
        "d_ff": 2048,
        "num_layers": 6,
        "num_decoder_layers": 6,
        "num_heads": 8,
        "vocab_size": 32128,
        "spm_vocab": 32000,
        "model_max_length": 512,
        "init_std": 1.0,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "d_kv": 16,
        "d_ff": 64,
        "num_layers": 2,
        "num_decoder_layers": 2,
        "num_heads": 2,
        "vocab_size": None,
        "spm_vocab": None,
        "model_max_length": 256,
        "init_std": 10.0,
        "dtype": "float32",
    },
}

_QWEN_SYSTEM_PROMPT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

QWEN_CHAT_TEMPLATE: str = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>system\\n" + _QWEN_SYSTEM_PROMPT + "<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if not (message.role == 'system' and loop.first) %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)
"""Qwen2.5's ChatML chat template, without the tool-calling branches."""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _spec(table: dict[str, dict[str, Any]], size: str) -> dict[str, Any]:
    """Return the settings of one size, or raise for an unknown size.

    Args:
        table: The per-size settings of one architecture.
        size: ``"tiny"`` or ``"real"``.

    Returns:
        A copy of the settings.
    """
    if size not in table:
        raise ValueError(f"unknown size {size!r}; expected one of {SIZES}")
    return dict(table[size])


def _prepare_dir(out_dir: str | os.PathLike[str]) -> Path:
    """Create the output directory and return it as an absolute path.

    Args:
        out_dir: Where the model goes.

    Returns:
        The absolute directory path.
    """
    path = Path(out_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=16)
def _train_spm(
    lang: str | None, vocab_size: int, *, t5_ids: bool = False, identity_normalization: bool = False
) -> bytes:
    """Train a SentencePiece unigram model on the built-in corpus.

    Args:
        lang: Corpus language (``"en"``, ``"es"``) or ``None`` for both.
        vocab_size: Requested vocabulary size (a soft limit: the corpus is small).
        t5_ids: Use T5's special ids (pad 0, eos 1, unk 2, no bos) instead of SentencePiece's
            defaults (unk 0, bos 1, eos 2).
        identity_normalization: Skip SentencePiece's NFKC normalisation.

    Returns:
        The serialized model proto.
    """
    import io

    import sentencepiece as spm

    ids = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1} if t5_ids else {}
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus(lang)),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        split_digits=True,
        num_threads=1,
        minloglevel=2,
        normalization_rule_name="identity" if identity_normalization else "nmt_nfkc",
        **ids,
    )
    return buffer.getvalue()


@functools.lru_cache(maxsize=16)
def _train_byte_bpe(vocab_size: int, *, qwen_pretokenizer: bool) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Train a byte-level BPE model on the built-in corpus (both languages).

    Args:
        vocab_size: Requested vocabulary size, special tokens excluded.
        qwen_pretokenizer: Split words with Qwen2's regex (and NFC-normalise) instead of GPT-2's.

    Returns:
        The vocabulary (token to id) and the merges, without any special token.
    """
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, trainers
    from tokenizers.models import BPE

    tokenizer = Tokenizer(BPE())
    if qwen_pretokenizer:
        from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

        tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    tokenizer.train_from_iterator(corpus(None), trainer=trainer)
    model = json.loads(tokenizer.to_str())["model"]
    vocab: dict[str, int] = dict(model["vocab"])
    merges: list[tuple[str, str]] = []
    for merge in model["merges"]:  # ["a", "b"] in recent tokenizers, "a b" in older ones
        left, right = merge if isinstance(merge, list) else merge.split(" ", 1)
        merges.append((left, right))
    return vocab, merges


def _pad_vocab(vocab: dict[str, int], size: int) -> range:
    """Append filler tokens until the vocabulary has ``size`` entries.

    The fillers (``<unused_N>``) stand in for the part of the real checkpoint's vocabulary the
    small trained tokenizer lacks, so that the special tokens added after them get the real
    checkpoint's ids. No tokenizer ever produces them from text.

    Args:
        vocab: Token to id, with contiguous ids; extended in place.
        size: The wanted number of entries (nothing is added if it already has that many).

    Returns:
        The ids of the fillers.
    """
    start = len(vocab)
    for index in range(start, size):
        vocab[f"<unused_{index - start}>"] = index
    return range(start, max(start, size))


def _mute_rows(model: Any, ids: range | list[int]) -> None:
    """Zero the (tied) embedding rows of tokens the tokenizer never produces.

    Their logits then sit at zero while the trained tokens' random logits spread on both sides,
    so generation (greedy, beam or top-k) picks trained tokens and decodes to text, not to
    ``<unused_N>`` fillers. The matrices keep their full size, so speed is unchanged.

    Args:
        model: A freshly built model with tied input/output embeddings.
        ids: Token ids to mute.
    """
    import torch

    ids = list(ids)
    if not ids:
        return
    index = torch.tensor(ids, dtype=torch.long)
    with torch.no_grad():
        for embedding in (model.get_input_embeddings(), model.get_output_embeddings()):
            if embedding is not None:
                embedding.weight.index_fill_(0, index, 0.0)


def _save_model(model: Any, out_dir: Path, dtype: str) -> None:
    """Save a freshly built model with ``save_pretrained`` (safetensors) in its checkpoint dtype.

    Args:
        model: The model (float32, random weights).
        out_dir: The model directory.
        dtype: ``"float32"`` or ``"bfloat16"``: the dtype the real checkpoint is stored in, which
            is also what ``from_pretrained`` loads it in (transformers 5 defaults to ``dtype="auto"``).
    """
    import torch

    if dtype != "float32":
        model = model.to(getattr(torch, dtype))
    model.config.dtype = dtype
    model.eval()
    model.save_pretrained(out_dir)
