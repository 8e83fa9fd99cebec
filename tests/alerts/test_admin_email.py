"""An account's e-mail address for the digest over the admin API (issue 21 point 8), on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import XAPIClient

ACCOUNTS = "/admin/accounts"


@pytest.fixture
def admin(app: Any) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role="admin")
    return XAPIClient(app.test_client(), credential.key, secret)


def test_an_account_is_created_with_an_address_and_it_is_changed(admin: XAPIClient) -> None:
    created = admin.post(ACCOUNTS, json={"name": "carol", "display_name": "Carol", "role": "coordinator",
                                         "email": "carol@example.org"})
    assert created.status_code == 201 and created.json["email"] == "carol@example.org"
    changed = admin.post(f"{ACCOUNTS}/carol/email", json={"email": "c@example.org"})
    assert changed.status_code == 200 and admin.get(f"{ACCOUNTS}/carol").json["email"] == "c@example.org"


def test_a_bad_address_is_a_400_naming_the_field(admin: XAPIClient) -> None:
    created = admin.post(ACCOUNTS, json={"name": "carol", "display_name": "Carol", "role": "coordinator",
                                         "email": "carol"})
    assert created.status_code == 400 and created.json["errors"][0]["path"] == "email"
    admin.post(ACCOUNTS, json={"name": "carol", "display_name": "Carol", "role": "coordinator"})
    for body in ({"email": 5}, {"email": "a@b"}, {}, {"email": "a@example.org", "other": 1}):
        response = admin.post(f"{ACCOUNTS}/carol/email", json=body)
        assert response.status_code == 400, body
        assert {e["path"] for e in response.json["errors"]} & {"email", "other"}


def test_the_address_of_no_account_is_a_404(admin: XAPIClient) -> None:
    assert admin.post(f"{ACCOUNTS}/nobody/email", json={"email": "a@example.org"}).status_code == 404
