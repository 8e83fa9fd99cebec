"""Domain events of the LRS.

Stored events carry their class's topic (``lrs.domain:Statement.Stored``):
do not move or rename these classes once events are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

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

        Version 2 added `assigned`; see `upcast_v1_v2` for events stored before.
        Version 3 added `sealed` (issue 19 point 1): when it is not empty,
        `statement` is the skeleton without personal values and `sealed` their
        ciphertexts per person (`lrs.store.sealing`); the event log hands out the
        statement opened. Empty: the statement is stored as is (plaintext, a store
        made before encryption or one without a keyring)."""

        statement: dict[str, Any]
        assigned: list[str]
        sealed: list[dict[str, Any]]

        class_version = 3

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
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """An event stored before encryption: its statement is plaintext."""
            state["sealed"] = []

    @staticmethod
    def create_id(statement: dict[str, Any], assigned: Sequence[str] = ()) -> UUID:
        return UUID(statement["id"])

    @event(Stored)
    def __init__(self, statement: dict[str, Any], assigned: Sequence[str] = (),
                 sealed: Sequence[dict[str, Any]] = ()):
        self.statement = statement
        self.assigned = list(assigned)
        self.sealed = list(sealed)

    @classmethod
    def stored_event(
        cls, statement: dict[str, Any], timestamp: datetime, assigned: Sequence[str] = (),
        sealed: Sequence[dict[str, Any]] = (),
    ) -> Statement.Stored:
        """The creation event of a statement's aggregate, built without the aggregate;
        ``statement`` is the skeleton when ``sealed`` holds its personal values."""
        return cls.Stored(  # type: ignore[call-arg]
            originator_id=cls.create_id(statement),
            originator_version=1,
            timestamp=timestamp,
            originator_topic=_TOPIC,
            statement=statement,
            assigned=list(assigned),
            sealed=list(sealed),
        )


_TOPIC = get_topic(Statement)


class Erasure(Aggregate):
    """The erasure of one person (issue 19): their data key destroyed in the
    same transaction as this event is stored. The aggregate id is derived from
    the person's keyed hash, so a second erasure of the same person meets the
    first one (idempotent: same id). The event holds no personal data: only the
    keyed hash, who asked, and the reason they gave."""

    class Recorded(Aggregate.Created):
        """A person was erased: `person` their keyed hash (hex), `requested_by`
        the credential or account that asked, `reason` as given."""

        person: str
        requested_by: str
        reason: str

    @staticmethod
    def create_id(person: str, requested_by: str = "", reason: str = "") -> UUID:
        return uuid5(_ERASURE_NAMESPACE, person)

    @event(Recorded)
    def __init__(self, person: str, requested_by: str = "", reason: str = ""):
        self.person = person
        self.requested_by = requested_by
        self.reason = reason


_ERASURE_NAMESPACE = UUID("6f1f3c2e-5a0b-4e0c-9a51-1e4a5c0e7d19")
