"""Random-weight models of the real architectures, with real tokenizers trained on the fly.

Every builder writes a directory that loads through the ordinary Hugging Face code path
(``AutoTokenizer.from_pretrained(dir)``, ``AutoModelForSeq2SeqLM.from_pretrained(dir)``,
``AutoModelForCausalLM.from_pretrained(dir)``) exactly like a hub checkpoint, without any
network access. Nothing here is a useful model: the weights are random (seeded), the
tokenizers are trained on a few hundred sentences written for this module.

Two sizes are offered:

* ``"tiny"``: 50k-100k parameters, built in a fraction of a second; for the test suite. The
  model's vocabulary is exactly the trained tokenizer's (about 1000 tokens).
* ``"real"``: the real configuration of the hub checkpoint it stands in for
  (Helsinki-NLP/opus-mt-es-en, sshleifer/distilbart-cnn-12-6, Qwen/Qwen2.5-0.5B-Instruct,
  google-t5/t5-small), with the real ``vocab_size`` and storage dtype, so that speed and memory
  match the real model; for benchmarks. The tokenizer is the small trained one, padded with
  ``<unused_N>`` fillers (never produced from text, their embedding rows zeroed so they are
  never generated either) so that every special token has the real checkpoint's id.

Heavy libraries (torch, transformers, sentencepiece, tokenizers) are imported inside the
functions, so importing this module is instant.
"""

from __future__ import annotations

from .builders import (
    QWEN_CHAT_TEMPLATE,
    SIZES,
    build_bart,
    build_instruct_preset,
    build_marian,
    build_preset,
    build_qwen2,
    build_t5,
)
from .corpus import ENGLISH_SENTENCES, SPANISH_SENTENCES, corpus

__all__ = [
    "ENGLISH_SENTENCES",
    "QWEN_CHAT_TEMPLATE",
    "SIZES",
    "SPANISH_SENTENCES",
    "build_bart",
    "build_instruct_preset",
    "build_marian",
    "build_preset",
    "build_qwen2",
    "build_t5",
    "corpus",
]
