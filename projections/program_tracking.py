"""Program tracking: a program as a whole (docs/profile/README.md, "Program tracking")."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from lrs.store.database import Cursor
from projections import mentoring
from projections.mentee_progress import days_between, goal_figures
from projections.mentoring import DAY_US, Goal, ProgramFacts, WeekCount, Window, read_program
from projections.mentoring_profile import COMMENT_KINDS, VIDEO_KINDS, Kind
from projections.registry import ViewSettings
from xapi.prepare import from_epoch_us

NO_SESSION, OVERDUE_GOAL = "no_session", "overdue_goal"


@dataclass(frozen=True)
class PairAtRisk:
    mentor: str
    mentee: str
    reasons: tuple[str, ...]
    """``no_session`` and/or ``overdue_goal``."""
    last_session_us: int | None
    goals_overdue: int


@dataclass(frozen=True)
class WeekRating:
    week: str
    """The Monday (UTC) that starts the ISO week, ``YYYY-MM-DD``."""
    mean_rating: float
    ratings: int


@dataclass(frozen=True)
class Week:
    """Statements of each kind whose timestamp falls in one ISO week (Monday, UTC)."""

    week: str
    sessions: int
    video_statements: int
    comments: int
    feedback: int
    goals_set: int
    goals_met: int


@dataclass(frozen=True)
class ProgramSummary:
    program: str
    mentors: int
    mentees: int
    pairs: int
    active_pairs: int
    sessions: int
    sessions_per_pair_per_month: float | None
    goals_set: int
    goals_met: int
    goal_attainment_rate: float | None
    median_days_to_goal: float | None
    feedback_count: int
    mean_rating: float | None
    rating_trend: tuple[WeekRating, ...]
    pairs_at_risk: tuple[PairAtRisk, ...]


def pairs_at_risk(facts: ProgramFacts, at_us: int, settings: ViewSettings) -> list[PairAtRisk]:
    """Pairs with no session in ``at_risk_days`` days before ``at``, or whose mentee has an
    overdue goal; in (mentor, mentee) order."""
    last_session: dict[tuple[str, str], int] = {}
    for g in facts.of_kind(Kind.SESSION):
        if g.other is not None:
            pair = (g.other, g.actor)
            last_session[pair] = max(last_session.get(pair, g.last_us), g.last_us)
    found = []
    for mentor, mentee in sorted(facts.pairs):
        last = last_session.get((mentor, mentee))
        overdue = facts.goal_figures_of(mentee, at_us, goal_figures).goals_overdue
        reasons = []
        if last is None or days_between(last, at_us) >= settings.at_risk_days:
            reasons.append(NO_SESSION)
        if overdue:
            reasons.append(OVERDUE_GOAL)
        if reasons:
            found.append(PairAtRisk(mentor, mentee, tuple(reasons), last, overdue))
    return found


def summary_of(
    facts: ProgramFacts, weeks: list[WeekCount], at_us: int, settings: ViewSettings,
    range_end_us: int,
) -> ProgramSummary:
    """``range_end_us``: the end of the date range (``until``, or ``at`` when earlier or none)."""
    window = facts.window
    pairs = facts.pairs
    active = {
        (g.other, g.actor) for g in facts.of_kind(Kind.SESSION) if g.other is not None and g.recent
    }
    sessions = sum(g.count for g in facts.of_kind(Kind.SESSION))
    start = window.since_us if window.since_us is not None else facts.first_us()
    end = range_end_us
    per_month = None
    if pairs and start is not None and end > start:
        per_month = sessions / len(pairs) / ((end - start) / DAY_US / 30)
    goals = goal_figures(facts.goals, at_us)
    days = [
        (g.met_us - g.set_us) / DAY_US
        for g in facts.goals
        if g.set_us is not None and g.met_us is not None
    ]
    feedback = list(facts.of_kind(Kind.FEEDBACK))
    rated = sum(g.value_count for g in feedback)
    trend = tuple(
        WeekRating(_week(w.week), w.value_sum / w.value_count, w.value_count)
        for w in sorted(weeks, key=lambda w: w.week)
        if w.kind == Kind.FEEDBACK and w.value_count
    )
    return ProgramSummary(
        program=window.program,
        mentors=len(facts.mentors),
        mentees=len(facts.mentees),
        pairs=len(pairs),
        active_pairs=len(active & pairs),
        sessions=sessions,
        sessions_per_pair_per_month=per_month,
        goals_set=goals.goals_set,
        goals_met=goals.goals_met,
        goal_attainment_rate=goals.goals_met / goals.goals_set if goals.goals_set else None,
        median_days_to_goal=median(days) if days else None,
        feedback_count=sum(g.count for g in feedback),
        mean_rating=sum(g.value_sum for g in feedback) / rated if rated else None,
        rating_trend=trend,
        pairs_at_risk=tuple(pairs_at_risk(facts, at_us, settings)),
    )


def program_summary(
    cur: Cursor, window: Window, *, at_us: int, settings: ViewSettings
) -> ProgramSummary:
    """The tracking summary of ``window.program`` (all zero for a program the view does not
    know: see `mentoring.program_exists`). ``at_us`` is the reference instant: statements
    timestamped after it do not count."""
    end = at_us if window.until_us is None else min(window.until_us, at_us)
    window = window.at(at_us)
    recent = (at_us - settings.active_days * DAY_US, at_us)
    facts = read_program(cur, window, recent, videos=False)
    weeks = mentoring.weekly_counts(cur, window, (Kind.FEEDBACK,))
    return summary_of(facts, weeks, at_us, settings, end)


def program_pairs_at_risk(
    cur: Cursor, window: Window, *, at_us: int, settings: ViewSettings
) -> list[PairAtRisk]:
    """The pairs at risk at ``at_us`` (statements timestamped after it do not count)."""
    return pairs_at_risk(read_program(cur, window.at(at_us), videos=False), at_us, settings)


_WEEK_KINDS: dict[str, tuple[Kind, ...]] = {
    "sessions": (Kind.SESSION,),
    "video_statements": VIDEO_KINDS,
    "comments": COMMENT_KINDS,
    "feedback": (Kind.FEEDBACK,),
}
_COLUMNS = (*_WEEK_KINDS, "goals_set", "goals_met")
_WEEK_KIND_LIST = tuple(k for ks in _WEEK_KINDS.values() for k in ks)


MAX_WEEKS = 520
"""The most weeks a weekly series lists (ten years): the latest ones. One statement with an
odd timestamp (year 1) must not make a series of 100,000 weeks."""


def weekly_series(cur: Cursor, window: Window, *, at_us: int, max_weeks: int = MAX_WEEKS) -> list[Week]:
    """Per ISO week: sessions, video statements, comments and feedback (statements), goals
    first set, and goals (set) first met, in the week. From the week holding the start of
    the range (``since``; else the program's first enrolment; else its first counted
    statement) to the week holding its end (the earlier of ``until`` and ``at``), every week
    listed, at most the last ``max_weeks`` of them; statements timestamped after ``at`` do
    not count, nor do those before the first week listed."""
    end = at_us if window.until_us is None else min(window.until_us, at_us)
    window = window.at(at_us)
    counts = mentoring.weekly_counts(cur, window, _WEEK_KIND_LIST)
    start = window.since_us if window.since_us is not None else mentoring.first_enrolment_us(cur, window)
    return series_of(counts, mentoring.goals_in(cur, window), start, end, max_weeks)


def series_of(counts: list[WeekCount], goals: list[Goal], start: int | None, end: int,
              max_weeks: int = MAX_WEEKS) -> list[Week]:
    """`weekly_series` from what it reads: the weekly counts of the week kinds, the goals,
    the series' start (None: from the first counted week) and the range's end."""
    weeks: dict[int, dict[str, int]] = {}

    def add(week: int, column: str, n: int) -> None:
        weeks.setdefault(week, dict.fromkeys(_COLUMNS, 0))[column] += n

    for row in counts:
        for column, of_column in _WEEK_KINDS.items():
            if row.kind in of_column:
                add(row.week, column, row.count)
    for goal in goals:
        if goal.set_us is not None:
            add(mentoring.week_of(goal.set_us), "goals_set", 1)
            if goal.met_us is not None:
                add(mentoring.week_of(goal.met_us), "goals_met", 1)
    if start is None and not weeks:
        return []
    first = mentoring.week_of(start) if start is not None else min(weeks)
    last = max(mentoring.week_of(end - 1), *weeks) if weeks else mentoring.week_of(end - 1)
    first = max(first, last - max_weeks + 1)
    return [Week(_week(w), **weeks.get(w, dict.fromkeys(_COLUMNS, 0))) for w in range(first, last + 1)]


@dataclass(frozen=True)
class Overview:
    """A program's summary and weekly series over one window, and the facts they came from."""

    summary: ProgramSummary
    weekly: list[Week]
    facts: ProgramFacts
    """Read at ``at`` with the recent window of the active pairs, without the per-video detail."""


def program_overview(cur: Cursor, window: Window, *, at_us: int, settings: ViewSettings,
                     max_weeks: int = MAX_WEEKS, per_actor_activity: bool = False,
                     members: list[tuple[Kind, str, str | None]] | None = None) -> Overview:
    """`program_summary` and `weekly_series` of one window from one read of its facts and
    one of its weekly counts (a dashboard page reads a program once, not once a figure).
    ``per_actor_activity``: see `read_program` (the facts then give statuses, not
    `progress_of`); ``members``: see `read_program`."""
    end = at_us if window.until_us is None else min(window.until_us, at_us)
    window = window.at(at_us)
    facts = read_program(cur, window, (at_us - settings.active_days * DAY_US, at_us), videos=False,
                         per_actor_activity=per_actor_activity, members=members)
    counts = mentoring.weekly_counts(cur, window, _WEEK_KIND_LIST)
    summary = summary_of(facts, [c for c in counts if c.kind == Kind.FEEDBACK], at_us, settings, end)
    start = window.since_us if window.since_us is not None else mentoring.first_enrolment_us(cur, window)
    return Overview(summary, series_of(counts, facts.goals, start, end, max_weeks), facts)


def standing_facts(cur: Cursor, window: Window, *, at_us: int, settings: ViewSettings,
                   per_actor_activity: bool = False) -> ProgramFacts:
    """The facts `program_summary` reads for ``window`` at ``at_us`` (for `summary_of`)."""
    return read_program(cur, window.at(at_us), (at_us - settings.active_days * DAY_US, at_us), videos=False,
                        per_actor_activity=per_actor_activity)


def _week(week: int) -> str:
    return from_epoch_us(mentoring.week_start_us(week)).date().isoformat()
