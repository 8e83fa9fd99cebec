"""CSV export of every table (issue 10, item 2): the same figures as the page."""

from __future__ import annotations

import csv
import io

import pytest

from tests.dashboard import statements as s
from tests.dashboard.conftest import Browser, Program


def rows(response: object) -> list[dict[str, str]]:
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.mimetype == "text/csv"  # type: ignore[attr-defined]
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))  # type: ignore[attr-defined]


def test_programs_csv_has_one_row_per_card(coordinator: Browser, program: Program) -> None:
    [row] = rows(coordinator.get("/dashboard/programs.csv"))
    assert row["program"] == program.id and row["name"] == "Leadership circle"
    assert (row["mentors"], row["mentees"], row["pairs"], row["mean_rating"]) == ("1", "3", "3", "4.0")


def test_pairs_csv_lists_the_pairs_at_risk_first_with_the_reason(coordinator: Browser, program: Program) -> None:
    found = rows(coordinator.get(f"/dashboard/program/pairs.csv?id={program.id}"))
    assert [(r["status"], r["mentee_name"]) for r in found] == [
        ("at_risk", "Ada Atrisk"), ("inactive", "Ike Inactive"), ("on_track", "Olu Ontrack")]
    assert found[0]["reasons"] == "overdue_goal" and found[0]["mentee"] == s.key(program.at_risk)
    assert found[2]["sessions"] == "2"


def test_weekly_csv_counts_every_session_and_feedback(coordinator: Browser, program: Program) -> None:
    found = rows(coordinator.get(f"/dashboard/program/weekly.csv?id={program.id}"))
    assert sum(int(r["sessions"]) for r in found) == 4
    assert sum(int(r["feedback"]) for r in found) == 2
    assert all(r["week"] for r in found)


def test_mentee_csvs(coordinator: Browser, program: Program) -> None:
    query = f"program={program.id}&agent={s.key(program.at_risk)}"
    [goal] = rows(coordinator.get(f"/dashboard/mentee/goals.csv?{query}"))
    assert (goal["goal"], goal["state"], goal["target_date"]) == (
        "https://academy.example.com/goals/late", "overdue", "2020-01-01")
    [feedback] = rows(coordinator.get(f"/dashboard/mentee/feedback.csv?{query}"))
    assert (feedback["from_name"], feedback["rating"], feedback["text"]) == ("Grace Mentor", "3.0", "ok")
    weekly = rows(coordinator.get(f"/dashboard/mentee/weekly.csv?{query}"))
    assert sum(int(r["sessions"]) for r in weekly) == 1


def test_mentor_csvs(coordinator: Browser, program: Program) -> None:
    query = f"program={program.id}&agent={s.key(program.mentor)}"
    mentees = rows(coordinator.get(f"/dashboard/mentor/mentees.csv?{query}"))
    assert [(m["name"], m["status"]) for m in mentees] == [
        ("Ada Atrisk", "at_risk"), ("Ike Inactive", "inactive"), ("Olu Ontrack", "on_track")]
    weekly = rows(coordinator.get(f"/dashboard/mentor/weekly.csv?{query}"))
    assert sum(int(r["sessions"]) for r in weekly) == 4
    assert sum(float(r["hours"]) for r in weekly) == pytest.approx(4.0)
    given = rows(coordinator.get(f"/dashboard/mentor/feedback.csv?{query}"))
    assert [(f["to_name"], f["text"]) for f in given] == [("Olu Ontrack", "great"), ("Ada Atrisk", "ok")]
    assert rows(coordinator.get(f"/dashboard/mentor/feedback-received.csv?{query}")) == []


def test_mentee_comments_csv_has_the_texts(coordinator: Browser, program: Program) -> None:
    query = f"program={program.id}&agent={s.key(program.on_track)}"
    [comment] = rows(coordinator.get(f"/dashboard/mentee/comments.csv?{query}"))
    assert (comment["kind"], comment["about"], comment["text"]) == (
        "comment", "https://academy.example.com/videos/1", "thanks")


def test_csv_follows_the_date_range(coordinator: Browser, program: Program) -> None:
    [row] = rows(coordinator.get("/dashboard/programs.csv?from=2001-01-01&to=2001-01-31"))
    assert (row["mentors"], row["mentees"], row["pairs"], row["mean_rating"]) == ("0", "0", "0", "")


def test_every_csv_link_on_a_page_works(coordinator: Browser, program: Program) -> None:
    import re
    from html import unescape

    for page in (f"/dashboard/program?id={program.id}",
                 f"/dashboard/mentee?program={program.id}&agent={s.key(program.at_risk)}",
                 f"/dashboard/mentor?program={program.id}&agent={s.key(program.mentor)}", "/dashboard/"):
        html = coordinator.get(page).get_data(as_text=True)
        links = [unescape(h) for h in re.findall(r'<a href="([^"]+\.csv[^"]*)" download>', html)]
        assert links, page
        for link in links:
            assert coordinator.get(link).status_code == 200, link


def test_an_unknown_table_is_a_404(coordinator: Browser, program: Program) -> None:
    assert coordinator.get(f"/dashboard/program/secrets.csv?id={program.id}").status_code == 404


def test_csv_needs_a_session(browser: Browser, program: Program) -> None:
    assert browser.get("/dashboard/programs.csv").status_code == 302
