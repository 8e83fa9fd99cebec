"""Hostile data is shown as text (issue 10, item 5): names, activity names and comment
texts come from anyone who can post a statement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.dashboard import statements as s
from tests.dashboard.conftest import Browser

SCRIPT = "<script>alert('pwned')</script>"
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(post: Callable[[list[dict[str, Any]]], None]) -> dict[str, Any]:
    program = s.program_activity(f"Program {SCRIPT}{IMG}", "https://academy.example.com/programs/hostile")
    mentor = s.agent(f"Mentor {IMG}", "mallory@example.org")
    mentee = s.agent(f"Mentee {SCRIPT}", "eve@example.org")
    post([
        s.enrol(mentor, "mentor", s.ago(20), program),
        s.enrol(mentee, "mentee", s.ago(20), program),
        s.pair(mentor, mentee, s.ago(19), program),
        s.session(mentee, mentor, s.ago(30), program, name=f"Session {IMG}"),
        s.comment(mentee, f"Comment {SCRIPT}{IMG}", s.ago(2), program, about_name=f"Video {SCRIPT}"),
        s.feedback(mentor, mentee, 2, f"Feedback {IMG}", s.ago(1), program),
        s.feedback(mentee, mentor, 5, f"Thanks {SCRIPT}", s.ago(1), program),
    ])
    return {"program": program["id"], "mentor": s.key(mentor), "mentee": s.key(mentee)}


def pages(hostile: dict[str, Any]) -> list[str]:
    p, mentor, mentee = hostile["program"], hostile["mentor"], hostile["mentee"]
    return ["/dashboard/", f"/dashboard/program?id={p}", f"/dashboard/mentee?program={p}&agent={mentee}",
            f"/dashboard/mentor?program={p}&agent={mentor}"]


def test_hostile_names_never_reach_a_page_as_markup(coordinator: Browser, hostile: dict[str, Any]) -> None:
    for path in pages(hostile):
        html = coordinator.get(path).get_data(as_text=True)
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert 'onerror=alert(1)>' not in html.replace("onerror=alert(1)&gt;", ""), path


def test_hostile_names_are_shown_as_text(coordinator: Browser, hostile: dict[str, Any]) -> None:
    program = coordinator.get(f"/dashboard/program?id={hostile['program']}").get_data(as_text=True)
    assert (
        "Program &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&#34;&gt;"
        "&lt;img src=x onerror=alert(1)&gt;"
    ) in program
    assert "Mentor &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in program
    assert "Mentee &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in program


def test_hostile_comment_and_feedback_texts_are_shown_as_text(
    coordinator: Browser, hostile: dict[str, Any]
) -> None:
    """Comment and feedback texts (result.response) are autoescaped wherever shown: the
    mentee's comments and feedback received, the mentor's feedback given and received."""
    p = hostile["program"]
    mentee = coordinator.get(f"/dashboard/mentee?program={p}&agent={hostile['mentee']}").get_data(as_text=True)
    mentor = coordinator.get(f"/dashboard/mentor?program={p}&agent={hostile['mentor']}").get_data(as_text=True)
    script = "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"
    img = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
    comments = mentee[mentee.index('id="comments"'):]
    assert f'<td data-label="Text" class="said">Comment {script}{img}</td>' in comments
    received = mentee[mentee.index('id="feedback"'):mentee.index('id="comments"')]
    assert f'<td data-label="Text" class="said">Feedback {img}</td>' in received
    given = mentor[mentor.index('id="feedback"'):mentor.index('id="feedback-received"')]
    assert f'<td data-label="Text" class="said">Feedback {img}</td>' in given
    assert f'<td data-label="Text" class="said">Thanks {script}</td>' in mentor[mentor.index('id="feedback-received"'):]
    for html in (mentee, mentor):
        assert "<script>alert" not in html and "<img src=x" not in html


def test_hostile_text_in_a_chart_stays_inside_its_svg_title(coordinator: Browser, hostile: dict[str, Any]) -> None:
    html = coordinator.get("/dashboard/").get_data(as_text=True)
    assert "<title>Mean feedback rating per week, Program &lt;script&gt;" in html


def test_hostile_identifiers_in_the_query_string_are_escaped(coordinator: Browser) -> None:
    response = coordinator.get(f"/dashboard/program?id={SCRIPT}")
    assert response.status_code == 404
    assert SCRIPT not in response.get_data(as_text=True)
    response = coordinator.get(f"/dashboard/?from={IMG}")
    assert response.status_code == 400 and IMG not in response.get_data(as_text=True)


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    coordinator: Browser, post: Callable[[list[dict[str, Any]]], None]
) -> None:
    """CSV injection: a name starting with = + - @ is written with a leading apostrophe."""
    program = s.program_activity("=HYPERLINK(\"http://evil.example\")", "https://academy.example.com/programs/f")
    mentor, mentee = s.agent("@SUM(1+1)", "m@example.org"), s.agent("+cmd|' /C calc'!A0", "e@example.org")
    post([s.pair(mentor, mentee, s.ago(3), program)])
    text = coordinator.get(f"/dashboard/program/pairs.csv?id={program['id']}").get_data(as_text=True)
    assert "'@SUM(1+1)" in text and "'+cmd|' /C calc'!A0" in text
    programs = coordinator.get("/dashboard/programs.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in programs


def test_comment_and_feedback_texts_that_look_like_formulas_are_neutralised_in_csv(
    coordinator: Browser, post: Callable[[list[dict[str, Any]]], None]
) -> None:
    """CSV injection through a comment or feedback text."""
    program = s.program_activity("Formulas", "https://academy.example.com/programs/g")
    mentor, mentee = s.agent("Mentor", "m@example.org"), s.agent("Mentee", "e@example.org")
    post([s.pair(mentor, mentee, s.ago(3), program),
          s.comment(mentee, "=HYPERLINK(\"http://evil.example\")", s.ago(2), program),
          s.feedback(mentor, mentee, 4, "@SUM(1+1)", s.ago(1), program)])
    query = f"program={program['id']}&agent={s.key(mentee)}"
    comments = coordinator.get(f"/dashboard/mentee/comments.csv?{query}").get_data(as_text=True)
    feedback = coordinator.get(f"/dashboard/mentee/feedback.csv?{query}").get_data(as_text=True)
    assert "'=HYPERLINK" in comments and "'@SUM(1+1)" in feedback
