"""xAPI 2.0.0 chosen per request: headers, About, the alternate syntax (9274.1.1 4.1.7)."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from lrs.app import create_app
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.document_support import STATE
from tests.http.support import STATEMENTS, errors_of, event_count, post_statements

VERSION = "X-Experience-API-Version"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def xapi_version() -> str:
    return "2.0.0"


@pytest.mark.parametrize("sent", ["2.0", "2.0.0"])
def test_v2_version_header_2_0_is_answered_as_2_0_0(client, sent):
    """9274.1.1 4.1.7: "2.0" is treated as "2.0.0"; the response carries "2.0.0" (CTS XAPI-00333)."""
    statement = f.statement()
    response = client.post(STATEMENTS, json=statement, headers={VERSION: sent})
    assert response.status_code == 200
    assert response.headers[VERSION] == "2.0.0"
    read = client.get(STATEMENTS, query_string={"statementId": statement["id"]},
                      headers={VERSION: sent})
    assert read.headers[VERSION] == "2.0.0"


@pytest.mark.parametrize("sent", ["2.0.1", "2.1.0", "3.0.0"])
def test_v2_version_header_of_a_later_version_is_a_400(client, app, sent):
    """9274.1.1 4.1.7: reject 2.1.0 and later (and undefined patches) with a short message."""
    response = client.post(STATEMENTS, json=f.statement(), headers={VERSION: sent})
    assert response.status_code == 400
    assert errors_of(response) == [(VERSION, "version-unsupported")]
    assert "1.0.3" in response.get_json()["error"] and "2.0.0" in response.get_json()["error"]
    assert event_count(app) == 0


def test_v2_version_header_is_on_a_401(client):
    """9274.1.1 4.1.7: every response, errors included, names the request's version."""
    response = client.get(STATEMENTS, headers={"Authorization": None})
    assert response.status_code == 401
    assert response.headers[VERSION] == "2.0.0"


def test_v2_version_header_is_on_a_404_of_routing(client):
    response = client.get("/xapi/no-such-resource")
    assert response.status_code == 404
    assert response.headers[VERSION] == "2.0.0"


def test_v2_version_header_is_on_a_400_of_a_document_resource(client):
    response = client.get(STATE, query_string={"stateId": "x"})
    assert response.status_code == 400
    assert response.headers[VERSION] == "2.0.0"


def test_v2_about_lists_2_0_0_and_answers_in_the_request_version(client):
    """9274.1.1 4.1.6.7 (CTS XAPI-00317): the version array contains "2.0.0"."""
    response = client.get("/xapi/about")
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]
    assert response.headers[VERSION] == "2.0.0"


def test_v2_cors_preflight_names_the_request_version(client):
    response = client.flask.options(STATEMENTS, headers={
        "Origin": "https://player.example.org", "Access-Control-Request-Method": "PUT",
        VERSION: "2.0.0"})
    assert response.status_code == 200
    assert response.headers[VERSION] == "2.0.0"


def test_v2_unversioned_requests_are_answered_with_the_configured_version(settings):
    """LRS_XAPI_UNVERSIONED_VERSION: the version named when a request selects none
    (the 2.0 suite expects "2.0.0" on a missing-header 400, XAPI-00331; the 1.0.3 suite "1.0.3")."""
    app = create_app(dataclasses.replace(settings, xapi_unversioned_version="2.0.0"))
    try:
        credential, secret = app.extensions["lrs"].credentials.create(scopes=("all",))
        client = XAPIClient(app.test_client(), credential.key, secret)
        missing = client.get(STATEMENTS, headers={VERSION: None})
        assert missing.status_code == 400
        assert missing.headers[VERSION] == "2.0.0"
        assert client.get("/xapi/about", headers={VERSION: None}).headers[VERSION] == "2.0.0"
        assert client.get("/xapi/about", headers={VERSION: "1.0.3"}).headers[VERSION] == "1.0.3"
    finally:
        app.extensions["lrs"].close()


def test_v2_unversioned_setting_must_name_a_served_version(settings):
    with pytest.raises(ValueError):
        create_app(dataclasses.replace(settings, xapi_unversioned_version="2.0"))


# ------------------------------------------------------- no alternate request syntax


@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_v2_alternate_syntax_is_refused(client, app, method):
    """Notes item 36 (CTS v2_0 H.Communication1.3): a request carrying ``method`` is a 4xx
    under 2.0, whatever it stands for, and nothing is stored."""
    statement = f.statement()
    form = {"statementId": statement["id"], "content": orjson.dumps(statement).decode()}
    response = client.post(STATEMENTS, query_string={"method": method}, data=form, headers=FORM)
    assert response.status_code == 400
    assert errors_of(response) == [("method", "alternate-not-allowed")]
    assert response.headers[VERSION] == "2.0.0"
    assert event_count(app) == 0


def test_v2_alternate_syntax_without_a_form_is_refused(client):
    """CTS v2_0: POST ?method=PUT without a form-encoded body is a 4xx too."""
    response = client.post(STATEMENTS, query_string={"method": "PUT"}, json=f.statement())
    assert 400 <= response.status_code < 500


def test_v2_alternate_syntax_with_version_2_0_in_the_form_is_refused(client, app):
    """Under the alternate syntax the version travels as a form field: 2.0 there is refused too."""
    statement = f.statement()
    form = {
        "statementId": statement["id"],
        "content": orjson.dumps(statement).decode(),
        "Authorization": client.headers["Authorization"],
        VERSION: "2.0.0",
    }
    response = client.post(STATEMENTS, query_string={"method": "PUT"}, data=form,
                           headers={**FORM, VERSION: None, "Authorization": None})
    assert response.status_code == 400
    assert errors_of(response) == [("method", "alternate-not-allowed")]
    assert response.headers[VERSION] == "2.0.0"
    assert event_count(app) == 0


def test_v2_a_put_with_a_method_parameter_is_refused(client, app):
    """CTS v2_0: PUT ?method=POST is a 4xx (an unknown parameter, 9274.1.1 4.1.5)."""
    statement = f.statement()
    response = client.put(STATEMENTS, query_string={"method": "POST", "statementId": statement["id"]},
                          json=statement)
    assert response.status_code == 400
    assert event_count(app) == 0


def test_v1_alternate_syntax_still_works_beside_2_0(make_client):
    """Communication 1.3: under 1.0.3 rules (form version 1.0.3) the syntax is served."""
    client = make_client()
    statement = f.statement()
    form = {
        "statementId": statement["id"],
        "content": orjson.dumps(statement).decode(),
        "Authorization": client.headers["Authorization"],
        VERSION: "1.0.3",
    }
    response = client.post(STATEMENTS, query_string={"method": "PUT"}, data=form,
                           headers={**FORM, VERSION: None, "Authorization": None})
    assert response.status_code == 204
    assert response.headers[VERSION] == "1.0.3"
    post_statements(client, f.statement())
