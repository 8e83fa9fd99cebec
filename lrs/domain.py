"""Domain events of the LRS.

Stored events carry their class's topic (``lrs.domain:Statement.Stored``):
do not move or rename these classes once events are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from xapi.versions import V1_0_3, V2_0_0

_DEFAULT_VERSIONS = frozenset({V1_0_3.default_statement_version, V2_0_0.default_statement_version})


class Statement(Aggregate):
    """One accepted xAPI statement. Its aggregate id is the statement id, so the
    event store's uniqueness decides duplicates atomically."""

    class Stored(Aggregate.Created):
        """A statement was accepted: `statement` as stored (with what the LRS
        assigned), `assigned` the names among ``id``, ``timestamp``, ``version``
        that the LRS filled in because the client had not sent them. A retry is
        compared with what the client sent (Data 2.3.1), so those must be known.

        Version 2 added `assigned`; see `upcast_v1_v2` for events stored before."""

        statement: dict[str, Any]
        assigned: list[str]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """An event stored before `assigned` existed: inferred from the statement.

            ``timestamp`` was assigned when it equals ``stored`` (the LRS sets it
            to exactly that text; a client's own timestamp matching it to the
            millisecond is not a realistic retry). ``version`` was assigned when it
            is a version's default (1.0.0 or 2.0.0): a client that sent one of
            those and retries with another one is accepted, which errs on the side
            of the retry. ``id`` is never compared (it is the aggregate's id), so
            it is left out."""
            statement = state.get("statement") or {}
            assigned = []
            if "timestamp" in statement and statement.get("timestamp") == statement.get("stored"):
                assigned.append("timestamp")
            if statement.get("version") in _DEFAULT_VERSIONS:
                assigned.append("version")
            state["assigned"] = assigned

    @staticmethod
    def create_id(statement: dict[str, Any], assigned: Sequence[str] = ()) -> UUID:
        return UUID(statement["id"])

    @event(Stored)
    def __init__(self, statement: dict[str, Any], assigned: Sequence[str] = ()):
        self.statement = statement
        self.assigned = list(assigned)

    @classmethod
    def stored_event(
        cls, statement: dict[str, Any], timestamp: datetime, assigned: Sequence[str] = ()
    ) -> Statement.Stored:
        """The creation event of a statement's aggregate, built without the aggregate."""
        return cls.Stored(  # type: ignore[call-arg]
            originator_id=cls.create_id(statement),
            originator_version=1,
            timestamp=timestamp,
            originator_topic=_TOPIC,
            statement=statement,
            assigned=list(assigned),
        )


_TOPIC = get_topic(Statement)
