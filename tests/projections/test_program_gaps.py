"""Gaps and reinforcement from the programs view (issue 22 item 3; docs/profile/README.md,
"Gaps and reinforcement"), with the view's guarantees: voiding whichever arrives first,
as_of a log position, rebuild = live, and the auditor's replay."""

from __future__ import annotations

from typing import Any

import pytest

from projections.program_gaps import due_for_reinforcement, group_gaps, person_gaps, program_gaps
from tests.projections import factories as f
from tests.projections import program_factories as p
from tests.projections.support import Figures, post, us

AT = "2026-03-01T00:00:00Z"
ADA, BOB, GRACE = f.key(f.ADA), f.key(f.BOB), f.key(f.GRACE)
LISTENING = "https://lrs.example.org/competencies/listening"
CODING = "https://lrs.example.org/competencies/coding"
ANALYST = p.role("analyst")


class Gaps(Figures):
    def of(self, person: str = ADA, at: str = AT, as_of: int | None = None) -> dict[str, Any]:
        self.project()
        with self.services.store.db.read() as cur:
            found = person_gaps(cur, f.PROGRAM, person, at_us=us(at), as_of=as_of)
        return {g.competency: (g.target, g.evidenced, g.gap) for g in found.gaps}


@pytest.fixture
def gaps(app: Any, project: Any) -> Gaps:
    return Gaps(app, project)


def base(client: Any) -> None:
    post(client, f.enrolment(f.ADA, "mentee"), f.enrolment(f.BOB, "mentee"), f.enrolment(f.GRACE, "mentor"),
         p.holds_role(f.ADA, "analyst", 1, "support"), p.holds_role(f.BOB, "analyst", 2, "sales"),
         p.requires(f.program_activity(), LISTENING.rsplit("/", 1)[1], 3),
         p.requires(ANALYST, "coding", 2))


def test_person_gap_is_target_minus_latest_assessment_largest_first(client: Any, gaps: Gaps) -> None:
    base(client)
    post(client, p.assessed(f.GRACE, f.ADA, "listening", 1, "2026-01-10T00:00:00Z"),
         p.assessed(f.GRACE, f.ADA, "listening", 2, "2026-01-20T00:00:00Z"), p.claimed(f.ADA, "coding", 4))
    assert gaps.of() == {LISTENING: (3, 2, 1), CODING: (2, None, 2)}
    with gaps.services.store.db.read() as cur:
        found = person_gaps(cur, f.PROGRAM, ADA, at_us=us(AT), as_of=None)
    assert [g.competency for g in found.gaps] == [CODING, LISTENING]
    assert found.gaps[0].claimed == 4, "a claim is shown beside, never counted as evidence"


def test_later_target_replaces_earlier_and_the_higher_of_role_and_program_counts(client: Any, gaps: Gaps) -> None:
    base(client)
    post(client, p.requires(ANALYST, "listening", 4, "2026-01-02T00:00:00Z"))
    assert gaps.of()[LISTENING] == (4, None, 4)
    post(client, p.requires(ANALYST, "listening", 1, "2026-01-03T00:00:00Z"))
    assert gaps.of()[LISTENING] == (3, None, 3)


def test_group_gaps_per_program_role_and_team(client: Any, gaps: Gaps) -> None:
    base(client)
    post(client, p.assessed(f.GRACE, f.BOB, "listening", 3))
    gaps.project()
    with gaps.services.store.db.read() as cur:
        found = group_gaps(program_gaps(cur, f.PROGRAM, at_us=us(AT), as_of=None), f.PROGRAM)
    program = {g.competency: g for g in found if g.kind == "program"}
    assert (program[LISTENING].people, program[LISTENING].with_gap, program[LISTENING].mean_gap) == (2, 1, 1.5)
    assert {(g.group, g.competency) for g in found if g.kind == "team"} == {
        ("support", LISTENING), ("support", CODING), ("sales", LISTENING), ("sales", CODING)}


def test_voided_assessment_counts_for_nothing_whichever_arrives_first(client: Any, gaps: Gaps) -> None:
    base(client)
    late = p.assessed(f.GRACE, f.ADA, "listening", 3, "2026-01-20T00:00:00Z")
    early = p.assessed(f.GRACE, f.ADA, "listening", 2, "2026-01-10T00:00:00Z")
    post(client, early, late, f.voiding(late["id"]))
    assert gaps.of()[LISTENING] == (3, 2, 1)
    other = p.assessed(f.GRACE, f.ADA, "listening", 0, "2026-01-25T00:00:00Z")
    post(client, f.voiding(other["id"]))
    gaps.project()
    post(client, other)
    assert gaps.of()[LISTENING] == (3, 2, 1)


def test_as_of_a_position_reads_the_view_as_it_stood(client: Any, gaps: Gaps) -> None:
    base(client)
    first = p.assessed(f.GRACE, f.ADA, "listening", 1, "2026-01-10T00:00:00Z")
    second = p.assessed(f.GRACE, f.ADA, "listening", 3, "2026-01-20T00:00:00Z")
    post(client, first)
    post(client, second, f.voiding(first["id"]))
    assert gaps.of(as_of=gaps.position_of(first))[LISTENING] == (3, 1, 2)
    assert gaps.of()[LISTENING] == (3, 3, 0)


def test_reinforcement_interval_grows_with_each_success(client: Any, gaps: Gaps) -> None:
    base(client)
    post(client, p.assessed(f.GRACE, f.ADA, "listening", 3, "2026-01-01T00:00:00Z"),
         p.assessed(f.GRACE, f.ADA, "listening", 3, "2026-01-11T00:00:00Z"),
         p.assessed(f.GRACE, f.BOB, "listening", 4, "2026-01-11T00:00:00Z"),
         p.assessed(f.GRACE, f.BOB, "coding", 1, "2026-01-01T00:00:00Z"))
    gaps.project()

    def due(at: str) -> dict[tuple[str, str], Any]:
        with gaps.services.store.db.read() as cur:
            found = due_for_reinforcement(cur, f.PROGRAM, at_us=us(at), as_of=None, days=10, growth=2)
        return {(d.person, d.competency): (d.streak, d.interval_days) for d in found}

    # Bob: one success, due 10 days after; Ada: two in a row, due 20 days after. Bob's coding
    # is below target: a gap, not a reinforcement.
    assert due("2026-01-20T23:59:59Z") == {}
    assert due("2026-01-21T00:00:00Z") == {(BOB, LISTENING): (1, 10.0)}
    assert due("2026-01-31T00:00:00Z") == {(BOB, LISTENING): (1, 10.0), (ADA, LISTENING): (2, 20.0)}


def test_rebuild_gives_what_the_live_view_gave_and_the_replay_matches(
        client: Any, gaps: Gaps, app: Any, make_client: Any) -> None:
    base(client)
    voided = p.assessed(f.GRACE, f.ADA, "listening", 3, "2026-01-20T00:00:00Z")
    post(client, p.assessed(f.GRACE, f.ADA, "listening", 2), voided, f.voiding(voided["id"]),
         p.claimed(f.ADA, "coding", 9))
    live = gaps.of()
    app.extensions["lrs"].projections.rebuild("programs")
    assert gaps.of() == live
    outcome = make_client(("audit/read",)).get("/audit/views/programs/replay").get_json()
    assert outcome["ok"] is True, outcome
    facts = next(t for t in outcome["tables"] if t["table"] == "program_fact")
    assert facts["live_rows"] == facts["replayed_rows"] > 0
