"""Roles (named sets of scopes) against every API that exists: the xAPI resources,
``/auth/token`` and the admin API for credentials, with Basic and with Bearer."""

from __future__ import annotations

from typing import Any

import jwt
import orjson
import pytest

from lrs.credentials import ROLES
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, bearer_client, token_for

ACTIVITY_ID = f.activity()["id"]
AGENT = orjson.dumps(f.agent()).decode()


def read_statements(client: Any) -> Any:
    return client.get(STATEMENTS)


def write_statements(client: Any) -> Any:
    return client.post(STATEMENTS, json=f.statement())


def write_state(client: Any) -> Any:
    return client.put("/xapi/activities/state", json={"step": 1}, query_string={
        "activityId": ACTIVITY_ID, "agent": AGENT, "stateId": "progress"})


def read_profiles(client: Any) -> Any:
    return client.get("/xapi/activities/profile", query_string={"activityId": ACTIVITY_ID})


def manage_credentials(client: Any) -> Any:
    return client.get("/admin/credentials")


REQUESTS = {
    "read_statements": read_statements,
    "write_statements": write_statements,
    "write_state": write_state,
    "read_profiles": read_profiles,
    "manage_credentials": manage_credentials,
}
# role -> request -> status
ALLOWED = {
    "provider": {"write_statements": 200, "write_state": 204, "read_profiles": 200},
    "reader": {"read_statements": 200, "read_profiles": 200},
    "coordinator": {},
    "auditor": {},
    "admin": {"manage_credentials": 200},
}
CASES = [
    pytest.param(role, name, ALLOWED[role].get(name, 403), id=f"{role}-{name}")
    for role in ROLES for name in REQUESTS
]


def role_client(app: Any, role: str) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role=role)
    return XAPIClient(app.test_client(), credential.key, secret)


@pytest.mark.parametrize(("role", "request_name", "status"), CASES)
def test_roles_with_basic_credentials_get_what_the_role_allows(app, role, request_name, status):
    response = REQUESTS[request_name](role_client(app, role))
    assert response.status_code == status, response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "request_name", "status"), CASES)
def test_roles_with_a_bearer_token_get_what_the_role_allows(app, role, request_name, status):
    response = REQUESTS[request_name](bearer_client(role_client(app, role)))
    assert response.status_code == status, response.get_data(as_text=True)


@pytest.mark.parametrize("role", list(ROLES))
def test_roles_every_role_can_get_a_token_carrying_its_scopes(app, role):
    client = role_client(app, role)
    response = client.flask.post("/auth/token", headers={"Authorization": client.headers["Authorization"]})
    assert response.status_code == 200
    assert set(response.get_json()["scope"].split()) == ROLES[role]


def test_roles_are_sets_of_scopes():
    assert ROLES["provider"] == {"statements/write", "state", "profile"}
    assert ROLES["reader"] == {"all/read"}
    assert ROLES["coordinator"] == {"coordinator/read"}
    assert ROLES["auditor"] == {"audit/read"}
    assert ROLES["admin"] == {"admin"}


def test_roles_credential_records_its_role(app):
    credential, _ = app.extensions["lrs"].credentials.create(role="provider")
    assert credential.as_dict()["role"] == "provider"
    assert app.extensions["lrs"].credentials.get(credential.key).role == "provider"


def test_roles_scope_all_does_not_grant_credential_management(client):
    assert manage_credentials(client).status_code == 403


def test_roles_missing_scope_is_403_without_a_challenge(app):
    response = read_statements(role_client(app, "auditor"))
    assert response.status_code == 403 and "WWW-Authenticate" not in response.headers


def test_roles_token_scopes_are_those_of_the_role(app):
    token = token_for(role_client(app, "reader"))
    assert jwt.decode(token, options={"verify_signature": False})["scope"] == "all/read"
