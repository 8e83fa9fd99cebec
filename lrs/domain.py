"""Domain events of the LRS.

Stored events carry their class's topic (``lrs.domain:Statement.Stored``):
do not move or rename these classes once events are stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic


class Statement(Aggregate):
    """One accepted xAPI statement. Its aggregate id is the statement id, so the
    event store's uniqueness decides duplicates atomically."""

    @staticmethod
    def create_id(statement: dict[str, Any]) -> UUID:
        return UUID(statement["id"])

    @event("Stored")
    def __init__(self, statement: dict[str, Any]):
        self.statement = statement

    @classmethod
    def stored_event(cls, statement: dict[str, Any], timestamp: datetime) -> Aggregate.Event:
        """The creation event of a statement's aggregate, built without the aggregate."""
        return cls.Stored(  # type: ignore[attr-defined]  # made by @event above
            originator_id=cls.create_id(statement),
            originator_version=1,
            timestamp=timestamp,
            originator_topic=_TOPIC,
            statement=statement,
        )


_TOPIC = get_topic(Statement)
