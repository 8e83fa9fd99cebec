"""Voiding removes a statement's effect from every view, whichever arrives first
(docs/profile/README.md, "Voiding"; Data 2.3.2); and every figure can be read as the
view stood at a past log position (issue 6, item 3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.projections import factories as f
from tests.projections.support import Figures, post

AT = "2026-03-01T00:00:00Z"
ADA, GRACE = f.key(f.ADA), f.key(f.GRACE)


@pytest.fixture
def figures(app: Any, project: Any) -> Figures:
    return Figures(app, project)


def sessions_of_ada(figures: Figures, **window: Any) -> int:
    mentees = figures.mentees(AT, **window)
    return mentees[ADA].sessions if ADA in mentees else 0


def test_voiding_after_the_view_applied_the_target(client: Any, figures: Figures) -> None:
    """Voiding a statement already in the view removes its effect."""
    kept, voided = f.session(f.ADA, f.GRACE, "2026-02-01T10:00:00Z"), f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), kept, voided)
    assert sessions_of_ada(figures) == 2
    post(client, f.voiding(voided["id"]))
    assert sessions_of_ada(figures) == 1


def test_voiding_in_the_same_batch_as_the_target(client: Any, figures: Figures) -> None:
    """A target and its voiding statement applied in one batch: the target has no effect."""
    voided = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), voided, f.voiding(voided["id"]))
    assert sessions_of_ada(figures) == 0


def test_voiding_that_arrives_before_its_target(client: Any, figures: Figures) -> None:
    """A target stored after its voiding statement has no effect on arrival."""
    voided = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), f.voiding(voided["id"]))
    assert sessions_of_ada(figures) == 0
    post(client, voided)
    assert sessions_of_ada(figures) == 0


def test_voided_pairing_removes_the_pair_and_the_membership(client: Any, figures: Figures) -> None:
    """Voiding applies to every view: a voided pairing makes no mentor, mentee or pair."""
    pairing = f.pairing(f.GRACE, f.ADA)
    post(client, pairing, f.voiding(pairing["id"]))
    assert figures.mentees(AT) == {} and figures.mentors(AT) == {}
    assert figures.summary(AT) is None


def test_voided_goal_met_reopens_the_goal(client: Any, figures: Figures) -> None:
    """Voiding a goal-met statement: the goal is open again."""
    met = f.goal_met(f.ADA, "listen", "2026-01-20T00:00:00Z")
    post(client, f.enrolment(f.ADA, "mentee"), f.goal_set(f.ADA, "listen", "2026-01-10T00:00:00Z"), met)
    assert figures.mentees(AT)[ADA].goals.goals_met == 1
    post(client, f.voiding(met["id"]))
    goals = figures.mentees(AT)[ADA].goals
    assert (goals.goals_met, goals.goals_open) == (0, 1)


def test_as_of_a_position_before_a_statement_does_not_count_it(client: Any, figures: Figures) -> None:
    """as_of: the view as it stood at a log position counts nothing stored after it."""
    first, second = f.session(f.ADA, f.GRACE, "2026-02-01T10:00:00Z"), f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), first)
    post(client, second)
    assert sessions_of_ada(figures, as_of=figures.position_of(first)) == 1
    assert sessions_of_ada(figures, as_of=figures.position_of(second)) == 2
    assert sessions_of_ada(figures) == 2


def test_as_of_before_the_voiding_still_counts_the_voided_statement(client: Any, figures: Figures) -> None:
    """as_of: a statement voided later counts as of any position before its voiding statement."""
    voided = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    voiding = f.voiding(voided["id"])
    post(client, f.pairing(f.GRACE, f.ADA), voided)
    post(client, voiding)
    assert sessions_of_ada(figures, as_of=figures.position_of(voided)) == 1
    assert sessions_of_ada(figures, as_of=figures.position_of(voiding)) == 0


def test_as_of_never_counts_a_statement_voided_before_it_arrived(client: Any, figures: Figures) -> None:
    """as_of: a target stored after its voiding statement counts at no position."""
    voided = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), f.voiding(voided["id"]))
    post(client, voided)
    assert sessions_of_ada(figures, as_of=figures.position_of(voided)) == 0


def test_as_of_zero_is_the_empty_view(client: Any, figures: Figures) -> None:
    """as_of 0: before the first statement, the view is empty."""
    post(client, f.pairing(f.GRACE, f.ADA), f.session(f.ADA, f.GRACE, "2026-02-01T10:00:00Z"))
    assert figures.mentees(AT, as_of=0) == {}
