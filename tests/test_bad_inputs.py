"""Awkward inputs: huge, unreadable, punctuation-free, repetitive and mixed-language text."""

from __future__ import annotations

import errno
import io
import os
import shlex
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from summarize import Source
from summarize.backends.base import Translator
from summarize.errors import InputError, UnsupportedInputError
from summarize.pipeline.translate import DocumentTranslator
from summarize.reading import extract
from summarize.reading.extract import load_document
from summarize.text.langid import LanguageIdentifier


class Marking(Translator):
    """Marks what it was asked to translate, so a test can see what passed through."""

    engine = "marking"

    def __init__(self):
        self.seen: list[str] = []

    def translate(self, texts, src, tgt, *, warnings=None):
        self.seen.extend(texts)
        return [f"[{tgt}] {t}" for t in texts]


def test_very_large_file_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    with pytest.raises(UnsupportedInputError, match="larger than the 52428800-byte limit"):
        load_document(Source.parse(str(path)))


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("texto")
    real_open = os.open

    # files are opened with os.open now (O_NONBLOCK, then fstat), no longer Path.read_bytes; tests
    # run as root, for whom chmod 000 denies nothing, so the denial is simulated for this one path
    def deny(name, *args, **kwargs):
        if Path(name) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(InputError, match="permission denied"):
        load_document(Source.parse(str(path)))


@pytest.mark.timeout(10)
def test_fifo_named_txt_is_refused_without_blocking(tmp_path):
    path = tmp_path / "x.txt"
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading the plain way would wait forever
    with pytest.raises(UnsupportedInputError, match=r"x\.txt is not a regular file \(it is a named pipe\)"):
        load_document(Source.parse(str(path)))


@pytest.mark.timeout(10)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_txt_symlink_to_an_endless_device_is_refused(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    path = tmp_path / "article.txt"
    path.symlink_to(device)  # stat size 0, so a size check alone would let it through, and it never ends
    with pytest.raises(UnsupportedInputError, match=r"article\.txt is not a regular file \(it is a character device\)"):
        load_document(Source.parse(str(path)))


@pytest.mark.timeout(10)
def test_character_device_and_socket_are_refused(tmp_path):
    with pytest.raises(UnsupportedInputError, match="is not a regular file .it is a character device"):
        load_document(Source.parse("/dev/null"))
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        with pytest.raises(UnsupportedInputError, match="is not a regular file .it is a socket"):
            load_document(Source.parse(str(path)))


@pytest.mark.timeout(10)
def test_block_device_is_refused():
    device = next((e.path for e in os.scandir("/dev") if stat.S_ISBLK(_mode(e.path))), None)
    if device is None:
        pytest.skip("no block device here (containers often have none)")
    with pytest.raises(UnsupportedInputError, match="is not a regular file .it is a block device"):
        load_document(Source.parse(device))


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode
    except OSError:
        return 0


def test_regular_file_that_lies_about_its_size_is_read_only_to_the_limit(tmp_path, monkeypatch):
    # /proc files are regular files of stat size 0 that hold more: the read itself must stop at the cap
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("no /proc here")
    path = tmp_path / "status.txt"
    path.symlink_to(status)
    monkeypatch.setattr(extract, "MAX_FILE_BYTES", 64)
    with pytest.raises(UnsupportedInputError, match="larger than the 64-byte limit .it grew while being read"):
        load_document(Source.parse(str(path)))


def test_file_at_the_limit_is_read_and_one_byte_over_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_FILE_BYTES", 32)
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 31 + b".")
    assert load_document(Source.parse(str(path))).text == "x" * 31 + "."
    path.write_bytes(b"x" * 33)
    with pytest.raises(UnsupportedInputError, match="file of 33 bytes is larger than the 32-byte limit"):
        load_document(Source.parse(str(path)))


def test_stdin_is_bounded_like_a_file(monkeypatch):
    monkeypatch.setattr(extract, "MAX_FILE_BYTES", 32)
    assert load_document(Source.parse("-"), stdin=io.BytesIO(b"y" * 31 + b".")).text == "y" * 31 + "."
    with pytest.raises(UnsupportedInputError, match="<stdin>: input is larger than the 32-byte limit"):
        load_document(Source.parse("-"), stdin=io.BytesIO(b"y" * 33))


def test_stdin_read_from_a_terminal_like_stream_is_read_to_the_end(monkeypatch):
    class Interactive(io.RawIOBase):
        """Returns one line a read, as a terminal does."""

        def __init__(self, lines):
            self.lines = list(lines)

        def readable(self):
            return True

        def read(self, size=-1):
            return self.lines.pop(0) if self.lines else b""

    stream = Interactive([b"Titular\n", b"\n", b"Primer p\xc3\xa1rrafo.\n"])
    doc = load_document(Source.parse("-"), stdin=stream)
    assert (doc.title, doc.paragraphs) == ("Titular", ("Primer párrafo.",))


def test_closed_stdin_is_an_input_error(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)  # what Python sets when descriptor 0 is closed at startup
    with pytest.raises(InputError, match="stdin is closed") as info:
        load_document(Source.parse("-"))
    assert "Pipe the article in" in (info.value.hint or "")
    closed = io.BytesIO(b"text")
    closed.close()
    with pytest.raises(InputError, match="stdin is closed"):
        load_document(Source.parse("-"), stdin=closed)

    class BadDescriptor(io.RawIOBase):
        def read(self, size=-1):
            raise OSError(errno.EBADF, "Bad file descriptor")

    with pytest.raises(InputError, match="stdin is closed"):
        load_document(Source.parse("-"), stdin=BadDescriptor())


@pytest.mark.timeout(120)
def test_cli_with_a_closed_stdin_says_so_and_exits_3():
    command = f"{shlex.quote(sys.executable)} -m summarize - -p offline <&-"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=110, check=False)
    assert done.returncode == 3, done.stderr
    assert "stdin is closed" in done.stderr
    assert "Traceback" not in done.stderr


def test_quoted_english_passes_through_a_spanish_article():
    paragraph = ("El presidente escribió en la red social X un mensaje en inglés. "
                 "We are offering the United States the chance to outsource part of its prison system. "
                 "Después no dio más detalles sobre la cifra.")
    engine = Marking()
    [[out]] = DocumentTranslator(engine, LanguageIdentifier()).translate([[paragraph]], "es", "en")
    assert "We are offering the United States the chance to outsource part of its prison system." in out
    assert "[en] We are offering" not in out
    assert len(engine.seen) == 2
    assert out.startswith("[en] El presidente escribió")


def test_identical_sentences_are_translated_once():
    engine = Marking()
    docs = [["Hola a todos los presentes. Hola a todos los presentes."], ["Hola a todos los presentes."]]
    out = DocumentTranslator(engine).translate(docs, "es", "en")
    assert engine.seen == ["Hola a todos los presentes."]
    assert out == [["[en] Hola a todos los presentes. [en] Hola a todos los presentes."],
                   ["[en] Hola a todos los presentes."]]


def test_text_without_punctuation_is_still_split_to_the_window(tiny_pipeline):
    words = ("el presidente habló con el secretario de Estado sobre la cárcel y los deportados " * 40).split()
    text = " ".join(words)
    translator = tiny_pipeline.translator
    generator = translator.generator("es-en")
    tokenizer, model = generator.tokenizer, generator.model
    seen: list[str] = []
    original = translator._generate

    def spy(texts, *args, guard=False, **kwargs):
        if not guard:
            seen.extend(texts)
        return original(texts, *args, guard=guard, **kwargs)

    translator._generate = spy
    try:
        [out] = translator.translate([text], "es", "en")
    finally:
        del translator._generate
    assert len(seen) > 1 and "".join(seen) == text
    assert all(len(tokenizer(p)["input_ids"]) <= model.config.max_position_embeddings for p in seen)
    assert out


def test_degenerate_repetitive_text_finishes(tiny_pipeline):
    text = "La cárcel. " * 400
    [result] = tiny_pipeline.run([Source.from_text(text)], source_lang="es")
    assert result.summaries["en"] and result.summaries["es"]
