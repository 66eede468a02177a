"""Values read from a preset file, checked against the annotations of the dataclass that will hold them.

A preset is TOML: strings, numbers, booleans, arrays and tables. Each setting is declared once, as
a field of a frozen dataclass (the ``[runtime]`` table, an engine's ``Options``), and its type is
read with :func:`typing.get_type_hints`, not from the annotation's text: containers
(``tuple[str, ...]``, ``Mapping[str, str]``), optionals (``int | None``), literals
(``Literal["greedy", "beam"]``) and numbers with their range (``Annotated[int, Range(1, 64)]``).
:func:`conform` returns the value as the field holds it (a TOML array becomes the tuple a frozen
dataclass needs) or raises :class:`Mismatch` saying what was expected; the caller names the key
and the file.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import math
import types
import typing
from dataclasses import dataclass
from typing import Any

__all__ = ["Mismatch", "Range", "conform", "describe", "field_types"]


@dataclass(frozen=True)
class Range:
    """The bounds of a number setting, as ``Annotated[int, Range(1, 64)]`` metadata (``None``: unbounded)."""

    low: float | None = None
    high: float | None = None

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds (both included); infinity and NaN never do."""
        return math.isfinite(value) and (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def describe(self) -> str:
        """``"from 1 to 64"``, ``"of at least 1"``, ``"of at most 0.5"``."""
        if self.low is not None and self.high is not None:
            return f"from {self.low:g} to {self.high:g}"
        if self.low is not None:
            return f"of at least {self.low:g}"
        return f"of at most {self.high:g}" if self.high is not None else ""


class Mismatch(ValueError):
    """A value that does not fit its annotation; ``expected`` says what would (``"a whole number"``)."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def field_types(cls: type) -> dict[str, Any]:
    """The resolved annotation of each field of a dataclass, ``Annotated`` metadata kept."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def describe(annotation: Any) -> str:
    """What a value of ``annotation`` is, in a preset's words (``"an array of strings"``)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        ranges = [m for m in annotation.__metadata__ if isinstance(m, Range)]
        base = describe(args[0])
        bounds = ranges[0].describe() if ranges else ""
        return f"{base} {bounds}" if bounds else base
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if _is_union(annotation):
        kinds = [describe(a) for a in args if a is not type(None)]
        text = " or ".join(kinds)
        return f"{text} (or nothing)" if type(None) in args else text
    if origin in (tuple, list, collections.abc.Sequence):
        if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
            return "an array of " + str(len(args)) + " items (" + ", ".join(describe(a) for a in args) + ")"
        item = args[0] if args else Any
        return f"an array of {_plural(describe(item))}"
    if origin in (dict, collections.abc.Mapping) or annotation in (dict, collections.abc.Mapping):
        value = args[1] if len(args) == 2 else Any
        return f"a table of {_plural(describe(value))}"
    return _SIMPLE.get(annotation, getattr(annotation, "__name__", str(annotation)))


def conform(value: Any, annotation: Any) -> Any:
    """``value`` as a field of type ``annotation`` holds it (arrays become tuples where a tuple is declared).

    Raises:
        Mismatch: the value does not fit; its ``expected`` says what would.
    """
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return value
    if origin is typing.Annotated:
        try:
            inner = conform(value, args[0])
        except Mismatch:
            raise Mismatch(describe(annotation)) from None
        for bound in (m for m in annotation.__metadata__ if isinstance(m, Range)):
            if not bound.holds(inner):
                raise Mismatch(describe(annotation))
        return inner
    if origin is typing.Literal:
        if any(value == a and type(value) is type(a) for a in args):
            return value
        raise Mismatch(describe(annotation))
    if _is_union(annotation):
        if value is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return conform(value, option)
            except Mismatch:
                continue
        raise Mismatch(describe(annotation))
    if origin in (tuple, list, collections.abc.Sequence):
        return _conform_array(value, annotation, origin, args)
    if origin in (dict, collections.abc.Mapping) or annotation in (dict, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping):
            raise Mismatch(describe(annotation))
        key_type, value_type = args if len(args) == 2 else (Any, Any)
        try:
            return {conform(k, key_type): conform(v, value_type) for k, v in value.items()}
        except Mismatch:
            raise Mismatch(describe(annotation)) from None
    return _conform_simple(value, annotation)


def _conform_array(value: Any, annotation: Any, origin: Any, args: tuple[Any, ...]) -> Any:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise Mismatch(describe(annotation))  # a bare string is not an array of one
    try:
        if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
            if len(value) != len(args):
                raise Mismatch(describe(annotation))
            return tuple(conform(v, a) for v, a in zip(value, args, strict=True))
        item = args[0] if args else Any
        items = [conform(v, item) for v in value]
    except Mismatch:
        raise Mismatch(describe(annotation)) from None
    return tuple(items) if origin is tuple else items


def _conform_simple(value: Any, annotation: Any) -> Any:
    if annotation is bool:
        ok = isinstance(value, bool)
    elif annotation is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif annotation is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)  # kept as written: 2 stays 2
    elif annotation is str:
        ok = isinstance(value, str)
    elif annotation is type(None):
        ok = value is None
    elif isinstance(annotation, type):
        ok = isinstance(value, annotation)
    else:
        raise TypeError(f"cannot check a setting of type {annotation!r}")  # a declaration's bug, not the user's
    if not ok:
        raise Mismatch(describe(annotation))
    return value


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _plural(kind: str) -> str:
    for singular, plural in _PLURALS.items():
        if kind.startswith(singular):
            return plural + kind[len(singular):]
    return kind


_SIMPLE = {bool: "true or false", int: "a whole number", float: "a number", str: "a string",
           type(None): "nothing", Any: "anything"}
_PLURALS = {"true or false": "booleans", "a whole number": "whole numbers", "a number": "numbers",
            "a string": "strings", "an array": "arrays", "a table": "tables"}
