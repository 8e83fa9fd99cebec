"""Parameters of the State resource: each bad one is a 400 naming it (Communication 2.3, Data 2.2)."""

from __future__ import annotations

import orjson
import pytest

from tests import factories as f
from tests.http.document_support import (
    STATE,
    errors_of,
    event_count,
    json_body,
    state_params,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


METHODS = ("GET", "PUT", "POST", "DELETE")


def send(client, method, query):
    data = json_body(f.bookmark()) if method in ("PUT", "POST") else None
    return client.request(
        method, STATE, query_string=query, data=data, headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("method", METHODS)
def test_state_without_activity_id_is_400(client, method):
    # Communication 2.3: activityId is required
    response = send(client, method, state_params(activityId=None))
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "required")]


@pytest.mark.parametrize("method", METHODS)
def test_state_without_agent_is_400(client, method):
    # Communication 2.3: agent is required
    response = send(client, method, state_params(agent=None))
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "required")]


@pytest.mark.parametrize("method", ("PUT", "POST"))
def test_state_write_without_state_id_is_400(client, method):
    # Communication 2.3: stateId is required for PUT and POST
    response = send(client, method, state_params(state_id=None))
    assert response.status_code == 400
    assert errors_of(response) == [("stateId", "required")]


@pytest.mark.parametrize("method", METHODS)
def test_state_agent_that_is_not_json_is_400(client, method):
    # Communication 2.3: agent is an Agent Object (JSON)
    response = send(client, method, {**state_params(), "agent": "ada@example.org"})
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "agent-json")]


def test_state_agent_with_an_invalid_mbox_is_400(client):
    # Data 2.2: parameters are validated like the same types in Statements (Data 2.4.2.3)
    response = send(client, "GET", state_params(agent={"mbox": "ada@example.org"}))
    assert response.status_code == 400
    assert errors_of(response)[0][0] == "agent.mbox"


def test_state_agent_without_an_identifier_is_400(client):
    # Data 2.4.2.1: an Agent has exactly one identifier
    response = send(client, "GET", state_params(agent={"objectType": "Agent", "name": "Ada"}))
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "exactly-one-ifi")]


def test_state_agent_that_is_a_group_is_400(client):
    # Communication 2.3: the agent parameter is an Agent Object
    group = f.group(account_name="circle-7")
    response = send(client, "PUT", state_params(agent=group))
    assert response.status_code == 400
    assert errors_of(response) == [("agent.objectType", "agent-not-group")]


@pytest.mark.parametrize("method", METHODS)
def test_state_registration_that_is_not_a_uuid_is_400(client, method):
    # Communication 2.3: registration is a UUID
    response = send(client, method, state_params(registration="session-1"))
    assert response.status_code == 400
    assert errors_of(response) == [("registration", "uuid")]


def test_state_activity_id_that_is_not_an_iri_is_400(client):
    # Communication 2.3: activityId is an IRI
    response = send(client, "GET", state_params(activityId="session 3"))
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "iri")]


def test_state_since_that_is_not_a_timestamp_is_400(client):
    # Communication 2.3: since is a Timestamp
    response = send(client, "GET", state_params(state_id=None, since="not a timestamp"))
    assert response.status_code == 400
    assert errors_of(response) == [("since", "timestamp")]


def test_state_since_on_a_put_is_400(client):
    # Communication 2.3: since is a parameter of GET only
    response = send(client, "PUT", state_params(since="2026-11-03T10:00:00Z"))
    assert response.status_code == 400
    assert errors_of(response) == [("since", "unknown-parameter")]


def test_state_unknown_parameter_is_400(client):
    # Communication 2.3 parameter table; every bad parameter is a 400
    response = send(client, "GET", state_params(profileId="agenda"))
    assert response.status_code == 400
    assert errors_of(response) == [("profileId", "unknown-parameter")]


def test_state_repeated_parameter_is_400(client):
    # Communication 2.3: one value per parameter
    query = [(k, v) for k, v in state_params().items()] + [("stateId", "other")]
    response = client.get(STATE + "?" + "&".join(f"{k}={v}" for k, v in query))
    assert response.status_code == 400
    assert errors_of(response) == [("stateId", "repeated-parameter")]


def test_state_empty_state_id_is_400(client):
    # Communication 2.3: stateId names a document
    response = send(client, "PUT", state_params(state_id=""))
    assert response.status_code == 400
    assert errors_of(response) == [("stateId", "not-empty")]


def test_state_every_bad_parameter_is_reported_at_once(client):
    # Data 2.2 / error format: every problem with its path
    query = state_params(activityId="nope", registration="nope", agent=None)
    response = send(client, "GET", query)
    assert sorted(errors_of(response)) == [
        ("activityId", "iri"),
        ("agent", "required"),
        ("registration", "uuid"),
    ]


def test_state_bad_request_writes_nothing(client, app):
    # Communication 2.2 (XAPI-00182): no modification for a rejected request
    events = event_count(app)
    send(client, "PUT", state_params(registration="nope"))
    assert event_count(app) == events


def test_state_agent_with_broken_json_encoding_is_400(client):
    # Conformance XAPI-00235: an agent parameter whose JSON is broken is a 400
    agent = orjson.dumps(f.agent()).decode().replace(":", '"', 1)
    response = send(client, "POST", {**state_params(), "agent": agent})
    assert response.status_code == 400
