"""Issue 21 point 2, honest ranges: a range means "as at its end". Statuses, at-risk
reasons and overdue goals are those of the range's last instant, judged on every
statement up to it; the range's own figures count the statements inside it; a week the
range cuts is marked partial; presets; a bad range re-shows the form with its error."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from tests.dashboard.conftest import Browser, Program
from tests.dashboard.test_pages import figures, pair_rows


def _yesterday() -> str:
    return (datetime.now(UTC) - timedelta(days=1)).date().isoformat()


def test_a_range_of_one_past_day_shows_the_pairs_active_at_its_end(coordinator: Browser, program: Program) -> None:
    """Sessions 3 and 5 days ago (before the range) keep two pairs active as at its end,
    where statuses judged on in-range statements only would say none."""
    day = _yesterday()
    html = coordinator.get(f"/dashboard/program?id={program.id}&from={day}&to={day}").get_data(as_text=True)
    assert figures(html)["active_pairs"] == "2"
    assert figures(html)["pairs_at_risk"] == "1"  # Ada's overdue goal, set 40 days ago
    assert figures(html)["feedback_count"] == "0"  # the range's own figure: none given that day
    assert f"statuses as at the range's end, {day}" in html


def test_the_pairs_status_and_reason_are_those_of_the_ranges_end(coordinator: Browser, program: Program) -> None:
    day = _yesterday()
    html = coordinator.get(f"/dashboard/program?id={program.id}&from={day}&to={day}").get_data(as_text=True)
    statuses = {mentee: status for status, _, mentee in pair_rows(html)}
    assert statuses == {"Olu Ontrack": "on_track", "Ada Atrisk": "at_risk", "Ike Inactive": "inactive"}
    assert "overdue goal" in html


def test_a_mentees_status_on_their_page_is_that_of_the_ranges_end(coordinator: Browser, program: Program) -> None:
    from tests.dashboard import statements as s

    day = _yesterday()
    html = coordinator.get(f"/dashboard/mentee?program={program.id}&agent={s.key(program.on_track)}"
                           f"&from={day}&to={day}").get_data(as_text=True)
    assert 'class="status status-on_track"' in html


def test_the_week_not_over_is_marked_partial(coordinator: Browser, program: Program) -> None:
    """The current week is counted up to now: labelled partial, drawn hatched, not as a drop."""
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    monday = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
    assert f"{monday.isoformat()} (partial)" in html
    assert 'class="bar series-0 partial"' in html
    assert f"the week of {monday.isoformat()}" in html


def test_a_range_ending_on_a_sunday_has_no_partial_last_week(coordinator: Browser, program: Program) -> None:
    today = datetime.now(UTC).date()
    sunday = today - timedelta(days=today.weekday() + 1)
    monday = sunday - timedelta(days=6 + 7 * 4)
    html = coordinator.get(f"/dashboard/program?id={program.id}&from={monday}&to={sunday}").get_data(as_text=True)
    assert "(partial)" not in html


def test_a_range_starting_mid_week_marks_its_first_week_partial(coordinator: Browser, program: Program) -> None:
    today = datetime.now(UTC).date()
    wednesday = today - timedelta(days=today.weekday() + 12)
    html = coordinator.get(f"/dashboard/program?id={program.id}&from={wednesday}").get_data(as_text=True)
    assert f"{(wednesday - timedelta(days=2)).isoformat()} (partial)" in html


def test_the_presets_are_last_30_days_this_quarter_and_the_program_to_date(
    coordinator: Browser, program: Program
) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    found = re.search(r'<span class="presets"[^>]*>(.*?)</span>', html, re.S)
    assert found
    presets = {label: unescape(query) for query, label in re.findall(r'<a href="\?([^"]*)"[^>]*>([^<]+)</a>',
                                                                     found.group(1))}
    today = datetime.now(UTC).date()
    quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    enrolled = (datetime.now(UTC) - timedelta(days=60)).date()
    assert presets["Last 30 days"].endswith(f"from={today - timedelta(days=29)}&to={today}")
    assert presets["This quarter"].endswith(f"from={quarter}&to={today}")
    assert presets["Program to date"].endswith(f"from={enrolled}&to={today}")
    assert all("id=" in q for q in presets.values())  # each stays on the program


def test_a_bad_range_re_shows_the_form_with_the_error(coordinator: Browser, program: Program) -> None:
    response = coordinator.get(f"/dashboard/program?id={program.id}&from=2026-02-01&to=2026-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<form class="range"' in html
    assert 'name="from" value="2026-02-01"' in html and 'name="to" value="2026-01-01"' in html
    assert 'id="range-error" role="alert">the range ends before it starts' in html
    assert f'name="id" value="{program.id}"' in html  # submitting it again stays on the program
    assert 'aria-invalid="true"' in html


def test_a_date_that_is_not_one_re_shows_the_form_as_sent(coordinator: Browser) -> None:
    html = coordinator.get("/dashboard/?from=yesterday").get_data(as_text=True)
    assert 'name="from" value="yesterday"' in html
    assert "from must be a date (YYYY-MM-DD)" in html
