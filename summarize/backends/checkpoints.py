"""Where a model's files are, what identifies their content, and what loading them can go wrong with.

Shared by every runtime (transformers, CTranslate2), the model table and the text cache, so that
each rule is written once: a model is a local directory or a hub id; its fingerprint changes when
its files do; a loading library's exceptions become :class:`~summarize.errors.ModelError`
subclasses at one seam (:func:`map_load_errors`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ModelLoadError, ModelNotAvailableError

__all__ = [
    "GGUF_SUFFIX",
    "OFFLINE_HINT",
    "fingerprint",
    "first_line",
    "is_local",
    "map_load_errors",
    "quiet_transformers",
    "require_local_dir",
    "require_local_file",
]

OFFLINE_HINT = (
    "Download it once with 'summarize models pull PRESET' on a machine with network access and copy its "
    "Hugging Face cache folder here (set HF_HOME to the copy), point the preset at a local directory, "
    "or use --pipeline offline."
)


GGUF_SUFFIX = ".gguf"


def is_local(model: str) -> bool:
    """True when ``model`` names a local directory rather than a hub id."""
    return model.startswith((".", "/", "~")) or Path(model).expanduser().is_dir()


def require_local_dir(model: str) -> Path:
    """The directory of a local model.

    Raises:
        ModelNotAvailableError: when it does not exist.
    """
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ModelNotAvailableError(f"model directory {model} does not exist", model=model,
                                     hint="Check the path in the preset.")
    return path


def require_local_file(model: str) -> Path:
    """The file of a local single-file model (a ``.gguf``).

    Raises:
        ModelNotAvailableError: when it does not exist.
    """
    path = Path(model).expanduser()
    if not path.is_file():
        raise ModelNotAvailableError(f"model file {model} does not exist", model=model,
                                     hint="Check the path in the preset.")
    return path


def fingerprint(model: str) -> str:
    """What identifies a model's content: a local directory's files (names, sizes, times), or the
    hub commit of its cached snapshot (empty when not cached). Anything else is returned as is.

    A retrained local model or an updated hub checkpoint gets a new fingerprint, so conversions
    and cached outputs made from the old files are not reused.
    """
    if not model:
        return model
    if is_local(model):
        root = Path(model).expanduser().resolve()
        if root.is_file():  # a single-file model (GGUF)
            stat = root.stat()
            return f"{root}@{stat.st_size}-{stat.st_mtime_ns}"
        if not root.is_dir():
            return str(root)
        stats = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in root.iterdir() if p.is_file())
        return f"{root}@{hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:16]}"
    if " " in model:  # a description ("apertium-eng-spa 0.8.1"), not a hub id
        return model
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(model, "config.json")
    except ValueError:  # not a valid repository id
        return model
    # a snapshot's folder is named after its commit
    return f"{model}@{Path(cached).parent.name if isinstance(cached, str) else ''}"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (or its class name)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def map_load_errors(model: str, *, action: str = "load", corrupt: tuple[type[BaseException], ...] = (),
                    corrupt_hint: str = "The files are corrupt or not a model of the expected kind.") -> Iterator[None]:
    """Turn a loading library's exceptions into ours, for one model.

    ``OSError`` means missing files: for a local directory they are incomplete
    (:class:`ModelLoadError`), for a hub id it is neither cached nor downloadable
    (:class:`ModelNotAvailableError`). ``ValueError``, ``KeyError``, ``RuntimeError`` and the
    ``corrupt`` classes mean files that are there but unreadable (:class:`ModelLoadError` with
    ``corrupt_hint``). Anything else is a bug and keeps its traceback.

    Args:
        model: the hub id or directory being loaded.
        action: the verb for messages (``load``, ``convert``).
        corrupt: further exception classes that mean unreadable files.
        corrupt_hint: what to do about unreadable files.
    """
    unreadable: tuple[type[BaseException], ...] = (ValueError, KeyError, RuntimeError, *corrupt)
    try:
        yield
    except OSError as exc:
        if is_local(model):
            raise ModelLoadError(f"cannot {action} model from {model}: {first_line(exc)}", model=model,
                                 hint="The directory is incomplete or corrupt; download the model again.") from exc
        raise ModelNotAvailableError(
            f"model {model} is not in the local cache and cannot be downloaded ({first_line(exc)})",
            model=model, hint=OFFLINE_HINT) from exc
    except unreadable as exc:
        raise ModelLoadError(f"cannot {action} model {model}: {first_line(exc)}", model=model,
                             hint=corrupt_hint) from exc


def quiet_transformers() -> None:
    """Keep transformers' and the hub's progress bars, retry notices and advice off stderr.

    Environment variables do it without importing transformers (an offline run never needs it);
    when it is already imported, its own switches are set too.
    """
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_VERBOSITY", "error")  # its "Retrying in 8s" lines
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import logging as hub_logging

        hub_logging.set_verbosity_error()
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
