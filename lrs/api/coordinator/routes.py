"""The coordinator API: the mentoring views over HTTP, under ``/coordinator``.

Read-only JSON (or CSV on ``Accept: text/csv``) for a credential with the
scope ``coordinator/read`` (or ``admin``). The composition root
(`lrs.app`) hands the factory what it needs, so this module never imports
`lrs/`: the database, the view settings, and ``authorize(scope)``, which
raises the LRS's own 401/403 (answered, like every refusal, by `lrs.api.errors`).

| GET | answers |
|---|---|
| ``/coordinator/programs`` | the programs the view knows |
| ``/coordinator/program?program=IRI`` | the program's tracking summary |
| ``/coordinator/program/mentees`` / ``mentors`` | each mentee's progress / mentor's contribution, paged |
| ``/coordinator/program/weekly`` | the weekly activity series |
| ``/coordinator/program/pairs-at-risk`` | the pairs at risk, with their reasons |
| ``/coordinator/mentee?program=IRI&agent=JSON`` / ``mentor`` | one mentee / mentor |
| ``/coordinator/feedback/received`` / ``given`` | the feedback an Agent received / gave, with texts |
| ``/coordinator/comments`` | the comments and replies an Agent posted, with texts |
| ``/coordinator/openapi.json`` | the OpenAPI document of all of these |

Every figure endpoint takes ``since``/``until`` (a range of statement
timestamps), ``at`` (the reference instant, default now) and ``as_of`` (a log
position, or a time mapped to the last position stored at or before it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar
from urllib.parse import urlencode

import orjson
from flask import Blueprint, Response, request
from marshmallow import Schema

from lrs.api.coordinator import access, schemas, tables
from lrs.api.coordinator.access import GrantOf, NotFound, RecordRead
from lrs.api.coordinator.params import PAGING, WINDOW, Query, parse
from lrs.api.dashboard.csvexport import csv_text
from lrs.api.errors import handle_errors
from lrs.grants import ALL
from lrs.store.database import Cursor, Database
from projections import mentoring, mentoring_texts
from projections.mentee_progress import MenteeProgress, mentee_progress
from projections.mentor_contribution import MentorContribution, mentor_contribution
from projections.mentoring import Window
from projections.mentoring_profile import Kind, agent_from_key
from projections.mentoring_texts import Said
from projections.program_cohorts import program_cohorts
from projections.program_tracking import (
    PairAtRisk,
    ProgramSummary,
    Week,
    program_pairs_at_risk,
    program_summary,
    weekly_series,
)
from projections.registry import ViewSettings
from xapi.prepare import epoch_us, format_timestamp, from_epoch_us

COORDINATOR_READ = "coordinator/read"
T = TypeVar("T")
CSV = "text/csv"


@cache
def _openapi_json() -> bytes:
    """The OpenAPI document as served: it depends on the code only, so it is built once per
    process (apispec takes a tenth of a second, which every app, in every test, paid again)."""
    return orjson.dumps(schemas.openapi_document())


def blueprint(
    database: Database,
    views: ViewSettings,
    authorize: Callable[[str], None],
    *,
    grant: GrantOf = lambda: ALL,
    record_read: RecordRead = lambda person, program, endpoint: None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Blueprint:
    """The ``/coordinator`` blueprint. ``authorize(scope)`` raises unless the caller
    holds ``scope`` (or admin); ``grant()`` is the programs the caller may see (issue 20:
    `access.check_request` applies it to every request); ``clock`` gives the default
    reference instant; ``record_read`` is told of every request about a person."""
    bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
    document = _openapi_json()

    handle_errors(bp)  # 400, 401, 403, 404, 405 and 500 as JSON, like the other APIs

    @bp.before_request
    def coordinators_only() -> None:
        if request.endpoint != "coordinator.openapi":
            authorize(COORDINATOR_READ)
            about = access.check_request(database, grant(), request.args.to_dict(flat=False))
            if about is not None:  # who read whom (issue 20)
                record_read(about[0], about[1], request.endpoint or request.path)

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return Response(document, mimetype="application/json")

    @bp.get("/programs")
    def programs() -> Response:
        query = _query(allowed=("as_of",))
        with database.read() as cur:
            as_of = _as_of(cur, query)
            found = access.visible_programs(grant(), mentoring.programs(cur, as_of))
        body = {"programs": [{"id": p, "name": name} for p, name in found], "as_of": as_of}
        return _answer(schemas.ProgramListSchema(), body, "programs")

    @bp.get("/program")
    def summary() -> Response:
        query = _query(allowed=("program", *WINDOW), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = program_summary(cur, scope.window, at_us=scope.at_us, settings=views)
            names = _names(cur, scope, _summary_agents(found))
            body = {**scope.echo(cur), **_summary(found, names)}
        return _answer(schemas.ProgramSummarySchema(), body, None)

    @bp.get("/program/mentees")
    def mentees() -> Response:
        query = _query(allowed=("program", *WINDOW, *PAGING), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentee_progress(cur, scope.window, at_us=scope.at_us, settings=views)
            page, more = _page(cur, query, scope, found, lambda p: p.mentee)
            names = _names(cur, scope, (k for p in page for k in (p.mentee, *p.mentors)))
            body = {**scope.echo(cur), "mentees": [_mentee(p, names) for p in page], "more": more}
        return _answer(schemas.MenteeListSchema(), body, "mentees", more)

    @bp.get("/program/mentors")
    def mentors() -> Response:
        query = _query(allowed=("program", *WINDOW, *PAGING), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentor_contribution(cur, scope.window, at_us=scope.at_us)
            page, more = _page(cur, query, scope, found, lambda c: c.mentor)
            names = _names(cur, scope, (k for c in page for k in (c.mentor, *c.mentees)))
            body = {**scope.echo(cur), "mentors": [_mentor(c, names) for c in page], "more": more}
        return _answer(schemas.MentorListSchema(), body, "mentors", more)

    @bp.get("/program/weekly")
    def weekly() -> Response:
        query = _query(allowed=("program", *WINDOW), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            weeks = weekly_series(cur, scope.window, at_us=scope.at_us)
            body = {**scope.echo(cur), "weeks": [_week(w) for w in weeks]}
        return _answer(schemas.WeeklySeriesSchema(), body, "weeks")

    @bp.get("/program/cohorts")
    def cohorts() -> Response:
        query = _query(allowed=("program", *WINDOW), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = program_cohorts(cur, scope.window, at_us=scope.at_us, settings=views)
            body = {**scope.echo(cur), "weeks": list(found.weeks),
                    "cohorts": [{**vars(c), "weekly_sessions": list(c.weekly_sessions)} for c in found.cohorts]}
        return _answer(schemas.CohortListSchema(), body, "cohorts")

    @bp.get("/program/pairs-at-risk")
    def pairs_at_risk() -> Response:
        query = _query(allowed=("program", *WINDOW), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            pairs = program_pairs_at_risk(cur, scope.window, at_us=scope.at_us, settings=views)
            names = _names(cur, scope, (k for p in pairs for k in (p.mentor, p.mentee)))
            body = {**scope.echo(cur), "pairs_at_risk": [_pair(p, names) for p in pairs]}
        return _answer(schemas.PairsAtRiskSchema(), body, "pairs_at_risk")

    @bp.get("/mentee")
    def mentee() -> Response:
        query = _query(allowed=("program", "agent", *WINDOW), required=("program", "agent"))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentee_progress(cur, scope.window, at_us=scope.at_us, settings=views, mentee=query.agent)
            if not found:
                raise NotFound("this agent is not a mentee of this program")
            names = _names(cur, scope, (found[0].mentee, *found[0].mentors))
            body = {**scope.echo(cur), **_mentee(found[0], names)}
        return _answer(schemas.MenteeSchema(), body, None)

    @bp.get("/mentor")
    def mentor() -> Response:
        query = _query(allowed=("program", "agent", *WINDOW), required=("program", "agent"))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentor_contribution(cur, scope.window, at_us=scope.at_us, mentor=query.agent)
            if not found:
                raise NotFound("this agent is not a mentor of this program")
            names = _names(cur, scope, (found[0].mentor, *found[0].mentees))
            body = {**scope.echo(cur), **_mentor(found[0], names)}
        return _answer(schemas.MentorSchema(), body, None)

    @bp.get("/feedback/received")
    def feedback_received() -> Response:
        return feedback("received")

    @bp.get("/feedback/given")
    def feedback_given() -> Response:
        return feedback("given")

    def feedback(direction: mentoring_texts.Direction) -> Response:
        query = _query(allowed=("program", "agent", *WINDOW, "limit"), required=("program", "agent"))
        assert query.agent is not None
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentoring_texts.feedback(
                cur, scope.window.at(scope.at_us), query.agent, direction, query.limit)
            names = _names(cur, scope, _said_agents(query.agent, found))
            body = {**scope.echo(cur), "agent": _agent(query.agent, names),
                    "feedback": [_said(s, names) for s in found]}
        return _answer(schemas.FeedbackListSchema(), body, "feedback")

    @bp.get("/comments")
    def comments() -> Response:
        query = _query(allowed=("program", "agent", *WINDOW, "limit"), required=("program", "agent"))
        assert query.agent is not None
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = mentoring_texts.comments(cur, scope.window.at(scope.at_us), query.agent, query.limit)
            names = _names(cur, scope, _said_agents(query.agent, found))
            body = {**scope.echo(cur), "agent": _agent(query.agent, names),
                    "comments": [_said(s, names) for s in found]}
        return _answer(schemas.CommentListSchema(), body, "comments")

    from lrs.api.coordinator import program_routes  # it builds on this module's helpers

    program_routes.register(bp, database, views, clock)
    return bp


# --- parameters -------------------------------------------------------------------


def _query(*, allowed: Iterable[str], required: Iterable[str] = ()) -> Query:
    return parse(request.args.to_dict(flat=False), allowed=allowed, required=required)


def _as_of(cur: Cursor, query: Query) -> int | None:
    if query.as_of_time_us is not None:
        return mentoring.position_at(cur, query.as_of_time_us)
    return query.as_of


class _Scope:
    """A figure request resolved: the window, the reference instant, the position."""

    def __init__(self, query: Query, window: Window, at_us: int):
        self.query = query
        self.window = window
        self.at_us = at_us

    def echo(self, cur: Cursor) -> dict[str, Any]:
        """What the answer was computed for."""
        program = self.window.program
        return {
            "program": {"id": program, "name": mentoring.program_name(cur, program)},
            "since": _time(self.window.since_us),
            "until": _time(self.window.until_us),
            "at": _time(self.at_us),
            "as_of": self.window.as_of,
        }


def _scope(cur: Cursor, query: Query, clock: Callable[[], datetime]) -> _Scope:
    """The request's window; 404 when the view (as of the position) has no such program."""
    assert query.program is not None
    as_of = _as_of(cur, query)
    if not mentoring.program_exists(cur, query.program, as_of):
        raise NotFound(access.NO_PROGRAM)
    at_us = query.at_us if query.at_us is not None else epoch_us(clock())
    return _Scope(query, Window(query.program, query.since_us, query.until_us, as_of), at_us)


def _page(
    cur: Cursor, query: Query, scope: _Scope, items: list[T], key: Callable[[T], str]
) -> tuple[list[T], str]:
    """One page of items (in agent key order) after the cursor, and the more link.

    The link pins ``as_of`` (to the log head when none was given) and ``at``, so that
    the next pages are read from the same view, whatever arrives meanwhile."""
    if query.after is not None:
        items = [item for item in items if key(item) > query.after]
    page = items[: query.limit]
    if len(items) <= query.limit:
        return page, ""
    params = {name: value for name, value in request.args.items() if name not in ("after", "as_of", "at")}
    as_of = scope.window.as_of if scope.window.as_of is not None else mentoring.log_head(cur)
    params.update(as_of=str(as_of), at=_time(scope.at_us) or "", after=key(page[-1]))
    return page, f"{request.path}?{urlencode(params)}"


# --- answers ----------------------------------------------------------------------


def _time(us: int | None) -> str | None:
    return None if us is None else format_timestamp(from_epoch_us(us))


def _names(cur: Cursor, scope: _Scope, keys: Iterable[str]) -> dict[str, str]:
    return mentoring.names(cur, keys, scope.window.as_of)


def _agent(key: str, names: Mapping[str, str]) -> dict[str, Any]:
    agent = agent_from_key(key)
    if key in names:
        agent["name"] = names[key]
    return agent


def _mentee(p: MenteeProgress, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "agent": _agent(p.mentee, names),
        "mentors": [_agent(m, names) for m in p.mentors],
        "sessions": p.sessions,
        "session_seconds": p.session_seconds,
        "last_session": _time(p.last_session_us),
        "videos_started": p.videos_started,
        "videos_completed": p.videos_completed,
        "watch_seconds": p.watch_seconds,
        "comments": p.comments,
        "goals_set": p.goals.goals_set,
        "goals_met": p.goals.goals_met,
        "goals_open": p.goals.goals_open,
        "goals_overdue": p.goals.goals_overdue,
        "mean_days_to_goal": p.goals.mean_days_to_goal,
        "feedback_given": p.feedback_given,
        "feedback_received": p.feedback_received,
        "mean_rating_received": p.mean_rating_received,
        "last_activity": _time(p.last_activity_us),
        "days_since_last_activity": p.days_since_last_activity,
        "status": p.status,
    }


def _mentor(c: MentorContribution, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "agent": _agent(c.mentor, names),
        "mentees": [_agent(m, names) for m in c.mentees],
        "sessions_held": c.sessions_held,
        "hours": c.hours,
        "comments": c.comments,
        "replies": c.replies,
        "feedback_given": c.feedback_given,
        "feedback_received": c.feedback_received,
        "mentee_goals_met": c.mentee_goals_met,
        "mean_rating_received": c.mean_rating_received,
    }


def _pair(p: PairAtRisk, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "mentor": _agent(p.mentor, names),
        "mentee": _agent(p.mentee, names),
        "reasons": list(p.reasons),
        "last_session": _time(p.last_session_us),
        "goals_overdue": p.goals_overdue,
    }


_SAID_KINDS = {Kind.COMMENT: "comment", Kind.REPLY: "reply", Kind.FEEDBACK: "feedback"}


def _said_agents(agent: str, found: Iterable[Said]) -> list[str]:
    return [agent, *(k for s in found for k in (s.actor, s.other) if k is not None)]


def _said(s: Said, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "statement": s.statement_id,
        "kind": _SAID_KINDS[s.kind],
        "timestamp": _time(s.timestamp_us),
        "actor": _agent(s.actor, names),
        "recipient": None if s.other is None else _agent(s.other, names),
        "about": s.object,
        "rating": s.rating,
        "text": s.text,
    }


def _week(w: Week) -> dict[str, Any]:
    return {
        "week": w.week, "sessions": w.sessions, "video_statements": w.video_statements,
        "comments": w.comments, "feedback": w.feedback, "goals_set": w.goals_set, "goals_met": w.goals_met,
    }


def _summary_agents(s: ProgramSummary) -> list[str]:
    return [k for p in s.pairs_at_risk for k in (p.mentor, p.mentee)]


def _summary(s: ProgramSummary, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "mentors": s.mentors,
        "mentees": s.mentees,
        "pairs": s.pairs,
        "active_pairs": s.active_pairs,
        "sessions": s.sessions,
        "sessions_per_pair_per_month": s.sessions_per_pair_per_month,
        "goals_set": s.goals_set,
        "goals_met": s.goals_met,
        "goal_attainment_rate": s.goal_attainment_rate,
        "median_days_to_goal": s.median_days_to_goal,
        "feedback_count": s.feedback_count,
        "mean_rating": s.mean_rating,
        "rating_trend": [
            {"week": r.week, "mean_rating": r.mean_rating, "ratings": r.ratings} for r in s.rating_trend
        ],
        "pairs_at_risk": [_pair(p, names) for p in s.pairs_at_risk],
    }


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def _answer(schema: Schema, body: dict[str, Any], rows: str | None, more: str = "") -> Response:
    """JSON through the answer's schema, or CSV (`tables`: fixed columns read off the
    schema, one line per item of ``rows``, or one line when it is None) on ``Accept:
    text/csv``; the more link is also a ``Link`` header."""
    headers = {"Link": f'<{more}>; rel="next"'} if more else {}
    dumped = schema.dump(body)
    if request.accept_mimetypes.best_match(["application/json", CSV]) == CSV:
        header, lines = tables.table(schema, dumped, rows)
        return Response(csv_text(header, lines), mimetype=CSV, headers=headers)
    return _json(dumped, headers=headers)
