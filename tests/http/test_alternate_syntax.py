"""The alternate request syntax on every resource (Communication 1.3).

Requests are POSTs with the intended method as the only query parameter and a
form carrying the headers, the content and the other parameters.
"""

from __future__ import annotations

import dataclasses
import uuid

import orjson

from lrs.app import create_app
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.document_support import (
    ACTIVITIES,
    ACTIVITY_PROFILE,
    AGENTS,
    STATE,
    create,
    document_json,
    errors_of,
    event_count,
    params,
    state_params,
)
from tests.http.support import STATEMENTS, post_statements, stored_statement

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def alternate(client, path, method, form, headers=None):
    """POST path?method=METHOD with the form (headers stay in the HTTP header unless moved)."""
    return client.post(
        path, query_string={"method": method}, data=form, headers={**FORM, **(headers or {})}
    )


def form_headers(client):
    """The credentials and version as form parameters, and none in the HTTP header."""
    return (
        {"Authorization": client.headers["Authorization"], "X-Experience-API-Version": "1.0.3"},
        {"Authorization": None, "X-Experience-API-Version": None},
    )


def test_alternate_syntax_put_statement(client):
    # Communication 1.3: PUT issued as POST; content in the "content" form parameter; 204
    statement = f.statement()
    response = alternate(
        client,
        STATEMENTS,
        "PUT",
        {"statementId": statement["id"], "content": orjson.dumps(statement).decode()},
    )
    assert response.status_code == 204
    assert stored_statement(client, statement["id"])["verb"] == statement["verb"]


def test_alternate_syntax_headers_come_from_the_form(client):
    # Communication 1.3: Authorization and X-Experience-API-Version form parameters are headers
    statement = f.statement()
    moved, cleared = form_headers(client)
    response = alternate(
        client,
        STATEMENTS,
        "PUT",
        {**moved, "statementId": statement["id"], "content": orjson.dumps(statement).decode()},
        headers=cleared,
    )
    assert response.status_code == 204


def test_alternate_syntax_version_in_the_form_is_checked(client):
    # Communication 1.3 (conformance): a form X-Experience-API-Version of 0.8 is refused like a header
    statement = f.statement()
    response = alternate(
        client,
        STATEMENTS,
        "PUT",
        {
            "X-Experience-API-Version": "0.8",
            "statementId": statement["id"],
            "content": orjson.dumps(statement).decode(),
        },
    )
    assert response.status_code == 400


def test_alternate_syntax_post_statements(client):
    # Communication 1.3: POST issued with method=POST and the batch as content
    statement = f.statement()
    response = alternate(
        client, STATEMENTS, "POST", {"content": orjson.dumps([statement]).decode()}
    )
    assert response.status_code == 200
    assert response.get_json() == [statement["id"]]


def test_alternate_syntax_get_statements_with_parameters(client):
    # Communication 1.3: query parameters travel as form parameters (e.g. for long queries)
    completed = f.statement(verb={"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}})
    post_statements(client, completed, f.statement())
    response = alternate(client, STATEMENTS, "GET", {"verb": f.VERB_COMPLETED})
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["statements"]] == [completed["id"]]


def test_alternate_syntax_not_sent_as_post_is_400(client):
    # Communication 1.3: all xAPI requests issued with the syntax MUST be POST
    response = client.put(
        STATEMENTS,
        query_string={"method": "POST"},
        data={"content": orjson.dumps(f.statement()).decode()},
        headers=FORM,
    )
    assert response.status_code == 400
    assert errors_of(response) == [("method", "alternate-post-only")]


def test_alternate_syntax_with_other_query_parameters_is_400(client):
    # Communication 1.3: the client MUST NOT include other query string parameters
    statement_id = str(uuid.uuid4())
    response = client.post(
        STATEMENTS,
        query_string={"method": "PUT", "statementId": statement_id},
        data={"statementId": statement_id, "content": orjson.dumps(f.statement()).decode()},
        headers=FORM,
    )
    assert response.status_code == 400
    assert errors_of(response) == [("statementId", "alternate-query")]


def test_alternate_syntax_with_an_unknown_method_is_400(client):
    # Communication 1.3: the method parameter is the intended xAPI method
    response = alternate(client, STATEMENTS, "PATCH", {})
    assert response.status_code == 400
    assert errors_of(response) == [("method", "alternate-method")]


def test_alternate_syntax_body_that_is_not_a_form_is_400(client):
    # Communication 1.3: content is URL-encoded into a form parameter
    response = client.post(
        STATEMENTS,
        query_string={"method": "PUT"},
        data=orjson.dumps({"statementId": str(uuid.uuid4())}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("Content-Type", "alternate-form")]


def test_alternate_syntax_put_without_content_is_400(client, app):
    # Communication 1.3 (conformance): a PUT with no content body is refused; nothing stored
    events = event_count(app)
    response = alternate(client, STATEMENTS, "PUT", {"statementId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert event_count(app) == events


def test_alternate_syntax_refusal_has_cors_and_version_headers(client):
    # Communication 3.3 / CORS: the middleware's own errors are xAPI responses too
    response = alternate(
        client, STATEMENTS, "PATCH", {}, headers={"Origin": "https://courses.example.org"}
    )
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_alternate_syntax_put_state_document(client):
    # Communication 1.3 on the State resource: parameters and content from the form
    response = alternate(
        client, STATE, "PUT", {**state_params(), "content": orjson.dumps(f.bookmark()).decode()}
    )
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == f.bookmark()


def test_alternate_syntax_content_type_comes_from_the_form(client):
    # Communication 1.3: the Content-Type form parameter gives the type of the content
    alternate(
        client,
        STATE,
        "PUT",
        {**state_params(), "Content-Type": "text/plain", "content": "Slide 12, notes open"},
    )
    response = client.get(STATE, query_string=state_params())
    assert response.headers["Content-Type"] == "text/plain"
    assert response.data == b"Slide 12, notes open"


def test_alternate_syntax_content_is_utf8(client):
    # Communication 1.3: the LRS MUST interpret the content as a UTF-8 string
    alternate(
        client,
        STATE,
        "PUT",
        {**state_params(), "Content-Type": "text/plain", "content": "Séance notée ✓"},
    )
    assert client.get(STATE, query_string=state_params()).data == "Séance notée ✓".encode()


def test_alternate_syntax_get_state_document(client):
    # Communication 1.3: GET issued as POST
    create(client, STATE, state_params(), f.bookmark())
    response = alternate(client, STATE, "GET", state_params())
    assert response.status_code == 200
    assert orjson.loads(response.data) == f.bookmark()


def test_alternate_syntax_delete_state_document(client):
    # Communication 1.3: DELETE issued as POST
    create(client, STATE, state_params(), f.bookmark())
    response = alternate(client, STATE, "DELETE", state_params())
    assert response.status_code == 204
    assert client.get(STATE, query_string=state_params()).status_code == 404


def test_alternate_syntax_if_match_comes_from_the_form(client):
    # Communication 1.3: If-Match is one of the header form parameters (3.1 applies)
    query = params(activityId=f.SESSION, profileId="agenda")
    create(client, ACTIVITY_PROFILE, query, f.session_agenda())
    response = alternate(
        client,
        ACTIVITY_PROFILE,
        "PUT",
        {
            **query,
            "If-Match": '"' + "0" * 40 + '"',
            "content": orjson.dumps(f.session_agenda(durationMinutes=90)).decode(),
        },
    )
    assert response.status_code == 412


def test_alternate_syntax_if_none_match_comes_from_the_form(client):
    # Communication 1.3: If-None-Match is one of the header form parameters
    query = params(activityId=f.SESSION, profileId="agenda")
    response = alternate(
        client,
        ACTIVITY_PROFILE,
        "PUT",
        {**query, "If-None-Match": "*", "content": orjson.dumps(f.session_agenda()).decode()},
    )
    assert response.status_code == 204


def test_alternate_syntax_get_activity(client):
    # Communication 1.3 on the Activities resource
    response = alternate(client, ACTIVITIES, "GET", {"activityId": f.SESSION})
    assert response.get_json() == {"objectType": "Activity", "id": f.SESSION}


def test_alternate_syntax_get_agent(client):
    # Communication 1.3 on the Agents resource
    response = alternate(client, AGENTS, "GET", params(agent=f.agent()))
    assert response.get_json()["objectType"] == "Person"


def test_alternate_syntax_head_has_no_body(client):
    # Communication 1.1 and 1.3: HEAD issued as POST answers with headers only
    create(client, STATE, state_params(), f.bookmark())
    response = alternate(client, STATE, "HEAD", state_params())
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"]


def test_alternate_syntax_form_above_the_request_limit_is_413(settings):
    # Communication 3.2: 413 for a request larger than the LRS accepts, whatever its syntax
    app = create_app(dataclasses.replace(settings, max_request_bytes=256))
    try:
        credential, secret = app.extensions["lrs"].credentials.create(scopes=("all",))
        client = XAPIClient(app.test_client(), credential.key, secret)
        response = alternate(client, STATE, "PUT", {**state_params(), "content": "x" * 300})
        assert response.status_code == 413
    finally:
        app.extensions["lrs"].close()
