"""Prompt templates for instruction-tuned models, one file per task and language.

A template file (``prompts/summarize.en.txt``) holds a system message, a line ``---``, and the
user message; placeholders use :class:`string.Template` syntax (``$text``, ``$length``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .resources import data_dir

__all__ = ["PromptTemplate", "load_prompt"]

SEPARATOR = "\n---\n"


@dataclass(frozen=True)
class PromptTemplate:
    """A system and a user message with ``$placeholders``."""

    system: str
    user: str
    path: str

    def render(self, **values: str) -> list[dict[str, str]]:
        """Fill the placeholders and return chat messages.

        Raises:
            ConfigError: when the template names a placeholder that was not given.
        """
        try:
            messages = [{"role": "user", "content": string.Template(self.user).substitute(values)}]
            if self.system:
                messages.insert(0, {"role": "system", "content": string.Template(self.system).substitute(values)})
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"prompt {self.path} uses an unknown or malformed placeholder: {exc}",
                              hint=f"Available placeholders: {', '.join('$' + k for k in sorted(values))}.") from None
        return messages


def load_prompt(task: str, lang: str, folder: str | Path | None = None) -> PromptTemplate:
    """Read ``{task}.{lang}.txt`` from ``folder`` (default: the shipped prompts).

    Raises:
        ConfigError: when the file is missing.
    """
    base = Path(folder).expanduser() if folder else data_dir("prompts")
    path = base / f"{task}.{lang}.txt"
    if not path.is_file():
        raise ConfigError(f"no prompt template {path}", hint=f"Create {path.name} in {base}.")
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    system, sep, user = text.partition(SEPARATOR)
    if not sep:
        system, user = "", text
    return PromptTemplate(system=system.strip(), user=user.strip(), path=str(path))
