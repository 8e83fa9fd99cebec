"""Mentee progress (docs/profile/README.md, "Mentee progress"), against the hand-computed
figures of `tests.projections.scenario`, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from projections.mentee_progress import AT_RISK, INACTIVE, ON_TRACK, GoalFigures
from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import Figures, post, us

ADA, BOB, GRACE, ALAN = (f.key(a) for a in (f.ADA, f.BOB, f.GRACE, f.ALAN))


@pytest.fixture
def figures(app: Any, project: Any, client: Any) -> Figures:
    post(client, *statements().values())
    return Figures(app, project)


def test_mentees_are_the_enrolled_mentees_and_the_paired_ones(figures: Figures) -> None:
    """Membership: mentees are enrolled with role mentee or the objects of pairings."""
    assert sorted(figures.mentees(AT)) == sorted([ADA, BOB])


def test_mentors_of_a_mentee_are_those_of_its_pairs(figures: Figures) -> None:
    """mentors: the mentee's pairs' mentors; a session pairs (instructor, actor) too."""
    mentees = figures.mentees(AT)
    assert (mentees[ADA].mentors, mentees[BOB].mentors) == ((GRACE,), (ALAN,))


def test_sessions_count_time_and_last_date(figures: Figures) -> None:
    """sessions, session_seconds (sum of result.duration), last_session: PT1H + PT30M."""
    ada = figures.mentees(AT)[ADA]
    assert (ada.sessions, ada.session_seconds, ada.last_session_us) == (2, 5400.0, us("2026-02-20T10:00:00Z"))


def test_videos_started_completed_and_watch_time(figures: Figures) -> None:
    """videos_started: distinct videos with any video statement (intro, feedback);
    videos_completed: distinct completed (intro); watch_seconds: PT10M + PT5M of terminated."""
    ada = figures.mentees(AT)[ADA]
    assert (ada.videos_started, ada.videos_completed, ada.watch_seconds) == (2, 1, 900.0)


def test_comments_count_replies_too(figures: Figures) -> None:
    """comments: count of comments authored (a comment and a reply)."""
    assert figures.mentees(AT)[ADA].comments == 2


def test_goals_set_met_open_overdue_and_days_to_goal(figures: Figures) -> None:
    """Goals: 3 set (listen, speak, write); met: listen (read was met but never set);
    open: 2; overdue: speak (target 2026-02-20 < 2026-03-01); listen took 10 days."""
    assert figures.mentees(AT)[ADA].goals == GoalFigures(3, 1, 2, 1, 10.0)


def test_overdue_goals_depend_on_the_date_of_at(figures: Figures) -> None:
    """goals_overdue: open with a target date before the date of at (2026-02-20 is not before itself)."""
    assert figures.mentees("2026-02-20T23:00:00Z")[ADA].goals.goals_overdue == 0
    assert figures.mentees("2026-02-21T00:00:00Z")[ADA].goals.goals_overdue == 1


def test_feedback_given_received_and_mean_rating(figures: Figures) -> None:
    """feedback_given: 2 by Ada; received: 1 from Grace, mean rating 3."""
    ada = figures.mentees(AT)[ADA]
    assert (ada.feedback_given, ada.feedback_received, ada.mean_rating_received) == (2, 1, 3.0)


def test_last_activity_and_whole_days_since(figures: Figures) -> None:
    """last_activity: Ada's latest statement (feedback 2026-02-20T11:00); 8 days 13 hours to at → 8."""
    ada = figures.mentees(AT)[ADA]
    assert (ada.last_activity_us, ada.days_since_last_activity) == (us("2026-02-20T11:00:00Z"), 8)


def test_status_at_risk_for_an_overdue_goal(figures: Figures) -> None:
    """status: a session 8 days ago, active, but a goal is overdue → at_risk."""
    assert figures.mentees(AT)[ADA].status == AT_RISK


def test_status_on_track_before_the_goal_is_overdue(figures: Figures) -> None:
    """status: on_track with activity and a session within the thresholds, nothing overdue."""
    assert figures.mentees("2026-02-20T12:00:00Z")[ADA].status == ON_TRACK


def test_status_at_risk_without_a_session_in_at_risk_days(figures: Figures) -> None:
    """status: no session in LRS_AT_RISK_DAYS (14) days → at_risk (Ada on 2026-02-12:
    last session 2026-01-12, last activity 2026-01-25, no goal overdue yet)."""
    ada = figures.mentees("2026-02-12T00:00:00Z")[ADA]
    assert (ada.goals.goals_overdue, ada.status) == (0, AT_RISK)


def test_status_inactive_after_inactive_days(figures: Figures) -> None:
    """status: no activity for LRS_INACTIVE_DAYS (30) days → inactive (Bob: last 2026-01-20T10:00, 39 days)."""
    bob = figures.mentees(AT)[BOB]
    assert (bob.days_since_last_activity, bob.status) == (39, INACTIVE)


def test_status_inactive_exactly_at_the_threshold(figures: Figures) -> None:
    """status: 30 whole days without activity is inactive; 29 days and 23 hours is not."""
    assert figures.mentees("2026-02-19T10:00:00Z")[BOB].status == INACTIVE
    assert figures.mentees("2026-02-19T09:59:59Z")[BOB].status == AT_RISK


def test_date_range_limits_every_figure(figures: Figures) -> None:
    """Date-range filters apply to timestamp: since inclusive, until exclusive."""
    ada = figures.mentees(AT, since="2026-01-12T10:00:00Z", until="2026-02-20T10:00:00Z")[ADA]
    assert (ada.sessions, ada.feedback_given, ada.goals.goals_set) == (1, 1, 1)


def test_mentee_with_no_statements_at_all_is_inactive(app: Any, project: Any, client: Any) -> None:
    """status: inactive when there is no activity at all (enrolled by someone else's statement: a pairing)."""
    post(client, f.pairing(f.GRACE, f.ADA, "2026-01-05T10:00:00Z"))
    ada = Figures(app, project).mentees(AT)[ADA]
    assert (ada.last_activity_us, ada.days_since_last_activity, ada.status) == (None, None, INACTIVE)


def test_goal_set_again_keeps_its_first_set_time_and_target_date(app: Any, project: Any, client: Any) -> None:
    """A goal set twice counts once; its first goal-set statement gives its set time and
    its target date (2026-02-01, overdue at AT, though the second one says 2026-04-01)."""
    post(client, f.enrolment(f.ADA, "mentee"),
         f.goal_set(f.ADA, "listen", "2026-02-05T00:00:00Z", "2026-04-01"),
         f.goal_set(f.ADA, "listen", "2026-01-10T00:00:00Z", "2026-02-01"),
         f.goal_met(f.ADA, "listen", "2026-03-01T00:00:00Z"))
    figures = Figures(app, project)
    goals = figures.mentees("2026-02-28T00:00:00Z")[ADA].goals
    assert (goals.goals_set, goals.goals_open, goals.goals_overdue) == (1, 1, 1)
    assert figures.mentees(AT)[ADA].goals.mean_days_to_goal == 50.0


def test_statement_outside_the_profile_counts_nowhere(app: Any, project: Any, client: Any) -> None:
    """Statements outside the profile are stored but ignored by the views."""
    from tests import factories as core

    post(client, f.enrolment(f.ADA, "mentee"), core.statement())
    ada = Figures(app, project).mentees(AT)[ADA]
    assert (ada.sessions, ada.comments) == (0, 0)
