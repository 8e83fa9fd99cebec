"""Size limit and scopes of the State resource (Communication 3.2 413, 4.2 scopes)."""

from __future__ import annotations

import dataclasses

import pytest

from lrs.app import create_app
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.document_support import (
    STATE,
    event_count,
    post_json,
    put_json,
    state_params,
)

LIMIT = 64


@pytest.fixture
def small_app(settings):
    """The LRS with a 64-byte document limit."""
    application = create_app(dataclasses.replace(settings, max_document_bytes=LIMIT))
    yield application
    application.extensions["lrs"].close()


@pytest.fixture
def small_client(small_app):
    credential, secret = small_app.extensions["lrs"].credentials.create(scopes=("all",))
    return XAPIClient(small_app.test_client(), credential.key, secret)


def test_state_document_above_the_limit_is_413(small_client, small_app):
    # Communication 3.2: 413 Request Entity Too Large above the LRS's configured size
    events = event_count(small_app)
    response = small_client.put(
        STATE,
        query_string=state_params(),
        data=b"x" * (LIMIT + 1),
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["rule"] == "document-size"
    assert event_count(small_app) == events


def test_state_document_at_the_limit_is_stored(small_client):
    # Communication 3.2: the limit is inclusive
    response = small_client.put(
        STATE,
        query_string=state_params(),
        data=b"x" * LIMIT,
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 204


def test_state_merge_that_would_exceed_the_limit_is_413(small_client):
    # Communication 3.2: the merged document counts, not only what was posted
    post_json(small_client, STATE, state_params(), {"a": "x" * 30})
    response = post_json(small_client, STATE, state_params(), {"b": "y" * 30})
    assert response.status_code == 413
    assert small_client.get(STATE, query_string=state_params()).get_json() == {"a": "x" * 30}


def test_state_limit_comes_from_the_environment():
    # Issue: the limit is configurable (LRS_MAX_DOCUMENT_BYTES, default 10 MB)
    from lrs.settings import Settings

    assert Settings.from_env({}).max_document_bytes == 10 * 1024 * 1024
    assert Settings.from_env({"LRS_MAX_DOCUMENT_BYTES": "1000"}).max_document_bytes == 1000


def test_state_needs_the_state_scope_to_write(make_client):
    # Communication 4.2: "state" scope: read/write state data
    reader = make_client(("statements/read",))
    response = put_json(reader, STATE, state_params(), f.bookmark())
    assert response.status_code == 403


def test_state_scope_allows_writing_and_reading(make_client):
    # Communication 4.2: "state" scope
    client = make_client(("state",))
    assert put_json(client, STATE, state_params(), f.bookmark()).status_code == 204
    assert client.get(STATE, query_string=state_params()).status_code == 200


def test_state_all_read_scope_can_read_not_write(make_client, client):
    # Communication 4.2: "all/read": unrestricted read access
    put_json(client, STATE, state_params(), f.bookmark())
    reader = make_client(("all/read",))
    assert reader.get(STATE, query_string=state_params()).status_code == 200
    assert put_json(reader, STATE, state_params(), f.bookmark()).status_code == 403


def test_state_without_credentials_is_401(client):
    # Communication 4.0: requests are authenticated
    response = client.get(STATE, query_string=state_params(), headers={"Authorization": None})
    assert response.status_code == 401


def test_state_without_version_header_is_400(client):
    # Communication 3.3: requests without X-Experience-API-Version are rejected
    response = client.get(
        STATE, query_string=state_params(), headers={"X-Experience-API-Version": None}
    )
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
