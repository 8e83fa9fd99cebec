"""The dashboard's program pages of issue 22: matching (a suggestion accepted is recorded as
a pairing statement, so it is in the log), gaps and reinforcement, engagement, outcomes and
profile issues, cohorts. The figures come from the same query functions as the coordinator API.

The pages name their program ``program`` (so the sign-in check applies the viewer's
program grant, issue 20); the accept form names it in its body and is checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for

from lrs.api.coordinator.program_routes import explain
from lrs.api.dashboard import charts, sessions
from lrs.api.dashboard.config import DashboardConfig
from lrs.api.dashboard.signin import page
from lrs.store.database import Cursor
from projections import mentoring, program_engagement, programs
from projections.mentoring import Window
from projections.mentoring_profile import Vocabulary, agent_from_key
from projections.program_cohorts import program_cohorts
from projections.program_gaps import due_for_reinforcement, group_gaps, program_gaps
from projections.program_issues import profile_issues
from projections.program_matching import suggest
from projections.program_outcomes import program_outcomes
from xapi.prepare import epoch_us, format_timestamp, from_epoch_us
from xapi.validation import validate_statement

TABS = (
    ("dashboard.matching", "Matching"),
    ("dashboard.gaps", "Gaps and reinforcement"),
    ("dashboard.engagement", "Engagement"),
    ("dashboard.outcomes", "Outcomes and profile issues"),
    ("dashboard.cohorts", "Cohorts"),
)


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    accept: bool = False

    @property
    def classes(self) -> list[str]:
        """Each column's cell class: prose wraps between words with room to do it
        (``prose``), identifiers and instants stay on one line (``ident``), so no cell
        of a narrow screen is squeezed into letters; the table scrolls instead."""
        return ["prose" if c in _PROSE else "ident" if c in _IDENTIFIERS else "" for c in self.columns]

    def add(self, *cells: Any, **more: Any) -> None:
        self.rows.append({"cells": ["" if c is None else _cell(c) for c in cells], **more})


_PROSE = frozenset({"Why", "What is wrong"})
_IDENTIFIERS = frozenset({"Statement", "Rule", "Competency", "Content", "Video", "Measure", "Due", "Group"})


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def register(bp: Blueprint, config: DashboardConfig) -> None:
    vocabulary = Vocabulary(config.views.profile_base)

    def program_or_404(cur: Cursor) -> str:
        program = request.args.get("program", "").strip()
        if not program or not mentoring.program_exists(cur, program):
            abort(404, description="no such program")
        return program

    def render(cur: Cursor, program: str, current: str, heading: str, tables: list[Table], at_us: int,
               notice: str = "") -> Any:
        name = mentoring.program_name(cur, program) or program
        return page("program_tables.html", heading=heading, program=program, program_name=name,
                    at_text=format_timestamp(from_epoch_us(at_us)), tabs=TABS, current=current, tables=tables,
                    notice=notice, breadcrumbs=[("Programs", url_for("dashboard.programs")),
                                                (name, url_for("dashboard.program", id=program)),
                                                (heading, None)])

    def who(cur: Cursor, keys: Iterable[str]) -> dict[str, str]:
        wanted = set(keys)
        return {**programs.names(cur, wanted), **mentoring.names(cur, wanted)}

    def now_us() -> int:
        return epoch_us(datetime.now(UTC))

    @bp.route("/program/matching")
    def matching() -> Any:
        at_us = now_us()
        with config.database.read() as cur:
            program = program_or_404(cur)
            found = suggest(cur, program, at_us=at_us, as_of=None,
                            manager_levels=config.views.matching_manager_levels)
            names = who(cur, [k for s in found.suggestions for k in (s.mentor, s.mentee)]
                        + [m for m, _ in found.unmatched])
            suggestions = Table("Suggested pairs", ("Mentor", "Mentee", "Score", "Why"),
                                accept=config.record is not None,
                                note=f"A {found.direction} program; never a manager "
                                     f"({config.views.matching_manager_levels or 'any'} level(s) up).")
            for s in found.suggestions:
                suggestions.add(names.get(s.mentor, s.mentor), names.get(s.mentee, s.mentee), s.score, explain(s),
                                mentor=s.mentor, mentee=s.mentee)
            unmatched = Table("Unpaired mentees without a suggestion", ("Mentee", "Why"))
            for mentee, why in found.unmatched:
                unmatched.add(names.get(mentee, mentee), why)
            return render(cur, program, "dashboard.matching", "Matching", [suggestions, unmatched], at_us,
                          notice=request.args.get("recorded", "") and "The pairing was recorded as a statement.")

    @bp.route("/program/matching/accept", methods=["POST"])
    def matching_accept() -> Any:
        """Record an accepted suggestion as a pairing statement (only a current suggestion)."""
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            abort(400, description="the form expired: reload the page and try again")
        program, mentor, mentee = (request.form.get(k, "").strip() for k in ("program", "mentor", "mentee"))
        viewer = g.get("dashboard_viewer")
        if config.record is None or viewer is None or not viewer.programs.allows(program):
            abort(404, description="no such program")
        with config.database.read() as cur:
            if not mentoring.program_exists(cur, program):
                abort(404, description="no such program")
            found = suggest(cur, program, at_us=now_us(), as_of=None,
                            manager_levels=config.views.matching_manager_levels)
            if not any(s.mentor == mentor and s.mentee == mentee for s in found.suggestions):
                abort(409, description="this pair is no longer suggested: reload the page")
            names = who(cur, (mentor, mentee))
            program_name = mentoring.program_name(cur, program)
        statement = pairing_statement(vocabulary, program, program_name, mentor, mentee, names)
        errors = validate_statement(statement)
        if errors:  # the people's identifiers come from the views: valid unless the data is odd
            abort(400, description="; ".join(f"{e.path}: {e.message}" for e in errors))
        config.record(viewer, [statement])
        return redirect(url_for("dashboard.matching", program=program, recorded="1"), 303)

    @bp.route("/program/gaps")
    def gaps() -> Any:
        at_us = now_us()
        with config.database.read() as cur:
            program = program_or_404(cur)
            people = program_gaps(cur, program, at_us=at_us, as_of=None)
            due = due_for_reinforcement(cur, program, at_us=at_us, as_of=None, days=config.views.reinforce_days,
                                        growth=config.views.reinforce_growth)
            names = who(cur, [p.person for p in people])
            largest = Table("Largest gaps", ("Person", "Competency", "Target", "Evidenced", "Claimed", "Gap"),
                            note="Evidence is the latest assessment; a claim is shown beside it.")
            for p in people:
                for gap in p.gaps:
                    if gap.gap:
                        largest.add(names.get(p.person, p.person), _short(gap.competency), gap.target,
                                    gap.evidenced, gap.claimed, gap.gap)
            largest.rows.sort(key=lambda r: -int(r["cells"][5]))
            groups = Table("Per group", ("Group", "Competency", "People", "With a gap", "Mean target",
                                         "Mean evidenced", "Mean gap"))
            for grp in group_gaps(people, program):
                label = "the program" if grp.kind == "program" else f"{grp.kind} {_short(grp.group)}"
                groups.add(label, _short(grp.competency), grp.people, grp.with_gap, grp.mean_target,
                           grp.mean_evidenced, grp.mean_gap)
            reinforce = Table("Due for reinforcement", ("Person", "Competency", "Streak", "Interval (days)",
                                                        "Due", "Overdue (days)"))
            for d in due:
                reinforce.add(names.get(d.person, d.person), _short(d.competency), d.streak, d.interval_days,
                              format_timestamp(from_epoch_us(d.due_us)), d.overdue_days)
            return render(cur, program, "dashboard.gaps", "Gaps and reinforcement", [largest, groups, reinforce],
                          at_us)

    @bp.route("/program/engagement")
    def engagement() -> Any:
        at_us = now_us()
        with config.database.read() as cur:
            program = program_or_404(cur)
            until = at_us + 1
            funnel = Table("Shared content", ("Content", "Shared to", "Delivered", "Started", "Completed"))
            for f in program_engagement.funnels(cur, program, since_us=None, until_us=until, as_of=None):
                funnel.add(_short(f.content), f.shared_to, f.delivered, f.started, f.completed)
            talk = Table("What drives discussion", ("Content", "Comments", "Replies", "Participants", "Mentions"))
            for d in program_engagement.discussion(cur, program, since_us=None, until_us=until, as_of=None):
                talk.add(_short(d.content), d.comments, d.replies, d.participants, d.mentions)
            timeline = Table("Where on the video", ("Video", "From second", "Comments", "Replies"))
            for b in program_engagement.timeline(cur, program, width=30.0, since_us=None, until_us=until, as_of=None):
                timeline.add(_short(b.content), int(b.start_seconds), b.comments, b.replies)
            found = program_engagement.mentions(cur, program, since_us=None, until_us=until, as_of=None)
            names = who(cur, [k for m in found for k in (m.actor, m.mentioned)])
            mentions = Table("Who pulls whom in (@mentions)", ("Who mentions", "Mentioned", "Times"))
            for m in found:
                mentions.add(names.get(m.actor, m.actor), names.get(m.mentioned, m.mentioned), m.count)
            return render(cur, program, "dashboard.engagement", "Engagement", [funnel, talk, timeline, mentions],
                          at_us)

    @bp.route("/program/outcomes")
    def outcomes() -> Any:
        at_us = now_us()
        with config.database.read() as cur:
            program = program_or_404(cur)
            _, found = program_outcomes(cur, program, at_us=at_us, as_of=None)
            table = Table("Outcome measures", ("Measure", "Group", "People", "Before (n)", "Before (mean)",
                                               "After (n)", "After (mean)", "Change"),
                          note="Descriptive figures with the number of measurements behind each mean; they do "
                               "not show that mentoring caused a difference.")
            for o in found:
                table.add(_short(o.measure), o.group, o.people, o.before.measurements, o.before.mean,
                          o.after.measurements, o.after.mean, o.change)
            issues = profile_issues(cur, program, at_us=at_us, as_of=None)
            names = who(cur, [i.actor for i in issues])
            listed = Table("Profile issues", ("Statement", "Actor", "Rule", "What is wrong"))
            for i in issues:
                listed.add(i.statement_id, names.get(i.actor, i.actor), i.rule, i.message)
            return render(cur, program, "dashboard.outcomes", "Outcomes and profile issues", [table, listed], at_us)

    @bp.route("/program/cohorts")
    def cohorts() -> Any:
        """The program's cohorts (mentees by enrolment month) on its main figures, from the
        coordinator API's own query, each with its sessions per week as a sparkline that
        names its scale (lowest and highest), as the compare page draws its programs."""
        at_us = now_us()
        with config.database.read() as cur:
            program = program_or_404(cur)
            found = program_cohorts(cur, Window(program, None, None, None), at_us=at_us, settings=config.views)
            name = mentoring.program_name(cur, program) or program
        rows = [{"cohort": c, "spark": charts.sparkline(list(c.weekly_sessions), scale=True,
                                                        label=f"Sessions per week, cohort {c.month}")}
                for c in found.cohorts]
        return page("cohorts.html", heading="Cohorts", program=program, program_name=name,
                    at_text=format_timestamp(from_epoch_us(at_us)), tabs=TABS, current="dashboard.cohorts",
                    cohorts=rows, weeks=found.weeks,
                    breadcrumbs=[("Programs", url_for("dashboard.programs")),
                                 (name, url_for("dashboard.program", id=program)), ("Cohorts", None)])


def pairing_statement(vocabulary: Vocabulary, program: str, program_name: str | None, mentor: str, mentee: str,
                      names: dict[str, str]) -> dict[str, Any]:
    """The profile's pairing statement for an accepted suggestion."""

    def agent(key: str) -> dict[str, Any]:
        found = agent_from_key(key)
        if key in names:
            found["name"] = names[key]
        return found

    definition: dict[str, Any] = {"type": vocabulary.program}
    if program_name:
        definition["name"] = {"en-US": program_name}
    return {
        "actor": agent(mentor),
        "verb": {"id": vocabulary.paired_with, "display": {"en-US": "paired with"}},
        "object": agent(mentee),
        "context": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": program,
                                                         "definition": definition}]}},
        "timestamp": format_timestamp(datetime.now(UTC)),
    }


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]
