"""The admin API for accounts, /admin/accounts (issue 20, point 2), on both stores."""

from __future__ import annotations

from typing import Any

from tests.access.conftest import OTHER, PROGRAM
from tests.conftest import XAPIClient
from tests.dashboard.conftest import Browser

ACCOUNTS = "/admin/accounts"


def create(admin: XAPIClient, **body: Any) -> Any:
    return admin.post(ACCOUNTS, json={"name": "ada", "display_name": "Ada Lovelace", "role": "coordinator",
                                      **body})


def test_create_answers_the_account_and_its_one_time_password(admin: XAPIClient) -> None:
    response = create(admin)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert (body["name"], body["display_name"], body["role"], body["programs"]) == (
        "ada", "Ada Lovelace", "coordinator", "all")
    assert body["must_change_password"] and body["password"]
    assert response.headers["Location"].endswith(f"{ACCOUNTS}/ada")


def test_the_password_is_never_listed(admin: XAPIClient) -> None:
    password = create(admin).json["password"]
    listed = admin.get(ACCOUNTS).get_data(as_text=True) + admin.get(f"{ACCOUNTS}/ada").get_data(as_text=True)
    assert password not in listed and "password_hash" not in listed


def test_create_with_programs(admin: XAPIClient, two_programs: None) -> None:
    assert create(admin, programs=[PROGRAM]).json["programs"] == [PROGRAM]


def test_create_with_an_unknown_program_is_a_400(admin: XAPIClient, two_programs: None) -> None:
    response = create(admin, programs=["https://lrs.example.org/programs/typo"])
    assert response.status_code == 400 and response.json["errors"][0]["rule"] == "unknown-program"
    assert admin.get(f"{ACCOUNTS}/ada").status_code == 404


def test_create_names_every_bad_field(admin: XAPIClient) -> None:
    response = admin.post(ACCOUNTS, json={"name": "", "role": "boss", "colour": "red"})
    assert response.status_code == 400
    assert {(e["path"], e["rule"]) for e in response.json["errors"]} == {
        ("colour", "unknown-field"), ("name", "required"), ("display_name", "required"), ("role", "role")}


def test_a_taken_name_is_a_409(admin: XAPIClient) -> None:
    create(admin)
    assert create(admin).status_code == 409


def test_disable_ends_the_accounts_sessions(admin: XAPIClient, app: Any) -> None:
    password = create(admin).json["password"]
    browser = Browser(app.test_client())
    assert browser.sign_in("ada", password).status_code == 302
    assert admin.post(f"{ACCOUNTS}/ada/disable").json["disabled_at"] is not None
    assert browser.get("/dashboard/password").status_code == 302  # back to sign-in
    assert browser.sign_in("ada", password).status_code == 401


def test_reset_answers_a_new_password_and_ends_the_sessions(admin: XAPIClient, app: Any) -> None:
    first = create(admin).json["password"]
    browser = Browser(app.test_client())
    browser.sign_in("ada", first)
    reset = admin.post(f"{ACCOUNTS}/ada/reset")
    assert reset.status_code == 200 and reset.json["password"] != first and reset.json["must_change_password"]
    assert browser.get("/dashboard/password").status_code == 302
    assert Browser(app.test_client()).sign_in("ada", reset.json["password"]).status_code == 302


def test_change_the_programs_of_an_account(admin: XAPIClient, two_programs: None) -> None:
    create(admin, programs=[PROGRAM])
    assert admin.post(f"{ACCOUNTS}/ada/programs", json={"programs": [OTHER]}).json["programs"] == [OTHER]


def test_unknown_accounts_are_404(admin: XAPIClient) -> None:
    for path in ("/nobody", "/nobody/disable", "/nobody/reset"):
        method = admin.get if path == "/nobody" else admin.post
        assert method(ACCOUNTS + path).status_code == 404


def test_only_admin_manages_accounts(granted: Any) -> None:
    assert granted(None).get(ACCOUNTS).status_code == 403
