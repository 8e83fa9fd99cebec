"""Program tracking (docs/profile/README.md, "Program tracking"), against the
hand-computed figures of `tests.projections.scenario`, on both stores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from projections.program_tracking import MAX_WEEKS, PairAtRisk, Week, WeekRating
from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import Figures, post, us
from xapi.prepare import format_timestamp, parse_timestamp

ADA, BOB, GRACE, ALAN = (f.key(a) for a in (f.ADA, f.BOB, f.GRACE, f.ALAN))


@pytest.fixture
def figures(app: Any, project: Any, client: Any) -> Figures:
    post(client, *statements().values())
    return Figures(app, project)


def test_membership_and_pairs(figures: Figures) -> None:
    """mentors: Grace; mentees: Ada, Bob; pairs: (Grace, Ada) paired, (Alan, Bob) by a session."""
    summary = figures.summary(AT)
    assert summary is not None
    assert (summary.mentors, summary.mentees, summary.pairs) == (1, 2, 2)


def test_active_pairs_had_a_session_in_active_days_before_at(figures: Figures) -> None:
    """active_pairs: a session in the 14 days before at: only (Grace, Ada) on 2026-02-20."""
    summary = figures.summary(AT)
    assert summary is not None and summary.active_pairs == 1
    later = figures.summary("2026-03-06T10:00:00Z")
    assert later is not None and later.active_pairs == 0


def test_sessions_per_pair_per_month(figures: Figures) -> None:
    """3 sessions ÷ 2 pairs ÷ (days in range ÷ 30); the range runs from the first statement
    (2026-01-05T09:00) to at (2026-03-01T00:00): 54.625 days."""
    summary = figures.summary(AT)
    assert summary is not None and summary.sessions == 3
    assert summary.sessions_per_pair_per_month == pytest.approx(3 / 2 / (54.625 / 30))


def test_sessions_per_pair_per_month_over_an_explicit_range(figures: Figures) -> None:
    """With since and until, days in range is until − since: January (31 days) holds 2 sessions."""
    summary = figures.summary(AT, since="2026-01-01T00:00:00Z", until="2026-02-01T00:00:00Z")
    assert summary is not None and summary.sessions == 2
    assert summary.sessions_per_pair_per_month == pytest.approx(2 / 2 / (31 / 30))


def test_goal_attainment_and_median_days_to_goal(figures: Figures) -> None:
    """goal_attainment_rate: 1 met of 3 set; median_days_to_goal: 10 (listen)."""
    summary = figures.summary(AT)
    assert summary is not None
    assert (summary.goals_set, summary.goals_met) == (3, 1)
    assert summary.goal_attainment_rate == pytest.approx(1 / 3)
    assert summary.median_days_to_goal == 10.0


def test_feedback_count_mean_and_weekly_trend(figures: Figures) -> None:
    """feedback: 3, ratings 5, 3, 4 → mean 4; per week: 2026-01-12 (5, 3) → 4, 2026-02-16 (4) → 4."""
    summary = figures.summary(AT)
    assert summary is not None
    assert (summary.feedback_count, summary.mean_rating) == (3, 4.0)
    assert summary.rating_trend == (WeekRating("2026-01-12", 4.0, 2), WeekRating("2026-02-16", 4.0, 1))


def test_pairs_at_risk_with_their_reasons(figures: Figures) -> None:
    """pairs_at_risk: (Alan, Bob) had no session since 2026-01-20 (no_session);
    Ada has an overdue goal (overdue_goal), though her last session was 8 days ago."""
    summary = figures.summary(AT)
    assert summary is not None
    assert summary.pairs_at_risk == (
        PairAtRisk(ALAN, BOB, ("no_session",), us("2026-01-20T10:00:00Z"), 0),
        PairAtRisk(GRACE, ADA, ("overdue_goal",), us("2026-02-20T10:00:00Z"), 1),
    )


def test_weekly_series_counts_each_kind_per_iso_week(figures: Figures) -> None:
    """Weekly series: ISO weeks from Monday (UTC), from the first week with a counted statement
    to the week holding the end of the range (at, a Sunday midnight: the week of 2026-02-23),
    empty weeks included; goals first set, and goals set then first met (read, met but never
    set, is not counted); enrolments and pairings are not counted."""
    empty = {"sessions": 0, "video_statements": 0, "comments": 0, "feedback": 0, "goals_set": 0, "goals_met": 0}
    assert figures.weeks(AT) == [
        Week("2026-01-05", **{**empty, "goals_set": 2}),
        Week("2026-01-12", sessions=1, video_statements=5, comments=3, feedback=2, goals_set=1, goals_met=0),
        Week("2026-01-19", **{**empty, "sessions": 1, "goals_met": 1}),
        Week("2026-01-26", **empty),
        Week("2026-02-02", **empty),
        Week("2026-02-09", **empty),
        Week("2026-02-16", **{**empty, "sessions": 1, "feedback": 1}),
        Week("2026-02-23", **empty),
    ]


def test_weekly_series_spans_the_date_range(figures: Figures) -> None:
    """Weekly series: with since and until, every week from since's to until's is listed."""
    weeks = figures.weeks(AT, since="2025-12-29T00:00:00Z", until="2026-01-12T00:00:00Z")
    assert [(w.week, w.goals_set) for w in weeks] == [("2025-12-29", 0), ("2026-01-05", 2)]


def test_weekly_series_starts_at_the_programs_first_enrolment(app: Any, project: Any, client: Any) -> None:
    """Weekly series without since: from the week of the program's first enrolment; a
    statement timestamped before it (a clock in year 1) adds no weeks."""
    post(client, f.enrolment(f.GRACE, "mentor", "2026-01-07T09:00:00Z"),
         f.enrolment(f.ADA, "mentee", "2026-01-14T09:00:00Z"),
         f.session(f.ADA, f.GRACE, "0001-01-03T12:00:00Z", "PT1H"),
         f.session(f.ADA, f.GRACE, "2026-01-21T12:00:00Z", "PT1H"))
    weeks = Figures(app, project).weeks("2026-01-25T00:00:00Z")
    assert [(w.week, w.sessions) for w in weeks] == [("2026-01-05", 0), ("2026-01-12", 0), ("2026-01-19", 1)]


def test_weekly_series_lists_at_most_max_weeks_the_latest(app: Any, project: Any, client: Any) -> None:
    """Weekly series: a range of two thousand years lists the last MAX_WEEKS weeks only,
    ending with the week that holds the range's end."""
    post(client, f.enrolment(f.GRACE, "mentor", "0001-01-03T12:00:00Z"),
         f.session(f.ADA, f.GRACE, "2026-01-21T12:00:00Z", "PT1H"))
    weeks = Figures(app, project).weeks("2026-01-25T00:00:00Z")
    assert len(weeks) == MAX_WEEKS
    assert (weeks[-1].week, weeks[-1].sessions) == ("2026-01-19", 1)
    assert weeks[0].week == "2016-02-08"


def test_membership_holds_before_the_start_of_the_range(figures: Figures) -> None:
    """Membership counts every statement before the range's end: in February Grace, Ada and
    Bob are still members though they enrolled in January; only one session falls in it."""
    summary = figures.summary(AT, since="2026-02-01T00:00:00Z")
    assert summary is not None
    assert (summary.mentors, summary.mentees, summary.pairs, summary.sessions) == (1, 2, 2, 1)


def test_unknown_program_has_no_summary(figures: Figures) -> None:
    """A program no profile statement names has no tracking summary."""
    assert figures.summary(AT, program=f.OTHER_PROGRAM) is None


@pytest.mark.parametrize(("timestamp", "monday"), [
    ("1950-01-04T12:00:00Z", "1950-01-02"),         # a Wednesday long before the epoch
    ("1969-12-28T23:59:59.999Z", "1969-12-22"),     # the last instant before the epoch's Monday
    ("1969-12-29T00:00:00Z", "1969-12-29"),         # the epoch's Monday itself
    ("1970-01-01T00:00:00Z", "1969-12-29"),         # the epoch, a Thursday
    ("1970-01-04T23:59:59.999Z", "1969-12-29"),     # the Sunday that ends the epoch's week
    ("1970-01-05T00:00:00Z", "1970-01-05"),
    ("0001-01-03T12:00:00Z", "0001-01-01"),         # year 1 began on a Monday
])
def test_weekly_series_puts_every_instant_in_its_own_iso_week(
        app: Any, project: Any, client: Any, timestamp: str, monday: str) -> None:
    """ISO weeks start on Monday (UTC) for every instant, before 1970 too: the week number
    is floored, never truncated toward zero (a session on Wed 1950-01-04 is in the week of
    Monday 1950-01-02, not 1950-01-09)."""
    post(client, f.enrolment(f.GRACE, "mentor", timestamp), f.enrolment(f.ADA, "mentee", timestamp),
         f.session(f.ADA, f.GRACE, timestamp, "PT1H"), f.feedback(f.ADA, f.GRACE, timestamp, rating=4))
    figures = Figures(app, project)
    just_after = format_timestamp(parse_timestamp(timestamp) + timedelta(milliseconds=1))
    weeks = figures.weeks(AT, since=timestamp, until=just_after)
    assert [(w.week, w.sessions) for w in weeks] == [(monday, 1)]
    summary = figures.summary(AT)
    assert summary is not None and summary.rating_trend == (WeekRating(monday, 4.0, 1),)
