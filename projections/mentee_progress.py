"""Mentee progress: per program and mentee (docs/profile/README.md, "Mentee progress").

`progress_of` is pure (grouped facts in, figures out); `mentee_progress`
reads the view and answers for every mentee of a program, or one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
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
    today = _date_of(at_us)
    set_goals = [g for g in goals if g.set_us is not None]
    met = [g for g in set_goals if g.met_us is not None]
    open_goals = [g for g in set_goals if g.met_us is None]
    overdue = [g for g in open_goals if g.target_date is not None and g.target_date < today]
    days = [(g.met_us - g.set_us) / DAY_US for g in met if g.met_us is not None and g.set_us is not None]
    return GoalFigures(len(set_goals), len(met), len(open_goals), len(overdue), fmean(days) if days else None)


@lru_cache(maxsize=64)
def _date_of(at_us: int) -> str:
    """``at``'s UTC date, ``YYYY-MM-DD`` (asked once a mentee: 2,000 times a program page)."""
    return from_epoch_us(at_us).date().isoformat()


def days_between(earlier_us: int, later_us: int) -> int:
    """Whole days from one instant to a later one (floored)."""
    return (later_us - earlier_us) // DAY_US


def _status(last_activity: int | None, last_session: int | None, goals_overdue: int, at_us: int,
            settings: ViewSettings) -> str:
    """Inactive (no activity for ``inactive_days``), at risk (no session for
    ``at_risk_days``, or an overdue goal), else on track."""
    if last_activity is None or days_between(last_activity, at_us) >= settings.inactive_days:
        return INACTIVE
    if last_session is None or days_between(last_session, at_us) >= settings.at_risk_days or goals_overdue > 0:
        return AT_RISK
    return ON_TRACK


def status_of(facts: ProgramFacts, mentee: str, at_us: int, settings: ViewSettings) -> tuple[str, GoalFigures]:
    """A mentee's status and goal figures, as `progress_of` gives them, from facts read
    with or without ``per_actor_activity`` (a program page needs no more of a mentee)."""
    last_session = max((g.last_us for g in facts.by_actor.get(mentee, ()) if g.kind == Kind.SESSION),
                       default=None)
    goals = facts.goal_figures_of(mentee, at_us, goal_figures)
    status = _status(facts.last_activity_us(mentee), last_session, goals.goals_overdue, at_us, settings)
    return status, goals


def progress_of(facts: ProgramFacts, mentee: str, at_us: int, settings: ViewSettings) -> MenteeProgress:
    if facts.activity is not None:
        raise ValueError("progress_of needs every kind grouped: facts read without per_actor_activity")
    # One pass over the mentee's groups (a program page asks this of 1,000 mentees).
    session_count, session_seconds, last_session = 0, 0.0, None
    watch_seconds, comments, feedback_given, last_activity = 0.0, 0, 0, None
    for g in facts.by_actor.get(mentee, ()):
        kind = g.kind
        if last_activity is None or g.last_us > last_activity:
            last_activity = g.last_us
        if kind == Kind.SESSION:
            session_count += g.count
            session_seconds += g.seconds
            if last_session is None or g.last_us > last_session:
                last_session = g.last_us
        elif kind == Kind.VIDEO_PROGRESS:
            watch_seconds += g.seconds
        elif kind == Kind.FEEDBACK:
            feedback_given += g.count
        elif kind in COMMENT_KINDS:
            comments += g.count
    received_count, rated, rating_sum = 0, 0, 0.0
    for g in facts.by_other.get(mentee, ()):
        if g.kind == Kind.FEEDBACK:
            received_count += g.count
            rated += g.value_count
            rating_sum += g.value_sum
    videos = facts.videos.get(mentee, {})
    goals = facts.goal_figures_of(mentee, at_us, goal_figures)
    days_since = None if last_activity is None else days_between(last_activity, at_us)
    status = _status(last_activity, last_session, goals.goals_overdue, at_us, settings)
    return MenteeProgress(
        mentee=mentee,
        mentors=facts.mentors_of.get(mentee, ()),
        sessions=session_count,
        session_seconds=session_seconds,
        last_session_us=last_session,
        videos_started=len(videos),
        videos_completed=sum(1 for completed in videos.values() if completed),
        watch_seconds=watch_seconds,
        comments=comments,
        goals=goals,
        feedback_given=feedback_given,
        feedback_received=received_count,
        mean_rating_received=rating_sum / rated if rated else None,
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
    if mentee is not None:
        window = replace(window, people=(mentee,))  # their figures depend on no one else's facts
    facts = read_program(cur, window.at(at_us))
    mentees = facts.mentees
    if mentee is not None:
        mentees = mentees & {mentee}
    return [progress_of(facts, m, at_us, settings) for m in sorted(mentees)]
