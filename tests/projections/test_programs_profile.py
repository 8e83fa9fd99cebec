"""Reading the profile's program additions (docs/profile/README.md, "Program additions"):
each statement shape gives its facts; an almost-profile statement gives an issue naming
the rule it breaks, and no fact."""

from __future__ import annotations

from typing import Any

import pytest

from projections.mentoring_profile import Vocabulary
from projections.programs_profile import Kind, read_statement
from tests.projections import factories as f
from tests.projections import program_factories as p

V = Vocabulary()
ADA, GRACE, ALAN = f.key(f.ADA), f.key(f.GRACE), f.key(f.ALAN)


def kinds(statement: dict[str, Any]) -> list[Kind]:
    return [fact.kind for fact in read_statement(statement, V).facts]


def test_claimed_skill_is_a_level_of_the_actor() -> None:
    (fact,) = read_statement(p.claimed(f.ADA, "listening", 2), V).facts
    assert (fact.kind, fact.actor, fact.object, fact.value, fact.program) == (
        Kind.SKILL_CLAIMED, ADA, "https://lrs.example.org/competencies/listening", 2.0, "")


def test_assessed_skill_is_about_the_subject_and_names_the_assessor() -> None:
    (fact,) = read_statement(p.assessed(f.GRACE, f.ADA, "listening", 3), V).facts
    assert (fact.kind, fact.actor, fact.other, fact.value) == (Kind.SKILL_ASSESSED, ADA, GRACE, 3.0)


@pytest.mark.parametrize("level", [5, -1, 2.5, "3", None])
def test_level_outside_0_to_4_is_an_issue_not_a_fact(level: Any) -> None:
    (fact,) = read_statement(p.claimed(f.ADA, "listening", level), V).facts
    assert (fact.kind, fact.detail) == (Kind.ISSUE, "level")


def test_assessment_without_subject_is_an_issue() -> None:
    assert [(x.kind, x.detail) for x in read_statement(p.assessed(f.GRACE, None, "x", 3), V).facts] == [
        (Kind.ISSUE, "subject")]


def test_role_keeps_seniority_and_team() -> None:
    (fact,) = read_statement(p.holds_role(f.ADA, "analyst", 1, "support"), V).facts
    assert (fact.kind, fact.object, fact.value, fact.detail) == (
        Kind.ROLE, "https://lrs.example.org/roles/analyst", 1.0, "support")


def test_reports_to_names_the_manager() -> None:
    (fact,) = read_statement(p.reports_to(f.ADA, f.GRACE), V).facts
    assert (fact.kind, fact.actor, fact.other) == (Kind.REPORTS_TO, ADA, GRACE)


def test_target_of_a_program_names_the_program_as_holder() -> None:
    (fact,) = read_statement(p.requires(f.program_activity(), "listening", 3), V).facts
    assert (fact.kind, fact.detail, fact.value) == (Kind.TARGET, f.PROGRAM, 3.0)


@pytest.mark.parametrize("capacity", [0, -2, 1.5, "2", None])
def test_capacity_that_is_not_a_positive_integer_is_an_issue(capacity: Any) -> None:
    (fact,) = read_statement(p.capacity(f.GRACE, capacity), V).facts
    assert (fact.kind, fact.detail, fact.program) == (Kind.ISSUE, "capacity", f.PROGRAM)


def test_capacity_is_a_program_fact() -> None:
    (fact,) = read_statement(p.capacity(f.GRACE, 2), V).facts
    assert (fact.kind, fact.program, fact.value) == (Kind.CAPACITY, f.PROGRAM, 2.0)


def test_ranking_gives_a_head_fact_and_one_fact_per_rank() -> None:
    facts = read_statement(p.ranked(f.ADA, [f.GRACE, f.ALAN]), V).facts
    assert [(x.kind, x.other, x.value) for x in facts] == [
        (Kind.PREFERENCE, None, 0.0), (Kind.PREFERENCE, GRACE, 1.0), (Kind.PREFERENCE, ALAN, 2.0)]


def test_more_than_three_preferences_is_an_issue() -> None:
    others = [f.person(f"M {i}") for i in range(4)]
    assert kinds(p.ranked(f.ADA, others)) == [Kind.ISSUE]


def test_shared_to_a_group_gives_one_fact_per_member() -> None:
    group = {"objectType": "Group", "name": "Team", "member": [f.ADA, f.BOB]}
    facts = read_statement(p.shared(f.GRACE, group), V).facts
    assert [(x.kind, x.actor, x.other) for x in facts] == [
        (Kind.SHARED, GRACE, ADA), (Kind.SHARED, GRACE, f.key(f.BOB))]


def test_timeline_comment_keeps_the_video_time_and_mentions() -> None:
    facts = read_statement(p.timeline_comment(f.ADA, 42.5, mentions=[f.GRACE]), V).facts
    assert [(x.kind, x.value, x.other) for x in facts] == [(Kind.COMMENT, 42.5, None), (Kind.MENTION, None, GRACE)]


def test_negative_video_time_is_an_issue() -> None:
    assert kinds(p.timeline_comment(f.ADA, -3)) == [Kind.ISSUE]


def test_outcome_reported_by_a_system_is_about_its_subject() -> None:
    (fact,) = read_statement(p.measured(f.ADA, 4.2, "2026-02-01T00:00:00Z", period="2026-01", reporter=p.HR), V).facts
    assert (fact.kind, fact.actor, fact.value, fact.detail) == (Kind.OUTCOME, ADA, 4.2, "2026-01")


def test_statements_outside_the_additions_give_nothing() -> None:
    assert read_statement(f.session(f.ADA, f.GRACE, "2026-01-05T10:00:00Z"), V).facts == ()
    assert read_statement(f.enrolment(f.ADA, "mentee"), V).facts == ()
