"""A client's retry of statements already stored is accepted (issue 17, point 1).

Data 2.3.1: differences which could have been caused by the LRS assigning
``id``, ``timestamp``, ``version``, ``stored`` or ``authority`` are ignored; the
stored statement is compared as its client sent it, so a statement sent twice
without a timestamp is the same statement though the LRS gave the first one a
timestamp. Communication 2.1.1 (PUT: 204) and 2.1.2 (POST: 200 with the ids):
a statement id already stored with equivalent content MUST NOT change the
LRS's state; with different content it is 409 and nothing of the request is
stored. Each test runs on both stores and under both versions.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.support import (
    STATEMENTS,
    event_count,
    get_statement,
    pause,
    stored_statement,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def untimed(**overrides: Any) -> dict[str, Any]:
    """A statement as a provider sends it when it leaves the timestamp to the LRS."""
    statement = f.statement(**overrides)
    del statement["timestamp"]
    return statement


def put(client: Any, statement: dict[str, Any]) -> Any:
    return client.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=statement)


def post(client: Any, *statements: dict[str, Any]) -> Any:
    return client.post(STATEMENTS, json=list(statements))


def test_retry_put_without_timestamp_answers_204_and_changes_nothing(client, app):
    # Communication 2.1.1, Data 2.3.1: timestamp and version assigned by the LRS are ignored
    statement = untimed()
    assert put(client, statement).status_code == 204
    first = stored_statement(client, statement["id"])
    events = event_count(app)
    pause()  # the retry's stored (and so its would-be timestamp) is a later instant
    assert put(client, statement).status_code == 204
    assert event_count(app) == events
    assert stored_statement(client, statement["id"]) == first


def test_retry_post_without_timestamp_answers_200_with_the_id(client, app):
    # Communication 2.1.2, Data 2.3.1
    statement = untimed()
    assert post(client, statement).get_json() == [statement["id"]]
    pause()
    response = post(client, statement)
    assert response.status_code == 200
    assert response.get_json() == [statement["id"]]
    assert event_count(app) == 1


def test_retry_post_of_a_whole_batch_answers_every_id(client, app):
    # Communication 2.1.2: the batch re-sent after a lost answer
    batch = [untimed() for _ in range(5)]
    ids = [s["id"] for s in batch]
    assert post(client, *batch).get_json() == ids
    pause()
    response = post(client, *batch)
    assert response.status_code == 200
    assert response.get_json() == ids
    assert event_count(app) == 5


def test_retry_of_a_batch_mixing_stored_and_new_statements_stores_the_new(client, app):
    # Communication 2.1.2: the stored ones are accepted unchanged, the new ones stored
    stored = [untimed() for _ in range(5)]
    assert post(client, *stored).status_code == 200
    before = {s["id"]: stored_statement(client, s["id"]) for s in stored}
    fresh = [untimed() for _ in range(5)]
    mixed = [stored[0], fresh[0], stored[1], fresh[1], fresh[2], stored[2], stored[3], fresh[3],
             stored[4], fresh[4]]
    pause()
    response = post(client, *mixed)
    assert response.status_code == 200
    assert response.get_json() == [s["id"] for s in mixed]
    assert event_count(app) == 10
    assert {s["id"]: stored_statement(client, s["id"]) for s in stored} == before
    assert all(get_statement(client, s["id"]).status_code == 200 for s in fresh)


def test_retry_of_the_statement_as_the_lrs_returned_it_is_accepted(client, app):
    # Data 2.3.1: the sent stored and authority are overwritten, the LRS's timestamp and version kept
    statement = untimed()
    assert post(client, statement).status_code == 200
    returned = stored_statement(client, statement["id"])
    pause()
    assert put(client, returned).status_code == 204
    assert event_count(app) == 1
    assert stored_statement(client, statement["id"]) == returned


def test_retry_without_the_timestamp_it_was_first_sent_with_is_accepted(client, app):
    # Data 2.3.1: a timestamp one side lacks is ignored
    statement = f.statement()
    assert put(client, statement).status_code == 204
    del statement["timestamp"]
    assert put(client, statement).status_code == 204
    assert event_count(app) == 1


def test_retry_with_the_timestamp_written_at_another_offset_is_accepted(client, app):
    # Data 2.3.1, 4.5: the same instant; under 2.0 it is stored in UTC (9274.1.1 4.2.7)
    statement = f.statement(timestamp="2026-11-03T11:15:00.000+01:00")
    assert put(client, statement).status_code == 204
    pause()
    assert put(client, statement).status_code == 204
    assert put(client, {**statement, "timestamp": "2026-11-03T10:15:00Z"}).status_code == 204
    assert event_count(app) == 1


def test_retry_with_a_different_timestamp_than_was_sent_is_a_conflict(client, app):
    # Data 2.3.1: a timestamp both sides sent is compared
    statement = f.statement()
    assert put(client, statement).status_code == 204
    response = put(client, {**statement, "timestamp": "2026-11-03T10:16:00.000Z"})
    assert response.status_code == 409
    assert event_count(app) == 1


def test_retry_with_a_different_version_than_was_sent_is_a_conflict_under_1_0_3(
    client, app, xapi_version
):
    # Data 2.3.1 under 1.0.3; 2.0 lets the LRS assign version (9274.1.1 4.2), so it is not compared
    statement = untimed(version="1.0.0")
    assert put(client, statement).status_code == 204
    response = put(client, {**statement, "version": "1.0.3"})
    assert response.status_code == (409 if xapi_version == "1.0.3" else 204)
    assert event_count(app) == 1


def test_retry_with_different_content_is_a_conflict_and_stores_nothing_of_the_request(client, app):
    # Communication 2.1.2: 409, and the request's new statements are not stored either
    stored = untimed()
    assert post(client, stored).status_code == 200
    first = stored_statement(client, stored["id"])
    fresh = untimed()
    changed = {**stored, "verb": {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}}
    response = post(client, fresh, changed)
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["rule"] == "statement-conflict"
    assert event_count(app) == 1
    assert get_statement(client, fresh["id"]).status_code == 404
    assert stored_statement(client, stored["id"]) == first


def test_retry_put_with_different_content_is_a_conflict(client, app):
    # Communication 2.1.1: 409 when the statements do not match
    statement = untimed()
    assert put(client, statement).status_code == 204
    changed = {**statement, "result": {**statement["result"], "success": False}}
    assert put(client, changed).status_code == 409
    assert event_count(app) == 1


def test_retry_sent_sixteen_times_at_once_succeeds_every_time_with_one_event(client, app):
    # Communication 2.1.2: concurrent identical sends; the store's unique key decides
    statement = untimed()
    statuses: list[int] = []
    start = threading.Barrier(16)

    def send() -> None:
        own = XAPIClient(app.test_client(), "", "")
        own.headers = dict(client.headers)
        start.wait()
        response = own.post(STATEMENTS, json=statement)
        assert response.get_json() == [statement["id"]]
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 16
    assert event_count(app) == 1


def test_retry_of_a_statement_with_attachments_answers_200_and_stores_the_content_once(client, app):
    # Communication 1.5.2, 2.1.2: the multipart request re-sent; content is kept once per sha2
    pdf = f.certificate_pdf()
    statement = untimed(attachments=[f.attached(pdf)])
    assert client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf))).status_code == 200
    pause()
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [statement["id"]]
    assert event_count(app) == 1
    with app.extensions["lrs"].store.db.read() as cur:
        assert cur.execute("SELECT COUNT(*) AS n FROM xapi_attachment").fetchone()["n"] == 1
