"""The dashboard's session belongs to the dashboard: the app's session interface is
Flask's own, and no other API reads or sets the dashboard's cookie (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.sessions import SecureCookieSessionInterface

from lrs.api.dashboard.sessions import COOKIE_NAME, DashboardSessions
from tests.dashboard.conftest import Browser


def test_the_app_keeps_flasks_own_session_interface(app: Any) -> None:
    assert type(app.session_interface) is SecureCookieSessionInterface
    assert not isinstance(app.session_interface, DashboardSessions)


def test_the_sign_in_form_sets_the_dashboard_cookie(browser: Browser) -> None:
    response = browser.get("/dashboard/signin")
    assert any(c.startswith(f"{COOKIE_NAME}=") for c in response.headers.getlist("Set-Cookie"))


def test_other_apis_never_set_a_cookie_for_a_signed_in_browser(
    browser: Browser, credential: Callable[[str], tuple[str, str]]
) -> None:
    key, secret = credential("admin")
    assert browser.sign_in(key, secret).status_code == 302
    response = browser.get("/xapi/about")
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []
    assert "Cookie" not in response.headers.get("Vary", "")
