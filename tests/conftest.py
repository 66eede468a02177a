"""Session fixtures: tiny random-weight models of the real architectures, built once per run.

They load through the same ``from_pretrained`` path as hub checkpoints, which proves loading,
batching, chunking, generation controls and output structure; their text is noise by design.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# no test may reach a model hub
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# `run` and `batch` cache translations by default: never in the user's own cache folder
os.environ["SUMMARIZE_CACHE_DIR"] = tempfile.mkdtemp(prefix="summarize-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SPANISH_EXAMPLE = EXAMPLES / "oferta-carcel-cecot.es.txt"
ENGLISH_EXAMPLE = EXAMPLES / "rubio-bukele-prison-offer.en.txt"

SHORT_ES = (
    "El presidente Nayib Bukele ofreció la cárcel CECOT a Estados Unidos. "
    "La oferta incluye a criminales de cualquier nacionalidad. "
    "Marco Rubio dijo que era un acuerdo sin precedentes. "
    "La oposición del FMLN criticó el plan con dureza.\n\n"
    "El CECOT abrió en 2023 en Tecoluca. "
    "Tiene capacidad para 40.000 presos."
)
SHORT_EN = (
    "Marco Rubio met Nayib Bukele for nearly three hours on Monday. "
    "El Salvador offered to jail deportees of any nationality. "
    "The offer includes members of MS-13 and Tren de Aragua. "
    "Critics said the deal treats the region as a backyard.\n\n"
    "Deporting US citizens is illegal under US law. "
    "An official said there were no plans to do so."
)


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread() -> None:
    """Tiny models gain nothing from threads, and on a busy 2-core box spinning threads cost seconds."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_preset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline TOML naming tiny MarianMT (es-en, en-es) and BART models."""
    from summarize.testing import build_preset

    return build_preset(tmp_path_factory.mktemp("tiny"), size="tiny")


@pytest.fixture(scope="session")
def tiny_instruct_preset(tmp_path_factory: pytest.TempPathFactory, tiny_preset: Path) -> Path:
    """A pipeline TOML with the tiny Marian models and a tiny Qwen2 instruct summarizer."""
    from summarize.testing import build_instruct_preset

    return build_instruct_preset(tmp_path_factory.mktemp("tiny-instruct"), size="tiny")


@pytest.fixture(scope="session")
def tiny_pipeline(tiny_preset: Path):
    """One loaded pipeline shared by tests that only read from it."""
    from summarize import Pipeline

    return Pipeline.from_preset(str(tiny_preset), device="cpu", sentences=1).load()


def records_alone_and_batched(pipeline, sources, *, seed: int = 7) -> list[dict]:
    """Run each source alone, then all in one batch and shuffled; check the records (everything
    but ``timings``) are the same every way, and return the alone ones (the identity rule)."""
    import random

    def records(results) -> list[dict]:
        return [{k: v for k, v in r.to_dict().items() if k != "timings"} for r in results]

    alone = [records(pipeline.run([s]))[0] for s in sources]
    assert records(pipeline.run(sources)) == alone
    order = list(range(len(sources)))
    random.Random(seed).shuffle(order)
    shuffled = records(pipeline.run([sources[i] for i in order]))
    assert [shuffled[order.index(i)] for i in range(len(sources))] == alone
    return alone



# the longest test file goes first: with one xdist worker per CPU (`make test`), one worker runs it
# while the others share the rest, instead of everyone waiting for it at the end
LONGEST_FIRST = ("test_hostile_batch.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in LONGEST_FIRST)
