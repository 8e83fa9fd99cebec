"""The dashboard's pages: programs, a program, a mentee, a mentor; their CSVs; the live status.

Every page takes the same date range (``from``/``to``) and keeps it in its
links, so any view can be bookmarked and shared. Figures come from `data`,
which reads the coordinator views through the coordinator API's own query
functions; charts are SVG drawn here (`charts`), each with its table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, jsonify, make_response, request, url_for

from lrs.api.dashboard import charts, data
from lrs.api.dashboard.config import DashboardConfig
from lrs.api.dashboard.csvexport import csv_response
from lrs.api.dashboard.dates import BadRange, DateRange, parse_range, presets
from lrs.api.dashboard.definitions import DEFINITIONS
from lrs.api.dashboard.live import Live, summarise
from lrs.api.dashboard.paging import Table, paginate
from lrs.api.dashboard.signin import message, page
from lrs.grants import ALL, ProgramGrant
from xapi.formats import parse_accept_language

STATUSES = ("at_risk", "inactive", "on_track")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
REASONS = {"no_session": "no session in {days} days", "overdue_goal": "overdue goal"}
WEEKLY: dict[str, tuple[str, tuple[tuple[str, str], ...], str]] = {
    "mentee": ("Sessions, videos and comments per week",
               (("sessions", "sessions"), ("videos", "video statements"), ("comments", "comments")),
               "statements"),
    "mentor": ("Sessions and hours per week", (("sessions", "sessions"), ("hours", "hours")), ""),
}
"""A person's weekly chart: (title, its series as (key of a `data` week, label), y label);
the series' keys are also the columns of their weekly CSV."""


def register(bp: Blueprint, config: DashboardConfig) -> None:
    reader = data.Reader(config.database, config.views)

    def grant() -> ProgramGrant:
        """The programs the signed-in person may see (issue 20)."""
        viewer = g.get("dashboard_viewer")
        return ALL if viewer is None else viewer.programs  # type: ignore[no-any-return]

    def live() -> Live:
        """The views' position, read once per request, before the figures."""
        if "dashboard_live" not in g:
            g.dashboard_live = summarise(config.status())
        return g.dashboard_live  # type: ignore[no-any-return]

    def reference(date_range: DateRange) -> int:
        """The instant the page's statuses are evaluated at (the range's end, or now)."""
        return date_range.reference_us(data.now_us())

    def base(date_range: DateRange, keep: Sequence[tuple[str, str]] = (),
             first_day: str | None = None) -> dict[str, Any]:
        """What every page's frame needs: the range form and its presets, the live line,
        the links. ``first_day``: the program's first enrolment (its "to date" preset)."""
        keep_params = [(k, v) for k, v in keep if k not in ("from", "to", "at")]
        if date_range.at is not None:
            keep_params.append(("at", date_range.params()["at"]))
        now = data.now_us()
        today = date.fromisoformat(data.day(now) or "")
        return {
            "date_range": date_range,
            "keep_params": keep_params,
            "clear_range_query": urlencode(keep_params),
            "presets": [(p.label, urlencode([*keep_params, *p.params.items()]),
                         p.params == {k: v for k, v in date_range.params().items() if k != "at"})
                        for p in presets(today, date.fromisoformat(first_day) if first_day else None)],
            "as_at": data.day(date_range.reference_us(now)) if date_range.is_past(now) else None,
            "range_from": date_range.start.isoformat() if date_range.start else "",
            "range_to": date_range.end.isoformat() if date_range.end else "",
            "range_error": None,
            "live": live(),
            "poll_seconds": config.poll_seconds,
            "range_params": date_range.params(),
        }

    def date_range_or_400() -> DateRange:
        """The page's range; a bad one re-shows the range form with the error (400)."""
        try:
            return parse_range(request.args)
        except BadRange as exc:
            keep = [(k, v) for k, v in request.args.items(multi=True) if k not in ("from", "to", "at")]
            frame = base(DateRange(), keep)
            frame.update(range_from=request.args.get("from", ""), range_to=request.args.get("to", ""),
                         range_error=exc, presets=[])
            body, status = page("bad_range.html", 400, **frame)
            abort(make_response(body, status))

    @bp.route("/definitions")
    def definitions() -> Any:
        """What each figure means (each tile's label links here)."""
        date_range = date_range_or_400()
        views = config.views
        days = {"active_days": views.active_days, "at_risk_days": views.at_risk_days,
                "inactive_days": views.inactive_days}
        return page("definitions.html", definitions=[(d.figure, d.label, d.text.format(**days)) for d in DEFINITIONS],
                    breadcrumbs=[("Programs", url_for("dashboard.programs", **date_range.params())),
                                 ("Definitions", None)],
                    **base(date_range))

    @bp.route("/status.json")
    def status() -> Response:
        return jsonify(live().as_dict())

    @bp.route("/")
    def programs() -> Any:
        date_range = date_range_or_400()
        cards = reader.programs(date_range, as_of=live().position, at_us=reference(date_range), grant=grant())
        for card in cards:
            card["spark"] = charts.sparkline(
                [r for _, r in card["rating_trend"]], label=f"Mean feedback rating per week, {card['name']}"
            )
        return page("programs.html", programs=cards, **base(date_range))

    @bp.route("/compare")
    def compare() -> Any:
        """The programs the viewer may see side by side on their main figures, each with its
        weekly mean rating as a sparkline that names its scale (lowest and highest)."""
        date_range = date_range_or_400()
        rows = reader.programs(date_range, as_of=live().position, at_us=reference(date_range), grant=grant())
        for row in rows:
            row["spark"] = charts.sparkline([r for _, r in row["rating_trend"]], scale=True,
                                            label=f"Mean feedback rating per week, {row['name']}")
        return page("compare.html", programs=rows,
                    breadcrumbs=[("Programs", url_for("dashboard.programs", **date_range.params())),
                                 ("Compare programs", None)],
                    **base(date_range))

    @bp.route("/search")
    def search() -> Any:
        """A person (mentor or mentee) by name, across the programs the viewer may see."""
        date_range = date_range_or_400()
        text = request.args.get("q", "").strip()
        people = reader.search(text, grant(), as_of=live().position) if len(text) >= 2 else []
        return page("search.html", query=text, people=people, limit=data.SEARCH_LIMIT,
                    breadcrumbs=[("Programs", url_for("dashboard.programs", **date_range.params())),
                                 ("Find a person", None)],
                    **base(date_range, [("q", text)]))

    @bp.route("/programs.csv")
    def programs_csv() -> Response:
        date_range = date_range_or_400()
        rows = reader.programs(date_range, as_of=live().position, at_us=reference(date_range), grant=grant())
        return csv_response(
            "programs.csv",
            ["program", "name", "mentors", "mentees", "pairs", "active_pairs",
             "goal_attainment_rate", "mean_rating"],
            ([p["program"], p["name"], p["mentors"], p["mentees"], p["pairs"], p["active_pairs"],
              p["goal_attainment_rate"], p["mean_rating"]] for p in rows),
        )

    @bp.route("/program")
    def program() -> Any:
        date_range = date_range_or_400()
        program_id = _required("id")
        found = reader.program(program_id, date_range, as_of=live().position, at_us=reference(date_range))
        if found is None:
            return _not_found("program", program_id)
        status_filter = request.args.get("status", "")
        text_filter = request.args.get("q", "").strip()
        table = paginate(_filtered_pairs(found["pair_rows"], status_filter, text_filter), PAIR_KEYS,
                         request.args, default="status")
        weekly = found["weekly"]
        labels = [w["week"] for w in weekly]
        cut = _partial_weeks(labels, date_range, reference(date_range))
        activity = charts.Chart(
            "Weekly activity",
            labels,
            [charts.Series(label, [w[key] for w in weekly]) for key, label in data.ACTIVITY_SERIES],
            y_label="statements", partial=cut,
        )
        ratings = charts.Chart(
            "Mean feedback rating per week",
            [week for week, _ in found["rating_trend"]],
            [charts.Series("mean rating", [r for _, r in found["rating_trend"]])],
            y_label="rating (1-5)", partial=cut,
        )
        goals = charts.Chart(
            "Goals set and met per week",
            labels,
            [charts.Series("goals set", [w["goals_set"] for w in weekly]),
             charts.Series("goals met", [w["goals_met"] for w in weekly])],
            y_label="goals", partial=cut,
        )
        keep = [("id", program_id)]
        return page(
            "program.html",
            program=found,
            pairs=table.rows,
            pairs_table=table,
            reasons=_reasons(config),
            sort=table.sort,
            order=table.order,
            status_filter=status_filter,
            text_filter=text_filter,
            statuses=STATUSES,
            activity=activity,
            activity_svg=charts.for_widths(charts.bar_chart, activity),
            ratings=ratings,
            ratings_svg=charts.for_widths(charts.line_chart, ratings),
            goals=goals,
            goals_svg=charts.for_widths(charts.line_chart, goals),
            breadcrumbs=[("Programs", url_for("dashboard.programs", **date_range.params())),
                         (found["name"], None)],
            keep_query=urlencode([*keep, *date_range.params().items()]),
            **base(date_range, [*keep, ("status", status_filter), ("q", text_filter),
                                ("sort", request.args.get("sort", "")),
                                ("order", request.args.get("order", ""))], found["first_enrolment"]),
        )

    @bp.route("/program/<table>.csv")
    def program_csv(table: str) -> Response:
        date_range = date_range_or_400()
        program_id = _required("id")
        found = reader.program(program_id, date_range, as_of=live().position, at_us=reference(date_range))
        if found is None:
            abort(404, description="no such program")
        slug = _slug(found["name"])
        if table == "pairs":
            return csv_response(
                f"{slug}-pairs.csv",
                ["mentor", "mentor_name", "mentee", "mentee_name", "status", "reasons", "sessions",
                 "last_session", "goals_overdue"],
                ([p["mentor"], p["mentor_name"], p["mentee"], p["mentee_name"], p["status"],
                  " ".join(p["reasons"]), p["sessions"], p["last_session"], p["goals_overdue"]]
                 for p in _sorted_pairs(found["pair_rows"], "status", "asc")),
            )
        if table == "weekly":
            keys = ["week", *(key for key, _ in data.ACTIVITY_SERIES), "goals_set", "goals_met",
                    "mean_rating"]
            trend = dict(found["rating_trend"])
            return csv_response(f"{slug}-weekly.csv", keys,
                                ([*(w[k] for k in keys[:-1]), trend.get(w["week"])]
                                 for w in found["weekly"]))
        abort(404, description="no such table")

    def person(kind: str) -> tuple[DateRange, list[tuple[str, str]], dict[str, Any] | None]:
        """The mentee or mentor named by ``program`` and ``agent`` over the page's range
        (None when the views do not know them), and the parameters that name them."""
        date_range = date_range_or_400()
        program_id, agent = _required("program"), _required("agent")
        find = reader.mentee if kind == "mentee" else reader.mentor
        found = find(program_id, agent, date_range, as_of=live().position, at_us=reference(date_range))
        if found is not None:
            reader.name_activities(found, parse_accept_language(request.headers.get("Accept-Language")))
        return date_range, [("program", program_id), ("agent", agent)], found

    def person_or_404(kind: str) -> dict[str, Any]:
        found = person(kind)[2]
        if found is None:
            abort(404, description=f"no such {kind}")
        return found

    def person_page(kind: str, **more: Any) -> Any:
        """A mentee's or mentor's page: `kind`.html with the person, their weekly chart
        (`WEEKLY[kind]`) and the frame; a 404 page when the views do not know them."""
        date_range, keep, found = person(kind)
        if found is None:
            return _not_found(kind, dict(keep)["agent"])
        title, series, y_label = WEEKLY[kind]
        labels = [w["week"] for w in found["weekly"]]
        activity = charts.Chart(
            title,
            labels,
            [charts.Series(label, [w[key] for w in found["weekly"]]) for key, label in series],
            y_label=y_label, partial=_partial_weeks(labels, date_range, reference(date_range)),
        )
        context: dict[str, Any] = {kind: found, **more, **_person_tables(kind, found)}  # mentee= or mentor=
        return page(
            f"{kind}.html",
            activity=activity,
            activity_svg=charts.for_widths(charts.line_chart, activity),
            breadcrumbs=_person_crumbs(found, date_range),
            keep_query=urlencode([*keep, *date_range.params().items()]),
            **context,
            **base(date_range, keep),
        )

    @bp.route("/mentee")
    def mentee() -> Any:
        return person_page("mentee", reasons=_reasons(config))

    @bp.route("/mentee/<table>.csv")
    def mentee_csv(table: str) -> Response:
        found = person_or_404("mentee")
        slug = _slug(found["name"])
        if table == "goals":
            return csv_response(
                f"{slug}-goals.csv", ["goal", "goal_name", "set", "target_date", "met", "state", "days_to_goal"],
                ([g["goal"], g["goal_name"], g["set"], g["target_date"], g["met"], g["state"], g["days_to_goal"]]
                 for g in found["goals"]),
            )
        if table == "weekly":
            return _weekly_csv(slug, "mentee", found["weekly"])
        if table == "feedback":
            return _feedback_csv(slug, "from", found["feedback"])
        if table == "comments":
            return csv_response(
                f"{slug}-comments.csv", ["when", "kind", "about", "about_name", "text"],
                ([c["when"], c["kind"], c["about"], c["about_name"], c["text"]] for c in found["comments"]),
            )
        abort(404, description="no such table")

    @bp.route("/mentor")
    def mentor() -> Any:
        return person_page("mentor")

    @bp.route("/mentor/<table>.csv")
    def mentor_csv(table: str) -> Response:
        found = person_or_404("mentor")
        slug = _slug(found["name"])
        if table == "mentees":
            return csv_response(
                f"{slug}-mentees.csv",
                ["mentee", "name", "status", "sessions", "last_session", "goals_met", "goals_overdue"],
                ([m["agent"], m["name"], m["status"], m["sessions"], m["last_session"],
                  m["goals_met"], m["goals_overdue"]] for m in found["mentees"]),
            )
        if table == "weekly":
            return _weekly_csv(slug, "mentor", found["weekly"])
        if table == "feedback":
            return _feedback_csv(slug, "to", found["feedback"])
        if table == "feedback-received":
            return _feedback_csv(slug, "from", found["feedback_received"], "feedback-received")
        abort(404, description="no such table")

    def _person_crumbs(found: dict[str, Any], date_range: DateRange) -> list[tuple[str, str | None]]:
        return [
            ("Programs", url_for("dashboard.programs", **date_range.params())),
            (found["program_name"], url_for("dashboard.program", id=found["program"], **date_range.params())),
            (found["name"], None),
        ]

    def _not_found(what: str, ident: str) -> Any:
        return message(f"No such {what}", f"Nothing in the views matches this {what}: {ident}", 404,
                       ("All programs", url_for("dashboard.programs")))


def _person_tables(kind: str, found: dict[str, Any]) -> dict[str, Table]:
    """The long tables of a mentee's or mentor's page, each sorted and paged on its own."""
    args = request.args
    tables = {"feedback_page": paginate(found["feedback"], FEEDBACK_KEYS, args, default="when",
                                         default_order="desc", prefix="feedback_", anchor="feedback")}
    if kind == "mentor":
        tables["mentees_page"] = paginate(found["mentees"], MENTEE_KEYS, args, default="status",
                                           prefix="mentees_", anchor="mentees")
        tables["received_page"] = paginate(found["feedback_received"], FEEDBACK_KEYS, args, default="when",
                                            default_order="desc", prefix="received_",
                                            anchor="feedback-received")
    return tables


def _required(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        abort(400, description=f"the query parameter {name!r} is required")
    return value


def _reasons(config: DashboardConfig) -> dict[str, str]:
    return {k: v.format(days=config.views.at_risk_days) for k, v in REASONS.items()}


def _filtered_pairs(pairs: Iterable[dict[str, Any]], status: str, text: str) -> list[dict[str, Any]]:
    needle = text.casefold()
    return [
        p for p in pairs
        if (not status or p["status"] == status)
        and (not needle or needle in p["mentor_name"].casefold() or needle in p["mentee_name"].casefold())
    ]


def _names(p: dict[str, Any]) -> tuple[str, str]:
    return (p["mentee_name"].casefold(), p["mentor_name"].casefold())


PAIR_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "status": lambda p: (STATUS_RANK.get(p["status"], 9), *_names(p)),
    "mentor": lambda p: (p["mentor_name"].casefold(), p["mentee_name"].casefold()),
    "mentee": _names,
    "sessions": lambda p: (p["sessions"], *_names(p)),
    "last_session": lambda p: (p["last_session"] or "", *_names(p)),
    "goals_overdue": lambda p: (p["goals_overdue"], *_names(p)),
}
"""The pairs table's columns → sort keys: at-risk pairs first by default, names breaking ties."""

MENTEE_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "mentee": lambda m: (m["name"].casefold(), m["agent"]),
    "status": lambda m: (STATUS_RANK.get(m["status"], 9), m["name"].casefold(), m["agent"]),
    "sessions": lambda m: (m["sessions"], m["name"].casefold(), m["agent"]),
    "last_session": lambda m: (m["last_session"] or "", m["name"].casefold(), m["agent"]),
    "goals_met": lambda m: (m["goals_met"], m["name"].casefold(), m["agent"]),
    "goals_overdue": lambda m: (m["goals_overdue"], m["name"].casefold(), m["agent"]),
}
"""A mentor's mentees table: at-risk mentees first by default."""

FEEDBACK_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "when": lambda f: (f["when"] or "", f["index"]),
    "person": lambda f: ((f["person_name"] or "").casefold(), f["when"] or "", f["index"]),
    "about": lambda f: ((f["about_name"] or f["about"] or "").casefold(), f["when"] or "", f["index"]),
    "rating": lambda f: (-1 if f["rating"] is None else f["rating"], f["when"] or "", f["index"]),
}
"""A feedback table: newest first by default (``index``: its place in the view's order)."""


def _sorted_pairs(pairs: list[dict[str, Any]], column: str, order: str) -> list[dict[str, Any]]:
    """At-risk pairs first by default; any column either way, names breaking ties."""
    return sorted(pairs, key=PAIR_KEYS[column], reverse=order == "desc")


def _partial_weeks(mondays: Sequence[str], date_range: DateRange, end_us: int) -> frozenset[int]:
    """The weeks (by their Monday) that the range cuts: one it starts after the Monday of,
    or one not over at the range's reference instant ``end_us``."""
    cut = set()
    for index, monday in enumerate(mondays):
        first = date.fromisoformat(monday)
        over_us = int(datetime.combine(first + timedelta(days=7), time(), UTC).timestamp()) * 1_000_000
        if (date_range.start is not None and date_range.start > first) or end_us < over_us - 1:
            cut.add(index)
    return frozenset(cut)


def _weekly_csv(slug: str, kind: str, weekly: list[dict[str, Any]]) -> Response:
    """A mentee's or mentor's weekly series, the columns of their chart."""
    keys = ["week", *(key for key, _ in WEEKLY[kind][1])]
    return csv_response(f"{slug}-weekly.csv", keys, ([w[k] for k in keys] for w in weekly))


def _feedback_csv(slug: str, counterpart: str, feedback: list[dict[str, Any]], name: str = "feedback") -> Response:
    """Feedback received (`counterpart` "from") or given ("to"), one row a piece, with its text."""
    return csv_response(
        f"{slug}-{name}.csv", ["when", counterpart, f"{counterpart}_name", "about", "about_name", "rating", "text"],
        ([f["when"], f["person"], f["person_name"], f["about"], f["about_name"], f["rating"], f["text"]]
         for f in feedback),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "export"
