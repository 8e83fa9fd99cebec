"""Headers of every response: the version (Communication 3.3), consistency and
modification times (Communication 2.1.3), and HEAD (Communication 1.1)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests import factories as f
from tests.http.support import (
    STATEMENTS,
    errors_of,
    event_count,
    get_statement,
    post_apart,
    post_statements,
    stored_statement,
)
from xapi.prepare import parse_timestamp

VERSION = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


def http_date(timestamp: str) -> str:
    return format_datetime(parse_timestamp(timestamp).replace(microsecond=0), usegmt=True)


# ---------------------------------------------------------------- the version


def test_headers_version_is_on_a_successful_response(client):
    # Communication 3.3: the LRS MUST include the header in every response, set to the latest patch
    response = client.post(STATEMENTS, json=f.statement())
    assert response.status_code == 200
    assert response.headers[VERSION] == "1.0.3"


def test_headers_version_is_on_a_400(client):
    # Communication 3.3: every response, errors included
    response = client.get(STATEMENTS, query_string={"limit": "-1"})
    assert response.status_code == 400
    assert response.headers[VERSION] == "1.0.3"


def test_headers_version_is_on_a_401(client):
    # Communication 3.3: every response, errors included
    response = client.get(STATEMENTS, headers={"Authorization": None})
    assert response.status_code == 401
    assert response.headers[VERSION] == "1.0.3"


def test_headers_version_is_on_a_404_for_an_unknown_statement(client):
    # Communication 3.3: every response, errors included
    response = get_statement(client, str(uuid.uuid4()))
    assert response.status_code == 404
    assert response.headers[VERSION] == "1.0.3"


def test_headers_version_is_on_a_405_for_a_method_the_resource_lacks(client):
    # Communication 3.3: "MUST include the X-Experience-API-Version header in every response"
    response = client.request("DELETE", STATEMENTS)
    assert response.status_code == 405
    assert response.headers.get(VERSION) == "1.0.3"


def test_headers_version_is_on_a_404_for_an_unknown_resource(client):
    # Communication 3.3: "MUST include the X-Experience-API-Version header in every response"
    response = client.get("/xapi/extensions/no-such-resource")
    assert response.status_code == 404
    assert response.headers.get(VERSION) == "1.0.3"


def test_headers_version_missing_is_rejected(client, app):
    # Communication 3.3: MUST reject requests without a version header (400)
    response = client.post(STATEMENTS, json=f.statement(), headers={VERSION: None})
    assert response.status_code == 400
    assert errors_of(response) == [(VERSION, "version-header-required")]
    assert response.headers[VERSION] == "1.0.3"  # LRS_XAPI_UNVERSIONED_VERSION's default
    assert event_count(app) == 0


@pytest.mark.parametrize("version", ["1.1.0", "2.0.1", "2.1.0", "3.0.0", "0.95", "0.9", "2"])
def test_headers_version_unsupported_is_rejected(client, app, version):
    # Communication 3.3: reject versions before 1.0.0 and 1.1.0 or greater; 9274.1.1 4.1.7:
    # 2.0 and 2.0.0 are served, any other 2.x or later version is a 400
    response = client.post(STATEMENTS, json=f.statement(), headers={VERSION: version})
    assert response.status_code == 400
    assert errors_of(response) == [(VERSION, "version-unsupported")]
    assert event_count(app) == 0


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.1", "1.0.9"])
def test_headers_version_1_0_x_is_accepted_and_answered_as_1_0_3(client, version):
    # Communication 3.3: accept 1.0 and versions starting with 1.0.; answer the latest patch
    statement = f.statement()
    response = client.post(STATEMENTS, json=statement, headers={VERSION: version})
    assert response.status_code == 200
    assert response.headers[VERSION] == "1.0.3"
    read = client.get(STATEMENTS, query_string={"statementId": statement["id"]},
                      headers={VERSION: version})
    assert read.status_code == 200
    assert read.headers[VERSION] == "1.0.3"


# ---------------------------------------------------- X-Experience-API-Consistent-Through


def consistent_through(response) -> datetime:
    return parse_timestamp(response.headers[CONSISTENT_THROUGH])


def test_headers_consistent_through_is_on_a_statement_query(client):
    # Communication 2.1.3: MUST include it, ISO 8601, a recent timestamp
    [statement_id] = post_statements(client, f.statement())
    response = client.get(STATEMENTS)
    stored = parse_timestamp(stored_statement(client, statement_id)["stored"])
    assert consistent_through(response) >= stored
    assert consistent_through(response) <= datetime.now(UTC) + timedelta(seconds=1)


def test_headers_consistent_through_is_on_a_single_statement(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests"
    [statement_id] = post_statements(client, f.statement())
    response = get_statement(client, statement_id)
    stored = parse_timestamp(response.get_json()["stored"])
    assert consistent_through(response) >= stored


def test_headers_consistent_through_is_on_a_404(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests"
    response = get_statement(client, str(uuid.uuid4()))
    assert response.status_code == 404
    assert consistent_through(response) <= datetime.now(UTC) + timedelta(seconds=1)


def test_headers_consistent_through_is_on_a_post(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests"
    response = client.post(STATEMENTS, json=f.statement())
    assert response.status_code == 200
    assert CONSISTENT_THROUGH in response.headers


def test_headers_consistent_through_is_on_a_put(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests"
    statement = f.statement()
    response = client.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=statement)
    assert response.status_code == 204
    assert CONSISTENT_THROUGH in response.headers


def test_headers_consistent_through_is_on_a_rejected_statement(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests", errors included
    response = client.post(STATEMENTS, json=f.statement(verb={"id": "attended"}))
    assert response.status_code == 400
    assert CONSISTENT_THROUGH in response.headers


def test_headers_consistent_through_is_on_a_rejected_query(client):
    # Communication 2.1.3: "on all responses to Statements Resource requests", errors included
    response = client.get(STATEMENTS, query_string={"since": "yesterday"})
    assert response.status_code == 400
    assert CONSISTENT_THROUGH in response.headers


# ------------------------------------------------------------------ Last-Modified


def test_headers_last_modified_of_a_single_statement_matches_its_stored(client):
    # Communication 2.1.3: SHOULD* include Last-Modified matching the "stored" Timestamp
    [statement_id] = post_statements(client, f.statement())
    response = get_statement(client, statement_id)
    assert response.headers["Last-Modified"] == http_date(response.get_json()["stored"])


def test_headers_last_modified_of_a_query_is_the_newest_stored(client):
    # Communication 2.1.3: Last-Modified for a StatementResult (the newest statement in it)
    ids = post_apart(client, f.statement(), f.statement())
    newest = stored_statement(client, ids[-1])["stored"]
    response = client.get(STATEMENTS, query_string={"ascending": "true"})
    assert response.headers["Last-Modified"] == http_date(newest)


# ------------------------------------------------------------------------ HEAD


def test_headers_head_of_a_single_statement_has_the_get_headers_and_no_body(client):
    # Communication 1.1: respond to HEAD as to GET, but the message-body MUST be omitted
    [statement_id] = post_statements(client, f.statement())
    got = get_statement(client, statement_id)
    response = client.head(STATEMENTS, query_string={"statementId": statement_id})
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers["Content-Type"] == got.headers["Content-Type"]
    assert response.headers["Last-Modified"] == got.headers["Last-Modified"]
    assert response.headers[VERSION] == "1.0.3"
    assert CONSISTENT_THROUGH in response.headers


def test_headers_head_of_a_query_has_the_get_headers_and_no_body(client):
    # Communication 1.1: HEAD is answered like GET, without a body
    post_statements(client, f.statement())
    got = client.get(STATEMENTS)
    response = client.head(STATEMENTS)
    assert response.status_code == 200
    assert response.get_data() == b""
    assert response.headers["Content-Type"] == got.headers["Content-Type"]
    assert response.headers["Last-Modified"] == got.headers["Last-Modified"]
    assert CONSISTENT_THROUGH in response.headers


def test_headers_head_of_an_unknown_statement_is_404_without_a_body(client):
    # Communication 1.1: the same status as GET, no body
    response = client.head(STATEMENTS, query_string={"statementId": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.get_data() == b""
