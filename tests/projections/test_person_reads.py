"""A person's figures read from their own facts only (``Window.people``; issue 21
point 5: a mentee's or mentor's page of a 1,000-mentee program reads a few people's
facts, not the program's). Each figure must equal the one computed from the whole
program: a mentee's progress, status and pairs, a mentor's contribution, for every
person, with and without a range, at instants that cut groups, and as of a past log
position (the facts then, not the rollup)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from projections import mentoring
from projections.mentee_progress import mentee_progress, progress_of
from projections.mentor_contribution import contribution_of, mentor_contribution, mentor_facts
from projections.mentoring import Window, read_program
from projections.pair_status import pair_statuses
from tests.projections import factories as f
from tests.projections.support import SETTINGS, post, us

ADA, BOB, GRACE, ALAN = f.key(f.ADA), f.key(f.BOB), f.key(f.GRACE), f.key(f.ALAN)

INSTANTS = ["2026-03-01T00:00:00Z", "2026-02-10T12:00:00Z", "2026-02-04T00:00:00Z"]
WINDOWS = [
    {},
    {"since_us": us("2026-02-04T00:00:00Z")},
    {"until_us": us("2026-02-09T00:00:00Z")},
    {"since_us": us("2026-02-02T00:00:00Z"), "until_us": us("2026-02-12T00:00:00Z")},
]


def statements() -> list[dict[str, Any]]:
    """Two mentors sharing a mentee (Ada), each with one of their own, and every kind of fact."""
    first = f.comment(f.ADA, "2026-02-06T10:00:00Z")
    return [
        f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ALAN, "mentor"),
        f.enrolment(f.ADA, "mentee"), f.enrolment(f.BOB, "mentee"),
        f.pairing(f.GRACE, f.ADA), f.pairing(f.GRACE, f.BOB), f.pairing(f.ALAN, f.ADA),
        f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z"), f.session(f.ADA, f.ALAN, "2026-02-09T10:00:00Z"),
        f.session(f.BOB, f.GRACE, "2026-02-03T10:00:00Z", duration="PT45M"),
        f.video_watched(f.ADA, "listening", "2026-02-04T10:00:00Z", progress=0.3),
        f.video_completed(f.BOB, "listening", "2026-02-05T10:00:00Z"),
        f.goal_set(f.ADA, "listen", "2026-02-01T00:00:00Z", target="2026-02-08"),
        f.goal_set(f.BOB, "speak", "2026-02-01T00:00:00Z", target="2026-03-20"),
        f.goal_met(f.BOB, "speak", "2026-02-11T00:00:00Z"),
        first, f.comment(f.GRACE, "2026-02-07T10:00:00Z", reply_to=first["id"]),
        f.feedback(f.ADA, f.GRACE, "2026-02-11T10:00:00Z", rating=5),
        f.feedback(f.GRACE, f.BOB, "2026-02-12T10:00:00Z", rating=3),
        f.feedback(f.ALAN, f.ADA, "2026-02-10T10:00:00Z", rating=4),
    ]


@pytest.fixture
def loaded(app: Any, client: Any, project: Any) -> Any:
    posted = statements()
    post(client, *posted[:8])
    project()
    post(client, *posted[8:])
    project()
    return app.extensions["lrs"].store.db


@pytest.mark.parametrize("at", INSTANTS)
@pytest.mark.parametrize("bounds", WINDOWS)
def test_a_mentees_figures_from_their_facts_equal_those_from_the_program(
    loaded: Any, at: str, bounds: dict[str, int]
) -> None:
    window = Window(f.PROGRAM, **bounds).at(us(at))
    with loaded.read() as cur:
        program = read_program(cur, window)
        for mentee in (ADA, BOB):
            own = read_program(cur, replace(window, people=(mentee,)))
            assert (mentee in own.mentees) == (mentee in program.mentees)
            assert progress_of(own, mentee, us(at), SETTINGS) == progress_of(program, mentee, us(at), SETTINGS)
            assert ([p for p in pair_statuses(own, us(at), SETTINGS) if p.mentee == mentee]
                    == [p for p in pair_statuses(program, us(at), SETTINGS) if p.mentee == mentee])


@pytest.mark.parametrize("at", INSTANTS)
@pytest.mark.parametrize("bounds", WINDOWS)
def test_a_mentors_contribution_from_their_and_their_mentees_facts_equals_the_programs(
    loaded: Any, at: str, bounds: dict[str, int]
) -> None:
    window = Window(f.PROGRAM, **bounds).at(us(at))
    with loaded.read() as cur:
        program = read_program(cur, window, videos=False)
        for mentor in (GRACE, ALAN):
            own = mentor_facts(cur, window, mentor)
            assert contribution_of(own, mentor, us(at)) == contribution_of(program, mentor, us(at))


def test_the_query_functions_answer_for_one_person_as_for_everyone(loaded: Any) -> None:
    at = us("2026-02-10T12:00:00Z")
    with loaded.read() as cur:
        everyone = {p.mentee: p for p in mentee_progress(cur, Window(f.PROGRAM), at_us=at, settings=SETTINGS)}
        mentors = {c.mentor: c for c in mentor_contribution(cur, Window(f.PROGRAM), at_us=at)}
        for mentee in (ADA, BOB):
            assert mentee_progress(cur, Window(f.PROGRAM), at_us=at, settings=SETTINGS, mentee=mentee) \
                == [everyone[mentee]]
        for mentor in (GRACE, ALAN):
            assert mentor_contribution(cur, Window(f.PROGRAM), at_us=at, mentor=mentor) == [mentors[mentor]]
        assert mentee_progress(cur, Window(f.PROGRAM), at_us=at, settings=SETTINGS, mentee=GRACE) == []
        assert mentor_contribution(cur, Window(f.PROGRAM), at_us=at, mentor=ADA) == []


def test_a_persons_read_as_of_a_past_position_sees_the_facts_then(app: Any, client: Any, project: Any) -> None:
    """as_of before the rollup's last change: the person's groups are grouped from the facts."""
    first = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.enrolment(f.ADA, "mentee"), f.pairing(f.GRACE, f.ADA), first)
    post(client, f.session(f.ADA, f.GRACE, "2026-02-03T10:00:00Z"), f.session(f.BOB, f.GRACE, "2026-02-03T11:00:00Z"))
    project()
    position = int(app.extensions["lrs"].store.queries.position_of(first["id"], voided=False))
    at = us("2026-03-01T00:00:00Z")
    with app.extensions["lrs"].store.db.read() as cur:
        window = Window(f.PROGRAM, as_of=position, people=(ADA,)).at(at)
        assert mentoring._rolled_up_groups(cur, window, None) is None
        (progress,) = mentee_progress(cur, Window(f.PROGRAM, as_of=position), at_us=at, settings=SETTINGS, mentee=ADA)
    assert progress.sessions == 1


def test_a_person_window_reads_only_that_persons_facts(loaded: Any) -> None:
    with loaded.read() as cur:
        own = read_program(cur, Window(f.PROGRAM, people=(BOB,)).at(us("2026-03-01T00:00:00Z")))
    assert own.groups
    assert all(BOB in (g.actor, g.other) for g in own.groups)
    assert {g.owner for g in own.goals} == {BOB}
    assert set(own.videos) == {BOB}
