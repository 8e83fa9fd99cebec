"""The coordinator dashboard in headless Chromium (issue 10, item 6), against the real
server filled by `lrs simulate` with a fixed seed, on each store."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import Server, sign_in


def signed_in(page: Any, server: Server) -> Any:
    sign_in(page, *server.coordinator)
    page.wait_for_url("**/dashboard/")
    return page


def first_program(page: Any) -> str:
    link = page.locator(".program-card h2 a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(r"/dashboard/program\?"))
    return parse_qs(urlparse(href).query)["id"][0]


def figure(page: Any, name: str) -> str:
    return str(page.locator(f'[data-figure="{name}"]').first.get_attribute("data-value"))


def test_a_coordinator_signs_in_and_sees_one_card_per_simulated_program(page: Any, server: Server) -> None:
    signed_in(page, server)
    cards = page.locator(".program-card")
    assert cards.count() == len(server.truth["programs"]) == 2
    names = sorted(cards.locator("h2").all_inner_texts())
    assert names == sorted(p["name"] for p in server.truth["programs"])
    assert page.locator("svg.sparkline").count() == 2


def test_a_provider_credential_is_refused(page: Any, server: Server) -> None:
    sign_in(page, *server.provider)
    assert page.get_by_role("heading", name="Not a coordinator credential").is_visible()
    assert "only coordinator and admin credentials" in page.inner_text("main")
    page.goto("/dashboard/")
    assert "/dashboard/signin" in page.url  # no session was opened


def test_a_programs_figures_are_the_simulations_ground_truth(page: Any, server: Server) -> None:
    """The simulator's own record of what it generated, not the projection code."""
    signed_in(page, server)
    program = first_program(page)
    page.goto(page.url + "&at=" + server.truth["at"])  # the instant the truth is computed for
    [truth] = [p["tracking"] for p in server.truth["programs"] if p["id"] == program]
    for name in ("mentors", "mentees", "pairs", "active_pairs", "feedback_count"):
        assert figure(page, name) == str(truth[name]), name
    assert int(figure(page, "pairs_at_risk")) + int(figure(page, "pairs_inactive")) == len(truth["pairs_at_risk"])


def test_an_at_risk_pair_opens_on_the_mentees_page(page: Any, server: Server) -> None:
    signed_in(page, server)
    first_program(page)
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**status=at_risk*")
    rows = page.locator("tr.pair")
    assert rows.count() > 0
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) == {"at_risk"}
    reason = rows.first.locator('td[data-label="Why"]').inner_text()
    assert re.fullmatch(r"(no session in \d+ days|overdue goal)(; overdue goal)?", reason), reason
    mentor = rows.first.locator('td[data-label="Mentor"]').inner_text()
    mentee = rows.first.locator('td[data-label="Mentee"] a')
    name = mentee.inner_text()
    mentee.click()
    page.wait_for_url(re.compile(r"/dashboard/mentee\?"))
    assert page.locator("h1").inner_text().startswith(name)
    # The pair, not the mentee: with another mentor they may be on track overall.
    pair = page.locator("#mentee-summary .pair", has_text=mentor)
    assert pair.locator(".status").inner_text() == "at risk"
    assert reason in pair.inner_text()


def test_charts_are_drawn_with_their_data_points(page: Any, server: Server) -> None:
    signed_in(page, server)
    first_program(page)
    bars = page.locator("#chart-activity svg.chart-wide rect.bar")
    assert bars.count() > 0
    heights = bars.evaluate_all("bs => bs.map(b => b.getBBox().height)")
    assert max(heights) > 10  # drawn, and visibly
    points = page.locator("#chart-ratings svg.chart-wide circle.point")
    assert points.count() > 0 and points.first.is_visible()
    # the table alternative: one row per week, one column per series, the same values
    page.locator("#chart-activity summary").click()
    rows = page.locator("#chart-activity table tbody tr")
    assert rows.first.is_visible()
    cells = rows.evaluate_all("rs => rs.map(r => [...r.querySelectorAll('td')].map(c => c.textContent))")
    assert all(len(row) == 4 for row in cells)
    drawn = sum(1 for row in cells for value in row if value != "")
    assert drawn == bars.count()


def test_the_date_range_narrows_the_figures_and_can_be_bookmarked(page: Any, server: Server) -> None:
    signed_in(page, server)
    first_program(page)
    all_feedback = int(figure(page, "feedback_count"))
    start = date.fromisoformat(server.truth["at"][:10]) - timedelta(days=14)
    page.get_by_label("From").fill(start.isoformat())
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**from={start.isoformat()}*")
    narrowed = int(figure(page, "feedback_count"))
    assert 0 < narrowed < all_feedback
    assert page.get_by_label("From").input_value() == start.isoformat()
    bookmark = page.url
    page.goto("/dashboard/")
    page.goto(bookmark)
    assert int(figure(page, "feedback_count")) == narrowed
    # links from here keep the range
    href = page.locator("tr.pair td[data-label='Mentee'] a").first.get_attribute("href")
    assert f"from={start.isoformat()}" in href


def test_the_pairs_table_exports_as_csv(page: Any, server: Server) -> None:
    signed_in(page, server)
    first_program(page)
    shown = page.locator("tr.pair").count()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download pairs as CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == shown > 0
    assert {r["status"] for r in rows} <= {"on_track", "at_risk", "inactive"}
    assert download.value.suggested_filename.endswith("-pairs.csv")


def test_a_page_refreshes_its_figures_when_the_views_move(page: Any, server: Server) -> None:
    """Issue 10, item 3: without a full reload."""
    signed_in(page, server)
    program = first_program(page)
    before = int(figure(page, "feedback_count"))
    page.evaluate("window.__same_document = true")
    page.locator("#chart-activity summary").click()  # a table alternative, opened
    page.locator("#pairs th a").first.focus()  # keyboard focus inside a live region
    statement = _feedback_statement(server, program)
    server.post_statements([statement])
    # Playwright's own waiting (no eval in the page, which the policy forbids)
    expect(page.locator('[data-figure="feedback_count"]')).to_have_attribute(
        "data-value", str(before + 1), timeout=30_000)
    assert page.evaluate("window.__same_document") is True  # the page was not reloaded
    expect(page.locator("#chart-activity details")).to_have_attribute("open", "")  # still open
    assert page.evaluate("document.activeElement.closest('#pairs th') !== null")  # focus kept


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Any, server: Server) -> None:
    signed_in(page, server)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    assert page.locator("a.skip").is_visible()  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_pages_fit_a_phone(page: Any, server: Server) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    signed_in(page, server)
    first_program(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate("""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)""")
    assert overflow <= 1, wide
    assert page.locator("tr.pair").first.is_visible()


def _feedback_statement(server: Server, program: str) -> dict[str, Any]:
    import uuid
    from datetime import datetime

    base = "https://mentoring.example.org/xapi"
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Browser Test", "mbox": "mailto:browser@example.org"},
        "verb": {"id": f"{base}/verbs/gave-feedback"},
        "object": {"objectType": "Activity", "id": program},
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "result": {"score": {"raw": 4, "min": 1, "max": 5}, "response": "seen live"},
        "context": {"contextActivities": {"grouping": [
            {"objectType": "Activity", "id": program,
             "definition": {"type": f"{base}/activity-types/program"}}]}},
    }


def test_a_programs_figures_equal_the_coordinator_apis(page: Any, server: Server) -> None:
    """Issue 10: the same figures in the browser as from GET /coordinator/program."""
    signed_in(page, server)
    program = first_program(page)
    api = server.coordinator_api().get(server.base + "/coordinator/program", params={"program": program},
                                       timeout=30)
    assert api.status_code == 200, api.text
    expected = api.json()
    for name in ("mentors", "mentees", "pairs", "active_pairs", "feedback_count", "goal_attainment_rate",
                 "mean_rating", "median_days_to_goal"):
        assert figure(page, name) == ("" if expected[name] is None else str(expected[name])), name
    assert int(figure(page, "pairs_at_risk")) + int(figure(page, "pairs_inactive")) == len(expected["pairs_at_risk"])
    at_risk = {(p["mentor"].get("name"), p["mentee"].get("name")) for p in expected["pairs_at_risk"]}
    shown = page.locator("tr.pair").evaluate_all(
        """rs => rs.filter(r => r.querySelector('td[data-label="Why"]').textContent.trim() !== '')
                  .map(r => [r.querySelector('td[data-label="Mentor"]').textContent.trim(),
                             r.querySelector('td[data-label="Mentee"]').textContent.trim()])""")
    assert {tuple(p) for p in shown} == at_risk


def test_hostile_names_are_rendered_as_text_and_never_run(page: Any, server: Server) -> None:
    """Issue 10, item 5: `<script>` and `"><img onerror=…>` in agent names, activity names,
    comment and feedback texts show as text on the mentee's and mentor's pages; nothing
    they carry runs."""
    import uuid

    from tests.dashboard import statements as s

    script = "<script>window.__pwned = 'script'</script>"
    img = '"><img src=x onerror="window.__pwned = \'img\'">'
    program = s.program_activity(f"Zeta {script}", f"https://academy.example.com/programs/{uuid.uuid4()}")
    mentor, mentee = s.agent(f"Mentor {img}", "mallory@example.org"), s.agent(f"Mentee {script}", "eve@example.org")
    server.post_statements([
        s.enrol(mentor, "mentor", s.ago(5), program), s.enrol(mentee, "mentee", s.ago(5), program),
        s.pair(mentor, mentee, s.ago(5), program),
        s.session(mentee, mentor, s.ago(4), program, name=f"Session {img}"),
        s.comment(mentee, f"Comment {script}{img}", s.ago(3), program, about_name=f"Video {script}"),
        s.feedback(mentor, mentee, 5, f"Feedback {img}", s.ago(2), program),
        s.feedback(mentee, mentor, 4, f"Thanks {script}", s.ago(1), program),
    ])
    signed_in(page, server)
    server.wait_for_views(server.signed_in_session())
    page.goto("/dashboard/")
    card = page.locator(f'.program-card[data-program="{program["id"]}"]')
    assert card.locator("h2").inner_text() == f"Zeta {script}"
    card.locator("h2 a").click()
    row = page.locator("tr.pair").first
    assert row.locator('td[data-label="Mentor"]').inner_text() == f"Mentor {img}"
    assert row.locator('td[data-label="Mentee"]').inner_text() == f"Mentee {script}"
    row.locator('td[data-label="Mentee"] a').click()
    assert page.locator("h1").inner_text().startswith(f"Mentee {script}")
    # The texts people wrote (result.response): the mentee's comment and feedback received.
    assert page.locator('#comments td[data-label="Text"]').all_inner_texts() == [f"Comment {script}{img}"]
    assert page.locator('#feedback td[data-label="Text"]').all_inner_texts() == [f"Feedback {img}"]
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    page.locator("#mentee-summary a").first.click()  # the mentor
    page.wait_for_url(re.compile(r"/dashboard/mentor\?"))
    assert page.locator("h1").inner_text().startswith(f"Mentor {img}")
    # The mentor's feedback given and received, with their texts.
    assert page.locator('#feedback td[data-label="Text"]').all_inner_texts() == [f"Feedback {img}"]
    assert page.locator('#feedback-received td[data-label="Text"]').all_inner_texts() == [f"Thanks {script}"]
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    assert page.evaluate("window.__pwned") is None
