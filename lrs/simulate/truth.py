"""The ground truth: every figure the views must show, computed from the facts the
simulator recorded, never from the statements and never with the projection code."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from lrs.simulate.model import Fact, Person, Program, Simulation, SimulationConfig
from lrs.simulate.times import DAY, WEEK, iso_or_none, monday_of
from lrs.simulate.vocabulary import COMPLETED, TERMINATED, VOIDED


def ground_truth(sim: Simulation, posted: int | None = None) -> dict[str, Any]:
    """Every figure of docs/profile/README.md, for the whole history, at `config.at`.

    Computed from the facts the simulator recorded (voided ones left out), not
    from the statements: an independent account of what the views must show.
    With `posted`, the figures once only the first `posted` statements (in posting
    order) have arrived: a mistake whose voiding statement has not arrived yet counts.
    """
    cfg = sim.config
    at = cfg.at
    if posted is None:
        facts = [f for f in sim.facts if not f.voided]
        sent = len(sim.statements)
    else:
        sent = min(posted, len(sim.statements))
        arrived = {s["id"] for s in sim.statements[:sent]}
        facts = [f for f in sim.facts if f.statement_id in arrived
                 and not (f.voided and sim.voided_by[f.statement_id] in arrived)]
    programs = []
    for program in sim.programs:
        mine = [f for f in facts if f.program == program.id]
        if mine:
            programs.append(_program_truth(program, mine, sim.people, cfg))
    return {
        "generator": {
            "programs": cfg.programs, "mentors": cfg.mentors, "mentees": cfg.mentees,
            "weeks": cfg.weeks, "seed": cfg.seed, "end": cfg.end.isoformat(),
            "profile_base": cfg.profile_base,
        },
        "at": iso_or_none(at),
        "at_definition": "the end of the --end day: 00:00:00 UTC of the day after it",
        "range": {"since": iso_or_none(cfg.since), "until": iso_or_none(at),
                  "days": (at - cfg.since).days},
        "thresholds": {"inactive_days": cfg.inactive_days, "at_risk_days": cfg.at_risk_days,
                       "active_days": cfg.active_days},
        "statements": {
            "posted": sent,
            "voided": sum(1 for s in sim.statements[:sent] if s["id"] in sim.voided_by),
            "voiding": sum(1 for s in sim.statements[:sent] if s["verb"]["id"] == VOIDED),
            "profile_effective": len(facts),
        },
        "people": {p.key: {"name": p.name, "title": p.title, "agent": p.ifi()}
                   for p in sorted(sim.people.values(), key=lambda p: p.key)},
        "programs": programs,
    }


def _program_truth(program: Program, facts: list[Fact], people: dict[str, Person],
                   cfg: SimulationConfig) -> dict[str, Any]:
    at = cfg.at
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        by_kind[f.kind].append(f)
    mentors = {f.actor for f in by_kind["enrolled"] if f.role == "mentor"} | {
        f.actor for f in by_kind["paired"]}
    mentees = {f.actor for f in by_kind["enrolled"] if f.role == "mentee"} | {
        f.other for f in by_kind["paired"] if f.other}
    pairs = {(f.actor, f.other) for f in by_kind["paired"] if f.other} | {
        (f.other, f.actor) for f in by_kind["session"] if f.other}
    sessions_of_pair: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in by_kind["session"]:
        sessions_of_pair[(str(f.other), f.actor)].append(f)

    goals = _goals(by_kind, at)
    overdue_owners = {owner for (owner, _), g in goals.items() if g["overdue"]}
    mentees_out = [_mentee_truth(key, people[key], facts, by_kind, goals, pairs, cfg)
                   for key in sorted(mentees)]
    mentors_out = [_mentor_truth(key, people[key], by_kind, pairs, goals, cfg) for key in sorted(mentors)]

    # Active: a session in (at - active_days, at]. At risk: no session, or the last one
    # at least at_risk_days whole days before `at` (docs/profile/README.md, "Precisely").
    recent = at - timedelta(days=cfg.active_days)
    active_pairs = sorted(p for p in pairs if any(s.ts > recent for s in sessions_of_pair[p]))
    overdue_count = {m["key"]: m["goals_overdue"] for m in mentees_out}
    at_risk = []
    for pair in sorted(pairs):
        reasons = []
        last = max((s.ts for s in sessions_of_pair[pair]), default=None)
        if last is None or at - last >= timedelta(days=cfg.at_risk_days):
            reasons.append("no_session")
        if pair[1] in overdue_owners:
            reasons.append("overdue_goal")
        if reasons:
            at_risk.append({"mentor": pair[0], "mentee": pair[1], "reasons": reasons,
                            "last_session": iso_or_none(last), "goals_overdue": overdue_count.get(pair[1], 0)})

    days = (at - cfg.since).days
    sessions = len(by_kind["session"])
    met_days = sorted(g["days_to_goal"] for g in goals.values() if g["met"])
    ratings = [f.rating for f in by_kind["feedback"] if f.rating is not None]
    weekly = _weekly(facts, cfg)
    tracking = {
        "mentors": len(mentors),
        "mentees": len(mentees),
        "pairs": len(pairs),
        "active_pairs": len(active_pairs),
        "sessions": sessions,
        "session_seconds": sum(f.seconds for f in by_kind["session"]),
        "sessions_per_pair_per_month": (sessions / len(pairs) / (days / 30)) if pairs else None,
        "goals_set": len(goals),
        "goals_met": len(met_days),
        "goal_attainment_rate": (len(met_days) / len(goals)) if goals else None,
        "median_days_to_goal": statistics.median(met_days) if met_days else None,
        "feedback_count": len(by_kind["feedback"]),
        "mean_rating": statistics.fmean(ratings) if ratings else None,
        "rating_trend": [{"week": w["week"], "mean_rating": w["mean_rating"], "ratings": w["feedback"]}
                         for w in weekly if w["feedback"]],
        "weekly": [{k: v for k, v in w.items() if k != "mean_rating"} for w in weekly],
        "pairs_list": [{"mentor": m, "mentee": e} for m, e in sorted(pairs)],
        "active_pairs_list": [{"mentor": m, "mentee": e} for m, e in active_pairs],
        "pairs_at_risk": at_risk,
    }
    return {"id": program.id, "name": program.name, "kind": program.kind, "tracking": tracking,
            "mentees": mentees_out, "mentors": mentors_out}


def _goals(by_kind: dict[str, list[Fact]], at: datetime) -> dict[tuple[str, str], dict[str, Any]]:
    """Goals by (owner, goal id): set (earliest), target date, met (earliest), overdue at `at`,
    days to goal."""
    goals: dict[tuple[str, str], dict[str, Any]] = {}
    for f in sorted(by_kind["goal_set"], key=lambda f: f.ts):
        goals.setdefault((f.actor, str(f.target)), {"set": f.ts, "target_date": f.target_date})
    for f in sorted(by_kind["goal_met"], key=lambda f: f.ts):
        goal = goals.get((f.actor, str(f.target)))
        if goal is not None and "met_at" not in goal:
            goal["met_at"] = f.ts
    out = {}
    for key, g in goals.items():
        met = "met_at" in g
        out[key] = {**g, "met": met, "open": not met,
                    "overdue": not met and g["target_date"] is not None and g["target_date"] < at.date(),
                    "days_to_goal": (g["met_at"] - g["set"]) / DAY if met else None}
    return out


def _mentee_truth(key: str, person: Person, facts: list[Fact], by_kind: dict[str, list[Fact]],
                  goals: dict[tuple[str, str], dict[str, Any]], pairs: set[tuple[str, str]],
                  cfg: SimulationConfig) -> dict[str, Any]:
    at = cfg.at
    sessions = [f for f in by_kind["session"] if f.actor == key]
    videos = [f for f in by_kind["video"] if f.actor == key]
    mine = {g: v for (owner, g), v in goals.items() if owner == key}
    met = [v for v in mine.values() if v["met"]]
    overdue = [v for v in mine.values() if v["overdue"]]
    received = [f.rating for f in by_kind["feedback"] if f.other == key and f.rating is not None]
    acted = [f.ts for f in facts if f.actor == key]
    last_activity = max(acted) if acted else None
    last_session = max(f.ts for f in sessions) if sessions else None
    if last_activity is None or at - last_activity >= timedelta(days=cfg.inactive_days):
        status = "inactive"
    elif last_session is None or at - last_session >= timedelta(days=cfg.at_risk_days) or overdue:
        status = "at_risk"
    else:
        status = "on_track"
    return {
        "key": key,
        "name": person.name,
        "agent": person.ifi(),
        "mentors": sorted(m for m, e in pairs if e == key),
        "sessions": len(sessions),
        "session_seconds": sum(f.seconds for f in sessions),
        "last_session": iso_or_none(last_session),
        "videos_started": len({f.target for f in videos}),
        "videos_completed": len({f.target for f in videos if f.verb == COMPLETED}),
        "watch_seconds": sum(f.seconds for f in videos if f.verb == TERMINATED),
        "comments": sum(1 for f in by_kind["comment"] if f.actor == key),
        "goals_set": len(mine),
        "goals_met": len(met),
        "goals_open": len(mine) - len(met),
        "goals_overdue": len(overdue),
        "mean_days_to_goal": statistics.fmean(v["days_to_goal"] for v in met) if met else None,
        "feedback_given": sum(1 for f in by_kind["feedback"] if f.actor == key),
        "feedback_received": len(received),
        "mean_rating_received": statistics.fmean(received) if received else None,
        "last_activity": iso_or_none(last_activity),
        "days_since_last_activity": (at - last_activity) // DAY if last_activity else None,
        "status": status,
    }


def _mentor_truth(key: str, person: Person, by_kind: dict[str, list[Fact]], pairs: set[tuple[str, str]],
                  goals: dict[tuple[str, str], dict[str, Any]], cfg: SimulationConfig) -> dict[str, Any]:
    held = [f for f in by_kind["session"] if f.other == key]
    comments = [f for f in by_kind["comment"] if f.actor == key]
    received = [f.rating for f in by_kind["feedback"] if f.other == key and f.rating is not None]
    mentees = sorted(e for m, e in pairs if m == key)
    return {
        "key": key,
        "name": person.name,
        "agent": person.ifi(),
        "mentees": mentees,
        "sessions_held": len(held),
        "hours": sum(f.seconds for f in held) / 3600,
        "comments": len(comments),
        "replies": sum(1 for f in comments if f.reply),
        "feedback_given": sum(1 for f in by_kind["feedback"] if f.actor == key),
        "mentee_goals_met": sum(1 for (owner, _), g in goals.items() if owner in mentees and g["met"]),
        "feedback_received": len(received),
        "mean_rating_received": statistics.fmean(received) if received else None,
    }


def _weekly(facts: list[Fact], cfg: SimulationConfig) -> list[dict[str, Any]]:
    """ISO weeks (`week`: their Monday, UTC) from the one holding `since` to the one before `at`."""
    weeks: dict[date, dict[str, Any]] = {}
    monday = monday_of(cfg.since)
    while monday < cfg.at:
        iso = monday.date().isocalendar()
        weeks[monday.date()] = {"week": monday.date().isoformat(), "iso_week": f"{iso.year}-W{iso.week:02d}",
                                "sessions": 0, "video_statements": 0, "comments": 0, "feedback": 0,
                                "goals_set": 0, "goals_met": 0, "ratings": []}
        monday += WEEK
    goal_sets = {(f.actor, f.target) for f in facts if f.kind == "goal_set"}
    column = {"session": "sessions", "video": "video_statements", "comment": "comments",
              "feedback": "feedback", "goal_set": "goals_set", "goal_met": "goals_met"}
    for f in facts:
        if f.kind not in column:
            continue
        if f.kind == "goal_met" and (f.actor, f.target) not in goal_sets:
            continue
        week = weeks[monday_of(f.ts).date()]
        week[column[f.kind]] += 1
        if f.kind == "feedback" and f.rating is not None:
            week["ratings"].append(f.rating)
    out = []
    for week in weeks.values():
        ratings = week.pop("ratings")
        week["mean_rating"] = statistics.fmean(ratings) if ratings else None
        out.append(week)
    return out
