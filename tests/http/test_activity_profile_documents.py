"""The Activity Profile resource (Communication 2.7) and its concurrency rules (3.1)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests import factories as f
from tests.http.document_support import (
    ACTIVITY_PROFILE,
    activity_profile_params,
    create,
    document_json,
    errors_of,
    event_count,
    post_json,
    put_json,
)
from xapi.prepare import format_timestamp


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def test_activity_profile_put_then_get_returns_the_document(client):
    # Communication 2.7 single document: PUT 204, GET 200 with the document
    response = put_json(
        client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda(), if_none_match="*"
    )
    assert response.status_code == 204
    assert document_json(client, ACTIVITY_PROFILE, activity_profile_params()) == f.session_agenda()


def test_activity_profile_get_has_etag_and_last_modified(client):
    # Communication 3.1 (ETag on GET) and 2.2 (Last-Modified)
    etag = create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = client.get(ACTIVITY_PROFILE, query_string=activity_profile_params())
    assert response.headers["ETag"] == etag
    assert "Last-Modified" in response.headers


def test_activity_profile_head_has_no_body(client):
    # Communication 1.1: HEAD as GET, without the body
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = client.head(ACTIVITY_PROFILE, query_string=activity_profile_params())
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"]


@pytest.mark.parametrize("xapi_version", ["1.0.3"])  # 2.0 differs: tests/http/test_v2_*.py
def test_activity_profile_put_without_preconditions_to_a_new_document_is_400(client, app):
    # Communication 3.1: a client MUST send If-Match or If-None-Match with a profile PUT
    # (conformance XAPI-00273 expects the LRS to refuse it)
    events = event_count(app)
    response = put_json(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    assert response.status_code == 400
    assert errors_of(response) == [("If-None-Match", "precondition-required")]
    assert event_count(app) == events


def test_activity_profile_put_without_preconditions_to_an_existing_document_is_409(client):
    # Communication 3.1: 409 Conflict, an explanation, and no modification
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = put_json(
        client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda(durationMinutes=90)
    )
    assert response.status_code == 409
    message = response.get_json()["error"]
    assert "If-Match" in message and "current state" in message
    assert (
        document_json(client, ACTIVITY_PROFILE, activity_profile_params())["durationMinutes"] == 45
    )


def test_activity_profile_put_with_the_current_etag_replaces_it(client):
    # Communication 3.1: If-Match with the current ETag
    etag = create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = put_json(
        client,
        ACTIVITY_PROFILE,
        activity_profile_params(),
        f.session_agenda(durationMinutes=90),
        if_match=etag,
    )
    assert response.status_code == 204
    assert (
        document_json(client, ACTIVITY_PROFILE, activity_profile_params())["durationMinutes"] == 90
    )


def test_activity_profile_put_with_a_wrong_etag_is_412(client):
    # Communication 3.1: MUST return 412 and MUST NOT modify the resource
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = put_json(
        client,
        ACTIVITY_PROFILE,
        activity_profile_params(),
        f.session_agenda(durationMinutes=90),
        if_match='"' + "1" * 40 + '"',
    )
    assert response.status_code == 412
    assert (
        document_json(client, ACTIVITY_PROFILE, activity_profile_params())["durationMinutes"] == 45
    )


def test_activity_profile_put_with_if_none_match_on_an_existing_document_is_412(client):
    # Communication 3.1: If-None-Match: * and a document is present: 412
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = put_json(
        client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda(), if_none_match="*"
    )
    assert response.status_code == 412


def test_activity_profile_post_without_preconditions_merges(client):
    # Communication 3.1: POST SHOULD* carry a precondition, but it is not required; 2.2 merge
    create(client, ACTIVITY_PROFILE, activity_profile_params(), {"title": "Data tools"})
    response = post_json(
        client, ACTIVITY_PROFILE, activity_profile_params(), {"durationMinutes": 45}
    )
    assert response.status_code == 204
    assert document_json(client, ACTIVITY_PROFILE, activity_profile_params()) == {
        "title": "Data tools",
        "durationMinutes": 45,
    }


def test_activity_profile_post_to_a_missing_document_stores_it(client):
    # Communication 2.2: a POST to a document not in the LRS is treated as a PUT
    response = post_json(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    assert response.status_code == 204
    assert document_json(client, ACTIVITY_PROFILE, activity_profile_params()) == f.session_agenda()


def test_activity_profile_post_of_non_json_to_a_json_document_is_400(client):
    # Communication 2.2: 400 and the target is not updated
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = client.post(
        ACTIVITY_PROFILE,
        query_string=activity_profile_params(),
        data=b"abc",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 400
    assert document_json(client, ACTIVITY_PROFILE, activity_profile_params()) == f.session_agenda()


def test_activity_profile_post_of_invalid_json_is_400(client):
    # Communication 2.7 (conformance XAPI-00314): invalid JSON with Content-Type application/json
    response = client.post(
        ACTIVITY_PROFILE,
        query_string=activity_profile_params(),
        data=b'{"title": "x"}[',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_activity_profile_delete_removes_the_document(client):
    # Communication 2.7: DELETE 204
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = client.request("DELETE", ACTIVITY_PROFILE, query_string=activity_profile_params())
    assert response.status_code == 204
    assert client.get(ACTIVITY_PROFILE, query_string=activity_profile_params()).status_code == 404


def test_activity_profile_delete_with_a_wrong_etag_is_412(client):
    # Communication 3.1: DELETE SHOULD* handle If-Match
    create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    response = client.request(
        "DELETE",
        ACTIVITY_PROFILE,
        query_string=activity_profile_params(),
        headers={"If-Match": '"' + "2" * 40 + '"'},
    )
    assert response.status_code == 412
    assert client.get(ACTIVITY_PROFILE, query_string=activity_profile_params()).status_code == 200


def test_activity_profile_delete_without_profile_id_is_400(client):
    # Communication 2.7: profileId is required; there is no multiple-document DELETE
    response = client.request(
        "DELETE", ACTIVITY_PROFILE, query_string=activity_profile_params(profile_id=None)
    )
    assert response.status_code == 400
    assert errors_of(response) == [("profileId", "required")]


def test_activity_profile_get_without_profile_id_returns_the_ids(client):
    # Communication 2.7 Multiple Document GET: the profile ids of the Activity
    create(client, ACTIVITY_PROFILE, activity_profile_params("agenda"), f.session_agenda())
    create(client, ACTIVITY_PROFILE, activity_profile_params("materials"), {"slides": 12})
    response = client.get(ACTIVITY_PROFILE, query_string=activity_profile_params(profile_id=None))
    assert sorted(response.get_json()) == ["agenda", "materials"]


def test_activity_profile_get_ids_since_leaves_out_older_documents(client):
    # Communication 2.7: since: only profiles stored since the timestamp (exclusive)
    create(client, ACTIVITY_PROFILE, activity_profile_params("agenda"), f.session_agenda())
    time.sleep(0.005)
    since = format_timestamp(datetime.now(UTC))
    time.sleep(0.005)
    create(client, ACTIVITY_PROFILE, activity_profile_params("materials"), {"slides": 12})
    response = client.get(
        ACTIVITY_PROFILE, query_string=activity_profile_params(profile_id=None, since=since)
    )
    assert response.get_json() == ["materials"]


@pytest.mark.parametrize("method", ("GET", "PUT", "POST", "DELETE"))
def test_activity_profile_without_activity_id_is_400(client, method):
    # Communication 2.7: activityId is required
    response = client.request(
        method,
        ACTIVITY_PROFILE,
        query_string=activity_profile_params(activityId=None),
        data=b"{}",
        headers={"Content-Type": "application/json", "If-None-Match": "*"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "required")]


@pytest.mark.parametrize("method", ("PUT", "POST"))
def test_activity_profile_write_without_profile_id_is_400(client, method):
    # Communication 2.7: profileId is required for a single document
    response = client.request(
        method,
        ACTIVITY_PROFILE,
        query_string=activity_profile_params(profile_id=None),
        data=b"{}",
        headers={"Content-Type": "application/json", "If-None-Match": "*"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("profileId", "required")]


def test_activity_profile_agent_parameter_is_400(client):
    # Communication 2.7 parameter table: the resource has no agent parameter
    response = client.get(ACTIVITY_PROFILE, query_string=activity_profile_params(agent=f.agent()))
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "unknown-parameter")]


def test_activity_profile_without_the_profile_scope_is_403(make_client):
    # Communication 4.2: "profile" scope: read/write profile data; "state" is not enough
    state_only = make_client(("state",))
    response = put_json(
        state_only,
        ACTIVITY_PROFILE,
        activity_profile_params(),
        f.session_agenda(),
        if_none_match="*",
    )
    assert response.status_code == 403


def test_activity_profile_scope_allows_writing(make_client):
    # Communication 4.2: "profile" scope: read/write profile data
    profile = make_client(("profile",))
    response = put_json(
        profile, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda(), if_none_match="*"
    )
    assert response.status_code == 204
