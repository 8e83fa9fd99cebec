"""The ground truth of the program additions (issue 22): every figure of the programs
view, computed from the simulator's records (`Addition`) and mentoring facts alone,
never from the statements and never with `projections/` (docs/profile/README.md,
"Program additions")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lrs.simulate.additions import Addition
from lrs.simulate.model import Fact, Simulation
from lrs.simulate.times import iso_or_none
from lrs.simulate.vocabulary import COMPLETED, INITIALIZED, PLAYED

WIDTH = 30.0


@dataclass
class _Members:
    mentors: set[str] = field(default_factory=set)
    mentees: set[str] = field(default_factory=set)
    pairs: set[tuple[str, str]] = field(default_factory=set)
    joined: dict[str, datetime] = field(default_factory=dict)


def _members(facts: list[Fact], program: str) -> _Members:
    m = _Members()
    for f in facts:
        if f.program != program:
            continue
        if f.kind == "enrolled":
            (m.mentors if f.role == "mentor" else m.mentees).add(f.actor)
        elif f.kind == "paired" and f.other:
            m.mentors.add(f.actor)
            m.mentees.add(f.other)
            m.pairs.add((f.actor, f.other))
            m.joined[f.other] = min(m.joined.get(f.other, f.ts), f.ts)
        elif f.kind == "session" and f.other:
            m.pairs.add((f.other, f.actor))
            m.joined[f.actor] = min(m.joined.get(f.actor, f.ts), f.ts)
    return m


def _latest(records: list[Addition], key: Any) -> dict[Any, Addition]:
    found: dict[Any, Addition] = {}
    for r in sorted(records, key=lambda r: r.ts):
        found[key(r)] = r
    return found


def additions_truth(sim: Simulation, posted: int | None = None) -> dict[str, Any]:
    """Per program: gaps, groups, reinforcement, matching inputs and limits, engagement,
    outcomes and profile issues, as at `config.at`; with `posted`, once only the first
    `posted` statements (in posting order) have arrived (a mistake whose voiding has not
    arrived yet counts)."""
    cfg = sim.config
    if posted is None:
        records = [r for r in sim.additions if not r.voided]
        facts = [f for f in sim.facts if not f.voided]
    else:
        arrived = {s["id"] for s in sim.statements[:posted]}

        def kept(statement_id: str, voided: bool) -> bool:
            return statement_id in arrived and not (voided and sim.voided_by[statement_id] in arrived)

        records = [r for r in sim.additions if kept(r.statement_id, r.voided)]
        facts = [f for f in sim.facts if kept(f.statement_id, f.voided)]
    of = defaultdict(list)
    for r in records:
        of[r.kind].append(r)
    roles = _latest(of["role"], lambda r: r.person)
    managers = _latest(of["manager"], lambda r: r.person)
    claimed = _latest(of["claimed"], lambda r: (r.person, r.obj))
    assessed: dict[tuple[str, str | None], list[Addition]] = defaultdict(list)
    for r in sorted(of["assessed"], key=lambda r: r.ts):
        assessed[(r.person, r.obj)].append(r)
    targets: dict[str, dict[str, int]] = defaultdict(dict)
    for (holder, competency), r in _latest(of["target"], lambda r: (r.detail, r.obj)).items():
        targets[str(holder)][str(competency)] = int(r.value or 0)

    def targets_of(person: str, program: str) -> dict[str, int]:
        found: dict[str, int] = {}
        role = roles[person].obj if person in roles else None
        for holder in (role, program):
            for competency, level in targets.get(str(holder), {}).items() if holder else ():
                found[competency] = max(found.get(competency, level), level)
        return found

    def chain(person: str) -> list[str]:
        found: list[str] = []
        current = managers[person].other if person in managers else None
        while current is not None and current not in found and current != person:
            found.append(current)
            if cfg.matching_manager_levels and len(found) >= cfg.matching_manager_levels:
                break
            current = managers[current].other if current in managers else None
        return found

    programs = []
    for program in sim.programs:
        members = _members(facts, program.id)
        mine = [r for r in records if r.program == program.id]
        gaps = _gaps(members, targets_of, assessed, claimed, roles, program.id)
        programs.append({
            "id": program.id,
            "gaps": gaps,
            "groups": _groups(gaps, roles),
            "due": _due(members, targets_of, assessed, cfg.at, cfg.reinforce_days, cfg.reinforce_growth,
                        program.id),
            "matching": _matching(members, mine, roles, chain),
            "funnel": _funnel(mine, facts, program.id),
            "timeline": _timeline(mine),
            "mentions": _mentions(facts, program.id),
            "discussion": _discussion(facts, program.id),
            "outcomes": _outcomes(members, of["outcome"]),
            "issues": _issues(members, mine, [r for r in of["issue"] if r.program is None]),
        })
    return {"at": iso_or_none(cfg.at), "width": WIDTH, "programs": programs}


def _gaps(members: _Members, targets_of: Any, assessed: Any, claimed: Any, roles: Any,
          program: str) -> dict[str, dict[str, list[int | None]]]:
    found: dict[str, dict[str, list[int | None]]] = {}
    for mentee in sorted(members.mentees):
        found[mentee] = {}
        for competency, target in targets_of(mentee, program).items():
            history = assessed.get((mentee, competency), [])
            evidenced = int(history[-1].value) if history else None
            claim = claimed.get((mentee, competency))
            found[mentee][competency] = [target, evidenced, None if claim is None else int(claim.value),
                                         max(0, target - (evidenced or 0))]
    return found


def _groups(gaps: dict[str, dict[str, list[int | None]]], roles: dict[str, Addition]) -> dict[str, list[Any]]:
    """Per (kind, group, competency): people, with a gap, mean target, mean evidenced, mean gap."""
    found: dict[str, list[list[int]]] = defaultdict(list)
    for person, competencies in gaps.items():
        role = roles.get(person)
        for competency, (target, evidenced, _, gap) in competencies.items():
            values = [int(target or 0), int(evidenced or 0), int(gap or 0)]
            found[f"program {competency}"].append(values)
            if role is not None:
                found[f"role {role.obj} {competency}"].append(values)
                if role.detail:
                    found[f"team {role.detail} {competency}"].append(values)
    return {key: [len(v), sum(1 for x in v if x[2] > 0), *(sum(x[i] for x in v) / len(v) for i in range(3))]
            for key, v in found.items()}


def _due(members: _Members, targets_of: Any, assessed: Any, at: datetime, days: float, growth: float,
         program: str) -> list[dict[str, Any]]:
    found = []
    for mentee in sorted(members.mentees):
        for competency, target in sorted(targets_of(mentee, program).items()):
            history = assessed.get((mentee, competency), [])
            streak = 0
            for r in reversed(history):
                if r.value < target:
                    break
                streak += 1
            if not streak:
                continue
            interval = days * growth ** (streak - 1)
            due = history[-1].ts + timedelta(days=interval)
            if due <= at:
                found.append({"person": mentee, "competency": competency, "streak": streak,
                              "interval_days": interval, "due": iso_or_none(due)})
    return sorted(found, key=lambda d: (d["due"], d["person"], d["competency"]))


def _matching(members: _Members, mine: list[Addition], roles: dict[str, Addition], chain: Any) -> dict[str, Any]:
    """What every suggestion must respect, and how many mentees can be matched at most
    (a maximum bipartite matching over the mentors' free places, found by augmenting paths)."""
    capacity = {m: 1 for m in members.mentors}
    for mentor, r in _latest([r for r in mine if r.kind == "capacity"], lambda r: r.person).items():
        if mentor in capacity:
            capacity[mentor] = int(r.value or 1)
    load = {m: sum(1 for mentor, _ in members.pairs if mentor == m) for m in members.mentors}
    free = {m: max(0, capacity[m] - load[m]) for m in members.mentors}
    paired = {mentee for _, mentee in members.pairs}
    unpaired = sorted(members.mentees - paired)
    directions = _latest([r for r in mine if r.kind == "direction"], lambda r: r.program)
    direction = next(iter(directions.values())).detail if directions else "conventional"

    def seniority(person: str) -> float | None:
        return roles[person].value if person in roles else None

    allowed: dict[str, list[str]] = {}
    for mentee in unpaired:
        allowed[mentee] = []
        for mentor in sorted(members.mentors):
            if mentor == mentee or mentor in chain(mentee) or mentee in chain(mentor):
                continue
            a, b = seniority(mentor), seniority(mentee)
            if a is not None and b is not None and (a <= b if direction == "conventional" else a >= b):
                continue
            allowed[mentee].append(mentor)
    places = [(mentor, n) for mentor in sorted(free) for n in range(free[mentor])]
    taken: dict[tuple[str, int], str] = {}

    def augment(mentee: str, seen: set[tuple[str, int]]) -> bool:
        for place in places:
            if place[0] in allowed[mentee] and place not in seen:
                seen.add(place)
                if place not in taken or augment(taken[place], seen):
                    taken[place] = mentee
                    return True
        return False

    most = sum(1 for mentee in unpaired if augment(mentee, set()))
    rankings: dict[str, dict[str, int]] = {}
    for (kind, person), r in _latest([r for r in mine if r.kind in ("ranked", "shortlisted")],
                                     lambda r: (r.kind, r.person)).items():
        pool = members.mentors if kind == "ranked" else members.mentees
        if all(o in pool for o in r.others):
            rankings[f"{kind} {person}"] = {o: n for n, o in enumerate(r.others, start=1)}
    return {"unpaired": unpaired, "free": free, "capacity": capacity, "direction": direction,
            "allowed": allowed, "most": most, "managers": {m: chain(m) for m in unpaired},
            "rankings": rankings}


def _funnel(mine: list[Addition], facts: list[Fact], program: str) -> dict[str, dict[str, int]]:
    audience: dict[str, set[str]] = defaultdict(set)
    shares: dict[str, int] = defaultdict(int)
    for r in mine:
        if r.kind == "shared" and r.obj:
            audience[r.obj].update(r.others)
            shares[r.obj] += 1
    delivered = {(r.obj, r.person) for r in mine if r.kind == "delivered"}
    started = {(f.target, f.actor) for f in facts if f.program == program and f.kind == "video"
               and f.verb in (INITIALIZED, PLAYED)}
    done = {(f.target, f.actor) for f in facts if f.program == program and f.kind == "video" and f.verb == COMPLETED}
    return {content: {"shares": shares[content], "shared_to": len(people),
                      "delivered": sum(1 for p in people if (content, p) in delivered),
                      "started": sum(1 for p in people if (content, p) in started),
                      "completed": sum(1 for p in people if (content, p) in done)}
            for content, people in audience.items()}


def _timeline(mine: list[Addition]) -> dict[str, list[int]]:
    comments = [r for r in mine if r.kind == "comment"]
    time_of = {r.statement_id: r.value for r in comments}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in comments:
        seconds = r.value if r.value is not None else time_of.get(str(r.detail)) if r.detail else None
        if seconds is not None:
            counts[f"{r.obj} {(seconds // WIDTH) * WIDTH:.1f}"][1 if r.detail else 0] += 1
    return dict(counts)


def _comments(facts: list[Fact], program: str) -> list[Fact]:
    return [f for f in facts if f.kind == "comment" and f.program == program]


def _mentions(facts: list[Fact], program: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for f in _comments(facts, program):
        for m in set(f.mentions):
            if m != f.actor:
                counts[f"{f.actor} {m}"] += 1
    return dict(counts)


def _discussion(facts: list[Fact], program: str) -> dict[str, dict[str, int]]:
    by: dict[str, list[Fact]] = defaultdict(list)
    for f in _comments(facts, program):
        by[str(f.target)].append(f)
    return {content: {"comments": sum(1 for f in fs if not f.reply), "replies": sum(1 for f in fs if f.reply),
                      "participants": len({f.actor for f in fs}), "mentions": sum(len(set(f.mentions)) for f in fs)}
            for content, fs in by.items()}


def _outcomes(members: _Members, measured: list[Addition]) -> dict[str, dict[str, Any]]:
    start = min(members.joined.values(), default=None)
    in_pairs = {k for pair in members.pairs for k in pair}
    sides: dict[str, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = defaultdict(lambda: ([], []))
    for r in measured:
        if r.person in members.joined:
            joined = members.joined[r.person]
            for group in ("mentored", joined.strftime("cohort %Y-%m")):
                sides[group][0 if r.ts < joined else 1].append((r.person, float(r.value or 0)))
        elif r.person not in in_pairs and start is not None:
            sides["comparison"][0 if r.ts < start else 1].append((r.person, float(r.value or 0)))
    found = {}
    for group, (before, after) in sides.items():
        mean = [sum(v for _, v in s) / len(s) if s else None for s in (before, after)]
        found[group] = {"people": len({p for p, _ in before + after}), "before_measurements": len(before),
                        "after_measurements": len(after), "before_mean": mean[0], "after_mean": mean[1],
                        "change": None if None in mean else mean[1] - mean[0]}  # type: ignore[operator]
    return found


def _issues(members: _Members, mine: list[Addition], general: list[Addition]) -> list[list[str]]:
    people = members.mentors | members.mentees
    found = [[r.statement_id, str(r.detail)] for r in mine if r.kind == "issue"]
    found += [[r.statement_id, str(r.detail)] for r in general if r.person in people]
    for (kind, _), r in _latest([r for r in mine if r.kind in ("ranked", "shortlisted")],
                                lambda r: (r.kind, r.person)).items():
        pool = members.mentors if kind == "ranked" else members.mentees
        if not all(o in pool for o in r.others):
            found.append([r.statement_id, "ranking-not-mentor" if kind == "ranked" else "shortlist-not-mentee"])
    return sorted(found)


