"""``python -m summarize``."""

from ._entry import main

main()
