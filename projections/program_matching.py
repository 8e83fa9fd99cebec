"""Matching suggestions: pairs proposed for a program's unpaired mentees, solved as an
assignment problem (docs/profile/README.md, "Matching").

Each mentor offers as many *slots* as their capacity leaves (capacity − mentees
already paired; 1 when no capacity was given); every (slot, unpaired mentee) has a
score, or is forbidden by a constraint: never a person's manager up to
``manager_levels`` levels (0: any), nor someone they manage; never against the
program's direction (conventional: the mentor more senior; reverse: the mentee
more senior, where both seniorities are known). SciPy's `linear_sum_assignment`
(the Jonker-Volgenant algorithm) then picks the assignment with the most allowed
pairs and, among those, the highest total score: an optimum, not a greedy pass,
and the same answer for the same log position (rows and columns are in key order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.program_people import Membership, People, membership, read_people
from projections.programs import Row, latest, rows
from projections.programs_profile import DIRECTIONS, Kind

PREFERENCE_POINTS = 2.0
"""Score of each preference point: a first choice is 3 points, a second 2, a third 1."""
MUTUAL_BONUS = 3.0
"""Added when the mentee ranked the mentor and the mentor shortlisted the mentee."""
DEFAULT_CAPACITY = 1
_FORBIDDEN = -1e9


@dataclass(frozen=True, slots=True)
class Ranking:
    """The latest ranking (or shortlist) statement of one person in a program."""

    statement_id: str
    person: str
    kind: Kind
    ranked: tuple[str, ...]
    ts_us: int

    def rank_of(self, key: str) -> int | None:
        return self.ranked.index(key) + 1 if key in self.ranked else None


@dataclass(frozen=True, slots=True)
class Covered:
    competency: str
    gap: int
    mentor_level: int
    covered: int
    """How much of the gap the mentor's level covers: min(gap, mentor level − mentee level)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    mentor: str
    mentee: str
    score: float
    covered: tuple[Covered, ...]
    mentee_rank: int | None
    """Where the mentee ranked this mentor (1: first choice)."""
    mentor_rank: int | None
    """Where the mentor shortlisted this mentee."""
    mutual: bool
    capacity: int
    load: int
    """Mentees the mentor already has (before this suggestion)."""
    slot: int
    """Which of the mentor's free places this is (1: the first)."""
    managers_checked: tuple[str, ...]
    """The mentee's managers (within the levels checked): none of them is the mentor."""
    direction: str
    mentor_seniority: int | None
    mentee_seniority: int | None


@dataclass(frozen=True)
class Matching:
    program: str
    direction: str
    suggestions: tuple[Suggestion, ...]
    unmatched: tuple[tuple[str, str], ...]
    """(mentee, why) for each unpaired mentee who gets no suggestion."""
    capacities: Mapping[str, int]
    """Every mentor's capacity (given or the default)."""


def rankings(cur: Cursor, program: str, members: Membership, *, at_us: int,
             as_of: int | None) -> tuple[dict[tuple[Kind, str], Ranking], list[tuple[Ranking, str]]]:
    """The latest ranking and shortlist of each person, and those ignored with their rule
    (``ranking-not-mentor``, ``shortlist-not-mentee``): a list naming someone who is not a
    mentor (a mentee) of the program counts for nothing."""
    found = rows(cur, (Kind.PREFERENCE, Kind.SHORTLIST), as_of=as_of, program=program, until_us=at_us + 1)
    heads = latest([r for r in found if r.other is None], lambda r: (r.kind, r.actor))
    by_statement: dict[str, list[Row]] = {}
    for r in found:
        if r.other is not None:
            by_statement.setdefault(r.statement_id, []).append(r)
    valid: dict[tuple[Kind, str], Ranking] = {}
    invalid: list[tuple[Ranking, str]] = []
    for (kind, person), head in sorted(heads.items()):
        ranked = tuple(str(r.other) for r in sorted(by_statement.get(head.statement_id, []),
                                                    key=lambda r: r.value or 0))
        ranking = Ranking(head.statement_id, person, kind, ranked, head.ts_us)
        allowed = members.mentors if kind is Kind.PREFERENCE else members.mentees
        if all(k in allowed for k in ranked):
            valid[(kind, person)] = ranking
        else:
            invalid.append((ranking, "ranking-not-mentor" if kind is Kind.PREFERENCE else "shortlist-not-mentee"))
    return valid, invalid


def direction_of(cur: Cursor, program: str, *, at_us: int, as_of: int | None) -> str:
    found = latest(rows(cur, (Kind.DIRECTION,), as_of=as_of, program=program, until_us=at_us + 1),
                   lambda r: r.program)
    row = found.get(program)
    return row.detail if row is not None and row.detail in DIRECTIONS else "conventional"


def capacities_of(cur: Cursor, program: str, mentors: frozenset[str], *, at_us: int,
                  as_of: int | None) -> dict[str, int]:
    found = latest(rows(cur, (Kind.CAPACITY,), as_of=as_of, program=program, until_us=at_us + 1),
                   lambda r: r.actor)
    return {m: int(found[m].value or DEFAULT_CAPACITY) if m in found else DEFAULT_CAPACITY
            for m in sorted(mentors)}


def coverage(people: People, mentor: str, mentee: str, program: str) -> tuple[float, list[Covered]]:
    """How well the mentor's strongest skills cover the mentee's gaps: the sum over the
    mentee's targets of covered × gap (larger gaps weigh more), and what is covered."""
    covered: list[Covered] = []
    total = 0.0
    for competency, target in sorted(people.targets_of(mentee, program).items()):
        level = people.evidenced(mentee, competency) or 0
        gap = max(0, target - level)
        if gap == 0:
            continue
        strength = people.strength(mentor, competency)
        part = min(gap, max(0, strength - level))
        if part > 0:
            covered.append(Covered(competency, gap, strength, part))
            total += part * gap
    covered.sort(key=lambda c: (-c.gap, -c.covered, c.competency))
    return total, covered


def forbidden(people: People, mentor: str, mentee: str, direction: str, levels: int) -> str | None:
    """The constraint a pair breaks, or None."""
    if mentor == mentee:
        return "same-person"
    if mentor in people.managers_of(mentee, levels):
        return "manager"
    if mentee in people.managers_of(mentor, levels):
        return "manages-mentor"
    senior_mentor, senior_mentee = people.person(mentor).seniority, people.person(mentee).seniority
    if senior_mentor is not None and senior_mentee is not None:
        if direction == "conventional" and not senior_mentor > senior_mentee:
            return "direction"
        if direction == "reverse" and not senior_mentor < senior_mentee:
            return "direction"
    return None


def suggest(cur: Cursor, program: str, *, at_us: int, as_of: int | None, manager_levels: int) -> Matching:
    """Suggested pairs for the program's unpaired mentees (see the module's docstring)."""
    import numpy as np  # loaded by matching only: heavy at start-up
    from scipy.optimize import linear_sum_assignment

    people = read_people(cur, at_us=at_us, as_of=as_of)
    members = membership(cur, program, at_us=at_us, as_of=as_of)
    valid, _ = rankings(cur, program, members, at_us=at_us, as_of=as_of)
    direction = direction_of(cur, program, at_us=at_us, as_of=as_of)
    capacities = capacities_of(cur, program, members.mentors, at_us=at_us, as_of=as_of)
    paired = members.paired_mentees()
    mentees = sorted(m for m in members.mentees if m not in paired)
    slots = [(mentor, n) for mentor in sorted(members.mentors)
             for n in range(1, capacities[mentor] - members.load(mentor) + 1)]
    why_not: dict[str, set[str]] = {m: set() for m in mentees}
    allowed: set[str] = set()
    if not slots or not mentees:
        reason = "no mentor has a free place" if not slots else ""
        return Matching(program, direction, (), tuple((m, reason) for m in mentees if reason), capacities)
    scores = np.full((len(slots), len(mentees)), _FORBIDDEN)
    details: dict[tuple[str, str], tuple[float, list[Covered], int | None, int | None, bool]] = {}
    for j, mentee in enumerate(mentees):
        preference = valid.get((Kind.PREFERENCE, mentee))
        for i, (mentor, _) in enumerate(slots):
            rule = forbidden(people, mentor, mentee, direction, manager_levels)
            if rule is not None:
                why_not[mentee].add(rule)
                continue
            allowed.add(mentee)
            if (mentor, mentee) not in details:
                shortlist = valid.get((Kind.SHORTLIST, mentor))
                mentee_rank = preference.rank_of(mentor) if preference else None
                mentor_rank = shortlist.rank_of(mentee) if shortlist else None
                points = sum(max(0, 4 - r) for r in (mentee_rank, mentor_rank) if r is not None)
                mutual = mentee_rank is not None and mentor_rank is not None
                covered_score, covered = coverage(people, mentor, mentee, program)
                score = covered_score + PREFERENCE_POINTS * points + (MUTUAL_BONUS if mutual else 0.0)
                details[(mentor, mentee)] = (score, covered, mentee_rank, mentor_rank, mutual)
            scores[i, j] = details[(mentor, mentee)][0]
    chosen_rows, chosen_columns = linear_sum_assignment(scores, maximize=True)
    suggestions = []
    matched = set()
    taken: dict[str, int] = {}
    chosen = [(slots[i][0], mentees[j]) for i, j in zip(chosen_rows.tolist(), chosen_columns.tolist(), strict=True)
              if scores[i, j] > _FORBIDDEN / 2]
    for mentor, mentee in sorted(chosen):
        slot = taken[mentor] = taken.get(mentor, 0) + 1
        score, covered, mentee_rank, mentor_rank, mutual = details[(mentor, mentee)]
        matched.add(mentee)
        suggestions.append(Suggestion(
            mentor, mentee, score, tuple(covered), mentee_rank, mentor_rank, mutual,
            capacities[mentor], members.load(mentor), slot,
            tuple(people.managers_of(mentee, manager_levels)), direction,
            people.person(mentor).seniority, people.person(mentee).seniority,
        ))
    suggestions.sort(key=lambda s: (s.mentee, s.mentor))
    unmatched = tuple(
        (m, "the free places went to other mentees" if m in allowed
         else "every mentor with a free place is excluded: " + ", ".join(sorted(why_not[m])))
        for m in mentees if m not in matched
    )
    return Matching(program, direction, tuple(suggestions), unmatched, capacities)
