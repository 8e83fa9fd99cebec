"""The dashboard's program pages of issue 22 (item 7): matching, gaps and reinforcement,
engagement, outcomes and profile issues; accepting a suggestion records the pairing as a
statement (item 2), within the viewer's program grant (issue 20)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import Browser, csrf_of
from tests.projections import factories as f
from tests.projections.support import post
from tests.projections.test_program_api import scenario

PAGES = ("matching", "gaps", "engagement", "outcomes")


@pytest.fixture
def programme(client: Any, project: Any) -> None:
    post(client, *scenario())
    project()


@pytest.mark.parametrize("name", PAGES)
def test_program_page_shows_its_figures(coordinator: Browser, programme: None, name: str) -> None:
    response = coordinator.get(f"/dashboard/program/{name}", query_string={"program": f.PROGRAM})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = {"matching": "Alan Mentor", "gaps": "listening", "engagement": "listening",
                "outcomes": "ranking-not-mentor"}[name]
    assert expected in html


def test_accepting_a_suggestion_records_the_pairing(coordinator: Browser, programme: None, project: Any,
                                                   app: Any) -> None:
    page = coordinator.get("/dashboard/program/matching", query_string={"program": f.PROGRAM})
    html = page.get_data(as_text=True)
    assert html.count('action="/dashboard/program/matching/accept"') == 3
    response = coordinator.post("/dashboard/program/matching/accept", data={
        "csrf_token": csrf_of(html), "program": f.PROGRAM, "mentor": f.key(f.ALAN), "mentee": f.key(f.ADA)})
    assert response.status_code == 303
    project()
    with app.extensions["lrs"].store.db.read() as cur:
        rows = cur.execute("SELECT actor, other FROM mentoring_fact WHERE kind = 3 AND other = ?",
                           (f.key(f.ADA),)).fetchall()
    assert [(r["actor"], r["other"]) for r in rows] == [(f.key(f.ALAN), f.key(f.ADA))]
    after = coordinator.get("/dashboard/program/matching", query_string={"program": f.PROGRAM})
    assert after.get_data(as_text=True).count('action="/dashboard/program/matching/accept"') == 2


def test_only_a_current_suggestion_can_be_accepted(coordinator: Browser, programme: None) -> None:
    html = coordinator.get("/dashboard/program/matching", query_string={"program": f.PROGRAM}).get_data(as_text=True)
    response = coordinator.post("/dashboard/program/matching/accept", data={
        "csrf_token": csrf_of(html), "program": f.PROGRAM, "mentor": f.key(f.GRACE), "mentee": f.key(f.ADA)})
    assert response.status_code == 409, "Grace manages Ada: never suggested, never recorded"


def test_accept_without_the_csrf_token_is_refused(coordinator: Browser, programme: None) -> None:
    response = coordinator.post("/dashboard/program/matching/accept", data={
        "program": f.PROGRAM, "mentor": f.key(f.ALAN), "mentee": f.key(f.ADA)})
    assert response.status_code == 400


def test_program_pages_outside_the_grant_are_404(browser: Browser, programme: None, app: Any) -> None:
    from lrs.grants import ProgramGrant

    credential, secret = app.extensions["lrs"].credentials.create(
        role="coordinator", programs=ProgramGrant.of((f.OTHER_PROGRAM,)))
    browser.sign_in(credential.key, secret)
    for name in PAGES:
        assert browser.get(f"/dashboard/program/{name}", query_string={"program": f.PROGRAM}).status_code == 404
    html = browser.get("/dashboard/").get_data(as_text=True)
    response = browser.post("/dashboard/program/matching/accept", data={
        "csrf_token": csrf_of(html), "program": f.PROGRAM, "mentor": f.key(f.ALAN), "mentee": f.key(f.ADA)})
    assert response.status_code == 404


def test_the_program_page_links_to_the_program_pages(coordinator: Browser, programme: None) -> None:
    html = coordinator.get("/dashboard/program", query_string={"id": f.PROGRAM}).get_data(as_text=True)
    for name in PAGES:
        assert f"/dashboard/program/{name}?program=" in html
