"""State and Agent Profile documents sealed per person (issue 19 point 1), on both stores:
their events keep the Agent and the content encrypted under the person's key, the
current-document table keeps the person id; every read (GET, a replay, the audit feed)
gives the document back as written; after an erasure a rebuild does not bring it back
and a replay of it is empty; a store made before encryption has its table rekeyed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lrs.audit.auditor import Audit
from lrs.store.rebuilds import REKEY_PENDING, rebuild_documents, rekey_index
from tests.audit.http_support import auditor, feed
from tests.conftest import XAPIClient
from tests.factories import activity, agent
from xapi.documents import DocumentAddress, DocumentKind, DocumentScope
from xapi.identifiers import agent_key

ADA = agent("Ada Docwriter", "ada.documents@example.com")
BOB = agent("Bob Keeper", "bob.documents@example.com")
ACTIVITY = activity()["id"]
STATE = "/xapi/activities/state"
PROFILE = "/xapi/agents/profile"
NOTE = "Quetzalcoatl notes that only Ada wrote"


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def _state(client: XAPIClient, who: dict[str, Any], method: str = "GET", state_id: str = "notes",
           **kwargs: Any) -> Any:
    params = {"activityId": ACTIVITY, "agent": json.dumps(who), "stateId": state_id}
    return client.request(method, STATE, query_string=params, **kwargs)


def _events(app: Any) -> str:
    store = app.extensions["lrs"].store
    with store.db.read() as cur:
        rows = cur.execute(f"SELECT state FROM {store.event_log.table}").fetchall()
    return "\n".join(bytes(r["state"]).decode("utf-8") for r in rows)


def _document_states(app: Any) -> list[dict[str, Any]]:
    """The stored state of every document event that carries content, as its bytes say."""
    store = app.extensions["lrs"].store
    with store.db.read() as cur:
        rows = cur.execute(f"SELECT topic, state FROM {store.event_log.table}").fetchall()
    return [json.loads(bytes(r["state"])) for r in rows
            if r["topic"].startswith("lrs.documents:") and "content" in json.loads(bytes(r["state"]))]


def _table(app: Any) -> list[dict[str, Any]]:
    with app.extensions["lrs"].store.db.read() as cur:
        return [dict(r) for r in cur.execute("SELECT agent_key, content FROM xapi_document").fetchall()]


def _address(who: dict[str, Any], state_id: str = "notes") -> DocumentAddress:
    scope = DocumentScope(DocumentKind.STATE, ACTIVITY, who, agent_key(who), None)
    return DocumentAddress(scope, state_id)


def _write_ada_documents(client: XAPIClient) -> None:
    assert _state(client, ADA, "PUT", json={"note": NOTE}).status_code == 204
    assert _state(client, ADA, "POST", json={"mood": "curious"}).status_code == 204  # Merged
    # Communication 3.1: a new Agent Profile document needs If-None-Match
    assert client.put(PROFILE, query_string={"agent": json.dumps(ADA), "profileId": "prefs"},
                      json={"theme": NOTE}, headers={"If-None-Match": "*"}).status_code == 204


def test_document_events_hold_neither_the_agent_nor_the_content(client: XAPIClient, app: Any) -> None:
    _write_ada_documents(client)
    events = _events(app)
    for secret in ("ada.documents", "Docwriter"):
        assert secret not in events, secret
    states = _document_states(app)
    assert len(states) == 3  # Created, Merged, Created
    assert all(state["content"].startswith("sealed:1:") for state in states)
    created = [state for state in states if "agent" in state]
    assert len(created) == 2 and all(set(state["agent"]) == {"sealed", "person"} for state in created)


def test_every_read_gives_the_document_as_written(client: XAPIClient, app: Any) -> None:
    _write_ada_documents(client)
    assert _state(client, ADA).get_json() == {"note": NOTE, "mood": "curious"}
    profile = client.get(PROFILE, query_string={"agent": json.dumps(ADA), "profileId": "prefs"})
    assert profile.get_json() == {"theme": NOTE}
    replayed = app.extensions["lrs"].store.queries.replay_document(_address(ADA))
    assert replayed is not None and json.loads(replayed.content) == {"note": NOTE, "mood": "curious"}


def test_the_document_table_keeps_person_ids_and_scope_queries_find_them(client: XAPIClient, app: Any) -> None:
    _write_ada_documents(client)
    assert _state(client, ADA, "PUT", state_id="second", json={"n": 2}).status_code == 204
    keys = {row["agent_key"] for row in _table(app)}
    assert all("ada.documents" not in key for key in keys)
    person = app.extensions["lrs"].keyring.person_id(ADA)
    assert person in keys
    listed = client.get(STATE, query_string={"activityId": ACTIVITY, "agent": json.dumps(ADA)})
    assert sorted(listed.get_json()) == ["notes", "second"]
    # Communication 2.3: a DELETE of the scope deletes them all
    scope = {"activityId": ACTIVITY, "agent": json.dumps(ADA)}
    assert client.request("DELETE", STATE, query_string=scope).status_code == 204
    assert _state(client, ADA).status_code == 404


def test_the_audit_feed_shows_document_events_opened(client: XAPIClient, make_client: Any) -> None:
    _write_ada_documents(client)
    reader = auditor(make_client)
    lines = [e for e in feed(reader) if e["type"].startswith("document.")]
    assert lines and all(e["document"]["agent_key"] == agent_key(ADA) for e in lines)
    merged = next(e for e in lines if e["type"] == "document.merged")
    # Not the Created event in the page: the address comes from the log, not the table
    (first, *_) = feed(reader, after=merged["position"] - 1)
    assert first["document"] == merged["document"]


def test_after_erasure_a_rebuild_leaves_the_documents_out_and_a_replay_is_empty(
        client: XAPIClient, app: Any, admin: XAPIClient) -> None:
    _write_ada_documents(client)
    assert _state(client, BOB, "PUT", json={"note": "Bob's"}).status_code == 204
    assert admin.post("/admin/erasures", json={"agent": {"mbox": ADA["mbox"]}}).status_code == 202
    services = app.extensions["lrs"]
    assert rebuild_documents(services.store, skip=services.erasures.skips_document()) == 1
    assert _state(client, ADA).status_code == 404
    assert _state(client, BOB).get_json() == {"note": "Bob's"}
    replayed = services.store.queries.replay_document(_address(ADA))
    assert replayed is not None and replayed.content == b""
    assert Audit(services.store, services.settings).verify().ok


def test_a_store_made_before_encryption_has_its_documents_rekeyed(
        client: XAPIClient, app: Any, admin: XAPIClient) -> None:
    services = app.extensions["lrs"]
    sealing = services.store.sealing
    services.store.attach_sealing(None)  # as the LRS stored them before this change
    assert _state(client, ADA, "PUT", json={"note": NOTE}).status_code == 204
    [plain] = _document_states(app)
    assert plain["agent"] == ADA and agent_key(ADA) in {r["agent_key"] for r in _table(app)}
    services.store.attach_sealing(sealing)
    with services.store.db.transaction(commit=True) as cur:  # what migration 0016 leaves
        cur.execute("INSERT INTO lrs_rebuild_pending (name, marked_at) VALUES (?, 'now')", (REKEY_PENDING,))
    assert rekey_index(services.store)
    assert {r["agent_key"] for r in _table(app)} == {services.keyring.person_id(ADA)}
    assert _state(client, ADA).get_json() == {"note": NOTE}  # the plaintext event still reads
    assert _state(client, ADA, "POST", json={"more": 1}).status_code == 204
    assert _state(client, ADA).get_json() == {"note": NOTE, "more": 1}
    assert admin.post("/admin/erasures", json={"agent": {"mbox": ADA["mbox"]}}).get_json()["documents_deleted"] == 1
    assert _state(client, ADA).status_code == 404
