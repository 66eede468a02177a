"""Extension points: engines, formats and batch engines registered from outside the package.

The plugin below lives in a temporary folder with its own ``.dist-info`` and entry point, so the
installed package's files are never touched: a word-by-word lexicon translator whose "model" is a
folder holding ``lexicon.tsv`` (and ``config.json``, which is how a local model counts as present).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarize import Pipeline, Source
from summarize.backends import Translator, make_translator
from summarize.cli import cli
from summarize.config import RuntimeConfig, config_from_dict, load_config
from summarize.errors import ConfigError
from summarize.pipeline import PipelineSpec
from summarize.registry import PLUGIN_GROUP, EngineInfo, OutputFormat, builtin_registry, default_registry

ROOT = Path(__file__).resolve().parent.parent

PLUGIN = '''
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from summarize.backends.base import Translator
from summarize.registry import EngineInfo


@dataclass(frozen=True)
class LexiconOptions:
    uppercase: bool = False


class LexiconTranslator(Translator):
    """Replaces each word found in the direction's lexicon.tsv; other words stay as they are."""

    engine = "lexicon"
    Options = LexiconOptions

    def __init__(self, config, runtime, *, langid=None):
        self.config = config
        self.options = LexiconOptions(**config.options)
        self._lexicons = {}

    def load(self, direction=None):
        for d in [direction] if direction else list(self.config.models):
            if d not in self._lexicons:
                lines = Path(self.config.models[d], "lexicon.tsv").read_text(encoding="utf-8").splitlines()
                self._lexicons[d] = dict(line.split("\\t") for line in lines if line)

    def describe(self, direction):
        return {"engine": self.engine, "model": self.config.models.get(direction, "")}

    def translate(self, texts, src, tgt, *, warnings=None):
        self.load(f"{src}-{tgt}")
        lexicon = self._lexicons[f"{src}-{tgt}"]
        out = [re.sub(r"\\w+", lambda m: lexicon.get(m.group(), m.group()), t) for t in texts]
        return [t.upper() for t in out] if self.options.uppercase else out


def register(registry):
    registry.add_engine(EngineInfo("lexicon", "translate", LexiconTranslator, has_models=True,
                                   description="word by word, from a lexicon.tsv"))
'''

SPANISH = "el presidente ofrece la cárcel"


def _model(folder: Path, pairs: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "lexicon.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in pairs.items()), encoding="utf-8")
    return folder


@pytest.fixture()
def plugin(tmp_path: Path) -> dict[str, Path]:
    """A plugin installed only on a PYTHONPATH, and a preset that names its engine."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "summarize_lexicon.py").write_text(PLUGIN, encoding="utf-8")
    dist = site / "summarize_lexicon-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: summarize-lexicon\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[{PLUGIN_GROUP}]\nlexicon = summarize_lexicon:register\n",
                                           encoding="utf-8")
    es_en = _model(tmp_path / "lex-es-en", {"el": "the", "presidente": "president", "ofrece": "offers", "la": "the",
                                            "cárcel": "prison"})
    en_es = _model(tmp_path / "lex-en-es", {"the": "el", "prison": "cárcel"})
    preset = tmp_path / "lexicon.toml"
    preset.write_text(textwrap.dedent(f'''
        name = "lexicon"
        description = "A plugin's translator, extractive summaries."
        [translate]
        engine = "lexicon"
        models = {{ "es-en" = "{es_en}", "en-es" = "{en_es}" }}
        uppercase = true
        [summarize]
        engine = "extractive"
        strategy = "source"
        sentences = 1
    '''), encoding="utf-8")
    return {"site": site, "preset": preset, "es-en": es_en}


def _summarize(plugin: dict[str, Path], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin["site"]), str(ROOT)]), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "summarize", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_a_plugin_engine_works_through_a_preset_models_list_and_the_cli_choices(plugin):
    helped = _summarize(plugin, "run", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "marian|apertium|ctranslate2|llamacpp|openai|lexicon" in " ".join(helped.stdout.split())

    listed = _summarize(plugin, "models", "list", str(plugin["preset"]), "-f", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {(r["preset"], r["role"], r["model"], r["cached"]) for r in rows} >= {
        ("lexicon", "translate es-en", str(plugin["es-en"]), True)}

    ran = _summarize(plugin, "run", "-", "-p", str(plugin["preset"]), "-f", "json", "-q", "--source-lang", "es",
                     stdin=SPANISH + ".")
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert result["engines"]["translate"] == {"engine": "lexicon", "model": str(plugin["es-en"])}
    assert result["translation"]["text"] == "THE PRESIDENT OFFERS THE PRISON."  # the engine's own option, from TOML

    chosen = _summarize(plugin, "run", "-", "-p", "offline", "--translator", "apertium", "-f", "json", "-q",
                        stdin=SPANISH + ". " * 3)
    assert chosen.returncode == 0, chosen.stderr


def test_an_unknown_key_for_a_plugin_engine_names_the_key_the_engine_and_the_file(plugin):
    bad = plugin["preset"].with_name("bad.toml")
    bad.write_text(plugin["preset"].read_text(encoding="utf-8").replace("uppercase = true", "shout = true"),
                   encoding="utf-8")
    done = _summarize(plugin, "run", "-", "-p", str(bad), "-q", stdin=SPANISH)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: unknown key 'shout' in [translate] of {bad}\n")
    assert "uppercase" in done.stderr  # the allowed keys include the engine's own


def test_without_the_plugin_its_engine_is_a_clear_config_error(plugin):
    done = subprocess.run([sys.executable, "-m", "summarize", "run", "-", "-p", str(plugin["preset"]), "-q"],
                          input=SPANISH, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert f"engine 'lexicon' in [translate] of {plugin['preset']} is not one of: marian, apertium, ctranslate2" \
        in done.stderr


@pytest.fixture()
def registered():
    """A translator registered through the public call, in a registry of its own (nothing process-wide)."""

    class EchoTranslator:
        engine = "echo"

        def __init__(self, config, runtime, *, langid=None):
            self.config = config

        def load(self, direction=None):
            pass

        def describe(self, direction):
            return {"engine": "echo", "model": ""}

        def placeholders(self, text, spans):
            return [f"QX{i}Z" for i in range(len(spans))]

        def translate(self, texts, src, tgt, *, warnings=None):
            return [f"[{tgt}] {t}" for t in texts]

    reg = default_registry()
    reg.add_engine(EngineInfo("echo", "translate", EchoTranslator))
    return EchoTranslator, reg


def test_the_public_registry_call_adds_an_engine_to_config_api_and_cli(registered):
    engine, reg = registered
    config = config_from_dict({"translate": {"engine": "echo"}, "summarize": {"engine": "extractive",
                                                                            "strategy": "source", "sentences": 1}},
                              registry=reg)
    made = make_translator(config.translate, RuntimeConfig(), registry=reg)  # a duck-typed plugin gets the base's defaults
    assert isinstance(made, Translator) and isinstance(made.inner, engine)
    [result] = Pipeline(PipelineSpec(config, registry=reg)).translate(
        [Source.from_text("El presidente habló ayer con la prensa del país.")])
    assert result.translation.text == "[en] El presidente habló ayer con la prensa del país."
    assert load_config("offline", registry=reg).with_overrides(translator="echo", registry=reg).translate.engine == "echo"
    ran = CliRunner().invoke(cli, ["translate", "-", "-p", "offline", "--translator", "echo", "-q"],
                             input="El presidente habló ayer con la prensa del país.", obj=reg)
    assert ran.exit_code == 0, ran.output
    assert "[en] El presidente habló ayer con la prensa del país." in ran.stdout


def test_an_output_format_registered_from_outside_is_a_cli_choice():
    def one_line(results, *, with_translation=False):
        return "\n".join(f"{r.source_lang}: {r.summaries.get('en', '')}" for r in results)

    reg = default_registry()
    reg.add_output_format(OutputFormat("oneline", one_line))
    ran = CliRunner().invoke(cli, ["-", "-p", "offline", "-f", "oneline", "-q", "--sentences", "1"],
                             input="El presidente habló ayer con la prensa. Dijo que la cárcel abrirá pronto.", obj=reg)
    assert ran.exit_code == 0, ran.output
    assert ran.stdout.startswith("es: ")


def test_a_digest_format_registered_from_outside_is_a_choice_and_a_suffix(tmp_path):
    from summarize.registry import DigestFormat

    def headlines(digest):
        return "".join(f"* {story.title}\n" for story in digest.stories)

    journal = tmp_path / "out.jsonl"
    journal.write_text(json.dumps({"id": "a", "source": "a.txt", "source_lang": "es", "title": "Bukele ofrece el CECOT",
                                   "text": "El presidente Nayib Bukele ofreció la cárcel.",
                                   "summaries": {"es": "Bukele ofreció la cárcel.", "en": "Bukele offered the prison."}})
                       + "\n", encoding="utf-8")
    reg = default_registry()
    reg.add_digest_format(DigestFormat("headlines", headlines, "one line a story", (".lst",)))
    chosen = CliRunner().invoke(cli, ["digest", str(journal), "-f", "headlines"], obj=reg)
    by_suffix = CliRunner().invoke(cli, ["digest", str(journal), "-o", str(tmp_path / "d.lst")], obj=reg)
    unknown = CliRunner().invoke(cli, ["digest", str(journal), "-f", "pdf"], obj=reg)
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stdout.startswith("* ")
    assert by_suffix.exit_code == 0 and (tmp_path / "d.lst").read_text(encoding="utf-8") == chosen.stdout
    assert unknown.exit_code == 2 and "'pdf' is not one of 'json', 'markdown', 'html', 'headlines'" in unknown.output


def test_names_are_unique_within_their_kind_and_unknown_ones_list_the_known():
    reg = builtin_registry()
    with pytest.raises(ConfigError, match="already registered"):
        reg.add_engine(EngineInfo("marian", "translate", object))
    reg.add_engine(EngineInfo("marian", "summarize", object))  # another role: another name space
    with pytest.raises(ConfigError, match="is not one of: local, ray"):
        reg.batch_engine("spark")
    with pytest.raises(ConfigError, match="is not one of: text, markdown, json, jsonl"):
        reg.output_format("pdf")
    with pytest.raises(ConfigError, match="already belong"):
        from summarize.registry import InputFormat

        reg.add_input_format(InputFormat("web", (".html",), (), "x:y"))


def test_engine_options_are_validated_by_the_engine():
    with pytest.raises(ConfigError, match=r"damping must be between 0 and 1, not 2.0 in \[summarize\] of <dict>"):
        config_from_dict({"summarize": {"engine": "extractive", "damping": 2.0}})
    with pytest.raises(ConfigError, match="'damping' in \\[summarize\\] of <dict> must be a number"):
        config_from_dict({"summarize": {"engine": "extractive", "damping": "high"}})
    config = config_from_dict({"summarize": {"engine": "extractive", "position_decay": 0.3}})
    assert dict(config.summarize.options) == {"position_decay": 0.3}
    with pytest.raises(ConfigError, match="unknown key 'batch_tokens' in \\[summarize\\]"):
        config_from_dict({"summarize": {"engine": "extractive", "batch_tokens": 10}})
    # switching engines keeps only the settings the new engine declares
    fast = load_config("fast")
    assert dict(fast.with_overrides(translator="marian").translate.options) == {}


def test_an_engine_implements_the_scored_method_and_gets_the_plain_one_or_the_other_way_round():
    from summarize.backends.base import LengthSpec, Noted, Scored, Summarizer, Translator

    class Scoring(Translator):
        def translate_scored(self, texts, src, tgt, *, warnings=None):
            return [Scored(t.upper(), 0.5, ("was shouted",)) for t in texts]

    class Plain(Summarizer):
        def summarize(self, texts, lang, length, *, warnings=None):
            return [t[:5] for t in texts]

    warnings: list[str] = []
    assert Scoring().translate(["a", "b"], "es", "en", warnings=warnings) == ["A", "B"]
    assert warnings == ["2 segment(s) was shouted"]  # the notes, counted over the call
    assert Plain().summarize_noted(["abcdefgh"], "es", LengthSpec()) == [Noted("abcde")]

    class Neither(Translator):
        pass

    with pytest.raises(TypeError, match="Neither implements neither translate_scored nor translate"):
        Neither()


# the registry is a value

def test_the_registry_module_holds_no_mutable_state():
    import types
    import typing

    import summarize.registry as module  # as every test before this one has left it: nothing to hold state in
    immutable = (str, int, float, bool, bytes, tuple, frozenset, type(None))
    for name, value in vars(module).items():
        if name.startswith("__") or isinstance(value, (types.ModuleType, type)):
            continue
        if isinstance(value, types.FunctionType):
            assert not hasattr(value, "cache_info"), f"{name} caches a value process-wide"
            continue
        if value is typing.Any or type(value).__name__ == "_Feature":  # `from __future__ import annotations`
            continue
        assert isinstance(value, immutable), f"summarize.registry.{name} is a mutable {type(value).__name__}"
        if isinstance(value, (tuple, frozenset)):
            assert all(isinstance(item, immutable) for item in value), name
    first, second = module.default_registry(), module.default_registry()
    first.add_engine(EngineInfo("only-here", "summarize", "x:y"))  # a registration stays in its own value
    assert "only-here" not in second.engine_names("summarize")
    assert "only-here" not in module.default_registry().engine_names("summarize")


def test_a_spec_holds_its_registry_frozen_and_its_owner_can_still_change_theirs():
    reg = default_registry()
    spec = PipelineSpec(load_config("offline", registry=reg), registry=reg)
    assert spec.registry.is_frozen and spec.registry == reg
    with pytest.raises(ConfigError, match="frozen"):
        spec.registry.add_engine(EngineInfo("late", "summarize", "x:y"))
    with pytest.raises(ConfigError, match="frozen"):
        spec.registry.remove_engine("summarize", "extractive")
    reg.add_engine(EngineInfo("late", "summarize", "x:y"))  # the caller's registry is theirs
    assert "late" not in spec.registry.engine_names("summarize")
    copy = spec.registry.copy()
    copy.add_engine(EngineInfo("late", "summarize", "x:y"))
    assert "late" in copy.engine_names("summarize") and not copy.is_frozen


def test_a_spec_and_its_registry_travel_whole_through_pickle():
    import pickle

    reg = default_registry()
    reg.add_engine(EngineInfo("echo-by-name", "translate", "summarize.testing.crashing:CrashingTranslator"))
    spec = PipelineSpec(load_config("offline", registry=reg), registry=reg)
    again = pickle.loads(pickle.dumps(spec))
    assert again == spec and again.registry.is_frozen
    assert "echo-by-name" in again.registry.engine_names("translate")


def test_a_bare_config_is_checked_against_the_registry_when_the_pipeline_is_built():
    from summarize.config import TranslateConfig

    config = load_config("offline")
    unknown = type(config)(translate=TranslateConfig(engine="nowhere"), summarize=config.summarize)
    with pytest.raises(ConfigError, match="engine 'nowhere' in \\[translate\\] of the configuration given to Pipeline"):
        Pipeline(unknown)
