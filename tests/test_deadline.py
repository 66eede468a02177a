"""The per-input deadline covers the model work: engines stop at it, the input alone pays for it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHORT_EN, SHORT_ES

from summarize import Pipeline, Source, deadline
from summarize.backends.apertium import ApertiumTranslator
from summarize.batch import BatchOptions
from summarize.cli import cli
from summarize.config import RuntimeConfig, TranslateConfig
from summarize.errors import ConfigError, DeadlineError

# a stand-in for the apertium script: a pipeline of programs that never finishes, and a file
# holding its process group so the test can see that every one of them is gone
SLOW_APERTIUM = """#!/bin/sh
if [ "$1" = "-l" ]; then echo "spa-eng eng-spa"; exit 0; fi
echo $$ > "{pidfile}"
sleep 60 | sleep 60 | cat
"""


def _slow_apertium(tmp_path: Path) -> tuple[ApertiumTranslator, Path]:
    pidfile = tmp_path / "pid"
    script = tmp_path / "apertium"
    script.write_text(SLOW_APERTIUM.format(pidfile=pidfile))
    script.chmod(0o755)
    engine = ApertiumTranslator(TranslateConfig(engine="apertium"), RuntimeConfig(), protect=False,
                                binary=str(script))
    return engine, pidfile


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies waiting for a reaper do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_apertium_is_killed_with_its_whole_pipeline_at_the_deadline(tmp_path):
    engine, pidfile = _slow_apertium(tmp_path)
    start = time.monotonic()
    with deadline.within(1.0, label="article.txt"), pytest.raises(DeadlineError) as caught:
        engine.translate(["El presidente habló."], "es", "en")
    assert time.monotonic() - start < 5
    assert caught.value.message == "article.txt: not done within the deadline of 1 s (Apertium translation)"
    assert "--deadline" in caught.value.hint
    assert not _group_alive(int(pidfile.read_text()))  # the sleeps of the pipeline too, not just the script


def test_without_a_deadline_nothing_is_checked():
    assert deadline.remaining() is None
    deadline.check("anything")  # free outside within()
    with deadline.within(0.0, label="x"), pytest.raises(DeadlineError, match="x: not done within"):
        deadline.check("the summary")


def _offline_with_slow_doc(marker: str) -> Pipeline:
    """An offline pipeline whose translator takes 30 s (checking the deadline) on texts holding ``marker``."""
    pipeline = Pipeline.from_preset("offline", sentences=1)
    real = pipeline.translator.translate_scored  # the path the pipeline takes (translations with their scores)

    def translate_scored(texts, *args, **kwargs):
        if any(marker in t for t in texts):
            for _ in range(300):  # model calls, with the engines' check between them
                time.sleep(0.1)
                deadline.check("generation")
        return real(texts, *args, **kwargs)

    pipeline.translator.translate_scored = translate_scored  # type: ignore[method-assign]
    return pipeline


def test_an_input_past_its_deadline_gets_the_error_and_its_group_neighbours_their_results():
    slow = "Este texto tarda demasiado en traducirse."
    pipeline = _offline_with_slow_doc(slow)
    sources = [Source.from_text(SHORT_ES, id="es"), Source.from_text(slow + " " + SHORT_ES, id="slow"),
               Source.from_text(SHORT_EN, id="en")]
    start = time.monotonic()
    outcomes = {s.id: o for _, s, o in pipeline.stream(sources, batch_docs=3, deadline=4.0)}
    assert time.monotonic() - start < 25  # the group gave up at 4 s, then each alone: the slow one 4 s more
    assert isinstance(outcomes["slow"], DeadlineError)
    assert outcomes["slow"].message == "slow: not done within the deadline of 4 s (generation)"
    assert outcomes["es"].summaries["en"] and outcomes["en"].summaries["es"]


def test_the_batch_command_takes_deadline_and_records_the_error(tmp_path):
    long_text = " ".join(f"La asamblea votó la ley número {i} el martes por la tarde." for i in range(60_000))
    manifest = tmp_path / "m.jsonl"
    rows = [{"id": "short", "text": SHORT_ES}, {"id": "huge", "text": long_text}]
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    result = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(out), "-p", "offline", "--no-cache",
                                      "--deadline", "3", "-q"])
    assert result.exit_code == 8, result.output
    assert time.monotonic() - start < 60
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["huge"]["error"]["type"] == "DeadlineError"
    assert "deadline of 3 s" in records["huge"]["error"]["message"] and records["huge"]["error"]["hint"]
    assert "summaries" in records["short"]


def test_a_bad_deadline_is_refused_at_the_door(tmp_path):
    pipeline = Pipeline.from_preset("offline", sentences=1)
    for bad in (0, -1, "10", True):
        with pytest.raises(ConfigError, match="deadline must be a positive number"):
            pipeline.run([Source.from_text(SHORT_ES)], deadline=bad)
    with pytest.raises(ConfigError, match="deadline must be positive"):
        BatchOptions(str(tmp_path / "o.jsonl"), deadline=0).validate()


def test_a_neural_engine_stops_generating_at_the_deadline(tiny_pipeline):
    texts = [f"El presidente habló con la prensa sobre la cárcel número {i}." for i in range(256)]
    tiny_pipeline.translator.translate(texts[:1], "es", "en")  # load outside the deadline
    start = time.monotonic()
    with deadline.within(0.5, label="article.txt"), pytest.raises(DeadlineError, match="generation"):
        tiny_pipeline.translator.translate(texts, "es", "en")
    assert time.monotonic() - start < 10
