"""Outcomes: customer-facing measures of mentored people before and after they joined a
program, beside a comparison group of people in none of its pairs, with the counts
behind every number (docs/profile/README.md, "Outcomes"). Descriptive figures only:
nothing here says that mentoring caused a difference."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.program_people import membership
from projections.programs import rows
from projections.programs_profile import Kind
from xapi.prepare import from_epoch_us


@dataclass(frozen=True, slots=True)
class Side:
    """Measurements on one side of the split: how many, of how many people, their mean."""

    measurements: int
    people: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    measure: str
    group: str
    """``mentored``, ``comparison``, or ``cohort YYYY-MM`` (mentored, by the month they joined)."""
    people: int
    """People of the group with a measurement of this measure."""
    before: Side
    after: Side
    change: float | None
    """after.mean − before.mean (null when a side has none)."""


@dataclass(frozen=True, slots=True)
class Measurement:
    measure: str
    value: float
    ts_us: int
    period: str | None
    reporter: str | None


def _side(values: list[tuple[str, float]]) -> Side:
    return Side(len(values), len({p for p, _ in values}),
                sum(v for _, v in values) / len(values) if values else None)


def program_outcomes(
    cur: Cursor, program: str, *, at_us: int, as_of: int | None
) -> tuple[int | None, list[GroupOutcome]]:
    """The program's start (its first pair fact; the comparison group's split) and, per
    measure: the mentored (mentees of its pairs, split at the first pair fact of each), per
    cohort of them, and the comparison group (people measured who are in none of its pairs,
    split at the program's start)."""
    members = membership(cur, program, at_us=at_us, as_of=as_of)
    start = min(members.joined_us.values(), default=None)
    in_pairs = members.in_pairs()
    measured = rows(cur, (Kind.OUTCOME,), as_of=as_of, until_us=at_us + 1)
    groups: dict[tuple[str, str], tuple[list[tuple[str, float]], list[tuple[str, float]]]] = defaultdict(
        lambda: ([], []))
    for r in measured:
        if r.object is None or r.value is None:
            continue
        if r.actor in members.joined_us:
            joined = members.joined_us[r.actor]
            side = 0 if r.ts_us < joined else 1
            groups[(r.object, "mentored")][side].append((r.actor, r.value))
            cohort = from_epoch_us(joined).strftime("cohort %Y-%m")
            groups[(r.object, cohort)][side].append((r.actor, r.value))
        elif r.actor not in in_pairs and start is not None:
            groups[(r.object, "comparison")][0 if r.ts_us < start else 1].append((r.actor, r.value))
    order = {"mentored": 0, "comparison": 2}
    found = []
    ordered = sorted(groups.items(), key=lambda g: (g[0][0], order.get(g[0][1], 1), g[0][1]))
    for (measure, group), (before, after) in ordered:
        b, a = _side(before), _side(after)
        found.append(GroupOutcome(measure, group, len({p for p, _ in before + after}), b, a,
                                  None if a.mean is None or b.mean is None else a.mean - b.mean))
    return start, found


def person_outcomes(cur: Cursor, person: str, *, at_us: int, as_of: int | None) -> list[Measurement]:
    """A person's measurements, oldest first."""
    return [Measurement(str(r.object), float(r.value), r.ts_us, r.detail, r.other)
            for r in rows(cur, (Kind.OUTCOME,), as_of=as_of, until_us=at_us + 1) if r.actor == person
            and r.value is not None and r.object is not None]


