"""Signing in and out of the dashboard (issue 10, item 1): coordinator and admin
credentials only, a session cookie, CSRF tokens on every state change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from lrs.app import create_app
from lrs.settings import Settings
from tests.dashboard.conftest import Browser, csrf_of


def session_cookie(response: Any) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("lrs_dashboard=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_a_page_sends_whoever_is_not_signed_in_to_the_sign_in_form(browser: Browser) -> None:
    """Every page but the sign-in form needs a session; the way back is kept in `next`."""
    response = browser.get("/dashboard/program?id=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/signin?next=/dashboard/program?id%3Dx"


def test_the_sign_in_form_has_labelled_fields_and_a_csrf_token(browser: Browser) -> None:
    html = browser.get("/dashboard/signin").get_data(as_text=True)
    assert '<label for="key">' in html and '<label for="secret">' in html
    assert csrf_of(html)


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_a_coordinator_or_admin_credential_signs_in(
    browser: Browser, credential: Callable[[str], tuple[str, str]], role: str
) -> None:
    key, secret = credential(role)
    response = browser.sign_in(key, secret)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/"
    page = browser.get("/dashboard/")
    assert page.status_code == 200 and key in page.get_data(as_text=True)


@pytest.mark.parametrize("role", ["provider", "reader", "auditor"])
def test_other_roles_are_refused_with_a_page_saying_why(
    browser: Browser, credential: Callable[[str], tuple[str, str]], role: str
) -> None:
    """Issue 10: other roles are refused (403), and no session is opened."""
    response = browser.sign_in(*credential(role))
    assert response.status_code == 403
    assert "only coordinator and admin credentials" in response.get_data(as_text=True)
    assert browser.get("/dashboard/").status_code == 302


def test_a_credential_with_scope_all_is_refused_too(browser: Browser, app: Any) -> None:
    """`all` is the xAPI scope; it never implies the LRS's own coordinator/read."""
    created, secret = app.extensions["lrs"].credentials.create(scopes=["all"])
    assert browser.sign_in(created.key, secret).status_code == 403


def test_a_wrong_secret_is_refused_and_the_form_shown_again(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    key, _ = credential("coordinator")
    response = browser.sign_in(key, "not the secret")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "do not match an active credential" in html and csrf_of(html)
    assert browser.get("/dashboard/").status_code == 302


def test_sign_in_without_the_csrf_token_is_refused(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    """Every state-changing form carries a CSRF token (login CSRF included)."""
    key, secret = credential("coordinator")
    browser.get("/dashboard/signin")
    response = browser.post("/dashboard/signin", data={"key": key, "secret": secret})
    assert response.status_code == 400
    assert browser.get("/dashboard/").status_code == 302


def test_sign_in_with_another_sessions_csrf_token_is_refused(
    app: Any, credential: Callable[[str], tuple[str, str]]
) -> None:
    key, secret = credential("coordinator")
    attacker, victim = Browser(app.test_client()), Browser(app.test_client())
    token = csrf_of(attacker.get("/dashboard/signin").get_data(as_text=True))
    victim.get("/dashboard/signin")
    response = victim.post("/dashboard/signin", data={"csrf_token": token, "key": key, "secret": secret})
    assert response.status_code == 400


def test_sign_out_ends_the_session(coordinator: Browser) -> None:
    response = coordinator.sign_out()
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard/signin"
    assert coordinator.get("/dashboard/").status_code == 302


def test_sign_out_without_the_csrf_token_changes_nothing(coordinator: Browser) -> None:
    response = coordinator.post("/dashboard/signout", data={})
    assert response.status_code == 400
    assert coordinator.get("/dashboard/").status_code == 200


def test_sign_out_by_get_is_not_allowed(coordinator: Browser) -> None:
    assert coordinator.get("/dashboard/signout").status_code == 405
    assert coordinator.get("/dashboard/").status_code == 200


def test_signing_in_starts_a_fresh_session(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    """No session fixation: the token of the anonymous session is not kept."""
    before = csrf_of(browser.get("/dashboard/signin").get_data(as_text=True))
    browser.sign_in(*credential("coordinator"))
    after = csrf_of(browser.get("/dashboard/").get_data(as_text=True))
    assert after != before


def test_the_session_cookie_is_httponly_samesite_and_scoped_to_the_dashboard(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    cookie = session_cookie(browser.sign_in(*credential("coordinator")))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "SameSite=Lax" in cookie and "Path=/dashboard" in cookie
    assert "secure" not in attributes  # served over http here (LRS_PUBLIC_URL)


def test_the_session_cookie_is_secure_when_the_lrs_is_reached_over_https(settings: Settings) -> None:
    app = create_app(replace(settings, public_url="https://lrs.example.org"))
    try:
        key_secret = app.extensions["lrs"].credentials.create(role="coordinator")
        response = Browser(app.test_client()).sign_in(key_secret[0].key, key_secret[1])
        assert "; Secure" in session_cookie(response)
    finally:
        app.extensions["lrs"].close()


def test_a_session_from_one_worker_is_accepted_by_another(
    app: Any, settings: Settings, credential: Callable[[str], tuple[str, str]]
) -> None:
    """The generated session secret is kept in the database: every process shares it."""
    browser = Browser(app.test_client())
    browser.sign_in(*credential("coordinator"))
    other = create_app(settings)
    try:
        client = other.test_client()
        cookie = browser.client.get_cookie("lrs_dashboard", path="/dashboard")
        client.set_cookie("lrs_dashboard", cookie.value, path="/dashboard")
        assert client.get("/dashboard/").status_code == 200
    finally:
        other.extensions["lrs"].close()


def test_a_forged_session_cookie_is_not_accepted(app: Any) -> None:
    client = app.test_client()
    client.set_cookie("lrs_dashboard", "eyJrZXkiOiJhZG1pbiIsImF0IjoxfQ.forged.signature", path="/dashboard")
    assert client.get("/dashboard/").status_code == 302


def test_a_session_signed_with_another_secret_is_not_accepted(
    settings: Settings, credential: Callable[[str], tuple[str, str]], app: Any
) -> None:
    """LRS_DASHBOARD_SECRET, when set, is the signing secret."""
    browser = Browser(app.test_client())
    browser.sign_in(*credential("coordinator"))
    cookie = browser.client.get_cookie("lrs_dashboard", path="/dashboard")
    other = create_app(replace(settings, dashboard_secret="another secret, set by the operator"))
    try:
        client = other.test_client()
        client.set_cookie("lrs_dashboard", cookie.value, path="/dashboard")
        assert client.get("/dashboard/").status_code == 302
    finally:
        other.extensions["lrs"].close()


def test_revoking_the_credential_ends_its_session(
    app: Any, credential: Callable[[str], tuple[str, str]], browser: Browser
) -> None:
    key, secret = credential("coordinator")
    browser.sign_in(key, secret)
    assert app.extensions["lrs"].credentials.revoke(key)
    assert browser.get("/dashboard/").status_code == 302


def test_rotating_the_secret_ends_the_sessions_opened_with_the_old_one(
    app: Any, credential: Callable[[str], tuple[str, str]], browser: Browser
) -> None:
    key, secret = credential("coordinator")
    browser.sign_in(key, secret)
    rotated = app.extensions["lrs"].credentials.rotate(key)
    assert rotated is not None
    assert browser.get("/dashboard/").status_code == 302
    browser.sign_in(key, rotated[1])
    assert browser.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/xapi/statements",
                                    "/dashboard/\\evil"])
def test_after_sign_in_only_dashboard_paths_are_followed(
    browser: Browser, credential: Callable[[str], tuple[str, str]], target: str
) -> None:
    """No open redirect through `next`."""
    response = browser.sign_in(*credential("coordinator"), next_path=target)
    assert response.headers["Location"] == "/dashboard/"


def test_after_sign_in_the_page_asked_for_is_shown(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    response = browser.sign_in(*credential("coordinator"), next_path="/dashboard/program?id=x&from=2026-01-01")
    assert response.headers["Location"] == "/dashboard/program?id=x&from=2026-01-01"


def test_the_status_endpoint_answers_401_json_without_a_session(browser: Browser) -> None:
    response = browser.get("/dashboard/status.json")
    assert response.status_code == 401 and response.json == {"error": "sign in first"}
