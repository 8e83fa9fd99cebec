"""Domain events of the LRS.

Stored events carry their class's topic (``lrs.domain:Statement.Stored``):
do not move or rename these classes once events are stored.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Statement(Aggregate):
    """One accepted xAPI statement. Its aggregate id is the statement id, so the
    event store's uniqueness decides duplicates atomically."""

    @staticmethod
    def create_id(statement: dict[str, Any]) -> UUID:
        return UUID(statement["id"])

    @event("Stored")
    def __init__(self, statement: dict[str, Any]):
        self.statement = statement
