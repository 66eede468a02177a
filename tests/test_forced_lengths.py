"""Benchmarks' forced output lengths (summarize.testing.forced): the lengths reach generate, on tiny models."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarize.backends.base import LengthSpec
from summarize.document import Source
from summarize.errors import ConfigError
from summarize.registry import Registry, builtin_registry, default_registry
from summarize.testing import forced
from summarize.testing.forced import ENV, ForcedLengths, install

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ("El Gobierno de El Salvador ofreció recibir presos deportados desde Estados Unidos en el CECOT. "
           "La propuesta fue presentada durante la visita del secretario de Estado. "
           "Organizaciones de derechos humanos pidieron conocer las condiciones de reclusión. "
           "El presidente dijo que el acuerdo ayudaría a financiar el sistema penitenciario.\n\n"
           "La oposición reclamó que el plan se discuta en la Asamblea Legislativa. "
           "Analistas señalaron que la oferta no tiene precedentes en la región.")


class _Forced:
    """The lengths in force (their methods answer here) and the registry holding the forced engines."""

    def __init__(self, lengths: ForcedLengths, registry: Registry) -> None:
        self.lengths, self.registry = lengths, registry

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lengths, name)


@pytest.fixture
def forced_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Forced]:
    """The forced engines in a registry of their own (``.registry``) and their lengths, reset afterwards."""
    monkeypatch.delenv(ENV, raising=False)
    reg = default_registry()
    lengths = install(reg, ForcedLengths(ratio=1.5, tokens_per_word=1.5))
    try:
        yield _Forced(lengths, reg)
    finally:
        for cls in forced.FORCED.values():
            cls.lengths = ForcedLengths()


def test_lengths_follow_the_input_and_the_budget():
    lengths = ForcedLengths(ratio=1.2, tokens_per_word=1.35, words_per_sentence=20)
    assert lengths.translation_tokens(10, 512) == 12
    assert lengths.translation_tokens(1000, 512) == 512  # never past the model's window
    assert lengths.summary_tokens(LengthSpec(words=60)) == math.ceil(60 * 1.35)
    assert lengths.summary_tokens(LengthSpec(sentences=3)) == math.ceil(60 * 1.35)


def test_settings_travel_in_the_environment_and_bad_ones_are_named():
    lengths = ForcedLengths(ratio=0.9, tokens_per_word=1.4, words_per_sentence=18)
    assert ForcedLengths.from_env(lengths.to_env()) == lengths
    assert ForcedLengths.from_env("") == ForcedLengths()
    with pytest.raises(ConfigError, match="ratio=N"):
        ForcedLengths.from_env("speed=2")
    with pytest.raises(ConfigError, match="not a number"):
        ForcedLengths.from_env("ratio=fast")
    with pytest.raises(ConfigError, match="positive"):
        ForcedLengths(ratio=0)


def test_install_replaces_only_the_neural_engines_of_that_registry():
    reg = builtin_registry()
    install(reg, ForcedLengths())
    try:
        assert reg.engine("translate", "ctranslate2").load() is forced.ForcedCT2Translator
        assert reg.engine("summarize", "seq2seq").load() is forced.ForcedSeq2Seq
        assert reg.engine("translate", "marian").fast == "ctranslate2"
        assert "benchmarks only" in reg.engine("summarize", "ctranslate2").description
        assert reg.engine("summarize", "extractive").load().__module__ == "summarize.backends.extractive"
        assert default_registry().engine("translate", "marian").load().__name__ == "MarianTranslator"  # untouched
    finally:
        os.environ.pop(ENV, None)


class _Spy:
    """Wraps a model's generate call (transformers or CTranslate2) and records what it was asked and gave."""

    def __init__(self, target: Any, method: str, new_tokens: Any) -> None:
        self.target, self.method, self.new_tokens = target, method, new_tokens
        self.original = getattr(target, method)
        self.calls: list[tuple[dict[str, Any], list[int]]] = []

    def __getattr__(self, name: str) -> Any:  # standing in for a CTranslate2 translator
        return self if name == self.method else getattr(self.target, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        out = self.original(*args, **kwargs)
        self.calls.append((kwargs, self.new_tokens(out)))
        return out


def _new_tokens(out: Any) -> list[int]:
    """Tokens each row of a transformers encoder-decoder output generated (the start token left out)."""
    sequences = getattr(out, "sequences", out)
    return [int(sequences.shape[1]) - 1] * int(sequences.shape[0])


def test_transformers_engines_generate_exactly_the_forced_tokens(tiny_preset, forced_registry):
    from summarize import Pipeline

    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", words=20, registry=forced_registry.registry).load()
    translator, summarizer = pipeline.translator, pipeline.summarizer
    assert isinstance(translator, forced.ForcedMarian) and isinstance(summarizer, forced.ForcedSeq2Seq)
    spies = []
    for generator in [*translator._loaded.values(), summarizer.generator]:
        model = generator.model
        spy = _Spy(model, "generate", _new_tokens)
        model.generate = spy
        spies.append(spy)
    result = pipeline.run([Source(ARTICLE, "text")], source_lang="es")[0]
    assert result.summaries["en"] and result.summaries["es"] and result.translation is not None
    assert result.engines["summarize"]["forced_lengths"] == forced_registry.to_env()
    assert not any("repetition" in w for w in result.warnings)  # the guard's second pass is off
    calls = [call for spy in spies for call in spy.calls]
    translations = [c for s in spies[:2] for c in s.calls]
    summaries = spies[2].calls
    assert translations and summaries and len(calls) == len(translations) + len(summaries)
    for kwargs, produced in translations:
        longest = int(kwargs["input_ids"].shape[1])
        n = forced_registry.translation_tokens(longest, 10**6)
        assert kwargs["min_new_tokens"] == kwargs["max_new_tokens"] == n
        assert set(produced) == {n}
    budget = forced_registry.summary_tokens(LengthSpec(words=20))
    for kwargs, produced in summaries:
        assert kwargs["min_new_tokens"] == kwargs["max_new_tokens"] == budget
        assert set(produced) == {budget}


def test_ctranslate2_engines_decode_exactly_the_forced_steps(tiny_preset, forced_registry, tmp_path, monkeypatch):
    pytest.importorskip("ctranslate2")
    from summarize import Pipeline

    monkeypatch.setenv("SUMMARIZE_CT2_CACHE", str(tmp_path / "ct2"))
    pipeline = Pipeline.from_preset(str(tiny_preset), device="cpu", words=20, fast=True,
                                    compute_type="float32", registry=forced_registry.registry).load()
    translator, summarizer = pipeline.translator, pipeline.summarizer
    assert isinstance(translator, forced.ForcedCT2Translator) and isinstance(summarizer, forced.ForcedCT2Summarizer)
    spies = []
    for model in [g.model for g in translator._loaded.values()] + [summarizer.generator.model]:
        spy = _Spy(model.translator, "translate_batch", lambda out: [len(r.hypotheses[0]) for r in out])
        model.translator = spy
        spies.append((model, spy))
    result = pipeline.run([Source(ARTICLE, "text")], source_lang="es")[0]
    assert result.summaries["en"] and result.summaries["es"]
    budget = forced_registry.summary_tokens(LengthSpec(words=20))
    seen = 0
    for model, spy in spies:
        for kwargs, produced in spy.calls:
            seen += 1
            steps = kwargs["max_decoding_length"]
            assert kwargs["min_decoding_length"] == steps
            assert set(produced) == {steps}  # every output decoded exactly that many steps
            # the same decoder steps as transformers' forced new tokens (see CT2Model.decoding_options)
            if model is summarizer.generator.model:
                assert steps == model.decoding_options(budget, budget, None, guard=False)["max_decoding_length"]
    assert seen >= 3


def test_the_cli_launcher_runs_summarize_with_the_forced_engines(tiny_preset):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", ENV: "ratio=1.0,tokens_per_word=1.0"}
    run = subprocess.run([sys.executable, "-m", "summarize.testing.forced", "run", "-", "-p", str(tiny_preset),
                          "-f", "json", "-q", "--threads", "1", "--words", "12", "--no-cache"],
                         input=ARTICLE, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert '"summaries"' in run.stdout
    assert run.stdout.count('"forced_lengths": "ratio=1.0,tokens_per_word=1.0,words_per_sentence=20"') == 3
