"""One State document: PUT, GET, HEAD, DELETE (Communication 2.3, 2.2, 1.1, 3.1)."""

from __future__ import annotations

import uuid
from email.utils import parsedate_to_datetime

import pytest

from tests import factories as f
from tests.http.document_support import (
    GRACE,
    STATE,
    document_json,
    json_body,
    put_json,
    sha1_etag,
    state_params,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def test_state_put_then_get_returns_the_document(client):
    # Communication 2.3 single document PUT: 204; GET: 200 and the document
    response = put_json(client, STATE, state_params(), f.bookmark())
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == f.bookmark()


def test_state_get_returns_the_bytes_and_content_type_as_stored(client):
    # Communication 2.2: "contents" is arbitrary binary data, stored as sent
    content = bytes(range(256)) * 4
    client.put(
        STATE, query_string=state_params(), data=content, headers={"Content-Type": "image/png"}
    )
    response = client.get(STATE, query_string=state_params())
    assert response.data == content
    assert response.headers["Content-Type"] == "image/png"


def test_state_get_keeps_the_json_bytes_exactly(client):
    # Communication 2.2: a PUT document is stored as sent, not re-serialized
    content = b'{ "slide" : 12,\n  "z": 1.50, "a": "\\u00e9" }'
    client.put(
        STATE,
        query_string=state_params(),
        data=content,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    response = client.get(STATE, query_string=state_params())
    assert response.data == content
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_state_get_of_a_missing_document_is_404(client):
    # Communication 2.3: GET acts on the document the stateId names; there is none
    response = client.get(STATE, query_string=state_params(state_id="never-stored"))
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["path"] == "stateId"


def test_state_get_has_a_quoted_sha1_etag(client):
    # Communication 3.1: the ETag of a GET is the quoted hexadecimal SHA-1 of the contents
    put_json(client, STATE, state_params(), f.bookmark())
    response = client.get(STATE, query_string=state_params())
    assert response.headers["ETag"] == sha1_etag(response.data)


def test_state_get_has_last_modified(client):
    # Communication 2.2 Last Modified: SHOULD* give when the document was last modified
    put_json(client, STATE, state_params(), f.bookmark())
    response = client.get(STATE, query_string=state_params())
    assert parsedate_to_datetime(response.headers["Last-Modified"]).year >= 2026


def test_state_head_gives_the_headers_without_the_body(client):
    # Communication 1.1: HEAD answers as GET would, without the body
    put_json(client, STATE, state_params(), f.bookmark())
    get = client.get(STATE, query_string=state_params())
    head = client.head(STATE, query_string=state_params())
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]


@pytest.mark.parametrize("xapi_version", ["1.0.3"])  # 2.0 differs: tests/http/test_v2_*.py
def test_state_put_replaces_an_existing_document_without_preconditions(client):
    # Communication 3.1: the State resource permits PUT without concurrency headers (1.0.3)
    put_json(client, STATE, state_params(), f.bookmark(slide=3))
    response = put_json(client, STATE, state_params(), f.bookmark(slide=4))
    assert response.status_code == 204
    assert document_json(client, STATE, state_params())["slide"] == 4


def test_state_put_without_content_type_is_stored_as_octet_stream(client):
    # Communication 2.2: arbitrary binary data; the LRS gives it a type when the client did not
    client.put(STATE, query_string=state_params(), data=b"\x00\x01")
    response = client.get(STATE, query_string=state_params())
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_state_delete_removes_the_document(client):
    # Communication 2.3 single document DELETE: 204, then the document is gone
    put_json(client, STATE, state_params(), f.bookmark())
    response = client.request("DELETE", STATE, query_string=state_params())
    assert response.status_code == 204
    assert client.get(STATE, query_string=state_params()).status_code == 404


def test_state_delete_of_a_missing_document_is_204(client):
    # Communication 2.3: DELETE returns 204; there is nothing to remove
    response = client.request("DELETE", STATE, query_string=state_params(state_id="never-stored"))
    assert response.status_code == 204


def test_state_put_after_delete_stores_the_document_again(client):
    # Communication 2.3: a deleted document can be stored again under the same stateId
    put_json(client, STATE, state_params(), f.bookmark(slide=1))
    client.request("DELETE", STATE, query_string=state_params())
    put_json(client, STATE, state_params(), f.bookmark(slide=2))
    assert document_json(client, STATE, state_params())["slide"] == 2


def test_state_registration_is_part_of_the_address(client):
    # Communication 2.3: the document exists "in the context of the Activity, Agent, and registration"
    registration = str(uuid.uuid4())
    put_json(client, STATE, state_params(registration=registration), f.bookmark(slide=7))
    assert client.get(STATE, query_string=state_params()).status_code == 404
    assert document_json(client, STATE, state_params(registration=registration))["slide"] == 7


def test_state_registration_matches_whatever_its_case(client):
    # Data 4.4 / RFC 4122: a UUID is case insensitive
    registration = str(uuid.uuid4())
    put_json(client, STATE, state_params(registration=registration.upper()), f.bookmark())
    assert (
        client.get(STATE, query_string=state_params(registration=registration)).status_code == 200
    )


def test_state_agent_is_matched_by_its_identifier_not_its_name(client):
    # Communication 2.1.3 agent: Agents are the same when they have the same identifier
    put_json(client, STATE, state_params(), f.bookmark())
    renamed = {"mbox": "mailto:ada.mentee@example.org", "name": "Ada L."}
    assert client.get(STATE, query_string=state_params(agent=renamed)).status_code == 200


def test_state_documents_of_another_agent_are_apart(client):
    # Communication 2.3: a State document belongs to one Agent
    put_json(client, STATE, state_params(), f.bookmark())
    assert client.get(STATE, query_string=state_params(agent=GRACE)).status_code == 404


def test_state_documents_of_another_activity_are_apart(client):
    # Communication 2.3: a State document belongs to one Activity
    put_json(client, STATE, state_params(), f.bookmark())
    other = "https://lrs.example.org/activities/sessions/2026-11-10"
    assert client.get(STATE, query_string=state_params(activityId=other)).status_code == 404


def test_state_unknown_activity_and_agent_are_accepted(client):
    # Communication 2.2: MUST NOT reject documents for lack of prior knowledge of the Activity/Agent
    query = state_params(
        activityId="urn:uuid:" + str(uuid.uuid4()),
        agent={"openid": "https://id.example.org/someone-new"},
    )
    assert put_json(client, STATE, query, f.bookmark()).status_code == 204


def test_state_put_answers_the_new_etag(client):
    # Communication 3.1: the ETag a client sends back in If-Match is the SHA-1 of what it stored
    response = put_json(client, STATE, state_params(), f.bookmark())
    assert response.headers["ETag"] == sha1_etag(json_body(f.bookmark()))
