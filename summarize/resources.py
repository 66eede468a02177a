"""Locate the data shipped with the package: pipeline presets and prompt templates.

In a built wheel, ``pipelines/`` and ``prompts/`` live inside the package (``summarize/pipelines``),
placed there by the build; in a source checkout they stay at the repository's top level.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir"]

_KINDS = ("pipelines", "prompts")


def data_dir(kind: str) -> Path:
    """Return the folder holding the shipped ``pipelines`` or ``prompts``.

    Args:
        kind: ``"pipelines"`` or ``"prompts"``.

    Returns:
        The folder, inside the installed package or in the source checkout.

    Raises:
        ValueError: for another kind.
        FileNotFoundError: when neither place has it (a broken install).
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown data kind {kind!r}; expected one of {_KINDS}")
    packaged = Path(str(resources.files("summarize"))) / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the package's {kind}/ folder is missing; reinstall summarize")
