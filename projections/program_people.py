"""People as the programs view knows them: role, seniority, team, manager, skills, and
the targets of programs and roles; and a program's membership from the mentoring view.

Everything is read "as at" an instant (facts timestamped after it have not
happened) and as of a log position; where several statements say the same thing
(a role, a manager, a level, a target) the latest, by timestamp then log
position, wins (docs/profile/README.md, "Program additions: precisely").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lrs.store.database import Cursor
from projections.mentoring import Window, read_program
from projections.mentoring_profile import Kind as MentoringKind
from projections.programs import Row, latest, rows
from projections.programs_profile import Kind


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    role: str | None = None
    seniority: int | None = None
    team: str | None = None
    manager: str | None = None


@dataclass
class People:
    """What the programs view says about people, at one instant and position."""

    persons: dict[str, Person] = field(default_factory=dict)
    claimed: dict[tuple[str, str], Row] = field(default_factory=dict)
    """(person, competency) → the latest claim."""
    assessed: dict[tuple[str, str], Row] = field(default_factory=dict)
    """(person, competency) → the latest assessment."""
    assessments: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    """(person, competency) → every assessment, oldest first."""
    targets: dict[str, dict[str, int]] = field(default_factory=dict)
    """holder (program or role) → competency → target level (the latest statement's)."""

    def person(self, key: str) -> Person:
        return self.persons.get(key) or Person(key)

    def evidenced(self, key: str, competency: str) -> int | None:
        """The latest assessed level (a claim alone is no evidence)."""
        row = self.assessed.get((key, competency))
        return None if row is None or row.value is None else int(row.value)

    def strength(self, key: str, competency: str) -> int:
        """What a person can offer: the latest assessed level, else the latest claim, else 0."""
        for found in (self.assessed, self.claimed):
            row = found.get((key, competency))
            if row is not None and row.value is not None:
                return int(row.value)
        return 0

    def targets_of(self, key: str, program: str | None) -> dict[str, int]:
        """A person's targets: their role's, and the program's (the higher level of the two)."""
        found: dict[str, int] = {}
        holders = [h for h in (self.person(key).role, program) if h is not None]
        for holder in holders:
            for competency, level in self.targets.get(holder, {}).items():
                found[competency] = max(found.get(competency, level), level)
        return found

    def managers_of(self, key: str, levels: int) -> list[str]:
        """The person's managers, direct first, up to ``levels`` (0: every level)."""
        chain: list[str] = []
        current = self.person(key).manager
        while current is not None and current not in chain and current != key:
            chain.append(current)
            if levels and len(chain) >= levels:
                break
            current = self.person(current).manager
        return chain


def read_people(cur: Cursor, *, at_us: int, as_of: int | None) -> People:
    """Roles, managers, skills and targets: the latest of each, as at ``at_us``."""
    until = at_us + 1
    people = People()
    org = rows(cur, (Kind.ROLE, Kind.REPORTS_TO), as_of=as_of, until_us=until)
    roles = latest([r for r in org if r.kind is Kind.ROLE], lambda r: r.actor)
    managers = latest([r for r in org if r.kind is Kind.REPORTS_TO], lambda r: r.actor)
    for key in sorted(set(roles) | set(managers)):
        role, manager = roles.get(key), managers.get(key)
        people.persons[key] = Person(
            key,
            role=None if role is None else role.object,
            seniority=None if role is None or role.value is None else int(role.value),
            team=None if role is None else role.detail,
            manager=None if manager is None else manager.other,
        )
    skills = rows(cur, (Kind.SKILL_CLAIMED, Kind.SKILL_ASSESSED), as_of=as_of, until_us=until)
    for row in skills:
        key = (row.actor, str(row.object))
        if row.kind is Kind.SKILL_CLAIMED:
            people.claimed[key] = row
        else:
            people.assessed[key] = row
            people.assessments.setdefault(key, []).append(row)
    for (holder, competency), row in latest(
            rows(cur, (Kind.TARGET,), as_of=as_of, until_us=until),
            lambda r: (r.detail, r.object)).items():
        if row.value is not None:
            people.targets.setdefault(str(holder), {})[str(competency)] = int(row.value)
    return people


@dataclass(frozen=True)
class Membership:
    """A program's mentors, mentees and pairs (from the mentoring view), as at an instant."""

    mentors: frozenset[str]
    mentees: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    joined_us: dict[str, int]
    """mentee → the timestamp of their first pair fact (pairing, or session with a mentor)."""

    def paired_mentees(self) -> set[str]:
        return {mentee for _, mentee in self.pairs}

    def in_pairs(self) -> set[str]:
        return {k for pair in self.pairs for k in pair}

    def load(self, mentor: str) -> int:
        return sum(1 for m, _ in self.pairs if m == mentor)


def membership(cur: Cursor, program: str, *, at_us: int, as_of: int | None) -> Membership:
    """Who is in the program, and since when each mentee is in a pair."""
    facts = read_program(cur, Window(program, as_of=as_of).at(at_us), videos=False, goals=False)
    joined: dict[str, int] = {}
    for g in facts.of_kind(MentoringKind.PAIRING):
        if g.other is not None:
            joined[g.other] = min(joined.get(g.other, g.first_us), g.first_us)
    for g in facts.of_kind(MentoringKind.SESSION):
        if g.other is not None:
            joined[g.actor] = min(joined.get(g.actor, g.first_us), g.first_us)
    return Membership(frozenset(facts.mentors), frozenset(facts.mentees), frozenset(facts.pairs), joined)


def keys_of(people: Iterable[str | None]) -> set[str]:
    return {k for k in people if k is not None}
