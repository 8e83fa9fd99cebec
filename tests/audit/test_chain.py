"""Tamper evidence: every append is chained in its own transaction, and altering,
deleting or reordering rows of the events table or of the chain, straight in the
database, is reported at the first position it touches (issue 6, item 2)."""

from __future__ import annotations

import hashlib

import pytest

from lrs.audit.auditor import Audit
from lrs.audit.chain import GENESIS
from lrs.services import Services
from tests import factories
from tests.audit.support import (
    events_table,
    execute,
    position_column,
    positions,
    put_state,
    query,
    record,
)


def audit(services: Services) -> Audit:
    return Audit(services.store, services.settings)


@pytest.fixture
def stored(services: Services) -> list[int]:
    """Three statements in two appends and a State document: four events."""
    record(services, factories.statement(), factories.statement())
    record(services, factories.statement())
    put_state(services, "bookmark", b'{"slide": 3}')
    found = positions(services)
    assert len(found) == 4 and audit(services).verify().ok
    return found


def test_every_append_writes_one_chain_entry_per_event(services: Services) -> None:
    """Issue 6.2: statements and documents alike are chained, in the append's transaction."""
    record(services, factories.statement(), factories.statement())
    put_state(services, "bookmark", b'{"slide": 1}')
    put_state(services, "bookmark", b'{"slide": 2}')
    chained = query(services, "SELECT position FROM lrs_audit_chain ORDER BY position")
    assert [r[0] for r in chained] == positions(services)
    result = audit(services).verify()
    assert result.ok and result.checked == 4


def test_a_chain_link_can_be_recomputed_by_hand(services: Services, stored: list[int]) -> None:
    """docs/AUDIT.md: sha256(prev "\\n" position "\\n" id "\\n" version "\\n" topic "\\n" state)."""
    column = position_column(services)
    prev = GENESIS
    for position in stored:
        [(originator_id, version, topic, state)] = query(
            services,
            f"SELECT originator_id, originator_version, topic, state FROM {events_table(services)} "
            f"WHERE {column} = ?", (position,))
        dashed = str(originator_id)
        if len(dashed) == 32:  # SQLite keeps the UUID as 32 hex digits
            dashed = f"{dashed[:8]}-{dashed[8:12]}-{dashed[12:16]}-{dashed[16:20]}-{dashed[20:]}"
        message = f"{prev}\n{position}\n{dashed}\n{version}\n{topic}\n".encode() + bytes(state)
        prev = hashlib.sha256(message).hexdigest()
        [(recorded,)] = query(services, "SELECT hash FROM lrs_audit_chain WHERE position = ?", (position,))
        assert recorded == prev


def test_an_altered_event_is_reported_at_its_position(services: Services, stored: list[int]) -> None:
    """Issue 6.2: changing a stored statement's bytes breaks its link."""
    column, table = position_column(services), events_table(services)
    [(state,)] = query(services, f"SELECT state FROM {table} WHERE {column} = ?", (stored[1],))
    forged = bytes(state).replace(b"Mentoring session", b"Forged session")
    assert forged != bytes(state)
    execute(services, (f"UPDATE {table} SET state = ? WHERE {column} = ?", (forged, stored[1])))
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (stored[1], "altered")


def test_an_altered_document_event_is_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: document events are chained like statements."""
    column, table = position_column(services), events_table(services)
    execute(services, (f"UPDATE {table} SET topic = ? WHERE {column} = ?",
                       ("lrs.documents:Document.Merged", stored[3])))
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (stored[3], "altered")


def test_a_deleted_event_is_reported_as_missing(services: Services, stored: list[int]) -> None:
    """Issue 6.2: removing an event leaves its chain entry without an event."""
    column, table = position_column(services), events_table(services)
    execute(services, (f"DELETE FROM {table} WHERE {column} = ?", (stored[2],)))
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (stored[2], "missing-event")


def test_reordered_events_are_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: swapping two events' log positions is caught at the first of them."""
    column, table = position_column(services), events_table(services)
    first, second = stored[0], stored[1]
    execute(
        services,
        (f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (-1, first)),
        (f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (first, second)),
        (f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (second, -1)),
    )
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (first, "reordered")


def test_an_altered_chain_hash_is_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: the chain table is checked against the events, not trusted."""
    execute(services, ("UPDATE lrs_audit_chain SET hash = ? WHERE position = ?", ("0" * 64, stored[2])))
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (stored[2], "altered")


def test_a_deleted_chain_entry_is_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: an event without its chain entry is reported as unchained."""
    execute(services, ("DELETE FROM lrs_audit_chain WHERE position = ?", (stored[1],)))
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (stored[1], "unchained")


def test_reordered_chain_entries_are_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: swapping two chain rows is caught at the first of them."""
    first, second = stored[1], stored[2]
    execute(
        services,
        ("UPDATE lrs_audit_chain SET position = ? WHERE position = ?", (-1, first)),
        ("UPDATE lrs_audit_chain SET position = ? WHERE position = ?", (first, second)),
        ("UPDATE lrs_audit_chain SET position = ? WHERE position = ?", (second, -1)),
    )
    problem = audit(services).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (first, "reordered")


def test_only_the_first_problem_is_reported(services: Services, stored: list[int]) -> None:
    """Issue 6.2: verify stops at the first altered, missing or reordered event."""
    execute(services, ("DELETE FROM lrs_audit_chain WHERE position = ?", (stored[3],)),
            ("UPDATE lrs_audit_chain SET hash = ? WHERE position = ?", ("f" * 64, stored[1])))
    result = audit(services).verify()
    assert result.problem is not None and result.problem.position == stored[1]
    assert result.checked == 1


def test_appends_after_a_verified_store_keep_it_verified(services: Services, stored: list[int]) -> None:
    """Issue 6.2: the head is read in each append's transaction, so the chain
    continues across appends, statements and documents alike."""
    put_state(services, "bookmark", b'{"slide": 4}')
    record(services, factories.statement())
    result = audit(services).verify()
    assert result.ok and result.checked == 6
