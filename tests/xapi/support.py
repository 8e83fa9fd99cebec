"""Helpers shared by the validation tests."""

from __future__ import annotations

from collections.abc import Iterable

from xapi.errors import FieldError


def found(errors: Iterable[FieldError]) -> set[tuple[str, str]]:
    """The (path, rule) pairs of `errors`, for compact assertions."""
    return {(error.path, error.rule) for error in errors}
