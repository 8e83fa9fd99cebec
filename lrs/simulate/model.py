"""What a simulation is made of: its configuration, people, programs, the facts
it meant and the statements that express them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from lrs.simulate.times import DAY, WEEK


class SimulationError(Exception):
    """The LRS refused a batch, or the simulation cannot be built as asked."""


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SimulationConfig:
    """What to generate; `at` and the range follow from `end` and `weeks`."""

    end: date
    programs: int = 3
    mentors: int = 40
    mentees: int = 120
    weeks: int = 12
    seed: int = 42
    profile_base: str = "https://mentoring.example.org/xapi"
    inactive_days: int = 30
    at_risk_days: int = 14
    active_days: int = 14
    reinforce_days: float = 30.0
    reinforce_growth: float = 2.0
    matching_manager_levels: int = 1

    @property
    def at(self) -> datetime:
        """The reference instant: the end of the `end` day (00:00 UTC the day after)."""
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + DAY

    @property
    def since(self) -> datetime:
        """Start of the history: `weeks` whole weeks before `at`."""
        return self.at - self.weeks * WEEK

    def check(self) -> None:
        if self.programs < 1 or self.weeks < 1:
            raise SimulationError("--programs and --weeks must be at least 1")
        if self.mentors < self.programs or self.mentees < self.programs:
            raise SimulationError("every program needs at least one mentor and one mentee")


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Person:
    key: str
    """The Agent's IFI as one string (`mbox:mailto:…` or `account:homePage|name`)."""
    name: str
    title: str
    agent: dict[str, Any] = field(repr=False, compare=False)
    """The Agent as statements carry it (objectType, name, IFI)."""

    def ifi(self) -> dict[str, Any]:
        """The Agent with its IFI only (how to name it in a query)."""
        return {k: v for k, v in self.agent.items() if k in ("mbox", "account", "objectType")}


@dataclass(frozen=True)
class Program:
    slug: str
    name: str
    kind: str
    activity: dict[str, Any] = field(repr=False, compare=False)

    @property
    def id(self) -> str:
        return str(self.activity["id"])


@dataclass
class Fact:
    """One profile statement as the simulator meant it: what the views must count.

    `other` is the counterpart: the mentee of a pairing, the mentor (instructor)
    of a session, the recipient of feedback. A voided fact counts for nothing.
    """

    kind: str
    program: str
    actor: str
    ts: datetime
    other: str | None = None
    role: str | None = None
    seconds: float = 0.0
    target: str | None = None
    verb: str | None = None
    target_date: date | None = None
    rating: int | None = None
    reply: bool = False
    mentions: tuple[str, ...] = ()
    """The Agents a comment mentions (the programs view counts them)."""
    voided: bool = False
    statement_id: str = ""


@dataclass
class Simulation:
    config: SimulationConfig
    programs: list[Program]
    people: dict[str, Person]
    facts: list[Fact]
    statements: list[dict[str, Any]]
    """Every statement, in posting order (roughly chronological; a voiding statement after its target)."""
    voided_by: dict[str, str]
    """Voided statement id -> id of the statement that voids it."""
    additions: list[Any] = field(default_factory=list)
    """The program additions as meant (`lrs.simulate.additions.Addition`, issue 22)."""

    @property
    def voided_ids(self) -> set[str]:
        return set(self.voided_by)

    def truth(self, posted: int | None = None) -> dict[str, Any]:
        """The ground truth of this history (see `lrs.simulate.truth`)."""
        from lrs.simulate.truth import (
            ground_truth,  # truth reads the model: imported when used
        )

        return ground_truth(self, posted)

    def additions_truth(self, posted: int | None = None) -> dict[str, Any]:
        """The ground truth of the program additions (see `lrs.simulate.additions_truth`)."""
        from lrs.simulate.additions_truth import additions_truth

        return additions_truth(self, posted)
