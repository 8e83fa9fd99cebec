"""The dashboard's pages (issue 10, item 2): figures from the coordinator views, pairs
at risk first with the reason, filters, sorting, a date range kept in every link."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest

from projections.mentoring import Window
from projections.program_tracking import program_summary
from projections.registry import ViewSettings
from tests.dashboard import statements as s
from tests.dashboard.conftest import Browser, Program


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z_]+)" data-value="([^"]*)"', html))


def pair_rows(html: str) -> list[tuple[str, str, str]]:
    """(status, mentor name, mentee name) of each row of the pairs table, in order."""
    rows = re.findall(
        r'<tr class="pair[^"]*" data-status="([a-z_]+)">.*?<td data-label="Mentor"><a [^>]*>([^<]*)</a>'
        r'.*?<td data-label="Mentee"><a [^>]*>([^<]*)</a>', html, re.DOTALL)
    return [(st, unescape(m), unescape(e)) for st, m, e in rows]


def summary_of(app: Any, program: str, since_us: int | None = None) -> Any:
    services = app.extensions["lrs"]
    now = datetime.now(UTC)
    with services.store.db.read() as cur:
        return program_summary(cur, Window(program, since_us=since_us),
                               at_us=int(now.timestamp() * 1_000_000), settings=ViewSettings())


def test_programs_page_shows_each_programs_figures_as_the_views_compute_them(
    coordinator: Browser, program: Program, app: Any
) -> None:
    """Issue 10: one card per program: mentors, mentees, active pairs, goal attainment,
    mean feedback rating (the coordinator API's `program_summary`)."""
    html = coordinator.get("/dashboard/").get_data(as_text=True)
    expected = summary_of(app, program.id)
    assert figures(html) == {
        "mentors": str(expected.mentors), "mentees": str(expected.mentees),
        "active_pairs": str(expected.active_pairs),
        "goal_attainment_rate": str(expected.goal_attainment_rate),
        "mean_rating": str(expected.mean_rating),
    }
    assert (expected.mentors, expected.mentees, expected.mean_rating) == (1, 3, 4.0)
    assert "Leadership circle" in html and 'class="sparkline"' in html


def test_program_page_shows_the_tracking_summary(coordinator: Browser, program: Program, app: Any) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    expected = summary_of(app, program.id)
    shown = figures(html)
    assert shown["pairs"] == str(expected.pairs) == "3"
    assert shown["active_pairs"] == str(expected.active_pairs)
    # the API's pairs at risk are the page's "at risk" and "inactive" pairs
    assert int(shown["pairs_at_risk"]) + int(shown["pairs_inactive"]) == len(expected.pairs_at_risk)
    assert shown["feedback_count"] == str(expected.feedback_count) == "2"
    # computed for "now": the page and this test read it microseconds apart
    assert float(shown["sessions_per_pair_per_month"]) == pytest.approx(expected.sessions_per_pair_per_month)


def test_pairs_at_risk_come_first_with_their_reason(coordinator: Browser, program: Program) -> None:
    """Issue 10: the pairs table, at-risk pairs first, with the reason (overdue goal)."""
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    assert pair_rows(html) == [
        ("at_risk", "Grace Mentor", "Ada Atrisk"),
        ("inactive", "Grace Mentor", "Ike Inactive"),
        ("on_track", "Grace Mentor", "Olu Ontrack"),
    ]
    first_row = html[html.index('data-status="at_risk"'):]
    assert "overdue goal" in first_row[: first_row.index("</tr>")]


def test_the_at_risk_and_inactive_tiles_count_what_the_status_filter_lists(
    coordinator: Browser, program: Program
) -> None:
    """Issue 21 point 4: one meaning per figure: each status tile equals the rows its filter lists."""
    base = f"/dashboard/program?id={program.id}"
    shown = figures(coordinator.get(base).get_data(as_text=True))
    for status, tile in (("at_risk", "pairs_at_risk"), ("inactive", "pairs_inactive")):
        listed = pair_rows(coordinator.get(f"{base}&status={status}").get_data(as_text=True))
        assert int(shown[tile]) == len(listed) == 1, status


def test_every_figure_links_to_its_definition(coordinator: Browser, program: Program) -> None:
    """Issue 21 point 4: each tile's label links to the definitions page, which defines it."""
    definitions = coordinator.get("/dashboard/definitions").get_data(as_text=True)
    for url in ("/dashboard/", f"/dashboard/program?id={program.id}"):
        html = coordinator.get(url).get_data(as_text=True)
        linked = re.findall(r'<a href="/dashboard/definitions[^"#]*#([a-z_]+)">[^<]+</a></dt><dd data-figure="\1"',
                            html)
        assert set(linked) == set(figures(html)) and linked, url
        for figure in linked:
            assert f'id="{figure}"' in definitions, figure


def test_pairs_can_be_filtered_by_status_and_by_name(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}&status=on_track").get_data(as_text=True)
    assert pair_rows(html) == [("on_track", "Grace Mentor", "Olu Ontrack")]
    html = coordinator.get(f"/dashboard/program?id={program.id}&q=ike").get_data(as_text=True)
    assert pair_rows(html) == [("inactive", "Grace Mentor", "Ike Inactive")]


def test_pairs_can_be_sorted_by_any_column_either_way(coordinator: Browser, program: Program) -> None:
    base = f"/dashboard/program?id={program.id}"
    ascending = pair_rows(coordinator.get(base + "&sort=mentee&order=asc").get_data(as_text=True))
    descending = pair_rows(coordinator.get(base + "&sort=mentee&order=desc").get_data(as_text=True))
    assert [r[2] for r in ascending] == ["Ada Atrisk", "Ike Inactive", "Olu Ontrack"]
    assert descending == list(reversed(ascending))
    by_sessions = pair_rows(coordinator.get(base + "&sort=sessions&order=desc").get_data(as_text=True))
    assert by_sessions[0][2] == "Olu Ontrack"  # two sessions, the others one


def test_sort_links_keep_the_filters_and_the_date_range(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}&status=at_risk&from=2020-01-01").get_data(as_text=True)
    links = [unescape(h) for h in re.findall(r'<th scope="col"[^>]*>\s*<a href="\?([^"]+)"', html)]
    assert links and all("status=at_risk" in h and "from=2020-01-01" in h for h in links)


def test_the_date_range_limits_every_figure(coordinator: Browser, program: Program, app: Any) -> None:
    """Issue 10: a date range on every page, as query parameters (bookmarkable)."""
    since = (datetime.now(UTC) - timedelta(days=7)).date()
    html = coordinator.get(f"/dashboard/program?id={program.id}&from={since.isoformat()}").get_data(as_text=True)
    since_us = int(datetime(since.year, since.month, since.day, tzinfo=UTC).timestamp() * 1_000_000)
    expected = summary_of(app, program.id, since_us)
    assert figures(html)["feedback_count"] == str(expected.feedback_count) == "2"
    assert figures(html)["mentees"] == str(expected.mentees)
    assert f'name="from" value="{since.isoformat()}"' in html
    assert f"from={since.isoformat()}" in html  # kept in the links


def test_a_range_with_no_statement_shows_the_programs_with_nothing_in_it(
    coordinator: Browser, program: Program
) -> None:
    """As the coordinator API: every program the view knows, its figures for the range."""
    html = coordinator.get("/dashboard/?from=2001-01-01&to=2001-12-31").get_data(as_text=True)
    assert "Leadership circle" in html
    assert figures(html) == {"mentors": "0", "mentees": "0", "active_pairs": "0",
                             "goal_attainment_rate": "", "mean_rating": ""}


def test_without_any_program_the_page_says_so(coordinator: Browser) -> None:
    html = coordinator.get("/dashboard/").get_data(as_text=True)
    assert "No program has any statement yet" in html


def test_a_date_that_is_not_a_date_is_a_400(coordinator: Browser) -> None:
    response = coordinator.get("/dashboard/?from=yesterday")
    assert response.status_code == 400
    assert "from must be a date (YYYY-MM-DD)" in response.get_data(as_text=True)


def test_a_range_that_ends_before_it_starts_is_a_400(coordinator: Browser) -> None:
    assert coordinator.get("/dashboard/?from=2026-02-01&to=2026-01-01").status_code == 400


def test_an_unknown_program_is_a_404_page(coordinator: Browser, program: Program) -> None:
    response = coordinator.get("/dashboard/program?id=https://example.org/nothing")
    assert response.status_code == 404 and "No such program" in response.get_data(as_text=True)


def test_a_program_page_without_its_id_is_a_400(coordinator: Browser) -> None:
    assert coordinator.get("/dashboard/program").status_code == 400


def test_mentee_page_lists_goals_with_their_state(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(
        f"/dashboard/mentee?program={program.id}&agent={s.key(program.at_risk)}").get_data(as_text=True)
    assert "Ada Atrisk" in html and "at risk" in html
    assert 'class="status goal-overdue">overdue<' in html and "2020-01-01" in html
    assert "Grace Mentor" in html  # the mentor, linked


def test_goals_and_activities_are_shown_by_name_with_their_iri_as_detail(
    coordinator: Browser, program: Program
) -> None:
    """Issue 21 point 1: a goal, and what a comment or feedback is about, read by the name
    the LRS holds for the Activity; the IRI stays on hover and in a detail line."""
    mentee = coordinator.get(
        f"/dashboard/mentee?program={program.id}&agent={s.key(program.at_risk)}").get_data(as_text=True)
    iri = "https://academy.example.com/goals/late"
    assert (f'<td data-label="Goal"><span class="named"><span class="activity" title="{iri}">A goal</span>'
            f'<small class="iri">{iri}</small>') in mentee
    on_track = coordinator.get(
        f"/dashboard/mentee?program={program.id}&agent={s.key(program.on_track)}").get_data(as_text=True)
    comments = on_track[on_track.index('id="comments"'):]
    assert '<span class="activity" title="https://academy.example.com/videos/1">A video</span>' in comments
    feedback = on_track[on_track.index('id="feedback"'):]
    assert f'<span class="activity" title="{program.id}">Leadership circle</span>' in feedback


def test_activity_names_follow_the_browsers_language(
    coordinator: Browser, program: Program, post: Callable[[list[dict[str, Any]]], None]
) -> None:
    """Issue 21 point 1: the name in the language the browser asks for (Accept-Language),
    else any language the definition has."""
    goal = s.goal_set(program.at_risk, "https://academy.example.com/goals/ship", "2030-01-01", s.ago(1),
                      program.activity)
    goal["object"]["definition"]["name"] = {"en-US": "Ship a feature", "fr-FR": "Livrer une fonction"}
    post([goal])
    url = f"/dashboard/mentee?program={program.id}&agent={s.key(program.at_risk)}"
    french = coordinator.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert ">Livrer une fonction</span>" in french
    german = coordinator.get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert ">Ship a feature</span>" in german  # none fits: the map's first language


def test_mentee_page_shows_feedback_received(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(
        f"/dashboard/mentee?program={program.id}&agent={s.key(program.on_track)}").get_data(as_text=True)
    feedback = html[html.index('id="feedback"'):]
    assert '<td data-label="From">Grace Mentor</td>' in feedback
    assert '<td data-label="Rating" class="num">5</td>' in feedback
    assert '<td data-label="Text" class="said">great</td>' in feedback


def test_mentee_page_shows_the_mentees_recent_comments(coordinator: Browser, program: Program) -> None:
    """Issue 10: coordinators read the comments a mentee posted, with their texts."""
    html = coordinator.get(
        f"/dashboard/mentee?program={program.id}&agent={s.key(program.on_track)}").get_data(as_text=True)
    comments = html[html.index('id="comments"'):]
    assert '<td data-label="Kind">comment</td>' in comments
    assert '<td data-label="Text" class="said">thanks</td>' in comments
    assert "1 comment, newest first" in comments


def test_mentor_page_shows_feedback_given_and_received_with_texts(
    coordinator: Browser, program: Program, post: Callable[[list[dict[str, Any]]], None]
) -> None:
    """Issue 10: a mentor's page lists the feedback they gave and received, with texts."""
    post([s.feedback(program.on_track, program.mentor, 4, "very helpful", s.ago(1), program.activity)])
    html = coordinator.get(
        f"/dashboard/mentor?program={program.id}&agent={s.key(program.mentor)}").get_data(as_text=True)
    given = html[html.index('id="feedback"'):html.index('id="feedback-received"')]
    received = html[html.index('id="feedback-received"'):]
    assert '<td data-label="Text" class="said">great</td>' in given and "very helpful" not in given
    assert '<td data-label="From">Olu Ontrack</td>' in received
    assert '<td data-label="Text" class="said">very helpful</td>' in received


def test_a_mentor_is_not_a_mentee(coordinator: Browser, program: Program) -> None:
    response = coordinator.get(f"/dashboard/mentee?program={program.id}&agent={s.key(program.mentor)}")
    assert response.status_code == 404


def test_mentor_page_lists_mentees_with_their_status_at_risk_first(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(
        f"/dashboard/mentor?program={program.id}&agent={s.key(program.mentor)}").get_data(as_text=True)
    table = html[html.index('id="mentees"'):html.index('id="chart-mentor-activity"')]
    order = [n for n in ("Ada Atrisk", "Ike Inactive", "Olu Ontrack") if n in table]
    assert order == ["Ada Atrisk", "Ike Inactive", "Olu Ontrack"]
    assert table.index("Ada Atrisk") < table.index("Ike Inactive") < table.index("Olu Ontrack")
    assert "Sessions held" in html


def test_every_chart_has_a_table_alternative(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    charts = html.count('<figure class="chart-figure"')
    assert charts == 3
    assert html.count('<details class="alt">') == charts
    assert html.count('<svg class="chart chart-wide" role="img"') == charts
    assert html.count('<svg class="chart chart-narrow" role="img"') == charts  # a phone's, drawn narrower


def test_pages_show_the_view_position_and_lag(coordinator: Browser, program: Program, app: Any) -> None:
    """Issue 10: pages show the view position and lag."""
    status = app.extensions["lrs"].projections.status()
    html = coordinator.get("/dashboard/").get_data(as_text=True)
    assert f'<span class="live-position">{status.head}</span>' in html
    assert '<span class="live-lag">0</span>' in html
    assert f'data-position="{status.head}"' in html and 'data-status-url="/dashboard/status.json"' in html


def test_the_status_endpoint_follows_the_projections(
    coordinator: Browser, program: Program, make_client: Any, project: Callable[[], int]
) -> None:
    """The JSON a page polls: the position moves when the views do, the lag in between."""
    before = coordinator.get("/dashboard/status.json").json
    assert before["lag"] == 0 and before["position"] == before["head"] > 0
    writer = make_client(("all",))
    writer.post("/xapi/statements", json=[s.comment(program.on_track, "again", s.ago(0), program.activity)])
    waiting = coordinator.get("/dashboard/status.json").json
    assert waiting["head"] == before["head"] + 1 and waiting["position"] == before["position"]
    assert waiting["lag"] == 1
    project()
    after = coordinator.get("/dashboard/status.json").json
    assert after["position"] == after["head"] == waiting["head"] and after["lag"] == 0


def test_pages_mark_the_regions_a_refresh_replaces(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    live = re.findall(r'id="([a-z-]+)"[^>]*\bdata-live\b', html)
    assert {"live-status", "program-summary", "pairs", "chart-activity"} <= set(live)
    assert '<script src="/dashboard/static/dashboard.js" defer></script>' in html


def test_pages_have_a_skip_link_and_labelled_controls(coordinator: Browser, program: Program) -> None:
    html = coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True)
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
    for control in re.findall(r'<(?:input|select)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html):
        assert f'<label for="{control}">' in html, control
    assert 'name="viewport"' in html


def test_program_figures_equal_the_coordinator_apis(
    coordinator: Browser, program: Program, make_client: Any
) -> None:
    """Issue 10: the dashboard reads the coordinator API's views; both show the same figures."""
    api = make_client(("coordinator/read",)).get("/coordinator/program", query_string={"program": program.id})
    assert api.status_code == 200, api.get_data(as_text=True)
    expected = api.json
    shown = figures(coordinator.get(f"/dashboard/program?id={program.id}").get_data(as_text=True))
    for name in ("mentors", "mentees", "pairs", "active_pairs", "feedback_count",
                 "goal_attainment_rate", "mean_rating", "median_days_to_goal"):
        assert shown[name] == ("" if expected[name] is None else str(expected[name])), name
    assert int(shown["pairs_at_risk"]) + int(shown["pairs_inactive"]) == len(expected["pairs_at_risk"])
    assert float(shown["sessions_per_pair_per_month"]) == pytest.approx(expected["sessions_per_pair_per_month"])


def test_figures_are_the_view_as_of_the_position_the_page_shows(
    app: Any, program: Program, post: Callable[[list[dict[str, Any]]], None]
) -> None:
    """A page names a view position; its figures are the view as it stood there, even
    when the runner has moved on by the time the figures are read."""
    from lrs.api.dashboard.data import Reader
    from lrs.api.dashboard.dates import DateRange

    services = app.extensions["lrs"]
    shown = services.projections.status().head
    post([s.feedback(program.mentor, program.on_track, 1, "later", s.ago(1), program.activity)])
    reader = Reader(services.store.db, ViewSettings())
    then = reader.program(program.id, DateRange(), as_of=shown)
    now = reader.program(program.id, DateRange())
    assert then is not None and now is not None
    assert (then["feedback_count"], now["feedback_count"]) == (2, 3)


def test_the_reference_instant_can_be_chosen_like_the_apis_at(
    coordinator: Browser, program: Program, make_client: Any
) -> None:
    """`at` (the coordinator API's reference instant) for "now"-dependent figures: 100 days
    on, every pair has been inactive for long; the API agrees."""
    later = (datetime.now(UTC) + timedelta(days=100)).date().isoformat()
    html = coordinator.get(f"/dashboard/program?id={program.id}&at={later}").get_data(as_text=True)
    assert {status for status, _, _ in pair_rows(html)} == {"inactive"}
    api = make_client(("coordinator/read",)).get(
        "/coordinator/program", query_string={"program": program.id, "at": later + "T00:00:00Z"}).json
    assert figures(html)["active_pairs"] == str(api["active_pairs"]) == "0"
    assert (figures(html)["pairs_at_risk"], figures(html)["pairs_inactive"]) == ("0", str(len(api["pairs_at_risk"])))
    assert f"at={later}" in html  # kept in the links


def test_a_reference_instant_that_is_not_one_is_a_400(coordinator: Browser) -> None:
    assert coordinator.get("/dashboard/?at=tomorrow").status_code == 400
