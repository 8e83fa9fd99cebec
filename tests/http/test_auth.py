"""Authentication (Communication 4.0, HTTP Basic), scopes (Communication 4.2)
and the authority the LRS asserts (Data 2.4.9)."""

from __future__ import annotations

import base64
import dataclasses
import time

import pytest

from tests import factories as f
from tests.http.support import (
    PUBLIC_URL,
    STATEMENTS,
    credential_key,
    event_count,
    get_statement,
    post_statements,
    query_ids,
    stored_statement,
)


@pytest.fixture
def settings(settings):
    """The test settings with a short credential cache (LRS_CREDENTIAL_CACHE_SECONDS),
    so that a revocation can be seen to take effect without a long wait."""
    return dataclasses.replace(settings, credential_cache_seconds=0.2)


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


# --------------------------------------------------------------- authentication


def test_auth_without_credentials_is_401_with_a_challenge(client, app):
    # Communication 3.2: 401 "authentication is required"; RFC 7235: with WWW-Authenticate
    response = client.post(STATEMENTS, json=f.statement(), headers={"Authorization": None})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert event_count(app) == 0


def test_auth_with_a_wrong_secret_is_401(client, app):
    # Communication 3.2: 401 when "the given credentials have been refused"
    wrong = basic(credential_key(client), "not-the-secret")
    response = client.post(STATEMENTS, json=f.statement(), headers={"Authorization": wrong})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert event_count(app) == 0


def test_auth_with_an_unknown_key_is_401(client):
    # Communication 3.2: refused credentials are 401
    response = client.get(STATEMENTS, headers={"Authorization": basic("nobody", "secret")})
    assert response.status_code == 401


def test_auth_with_malformed_basic_credentials_is_401(client):
    # Communication 4.0 (RFC 7235): credentials that cannot be read are refused
    response = client.get(STATEMENTS, headers={"Authorization": "Basic ***"})
    assert response.status_code == 401


def test_auth_with_a_revoked_credential_is_401(make_client, app):
    # Communication 3.2: the LRS can revoke credentials; they are then refused
    client = make_client(("all",))
    assert app.extensions["lrs"].credentials.revoke(credential_key(client))
    response = client.post(STATEMENTS, json=f.statement())
    assert response.status_code == 401
    assert event_count(app) == 0


def test_auth_revocation_of_a_credential_in_use_takes_effect_after_the_cache_time(
    client, app, settings
):
    # Communication 3.2: revoked credentials are refused (after LRS_CREDENTIAL_CACHE_SECONDS)
    assert client.get(STATEMENTS).status_code == 200
    assert app.extensions["lrs"].credentials.revoke(credential_key(client))
    time.sleep(settings.credential_cache_seconds + 0.05)
    response = client.get(STATEMENTS)
    assert response.status_code == 401


# ---------------------------------------------------------------------- scopes


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_auth_writing_without_a_statements_write_scope_is_403(make_client, app, method):
    # Communication 3.2 and 4.2: credentials without permission for the request get 403
    client = make_client(("state",))
    statement = f.statement()
    response = client.request(
        method, STATEMENTS, json=statement, query_string={"statementId": statement["id"]}
        if method == "PUT" else {}
    )
    assert response.status_code == 403
    assert event_count(app) == 0


@pytest.mark.parametrize("scope", ["statements/write", "state"])
def test_auth_reading_without_a_read_scope_is_403(make_client, client, scope):
    # Communication 3.2 and 4.2: statements/write or state alone do not read statements
    [statement_id] = post_statements(client, f.statement())
    reader = make_client((scope,))
    assert reader.get(STATEMENTS).status_code == 403
    assert get_statement(reader, statement_id).status_code == 403


def test_auth_all_read_reads_but_does_not_write(make_client, client, app):
    # Communication 4.2: all/read is "unrestricted read access"
    [statement_id] = post_statements(client, f.statement())
    reader = make_client(("all/read",))
    assert query_ids(reader) == [statement_id]
    events = event_count(app)
    assert reader.post(STATEMENTS, json=f.statement()).status_code == 403
    assert event_count(app) == events


def test_auth_read_mine_queries_only_its_own_statements(make_client, client):
    # Communication 4.2: statements/read/mine reads statements whose authority is "me"
    mine = make_client(("statements/write", "statements/read/mine"))
    post_statements(client, f.statement())
    [own] = post_statements(mine, f.statement())
    assert query_ids(mine) == [own]
    assert len(query_ids(client)) == 2


def test_auth_read_mine_pages_only_through_its_own_statements(make_client, client):
    # Communication 4.2: the restriction holds on every page of a more IRL
    mine = make_client(("statements/write", "statements/read/mine"))
    own = post_statements(mine, *(f.statement() for _ in range(3)))
    post_statements(client, *(f.statement() for _ in range(3)))
    result = mine.get(STATEMENTS, query_string={"limit": "2"}).get_json()
    found = [s["id"] for s in result["statements"]]
    while result["more"]:
        result = mine.get(result["more"]).get_json()
        found += [s["id"] for s in result["statements"]]
    assert found == own[::-1]


def test_auth_read_mine_gets_its_own_statement_by_id(make_client):
    # Communication 4.2: statements/read/mine reads statements it wrote
    mine = make_client(("statements/write", "statements/read/mine"))
    [own] = post_statements(mine, f.statement())
    assert get_statement(mine, own).status_code == 200


def test_auth_read_mine_does_not_get_another_authority_statement_by_id(make_client, client):
    # Communication 4.2: other statements are not "mine" (as if absent: 404)
    mine = make_client(("statements/write", "statements/read/mine"))
    [other] = post_statements(client, f.statement())
    assert get_statement(mine, other).status_code == 404


def test_auth_read_mine_does_not_get_another_authority_voided_statement(make_client, client):
    # Communication 4.2: voidedStatementId is restricted like statementId
    mine = make_client(("statements/write", "statements/read/mine"))
    target = f.statement()
    post_statements(client, target, f.voiding(target["id"], id=f.statement()["id"]))
    response = mine.get(STATEMENTS, query_string={"voidedStatementId": target["id"]})
    assert response.status_code == 404


# ------------------------------------------------------------------- authority


def test_auth_authority_is_overwritten_from_the_credential(make_client):
    # Data 2.4.9: the LRS SHOULD overwrite the authority based on the credentials used
    client = make_client(("all",), label="Mentoring app")
    forged = {"objectType": "Agent", "mbox": "mailto:registrar@example.org"}
    statement = f.statement(authority=forged)
    post_statements(client, statement)
    authority = stored_statement(client, statement["id"])["authority"]
    assert authority["account"] == {"homePage": PUBLIC_URL, "name": credential_key(client)}
    assert "mbox" not in authority


def test_auth_authority_differs_between_credentials(make_client):
    # Data 2.4.9: the authority is "based on the credentials used to send those Statements"
    first, second = make_client(("all",)), make_client(("all",))
    [a] = post_statements(first, f.statement())
    [b] = post_statements(second, f.statement())
    assert stored_statement(first, a)["authority"] != stored_statement(first, b)["authority"]
