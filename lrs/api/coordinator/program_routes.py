"""The program endpoints of the coordinator API: matching, gaps, reinforcement,
engagement, outcomes and profile issues (docs/COORDINATOR.md), added to the
``/coordinator`` blueprint by `lrs.api.coordinator.routes.blueprint`.

Same rules as the other endpoints: JSON through the schemas of
`program_schemas` (which also give the OpenAPI document), CSV on
``Accept: text/csv``, the parameters of `params`, ``at`` and ``as_of``
everywhere, 404 for a program the views do not know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request

from lrs.api.coordinator import program_schemas as schemas
from lrs.api.coordinator.params import parse
from lrs.api.coordinator.routes import _agent, _answer, _Scope, _scope, _time
from lrs.store.database import Cursor, Database
from projections import mentoring, program_engagement, programs
from projections.program_gaps import due_for_reinforcement, group_gaps, person_gaps, program_gaps
from projections.program_issues import profile_issues
from projections.program_matching import Suggestion, suggest
from projections.program_outcomes import person_outcomes, program_outcomes
from projections.registry import ViewSettings
from xapi.errors import FieldError
from xapi.parameters import rejected

_STATE = ("program", "at", "as_of")
_RANGE = ("program", "since", "until", "at", "as_of")
DEFAULT_WIDTH = 30.0


def register(bp: Blueprint, database: Database, views: ViewSettings, clock: Callable[[], datetime]) -> None:
    """Add the program endpoints to the coordinator blueprint."""

    def scoped(allowed: Iterable[str], required: Iterable[str] = ("program",),
               args: Mapping[str, list[str]] | None = None) -> Callable[[Cursor], _Scope]:
        query = parse(args if args is not None else request.args.to_dict(flat=False),
                      allowed=allowed, required=required)
        return lambda cur: _scope(cur, query, clock)

    @bp.get("/matching")
    def matching() -> Response:
        scope_of = scoped(_STATE)
        with database.read() as cur:
            scope = scope_of(cur)
            found = suggest(cur, scope.window.program, at_us=scope.at_us, as_of=scope.window.as_of,
                            manager_levels=views.matching_manager_levels)
            keys = [k for s in found.suggestions for k in (s.mentor, s.mentee, *s.managers_checked)]
            names = _names(cur, scope, [*keys, *(m for m, _ in found.unmatched)])
            body = {**scope.echo(cur), "direction": found.direction,
                    "manager_levels": views.matching_manager_levels,
                    "suggestions": [_suggestion(s, names) for s in found.suggestions],
                    "unmatched": [{"agent": _agent(m, names), "reason": why} for m, why in found.unmatched]}
        return _answer(schemas.MatchingSchema(), body, "suggestions")

    @bp.get("/gaps")
    def gaps() -> Response:
        query = parse(request.args.to_dict(flat=False), allowed=(*_STATE, "agent"), required=("program",))
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            at_us, as_of = scope.at_us, scope.window.as_of
            if query.agent is not None:
                found = [person_gaps(cur, scope.window.program, query.agent, at_us=at_us, as_of=as_of)]
            else:
                found = program_gaps(cur, scope.window.program, at_us=at_us, as_of=as_of)
            names = _names(cur, scope, [p.person for p in found])
            body = {**scope.echo(cur), "gaps": [
                {"agent": _agent(p.person, names), "role": p.role, "team": p.team, "competency": g.competency,
                 "target": g.target, "evidenced": g.evidenced, "claimed": g.claimed, "gap": g.gap,
                 "last_evidence": _time(g.last_evidence_us)}
                for p in found for g in p.gaps]}
        return _answer(schemas.GapListSchema(), body, "gaps")

    @bp.get("/gaps/groups")
    def gaps_by_group() -> Response:
        scope_of = scoped(_STATE)
        with database.read() as cur:
            scope = scope_of(cur)
            program = scope.window.program
            found = group_gaps(program_gaps(cur, program, at_us=scope.at_us, as_of=scope.window.as_of), program)
            body = {**scope.echo(cur), "groups": [
                {"kind": g.kind, "group": g.group, "competency": g.competency, "people": g.people,
                 "with_gap": g.with_gap, "mean_target": g.mean_target, "mean_evidenced": g.mean_evidenced,
                 "mean_gap": g.mean_gap} for g in found]}
        return _answer(schemas.GroupGapListSchema(), body, "groups")

    @bp.get("/reinforcement")
    def reinforcement() -> Response:
        scope_of = scoped(_STATE)
        with database.read() as cur:
            scope = scope_of(cur)
            found = due_for_reinforcement(cur, scope.window.program, at_us=scope.at_us, as_of=scope.window.as_of,
                                          days=views.reinforce_days, growth=views.reinforce_growth)
            names = _names(cur, scope, [d.person for d in found])
            body = {**scope.echo(cur), "due": [
                {"agent": _agent(d.person, names), "competency": d.competency, "target": d.target,
                 "last_evidence": _time(d.last_evidence_us), "streak": d.streak, "interval_days": d.interval_days,
                 "due": _time(d.due_us), "overdue_days": d.overdue_days} for d in found]}
        return _answer(schemas.DueListSchema(), body, "due")

    def engagement(reader: Callable[..., list[Any]], **more: Any) -> tuple[_Scope, list[Any], dict[str, Any]]:
        args = request.args.to_dict(flat=False)
        args.pop("width", None)
        scope_of = scoped(_RANGE, args=args)
        with database.read() as cur:
            scope = scope_of(cur)
            window = scope.window.at(scope.at_us)
            found = reader(cur, window.program, since_us=window.since_us, until_us=window.until_us,
                           as_of=window.as_of, **more)
            echo = scope.echo(cur)
            if reader is program_engagement.mentions:
                echo["names"] = _names(cur, scope, [k for m in found for k in (m.actor, m.mentioned)])
        return scope, found, echo

    @bp.get("/engagement/funnel")
    def funnel() -> Response:
        _, found, echo = engagement(program_engagement.funnels)
        body = {**echo, "content": [
            {"content": f.content, "shares": f.shares, "shared_to": f.shared_to, "delivered": f.delivered,
             "started": f.started, "completed": f.completed} for f in found]}
        return _answer(schemas.FunnelListSchema(), body, "content")

    @bp.get("/engagement/timeline")
    def timeline() -> Response:
        width = _width(request.args.getlist("width"))
        _, found, echo = engagement(program_engagement.timeline, width=width)
        body = {**echo, "width": width, "buckets": [
            {"content": b.content, "start_seconds": b.start_seconds, "comments": b.comments, "replies": b.replies}
            for b in found]}
        return _answer(schemas.TimelineSchema(), body, "buckets")

    @bp.get("/engagement/mentions")
    def mentions() -> Response:
        _, found, echo = engagement(program_engagement.mentions)
        names = echo.pop("names")
        body = {**echo, "mentions": [
            {"actor": _agent(m.actor, names), "mentioned": _agent(m.mentioned, names), "count": m.count}
            for m in found]}
        return _answer(schemas.MentionListSchema(), body, "mentions")

    @bp.get("/engagement/discussion")
    def discussion() -> Response:
        _, found, echo = engagement(program_engagement.discussion)
        body = {**echo, "content": [
            {"content": d.content, "comments": d.comments, "replies": d.replies, "participants": d.participants,
             "mentions": d.mentions} for d in found]}
        return _answer(schemas.DiscussionListSchema(), body, "content")

    @bp.get("/outcomes")
    def outcomes() -> Response:
        scope_of = scoped(_STATE)
        with database.read() as cur:
            scope = scope_of(cur)
            start, found = program_outcomes(cur, scope.window.program, at_us=scope.at_us, as_of=scope.window.as_of)
            body = {**scope.echo(cur), "program_start": _time(start), "outcomes": [
                {"measure": o.measure, "group": o.group, "people": o.people,
                 "before_measurements": o.before.measurements, "before_people": o.before.people,
                 "before_mean": o.before.mean, "after_measurements": o.after.measurements,
                 "after_people": o.after.people, "after_mean": o.after.mean, "change": o.change}
                for o in found]}
        return _answer(schemas.OutcomeListSchema(), body, "outcomes")

    @bp.get("/outcomes/person")
    def outcomes_of_person() -> Response:
        query = parse(request.args.to_dict(flat=False), allowed=(*_STATE, "agent"), required=("program", "agent"))
        assert query.agent is not None
        with database.read() as cur:
            scope = _scope(cur, query, clock)
            found = person_outcomes(cur, query.agent, at_us=scope.at_us, as_of=scope.window.as_of)
            names = _names(cur, scope, [query.agent, *(m.reporter for m in found if m.reporter)])
            body = {**scope.echo(cur), "agent": _agent(query.agent, names), "measurements": [
                {"measure": m.measure, "value": m.value, "timestamp": _time(m.ts_us), "period": m.period,
                 "reporter": None if m.reporter is None else _agent(m.reporter, names)} for m in found]}
        return _answer(schemas.MeasurementListSchema(), body, "measurements")

    @bp.get("/profile-issues")
    def issues() -> Response:
        scope_of = scoped(_STATE)
        with database.read() as cur:
            scope = scope_of(cur)
            found = profile_issues(cur, scope.window.program, at_us=scope.at_us, as_of=scope.window.as_of)
            names = _names(cur, scope, [i.actor for i in found])
            body = {**scope.echo(cur), "issues": [
                {"statement": i.statement_id, "actor": _agent(i.actor, names), "rule": i.rule,
                 "message": i.message, "timestamp": _time(i.ts_us)} for i in found]}
        return _answer(schemas.IssueListSchema(), body, "issues")


def _width(given: list[str]) -> float:
    if not given:
        return DEFAULT_WIDTH
    if len(given) != 1 or not given[0].isdigit() or not 1 <= int(given[0]) <= 86_400:
        raise rejected("parameters", [FieldError("width", "width", "must be given once: whole seconds, 1 to 86400")])
    return float(given[0])


def _names(cur: Cursor, scope: _Scope, keys: Iterable[str]) -> dict[str, str]:
    """Names from both views (the mentoring view's win: they are the program's own)."""
    wanted = set(keys)
    return {**programs.names(cur, wanted, scope.window.as_of), **mentoring.names(cur, wanted, scope.window.as_of)}


def _suggestion(s: Suggestion, names: Mapping[str, str]) -> dict[str, Any]:
    covers = [{"competency": c.competency, "gap": c.gap, "mentor_level": c.mentor_level, "covered": c.covered}
              for c in s.covered]
    return {
        "mentor": _agent(s.mentor, names),
        "mentee": _agent(s.mentee, names),
        "score": s.score,
        "covers": covers,
        "mentee_rank": s.mentee_rank,
        "mentor_rank": s.mentor_rank,
        "mutual": s.mutual,
        "constraints": {
            "capacity": s.capacity, "mentees_before": s.load, "place": s.slot,
            "managers_checked": [_agent(m, names) for m in s.managers_checked],
            "direction": s.direction, "mentor_seniority": s.mentor_seniority,
            "mentee_seniority": s.mentee_seniority,
        },
        "explanation": explain(s),
    }


def explain(s: Suggestion) -> str:
    """One sentence a coordinator can read: gaps covered, preference ranks, constraints held."""
    parts = []
    if s.covered:
        parts.append("covers " + ", ".join(
            f"{c.competency.rsplit('/', 1)[-1]} (gap {c.gap}, mentor level {c.mentor_level})" for c in s.covered))
    else:
        parts.append("covers no targeted gap")
    if s.mentee_rank is not None:
        parts.append(f"mentee's choice {s.mentee_rank}")
    if s.mentor_rank is not None:
        parts.append(f"mentor's shortlist {s.mentor_rank}")
    if s.mutual:
        parts.append("mutual")
    parts.append(f"place {s.load + s.slot} of capacity {s.capacity}")
    parts.append("not the mentee's manager" + (f" ({len(s.managers_checked)} checked)" if s.managers_checked else ""))
    if s.mentor_seniority is not None and s.mentee_seniority is not None:
        parts.append(f"{s.direction}: seniority {s.mentor_seniority} mentors {s.mentee_seniority}")
    else:
        parts.append(f"{s.direction}: a seniority is unknown")
    return "; ".join(parts)

