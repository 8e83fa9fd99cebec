"""The admin API for credentials: /admin/credentials (scope ``admin``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import XAPIClient
from tests.http.support import (
    STATEMENTS,
    bearer_client,
    credential_key,
    errors_of,
    token_for,
)

CREDENTIALS = "/admin/credentials"


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def create(admin: XAPIClient, **body: Any) -> Any:
    return admin.post(CREDENTIALS, json=body)


def basic_client(app: Any, created: dict[str, Any]) -> XAPIClient:
    return XAPIClient(app.test_client(), created["key"], created["secret"])


# -------------------------------------------------------------------------- create


def test_admin_create_with_a_role_returns_the_credential_and_its_secret(admin):
    response = create(admin, role="provider", label="Mentoring app")
    assert response.status_code == 201
    body = response.get_json()
    assert body["role"] == "provider" and body["label"] == "Mentoring app"
    assert body["scopes"] == ["profile", "state", "statements/write"]
    assert body["secret"] and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Location"].endswith(f"{CREDENTIALS}/{body['key']}")


def test_admin_create_with_scopes(admin):
    body = create(admin, scopes=["statements/read", "state"]).get_json()
    assert body["role"] is None and body["scopes"] == ["state", "statements/read"]


def test_admin_created_credential_authenticates_with_its_secret(admin, app):
    created = create(admin, role="reader").get_json()
    assert basic_client(app, created).get(STATEMENTS).status_code == 200


def test_admin_secret_is_shown_only_when_created(admin):
    created = create(admin, role="reader").get_json()
    assert created["secret"] not in admin.get(f"{CREDENTIALS}/{created['key']}").get_data(as_text=True)
    assert created["secret"] not in admin.get(CREDENTIALS).get_data(as_text=True)


def test_admin_create_with_an_unknown_role_is_400(admin):
    response = create(admin, role="superuser")
    assert response.status_code == 400
    assert errors_of(response) == [("role", "role")]


def test_admin_create_with_an_unknown_scope_is_400_naming_it(admin):
    response = create(admin, scopes=["state", "everything"])
    assert response.status_code == 400
    assert errors_of(response) == [("scopes[1]", "scope")]


def test_admin_create_with_a_role_and_scopes_is_400(admin):
    response = create(admin, role="reader", scopes=["state"])
    assert response.status_code == 400
    assert ("", "role-or-scopes") in errors_of(response)


def test_admin_create_with_neither_role_nor_scopes_is_400(admin):
    response = create(admin, label="nothing granted")
    assert response.status_code == 400
    assert errors_of(response) == [("role", "required")]


def test_admin_create_with_an_unknown_field_is_400(admin):
    response = create(admin, role="reader", secret="chosen-by-me")
    assert response.status_code == 400
    assert errors_of(response) == [("secret", "unknown-field")]


def test_admin_create_reports_every_error(admin):
    response = create(admin, role=["admin"], label=7, key="mine")
    assert response.status_code == 400
    assert set(errors_of(response)) == {("key", "unknown-field"), ("role", "role"), ("label", "label")}


def test_admin_create_with_a_body_that_is_not_json_is_400(admin):
    response = admin.post(CREDENTIALS, data="role=admin", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_admin_create_with_a_json_array_is_400(admin):
    response = admin.post(CREDENTIALS, json=["admin"])
    assert response.status_code == 400
    assert errors_of(response) == [("", "object")]


# ---------------------------------------------------------------------- list, read


def test_admin_list_never_shows_secrets_or_hashes(admin):
    create(admin, role="reader")
    response = admin.get(CREDENTIALS)
    assert response.status_code == 200
    listed = response.get_json()["credentials"]
    assert len(listed) == 2
    assert all("secret" not in c and "secret_hash" not in c for c in listed)
    assert "scrypt" not in response.get_data(as_text=True)


def test_admin_read_one_credential(admin):
    created = create(admin, role="auditor").get_json()
    response = admin.get(f"{CREDENTIALS}/{created['key']}")
    assert response.status_code == 200
    assert response.get_json() == {k: v for k, v in created.items() if k != "secret"}


def test_admin_read_an_unknown_credential_is_404(admin):
    response = admin.get(f"{CREDENTIALS}/nobody")
    assert response.status_code == 404 and response.get_json()["error"]


# -------------------------------------------------------------------------- revoke


def test_admin_revoke_refuses_the_credential_afterwards(admin, app):
    created = create(admin, role="reader").get_json()
    response = admin.post(f"{CREDENTIALS}/{created['key']}/revoke")
    assert response.status_code == 200 and response.get_json()["revoked_at"]
    assert basic_client(app, created).get(STATEMENTS).status_code == 401


def test_admin_revoke_refuses_the_tokens_issued_before(admin, app):
    created = create(admin, role="reader").get_json()
    reader = bearer_client(basic_client(app, created))
    assert reader.get(STATEMENTS).status_code == 200
    admin.post(f"{CREDENTIALS}/{created['key']}/revoke")
    assert reader.get(STATEMENTS).status_code == 401


def test_admin_revoke_an_unknown_credential_is_404(admin):
    assert admin.post(f"{CREDENTIALS}/nobody/revoke").status_code == 404


def test_admin_revoke_twice_is_404(admin):
    created = create(admin, role="reader").get_json()
    admin.post(f"{CREDENTIALS}/{created['key']}/revoke")
    assert admin.post(f"{CREDENTIALS}/{created['key']}/revoke").status_code == 404


# -------------------------------------------------------------------------- rotate


def test_admin_rotate_returns_a_new_secret_and_refuses_the_old(admin, app):
    created = create(admin, role="reader").get_json()
    response = admin.post(f"{CREDENTIALS}/{created['key']}/rotate")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    rotated = response.get_json()
    assert rotated["secret"] != created["secret"] and rotated["secret_rotated_at"]
    assert basic_client(app, created).get(STATEMENTS).status_code == 401
    assert basic_client(app, rotated).get(STATEMENTS).status_code == 200


def test_admin_rotate_refuses_tokens_issued_before_and_accepts_new_ones(admin, app):
    created = create(admin, role="reader").get_json()
    before = bearer_client(basic_client(app, created))
    rotated = admin.post(f"{CREDENTIALS}/{created['key']}/rotate").get_json()
    after = bearer_client(basic_client(app, rotated))
    assert before.get(STATEMENTS).status_code == 401
    assert after.get(STATEMENTS).status_code == 200


def test_admin_rotate_a_revoked_credential_is_404(admin):
    created = create(admin, role="reader").get_json()
    admin.post(f"{CREDENTIALS}/{created['key']}/revoke")
    assert admin.post(f"{CREDENTIALS}/{created['key']}/rotate").status_code == 404


# ------------------------------------------------------------------ authentication


def test_admin_api_without_credentials_is_401_with_challenges(admin):
    response = admin.get(CREDENTIALS, headers={"Authorization": None})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="xAPI", Bearer realm="xAPI"'


def test_admin_api_without_the_admin_scope_is_403(make_client):
    response = make_client(("all",)).post(CREDENTIALS, json={"role": "admin"})
    assert response.status_code == 403


def test_admin_api_accepts_a_bearer_token(admin):
    assert bearer_client(admin).get(CREDENTIALS).status_code == 200


def test_admin_can_revoke_a_credential_of_another_role(admin, make_client):
    other = make_client(("all",))
    assert admin.post(f"{CREDENTIALS}/{credential_key(other)}/revoke").status_code == 200
    assert other.get(STATEMENTS).status_code == 401


def test_admin_token_of_a_revoked_admin_cannot_manage_credentials(admin, app):
    token_client = bearer_client(admin, token_for(admin))
    app.extensions["lrs"].credentials.revoke(credential_key(admin))
    assert token_client.get(CREDENTIALS).status_code == 401
