from __future__ import annotations

import dataclasses

import pytest

from summarize.config import PipelineConfig, config_from_dict, list_presets, load_config
from summarize.errors import ConfigError


def test_shipped_presets_load():
    assert {"default", "instruct"} <= set(list_presets())
    default = load_config("default")
    assert default.translate.models["es-en"] == "Helsinki-NLP/opus-mt-es-en"
    assert default.summarize.model == "sshleifer/distilbart-cnn-12-6"
    assert default.summarize.strategy == "pivot"
    assert load_config("instruct").summarize.engine == "instruct"


def test_issue_shape_loads_from_a_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[translate]\nengine = "marian"\n'
        'models = { "es-en" = "Helsinki-NLP/opus-mt-es-en", "en-es" = "Helsinki-NLP/opus-mt-en-es" }\n'
        '[summarize]\nengine = "seq2seq"\nmodel = "sshleifer/distilbart-cnn-12-6"\nstrategy = "pivot"\nsentences = 3\n'
    )
    config = load_config(str(path))
    assert config.name == "mine"
    assert config.summarize.sentences == 3


def test_unknown_key_names_key_and_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[summarize]\nsentencez = 3\n')
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    assert "unknown key 'sentencez' in [summarize]" in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_section_and_bad_types():
    with pytest.raises(ConfigError, match="unknown key 'model'"):
        config_from_dict({"model": "x"})
    with pytest.raises(ConfigError, match="'sentences' in \\[summarize\\] of <dict> must be a whole number"):
        config_from_dict({"summarize": {"sentences": "three"}})
    with pytest.raises(ConfigError, match="strategy 'both'"):
        config_from_dict({"summarize": {"strategy": "both"}})
    with pytest.raises(ConfigError, match="lacks the direction"):
        config_from_dict({"translate": {"models": {"es-en": "x"}}})


def test_unknown_preset_lists_choices():
    with pytest.raises(ConfigError) as info:
        load_config("nope")
    assert "default" in (info.value.hint or "")


def test_overrides_replace_and_validate():
    config = PipelineConfig().with_overrides(device="cuda:1", batch_size=8, sentences=2)
    assert config.runtime.device == "cuda:1"
    assert config.translate.batch_size == 8 and config.summarize.batch_size == 8
    assert config.summarize.sentences == 2
    with pytest.raises(ConfigError, match="device 'gpu'"):
        PipelineConfig().with_overrides(device="gpu")
    assert dataclasses.is_dataclass(config) and config.__dataclass_params__.frozen
