"""A retry under the other xAPI version is accepted (issue 17, point 1).

An LRS serving both versions assigns ``version`` by the request (1.0.0 under
1.0.3, 2.0.0 under 2.0.0; Data 2.4.10, 9274.1.1 4.2.4.3), and a 2.0 request's
timestamp is stored in UTC: neither is a difference the client made, so Data
2.3.1 ignores it. Communication 2.1.1, 2.1.2: PUT 204, POST 200 with the ids.
"""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, event_count, pause, stored_statement


def clients(app: Any) -> tuple[XAPIClient, XAPIClient]:
    """A 1.0.3 and a 2.0.0 client of one credential."""
    credential, secret = app.extensions["lrs"].credentials.create(scopes=("all",))
    return (
        XAPIClient(app.test_client(), credential.key, secret, version="1.0.3"),
        XAPIClient(app.test_client(), credential.key, secret, version="2.0.0"),
    )


def untimed() -> dict[str, Any]:
    statement = f.statement()
    del statement["timestamp"]
    return statement


def test_retry_under_1_0_3_with_its_timestamp_of_a_statement_stored_under_2_0_0(app):
    # Data 2.3.1: the version 2.0.0 the LRS assigned is ignored
    v1, v2 = clients(app)
    statement = untimed()
    assert v2.post(STATEMENTS, json=statement).status_code == 200
    stored = stored_statement(v2, statement["id"])
    pause()
    retry = {**statement, "timestamp": stored["timestamp"]}
    response = v1.post(STATEMENTS, json=retry)
    assert response.status_code == 200
    assert response.get_json() == [statement["id"]]
    assert event_count(app) == 1
    assert stored_statement(v2, statement["id"]) == stored


def test_retry_under_2_0_0_without_timestamp_of_a_statement_stored_under_1_0_3(app):
    # Data 2.3.1: the timestamp and the version 1.0.0 the LRS assigned are ignored
    v1, v2 = clients(app)
    statement = untimed()
    assert v1.put(STATEMENTS, query_string={"statementId": statement["id"]},
                  json=statement).status_code == 204
    stored = stored_statement(v1, statement["id"])
    pause()
    response = v2.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=statement)
    assert response.status_code == 204
    assert event_count(app) == 1
    assert stored_statement(v1, statement["id"]) == stored


def test_retry_under_1_0_3_of_a_statement_stored_under_2_0_0_with_an_offset_timestamp(app):
    # Data 2.3.1, 4.5: stored in UTC under 2.0 (9274.1.1 4.2.7), the same instant as sent
    v1, v2 = clients(app)
    statement = f.statement(timestamp="2026-11-03T11:15:00.000+01:00")
    assert v2.post(STATEMENTS, json=statement).status_code == 200
    assert v1.post(STATEMENTS, json=statement).status_code == 200
    assert event_count(app) == 1


def test_retry_under_the_other_version_with_different_content_is_a_conflict(app):
    # Communication 2.1.2: different content stays 409 across versions
    v1, v2 = clients(app)
    statement = untimed()
    assert v2.post(STATEMENTS, json=statement).status_code == 200
    changed = {**statement, "verb": {"id": f.VERB_COMPLETED}}
    assert v1.post(STATEMENTS, json=changed).status_code == 409
    assert event_count(app) == 1
