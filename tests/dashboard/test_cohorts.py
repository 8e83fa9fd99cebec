"""The dashboard's cohorts page of a program (issue 21 point 7): the coordinator API's
cohorts (`/coordinator/program/cohorts`), each with its sessions per week as a sparkline
that names its scale, within the viewer's program grant (issue 20), on both stores."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.dashboard.conftest import Browser
from tests.projections import factories as f
from tests.projections.support import post
from tests.projections.test_program_api import scenario

FIGURES = ("mentees", "pairs", "active_pairs", "pairs_at_risk", "sessions", "goals_set", "goals_met",
           "goal_attainment_rate", "mean_rating", "weekly_sessions")
ROW = re.compile(r'<tr data-cohort="([^"]+)">(.*?)</tr>', re.S)
CELL = re.compile(r'data-figure="([a-z_]+)" data-value="([^"]*)"')


@pytest.fixture
def programme(client: Any, project: Any) -> None:
    post(client, *scenario(), f.enrolment(f.person("Fay Mentee"), "mentee", "2026-02-10T09:00:00Z"),
         f.pairing(f.ALAN, f.person("Fay Mentee"), "2026-02-10T10:00:00Z"),
         f.session(f.person("Fay Mentee"), f.ALAN, "2026-02-12T10:00:00Z"))
    project()


def shown(html: str) -> dict[str, dict[str, str]]:
    return {month: dict(CELL.findall(cells)) for month, cells in ROW.findall(html)}


def test_the_cohorts_page_shows_the_figures_of_the_api(coordinator: Browser, programme: None,
                                                        make_client: Any) -> None:
    api = make_client(("coordinator/read",)).get("/coordinator/program/cohorts",
                                                 query_string={"program": f.PROGRAM})
    assert api.status_code == 200, api.get_data(as_text=True)
    page = coordinator.get("/dashboard/program/cohorts", query_string={"program": f.PROGRAM})
    assert page.status_code == 200
    expected = {c["month"]: {k: ("" if c[k] is None else " ".join(map(str, c[k])) if k == "weekly_sessions"
                                 else str(c[k])) for k in FIGURES} for c in api.json["cohorts"]}
    assert list(expected) == ["2026-01", "2026-02"] and expected["2026-02"]["sessions"] == "1"
    assert shown(page.get_data(as_text=True)) == expected


def test_each_cohort_sparkline_names_its_scale(coordinator: Browser, programme: None) -> None:
    html = coordinator.get("/dashboard/program/cohorts", query_string={"program": f.PROGRAM}).get_data(as_text=True)
    assert html.count('class="sparkline"') == 2
    assert html.count(">max ") == html.count(">min ") == 2
    assert 'aria-label="Sessions per week, cohort 2026-02"' in html


def test_the_cohorts_page_outside_the_grant_is_404_as_the_other_program_pages(
        browser: Browser, programme: None, app: Any) -> None:
    from lrs.grants import ProgramGrant

    credential, secret = app.extensions["lrs"].credentials.create(
        role="coordinator", programs=ProgramGrant.of((f.OTHER_PROGRAM,)))
    browser.sign_in(credential.key, secret)
    refused = browser.get("/dashboard/program/cohorts", query_string={"program": f.PROGRAM})
    other = browser.get("/dashboard/program/matching", query_string={"program": f.PROGRAM})
    assert refused.status_code == other.status_code == 404
    assert refused.get_data(as_text=True) == other.get_data(as_text=True)
    assert "2026-01" not in refused.get_data(as_text=True)


def test_a_program_without_an_enrolled_mentee_shows_the_empty_state(coordinator: Browser, client: Any,
                                                                    project: Any) -> None:
    post(client, f.enrolment(f.GRACE, "mentor", program=f.OTHER_PROGRAM))
    project()
    page = coordinator.get("/dashboard/program/cohorts", query_string={"program": f.OTHER_PROGRAM})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 cohorts" in html and "No cohort: no mentee of this program is enrolled." in html
    assert shown(html) == {}


def test_the_program_page_links_to_its_cohorts(coordinator: Browser, programme: None) -> None:
    html = coordinator.get("/dashboard/program", query_string={"id": f.PROGRAM}).get_data(as_text=True)
    assert "/dashboard/program/cohorts?program=" in html
