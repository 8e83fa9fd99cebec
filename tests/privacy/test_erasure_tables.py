"""After an erasure on a store whose events are plaintext (made before encryption; issue 19
point 7), the person is in no derived table: their address, name and response text remain
only in the events table, the one copy the append-only log keeps (docs/PRIVACY.md)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import XAPIClient
from tests.factories import agent, statement
from tests.http.support import post_statements

ADA = agent("Ada Lovelace-Mentee", "ada.erasable@example.com")
BOB = agent("Bob Mentee", "bob@example.com")
RESPONSE = "my secret reflection about the mentor"
EVENTS = {"lrs_events", "stored_events"}


def _every_table(app: Any) -> dict[str, str]:
    """Each table's rows as one text, every table but the events'."""
    db = app.extensions["lrs"].store.db
    with db.read() as cur:
        if db.dialect.name == "sqlite":
            names = [r["name"] for r in cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        else:
            names = [r["tablename"] for r in cur.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        return {name: json.dumps([dict(r) for r in cur.execute(f'SELECT * FROM "{name}"').fetchall()],
                                 default=str)
                for name in names if name not in EVENTS}


def test_no_derived_table_names_the_erased_person(client: XAPIClient, app: Any, project: Any) -> None:
    post_statements(client,
                    statement(actor=ADA, result={"response": RESPONSE}),
                    statement(actor=BOB, context={"instructor": ADA}))
    state = {"activityId": "https://lrs.example.org/activities/a", "agent": json.dumps(ADA), "stateId": "s"}
    assert client.put("/xapi/activities/state", query_string=state, json={"note": RESPONSE}).status_code == 204
    project()
    before = _every_table(app)
    assert any(ADA["mbox"] in text for text in before.values())  # the test sees the tables
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    admin = XAPIClient(app.test_client(), credential.key, secret)
    assert admin.post("/admin/erasures", json={"agent": {"mbox": ADA["mbox"]}}).status_code == 202
    project()
    for table, text in _every_table(app).items():
        for secret_text in (ADA["mbox"], "ada.erasable", ADA["name"], RESPONSE):
            assert secret_text not in text, (table, secret_text)
