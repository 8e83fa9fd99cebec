"""People sign in to the dashboard with their account (issue 20, points 2 and 5; issue 17,
point 6): display name shown, one-time password changed first, only the granted programs;
sessions kept by the server: sign-out ends them (a copied cookie is refused), so do an idle
time, the lifetime, and disabling the account."""

from __future__ import annotations

from typing import Any

from tests.access.conftest import OTHER, PROGRAM, STRONG, Clock
from tests.dashboard.conftest import Browser, csrf_of


def signed_in(app: Any, name: str, password: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.sign_in(name, password).status_code == 302
    return browser


def change_password(browser: Browser, current: str, new: str, repeat: str | None = None) -> Any:
    token = csrf_of(browser.get("/dashboard/password").get_data(as_text=True))
    return browser.post("/dashboard/password", data={
        "csrf_token": token, "current": current, "new": new, "repeat": new if repeat is None else repeat})


def ready(app: Any, account: Any, **kw: Any) -> Browser:
    """Signed in with an account whose own password was chosen."""
    name, password = account(**kw)
    browser = signed_in(app, name, password)
    assert change_password(browser, password, STRONG).status_code == 302
    return browser


def test_the_first_sign_in_leads_to_choosing_a_password(app: Any, account: Any) -> None:
    name, password = account()
    browser = Browser(app.test_client())
    response = browser.sign_in(name, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/password")
    other_page = browser.get("/dashboard/")
    assert other_page.status_code == 302 and other_page.headers["Location"].endswith("/dashboard/password")


def test_choosing_the_password_opens_the_dashboard(app: Any, account: Any) -> None:
    browser = ready(app, account)
    page = browser.get("/dashboard/")
    assert page.status_code == 200 and "Signed in as <strong>Ada Lovelace</strong>" in page.get_data(as_text=True)


def test_a_weak_new_password_is_refused_saying_why(app: Any, account: Any) -> None:
    name, password = account()
    browser = signed_in(app, name, password)
    response = change_password(browser, password, "short")
    assert response.status_code == 400 and "at least 12 characters" in response.get_data(as_text=True)
    assert change_password(browser, password, STRONG, "different").status_code == 400


def test_the_one_time_password_stops_working_once_changed(app: Any, account: Any) -> None:
    name, password = account()
    browser = signed_in(app, name, password)
    change_password(browser, password, STRONG)
    assert Browser(app.test_client()).sign_in(name, password).status_code == 401
    assert Browser(app.test_client()).sign_in(name, STRONG).status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_401(app: Any, account: Any) -> None:
    name, _ = account()
    wrong = Browser(app.test_client()).sign_in(name, "not it")
    unknown = Browser(app.test_client()).sign_in("nobody", "not it")
    assert wrong.status_code == unknown.status_code == 401
    text = "do not match an active credential or account"
    assert text in wrong.get_data(as_text=True) and text in unknown.get_data(as_text=True)


def test_an_account_sees_only_its_programs(app: Any, account: Any, two_programs: None) -> None:
    browser = ready(app, account, programs=(OTHER,))
    assert PROGRAM not in browser.get("/dashboard/").get_data(as_text=True)
    assert browser.get("/dashboard/program", query_string={"id": PROGRAM}).status_code == 404
    assert browser.get("/dashboard/program", query_string={"id": OTHER}).status_code == 200


def test_an_auditor_account_is_refused_the_dashboard(app: Any, account: Any) -> None:
    name, password = account(role="auditor")
    assert Browser(app.test_client()).sign_in(name, password).status_code == 403


def test_sign_out_ends_the_session_so_a_copied_cookie_is_refused(app: Any, account: Any) -> None:
    browser = ready(app, account)
    cookie = browser.client.get_cookie("lrs_dashboard", path="/dashboard")
    copy = app.test_client()
    copy.set_cookie("lrs_dashboard", cookie.value, path="/dashboard")
    assert copy.get("/dashboard/").status_code == 200
    assert browser.sign_out().status_code == 302
    refused = copy.get("/dashboard/")
    assert refused.status_code == 302 and "/dashboard/signin" in refused.headers["Location"]


def test_a_copied_credential_session_cookie_is_refused_after_sign_out(app: Any) -> None:
    created, secret = app.extensions["lrs"].credentials.create(role="coordinator")
    browser = signed_in(app, created.key, secret)
    cookie = browser.client.get_cookie("lrs_dashboard", path="/dashboard")
    browser.sign_out()
    copy = app.test_client()
    copy.set_cookie("lrs_dashboard", cookie.value, path="/dashboard")
    assert copy.get("/dashboard/").status_code == 302


def test_a_session_ends_after_the_idle_time(app: Any, account: Any, clock: Clock) -> None:
    browser = ready(app, account)
    idle = app.extensions["lrs"].sessions.idle_seconds
    clock.advance(idle - 5)
    assert browser.get("/dashboard/").status_code == 200  # activity restarts the idle time
    clock.advance(idle - 5)
    assert browser.get("/dashboard/").status_code == 200
    clock.advance(idle + 1)
    assert browser.get("/dashboard/").status_code == 302


def test_the_pages_own_polling_does_not_keep_a_session_alive(app: Any, account: Any, clock: Clock) -> None:
    browser = ready(app, account)
    idle = app.extensions["lrs"].sessions.idle_seconds
    for _ in range(3):
        clock.advance(idle / 2)
        browser.get("/dashboard/status.json")
    assert browser.get("/dashboard/status.json").status_code == 401


def test_a_session_ends_after_its_lifetime_however_busy(app: Any, account: Any, clock: Clock) -> None:
    browser = ready(app, account)
    sessions = app.extensions["lrs"].sessions
    for _ in range(int(sessions.lifetime_seconds // (sessions.idle_seconds / 2)) + 1):
        clock.advance(sessions.idle_seconds / 2)
        browser.get("/dashboard/")
    assert browser.get("/dashboard/").status_code == 302


def test_the_idle_time_is_a_setting(settings: Any) -> None:
    import dataclasses

    from lrs.services import Services
    from lrs.settings import Settings

    assert Settings.from_env({"LRS_DASHBOARD_IDLE_MINUTES": "5"}).dashboard_idle_minutes == 5.0
    built = Services.build(dataclasses.replace(settings, dashboard_idle_minutes=5.0))
    try:
        assert built.sessions.idle_seconds == 300
    finally:
        built.close()
