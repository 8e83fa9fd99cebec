"""SQL injection through every query parameter of GET /xapi/statements and of the
document resources, on both stores: every value is a bound parameter, so each
attempt is answered 200 (matching nothing) or 400, never 500, and the index and
tables are intact afterwards (issue 12: hostile input)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from lrs.credentials import ADMIN
from tests import factories
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, event_count, ids_of, post_statements

PAYLOADS = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "'; DROP TABLE xapi_statement; --",
    "'); DELETE FROM lrs_events; --",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "x' UNION SELECT notification_id, originator_id FROM lrs_events --",
    "%' OR key LIKE '%",
    "\\'; TRUNCATE lrs_credential; --",
    "1 OR 1=1",
    "' || (SELECT string_agg(secret_hash, ',') FROM lrs_credential) || '",
]

STATEMENT_PARAMETERS = [
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
    "related_activities", "related_agents", "since", "until", "limit", "format",
    "attachments", "ascending", "more",
]

DOCUMENTS = {
    "/xapi/activities/state": ["activityId", "agent", "registration", "stateId", "since"],
    "/xapi/activities/profile": ["activityId", "profileId", "since"],
    "/xapi/agents/profile": ["agent", "profileId", "since"],
}
DOCUMENT_BASE = {
    "activityId": "http://example.org/activities/injection",
    "agent": json.dumps({"mbox": "mailto:ada@example.org"}),
}


def _values(payload: str) -> list[str]:
    """The payload as it is, inside an IRI, and inside an Agent's identifier."""
    return [
        payload,
        "http://example.org/" + payload,
        json.dumps({"mbox": f"mailto:{payload}@example.org"}),
        json.dumps({"account": {"homePage": "http://example.org", "name": payload}}),
    ]


def _table_counts(app: Flask) -> dict[str, int]:
    """Rows of the event store and of every table the LRS's own migrations create."""
    store = app.extensions["lrs"].store
    tables = [store.recorder.events_table_name, "xapi_statement", "xapi_statement_key",
              "lrs_credential", "xapi_document", "xapi_activity_definition", "xapi_agent",
              "xapi_attachment", "lrs_migration"]
    with store.db.read() as cur:
        return {table: int(cur.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"])
                for table in tables}


@pytest.fixture
def seeded(app: Flask, client: XAPIClient) -> dict[str, Any]:
    """Three statements and one State document, and what the store holds then."""
    statements = [factories.statement() for _ in range(3)]
    post_statements(client, *statements)
    stored = client.put("/xapi/activities/state", query_string={**DOCUMENT_BASE, "stateId": "seed"},
                        data=b'{"kept": true}', headers={"Content-Type": "application/json"})
    assert stored.status_code == 204
    app.extensions["lrs"].credentials.create(role="admin")  # a secret hash to steal
    assert ADMIN
    return {"ids": [s["id"] for s in statements], "counts": _table_counts(app)}


def _intact(app: Flask, client: XAPIClient, seeded: dict[str, Any]) -> None:
    assert _table_counts(app) == seeded["counts"]
    page = client.get(STATEMENTS, query_string={"ascending": "true"}).get_json()
    assert ids_of(page) == seeded["ids"]
    document = client.get("/xapi/activities/state", query_string={**DOCUMENT_BASE, "stateId": "seed"})
    assert document.get_json() == {"kept": True}


@pytest.mark.parametrize("parameter", STATEMENT_PARAMETERS)
def test_statement_query_parameter_injection_matches_nothing_and_changes_nothing(
    app: Flask, client: XAPIClient, seeded: dict[str, Any], parameter: str
) -> None:
    for payload in PAYLOADS:
        for value in _values(payload):
            response = client.get(STATEMENTS, query_string={parameter: value})
            assert response.status_code in (200, 400), (parameter, value, response.get_json())
            if response.status_code == 200 and parameter not in ("format", "attachments", "ascending"):
                assert ids_of(response.get_json()) == [], (parameter, value)
    _intact(app, client, seeded)


@pytest.mark.parametrize("resource", sorted(DOCUMENTS))
def test_document_parameter_injection_is_only_ever_data(
    app: Flask, client: XAPIClient, seeded: dict[str, Any], resource: str
) -> None:
    """Communication 2.2-2.7: an id is an opaque string; a hostile one is stored and found
    under exactly that id, and reaches nothing else."""
    id_name = "stateId" if resource.endswith("state") else "profileId"
    base = {k: v for k, v in DOCUMENT_BASE.items() if k in DOCUMENTS[resource]}
    written = 0
    for payload in PAYLOADS:
        for parameter in DOCUMENTS[resource]:
            for value in _values(payload):
                response = client.get(resource, query_string={**base, id_name: "seed", parameter: value})
                assert response.status_code in (200, 400, 404), (parameter, value, response.get_json())
        # The payload as a document id: stored as data, read back as exactly that document.
        address = {**base, id_name: payload}
        put = client.put(resource, query_string=address, data=payload.encode(),
                         headers={"Content-Type": "text/plain", "If-None-Match": "*"})
        assert put.status_code == 204, put.get_json()
        written += 1
        assert client.get(resource, query_string=address).get_data() == payload.encode()
    listed = client.get(resource, query_string=base)
    assert sorted(listed.get_json()) == sorted({"seed", *PAYLOADS} if resource.endswith("state") else PAYLOADS)
    assert event_count(app) == seeded["counts"][app.extensions["lrs"].store.recorder.events_table_name] \
        + written
    page = client.get(STATEMENTS, query_string={"ascending": "true"}).get_json()
    assert ids_of(page) == seeded["ids"]
    document = client.get("/xapi/activities/state", query_string={**DOCUMENT_BASE, "stateId": "seed"})
    assert document.get_json() == {"kept": True}
