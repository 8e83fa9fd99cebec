"""Rejected requests: 400 with every error, 409, and nothing stored
(Communication 2.1.1-2.1.3, 3.2; Data 2.2, 2.3.1)."""

from __future__ import annotations

import uuid

import pytest

from tests import factories as f
from tests.http.support import (
    STATEMENTS,
    errors_of,
    event_count,
    get_statement,
    parameters,
    post_statements,
    stored_statement,
)

# -------------------------------------------------------------- invalid statements


def test_errors_invalid_statement_is_400_with_the_path_and_rule(client, app):
    # Communication 3.2: 400 for "invalid Object structures"; STYLE: errors with path and rule
    statement = f.statement()
    statement["context"]["instructor"]["mbox"] = "grace.mentor@example.org"
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]
    assert errors_of(response) == [("context.instructor.mbox", "mbox-mailto-iri")]
    assert body["errors"][0]["message"]
    assert event_count(app) == 0


def test_errors_invalid_statement_lists_every_error(client):
    # Communication 3.2 (STYLE): validation does not stop at the first error
    statement = f.statement()
    statement["actor"]["mbox"] = "ada.mentee@example.org"
    statement["verb"]["id"] = "attended"
    statement["result"]["score"]["scaled"] = 1.5
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 400
    assert {path for path, _ in errors_of(response)} == {
        "actor.mbox",
        "verb.id",
        "result.score.scaled",
    }


def test_errors_invalid_statement_in_a_batch_is_named_by_its_index(client):
    # Communication 3.2: the error names the statement of the batch it is in
    bad = f.statement()
    bad["context"]["instructor"]["mbox"] = "grace.mentor@example.org"
    response = client.post(STATEMENTS, json=[f.statement(), bad])
    assert response.status_code == 400
    assert errors_of(response) == [("[1].context.instructor.mbox", "mbox-mailto-iri")]


def test_errors_batch_with_one_invalid_statement_stores_nothing(client, app):
    # Communication 3.2: "MUST reject a batch of statements if any Statement ... is rejected"
    good = f.statement()
    bad = f.statement(verb={"id": "attended"})
    response = client.post(STATEMENTS, json=[good, bad])
    assert response.status_code == 400
    assert event_count(app) == 0
    assert get_statement(client, good["id"]).status_code == 404


def test_errors_batch_with_duplicate_ids_is_400_and_stores_nothing(client, app):
    # Communication 2.1.2: two Statements with the same id: SHOULD* reject the batch with 400
    statement = f.statement()
    twin = {**f.statement(), "id": statement["id"]}
    response = client.post(STATEMENTS, json=[statement, f.statement(), twin])
    assert response.status_code == 400
    assert [path for path, _ in errors_of(response)] == ["[2].id"]
    assert event_count(app) == 0


def test_errors_batch_with_duplicate_ids_differing_in_case_is_400(client, app):
    # Communication 2.1.2 with Data 4.4: the same UUID written in another case is the same id
    statement = f.statement()
    twin = {**statement, "id": statement["id"].upper()}
    response = client.post(STATEMENTS, json=[statement, twin])
    assert response.status_code == 400
    assert event_count(app) == 0


def test_errors_batch_conflicting_with_a_stored_statement_is_409_and_stores_nothing(client, app):
    # Communication 2.1.2: 409 when a stored id has a different statement; 3.2: all or nothing
    stored = f.statement()
    post_statements(client, stored)
    events = event_count(app)
    new = f.statement()
    different = {**stored, "verb": {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}}
    response = client.post(STATEMENTS, json=[new, different])
    assert response.status_code == 409
    assert event_count(app) == events
    assert get_statement(client, new["id"]).status_code == 404
    assert stored_statement(client, stored["id"])["verb"]["id"] == f.VERB_ATTENDED


def test_errors_equivalent_repost_is_accepted_and_adds_no_event(client, app):
    # Communication 2.1.2: a known id MUST NOT modify the LRS; Data 2.3.1: equivalent statements
    statement = f.statement()
    post_statements(client, statement)
    first = stored_statement(client, statement["id"])
    events = event_count(app)
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 200
    assert response.get_json() == [statement["id"]]
    assert event_count(app) == events
    assert stored_statement(client, statement["id"]) == first


def test_errors_batch_with_an_equivalent_repost_stores_only_the_new_statements(client, app):
    # Communication 2.1.2: the known statement is a no-op; the others are stored
    statement = f.statement()
    post_statements(client, statement)
    events = event_count(app)
    new = f.statement()
    assert post_statements(client, new, statement) == [new["id"], statement["id"]]
    assert event_count(app) == events + 1
    assert get_statement(client, new["id"]).status_code == 200


# ------------------------------------------------------------------------ bodies


def test_errors_body_that_is_not_json_is_400(client, app):
    # Communication 3.2: "invalid arguments" include malformed JSON
    response = client.post(
        STATEMENTS, data=b"{'actor': 'Ada'}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert event_count(app) == 0


def test_errors_body_that_is_neither_a_statement_nor_an_array_is_400(client, app):
    # Communication 2.1.2: the content is a Statement or an array of Statements
    response = client.post(STATEMENTS, json="Ada attended a session")
    assert response.status_code == 400
    assert event_count(app) == 0


def test_errors_body_with_a_content_type_that_does_not_match_is_400(client, app):
    # Communication 3.2: SHOULD* reject when the content type does not match the content
    response = client.post(
        STATEMENTS, data=b'{"actor": {}}', headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert event_count(app) == 0


def test_errors_attachment_without_file_url_in_application_json_is_400(client, app):
    # Communication 1.5.1: an application/json request has no attachment data, so fileUrl is needed
    attachment = f.attachment()
    del attachment["fileUrl"]
    response = client.post(STATEMENTS, json=f.statement(attachments=[attachment]))
    assert response.status_code == 400
    assert [path for path, _ in errors_of(response)] == ["attachments[0].fileUrl"]
    assert event_count(app) == 0


def test_errors_post_with_a_query_parameter_is_400(client, app):
    # Communication 3.2: 400 for parameters not recognized in their context
    response = client.post(STATEMENTS, json=f.statement(), query_string={"statementId": "x"})
    assert response.status_code == 400
    assert [path for path, _ in errors_of(response)] == ["statementId"]
    assert event_count(app) == 0


# -------------------------------------------------------------- query parameters

STATEMENT_ID = str(uuid.uuid4())


@pytest.mark.parametrize(
    ("params", "path"),
    [
        pytest.param({"foo": "bar"}, "foo", id="unknown-parameter"),
        pytest.param({"Verb": f.VERB_ATTENDED}, "Verb", id="parameter-in-another-case"),
        pytest.param(
            {"statementId": STATEMENT_ID, "voidedStatementId": STATEMENT_ID},
            "voidedStatementId",
            id="statementId-with-voidedStatementId",
        ),
        pytest.param(
            {"statementId": STATEMENT_ID, "verb": f.VERB_ATTENDED}, "verb",
            id="statementId-with-a-filter",
        ),
        pytest.param(
            {"voidedStatementId": STATEMENT_ID, "agent": f.agent()}, "agent",
            id="voidedStatementId-with-a-filter",
        ),
        pytest.param({"statementId": "42"}, "statementId", id="statementId-not-a-uuid"),
        pytest.param({"agent": "{'mbox': 'mailto:ada@example.org'}"}, "agent", id="agent-not-json"),
        pytest.param({"agent": {"name": "Ada"}}, "agent", id="agent-without-identifier"),
        pytest.param({"verb": "attended"}, "verb", id="verb-not-an-iri"),
        pytest.param(
            {"registration": "registration-7"}, "registration", id="registration-not-uuid"
        ),
        pytest.param({"since": "last tuesday"}, "since", id="since-not-a-timestamp"),
        pytest.param({"until": "2026-13-01T00:00:00Z"}, "until", id="until-not-a-timestamp"),
        pytest.param({"limit": "-1"}, "limit", id="negative-limit"),
        pytest.param({"ascending": "yes"}, "ascending", id="ascending-not-a-boolean"),
        pytest.param({"format": "full"}, "format", id="format-unknown"),
        pytest.param({"more": "not-a-cursor"}, "more", id="more-not-issued-by-the-lrs"),
    ],
)
def test_errors_bad_query_parameter_is_400_naming_it(client, params, path):
    # Communication 2.1.3 and 3.2: 400 for invalid or unrecognized parameters
    response = client.get(STATEMENTS, query_string=parameters(**params))
    assert response.status_code == 400
    assert [error_path.split(".")[0] for error_path, _ in errors_of(response)] == [path]
