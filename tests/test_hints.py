"""Every error carries a hint: what the user can do is never left empty."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.hostile_corpus import HostileServer, build_corpus, manifests
from summarize import Pipeline, errors
from summarize.errors import SummarizeError
from summarize.reading.fetch import FetchSettings
from summarize.reading.manifest import expand_inputs

CLASSES = [getattr(errors, name) for name in errors.__all__]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_an_error_raised_without_a_hint_gets_its_classs(cls):
    error = cls("something went wrong")
    assert error.hint and error.hint == cls.default_hint
    assert cls("x", hint="do this").hint == "do this"
    assert str(error) == f"something went wrong\n{error.hint}"


def test_no_error_of_the_hostile_corpus_has_an_empty_hint(tmp_path):
    """Every error the corpus's inputs produce while read, then (the small ones) processed, has a hint."""
    pipeline = Pipeline.from_preset("offline", sentences=1,
                                    fetch=FetchSettings(allow_private=True, total_timeout=5.0, retries=0))
    with HostileServer() as server:
        build_corpus(tmp_path / "corpus", base_url=server.url)
        sources = expand_inputs([str(p) for p in manifests(tmp_path / "corpus")])
        with ThreadPoolExecutor(8) as pool:
            loaded = list(pool.map(pipeline.reader.load, sources))
    failures: dict[str, list[SummarizeError]] = {}
    small = []
    for source, document, seconds in loaded:
        if isinstance(document, SummarizeError):
            failures.setdefault(type(document).__name__, []).append(document)
        elif len(document.text) < 20_000:
            small.append((source, document, seconds))
    for outcome in pipeline.process(small):
        if isinstance(outcome, SummarizeError):
            failures.setdefault(type(outcome).__name__, []).append(outcome)
    assert len(failures) >= 5, sorted(failures)  # the corpus does reach many kinds of error
    empty = [(name, e.message) for name, found in failures.items() for e in found if not (e.hint or "").strip()]
    assert not empty, empty
