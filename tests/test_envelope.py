"""Every input in its own envelope: one input's failure, slowness or size never stops the others."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner
from conftest import SHORT_EN, SHORT_ES

from summarize import Pipeline, Source
from summarize.batch import BatchOptions, run_batch
from summarize.cli import cli
from summarize.errors import (
    DeadlineError,
    EngineTimeoutError,
    EngineUnavailableError,
    InputError,
    SummarizeError,
    UnexpectedError,
)
from summarize.reading import Reader

BOOM = ("Este artículo hace fallar al motor de resúmenes por un error de programación interno. La prueba lo usa "
        "para ver que un fallo de un texto no detiene a los demás, y que la reanudación pasa de largo.")


@pytest.fixture()
def offline() -> Pipeline:
    return Pipeline.from_preset("offline", sentences=1)


def _sabotage(pipeline: Pipeline, error: BaseException, marker: str = "fallar al motor") -> None:
    """Make the summarizer fail on any batch holding the marker text."""
    real = pipeline.summarizer.summarize_noted  # what the pipeline calls

    def summarize(texts, *args, **kwargs):
        if any(marker in t for t in texts):
            raise error
        return real(texts, *args, **kwargs)

    pipeline.summarizer.summarize_noted = summarize  # type: ignore[method-assign]


def _sources() -> list[Source]:
    # the failing input has its own text: a near-copy of another input would reuse that one's work
    return [Source.from_text(SHORT_ES, id="es"), Source.from_text(BOOM, id="boom"),
            Source.from_text(SHORT_EN, id="en")]


@pytest.mark.parametrize("error", [AssertionError("deep in a library"), MemoryError(), RecursionError("too deep"),
                                   KeyError("x"), ValueError("odd")])
def test_an_unexpected_exception_is_that_inputs_error_and_the_rest_go_on(offline, error):
    _sabotage(offline, error)
    outcomes = {(o.id if not isinstance(o, Exception) else o.input.id): o for o in offline.map(_sources())}
    assert not isinstance(outcomes["es"], Exception) and not isinstance(outcomes["en"], Exception)
    failed = outcomes["boom"]
    assert isinstance(failed, UnexpectedError)
    assert f"unexpected {type(error).__name__} while processing" in failed.message
    assert "--debug" in failed.hint


def test_a_per_input_engine_error_is_recorded_but_a_missing_engine_still_stops_the_run(offline):
    _sabotage(offline, EngineTimeoutError("Apertium did not finish within 31 s"))
    outcomes = list(offline.map(_sources()))
    assert sum(isinstance(o, EngineTimeoutError) for o in outcomes) == 1 and len(outcomes) == 3
    other = Pipeline.from_preset("offline", sentences=1)
    _sabotage(other, EngineUnavailableError("Apertium is not installed"))
    with pytest.raises(EngineUnavailableError, match="not installed"):
        list(other.map(_sources()))


def test_a_failure_while_reading_is_that_inputs_error(offline, monkeypatch):
    real = Reader.load

    def load(self, source):
        if source.id == "boom":
            raise AssertionError("an HTML library gave up")
        return real(self, source)

    monkeypatch.setattr(Reader, "load", load)
    outcomes = list(offline.map(_sources()))
    [failed] = [o for o in outcomes if isinstance(o, Exception)]
    assert isinstance(failed, UnexpectedError) and "while reading" in failed.message


def test_a_read_past_its_deadline_gets_an_error_and_the_stream_goes_on(offline, monkeypatch):
    real = Reader.load
    release = threading.Event()

    def load(self, source):
        if source.id == "boom":
            release.wait(60)  # stuck until the test ends
        return real(self, source)

    monkeypatch.setattr(Reader, "load", load)
    start = time.monotonic()
    outcomes = {i: o for i, _, o in offline.stream(_sources(), read_timeout=0.5)}
    release.set()
    assert time.monotonic() - start < 30  # nobody waited for the stuck read
    assert isinstance(outcomes[1], DeadlineError) and "took longer than 0.5 s" in outcomes[1].message
    assert not isinstance(outcomes[0], Exception) and not isinstance(outcomes[2], Exception)


def test_the_batch_records_the_failure_resumes_past_it_and_retries_it(offline, tmp_path):
    _sabotage(offline, AssertionError("boom"))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps({"id": s.id, "text": s.value}) + "\n" for s in _sources()))
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(manifest)], offline, BatchOptions(str(out)))
    assert (summary.done, summary.failed, summary.exit_code) == (2, 1, 8)
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert records["boom"]["error"]["type"] == "UnexpectedError"
    again = run_batch([str(manifest)], offline, BatchOptions(str(out), resume=True))
    assert (again.skipped, again.done + again.failed) == (3, 0)  # resume moves past the failure
    fixed = Pipeline.from_preset("offline", sentences=1)
    retried = run_batch([str(manifest)], fixed, BatchOptions(str(out), retry_failed=True))
    assert (retried.done, retried.failed, retried.exit_code) == (1, 0, 0)


def test_debug_prints_the_traceback_and_the_record_still_comes(tmp_path, monkeypatch):
    from summarize.backends.extractive import ExtractiveSummarizer

    real = ExtractiveSummarizer.summarize_noted

    def summarize(self, texts, *args, **kwargs):
        if any("fallar al motor" in t for t in texts):
            raise AssertionError("the bug itself")
        return real(self, texts, *args, **kwargs)

    monkeypatch.setattr(ExtractiveSummarizer, "summarize_noted", summarize)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps({"id": s.id, "text": s.value}) + "\n" for s in _sources()))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(out), "-p", "offline", "--sentences", "1",
                                      "--debug", "--no-cache"])
    assert result.exit_code == 8, result.output
    assert "Traceback" in result.stderr and "AssertionError: the bug itself" in result.stderr
    assert len(out.read_text().splitlines()) == 3
    quiet = CliRunner().invoke(cli, ["batch", str(manifest), "-o", str(tmp_path / "b.jsonl"), "-p", "offline",
                                     "--sentences", "1", "--no-cache"])
    assert quiet.exit_code == 8 and "Traceback" not in quiet.stderr


def test_a_single_article_run_reports_an_unexpected_error_cleanly(monkeypatch):
    from summarize.backends.extractive import ExtractiveSummarizer

    def summarize(self, texts, *args, **kwargs):
        raise AssertionError("the bug itself")

    monkeypatch.setattr(ExtractiveSummarizer, "summarize_noted", summarize)
    result = CliRunner().invoke(cli, ["-", "-p", "offline", "-q", "--no-cache"], input=SHORT_ES)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: <stdin>: unexpected AssertionError while processing: the bug itself\n")
    assert "--debug" in result.stderr and "Traceback" not in result.stderr


def test_a_paragraph_in_a_third_language_is_kept_and_named(offline):
    french = ("Le président du Salvador a proposé d'accueillir dans sa prison des détenus expulsés par les "
              "États-Unis, selon le journal local.")
    [result] = offline.run([Source.from_text(SHORT_ES.replace("\n\n", f"\n\n{french}\n\n", 1))])
    assert french in result.translation.text
    assert "a paragraph in French was left untranslated (only Spanish and English are translated)" in result.warnings


def test_a_text_without_sentence_boundaries_is_cut_to_the_summary_budget(offline):
    words = ("el presidente habló con el secretario de estado sobre la cárcel y los deportados " * 400).split()
    [result] = offline.run([Source.from_text(" ".join(words), lang="es")])
    for lang in ("en", "es"):
        assert len(result.summaries[lang].split()) <= 41 and result.summaries[lang].endswith("…")
    assert any("ran past 40 words" in w for w in result.warnings)
    [word] = offline.run([Source.from_text("El presidente habló. " + "a" * 200_000 + " Fin del texto.", lang="es")])
    assert len(word.summaries["en"]) < 700


@pytest.mark.timeout(60)
def test_degenerate_words_are_kept_verbatim_quickly(offline):
    long_word = "Ab" * 50_000
    [result] = offline.translate([Source.from_text(f"El presidente habló de {long_word} ayer en la capital.",
                                                   lang="es")])
    assert long_word in result.translation.text


def test_a_huge_article_is_summarized_from_its_beginning_with_a_warning(offline):
    sentence = "La oposición criticó el acuerdo en la Asamblea Legislativa el martes {}."
    text = "\n\n".join(" ".join(sentence.format(i * 5 + j) for j in range(5)) for i in range(300))
    [result] = offline.run([Source.from_text(text, lang="es")])
    assert any("first 400 sentences" in w for w in result.warnings)
    assert result.summaries["es"]


@pytest.mark.parametrize(("sources", "error", "message"), [
    (None, TypeError, "sources must be a URL, a path, a Source, or an iterable of them, not NoneType"),
    ([None], TypeError, "each source must be a URL or path string or a Source, not NoneType"),
    (b"text", TypeError, "not bytes"),
    (42, TypeError, "not int"),
    ([""], InputError, "an empty string is not a source"),
    (["  "], InputError, "an empty string is not a source"),
])
def test_python_api_arguments_are_checked_at_the_door(offline, sources, error, message):
    with pytest.raises(error, match=message):
        offline.run(sources)


def test_a_bare_string_is_one_source_and_bad_overrides_are_type_errors(offline, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(SHORT_EN, encoding="utf-8")
    [result] = offline.run(str(path))
    assert result.source == str(path)
    with pytest.raises(TypeError, match=r"sentences must be a whole number or None, not str \('3'\)"):
        Pipeline.from_preset("offline", sentences="3")
    with pytest.raises(TypeError, match="fast must be True or False"):
        Pipeline.from_preset("offline", fast="yes")
    with pytest.raises(TypeError, match="device must be a string"):
        Pipeline.from_preset("offline", device=0)
    assert issubclass(UnexpectedError, SummarizeError) and UnexpectedError.per_input


def test_characters_no_article_needs_are_removed_before_anything_reads_the_text(offline):
    from summarize.text.clean import clean_text

    assert clean_text("a\x00b\ud800c\ufeffd\u202ee\x85f\tg") == "ab\ufffdcde\nf\tg"
    assert clean_text("plain text") == "plain text"
    [result] = offline.run([Source.from_text("El presidente\x00 habló \ud800 con la prensa\u202e del país ayer. "
                                             "Dijo que la cárcel abrirá pronto.", lang="es")])
    data = json.dumps(result.to_dict(), ensure_ascii=False)
    assert "\x00" not in data and "\u202e" not in data and "\ufffd" in data
    data.encode("utf-8")  # a lone surrogate would make this fail


def test_a_manifest_line_nested_too_deeply_is_that_lines_error(offline, tmp_path):
    manifest = tmp_path / "m.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    manifest.write_text(f'{{"id": "deep", "text": {deep}}}\n' + json.dumps({"id": "ok", "text": SHORT_ES}) + "\n")
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(manifest)], offline, BatchOptions(str(out)))
    assert (summary.done, summary.failed) == (1, 1)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert any("nested too deeply" in r.get("error", {}).get("message", "") for r in records)


def test_a_file_name_that_is_not_utf8_is_written_and_resumed(offline, tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(SHORT_ES.encode())
    out = tmp_path / "out.jsonl"
    first = run_batch([str(folder)], offline, BatchOptions(str(out)))
    assert (first.done, first.failed) == (1, 0)
    [line] = out.read_bytes().splitlines()
    line.decode("utf-8")  # valid UTF-8: the surrogate is a JSON escape
    again = run_batch([str(folder)], offline, BatchOptions(str(out), resume=True))
    assert (again.skipped, again.done) == (1, 0)  # the id read back is the same string
