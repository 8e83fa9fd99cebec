"""The figures of the dashboard's pages, read from the coordinator views.

Program, mentee and mentor figures come from the very functions the coordinator
API uses (`program_tracking.program_summary` and `weekly_series`,
`mentee_progress.progress_of`, `mentor_contribution.contribution_of` over the facts
`mentor_contribution.mentor_facts` reads), so the dashboard and the API cannot
disagree. A person's page reads only the facts of that person (and of a mentor's
mentees): `Window.people`, whose figures equal those of the whole program. What the API does not give (one
person's weekly series, the list of their goals and of the feedback about
them, with its texts) is read here from the same view rows, through the same
`Window`, so the date range and voiding apply exactly as they do to every
other figure. A mentee's comments come from `mentoring_texts.comments`, as in
the API.

A range means "as at its end" (issue 21): ``at_us`` is the range's reference
instant (`DateRange.reference_us`), and statuses (active, at risk, inactive, their
reasons, overdue goals, last session) are read through `status_window`, which keeps
every statement up to the range's end whatever its start; the range's figures
(sessions, ratings, goals met, the weekly series) through `window`.

Instants become text here (``YYYY-MM-DD``, UTC); templates only display.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from lrs.api.dashboard.dates import DateRange
from lrs.grants import ALL, ProgramGrant
from lrs.store.database import Cursor, Database
from projections import activities, mentoring, mentoring_texts
from projections.mentee_progress import MenteeProgress, progress_of, status_of
from projections.mentor_contribution import contribution_of, mentor_facts
from projections.mentoring import DAY_US, ProgramFacts, Window, read_program
from projections.mentoring_profile import COMMENT_KINDS, VIDEO_KINDS, Kind
from projections.pair_status import pair_statuses
from projections.program_tracking import ProgramSummary, program_overview, standing_facts, summary_of
from projections.registry import ViewSettings

SEARCH_LIMIT = 100
"""The most people a search lists (narrow it by typing more)."""

RECENT_COMMENTS = 100
"""How many of a mentee's newest comments their page lists."""

ACTIVITY_SERIES = (
    ("sessions", "sessions"),
    ("video_statements", "video statements"),
    ("comments", "comments"),
    ("feedback", "feedback"),
)
"""The weekly activity chart's series: (key of `program_tracking.Week`, label)."""


def now_us() -> int:
    moment = datetime.now(UTC)
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def day(us: int | None) -> str | None:
    """An instant as its UTC date, ``YYYY-MM-DD``."""
    if us is None:
        return None
    return _day_text(us // DAY_US)


@lru_cache(maxsize=4096)
def _day_text(days: int) -> str:
    """Day ``days`` since the epoch as ``YYYY-MM-DD`` (a program page formats 1,000 last
    sessions, on a few hundred distinct days)."""
    return (_EPOCH + timedelta(days=days)).isoformat()


_EPOCH = date(1970, 1, 1)


def _us(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp()) * 1_000_000


def window(program: str, date_range: DateRange, as_of: int | None) -> Window:
    """The statements of the range: what the range's figures count."""
    return Window(program, since_us=_us(date_range.since), until_us=_us(date_range.until), as_of=as_of)


def status_window(program: str, date_range: DateRange, as_of: int | None) -> Window:
    """Every statement up to the range's end: what a status at that end is judged on
    (a pair that met on the last day of September is active on the 1st of October)."""
    return Window(program, since_us=None, until_us=_us(date_range.until), as_of=as_of)


class Reader:
    """Reads the figures of each page; one short read transaction per page.

    ``as_of`` is the view position the page shows: its figures are the view as
    it stood there, so what a page says and the position it names agree even
    while the runner moves on (the page then refreshes itself)."""

    def __init__(self, db: Database, settings: ViewSettings):
        self.db = db
        self.settings = settings

    # --- programs ---------------------------------------------------------------


    def name_activities(self, found: dict[str, Any], languages: Sequence[str]) -> None:
        """Give each goal and each comment's or feedback's Activity of a person's page its
        name (``goal_name`` / ``about_name``), from the definitions the LRS holds."""
        goals = found.get("goals", [])
        said = [r for key in ("comments", "feedback", "feedback_received") for r in found.get(key, [])]
        with self.db.read() as cur:
            names = activities.names_of(cur, [g["goal"] for g in goals] + [r["about"] for r in said], languages)
        for g in goals:
            g["goal_name"] = names.get(g["goal"])
        for r in said:
            r["about_name"] = names.get(r["about"])
    def search(self, text: str, grant: ProgramGrant, as_of: int | None = None,
               limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        """Mentors and mentees whose name holds ``text`` (any case), in the programs of the
        ``grant`` only (issue 20), by name: (program, its name, agent, name, role)."""
        pattern = "%" + text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        condition, params = mentoring.visible(as_of, "f.")
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT DISTINCT f.program, f.actor, f.kind FROM mentoring_fact f"
                " JOIN mentoring_agent_name n ON n.agent_key = f.actor"
                f" WHERE f.kind IN (?, ?) AND {condition} AND LOWER(n.name) LIKE ? ESCAPE '\\'",
                [int(Kind.ENROLLED_MENTOR), int(Kind.ENROLLED_MENTEE), *params, pattern],
            ).fetchall()
            found = [r for r in rows if grant.allows(r["program"])]
            names = mentoring.names(cur, {r["actor"] for r in found}, as_of)
            programs = {p: n or p for p, n in mentoring.programs(cur, as_of)}
        people = [{"program": r["program"], "program_name": programs.get(r["program"], r["program"]),
                   "agent": r["actor"], "name": names.get(r["actor"], r["actor"]),
                   "role": "mentor" if int(r["kind"]) == int(Kind.ENROLLED_MENTOR) else "mentee"}
                  for r in found if text.casefold() in names.get(r["actor"], "").casefold()]
        people.sort(key=lambda p: (p["name"].casefold(), p["program_name"].casefold(), p["role"]))
        return people[:limit]

    def programs(self, date_range: DateRange, as_of: int | None = None, at_us: int | None = None,
            grant: ProgramGrant = ALL) -> list[dict[str, Any]]:
        """A card per program of the ``grant`` (issue 20: the others are not read at all)."""
        at_us = now_us() if at_us is None else at_us
        cards = []
        with self.db.read() as cur:
            for program, name in mentoring.programs(cur, as_of):
                if not grant.allows(program):
                    continue
                overview = program_overview(cur, window(program, date_range, as_of), at_us=at_us,
                                            settings=self.settings, per_actor_activity=True)
                summary = overview.summary
                standing = summary if date_range.start is None else self._standing(
                    cur, status_window(program, date_range, as_of), at_us)
                trend = {w.week: w.mean_rating for w in summary.rating_trend}
                weeks = [w.week for w in overview.weekly]
                cards.append({
                    "program": program,
                    "name": name or program,
                    "mentors": standing.mentors,
                    "mentees": standing.mentees,
                    "pairs": standing.pairs,
                    "active_pairs": standing.active_pairs,
                    "goal_attainment_rate": summary.goal_attainment_rate,
                    "mean_rating": summary.mean_rating,
                    "rating_trend": [(w, trend.get(w)) for w in weeks],
                })
        return sorted(cards, key=lambda c: (c["name"].casefold(), c["program"]))

    def program(self, program: str, date_range: DateRange,
            as_of: int | None = None, at_us: int | None = None) -> dict[str, Any] | None:
        at_us = now_us() if at_us is None else at_us
        scope = window(program, date_range, as_of)
        ranged = date_range.start is not None
        standing_scope = status_window(program, date_range, as_of)
        with self.db.read() as cur:
            if not mentoring.program_exists(cur, program, as_of):
                return None
            # each window's facts read once, every figure of the page computed from them
            # statuses and totals only: the activity kinds read per actor, not grouped
            standing_read = standing_facts(cur, standing_scope, at_us=at_us, settings=self.settings,
                                           per_actor_activity=True) if ranged else None
            overview = program_overview(cur, scope, at_us=at_us, settings=self.settings, per_actor_activity=True,
                                        members=standing_read.members_so_far() if standing_read else None)
            summary, weekly, in_range = overview.summary, overview.weekly, overview.facts
            facts = standing_read or in_range
            standing = summary_of(facts, [], at_us, self.settings, _end(standing_scope, at_us)) \
                if ranged else summary
            progress = {m: status_of(facts, m, at_us, self.settings) for m in facts.mentees}
            risky = {(p.mentor, p.mentee): p for p in standing.pairs_at_risk}
            names = mentoring.names(cur, {a for pair in facts.pairs for a in pair}, as_of)
            program_name = mentoring.program_name(cur, program) or program
            first = mentoring.first_enrolment_us(cur, standing_scope)
        trend = {w.week: w.mean_rating for w in summary.rating_trend}
        sessions = _pair_sessions(in_range)
        last_sessions = _pair_sessions(facts)
        pairs = []
        for mentor, mentee in sorted(facts.pairs):
            of_mentee = progress.get(mentee)
            risk = risky.get((mentor, mentee))
            if of_mentee is not None and of_mentee[0] == "inactive":
                status = "inactive"
            elif risk is not None:
                status = "at_risk"
            else:
                status = "on_track"
            count = sessions.get((mentor, mentee), (0, None))[0]
            last = last_sessions.get((mentor, mentee), (0, None))[1]
            pairs.append({
                "mentor": mentor,
                "mentor_name": names.get(mentor, mentor),
                "mentee": mentee,
                "mentee_name": names.get(mentee, mentee),
                "status": status,
                "reasons": list(risk.reasons) if risk else [],
                "sessions": count,
                "last_session": day(last),
                "goals_overdue": of_mentee[1].goals_overdue if of_mentee else 0,
            })
        return {
            "program": program,
            "name": program_name,
            "first_enrolment": day(first),
            "mentors": standing.mentors,
            "mentees": standing.mentees,
            "pairs": standing.pairs,
            "active_pairs": standing.active_pairs,
            # counted from the table's own rows, so the tiles, the status filter and the
            # table agree (an inactive mentee's pair is "inactive", not "at risk")
            "pairs_at_risk": sum(1 for p in pairs if p["status"] == "at_risk"),
            "pairs_inactive": sum(1 for p in pairs if p["status"] == "inactive"),
            "sessions_per_pair_per_month": summary.sessions_per_pair_per_month,
            "goal_attainment_rate": summary.goal_attainment_rate,
            "median_days_to_goal": summary.median_days_to_goal,
            "feedback_count": summary.feedback_count,
            "mean_rating": summary.mean_rating,
            "weekly": [
                {"week": w.week, "sessions": w.sessions, "video_statements": w.video_statements,
                 "comments": w.comments, "feedback": w.feedback, "goals_set": w.goals_set,
                 "goals_met": w.goals_met}
                for w in weekly
            ],
            "rating_trend": [(w.week, trend.get(w.week)) for w in weekly],
            "pair_rows": pairs,
        }

    def _standing(self, cur: Cursor, scope: Window, at_us: int) -> ProgramSummary:
        """A program's standing at the range's end: its summary over every statement up to it."""
        facts = standing_facts(cur, scope, at_us=at_us, settings=self.settings)
        return summary_of(facts, [], at_us, self.settings, _end(scope, at_us))

    # --- people -----------------------------------------------------------------

    def mentee(self, program: str, agent: str, date_range: DateRange,
            as_of: int | None = None, at_us: int | None = None) -> dict[str, Any] | None:
        at_us = now_us() if at_us is None else at_us
        scope = window(program, date_range, as_of)
        with self.db.read() as cur:
            # Only the mentee's facts: their figures, goals and pairs depend on no one else's.
            facts = read_program(cur, replace(scope, people=(agent,)).at(at_us))
            if agent not in facts.mentees:
                return None
            progress = progress_of(facts, agent, at_us, self.settings)
            standing_facts = facts
            if date_range.start is not None:
                standing_facts = read_program(
                    cur, replace(status_window(program, date_range, as_of), people=(agent,)).at(at_us))
                if agent in standing_facts.mentees:
                    progress = _as_at_end(progress, progress_of(standing_facts, agent, at_us, self.settings))
            # Each pair's status as the program page shows it (issue 21 point 4): a mentee
            # on track overall can be at risk with one of their mentors.
            pairs = {p.mentor: p for p in pair_statuses(standing_facts, at_us, self.settings) if p.mentee == agent}
            rows = _person_rows(cur, scope.at(at_us), agent)
            said = mentoring_texts.comments(cur, scope.at(at_us), agent, RECENT_COMMENTS)
            names = mentoring.names(cur, {agent, *progress.mentors, *(r["actor"] for r in rows)}, as_of)
            program_name = mentoring.program_name(cur, program) or program
        today = day(at_us) or ""
        goals = []
        for goal in facts.goals_by_owner.get(agent, []):
            if goal.set_us is None:
                continue
            if goal.met_us is not None:
                state = "met"
            elif goal.target_date is not None and goal.target_date < today:
                state = "overdue"
            else:
                state = "open"
            goals.append({
                "goal": goal.goal,
                "set": day(goal.set_us),
                "target_date": goal.target_date,
                "met": day(goal.met_us),
                "state": state,
                "days_to_goal": None if goal.met_us is None else round((goal.met_us - goal.set_us) / DAY_US, 1),
            })
        order = {"overdue": 0, "open": 1, "met": 2}
        goals.sort(key=lambda g: (order[str(g["state"])], g["target_date"] or "9999", g["goal"]))
        mine = [r for r in rows if r["actor"] == agent]
        weekly = _weeks(mine, {
            "sessions": lambda r: r["kind"] == Kind.SESSION,
            "videos": lambda r: r["kind"] in VIDEO_KINDS,
            "comments": lambda r: r["kind"] in COMMENT_KINDS,
        })
        received = [r for r in rows if r["kind"] == Kind.FEEDBACK and r["other"] == agent]
        return {
            **_person(program, program_name, agent, names),
            "progress": progress,
            "figures": _mentee_figures(progress),
            "mentors": [{"agent": m, "name": names.get(m, m),
                         "status": pairs[m].status if m in pairs else None,
                         "reasons": list(pairs[m].reasons) if m in pairs else []} for m in progress.mentors],
            "goals": goals,
            "weekly": weekly,
            "feedback": _feedback(received, "actor", names),
            "comments": [
                {"when": day(c.timestamp_us), "kind": "reply" if c.kind == Kind.REPLY else "comment",
                 "about": c.object or "", "text": c.text or ""}
                for c in said
            ],
        }

    def mentor(self, program: str, agent: str, date_range: DateRange,
            as_of: int | None = None, at_us: int | None = None) -> dict[str, Any] | None:
        at_us = now_us() if at_us is None else at_us
        scope = window(program, date_range, as_of)
        with self.db.read() as cur:
            facts = mentor_facts(cur, scope.at(at_us), agent)
            if agent not in facts.mentors:
                return None
            contribution = contribution_of(facts, agent, at_us)
            # Statuses as at the range's end (the same facts when the range has no start).
            standing = facts if date_range.start is None else read_program(
                cur, replace(status_window(program, date_range, as_of), people=contribution.mentees).at(at_us),
                videos=False)
            progress = {m: status_of(standing, m, at_us, self.settings) for m in contribution.mentees
                        if m in standing.mentees}
            rows = _person_rows(cur, scope.at(at_us), agent)
            others = {k for r in rows for k in (r["actor"], r["other"]) if k}
            names = mentoring.names(cur, {agent, *contribution.mentees, *others}, as_of)
            program_name = mentoring.program_name(cur, program) or program
        sessions = _pair_sessions(facts)
        mentees = []
        for mentee in contribution.mentees:
            of_mentee = progress.get(mentee)
            count, last = sessions.get((agent, mentee), (0, None))
            mentees.append({
                "agent": mentee,
                "name": names.get(mentee, mentee),
                "status": of_mentee[0] if of_mentee else "inactive",
                "sessions": count,
                "last_session": day(last),
                "goals_met": of_mentee[1].goals_met if of_mentee else 0,
                "goals_overdue": of_mentee[1].goals_overdue if of_mentee else 0,
            })
        held = [r for r in rows if r["kind"] == Kind.SESSION and r["other"] == agent]
        weekly = _weeks(held, {"sessions": lambda r: True})
        hours = _week_sums(held, lambda r: (r["seconds"] or 0.0) / 3600)
        for w in weekly:
            w["hours"] = round(hours.get(w["week"], 0.0), 2)
        given = [r for r in rows if r["kind"] == Kind.FEEDBACK and r["actor"] == agent]
        received = [r for r in rows if r["kind"] == Kind.FEEDBACK and r["other"] == agent]
        return {
            **_person(program, program_name, agent, names),
            "contribution": contribution,
            "figures": [
                ("Mentees", len(contribution.mentees)),
                ("Sessions held", contribution.sessions_held),
                ("Hours", round(contribution.hours, 1)),
                ("Comments", contribution.comments),
                ("Replies", contribution.replies),
                ("Feedback given", contribution.feedback_given),
                ("Mentees' goals met", contribution.mentee_goals_met),
                ("Mean rating received", _round(contribution.mean_rating_received)),
            ],
            "mentees": sorted(mentees, key=lambda m: (_RANK.get(m["status"], 9), m["name"].casefold())),
            "weekly": weekly,
            "feedback": _feedback(given, "other", names),
            "feedback_received": _feedback(received, "actor", names),
        }


_RANK = {"at_risk": 0, "inactive": 1, "on_track": 2}


def _end(scope: Window, at_us: int) -> int:
    """The end of a window's range: its ``until``, or ``at`` when earlier or none."""
    return at_us if scope.until_us is None else min(scope.until_us, at_us)


def _person(program: str, program_name: str, agent: str, names: dict[str, str]) -> dict[str, Any]:
    """Who a mentee's or mentor's page is about, and in which program."""
    return {"program": program, "program_name": program_name, "agent": agent, "name": names.get(agent, agent)}


def _pair_sessions(facts: ProgramFacts) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(mentor, mentee) → (sessions, last session instant)."""
    found: dict[tuple[str, str], tuple[int, int | None]] = {}
    for g in facts.of_kind(Kind.SESSION):
        if g.other is None:
            continue
        count, last = found.get((g.other, g.actor), (0, None))
        found[(g.other, g.actor)] = (count + g.count, g.last_us if last is None else max(last, g.last_us))
    return found


def _person_rows(cur: Cursor, scope: Window, agent: str) -> list[dict[str, Any]]:
    """Every fact of the window where the Agent is the actor or the other party."""
    where, params = scope.where()
    rows = cur.execute(
        "SELECT kind, actor, other, object, ts_us, seconds, value, text FROM mentoring_fact"
        f" WHERE {where} AND (actor = ? OR other = ?) AND kind <> ? ORDER BY ts_us, position",
        [*params, agent, agent, int(Kind.MENTION)],
    ).fetchall()
    return [{**dict(r), "kind": Kind(int(r["kind"]))} for r in rows]


def _monday(us: int) -> date:
    moment = datetime.fromtimestamp(us / 1_000_000, UTC).date()
    return moment - timedelta(days=moment.weekday())


def _weeks(rows: list[dict[str, Any]], columns: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per ISO week (Monday, UTC) from the first to the last with a row, zeros between."""
    if not rows:
        return []
    first, last = _monday(rows[0]["ts_us"]), _monday(rows[-1]["ts_us"])
    weeks: dict[str, dict[str, Any]] = {}
    monday = first
    while monday <= last:
        weeks[monday.isoformat()] = {"week": monday.isoformat(), **dict.fromkeys(columns, 0)}
        monday += timedelta(days=7)
    for r in rows:
        week = weeks[_monday(r["ts_us"]).isoformat()]
        for column, test in columns.items():
            if test(r):
                week[column] += 1
    return list(weeks.values())


def _week_sums(rows: Iterable[dict[str, Any]], value: Any) -> dict[str, float]:
    sums: dict[str, float] = {}
    for r in rows:
        week = _monday(r["ts_us"]).isoformat()
        sums[week] = sums.get(week, 0.0) + value(r)
    return sums


def _feedback(rows: list[dict[str, Any]], person: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """Feedback rows, newest first; ``person`` is the column naming the other party;
    ``index``: the row's place from the oldest (what breaks ties of a day)."""
    return [
        {
            "when": day(r["ts_us"]),
            "person": r[person],
            "person_name": names.get(r[person], r[person]) if r[person] else "",
            "about": r["object"],
            "rating": r["value"],
            "text": r["text"] or "",
            "index": index,
        }
        for index, r in reversed(list(enumerate(rows)))
    ]


def _as_at_end(in_range: MenteeProgress, standing: MenteeProgress) -> MenteeProgress:
    """A mentee's figures of the range with their standing at its end: status, last
    session and activity, overdue goals (judged on every statement up to the end)."""
    goals = replace(in_range.goals, goals_overdue=standing.goals.goals_overdue)
    return replace(in_range, status=standing.status, last_session_us=standing.last_session_us,
                   last_activity_us=standing.last_activity_us,
                   days_since_last_activity=standing.days_since_last_activity, goals=goals)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _mentee_figures(p: MenteeProgress) -> list[tuple[str, Any]]:
    return [
        ("Sessions", p.sessions),
        ("Hours in sessions", round(p.session_seconds / 3600, 1)),
        ("Last session", day(p.last_session_us) or "never"),
        ("Videos started", p.videos_started),
        ("Videos completed", p.videos_completed),
        ("Hours watched", round(p.watch_seconds / 3600, 1)),
        ("Comments", p.comments),
        ("Goals set", p.goals.goals_set),
        ("Goals met", p.goals.goals_met),
        ("Goals overdue", p.goals.goals_overdue),
        ("Mean days to goal", _round(p.goals.mean_days_to_goal, 1)),
        ("Feedback given", p.feedback_given),
        ("Feedback received", p.feedback_received),
        ("Mean rating received", _round(p.mean_rating_received)),
        ("Days since last activity", p.days_since_last_activity),
    ]
