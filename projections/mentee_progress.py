"""Mentee progress: per program and mentee (docs/profile/README.md, "Mentee progress").

`progress_of` is pure (grouped facts in, figures out); `mentee_progress`
reads the view and answers for every mentee of a program, or one.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from lrs.store.database import Cursor
from projections.mentoring import DAY_US, Goal, ProgramFacts, Window, read_program
from projections.mentoring_profile import COMMENT_KINDS, Kind
from projections.registry import ViewSettings
from xapi.prepare import from_epoch_us

ON_TRACK, AT_RISK, INACTIVE = "on_track", "at_risk", "inactive"


@dataclass(frozen=True)
class GoalFigures:
    goals_set: int
    goals_met: int
    goals_open: int
    goals_overdue: int
    mean_days_to_goal: float | None


@dataclass(frozen=True)
class MenteeProgress:
    """One mentee's figures; instants are microseconds since the epoch (UTC)."""

    mentee: str
    """Agent key (`xapi.identifiers.agent_key`)."""
    mentors: tuple[str, ...]
    sessions: int
    session_seconds: float
    last_session_us: int | None
    videos_started: int
    videos_completed: int
    watch_seconds: float
    comments: int
    goals: GoalFigures
    feedback_given: int
    feedback_received: int
    mean_rating_received: float | None
    last_activity_us: int | None
    days_since_last_activity: int | None
    status: str
    """on_track, at_risk or inactive."""


def goal_figures(goals: list[Goal], at_us: int) -> GoalFigures:
    """Goals set, met (of those set), open, overdue (open, target date before the date of
    ``at``) and the mean days from first set to first met."""
    today = from_epoch_us(at_us).date().isoformat()
    set_goals = [g for g in goals if g.set_us is not None]
    met = [g for g in set_goals if g.met_us is not None]
    open_goals = [g for g in set_goals if g.met_us is None]
    overdue = [g for g in open_goals if g.target_date is not None and g.target_date < today]
    days = [(g.met_us - g.set_us) / DAY_US for g in met if g.met_us is not None and g.set_us is not None]
    return GoalFigures(len(set_goals), len(met), len(open_goals), len(overdue), fmean(days) if days else None)


def days_between(earlier_us: int, later_us: int) -> int:
    """Whole days from one instant to a later one (floored)."""
    return (later_us - earlier_us) // DAY_US


def progress_of(facts: ProgramFacts, mentee: str, at_us: int, settings: ViewSettings) -> MenteeProgress:
    mine = facts.by_actor.get(mentee, [])
    received = [g for g in facts.by_other.get(mentee, []) if g.kind == Kind.FEEDBACK]
    sessions = [g for g in mine if g.kind == Kind.SESSION]
    session_count = sum(g.count for g in sessions)
    last_session = max((g.last_us for g in sessions), default=None)
    videos = facts.videos.get(mentee, {})
    goals = goal_figures(facts.goals_by_owner.get(mentee, []), at_us)
    rated = sum(g.value_count for g in received)
    last_activity = max((g.last_us for g in mine), default=None)
    days_since = None if last_activity is None else days_between(last_activity, at_us)

    if days_since is None or days_since >= settings.inactive_days:
        status = INACTIVE
    elif (
        last_session is None
        or days_between(last_session, at_us) >= settings.at_risk_days
        or goals.goals_overdue > 0
    ):
        status = AT_RISK
    else:
        status = ON_TRACK
    return MenteeProgress(
        mentee=mentee,
        mentors=tuple(sorted(m for m, e in facts.pairs if e == mentee)),
        sessions=session_count,
        session_seconds=sum(g.seconds for g in sessions),
        last_session_us=last_session,
        videos_started=len(videos),
        videos_completed=sum(1 for completed in videos.values() if completed),
        watch_seconds=sum(g.seconds for g in mine if g.kind == Kind.VIDEO_PROGRESS),
        comments=sum(g.count for g in mine if g.kind in COMMENT_KINDS),
        goals=goals,
        feedback_given=sum(g.count for g in mine if g.kind == Kind.FEEDBACK),
        feedback_received=sum(g.count for g in received),
        mean_rating_received=sum(g.value_sum for g in received) / rated if rated else None,
        last_activity_us=last_activity,
        days_since_last_activity=days_since,
        status=status,
    )


def mentee_progress(
    cur: Cursor,
    window: Window,
    *,
    at_us: int,
    settings: ViewSettings,
    mentee: str | None = None,
) -> list[MenteeProgress]:
    """Progress of every mentee of ``window.program`` (by agent key), or of ``mentee`` only
    (an empty list when that Agent is not a mentee of the program in the window).
    ``at_us`` is the reference instant: statements timestamped after it do not count."""
    facts = read_program(cur, window.at(at_us))
    mentees = facts.mentees
    if mentee is not None:
        mentees = mentees & {mentee}
    return [progress_of(facts, m, at_us, settings) for m in sorted(mentees)]
