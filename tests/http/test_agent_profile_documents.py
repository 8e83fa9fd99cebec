"""The Agent Profile resource (Communication 2.6) and its concurrency rules (3.1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests import factories as f
from tests.http.document_support import (
    ADA,
    AGENT_PROFILE,
    GRACE,
    agent_profile_params,
    create,
    document_json,
    errors_of,
    post_json,
    put_json,
)
from xapi.prepare import format_timestamp


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def test_agent_profile_put_then_get_returns_the_document(client):
    # Communication 2.6 single document: PUT 204, GET 200 with the document
    response = put_json(
        client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences(), if_none_match="*"
    )
    assert response.status_code == 204
    assert document_json(client, AGENT_PROFILE, agent_profile_params()) == f.mentee_preferences()


def test_agent_profile_get_has_a_quoted_sha1_etag(client):
    # Communication 3.1: the ETag is the quoted SHA-1 hex of the contents
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = client.get(AGENT_PROFILE, query_string=agent_profile_params())
    etag = response.headers["ETag"]
    assert etag[0] == etag[41] == '"' and len(etag) == 42


def test_agent_profile_head_has_no_body(client):
    # Communication 1.1: HEAD as GET, without the body
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = client.head(AGENT_PROFILE, query_string=agent_profile_params())
    assert response.status_code == 200
    assert response.data == b""


@pytest.mark.parametrize("xapi_version", ["1.0.3"])  # 2.0 differs: tests/http/test_v2_*.py
def test_agent_profile_put_without_preconditions_to_a_new_document_is_400(client):
    # Communication 3.1: a client MUST send If-Match or If-None-Match (conformance XAPI-00273)
    response = put_json(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    assert response.status_code == 400
    assert client.get(AGENT_PROFILE, query_string=agent_profile_params()).status_code == 404


def test_agent_profile_put_without_preconditions_to_an_existing_document_is_409(client):
    # Communication 3.1: 409 Conflict, an explanation, no modification
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = put_json(
        client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences(language="en-GB")
    )
    assert response.status_code == 409
    assert response.get_json()["error"]
    assert document_json(client, AGENT_PROFILE, agent_profile_params())["language"] == "fr-FR"


def test_agent_profile_put_with_the_current_etag_replaces_it(client):
    # Communication 3.1: If-Match with the current ETag
    etag = create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = put_json(
        client,
        AGENT_PROFILE,
        agent_profile_params(),
        f.mentee_preferences(language="en-GB"),
        if_match=etag,
    )
    assert response.status_code == 204


def test_agent_profile_put_with_a_wrong_etag_is_412(client):
    # Communication 3.1: 412 and no modification
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = put_json(
        client,
        AGENT_PROFILE,
        agent_profile_params(),
        f.mentee_preferences(language="en-GB"),
        if_match='"' + "1" * 40 + '"',
    )
    assert response.status_code == 412
    assert document_json(client, AGENT_PROFILE, agent_profile_params())["language"] == "fr-FR"


def test_agent_profile_post_merges(client):
    # Communication 2.2 JSON merge on the Agent Profile resource
    create(client, AGENT_PROFILE, agent_profile_params(), {"language": "fr-FR"})
    response = post_json(client, AGENT_PROFILE, agent_profile_params(), {"meetingLength": "PT30M"})
    assert response.status_code == 204
    assert document_json(client, AGENT_PROFILE, agent_profile_params()) == {
        "language": "fr-FR",
        "meetingLength": "PT30M",
    }


def test_agent_profile_post_of_non_json_to_a_json_document_is_400(client):
    # Communication 2.2 (conformance XAPI-00281): 400, target unchanged
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = client.post(
        AGENT_PROFILE,
        query_string=agent_profile_params(),
        data=b"abcdefg",
        headers={"Content-Type": "not/json"},
    )
    assert response.status_code == 400
    assert document_json(client, AGENT_PROFILE, agent_profile_params()) == f.mentee_preferences()


def test_agent_profile_delete_removes_the_document(client):
    # Communication 2.6: DELETE 204
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    response = client.request("DELETE", AGENT_PROFILE, query_string=agent_profile_params())
    assert response.status_code == 204
    assert client.get(AGENT_PROFILE, query_string=agent_profile_params()).status_code == 404


def test_agent_profile_get_without_profile_id_returns_the_ids(client):
    # Communication 2.6 Multiple Document GET: the profile ids of the Agent
    create(client, AGENT_PROFILE, agent_profile_params("preferences"), f.mentee_preferences())
    create(client, AGENT_PROFILE, agent_profile_params("goals"), {"goal": "dashboards"})
    create(client, AGENT_PROFILE, agent_profile_params("goals", agent=GRACE), {"goal": "patience"})
    response = client.get(AGENT_PROFILE, query_string=agent_profile_params(profile_id=None))
    assert sorted(response.get_json()) == ["goals", "preferences"]


def test_agent_profile_get_ids_since_leaves_out_older_documents(client):
    # Communication 2.6: since: only profiles stored since the timestamp (exclusive)
    create(client, AGENT_PROFILE, agent_profile_params("preferences"), f.mentee_preferences())
    time.sleep(0.005)
    since = format_timestamp(datetime.now(UTC))
    time.sleep(0.005)
    create(client, AGENT_PROFILE, agent_profile_params("goals"), {"goal": "dashboards"})
    response = client.get(
        AGENT_PROFILE, query_string=agent_profile_params(profile_id=None, since=since)
    )
    assert response.get_json() == ["goals"]


def test_agent_profile_agent_is_matched_by_its_identifier(client):
    # Communication 2.6: the profile belongs to the Agent, whatever name it is given with
    create(client, AGENT_PROFILE, agent_profile_params(), f.mentee_preferences())
    same = {"objectType": "Agent", "mbox": ADA["mbox"]}
    assert (
        client.get(AGENT_PROFILE, query_string=agent_profile_params(agent=same)).status_code == 200
    )


def test_agent_profile_identified_group_identifier_in_an_agent_is_accepted(client):
    # Communication 2.6 note: a Group's documents use its identifier within an Agent Object
    circle = {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example.org", "name": "circle-7"},
    }
    response = put_json(
        client, AGENT_PROFILE, agent_profile_params(agent=circle), {"members": 2}, if_none_match="*"
    )
    assert response.status_code == 204


def test_agent_profile_agent_that_is_a_group_is_400(client):
    # Communication 2.6: "The agent parameter is an Agent Object and not a Group"
    group = f.group(account_name="circle-7")
    response = client.get(AGENT_PROFILE, query_string=agent_profile_params(agent=group))
    assert response.status_code == 400
    assert errors_of(response) == [("agent.objectType", "agent-not-group")]


@pytest.mark.parametrize("method", ("GET", "PUT", "POST", "DELETE"))
def test_agent_profile_without_agent_is_400(client, method):
    # Communication 2.6: agent is required
    response = client.request(
        method,
        AGENT_PROFILE,
        query_string=agent_profile_params(agent=None),
        data=b"{}",
        headers={"Content-Type": "application/json", "If-None-Match": "*"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "required")]


@pytest.mark.parametrize("method", ("GET", "PUT", "POST", "DELETE"))
def test_agent_profile_agent_that_is_not_an_agent_is_400(client, method):
    # Communication 2.6: agent must be an Agent Object (conformance XAPI-00255..00258)
    response = client.request(
        method,
        AGENT_PROFILE,
        query_string=agent_profile_params(agent={"name": "Ada"}),
        data=b"{}",
        headers={"Content-Type": "application/json", "If-None-Match": "*"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "exactly-one-ifi")]


@pytest.mark.parametrize("method", ("PUT", "POST", "DELETE"))
def test_agent_profile_without_profile_id_is_400(client, method):
    # Communication 2.6: profileId is required for PUT, POST and DELETE
    response = client.request(
        method,
        AGENT_PROFILE,
        query_string=agent_profile_params(profile_id=None),
        data=b"{}",
        headers={"Content-Type": "application/json", "If-None-Match": "*"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("profileId", "required")]


def test_agent_profile_activity_id_parameter_is_400(client):
    # Communication 2.6 parameter table: no activityId
    response = client.get(AGENT_PROFILE, query_string=agent_profile_params(activityId=f.SESSION))
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "unknown-parameter")]
