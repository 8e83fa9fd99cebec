"""Erasure through HTTP on both stores (issue 19 points 2, 3, 7): POST/GET /admin/erasures,
then what every read shows of the erased person."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lrs.privacy.erasure import ERASED_AGENT
from tests.conftest import XAPIClient
from tests.factories import activity, agent, statement, voiding
from tests.http.support import get_statement, post_statements, query, query_ids

ADA = agent("Ada Mentee", "ada@example.com")
GRACE = agent("Grace Mentor", "grace@example.com")
BOB = agent("Bob Mentee", "bob@example.com")
STATE = "/xapi/activities/state"
ACTIVITY = activity()["id"]


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def erase(admin: XAPIClient, who: Any, reason: str = "left the company") -> Any:
    return admin.post("/admin/erasures", json={"agent": who, "reason": reason})


def _state(client: XAPIClient, who: dict[str, Any], method: str = "GET", **kwargs: Any) -> Any:
    params = {"activityId": ACTIVITY, "agent": json.dumps(who), "stateId": "notes"}
    return client.request(method, STATE, query_string=params, **kwargs)


def test_erasure_hides_the_persons_statements_and_anonymises_them_elsewhere(
        client: XAPIClient, admin: XAPIClient) -> None:
    own, taught, other = post_statements(
        client,
        statement(actor=ADA),  # Ada's own: no longer returned
        statement(actor=BOB, context={"instructor": ADA}),  # Ada only instructor: anonymised
        statement(actor=BOB, context={"instructor": GRACE}),  # nothing of Ada
    )
    answer = erase(admin, {"mbox": "mailto:ada@example.com"})
    assert answer.status_code == 202, answer.get_json()
    erasure = answer.get_json()
    assert erasure["created"] and erasure["statements_hidden"] == 1 and erasure["statements_anonymised"] == 1
    assert "ada@" not in json.dumps(erasure) and "Ada" not in json.dumps(erasure)  # (hex may hold "ada")

    # Communication 2.1.3: no query returns Ada's statement, by id or by filter
    assert get_statement(client, own).status_code == 404
    assert set(query_ids(client)) == {taught, other}
    # an agent-filtered query for her returns nothing, related or not
    assert query_ids(client, agent=ADA) == []
    assert query_ids(client, agent=ADA, related_agents=True) == []
    shown = get_statement(client, taught).get_json()
    assert shown["context"]["instructor"] == ERASED_AGENT
    assert shown["actor"]["mbox"] == BOB["mbox"]
    assert "ada@example.com" not in json.dumps(query(client))
    # Agents resource (Communication 2.4): nothing known of her any more
    person = client.get("/xapi/agents", query_string={"agent": json.dumps({"mbox": ADA["mbox"]})}).get_json()
    assert person.get("name", []) == []


def test_second_erasure_is_the_same_one_and_the_list_has_no_personal_data(
        client: XAPIClient, admin: XAPIClient) -> None:
    post_statements(client, statement(actor=ADA))
    first = erase(admin, ADA)
    again = erase(admin, {"objectType": "Agent", "mbox": "mailto:ada@example.com"}, "asked twice")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["created"] is False
    listed = admin.get("/admin/erasures")
    assert listed.status_code == 200
    (entry,) = listed.get_json()["erasures"]
    assert entry["id"] == first.get_json()["id"] and entry["reason"] == "left the company"
    assert entry["requested_by"].startswith("credential:") and len(entry["person"]) == 64
    assert "ada@" not in listed.get_data(as_text=True) and "Ada" not in listed.get_data(as_text=True)


def test_erased_persons_documents_answer_404(client: XAPIClient, admin: XAPIClient) -> None:
    assert _state(client, ADA, "PUT", json={"goal": "listen more"}).status_code == 204
    assert _state(client, BOB, "PUT", json={"goal": "speak up"}).status_code == 204
    profile = {"agent": json.dumps(ADA), "profileId": "prefs"}
    # Communication 3.1: a new Agent Profile document needs If-None-Match
    assert client.put("/xapi/agents/profile", query_string=profile, json={"theme": "dark"},
                      headers={"If-None-Match": "*"}).status_code == 204
    answer = erase(admin, ADA)
    assert answer.status_code == 202 and answer.get_json()["documents_deleted"] == 2
    assert _state(client, ADA).status_code == 404
    assert client.get("/xapi/agents/profile", query_string=profile).status_code == 404
    assert _state(client, BOB).status_code == 200


def test_a_voiding_statement_of_the_erased_person_still_voids(client: XAPIClient, admin: XAPIClient) -> None:
    (target,) = post_statements(client, statement(actor=BOB))
    post_statements(client, voiding(target, actor=ADA))
    assert erase(admin, ADA).status_code == 202
    assert get_statement(client, target).status_code == 404
    assert client.get("/xapi/statements", query_string={"voidedStatementId": target}).status_code == 200


def test_unknown_person_is_404_and_a_bad_agent_400_naming_the_field(
        client: XAPIClient, admin: XAPIClient) -> None:
    post_statements(client, statement(actor=BOB))
    unknown = erase(admin, {"mbox": "mailto:nobody@example.com"})
    assert unknown.status_code == 404 and unknown.get_json()["errors"][0]["path"] == "agent"
    bad = erase(admin, {"mbox": "ada@example.com"})
    assert bad.status_code == 400
    assert any(e["path"].startswith("agent.mbox") for e in bad.get_json()["errors"]), bad.get_json()
    missing = admin.post("/admin/erasures", json={"reason": "x"})
    assert missing.status_code == 400 and missing.get_json()["errors"][0]["path"] == "agent"
    extra = admin.post("/admin/erasures", json={"agent": BOB, "why": "x"})
    assert extra.status_code == 400 and extra.get_json()["errors"][0]["path"] == "why"


def test_erasure_needs_the_admin_scope(make_client: Any) -> None:
    writer = make_client(("statements/write", "statements/read"))
    assert writer.post("/admin/erasures", json={"agent": ADA}).status_code == 403
    assert writer.get("/admin/erasures").status_code == 403
