"""How a :class:`~summarize.errors.SummarizeError` reaches the terminal: its message, its hint, its exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ..errors import SummarizeError

__all__ = ["UserError", "user_errors"]


class UserError(click.ClickException):
    """A :class:`SummarizeError` shown as a clean message with its class's exit code."""

    def __init__(self, error: SummarizeError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SummarizeError as exc:
            raise UserError(exc) from exc

    return wrapper

