"""The Statement resource under xAPI 2.0.0 rules (IEEE 9274.1.1 4.1.6.1, 4.2).

Each test names the section of 9274.1.1 or the item of the 2.0 notes
(`shared/spec/xapi-2.0-NOTES.md`) it checks; what both versions share runs
under both in the other statement modules.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

import orjson
import pytest

from tests import factories as f
from tests.http.support import (
    STATEMENTS,
    errors_of,
    event_count,
    get_statement,
    ids_of,
    pause,
    post_statements,
    query,
    query_ids,
    stored_statement,
)
from xapi.prepare import parse_timestamp

VERSION = "X-Experience-API-Version"
MENTOR_ROLE = "https://lrs.example.org/types/mentor"
PEER = f.agent("Alan Peer")
COACH = f.agent("Joan Coach")


@pytest.fixture
def xapi_version() -> str:
    return "2.0.0"


def context_agent(agent: dict[str, Any], *types: str) -> dict[str, Any]:
    item: dict[str, Any] = {"objectType": "contextAgent", "agent": agent}
    if types:
        item["relevantTypes"] = list(types)
    return item


def context_group(group: dict[str, Any]) -> dict[str, Any]:
    return {"objectType": "contextGroup", "group": group, "relevantTypes": [MENTOR_ROLE]}


def with_context_agents(**overrides: Any) -> dict[str, Any]:
    statement = f.statement(**overrides)
    statement["context"]["contextAgents"] = [context_agent(COACH, MENTOR_ROLE)]
    statement["context"]["contextGroups"] = [context_group(f.group(members=[PEER]))]
    return statement


# --------------------------------------------------- context agents and groups (4.2.2.5)


def test_v2_statements_context_agents_and_groups_are_stored_and_returned(client):
    """9274.1.1 4.2.2.5: contextAgents and contextGroups are accepted and kept."""
    statement = with_context_agents()
    post_statements(client, statement)
    context = stored_statement(client, statement["id"])["context"]
    assert context["contextAgents"] == statement["context"]["contextAgents"]
    assert context["contextGroups"] == statement["context"]["contextGroups"]


def test_v2_statements_context_agents_in_a_substatement_are_stored(client):
    """9274.1.1 4.2.2.5: a SubStatement's context may hold them too."""
    sub = f.substatement(context={"contextAgents": [context_agent(PEER)]})
    statement = f.statement(object=sub)
    del statement["context"]["platform"]
    post_statements(client, statement)
    stored = stored_statement(client, statement["id"])
    assert stored["object"]["context"]["contextAgents"] == [context_agent(PEER)]


@pytest.mark.parametrize(
    "item",
    [
        {"objectType": "contextagent", "agent": f.agent()},
        {"objectType": "contextAgent", "agent": {"key": "value"}},
        {"objectType": "contextAgent", "agent": f.agent(), "relevantTypes": []},
        {"objectType": "contextAgent", "agent": f.agent(), "relevantTypes": ["abc"]},
    ],
)
def test_v2_statements_invalid_context_agents_are_a_400(client, app, item):
    """9274.1.1 4.2.2.5 (CTS contextagents.js): wrong objectType, invalid Agent, empty or
    non-IRI relevantTypes are each a 400, and nothing is stored."""
    statement = f.statement()
    statement["context"]["contextAgents"] = [item]
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 400
    assert all(path.startswith("context.contextAgents[0]") for path, _ in errors_of(response))
    assert event_count(app) == 0


def test_v2_statements_related_agents_matches_a_context_agent(client):
    """9274.1.1 4.1.6.1 related_agents (notes item 22): contextAgents[].agent is related."""
    statement = with_context_agents()
    post_statements(client, statement, f.statement())
    assert query_ids(client, agent=COACH, related_agents=True) == [statement["id"]]
    assert query_ids(client, agent=COACH) == []


def test_v2_statements_related_agents_matches_a_context_group_and_its_members(client):
    """Notes item 22: contextGroups[].group and its members are related agents."""
    statement = with_context_agents()
    post_statements(client, statement)
    assert query_ids(client, agent=PEER, related_agents=True) == [statement["id"]]


def test_v2_statements_related_agents_matches_a_substatement_context_agent(client):
    """Notes item 22: "including inside SubStatements"."""
    sub = f.substatement(context={"contextGroups": [context_group(f.group(account_name="circle"))]})
    statement = f.statement(object=sub)
    del statement["context"]["platform"]
    post_statements(client, statement)
    circle = f.group(account_name="circle")
    del circle["member"]
    assert query_ids(client, agent=circle, related_agents=True) == [statement["id"]]


def test_v1_statements_context_agents_are_a_400_under_1_0_3(client, app):
    """Data 2.4.6 (1.0.3): contextAgents is not a property of 1.0.3 (notes item 5)."""
    response = client.post(STATEMENTS, json=with_context_agents(), headers={VERSION: "1.0.3"})
    assert response.status_code == 400
    assert ("context.contextAgents", "unknown-property") in errors_of(response)
    assert event_count(app) == 0


# ------------------------------------------------------------- validation (4.2.1)


def test_v2_statements_an_undefined_property_is_a_400(client, app):
    """9274.1.1 4.2.1 (notes item 10, CTS 4.1.6.1): a top-level "dummy" is refused."""
    response = client.post(STATEMENTS, json=f.statement(dummy="x"))
    assert response.status_code == 400
    assert errors_of(response) == [("dummy", "unknown-property")]


def test_v2_statements_a_batch_with_a_repeated_id_is_a_400(client, app):
    """9274.1.1 4.1.6.1 (notes item 18, ChangeLog s37): two statements, one id: 400."""
    first = f.statement()
    response = client.post(STATEMENTS, json=[first, f.statement(id=first["id"])])
    assert response.status_code == 400
    assert errors_of(response) == [("[1].id", "duplicate-statement-id")]
    assert event_count(app) == 0


# ------------------------------------------------------------------- version (4.2.4.3)


def test_v2_statements_version_defaults_to_2_0_0(client):
    """9274.1.1 4.2.4.3: "If not provided, the LRS shall set the version to 2.0.0"."""
    statement = f.statement()
    post_statements(client, statement)
    assert stored_statement(client, statement["id"])["version"] == "2.0.0"


@pytest.mark.parametrize("version", ["2.0.0", "1.0.3", "1.0"])
def test_v2_statements_keep_the_version_they_were_sent_with(client, version):
    """9274.1.1 4.2.4.3 (CTS XAPI-00332: 2.0.0 round-trips; XAPI-00101: 1.0.x accepted)."""
    statement = f.statement(version=version)
    post_statements(client, statement)
    assert stored_statement(client, statement["id"])["version"] == version


@pytest.mark.parametrize("version", ["1.1.0", "0.9.9", "should fail"])
def test_v2_statements_refuse_other_versions(client, version):
    """CTS XAPI-00101 (notes item 8)."""
    response = client.post(STATEMENTS, json=f.statement(version=version))
    assert response.status_code == 400
    assert errors_of(response) == [("version", "statement-version")]


# ---------------------------------------------------------------- timestamps (4.2.7)


def test_v2_statements_timestamp_with_an_offset_is_stored_in_utc(client):
    """9274.1.1 4.2.7 (notes item 11): "the LRS shall convert" to UTC (CTS: -05:00 -> 17:00Z)."""
    statement = f.statement(timestamp="2023-05-04T12:00:00-05:00")
    post_statements(client, statement)
    assert stored_statement(client, statement["id"])["timestamp"] == "2023-05-04T17:00:00.000Z"


def test_v2_statements_rfc3339_zero_offset_is_accepted(client):
    """Notes item 11 (CTS timestamps.js): "+00:00" is a 200."""
    statement = f.statement(timestamp="2008-09-15T15:53:00.601+00:00")
    post_statements(client, statement)
    assert stored_statement(client, statement["id"])["timestamp"] == "2008-09-15T15:53:00.601Z"


def test_v2_statements_future_timestamps_are_accepted(client):
    """Notes item 11: never reject future timestamps (CTS: +5 years)."""
    post_statements(client, f.statement(timestamp="2031-11-03T10:15:00.000Z"))


def test_v2_statements_timestamp_defaults_to_stored(client):
    """9274.1.1 4.2.4.2 (notes item 12, ChangeLog s11): absent timestamp = stored."""
    statement = f.statement()
    del statement["timestamp"]
    post_statements(client, statement)
    stored = stored_statement(client, statement["id"])
    assert stored["timestamp"] == stored["stored"]


def test_v2_statements_a_null_timestamp_is_a_400(client):
    """9274.1.1 4.2.1: null is not a value (notes item 12: don't accept it)."""
    response = client.post(STATEMENTS, json=f.statement(timestamp=None))
    assert response.status_code == 400


# ----------------------------------------------------------------- durations (4.2.7)


def test_v2_statements_duration_is_stored_truncated_to_0_01_s(client):
    """9274.1.1 4.2.7 (notes item 13, CTS): accepted, and stored truncated (0.12, never 0.13)."""
    statement = f.statement()
    statement["result"]["duration"] = "P1DT12H36M0.12567S"
    post_statements(client, statement)
    assert stored_statement(client, statement["id"])["result"]["duration"] == "P1DT12H36M0.12S"


def test_v2_statements_durations_equal_to_0_01_s_are_the_same_statement(client):
    """9274.1.1 4.2 Statement Immutability (notes item 16): duplicate-id comparison
    ignores digits past 0.01 s."""
    statement = f.statement()
    statement["result"]["duration"] = "PT0.12S"
    post_statements(client, statement)
    again = {**statement, "result": {**statement["result"], "duration": "PT0.1237S"}}
    response = client.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=again)
    assert response.status_code == 204
    other = {**statement, "result": {**statement["result"], "duration": "PT0.13S"}}
    response = client.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=other)
    assert response.status_code == 409


def test_v2_statements_signature_check_ignores_duration_digits_past_0_01_s(client):
    """Notes item 13 (CTS): a statement signed with 0.12S and posted with 0.1237S is a 200."""
    signer = f.signing_identity()
    statement = f.statement()
    statement["result"]["duration"] = "PT0.12S"
    signature = f.jws(orjson.dumps(statement), signer)
    sent = {**statement, "result": {**statement["result"], "duration": "PT0.1237S"}}
    signed = f.signed(sent, signature)
    response = client.post(
        STATEMENTS, **f.multipart_request(signed, f.part(signature, "application/octet-stream"))
    )
    assert response.status_code == 200, response.get_json()


# ------------------------------------------------------------------ voiding (4.2.5)


def test_v2_statements_voiding_an_unknown_statement_is_accepted(client):
    """9274.1.1 4.2.5 (notes item 15, ChangeLog s58): accept a voiding statement whose
    target the LRS does not have."""
    voiding = f.voiding("8f1e7b2c-7b1d-4c31-9a0e-3b8a7e8c0d11")
    [voiding_id] = post_statements(client, voiding)
    assert get_statement(client, voiding_id).status_code == 200


# ---------------------------------------------------------- Last-Modified (4.1.6.1)


def test_v2_statements_single_get_has_last_modified_of_stored(client):
    """9274.1.1 4.1.6.1 (notes item 19): Last-Modified = the statement's stored, truncated
    to the second (CTS compares after dropping milliseconds)."""
    statement = f.statement()
    post_statements(client, statement)
    response = get_statement(client, statement["id"])
    stored = parse_timestamp(response.get_json()["stored"])
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == stored.replace(microsecond=0)


def test_v2_statements_statement_result_has_last_modified_of_the_newest(client):
    """Notes item 19: a StatementResult's Last-Modified is the latest stored it returns."""
    post_statements(client, f.statement())
    pause()
    post_statements(client, f.statement())
    response = client.get(STATEMENTS)
    newest = max(parse_timestamp(s["stored"]) for s in response.get_json()["statements"])
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == newest.replace(microsecond=0)


# ---------------------------------------------------------------- format=ids (4.1.6.1)


def test_v2_statements_format_ids_reduces_verbs_activities_and_context_agents(client):
    """Notes item 20 (CTS XAPI-00171): Verb and Activity keep only id; Agents and Groups
    only what identifies them, in the context agents and groups too."""
    statement = with_context_agents()
    post_statements(client, statement)
    ids = get_statement(client, statement["id"], format="ids").get_json()
    assert ids["verb"] == {"id": statement["verb"]["id"]}
    assert ids["object"] == {"id": statement["object"]["id"]}
    assert ids["context"]["contextAgents"][0]["agent"] == {"objectType": "Agent", "mbox": COACH["mbox"]}
    assert ids["context"]["contextGroups"][0]["group"] == {
        "objectType": "Group", "member": [{"objectType": "Agent", "mbox": PEER["mbox"]}]}


def test_v2_statements_format_ids_reduces_a_substatement_verb(client):
    """Notes item 20: the SubStatement's Verb too (1 key)."""
    statement = f.statement(object=f.substatement())
    del statement["context"]["platform"]
    post_statements(client, statement)
    ids = get_statement(client, statement["id"], format="ids").get_json()
    assert ids["object"]["verb"] == {"id": f.VERB_ATTENDED}


# ------------------------------------------------------------ multipart (4.1.3)


def test_v2_statements_multipart_with_only_the_statement_part_is_accepted(client):
    """9274.1.1 4.1.3 (notes item 24, ChangeLog s34): no attachment parts, no attachments: 200."""
    statement = f.statement()
    assert client.post(STATEMENTS, **f.multipart_request(statement)).status_code == 200


def test_v2_statements_multipart_with_file_url_attachments_only_is_accepted(client):
    """Notes item 24 (ChangeLog s35): only fileUrl attachments, no parts: 200."""
    statement = f.statement(attachments=[f.attachment()])
    assert client.post(STATEMENTS, **f.multipart_request(statement)).status_code == 200


def test_v2_statements_query_answers_in_2_0_0(client):
    """9274.1.1 4.1.7: the StatementResult response names 2.0.0."""
    post_statements(client, f.statement())
    response = client.get(STATEMENTS)
    assert response.headers[VERSION] == "2.0.0"
    assert len(ids_of(query(client))) == 1
