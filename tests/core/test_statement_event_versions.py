"""`Statement.Stored` events of every class version load (issue 17, point 1).

Version 2 records which of ``id``, ``timestamp``, ``version`` the LRS assigned,
so that a retry is compared with what its client sent (Data 2.3.1). Events
stored before it (version 1, without ``assigned``) still load, through the
upcasts, and a retry of such a statement is still recognised. Version 3 (issue 19)
seals personal values; tests/privacy covers it.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import StoredEvent

from lrs.domain import Statement
from lrs.services import Services
from tests import factories
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def record(services: Services, *statements: dict[str, Any]) -> list[str]:
    return services.store.record_statements(list(statements), authority=AUTHORITY, version=V1_0_3)


def stored_events(services: Services) -> list[StoredEvent]:
    return list(services.store.recorder.select_notifications(1, 10_000))


def as_version_1(services: Services, event: StoredEvent) -> StoredEvent:
    """The same event as the LRS stored it before `assigned` existed (and before
    encryption, version 3: its statement in plaintext)."""
    state = orjson.loads(event.state)
    assert state.pop("class_version") == 3
    [state["statement"]] = services.store.event_log.open_events([services.store.mapper.to_domain_event(event)])
    del state["assigned"], state["sealed"]
    return StoredEvent(originator_id=event.originator_id, originator_version=event.originator_version,
                       topic=event.topic, state=orjson.dumps(state))


def test_a_stored_event_records_what_the_lrs_assigned(services: Services) -> None:
    statement = factories.statement()
    del statement["timestamp"]
    record(services, statement)
    [event] = (services.store.mapper.to_domain_event(e) for e in stored_events(services))
    assert isinstance(event, Statement.Stored)
    assert event.assigned == ["timestamp", "version"]


def test_a_version_1_event_loads_with_what_the_lrs_assigned_inferred(services: Services) -> None:
    statement = factories.statement()
    del statement["timestamp"]
    record(services, statement)
    [current] = stored_events(services)
    old = services.store.mapper.to_domain_event(as_version_1(services, current))
    assert isinstance(old, Statement.Stored)
    assert old.statement["id"] == statement["id"]
    assert old.assigned == ["timestamp", "version"]  # timestamp == stored, version the default


def test_a_version_1_event_with_the_clients_own_timestamp_and_version_infers_nothing(
    services: Services,
) -> None:
    record(services, factories.statement(version="1.0.3"))
    [current] = stored_events(services)
    old = services.store.mapper.to_domain_event(as_version_1(services, current))
    assert old.assigned == []  # type: ignore[attr-defined]


def test_a_retry_of_a_statement_stored_as_a_version_1_event_is_accepted(services: Services) -> None:
    # Data 2.3.1: an old event's assigned timestamp is ignored too
    statement = factories.statement()
    del statement["timestamp"]
    record(services, statement)
    [current] = stored_events(services)
    with services.store.db.transaction(commit=True) as cur:  # the event as an older LRS wrote it
        cur.execute(f"UPDATE {services.store.recorder.events_table_name} SET state = ? "  # type: ignore[attr-defined]
                    "WHERE originator_id = ?", (as_version_1(services, current).state, str(current.originator_id)))
    assert record(services, statement) == [statement["id"]]
    assert len(stored_events(services)) == 1
