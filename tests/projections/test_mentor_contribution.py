"""Mentor contribution (docs/profile/README.md, "Mentor contribution"), against the
hand-computed figures of `tests.projections.scenario`, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from projections.mentor_contribution import MentorContribution
from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import Figures, post

ADA, GRACE, ALAN = (f.key(a) for a in (f.ADA, f.GRACE, f.ALAN))


@pytest.fixture
def figures(app: Any, project: Any, client: Any) -> Figures:
    post(client, *statements().values())
    return Figures(app, project)


def test_mentors_are_the_enrolled_mentors_and_the_pairing_actors(figures: Figures) -> None:
    """Membership: mentors are enrolled with role mentor or actors of pairings; Alan, who
    only held a session, is not a mentor of the program."""
    assert sorted(figures.mentors(AT)) == [GRACE]


def test_mentor_contribution_figures(figures: Figures) -> None:
    """Grace: mentee Ada; 2 sessions held (PT1H + PT30M = 1.5 hours); 1 comment, a reply;
    1 feedback given, 2 received with ratings 5 and 4 → 4.5; Ada met 1 goal."""
    assert figures.mentors(AT)[GRACE] == MentorContribution(
        mentor=GRACE, mentees=(ADA,), sessions_held=2, hours=1.5, comments=1, replies=1,
        feedback_given=1, feedback_received=2, mentee_goals_met=1, mean_rating_received=4.5,
    )


def test_mentor_figures_follow_the_reference_instant(figures: Figures) -> None:
    """Statements timestamped after at do not count: on 2026-02-01 Grace had held one session
    and had one rating (5)."""
    grace = figures.mentors("2026-02-01T00:00:00Z")[GRACE]
    assert (grace.sessions_held, grace.hours, grace.mean_rating_received) == (1, 1.0, 5.0)


def test_mentor_without_ratings_has_no_mean(app: Any, project: Any, client: Any) -> None:
    """mean_rating_received: none when no feedback with a rating was addressed to the mentor."""
    post(client, f.enrolment(f.ALAN, "mentor"), f.feedback(f.ADA, f.ALAN, "2026-01-10T00:00:00Z", rating=None))
    alan = Figures(app, project).mentors(AT)[ALAN]
    assert alan.mean_rating_received is None
