"""POST to a State document: the JSON merge of Communication 2.2 ("JSON Procedure")."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.http.document_support import (
    STATE,
    document_json,
    errors_of,
    event_count,
    post_json,
    put_json,
    state_params,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def test_state_post_merges_top_level_properties(client):
    # Communication 2.2: each posted property is set on the existing object; 204
    put_json(client, STATE, state_params(), {"x": "foo", "y": "bar"})
    response = post_json(client, STATE, state_params(), {"x": "bash", "z": "faz"})
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == {"x": "bash", "y": "bar", "z": "faz"}


def test_state_post_replaces_an_object_property_whole(client):
    # Communication 2.2: "only top-level properties are merged, even if a top-level property is an Object"
    put_json(client, STATE, state_params(), {"car": {"make": "Ford", "model": "Escape"}})
    post_json(client, STATE, state_params(), {"car": {"make": "Dodge"}})
    assert document_json(client, STATE, state_params()) == {"car": {"make": "Dodge"}}


def test_state_post_to_a_missing_document_stores_it(client):
    # Communication 2.2: a POST for a document not in the LRS is treated as a PUT
    response = post_json(client, STATE, state_params(), f.bookmark())
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == f.bookmark()


def test_state_post_of_another_type_to_a_missing_document_stores_it_as_is(client):
    # Communication 2.2: treated as a PUT, so any content type is stored
    response = client.post(
        STATE,
        query_string=state_params(),
        data=b"plain notes",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 204
    assert client.get(STATE, query_string=state_params()).data == b"plain notes"


def test_state_post_of_non_json_to_a_json_document_is_400(client, app):
    # Communication 2.2: the posted document is not application/json: 400, target unchanged
    put_json(client, STATE, state_params(), f.bookmark())
    events = event_count(app)
    response = client.post(
        STATE, query_string=state_params(), data=b"abcdefg", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert errors_of(response) == [("Content-Type", "merge-json-only")]
    assert document_json(client, STATE, state_params()) == f.bookmark()
    assert event_count(app) == events


def test_state_post_of_json_to_a_non_json_document_is_400(client):
    # Communication 2.2: the existing document is not application/json: 400, target unchanged
    client.put(
        STATE,
        query_string=state_params(),
        data=b"/ asdf / undefined",
        headers={"Content-Type": "application/octet-stream"},
    )
    response = post_json(client, STATE, state_params(), f.bookmark())
    assert response.status_code == 400
    assert client.get(STATE, query_string=state_params()).data == b"/ asdf / undefined"


def test_state_post_of_invalid_json_is_400(client):
    # Communication 2.2: the posted document cannot be parsed as a JSON Object: 400, unchanged
    put_json(client, STATE, state_params(), f.bookmark())
    response = client.post(
        STATE,
        query_string=state_params(),
        data=b'{"slide": 13',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("content", "json")]
    assert document_json(client, STATE, state_params()) == f.bookmark()


def test_state_post_of_a_json_array_is_400(client):
    # Communication 2.2: both documents must be JSON Objects
    put_json(client, STATE, state_params(), f.bookmark())
    response = post_json(client, STATE, state_params(), [1, 2])
    assert response.status_code == 400
    assert errors_of(response) == [("content", "json-object")]


def test_state_post_into_a_json_document_that_is_not_an_object_is_400(client):
    # Communication 2.2: "if either document cannot be parsed as a JSON Object"
    put_json(client, STATE, state_params(), ["not", "an", "object"])
    response = post_json(client, STATE, state_params(), f.bookmark())
    assert response.status_code == 400
    assert document_json(client, STATE, state_params()) == ["not", "an", "object"]


def test_state_post_of_invalid_json_to_a_missing_document_is_400(client, app):
    # Communication 2.2 (conformance XAPI-00235/00314): a JSON POST must be a JSON Object
    events = event_count(app)
    response = client.post(
        STATE,
        query_string=state_params(),
        data=b'{"slide": 1}[',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert client.get(STATE, query_string=state_params()).status_code == 404
    assert event_count(app) == events


def test_state_post_merge_keeps_large_integers_exact(client):
    # Communication 2.2: the merged result is a JSON serialization of the merged Object
    put_json(client, STATE, state_params(), {"a": 1})
    client.post(
        STATE,
        query_string=state_params(),
        data=b'{"big": 123456789012345678901234567890}',
        headers={"Content-Type": "application/json"},
    )
    assert client.get(STATE, query_string=state_params()).data == (
        b'{"a":1,"big":123456789012345678901234567890}'
    )


def test_state_post_with_a_charset_is_json(client):
    # Communication 2.2: application/json with parameters is still application/json
    put_json(client, STATE, state_params(), {"a": 1})
    response = client.post(
        STATE,
        query_string=state_params(),
        data=b'{"b": 2}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == {"a": 1, "b": 2}
