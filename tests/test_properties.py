"""Property tests: segmentation never loses text and chunks respect the window."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from summarize.text.segment import batches_by_length, chunk_sentences, restore_order, split_long, split_sentences

TEXT = st.text(alphabet=st.sampled_from(list("abcñé ÁB.,;:!?¿¡«»\"'0123456789-")), max_size=300)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["es", "en"]))
def test_sentences_rebuild_the_paragraph(text, lang):
    assert "".join(split_sentences(text, lang)) == text


@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=40))
def test_split_long_loses_nothing_and_fits(text, window):
    pieces = split_long(text, window, len)
    assert "".join(pieces) == text
    assert all(len(p) <= window for p in pieces)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=20), st.integers(min_value=1, max_value=60))
def test_chunks_respect_the_window(sentences, window):
    chunks = chunk_sentences(sentences, window, len)
    assert "".join(chunks) == "".join(sentences)
    assert all(len(c) <= window for c in chunks)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=20)), st.integers(min_value=1, max_value=8))
def test_batching_round_trips(items, batch_size):
    batches = batches_by_length(items, batch_size)
    assert all(len(b) <= batch_size for b in batches)
    outputs = [[items[i] for i in batch] for batch in batches]
    assert restore_order(batches, outputs, len(items)) == items
