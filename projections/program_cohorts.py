"""Cohorts of a program: its mentees by the calendar month (UTC) of their first enrolment
(issue 21 point 7), each on the program's main figures, with its sessions per week.

A mentee with no enrolment statement up to the window's end (paired only) is in no cohort.
The enrolment counts wherever it falls (before the range's start too); every other figure
is the window's, as in `program_tracking`: pairs (of the cohort's mentees), active pairs
(a session in the last ``active_days`` days before ``at``), pairs at risk (`pairs_at_risk`),
sessions, goals set and met, the goal attainment rate and the mean rating of the feedback
the cohort's mentees received.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lrs.store.database import Cursor
from projections import mentoring
from projections.mentee_progress import goal_figures
from projections.mentoring import DAY_US, Window, read_program
from projections.mentoring_profile import Kind
from projections.program_tracking import pairs_at_risk, weekly_series
from projections.registry import ViewSettings
from xapi.prepare import from_epoch_us


@dataclass(frozen=True)
class Cohort:
    month: str
    """``YYYY-MM``: the month of its mentees' first enrolment."""
    mentees: int
    pairs: int
    active_pairs: int
    pairs_at_risk: int
    sessions: int
    goals_set: int
    goals_met: int
    goal_attainment_rate: float | None
    mean_rating: float | None
    weekly_sessions: tuple[int, ...]
    """Sessions of its mentees in each week of `ProgramCohorts.weeks`."""


@dataclass(frozen=True)
class ProgramCohorts:
    weeks: tuple[str, ...]
    """The Mondays of the program's weekly series (`weekly_series`)."""
    cohorts: tuple[Cohort, ...]
    """Oldest month first."""


def program_cohorts(cur: Cursor, window: Window, *, at_us: int, settings: ViewSettings) -> ProgramCohorts:
    seen = window.at(at_us)
    facts = read_program(cur, seen, (at_us - settings.active_days * DAY_US, at_us), videos=False)
    where, params = replace(seen, since_us=None).where()
    month_of = {
        r["actor"]: from_epoch_us(int(r["first"])).strftime("%Y-%m")
        for r in cur.execute(
            f"SELECT actor, MIN(ts_us) AS first FROM mentoring_fact WHERE {where} AND kind = ? GROUP BY actor",
            [*params, int(Kind.ENROLLED_MENTEE)]).fetchall()
    }
    weeks = [w.week for w in weekly_series(cur, window, at_us=at_us)]
    index = {week: i for i, week in enumerate(weeks)}
    where, params = seen.where()
    per_week: dict[str, list[int]] = {}
    for r in cur.execute(
        f"SELECT actor, {mentoring._FLOOR_WEEK} AS week, COUNT(*) AS n FROM mentoring_fact WHERE {where}"
        " AND kind = ? GROUP BY actor, week", [*params, int(Kind.SESSION)]).fetchall():
        monday = from_epoch_us(mentoring.week_start_us(int(r["week"]))).date().isoformat()
        if monday in index:
            per_week.setdefault(r["actor"], [0] * len(weeks))[index[monday]] += int(r["n"])
    risky = {(p.mentor, p.mentee) for p in pairs_at_risk(facts, at_us, settings)}
    active = {(g.other, g.actor) for g in facts.of_kind(Kind.SESSION) if g.other is not None and g.recent}
    members: dict[str, list[str]] = {}
    for mentee in sorted(facts.mentees | set(month_of)):
        if mentee in month_of:
            members.setdefault(month_of[mentee], []).append(mentee)
    cohorts = []
    for month in sorted(members):
        mentees = set(members[month])
        pairs = {p for p in facts.pairs if p[1] in mentees}
        mine = [g for m in mentees for g in facts.by_actor.get(m, [])]
        received = [g for m in mentees for g in facts.by_other.get(m, []) if g.kind == Kind.FEEDBACK]
        goals = goal_figures([g for m in mentees for g in facts.goals_by_owner.get(m, [])], at_us)
        rated = sum(g.value_count for g in received)
        weekly = [0] * len(weeks)
        for m in mentees:
            weekly = [a + b for a, b in zip(weekly, per_week.get(m, [0] * len(weeks)), strict=True)]
        cohorts.append(Cohort(
            month=month, mentees=len(mentees), pairs=len(pairs), active_pairs=len(pairs & active),
            pairs_at_risk=len(pairs & risky), sessions=sum(g.count for g in mine if g.kind == Kind.SESSION),
            goals_set=goals.goals_set, goals_met=goals.goals_met,
            goal_attainment_rate=goals.goals_met / goals.goals_set if goals.goals_set else None,
            mean_rating=sum(g.value_sum for g in received) / rated if rated else None,
            weekly_sessions=tuple(weekly),
        ))
    return ProgramCohorts(tuple(weeks), tuple(cohorts))
