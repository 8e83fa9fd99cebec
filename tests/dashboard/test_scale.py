"""Issue 21 point 5, scale: the pairs table is paged and sorted on the server (a program of
1,000 mentees is 20 pages of 50, not 334 rows), and a person is found by name across the
programs the viewer may see (issue 20's grant), never beyond."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from lrs.api.dashboard.pages import PAGE_SIZE
from lrs.grants import ProgramGrant
from tests.dashboard import statements as s
from tests.dashboard.conftest import Browser, Program
from tests.dashboard.test_pages import pair_rows


def _big_program(post: Callable[[list[dict[str, Any]]], None], mentees: int) -> dict[str, Any]:
    program = s.program_activity("Big cohort", "https://academy.example.com/programs/big")
    mentor = s.agent("Max Mentor", "max@example.org")
    out = [s.enrol(mentor, "mentor", s.ago(30), program)]
    for i in range(mentees):
        mentee = s.agent(f"Mentee {i:03d}", f"m{i:03d}@example.org")
        out += [s.enrol(mentee, "mentee", s.ago(30), program), s.pair(mentor, mentee, s.ago(29), program)]
    for start in range(0, len(out), 900):  # within the LRS's batch limit
        post(out[start:start + 900])
    return program


def test_the_pairs_table_shows_one_page_of_pairs(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, PAGE_SIZE + 11)
    html = coordinator.get(f"/dashboard/program?id={program['id']}&sort=mentee").get_data(as_text=True)
    rows = pair_rows(html)
    assert len(rows) == PAGE_SIZE
    assert rows[0][2] == "Mentee 000"
    assert f"{PAGE_SIZE + 11} pairs, 1 to {PAGE_SIZE} shown" in html
    assert "Page 1 of 2" in html


def test_the_next_page_keeps_the_sort_and_the_range(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, PAGE_SIZE + 11)
    html = coordinator.get(f"/dashboard/program?id={program['id']}&sort=mentee&order=desc&from=2020-01-01"
                           ).get_data(as_text=True)
    found = re.search(r'<a href="\?([^"]+)" rel="next">', html)
    assert found
    query = unescape(found.group(1))
    assert "page=2" in query and "sort=mentee" in query and "order=desc" in query and "from=2020-01-01" in query
    second = coordinator.get(f"/dashboard/program?{query}").get_data(as_text=True)
    assert [m for _, _, m in pair_rows(second)] == [f"Mentee {i:03d}" for i in range(10, -1, -1)]
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_a_page_number_past_the_last_shows_the_last(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}&page=99").get_data(as_text=True)
    assert len(pair_rows(html)) == 3


def test_a_person_is_found_by_part_of_their_name(coordinator: Browser, program: Program) -> None:
    html = coordinator.get("/dashboard/search?q=atRIS").get_data(as_text=True)
    assert "Ada Atrisk" in html and "Leadership circle" in html
    assert 'href="/dashboard/mentee?program=' in html
    assert "1 person named like" in html


def test_a_search_finds_mentors_and_mentees(coordinator: Browser, program: Program) -> None:
    html = coordinator.get("/dashboard/search?q=ment").get_data(as_text=True)
    assert "Grace Mentor" in html and "<td data-label=\"Role\">mentor</td>" in html


def test_a_search_lists_only_the_programs_the_viewer_may_see(
    browser: Browser, program: Program, app: Any
) -> None:
    created, secret = app.extensions["lrs"].credentials.create(
        role="coordinator", programs=ProgramGrant.of(("https://academy.example.com/programs/other",)))
    assert browser.sign_in(created.key, secret).status_code == 302
    html = browser.get("/dashboard/search?q=Ada").get_data(as_text=True)
    assert "Ada Atrisk" not in html
    assert "No person named like this in the programs you may see." in html


def test_a_search_treats_percent_and_underscore_as_letters(coordinator: Browser, program: Program) -> None:
    html = coordinator.get("/dashboard/search?q=%25%25").get_data(as_text=True)
    assert "Ada Atrisk" not in html and "0 people named like" in html
