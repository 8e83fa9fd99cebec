"""Issue 21 point 5, scale: the pairs table is paged and sorted on the server (a program of
1,000 mentees is 20 pages of 50, not 334 rows), and a person is found by name across the
programs the viewer may see (issue 20's grant), never beyond."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any
from urllib.parse import quote

from lrs.api.dashboard.paging import PAGE_SIZE
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


def _mentee_rows(html: str) -> list[str]:
    """The mentee names of a mentor's mentees table, in order."""
    table = html.split('id="mentees"', 1)[1].split("</table>", 1)[0]
    return [unescape(n) for n in re.findall(r'<td data-label="Mentee"><a [^>]*>([^<]*)</a>', table)]


def _feedback_texts(html: str, anchor: str) -> list[str]:
    table = html.split(f'id="{anchor}"', 1)[1].split("</table>", 1)[0]
    return [unescape(t) for t in re.findall(r'<td data-label="Text" class="said">([^<]*)</td>', table)]


def _mentor_page(program: dict[str, Any], query: str = "") -> str:
    mentor = s.key(s.agent("Max Mentor", "max@example.org"))
    return f"/dashboard/mentor?program={quote(program['id'], safe='')}&agent={quote(mentor, safe='')}{query}"


def test_a_mentors_mentees_table_shows_one_page_of_mentees(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, PAGE_SIZE + 11)
    html = coordinator.get(_mentor_page(program, "&mentees_sort=mentee")).get_data(as_text=True)
    assert _mentee_rows(html) == [f"Mentee {i:03d}" for i in range(PAGE_SIZE)]
    assert f"{PAGE_SIZE + 11} mentees, 1 to {PAGE_SIZE} shown" in html
    assert 'aria-label="Pages of mentees"' in html and "Page 1 of 2" in html


def test_a_mentors_mentees_are_sorted_on_the_server_either_way(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, PAGE_SIZE + 11)
    html = coordinator.get(_mentor_page(program, "&mentees_sort=mentee&mentees_order=desc&mentees_page=2")
                           ).get_data(as_text=True)
    assert _mentee_rows(html) == [f"Mentee {i:03d}" for i in range(10, -1, -1)]
    assert 'aria-sort="descending"' in html


def test_paging_one_table_keeps_the_other_tables_and_the_range(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, PAGE_SIZE + 11)
    html = coordinator.get(_mentor_page(program, "&mentees_sort=mentee&feedback_sort=rating&from=2020-01-01")
                           ).get_data(as_text=True)
    pager = html.split('aria-label="Pages of mentees"', 1)[1]
    found = re.search(r'<a href="\?([^"#]+)#mentees" rel="next">', pager)
    assert found
    query = unescape(found.group(1))
    for kept in ("mentees_page=2", "mentees_sort=mentee", "feedback_sort=rating", "from=2020-01-01"):
        assert kept in query
    assert _mentee_rows(coordinator.get(f"/dashboard/mentor?{query}").get_data(as_text=True)) == [
        f"Mentee {i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 11)]


def test_feedback_is_paged_newest_first_and_sorted_by_rating(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, 3)
    mentor = s.agent("Max Mentor", "max@example.org")
    mentee = s.agent("Mentee 000", "m000@example.org")
    post([s.feedback(mentee, mentor, 1 + i % 5, f"note {i:03d}", s.ago(25 - i * 0.2), program)
          for i in range(PAGE_SIZE + 5)])
    html = coordinator.get(_mentor_page(program)).get_data(as_text=True)
    newest = _feedback_texts(html, "feedback-received")
    assert newest == [f"note {i:03d}" for i in range(PAGE_SIZE + 4, 4, -1)]
    assert f"{PAGE_SIZE + 5} pieces of feedback, 1 to {PAGE_SIZE} shown" in html
    last = coordinator.get(_mentor_page(program, "&received_page=2")).get_data(as_text=True)
    assert _feedback_texts(last, "feedback-received") == [f"note {i:03d}" for i in range(4, -1, -1)]
    rated = coordinator.get(_mentor_page(program, "&received_sort=rating&received_order=desc")
                            ).get_data(as_text=True)
    assert all(int(t[5:]) % 5 == 4 for t in _feedback_texts(rated, "feedback-received")[:11])


def test_a_mentees_feedback_is_paged(coordinator: Browser, post: Any) -> None:
    program = _big_program(post, 1)
    mentor = s.agent("Max Mentor", "max@example.org")
    mentee = s.agent("Mentee 000", "m000@example.org")
    post([s.feedback(mentor, mentee, 4, f"note {i:03d}", s.ago(25 - i * 0.2), program)
          for i in range(PAGE_SIZE + 2)])
    page = (f"/dashboard/mentee?program={quote(program['id'], safe='')}"
            f"&agent={quote(s.key(mentee), safe='')}&feedback_page=2")
    html = coordinator.get(page).get_data(as_text=True)
    assert _feedback_texts(html, "feedback") == ["note 001", "note 000"]
    assert "Page 2 of 2" in html
