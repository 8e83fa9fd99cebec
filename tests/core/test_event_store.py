"""The event-sourced core: one immutable event per accepted statement."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.services import Services
from lrs.store.application import StatementConflict
from tests import factories
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def record(services: Services, *statements: dict[str, Any]) -> list[str]:
    return services.store.record_statements(list(statements), authority=AUTHORITY, version=V1_0_3)


def event_count(services: Services) -> int:
    # Not max_notification_id(): a rolled-back append leaves a gap in PostgreSQL's sequence.
    return len(services.store.recorder.select_notifications(1, 10_000))


def test_each_statement_is_one_event_holding_the_statement_as_stored(services: Services) -> None:
    statement = factories.statement()
    [statement_id] = record(services, statement)
    [notification] = services.store.recorder.select_notifications(1, 10)
    event = services.store.mapper.to_domain_event(notification)
    assert str(event.originator_id) == statement_id
    [stored] = services.store.event_log.open_events([event])  # personal values sealed (issue 19)
    assert stored["stored"] and stored["authority"] == AUTHORITY
    assert stored["verb"] == statement["verb"]


def test_a_batch_is_one_atomic_append(services: Services) -> None:
    ids = record(services, *(factories.statement() for _ in range(5)))
    assert len(ids) == 5 and event_count(services) == 5


def test_an_equivalent_duplicate_is_a_no_op(services: Services) -> None:
    # Communication 2.1.2: MUST NOT modify its state for a statement id it already has.
    statement = factories.statement()
    record(services, statement)
    record(services, statement)
    assert event_count(services) == 1


def test_a_different_statement_under_a_stored_id_conflicts_and_nothing_is_stored(
    services: Services,
) -> None:
    stored = factories.statement()
    record(services, stored)
    different = {**stored, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}
    with pytest.raises(StatementConflict):
        record(services, factories.statement(), different)
    assert event_count(services) == 1


def test_a_batch_mixing_new_and_equivalent_statements_stores_only_the_new(services: Services) -> None:
    stored = factories.statement()
    record(services, stored)
    fresh = factories.statement()
    ids = record(services, stored, fresh)
    assert ids == [stored["id"], fresh["id"]]
    assert event_count(services) == 2


def test_stored_never_goes_backwards_within_a_process(services: Services) -> None:
    ids = [record(services, factories.statement())[0] for _ in range(20)]
    store = services.store
    stored = [store.event_log.statements_at([store.queries.position_of(i)])[0]["stored"] for i in ids]
    assert stored == sorted(stored)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_postgres_connections_run_without_jit(services: Services) -> None:
    # JIT compilation only slows index lookups down, and once made a bad estimate on a
    # database without statistics cost ~0.7 s per append (issue 18 point 3).
    with services.store.db.read() as cur:
        assert cur.execute("SHOW jit").fetchone()["jit"] == "off"
    with services.store.db.transaction(commit=False) as cur:
        assert cur.execute("SHOW jit").fetchone()["jit"] == "off"
