"""Gaps and reinforcement: what each person should be able to do, what they have shown,
and when a topic is due again (docs/profile/README.md, "Gaps and reinforcement").

A person's target for a competency is the higher of their role's and the
program's; the evidenced level is the latest assessment (none: 0, shown as null);
the gap is target − evidenced when positive. A competency is *due for
reinforcement* when the person's latest assessments reached the target
``streak`` times in a row and the last is at least
``reinforce_days × reinforce_growth ** (streak − 1)`` days old: each successful
reinforcement lengthens the interval (spaced repetition); an assessment below
target ends the streak (the topic is then a gap, not a reinforcement).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.mentoring import DAY_US
from projections.program_people import People, membership, read_people


@dataclass(frozen=True, slots=True)
class Gap:
    competency: str
    target: int
    evidenced: int | None
    claimed: int | None
    gap: int
    last_evidence_us: int | None


@dataclass(frozen=True, slots=True)
class PersonGaps:
    person: str
    role: str | None
    team: str | None
    gaps: tuple[Gap, ...]
    """Every targeted competency, the largest gap first (then by competency)."""

    @property
    def total(self) -> int:
        return sum(g.gap for g in self.gaps)


@dataclass(frozen=True, slots=True)
class GroupGap:
    """One competency across a group (the program's mentees, a role, a team)."""

    group: str
    """``program``, or a role IRI, or a team."""
    kind: str
    """``program``, ``role`` or ``team``."""
    competency: str
    people: int
    """People of the group with this target."""
    with_gap: int
    mean_target: float
    mean_evidenced: float
    mean_gap: float


@dataclass(frozen=True, slots=True)
class Due:
    person: str
    competency: str
    target: int
    last_evidence_us: int
    streak: int
    interval_days: float
    due_us: int
    overdue_days: int
    """Whole days from the due instant to ``at``."""


def gaps_of(people: People, person: str, program: str | None) -> PersonGaps:
    found = []
    for competency, target in people.targets_of(person, program).items():
        evidenced = people.evidenced(person, competency)
        claim = people.claimed.get((person, competency))
        last = people.assessed.get((person, competency))
        found.append(Gap(
            competency, target, evidenced,
            None if claim is None or claim.value is None else int(claim.value),
            max(0, target - (evidenced or 0)), None if last is None else last.ts_us,
        ))
    found.sort(key=lambda g: (-g.gap, g.competency))
    p = people.person(person)
    return PersonGaps(person, p.role, p.team, tuple(found))


def program_gaps(cur: Cursor, program: str, *, at_us: int, as_of: int | None) -> list[PersonGaps]:
    """The gaps of each mentee of the program, in agent key order."""
    people = read_people(cur, at_us=at_us, as_of=as_of)
    members = membership(cur, program, at_us=at_us, as_of=as_of)
    return [gaps_of(people, mentee, program) for mentee in sorted(members.mentees)]


def person_gaps(cur: Cursor, program: str, person: str, *, at_us: int, as_of: int | None) -> PersonGaps:
    return gaps_of(read_people(cur, at_us=at_us, as_of=as_of), person, program)


def group_gaps(found: list[PersonGaps], program: str) -> list[GroupGap]:
    """Each competency per group: the program's mentees as a whole, each role, each team;
    the largest mean gap first."""
    groups: dict[tuple[str, str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for person in found:
        for gap in person.gaps:
            values = (gap.target, gap.evidenced or 0, gap.gap)
            groups[("program", program, gap.competency)].append(values)
            if person.role is not None:
                groups[("role", person.role, gap.competency)].append(values)
            if person.team is not None:
                groups[("team", person.team, gap.competency)].append(values)
    out = [
        GroupGap(group, kind, competency, len(v), sum(1 for x in v if x[2] > 0),
                 sum(x[0] for x in v) / len(v), sum(x[1] for x in v) / len(v), sum(x[2] for x in v) / len(v))
        for (kind, group, competency), v in groups.items()
    ]
    order = {"program": 0, "role": 1, "team": 2}
    out.sort(key=lambda g: (order[g.kind], g.group, -g.mean_gap, g.competency))
    return out


def due_for_reinforcement(
    cur: Cursor, program: str, *, at_us: int, as_of: int | None, days: float, growth: float
) -> list[Due]:
    """Who of the program's mentees is due for what, the longest overdue first."""
    people = read_people(cur, at_us=at_us, as_of=as_of)
    members = membership(cur, program, at_us=at_us, as_of=as_of)
    found = []
    for person in sorted(members.mentees):
        for competency, target in sorted(people.targets_of(person, program).items()):
            history = people.assessments.get((person, competency), [])
            streak = 0
            for row in reversed(history):
                if row.value is None or row.value < target:
                    break
                streak += 1
            if streak == 0:
                continue
            interval = days * growth ** (streak - 1)
            last = history[-1].ts_us
            due = last + round(interval * DAY_US)
            if due <= at_us:
                found.append(Due(person, competency, target, last, streak, interval, due,
                                 (at_us - due) // DAY_US))
    found.sort(key=lambda d: (d.due_us, d.person, d.competency))
    return found
