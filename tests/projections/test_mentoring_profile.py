"""The mentoring profile's reading of one statement (docs/profile/README.md, "Statements").

`read_statement` is pure: these tests need no store.
"""

from __future__ import annotations

from typing import Any

import pytest

from projections.mentoring_profile import (
    NOTHING,
    Fact,
    Kind,
    Vocabulary,
    agent_from_key,
    duration_seconds,
    read_statement,
)
from tests.projections import factories as f
from xapi.identifiers import agent_key

V = Vocabulary()
TS = "2026-02-02T10:00:00Z"
TS_US = 1_770_026_400_000_000


def only_fact(statement: dict[str, Any]) -> Fact:
    (fact,) = read_statement(statement, V).facts
    return fact


def test_enrolment_as_mentor_is_read_with_its_role() -> None:
    """Enrolment: registered, the program as object, role extension "mentor"."""
    fact = only_fact(f.enrolment(f.GRACE, "mentor", TS))
    assert fact == Fact(f.PROGRAM, Kind.ENROLLED_MENTOR, f.key(f.GRACE), TS_US, object=f.PROGRAM)


def test_enrolment_as_mentee_is_read_with_its_role() -> None:
    """Enrolment: role extension "mentee"."""
    assert only_fact(f.enrolment(f.ADA, "mentee", TS)).kind == Kind.ENROLLED_MENTEE


def test_enrolment_with_an_unknown_role_is_outside_the_profile() -> None:
    """Enrolment: the role is "mentor" or "mentee"; anything else is not an enrolment."""
    assert read_statement(f.enrolment(f.ADA, "observer", TS), V) == NOTHING


def test_enrolment_in_an_activity_that_is_not_the_program_is_outside_the_profile() -> None:
    """Enrolment: the object is the program Activity named in grouping."""
    statement = f.enrolment(f.ADA, "mentee", TS)
    statement["object"] = f.video("intro")
    assert read_statement(statement, V) == NOTHING


def test_pairing_names_the_mentor_as_actor_and_the_mentee_as_object() -> None:
    """Pairing: actor the mentor, verb paired-with, object the mentee (an Agent)."""
    fact = only_fact(f.pairing(f.GRACE, f.ADA, TS))
    assert (fact.kind, fact.actor, fact.other) == (Kind.PAIRING, f.key(f.GRACE), f.key(f.ADA))


def test_session_reads_mentee_mentor_and_duration() -> None:
    """Session: the mentee attended a meeting, instructor the mentor, result.duration."""
    fact = only_fact(f.session(f.ADA, f.GRACE, TS, "PT1H30M", session_id="s1"))
    assert fact == Fact(
        f.PROGRAM, Kind.SESSION, f.key(f.ADA), TS_US, other=f.key(f.GRACE),
        object="https://lrs.example.org/sessions/s1", seconds=5400.0,
    )


def test_session_without_instructor_or_duration_still_counts() -> None:
    """Session: a session with no instructor has no mentor; no duration counts as 0 seconds."""
    fact = only_fact(f.session(f.ADA, None, TS, None))
    assert (fact.kind, fact.other, fact.seconds) == (Kind.SESSION, None, 0.0)


def test_attending_something_that_is_not_a_meeting_is_outside_the_profile() -> None:
    """Session: the object's type is http://adlnet.gov/expapi/activities/meeting."""
    statement = f.session(f.ADA, f.GRACE, TS)
    statement["object"]["definition"]["type"] = "http://adlnet.gov/expapi/activities/lesson"
    assert read_statement(statement, V) == NOTHING


@pytest.mark.parametrize("verb", ["http://adlnet.gov/expapi/verbs/initialized", "https://w3id.org/xapi/video/verbs/played"])
def test_video_started_by_initialized_or_played(verb: str) -> None:
    """Video started: initialized or the Video Profile's played, on a video."""
    fact = only_fact(f.video_started(f.ADA, "intro", TS, verb=verb))
    assert (fact.kind, fact.object) == (Kind.VIDEO_STARTED, "https://lrs.example.org/videos/intro")


def test_video_terminated_reads_watch_time_and_progress() -> None:
    """Video progress: terminated, result.duration and the Video Profile's progress extension."""
    fact = only_fact(f.video_watched(f.ADA, "intro", TS, "PT12M30S", 0.75))
    assert (fact.kind, fact.seconds, fact.value) == (Kind.VIDEO_PROGRESS, 750.0, 0.75)


def test_video_completed() -> None:
    """Video completed: completed on a video."""
    assert only_fact(f.video_completed(f.ADA, "intro", TS)).kind == Kind.VIDEO_COMPLETED


def test_comment_is_read_with_its_subject() -> None:
    """Comment: commented, the object is what it is about."""
    fact = only_fact(f.comment(f.ADA, TS, about="https://lrs.example.org/goals/listen"))
    assert (fact.kind, fact.object) == (Kind.COMMENT, "https://lrs.example.org/goals/listen")


def test_comment_with_context_statement_is_a_reply() -> None:
    """Comment: context.statement (a StatementRef) is the comment it replies to."""
    fact = only_fact(f.comment(f.GRACE, TS, reply_to="6690e6c9-3ef0-4ed3-8b37-7f3964730bee"))
    assert fact.kind == Kind.REPLY


def test_comment_mentions_are_one_fact_per_agent() -> None:
    """Comment: the mentions extension is an array of Agents; repeats count once."""
    reading = read_statement(f.comment(f.ADA, TS, mentions=[f.GRACE, f.BOB, f.GRACE]), V)
    kinds = [(fact.kind, fact.other) for fact in reading.facts]
    assert kinds == [(Kind.COMMENT, None), (Kind.MENTION, f.key(f.GRACE)), (Kind.MENTION, f.key(f.BOB))]


def test_goal_set_reads_the_target_date() -> None:
    """Goal set: set-goal on a goal, target-date extension "YYYY-MM-DD"."""
    fact = only_fact(f.goal_set(f.ADA, "listen", TS, "2026-03-01"))
    expected = (Kind.GOAL_SET, "https://lrs.example.org/goals/listen", "2026-03-01")
    assert (fact.kind, fact.object, fact.detail) == expected


def test_goal_set_with_an_invalid_target_date_has_none() -> None:
    """Goal set: a target date that is not a calendar date YYYY-MM-DD counts as none."""
    assert only_fact(f.goal_set(f.ADA, "listen", TS, "2026-02-30")).detail is None


def test_goal_met_is_completed_on_a_goal() -> None:
    """Goal met: completed on an Activity of the goal type (not a video)."""
    assert only_fact(f.goal_met(f.ADA, "listen", TS)).kind == Kind.GOAL_MET


def test_feedback_reads_recipient_and_rating() -> None:
    """Feedback: gave-feedback, recipient extension, result.score.raw 1..5."""
    fact = only_fact(f.feedback(f.ADA, f.GRACE, TS, rating=5))
    assert (fact.kind, fact.actor, fact.other, fact.value) == (Kind.FEEDBACK, f.key(f.ADA), f.key(f.GRACE), 5.0)


def test_feedback_rating_outside_one_to_five_is_no_rating() -> None:
    """Feedback: the rating is 1..5; another raw score is not a rating."""
    assert only_fact(f.feedback(f.ADA, f.GRACE, TS, rating=9)).value is None


def test_statement_without_program_grouping_is_outside_the_profile() -> None:
    """Common rules: a statement with no program Activity in grouping is outside the profile."""
    statement = f.session(f.ADA, f.GRACE, TS)
    del statement["context"]["contextActivities"]
    assert read_statement(statement, V) == NOTHING


def test_grouping_activity_of_another_type_is_not_a_program() -> None:
    """Common rules: the grouping Activity's type must be {base}/activity-types/program."""
    statement = f.session(f.ADA, f.GRACE, TS)
    statement["context"]["contextActivities"]["grouping"][0]["definition"]["type"] = "https://example.org/course"
    assert read_statement(statement, V) == NOTHING


def test_statement_in_two_programs_yields_a_fact_for_each() -> None:
    """Common rules: a statement naming two programs counts in both."""
    statement = f.session(f.ADA, f.GRACE, TS)
    statement["context"]["contextActivities"]["grouping"].append(f.program_activity(f.OTHER_PROGRAM, "Graduates"))
    programs = [fact.program for fact in read_statement(statement, V).facts]
    assert programs == [f.PROGRAM, f.OTHER_PROGRAM]


def test_vocabulary_follows_the_configured_base() -> None:
    """The minted IRIs hang off LRS_PROFILE_BASE: the default base's terms mean nothing under another."""
    other = Vocabulary("https://mentoring.acme.test/xapi/")
    assert other.paired_with == "https://mentoring.acme.test/xapi/verbs/paired-with"
    assert read_statement(f.pairing(f.GRACE, f.ADA, TS), other) == NOTHING


def test_voiding_statement_is_read_for_its_target() -> None:
    """Voiding (Data 2.3.2): the views remove the target's effect."""
    reading = read_statement(f.voiding("6690E6C9-3EF0-4ED3-8B37-7F3964730BEE"), V)
    assert reading.voids == "6690e6c9-3ef0-4ed3-8b37-7f3964730bee" and reading.facts == ()


def test_names_are_kept_for_display() -> None:
    """Who: name is for display; the actor's and the other Agent's names are read."""
    reading = read_statement(f.pairing(f.GRACE, f.ADA, TS), V)
    assert dict(reading.names) == {f.key(f.GRACE): "Grace Mentor", f.key(f.ADA): "Ada Mentee"}
    assert reading.programs == ((f.PROGRAM, "Reverse mentoring 2026"),)


@pytest.mark.parametrize(("text", "seconds"), [
    ("PT1H30M", 5400.0), ("PT45M", 2700.0), ("PT12.5S", 12.5), ("P1D", 86400.0), ("P1W", 604800.0),
    ("P1DT1S", 86401.0), ("PT0,5S", 0.5),
])
def test_duration_in_seconds(text: str, seconds: float) -> None:
    """Data 4.6: ISO 8601 durations; the views count them in seconds."""
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("agent", [
    {"mbox": "mailto:ada@example.org"},
    {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
    {"openid": "https://openid.example.org/ada"},
    {"account": {"homePage": "https://lms.example.org/a|b", "name": "ada-42"}},
])
def test_agent_from_key_gives_back_the_identifier(agent: dict[str, Any]) -> None:
    """Who: the views key Agents by IFI and answer with the same IFI."""
    restored = agent_from_key(agent_key(agent) or "")
    assert agent_key(restored) == agent_key(agent)
