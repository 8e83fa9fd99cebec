"""Mentor contribution: per program and mentor (docs/profile/README.md, "Mentor contribution")."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lrs.store.database import Cursor
from projections.mentee_progress import goal_figures
from projections.mentoring import ProgramFacts, Window, read_program
from projections.mentoring_profile import COMMENT_KINDS, Kind


@dataclass(frozen=True)
class MentorContribution:
    mentor: str
    """Agent key (`xapi.identifiers.agent_key`)."""
    mentees: tuple[str, ...]
    sessions_held: int
    hours: float
    comments: int
    replies: int
    feedback_given: int
    feedback_received: int
    mentee_goals_met: int
    mean_rating_received: float | None


def contribution_of(facts: ProgramFacts, mentor: str, at_us: int) -> MentorContribution:
    mine = facts.by_actor.get(mentor, [])
    toward = facts.by_other.get(mentor, [])
    held = [g for g in toward if g.kind == Kind.SESSION]
    received = [g for g in toward if g.kind == Kind.FEEDBACK]
    rated = sum(g.value_count for g in received)
    mentees = tuple(sorted(e for m, e in facts.pairs if m == mentor))
    return MentorContribution(
        mentor=mentor,
        mentees=mentees,
        sessions_held=sum(g.count for g in held),
        hours=sum(g.seconds for g in held) / 3600,
        comments=sum(g.count for g in mine if g.kind in COMMENT_KINDS),
        replies=sum(g.count for g in mine if g.kind == Kind.REPLY),
        feedback_given=sum(g.count for g in mine if g.kind == Kind.FEEDBACK),
        feedback_received=sum(g.count for g in received),
        mentee_goals_met=sum(
            goal_figures(facts.goals_by_owner.get(m, []), at_us).goals_met for m in mentees
        ),
        mean_rating_received=sum(g.value_sum for g in received) / rated if rated else None,
    )


def mentor_facts(cur: Cursor, window: Window, mentor: str) -> ProgramFacts:
    """The facts a mentor's figures and their mentees' statuses are computed from: the
    mentor's own, and each of their mentees' (whose goals met and statuses count), read
    without the rest of the program (two small reads, not a program of 1,000 mentees)."""
    own = read_program(cur, replace(window, people=(mentor,)), videos=False, goals=False)
    mentees = sorted({e for m, e in own.pairs if m == mentor})
    return read_program(cur, replace(window, people=(mentor, *mentees)), videos=False)


def mentor_contribution(
    cur: Cursor, window: Window, *, at_us: int, mentor: str | None = None
) -> list[MentorContribution]:
    """Contribution of every mentor of ``window.program`` (by agent key), or of ``mentor``
    only (an empty list when that Agent is not a mentor of the program in the window).
    ``at_us`` is the reference instant: statements timestamped after it do not count."""
    if mentor is not None:
        facts = mentor_facts(cur, window.at(at_us), mentor)
        return [contribution_of(facts, mentor, at_us)] if mentor in facts.mentors else []
    facts = read_program(cur, window.at(at_us), videos=False)
    return [contribution_of(facts, m, at_us) for m in sorted(facts.mentors)]
