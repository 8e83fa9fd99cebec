"""Personal data of stored statements encrypted per person (issue 19 point 1), on both
stores: the events' bytes and the index hold no identifier, name or response; every read
gives the statement back as posted; queries by agent find people by their person id;
erasure destroys the key and reads then hide or anonymise; the audit chain still
verifies; a store made before encryption (plaintext events) still reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lrs.audit.auditor import Audit
from lrs.privacy.erasure import ERASED_AGENT
from lrs.store.rebuilds import REKEY_PENDING, rekey_index
from tests.conftest import XAPIClient
from tests.factories import account_agent, activity, agent, group, statement, substatement
from tests.http.support import get_statement, post_statements, query, query_ids

ADA = agent("Ada Secretname", "ada.sealed@example.com")
GRACE = agent("Grace Mentorname", "grace.sealed@example.com")
BOB = agent("Bob Membername", "bob.sealed@example.com")
LIN = account_agent("lin-account-77", "https://lms.example.org")
RESPONSE = "my private reflection on the session"
SECRETS = ("ada.sealed", "Secretname", "grace.sealed", "Mentorname", "bob.sealed", "Membername",
           "lin-account-77", RESPONSE)


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def _everyone(**overrides: Any) -> dict[str, Any]:
    """A statement naming a person in each place: actor, instructor, team members, SubStatement."""
    return statement(
        actor=ADA,
        result={"response": RESPONSE, "success": True},
        context={"instructor": GRACE, "team": group("Pair", [BOB, LIN])},
        **overrides,
    )


def _raw(app: Any, sql: str) -> str:
    store = app.extensions["lrs"].store
    with store.db.read() as cur:
        rows = cur.execute(sql).fetchall()
    return "\n".join(bytes(r["state"]).decode("utf-8") if "state" in r.keys() else json.dumps(dict(r))
                     for r in rows)


def _events(app: Any) -> str:
    return _raw(app, f"SELECT state FROM {app.extensions['lrs'].store.event_log.table}")


def _index(app: Any) -> str:
    return _raw(app, "SELECT * FROM xapi_statement_key") + _raw(app, "SELECT * FROM xapi_statement")


def _posted_part(stored: dict[str, Any], posted: dict[str, Any]) -> dict[str, Any]:
    return {name: stored[name] for name in posted}


def test_stored_event_bytes_hold_no_identifier_name_or_response(client: XAPIClient, app: Any) -> None:
    sub = substatement(actor=BOB)
    post_statements(client, _everyone(), statement(actor=GRACE, object=sub, context={}),
                    statement(actor=BOB, object=LIN, context={}))
    events = _events(app)
    assert '"sealed"' in events  # the test reads the statements' events
    for text in (*SECRETS, "mailto:"):
        assert text not in events, text


def test_the_index_keeps_person_ids_not_identifiers(client: XAPIClient, app: Any) -> None:
    post_statements(client, _everyone())
    index = _index(app)
    for text in (*SECRETS, "mailto:", "lms.example.org"):
        assert text not in index, text
    person = app.extensions["lrs"].keyring.person_id(ADA)
    assert person in index


def test_every_read_returns_the_statement_as_posted(client: XAPIClient) -> None:
    posted = _everyone()
    with_sub = statement(actor=GRACE, object=substatement(actor=BOB, result={"response": RESPONSE}),
                         context={"instructor": LIN})
    ids = post_statements(client, posted, with_sub)
    for statement_id, sent in zip(ids, (posted, with_sub), strict=True):
        shown = get_statement(client, statement_id, format="exact").get_json()
        assert _posted_part(shown, sent) == sent
        canonical = get_statement(client, statement_id, format="canonical").get_json()
        assert canonical["actor"] == sent["actor"] and canonical.get("result") == sent.get("result")
        assert canonical["context"]["instructor"] == sent["context"]["instructor"]
        ids_only = get_statement(client, statement_id, format="ids").get_json()
        assert ids_only["actor"] == {"objectType": "Agent", "mbox": sent["actor"]["mbox"]}
    listed = query(client, format="exact")["statements"]
    assert [_posted_part(s, sent) for s, sent in zip(listed, (with_sub, posted), strict=True)] == \
        [with_sub, posted]


def test_a_query_by_agent_finds_the_persons_statements(client: XAPIClient) -> None:
    # Communication 2.1.3: agent, related_agents
    mine, taught, other = post_statements(client, _everyone(), statement(actor=BOB, context={"instructor": ADA}),
                                          statement(actor=GRACE))
    assert query_ids(client, agent=ADA) == [mine]
    assert set(query_ids(client, agent=ADA, related_agents=True)) == {mine, taught}
    assert set(query_ids(client, agent=LIN, related_agents=True)) == {mine}
    assert query_ids(client, agent=GRACE) == [other]


def test_erasure_destroys_the_key_and_reads_hide_or_anonymise(
        client: XAPIClient, admin: XAPIClient, app: Any) -> None:
    mine, taught = post_statements(client, _everyone(), statement(actor=BOB, context={"instructor": ADA}))
    before = _events(app)
    answer = admin.post("/admin/erasures", json={"agent": {"mbox": ADA["mbox"]}})
    assert answer.status_code == 202, answer.get_json()
    assert answer.get_json()["key_destroyed"] and answer.get_json()["statements_hidden"] == 1
    assert answer.get_json()["statements_anonymised"] == 1
    assert get_statement(client, mine).status_code == 404
    assert get_statement(client, taught).get_json()["context"]["instructor"] == ERASED_AGENT
    assert query_ids(client, agent=ADA, related_agents=True) == []
    assert query_ids(client) == [taught]
    # the stored events are the same bytes (one more: the erasure's), so the chain verifies
    assert _events(app).startswith(before)
    assert Audit(app.extensions["lrs"].store, app.extensions["lrs"].settings).verify().ok


def test_audit_verify_passes_over_sealed_events(client: XAPIClient, app: Any) -> None:
    post_statements(client, _everyone(), statement(actor=BOB))
    services = app.extensions["lrs"]
    result = Audit(services.store, services.settings).verify()
    assert result.ok and result.checked >= 2


def test_a_store_made_before_encryption_still_reads(client: XAPIClient, admin: XAPIClient, app: Any) -> None:
    services = app.extensions["lrs"]
    sealing = services.store.sealing
    services.store.attach_sealing(None)  # as the LRS stored them before this change
    posted = _everyone()
    old, taught = post_statements(client, posted, statement(actor=BOB, context={"instructor": ADA}))
    assert ADA["mbox"] in _events(app) and ADA["mbox"] in _index(app)
    services.store.attach_sealing(sealing)
    with services.store.db.transaction(commit=True) as cur:  # what migration 0016 leaves
        cur.execute("INSERT INTO lrs_rebuild_pending (name, marked_at) VALUES (?, 'now')", (REKEY_PENDING,))
    assert rekey_index(services.store)  # what the next start does
    assert not rekey_index(services.store)
    assert ADA["mbox"] not in _index(app)
    new = post_statements(client, statement(actor=ADA))[0]
    assert _posted_part(get_statement(client, old, format="exact").get_json(), posted) == posted
    assert set(query_ids(client, agent=ADA)) == {old, new}
    assert admin.post("/admin/erasures", json={"agent": {"mbox": ADA["mbox"]}}).status_code == 202
    assert query_ids(client) == [taught]
    assert get_statement(client, taught).get_json()["context"]["instructor"] == ERASED_AGENT
    assert Audit(services.store, services.settings).verify().ok


def test_a_new_store_starts_with_nothing_to_rekey(app: Any) -> None:
    with app.extensions["lrs"].store.db.read() as cur:
        assert cur.execute("SELECT name FROM lrs_rebuild_pending").fetchall() == []


def test_an_activity_object_named_like_a_person_is_not_sealed(client: XAPIClient, app: Any) -> None:
    # Only persons' values are personal: the Activity's id stays plain, so it is found by activity
    [sid] = post_statements(client, statement(actor=ADA, object=activity("sealed/topic")))
    assert "sealed/topic" in _events(app)
    assert query_ids(client, activity=activity("sealed/topic")["id"]) == [sid]
