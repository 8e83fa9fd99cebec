"""What an asynchronous view is, as the projection runner sees it.

A view is a read model kept up to date from the event store's ordered log,
after the append (unlike the statement index, which is written inside it).
The runner reads stored statements in log order, hands them to `apply` in
batches, and records the position it reached in the same transaction, so
each statement is applied exactly once and a restarted runner resumes where
the last commit left off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from lrs.store.database import Cursor

Positioned = tuple[int, dict[str, Any]]
"""A stored statement and its log position (the event's notification id)."""


class View(Protocol):
    name: str
    """Stable name: the tracking record's key, and how CLI and API refer to the view."""

    tables: tuple[str, ...]
    """The tables that hold the view, emptied by a rebuild."""

    def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
        """Fold statements (in log order, all after the view's position) into
        the view. Runs inside the runner's transaction: no commits here."""
        ...
