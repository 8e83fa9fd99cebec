"""PUT /statements: one statement stored under the given id (Communication 2.1.1)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests import factories as f
from tests.http.support import (
    STATEMENTS,
    errors_of,
    event_count,
    get_statement,
    stored_statement,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def put(client: Any, statement: dict[str, Any], statement_id: str | None = None) -> Any:
    return client.put(
        STATEMENTS,
        query_string={"statementId": statement_id or statement["id"]},
        json=statement,
    )


def test_statements_put_stores_the_statement_and_answers_204(client):
    # Communication 2.1.1: Returns 204 No Content
    statement = f.statement()
    response = put(client, statement)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert stored_statement(client, statement["id"])["actor"] == statement["actor"]


def test_statements_put_without_an_id_in_the_body_stores_it_under_the_statement_id(client):
    # Communication 2.1.1: "Stores a single Statement with the given id"
    statement = f.statement()
    statement_id = statement.pop("id")
    assert put(client, statement, statement_id).status_code == 204
    assert stored_statement(client, statement_id)["id"] == statement_id


def test_statements_put_without_statement_id_is_rejected(client, app):
    # Communication 2.1.1: statementId is Required
    response = client.put(STATEMENTS, json=f.statement())
    assert response.status_code == 400
    assert errors_of(response) == [("statementId", "required")]
    assert event_count(app) == 0


def test_statements_put_with_a_statement_id_that_is_not_a_uuid_is_rejected(client, app):
    # Data 2.4.1: a statement id is a UUID in standard string form
    statement = f.statement()
    del statement["id"]
    response = put(client, statement, "session-2026-11-03")
    assert response.status_code == 400
    assert errors_of(response) == [("statementId", "uuid")]
    assert event_count(app) == 0


def test_statements_put_with_a_different_id_in_the_body_is_rejected(client, app):
    # Communication 2.1.1: the "id" property MUST match the "statementId" parameter
    statement = f.statement()
    other_id = str(uuid.uuid4())
    response = put(client, statement, other_id)
    assert response.status_code == 400
    assert errors_of(response) == [("id", "statement-id-mismatch")]
    assert event_count(app) == 0
    assert get_statement(client, other_id).status_code == 404


def test_statements_put_of_an_equivalent_statement_is_accepted_without_change(client, app):
    # Communication 2.1.1: a known id MUST NOT modify the LRS's state (204 or 409)
    statement = f.statement()
    assert put(client, statement).status_code == 204
    first = stored_statement(client, statement["id"])
    events = event_count(app)
    assert put(client, statement).status_code == 204
    assert event_count(app) == events
    assert stored_statement(client, statement["id"]) == first


def test_statements_put_ignores_differences_allowed_by_immutability_exceptions(client, app):
    # Data 2.3.1: verb display and activity definitions are not part of the statement
    statement = f.statement()
    assert put(client, statement).status_code == 204
    events = event_count(app)
    statement["verb"]["display"] = {"en-GB": "attended"}
    statement["object"]["definition"]["name"] = {"en-GB": "Mentoring meeting"}
    assert put(client, statement).status_code == 204
    assert event_count(app) == events


def test_statements_put_of_a_different_statement_under_a_stored_id_is_a_conflict(client, app):
    # Communication 2.1.1: SHOULD return 409 Conflict if they do not match
    statement = f.statement()
    assert put(client, statement).status_code == 204
    first = stored_statement(client, statement["id"])
    events = event_count(app)
    changed = {**statement, "verb": {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}}
    assert put(client, changed).status_code == 409
    assert event_count(app) == events
    assert stored_statement(client, statement["id"]) == first


def test_statements_put_treats_a_differently_written_duration_as_a_conflict(client):
    # Data 2.3.1: result duration is compared as a string ("PT45M" is not "PT2700S")
    statement = f.statement()
    assert put(client, statement).status_code == 204
    statement["result"]["duration"] = "PT2700S"
    assert put(client, statement).status_code == 409
