"""Random-weight stand-ins for the shipped presets' models, built once into the benchmark cache."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the hub checkpoints the shipped presets name -> the random-weight stand-in's folder in build_preset's output
STAND_INS = {"Helsinki-NLP/opus-mt-es-en": "marian-es-en", "Helsinki-NLP/opus-mt-en-es": "marian-en-es",
             "sshleifer/distilbart-cnn-12-6": "bart"}


def random_models(size: str, cache: Path) -> Path:
    """The folder of random-weight Marian es-en/en-es and BART models of that size (built once)."""
    from summarize.testing import build_preset

    folder = cache / f"pipeline-{size}"
    if not (folder / "pipeline.toml").is_file():
        print(f"building {size} random-weight models in {folder} ...", file=sys.stderr, flush=True)
        build_preset(folder, size=size)
    return folder


def stand_in_preset(name: str, models: Path, out: Path) -> str:
    """The shipped preset ``name`` with its models replaced by the random-weight ones in ``models``."""
    text = (ROOT / "pipelines" / f"{name}.toml").read_text(encoding="utf-8")
    for hub_id, sub in STAND_INS.items():
        text = text.replace(f'"{hub_id}"', json.dumps(str(models / sub)))
    missing = re.findall(r'"[\w.-]+/[\w.-]+"', text)  # a hub id left: a model this benchmark cannot stand in for
    if missing:
        raise SystemExit(f"preset {name}: no random-weight stand-in for {missing}")
    path = out / f"{name}-{models.name}.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)
