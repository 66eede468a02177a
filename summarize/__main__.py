"""``python -m summarize``."""

from .cli import main

main()
