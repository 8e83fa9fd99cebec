"""Security headers of the dashboard (issue 10, item 5): a Content-Security-Policy that
forbids inline scripts, no sniffing, no referrer to other sites, no framing."""

from __future__ import annotations

import re

import pytest

from tests.dashboard.conftest import Browser, Program

PAGES = [
    "/dashboard/",
    "/dashboard/program?id={program}",
    "/dashboard/mentee?program={program}&agent=mbox:mailto:ada@example.org",
    "/dashboard/mentor?program={program}&agent=mbox:mailto:grace@example.org",
]


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def assert_locked_down(headers: dict[str, str] | object) -> None:
    policy = directives(headers["Content-Security-Policy"])  # type: ignore[index]
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]  # type: ignore[index]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]  # type: ignore[index]
    assert headers["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]
    assert headers["Referrer-Policy"] == "same-origin"  # type: ignore[index]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_inline_scripts_and_framing(coordinator: Browser, program: Program, path: str) -> None:
    response = coordinator.get(path.format(program=program.id))
    assert response.status_code == 200
    assert_locked_down(response.headers)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_has_an_inline_script_or_style(coordinator: Browser, program: Program, path: str) -> None:
    """The policy would block them; the pages must not need them."""
    html = coordinator.get(path.format(program=program.id)).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no event handler attributes


def test_the_sign_in_page_and_refusals_carry_the_policy_too(browser: Browser) -> None:
    assert_locked_down(browser.get("/dashboard/signin").headers)
    assert_locked_down(browser.get("/dashboard/no-such-page").headers)


def test_static_files_are_served_by_the_app_with_the_policy(browser: Browser) -> None:
    """No CDN: the stylesheet and the script come from the LRS itself, without signing in."""
    for name, mimetype in (("dashboard.css", "text/css"), ("dashboard.js", "text/javascript")):
        response = browser.get(f"/dashboard/static/{name}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert_locked_down(response.headers)


def test_the_xapi_resources_are_left_as_they_were(client: object) -> None:
    """The policy is the dashboard's: the xAPI endpoint is unchanged."""
    response = client.get("/xapi/about")  # type: ignore[attr-defined]
    assert "Content-Security-Policy" not in response.headers
