"""Stores created before the chain get one: `lrs migrate` (and `lrs serve`) chain
the events already stored, `lrs audit backfill` does it on demand, and an append
chains any event it finds without a chain entry before its own (issue 6, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lrs.audit.auditor import Audit
from lrs.cli import main
from lrs.services import Services
from tests import factories
from tests.audit.support import execute, positions, query, record


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return database_url


def unchain_like_an_old_store(services: Services) -> None:
    """The store as a version of the LRS before the chain left it."""
    execute(services, "DROP TABLE lrs_audit_chain",
            ("DELETE FROM lrs_migration WHERE name = ?", ("0007_audit_chain.sql",)))


def test_lrs_migrate_chains_a_store_created_before_the_chain(
    services: Services, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 6.2: `lrs migrate` creates the chain table and chains what is stored."""
    record(services, factories.statement(), factories.statement())
    record(services, factories.statement())
    unchain_like_an_old_store(services)
    assert main(["migrate"]) == 0
    assert "audit chain: 3 events chained" in capsys.readouterr().out
    result = Audit(services.store, services.settings).verify()
    assert result.ok and result.checked == 3


def test_verify_reports_a_store_that_was_never_chained(services: Services) -> None:
    """Issue 6.2: events without chain entries are not taken on trust."""
    record(services, factories.statement())
    execute(services, "DELETE FROM lrs_audit_chain")
    problem = Audit(services.store, services.settings).verify().problem
    assert problem is not None and (problem.position, problem.kind) == (positions(services)[0], "unchained")


def test_lrs_audit_backfill_chains_the_unchained_events_once(
    services: Services, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 6.2: `lrs audit backfill` is idempotent."""
    record(services, factories.statement(), factories.statement())
    execute(services, "DELETE FROM lrs_audit_chain")
    assert main(["audit", "backfill"]) == 0
    assert "chained 2 events" in capsys.readouterr().out
    assert main(["audit", "backfill"]) == 0
    assert "chained 0 events" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0


def test_an_append_chains_events_left_unchained_before_it(services: Services) -> None:
    """Issue 6.2: events appended by a writer that did not chain (an older LRS during
    an upgrade) are chained, as they are, by the next append, in its transaction."""
    record(services, factories.statement())
    record(services, factories.statement(), factories.statement())
    first = positions(services)[0]
    execute(services, ("DELETE FROM lrs_audit_chain WHERE position > ?", (first,)))
    record(services, factories.statement())
    assert len(query(services, "SELECT position FROM lrs_audit_chain")) == 4
    assert Audit(services.store, services.settings).verify().ok
