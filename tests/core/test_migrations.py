"""The migrations runner (`migrations`): files split into statements where a statement
is complete, applied once, recorded, reported (issue 16, point 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

import migrations
from lrs.cli import main
from lrs.services import Services
from tests.audit.support import execute


def test_a_semicolon_inside_a_string_does_not_end_a_statement_on_either_dialect() -> None:
    script = "INSERT INTO t (a) VALUES ('x; y');\nINSERT INTO t (a) VALUES ('it''s; here');"
    for dialect in ("sqlite", "postgres"):
        assert migrations.statements(script, dialect) == [
            "INSERT INTO t (a) VALUES ('x; y')",
            "INSERT INTO t (a) VALUES ('it''s; here')",
        ]


def test_a_semicolon_inside_a_comment_does_not_end_a_statement_on_either_dialect() -> None:
    script = "-- first; then\nCREATE TABLE t (a TEXT); /* b; c */\nCREATE INDEX i ON t (a);\n-- done;\n"
    for dialect in ("sqlite", "postgres"):
        found = migrations.statements(script, dialect)
        assert [s.splitlines()[-1] for s in found] == [
            "CREATE TABLE t (a TEXT)", "CREATE INDEX i ON t (a)"]


def test_a_postgres_dollar_quoted_body_is_one_statement() -> None:
    script = (
        "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.a := 1; RETURN NEW; END; $body$"
        " LANGUAGE plpgsql;\nCREATE TABLE t (a INT);"
    )
    found = migrations.statements(script, "postgres")
    assert len(found) == 2 and found[0].endswith("LANGUAGE plpgsql")


def test_an_sqlite_trigger_body_is_one_statement() -> None:
    script = (
        "CREATE TRIGGER t_a AFTER INSERT ON t BEGIN UPDATE t SET a = 1; DELETE FROM u; END;\n"
        "CREATE TABLE v (a INT);"
    )
    found = migrations.statements(script, "sqlite")
    assert len(found) == 2 and found[0].endswith("END")


def test_every_shipped_migration_splits_the_same_on_both_dialects() -> None:
    """The two folders hold the same numbered files, with as many statements each."""
    assert migrations.names("sqlite") == migrations.names("postgres")
    for name in migrations.names("sqlite"):
        counts = [len(migrations.statements(migrations.script(d, name), d)) for d in ("sqlite", "postgres")]
        assert counts[0] == counts[1] > 0, name


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LRS_DATABASE_URL", database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    return database_url


def test_lrs_migrate_names_the_migrations_it_applied(
    services: Services, env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store without the audit chain's migration gets it, and `lrs migrate` says so
    (the migration record is put back by the run itself)."""
    execute(services, "DROP TABLE lrs_audit_chain",
            ("DELETE FROM lrs_migration WHERE name = ?", ("0007_audit_chain.sql",)))
    assert services.store.db.pending_migrations() == ["0007_audit_chain.sql"]
    assert main(["migrate"]) == 0
    assert "migrations applied (1):\n  0007_audit_chain.sql\n" in capsys.readouterr().out
    assert services.store.db.pending_migrations() == []
