"""Helpers of the audit tests: appends through the store, and SQL straight at the
database, as a DBA (or an attacker with its access) would run it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg

from lrs.services import Services
from tests import factories
from xapi.documents import DocumentKind, Preconditions, parse_document_request
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def record(services: Services, *statements: dict[str, Any]) -> list[str]:
    return services.store.record_statements(list(statements), authority=AUTHORITY, version=V1_0_3)


def put_state(services: Services, state_id: str, content: bytes) -> None:
    """A State document PUT, straight on the store (a `Document` event)."""
    query = {
        "activityId": factories.activity()["id"],
        "agent": '{"mbox": "mailto:ada.mentee@example.org"}',
        "stateId": state_id,
    }
    request = parse_document_request(DocumentKind.STATE, "PUT", {k: [v] for k, v in query.items()})
    services.store.put_document(request.address, content, "application/json", Preconditions())


def events_table(services: Services) -> str:
    return str(services.store.recorder.events_table_name)


def position_column(services: Services) -> str:
    return "rowid" if services.settings.dialect == "sqlite" else "notification_id"


def execute(services: Services, *statements: str | tuple[str, Sequence[Any]]) -> None:
    """Run SQL on a connection of its own, outside the LRS, and commit.
    ``?`` placeholders on both dialects."""
    url = services.settings.resolved_database_url
    if services.settings.dialect == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, ())
                connection.execute(sql, tuple(params))
            connection.commit()
        finally:
            connection.close()
        return
    with psycopg.connect(url, autocommit=False) as connection:
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, ())
            connection.execute(sql.replace("?", "%s"), tuple(params))
        connection.commit()


def query(services: Services, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    url = services.settings.resolved_database_url
    if services.settings.dialect == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return [tuple(r) for r in connection.execute(sql, tuple(params)).fetchall()]
        finally:
            connection.close()
    with psycopg.connect(url) as connection:
        return [tuple(r) for r in connection.execute(sql.replace("?", "%s"), tuple(params)).fetchall()]


def positions(services: Services) -> list[int]:
    column = position_column(services)
    return [r[0] for r in query(services, f"SELECT {column} FROM {events_table(services)} ORDER BY {column}")]
