"""Engine options are checked against their dataclass's resolved types, not the annotation's text.

A plugin engine declares a tuple, an optional, a literal and a bounded number; a preset file sets
each right and wrong: the right values arrive as the dataclass holds them (a TOML array as a
tuple), each wrong one is an error naming the key, the table and the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest

from summarize.config import load_config
from summarize.errors import ConfigError
from summarize.registry import BatchEngine, EngineInfo, default_registry
from summarize.typecheck import Mismatch, Range, conform, describe


@dataclass(frozen=True)
class TypedOptions:
    """The settings of the test engine: one of each kind a preset may hold."""

    terms: tuple[str, ...] = ()
    limit: int | None = None
    mode: Literal["greedy", "beam"] = "greedy"
    beams: Annotated[int, Range(1, 8)] = 4
    ratio: Annotated[float, Range(0.0, 1.0)] = 0.5
    pair: tuple[str, int] = ("x", 1)
    extra: Mapping[str, str] = field(default_factory=dict)


class TypedSummarizer:
    """Enough of an engine for a preset to name it (the duck-typed contract)."""

    engine = "typed"
    Options = TypedOptions

    def __init__(self, config: Any, runtime: Any, *, langid: Any = None) -> None:
        self.options = TypedOptions(**config.options)

    def summarize(self, texts, lang, length, *, warnings=None):
        return list(texts)


REGISTRY = default_registry()
REGISTRY.add_engine(EngineInfo("typed", "summarize", TypedSummarizer))


def _preset(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "typed.toml"
    path.write_text(f'[summarize]\nengine = "typed"\n{lines}\n', encoding="utf-8")
    return path


def test_right_values_arrive_as_the_dataclass_holds_them(tmp_path):
    config = load_config(str(_preset(tmp_path, 'terms = ["CECOT", "Bukele"]\nlimit = 3\nmode = "beam"\nbeams = 8\n'
                                               'ratio = 1\npair = ["a", 2]\nextra = { "x" = "y" }')), registry=REGISTRY)
    options = config.summarize.options
    assert options["terms"] == ("CECOT", "Bukele")  # a TOML array, held as the tuple a frozen dataclass needs
    assert options["pair"] == ("a", 2)
    assert TypedOptions(**options).beams == 8


@pytest.mark.parametrize(("line", "message"), [
    ('terms = "CECOT"', "'terms' in \\[summarize\\] of {} must be an array of strings, not 'CECOT'"),
    ("terms = [1, 2]", "'terms' in \\[summarize\\] of {} must be an array of strings, not \\[1, 2\\]"),
    ('limit = "3"', "'limit' in \\[summarize\\] of {} must be a whole number \\(or nothing\\), not '3'"),
    ("limit = 2.5", "'limit' in \\[summarize\\] of {} must be a whole number \\(or nothing\\), not 2.5"),
    ('mode = "sample"', "'mode' in \\[summarize\\] of {} must be one of 'greedy', 'beam', not 'sample'"),
    ("beams = 9", "'beams' in \\[summarize\\] of {} must be a whole number from 1 to 8, not 9"),
    ("beams = 0", "'beams' in \\[summarize\\] of {} must be a whole number from 1 to 8, not 0"),
    ("beams = true", "'beams' in \\[summarize\\] of {} must be a whole number from 1 to 8, not True"),
    ("ratio = 1.5", "'ratio' in \\[summarize\\] of {} must be a number from 0 to 1, not 1.5"),
    ('pair = ["a"]', "'pair' in \\[summarize\\] of {} must be an array of 2 items \\(a string, a whole number\\)"),
    ("extra = { x = 1 }", "'extra' in \\[summarize\\] of {} must be a table of strings, not {{'x': 1}}"),
])
def test_a_wrong_value_names_the_key_the_table_and_the_file(tmp_path, line, message):
    path = _preset(tmp_path, line)
    with pytest.raises(ConfigError, match=message.format(str(path).replace(".", "\\."))):
        load_config(str(path), registry=REGISTRY)


def test_options_given_as_a_dict_are_checked_the_same_way():
    from summarize.config import config_from_dict

    with pytest.raises(ConfigError, match="'beams' in \\[summarize\\] of <dict> must be a whole number from 1 to 8"):
        config_from_dict({"summarize": {"engine": "typed", "beams": 20}}, registry=REGISTRY)
    config = config_from_dict({"summarize": {"engine": "typed", "terms": ["a"]}}, registry=REGISTRY)
    assert config.summarize.options["terms"] == ("a",)


@pytest.mark.parametrize(("annotation", "value", "held"), [
    (tuple[str, ...], ["a", "b"], ("a", "b")),
    (tuple[str, ...], [], ()),
    (list[int], [1, 2], [1, 2]),
    (int | None, None, None),
    (str | None, "x", "x"),
    (Literal[1, 2], 2, 2),
    (Annotated[float, Range(low=0)], 3, 3),
    (Mapping[str, str], {"a": "b"}, {"a": "b"}),
    (dict[str, int], {"a": 1}, {"a": 1}),
])
def test_conform_keeps_what_fits(annotation, value, held):
    assert conform(value, annotation) == held
    assert type(conform(value, annotation)) is type(held)


@pytest.mark.parametrize(("annotation", "value"), [
    (tuple[str, ...], "ab"),  # a string is not an array of its letters
    (int, True),  # nor is a boolean a number
    (float, "1.0"),
    (Literal[1, 2], True),  # True == 1, but it is not the literal 1
    (Annotated[int, Range(high=5)], 6),
    (dict[str, int], ["a"]),
    (str | int, None),
])
def test_conform_refuses_what_does_not(annotation, value):
    with pytest.raises(Mismatch):
        conform(value, annotation)


def test_descriptions_read_as_a_preset_writer_would_say_them():
    assert describe(tuple[int, ...]) == "an array of whole numbers"
    assert describe(float | None) == "a number (or nothing)"
    assert describe(Annotated[int, Range(low=1)]) == "a whole number of at least 1"
    assert describe(Mapping[str, bool]) == "a table of booleans"


# a batch engine declares its own settings; the command line's -E KEY=VALUE sets them

@dataclass(frozen=True)
class TaggingOptions:
    """The settings of a test batch engine: one of each kind."""

    tags: tuple[str, ...] = ()
    limit: int | None = None
    mode: Literal["fast", "careful"] = "fast"
    width: Annotated[int, Range(1, 8)] = 2
    label: str = ""


def tagging_records(todo, pipeline, options, stop=lambda: False):
    """The local engine's records, each tagged with the settings this engine was given."""
    from summarize.batch.local import local_records

    settings = options.engine_options or TaggingOptions()
    for record in local_records(todo, pipeline, options, stop):
        yield {**record, "tagged": {"tags": list(settings.tags), "limit": settings.limit, "mode": settings.mode,
                                    "width": settings.width}}


BATCH_REGISTRY = default_registry()
BATCH_REGISTRY.add_batch_engine(BatchEngine("tagging", tagging_records, "tests", options=TaggingOptions))


def test_a_batch_engines_settings_arrive_typed_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from summarize.cli import cli

    article = tmp_path / "a.txt"
    article.write_text("El presidente habló ayer con la prensa. Dijo que la cárcel abrirá pronto.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    ran = CliRunner().invoke(cli, ["batch", str(article), "-o", str(out), "-p", "offline", "--no-cache", "-q",
                                   "--engine", "tagging", "-E", 'tags=["cecot", "bukele"]', "-E", "limit=3",
                                   "-E", "mode=careful", "-E", "width=8"], obj=BATCH_REGISTRY)
    assert ran.exit_code == 0, ran.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["tagged"] == {"tags": ["cecot", "bukele"], "limit": 3, "mode": "careful", "width": 8}


@pytest.mark.parametrize(("setting", "message"), [
    ('tags="cecot"', "'tags' of the tagging batch engine must be an array of strings, not 'cecot'"),
    ("limit=many", "'limit' of the tagging batch engine must be a whole number (or nothing), not 'many'"),
    ("mode=slow", "'mode' of the tagging batch engine must be one of 'fast', 'careful', not 'slow'"),
    ("width=9", "'width' of the tagging batch engine must be a whole number from 1 to 8, not 9"),
    ("colour=red", "the tagging batch engine has no setting 'colour'"),
    ("width=inf", "'width' of the tagging batch engine must be a whole number from 1 to 8, not inf"),
    ("width", "--engine-option 'width' is not KEY=VALUE"),
])
def test_a_wrong_batch_engine_setting_names_the_key_and_the_engine(tmp_path, setting, message):
    from click.testing import CliRunner

    from summarize.cli import cli

    ran = CliRunner().invoke(cli, ["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "-p", "offline",
                                   "--engine", "tagging", "-E", setting], obj=BATCH_REGISTRY)
    assert ran.exit_code == 2, ran.output
    assert message in ran.output
    assert not (tmp_path / "o.jsonl").exists()  # refused before anything is written


def test_batch_options_from_python_are_checked_against_the_engines_dataclass():
    from summarize.batch import BatchOptions, RayOptions, engine_options

    assert engine_options("tagging", {"tags": ["a"], "width": 3}, BATCH_REGISTRY) == TaggingOptions(("a",), width=3)
    with pytest.raises(ConfigError, match="must be a summarize.batch.ray.RayOptions"):
        BatchOptions("o.jsonl", engine="ray", engine_options=TaggingOptions()).validate(BATCH_REGISTRY)
    with pytest.raises(ConfigError, match="'workers' of the ray batch engine must be a whole number of at least 1"):
        BatchOptions("o.jsonl", engine="ray", engine_options=RayOptions(workers=0)).validate()
    with pytest.raises(ConfigError, match="'width' of the tagging batch engine must be a whole number from 1 to 8"):
        BatchOptions("o.jsonl", engine="tagging", engine_options=TaggingOptions(width=0)).validate(BATCH_REGISTRY)


def test_command_line_settings_read_as_toml_then_as_the_string_and_an_empty_one_is_none():
    from summarize.batch import engine_options

    read = engine_options("tagging", {"label": "42", "limit": "", "tags": '["a"]'}, BATCH_REGISTRY)
    assert (read.label, read.limit, read.tags) == ("42", None, ("a",))  # a string setting keeps "42"


def test_a_setting_given_twice_or_a_required_one_missing_is_a_config_error(tmp_path):
    from click.testing import CliRunner

    from summarize.batch import engine_options
    from summarize.cli import cli

    ran = CliRunner().invoke(cli, ["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "-p", "offline",
                                   "--engine", "tagging", "-E", "width=2", "-E", "width=4"], obj=BATCH_REGISTRY)
    assert ran.exit_code == 2 and "--engine-option 'width' is given twice" in ran.output

    @dataclass(frozen=True)
    class Needs:
        queue: str
        depth: int = 1

    reg = default_registry()
    reg.add_batch_engine(BatchEngine("queued", tagging_records, "tests", options=Needs))
    with pytest.raises(ConfigError, match="the queued batch engine's settings are incomplete: .*queue"):
        engine_options("queued", {"depth": "2"}, reg)
    assert engine_options("queued", {"queue": "a"}, reg) == Needs("a")
