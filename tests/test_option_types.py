"""Engine options are checked against their dataclass's resolved types, not the annotation's text.

A plugin engine declares a tuple, an optional, a literal and a bounded number; a preset file sets
each right and wrong: the right values arrive as the dataclass holds them (a TOML array as a
tuple), each wrong one is an error naming the key, the table and the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest

from summarize.config import load_config
from summarize.errors import ConfigError
from summarize.registry import EngineInfo, registry
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


@pytest.fixture(autouse=True)
def _typed_engine():
    registry().add_engine(EngineInfo("typed", "summarize", TypedSummarizer), replace=True)
    yield
    registry().remove_engine("summarize", "typed")


def _preset(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "typed.toml"
    path.write_text(f'[summarize]\nengine = "typed"\n{lines}\n', encoding="utf-8")
    return path


def test_right_values_arrive_as_the_dataclass_holds_them(tmp_path):
    config = load_config(str(_preset(tmp_path, 'terms = ["CECOT", "Bukele"]\nlimit = 3\nmode = "beam"\nbeams = 8\n'
                                               'ratio = 1\npair = ["a", 2]\nextra = { "x" = "y" }')))
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
        load_config(str(path))


def test_options_given_as_a_dict_are_checked_the_same_way():
    from summarize.config import config_from_dict

    with pytest.raises(ConfigError, match="'beams' in \\[summarize\\] of <dict> must be a whole number from 1 to 8"):
        config_from_dict({"summarize": {"engine": "typed", "beams": 20}})
    config = config_from_dict({"summarize": {"engine": "typed", "terms": ["a"]}})
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
