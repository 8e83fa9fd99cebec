"""A realistic mentoring programme history, in profile form, and its ground truth.

`lrs simulate` generates what LMSs and apps would send over some weeks
(enrolments, pairings, weekly sessions, videos, comments with replies and
@mentions, goals, feedback, out-of-profile statements and a few mistakes
that are then voided), posts it through the public xAPI API in batches, and
writes the figures the views must show for it (docs/profile/README.md).

The ground truth is computed from the simulator's own record of what it
generated (one `Fact` per effective profile statement), never by reading the
statements back and never with the projection code, so the views can be
checked against it. Everything is a function of the seed and the end date.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

# Registered vocabulary (ADL, xAPI Video Profile).
ADL_VERB = "http://adlnet.gov/expapi/verbs/"
REGISTERED = ADL_VERB + "registered"
ATTENDED = ADL_VERB + "attended"
INITIALIZED = ADL_VERB + "initialized"
TERMINATED = ADL_VERB + "terminated"
COMPLETED = ADL_VERB + "completed"
COMMENTED = ADL_VERB + "commented"
EXPERIENCED = ADL_VERB + "experienced"
VOIDED = ADL_VERB + "voided"
PLAYED = "https://w3id.org/xapi/video/verbs/played"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
COURSE = "http://adlnet.gov/expapi/activities/course"
LINK = "http://adlnet.gov/expapi/activities/link"
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
VIDEO_SESSION = "https://w3id.org/xapi/video/extensions/session-id"
PROFILE_TYPE = "http://adlnet.gov/expapi/activities/profile"

ORG = "https://academy.example.com"
"""Where the simulated organisation's Activities live (not vocabulary)."""
SSO = "https://sso.example.com"
JOB_TITLE = f"{ORG}/xapi/extensions/job-title"
"""An extension outside the profile (the views ignore it), as an HR system would add."""
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


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

    @property
    def voided_ids(self) -> set[str]:
        return set(self.voided_by)

    def truth(self, posted: int | None = None) -> dict[str, Any]:
        return ground_truth(self, posted)


# ---------------------------------------------------------------- names

_FIRST = (
    "Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Frances",
    "Ken", "Radia", "Edsger", "Hedy", "John", "Sophie", "Donald", "Shafi", "Leslie", "Anita",
    "Guido", "Karen", "Bjarne", "Lynn", "Niklaus", "Mary", "Vint", "Jean", "Whitfield", "Annie",
    "Yukihiro", "Fei-Fei", "Ivan", "Carol", "Rasmus", "Adele", "James", "Ruth", "Brian", "Evelyn",
)
_LAST = (
    "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov",
    "Ritchie", "Allen", "Thompson", "Perlman", "Dijkstra", "Lamarr", "McCarthy", "Wilson", "Knuth",
    "Goldwasser", "Lamport", "Borg", "van Rossum", "Spärck Jones", "Stroustrup", "Conway", "Wirth",
    "Keller", "Cerf", "Sammet", "Diffie", "Easley", "Matsumoto", "Li", "Sutherland", "Shaw",
    "Lerdorf", "Goldberg", "Gosling", "Teitelman", "Kernighan", "Granville",
)
_SENIOR = (
    "Chief Operating Officer", "Chief Financial Officer", "VP Sales", "VP Engineering",
    "Head of Legal", "Director of Operations", "Managing Director", "Head of HR",
)
_EXPERIENCED = (
    "Principal Engineer", "Senior Product Manager", "Engineering Manager", "Senior Designer",
    "Lead Data Scientist", "Senior Consultant", "Team Lead", "Staff Engineer",
)
_JUNIOR = (
    "Graduate Engineer", "Junior Analyst", "Apprentice Developer", "Associate Designer",
    "Data Analyst", "Marketing Associate", "Support Specialist", "Trainee Consultant",
)
_PROGRAM_KINDS = (
    ("leadership", "Leadership mentoring", "Experienced leaders mentor new team leads."),
    ("reverse", "Reverse mentoring: digital fluency",
     "Junior staff mentor senior leaders on digital tools and ways of working."),
    ("onboarding", "New-hire mentoring", "Every new hire is paired with an experienced colleague."),
    ("women-in-tech", "Women in tech mentoring", "Career mentoring across the engineering organisation."),
)
_VIDEOS = (
    ("giving-feedback", "Giving feedback that lands", 420.0),
    ("active-listening", "Active listening", 300.0),
    ("setting-goals", "Setting goals you can meet", 540.0),
    ("difficult-conversations", "Difficult conversations", 660.0),
    ("remote-collaboration", "Collaborating in remote teams", 360.0),
    ("ai-at-work", "AI tools at work", 480.0),
    ("career-paths", "Career paths and sponsorship", 390.0),
    ("time-management", "Managing your time", 330.0),
)
_GOALS = (
    ("lead-a-meeting", "Lead a cross-team meeting"),
    ("present-to-leadership", "Present a proposal to leadership"),
    ("ship-a-feature", "Ship a feature end to end"),
    ("learn-analytics", "Build a dashboard with the analytics tool"),
    ("delegate", "Delegate a recurring task"),
    ("public-speaking", "Speak at an internal conference"),
    ("use-collaboration-tools", "Run a project in the collaboration suite"),
)
_COMMENTS = (
    "Great session today, thanks for the practical tips.",
    "I tried the technique we discussed and it worked well.",
    "Sharing the article I mentioned: worth a read before next week.",
    "Could we spend next session on preparing the quarterly review?",
    "The part about asking open questions was really useful.",
    "I struggled with this one; can we go over it again?",
    "Notes from our meeting are in the shared folder.",
    "This video changed how I run one-to-ones.",
)
_REPLIES = (
    "Thanks, glad it helped!",
    "Yes, let's do that next time.",
    "Agreed. I'll bring an example.",
    "Good point, I had not thought of it that way.",
    "I'll share my notes too.",
)
_FEEDBACK = {
    1: ("The session was cancelled at the last minute.",),
    2: ("We ran out of time and did not cover the agenda.", "Felt a bit rushed."),
    3: ("Useful, but I would like more concrete examples.", "OK session, we went off topic."),
    4: ("Very helpful, clear next steps.", "Good preparation and honest advice."),
    5: ("Excellent, exactly what I needed.", "Inspiring and practical, thank you!"),
}


# ---------------------------------------------------------------- generation


class _Builder:
    """Generates a history: people, programs, facts, and the statements that express them."""

    def __init__(self, config: SimulationConfig) -> None:
        config.check()
        self.config = config
        self.rng = random.Random(f"{config.seed}/{config.end.isoformat()}")
        self.base = config.profile_base.rstrip("/")
        self.people: dict[str, Person] = {}
        self.programs: list[Program] = []
        self.facts: list[Fact] = []
        self.entries: list[tuple[datetime, int, dict[str, Any], str | None]] = []
        """(timestamp, sequence, statement, voided target id)."""
        self.voided_by: dict[str, str] = {}
        self._names = self._name_pool()
        self._employee = 1000
        self._comments: dict[str, list[tuple[datetime, dict[str, Any], Fact]]] = defaultdict(list)
        self._admin = self._person("Programme Office", "Mentoring coordinator", account=False,
                                   email="mentoring-office@example.com")

    # -- helpers
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _name_pool(self) -> list[str]:
        pool = [f"{first} {last}" for first in _FIRST for last in _LAST]
        self.rng.shuffle(pool)
        return pool

    def _person(self, name: str, title: str, account: bool, email: str | None = None) -> Person:
        if account:
            self._employee += self.rng.randint(1, 97)
            ident: dict[str, Any] = {"account": {"homePage": SSO, "name": f"emp-{self._employee}"}}
            key = f"account:{SSO}|emp-{self._employee}"
        else:
            local = email or (name.lower().replace(". ", ".").replace(" ", ".").replace("ä", "a")
                              + "@example.com")
            ident = {"mbox": f"mailto:{local}"}
            key = f"mbox:mailto:{local}"
        person = Person(key, name, title, {"objectType": "Agent", "name": name, **ident})
        self.people[key] = person
        return person

    def new_person(self, title: str) -> Person:
        """Someone new; past the pool of names, middle initials keep names (and mailboxes) unique."""
        count = len(self.people)
        first, last = self._names[count % len(self._names)].split(" ", 1)
        lap = count // len(self._names)
        name = f"{first} {chr(64 + lap)}. {last}" if lap else f"{first} {last}"
        return self._person(name, title, account=self.rng.random() < 0.2)

    def verb(self, iri: str, display: str) -> dict[str, Any]:
        return {"id": iri, "display": {"en-US": display}}

    def activity(self, iri: str, type_: str, name: str, description: str) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": iri,
            "definition": {"name": {"en-US": name}, "description": {"en-US": description}, "type": type_},
        }

    def context(self, program: Program | None, registration: str | None, **more: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = {"platform": "Mentoring app", "language": "en-US"}
        if registration:
            ctx["registration"] = registration
        if program is not None:
            ctx["contextActivities"] = {"grouping": [program.activity]}
        ctx.update(more)
        return ctx

    def emit(self, ts: datetime, statement: dict[str, Any], fact: Fact | None = None,
             voids: str | None = None) -> dict[str, Any]:
        statement = {"id": self.uuid(), **statement, "timestamp": _timestamp(ts)}
        self.entries.append((ts, len(self.entries), statement, voids))
        if fact is not None:
            fact.statement_id = statement["id"]
            self.facts.append(fact)
        return statement

    def void(self, statement: dict[str, Any], fact: Fact | None, ts: datetime, actor: Person) -> None:
        """A voiding statement for a mistake, after it (Data 2.3.2)."""
        if fact is not None:
            fact.voided = True
        target = datetime.fromisoformat(statement["timestamp"])
        if ts >= self.config.at:  # noticed at the last minute: still before `at`
            ts = target + (self.config.at - target) / 2
        voiding = self.emit(ts, {
            "actor": actor.agent,
            "verb": self.verb(VOIDED, "voided"),
            "object": {"objectType": "StatementRef", "id": statement["id"]},
        }, voids=statement["id"])
        self.voided_by[statement["id"]] = voiding["id"]

    def at_or_none(self, ts: datetime, limit: datetime | None = None) -> datetime | None:
        """`ts` if it is before `at` (and before `limit`), else None: nothing is in the future."""
        end = self.config.at if limit is None else min(limit, self.config.at)
        return ts if ts < end else None

    def moment(self, day_start: datetime, hour_low: int = 8, hour_high: int = 18) -> datetime:
        seconds = self.rng.randint(hour_low * 3600, hour_high * 3600 - 1)
        return day_start + timedelta(seconds=seconds, milliseconds=self.rng.randint(0, 999))

    # -- the history
    def build(self) -> Simulation:
        cfg = self.config
        mentor_counts = _split(cfg.mentors, cfg.programs)
        mentee_counts = _split(cfg.mentees, cfg.programs)
        library = [self.activity(f"{ORG}/videos/{slug}", VIDEO, title,
                                 f"A short video on {title.lower()}.") | {"_length": length}
                   for slug, title, length in _VIDEOS]
        rosters: list[tuple[Program, list[Person], list[Person]]] = []
        for index in range(cfg.programs):
            slug_kind, title, description = _PROGRAM_KINDS[index % len(_PROGRAM_KINDS)]
            cohort = index // len(_PROGRAM_KINDS) + 1
            slug = f"{slug_kind}-{cfg.end.year}" + (f"-{cohort}" if cohort > 1 else "")
            name = f"{title} {cfg.end.year}" + (f" (cohort {cohort})" if cohort > 1 else "")
            program = Program(slug, name, slug_kind, self.activity(
                f"{ORG}/programs/{slug}", f"{self.base}/activity-types/program", name, description))
            self.programs.append(program)
            reverse = slug_kind == "reverse"
            mentors = [self.new_person(self.rng.choice(_JUNIOR if reverse else _EXPERIENCED))
                       for _ in range(mentor_counts[index])]
            mentees = [self.new_person(self.rng.choice(_SENIOR if reverse else _JUNIOR))
                       for _ in range(mentee_counts[index])]
            rosters.append((program, mentors, mentees))
        # One experienced mentor also mentors in the next program: a person in two programs.
        for index in range(1, len(rosters)):
            rosters[index][1].append(rosters[index - 1][1][0])
        for (program, mentors, mentees) in rosters:
            videos = self.rng.sample(library, k=min(len(library), 5))
            self.program_history(program, mentors, mentees, videos)
        self.noise()
        return Simulation(cfg, self.programs, self.people, self.facts, self._posting_order(),
                          dict(self.voided_by))

    def program_history(self, program: Program, mentors: list[Person], mentees: list[Person],
                        videos: list[dict[str, Any]]) -> None:
        cfg, rng = self.config, self.rng
        start = cfg.since
        enrolled: dict[str, datetime] = {}
        # Enrolment in the first days; one mentee is first enrolled with the wrong role.
        for position, person in enumerate(mentors + mentees):
            role = "mentor" if position < len(mentors) else "mentee"
            ts = self.moment(start + rng.randint(0, 2) * DAY)
            if role == "mentee" and person is mentees[0]:
                wrong = self.enrol(program, person, "mentor", ts)
                self.void(wrong[0], wrong[1], ts + timedelta(minutes=rng.randint(5, 90)), self._admin)
                ts += timedelta(hours=2)
            self.enrol(program, person, role, ts)
            enrolled[person.key] = ts
        # Pairings: everyone gets one mentee first, then some mentors take several.
        waiting = 1 if len(mentees) >= 8 else 0
        to_pair = mentees[: len(mentees) - waiting]
        order = mentors[:]
        rng.shuffle(order)
        pairs: list[tuple[Person, Person]] = []
        for position, mentee in enumerate(to_pair):
            busy = order[: max(1, len(order) // 2 + 1)]  # the keenest half take more mentees
            mentor = order[position] if position < len(order) else rng.choice(busy)
            pairs.append((mentor, mentee))
        patterns = self.patterns(len(pairs))
        first_session: list[tuple[datetime, str]] = []
        for number, ((mentor, mentee), pattern) in enumerate(zip(pairs, patterns, strict=True), start=1):
            registration = self.uuid()
            paired = self.moment(max(enrolled[mentor.key], enrolled[mentee.key]).replace(
                hour=0, minute=0, second=0, microsecond=0) + rng.randint(1, 4) * DAY)
            if number == 1 and len(mentors) > 1:  # paired with the wrong mentor first, then voided
                other = next(m for m in mentors if m is not mentor)
                wrong = self.pair(program, other, mentee, paired, self.uuid())
                self.void(wrong[0], wrong[1], paired + timedelta(minutes=rng.randint(10, 120)), self._admin)
                paired += timedelta(hours=3)
            self.pair(program, mentor, mentee, paired, registration)
            first_session.append((self.pair_history(program, number, mentor, mentee, paired, pattern,
                                                    registration, videos), pattern))
        # Unpaired mentees (waiting for a mentor) and mentors still browse the videos.
        for person in mentees[len(to_pair):] + mentors:
            self.videos(program, person, videos, enrolled[person.key], None, rate=0.15, registration=None)
        # A session with a substitute mentor: a pair no pairing statement names.
        steady = [i for i, (_, pattern) in enumerate(first_session) if pattern == "steady"]
        if len(mentors) > 1 and steady:
            mentor, mentee = pairs[steady[0]]
            cover = next(m for m in mentors if m is not mentor)
            day = cfg.since + rng.randint(14, max(14, cfg.weeks * 7 - 2)) * DAY
            ts = self.at_or_none(self.moment(day))
            if ts is not None and ts > first_session[steady[0]][0]:
                self.session(program, 0, cover, mentee, ts, self.uuid(), number=1)
        self.comment_threads(program)

    def patterns(self, count: int) -> list[str]:
        """Steady pairs, pairs that stopped meeting, mentees who dropped out altogether."""
        dropped = (1 if count >= 3 else 0) + count // 10
        faded = (1 if count >= 3 else 0) + count // 8
        patterns = ["dropped"] * dropped + ["faded"] * faded
        patterns += ["steady"] * (count - len(patterns))
        self.rng.shuffle(patterns)
        return patterns

    def pair_history(self, program: Program, number: int, mentor: Person, mentee: Person,
                     paired: datetime, pattern: str, registration: str,
                     videos: list[dict[str, Any]]) -> datetime:
        """Sessions, feedback, goals, videos and comments of one pair; the first session's time."""
        cfg, rng = self.config, self.rng
        total_days = cfg.weeks * 7
        stop: datetime | None = None  # after it the mentee does nothing at all
        sessions_until = cfg.at
        if pattern == "dropped":
            last = max(8, total_days - cfg.inactive_days - 2)
            stop = cfg.since + rng.uniform(7, max(8, min(last, total_days / 2))) * DAY
            sessions_until = stop
        elif pattern == "faded":
            last = max(15, total_days - cfg.at_risk_days - 3)
            sessions_until = cfg.since + rng.uniform(14, last) * DAY
        weekday = rng.randint(0, 4)
        hour = rng.randint(8, 16)
        first = cfg.at
        held: list[tuple[datetime, dict[str, Any]]] = []
        week = paired - cfg.since
        for w in range(int(week / WEEK) + 1, cfg.weeks + 1):
            if rng.random() > 0.85:
                continue  # a week without a session
            week_start = _monday(cfg.since + w * WEEK)
            ts = week_start + timedelta(days=weekday, hours=hour, minutes=rng.randint(-30, 90),
                                        seconds=rng.randint(0, 59), milliseconds=rng.randint(0, 999))
            if ts <= paired or self.at_or_none(ts, sessions_until) is None:
                continue
            _, _, activity = self.session(program, number, mentor, mentee, ts, registration,
                                          number=len(held) + 1)
            held.append((ts, activity))
            first = min(first, ts)
            if len(held) == 2 and number % 3 == 1:  # the app posted the session twice, wrongly
                wrong = self.session(program, number, mentor, mentee, ts + timedelta(seconds=5),
                                     registration, number=len(held), seconds=9 * 3600.0)
                self.void(wrong[0], wrong[1], ts + timedelta(hours=rng.randint(2, 30)), mentor)
            self.session_feedback(program, mentor, mentee, ts, activity, registration, pattern, stop,
                                  mistake=number == 1 and len(held) == 1)
        self.goals(program, mentor, mentee, paired, registration, stop, mistake=number == 1)
        self.videos(program, mentee, videos, paired, stop, rate=0.45, registration=registration)
        for ts, activity in held:
            for author, reader in ((mentee, mentor), (mentor, mentee)):
                when = self.at_or_none(ts + timedelta(hours=rng.uniform(1, 40)), stop)
                if when is not None and rng.random() < 0.2:
                    self.comment(program, author, when, activity, registration, mention=reader)
        return first

    # -- one kind of statement each
    def enrol(self, program: Program, person: Person, role: str, ts: datetime) -> tuple[dict[str, Any], Fact]:
        fact = Fact("enrolled", program.id, person.key, ts, role=role)
        return self.emit(ts, {
            "actor": person.agent,
            "verb": self.verb(REGISTERED, "registered"),
            "object": program.activity,
            "context": self.context(program, self.uuid(), extensions={
                f"{self.base}/extensions/role": role,
                JOB_TITLE: person.title,  # from the HR system: in reverse mentoring, mentees are senior
            }),
        }, fact), fact

    def pair(self, program: Program, mentor: Person, mentee: Person, ts: datetime,
             registration: str) -> tuple[dict[str, Any], Fact]:
        fact = Fact("paired", program.id, mentor.key, ts, other=mentee.key)
        return self.emit(ts, {
            "actor": mentor.agent,
            "verb": self.verb(f"{self.base}/verbs/paired-with", "paired with"),
            "object": mentee.agent,
            "context": {k: v for k, v in self.context(program, registration).items()
                        if k != "platform"},  # platform: only about an Activity (Data 2.4.6)
        }, fact), fact

    def session(self, program: Program, pair_number: int, mentor: Person, mentee: Person, ts: datetime,
                registration: str, number: int,
                seconds: float | None = None) -> tuple[dict[str, Any], Fact, dict[str, Any]]:
        if seconds is None:
            minutes = max(15, min(120, round(self.rng.gauss(50, 15))))
            seconds = float(minutes * 60 + self.rng.choice((0, 0, 30)))
        activity = self.activity(
            f"{program.id}/pairs/{pair_number}/sessions/{number}", MEETING,
            f"Mentoring session {number}: {mentor.name.split()[0]} and {mentee.name.split()[0]}",
            f"{program.name}: {mentor.name} mentoring {mentee.name}.")
        fact = Fact("session", program.id, mentee.key, ts, other=mentor.key, seconds=seconds)
        statement = self.emit(ts, {
            "actor": mentee.agent,
            "verb": self.verb(ATTENDED, "attended"),
            "object": activity,
            "result": {"duration": _duration(seconds), "completion": True},
            "context": self.context(program, registration, instructor=mentor.agent),
        }, fact)
        return statement, fact, activity

    def session_feedback(self, program: Program, mentor: Person, mentee: Person, held: datetime,
                         activity: dict[str, Any], registration: str, pattern: str,
                         stop: datetime | None, mistake: bool) -> None:
        rng = self.rng
        if mistake or rng.random() < 0.35:
            ts = self.at_or_none(held + timedelta(hours=rng.uniform(1, 30)), stop)
            if ts is not None:
                weights = (1, 3, 10, 30, 30) if pattern == "steady" else (4, 8, 20, 15, 6)
                rating = 1 if mistake else rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
                given = self.feedback(program, mentee, mentor, ts, activity, registration, rating)
                if mistake or rating <= 2 and rng.random() < 0.5:  # the wrong star: voided, given again
                    self.void(given[0], given[1], ts + timedelta(minutes=rng.randint(1, 20)), mentee)
                    self.feedback(program, mentee, mentor, ts + timedelta(minutes=25), activity,
                                  registration, rating + 2)
        if rng.random() < 0.2:
            ts = self.at_or_none(held + timedelta(hours=rng.uniform(2, 48)))
            if ts is not None:
                self.feedback(program, mentor, mentee, ts, activity, registration,
                              rng.choices((2, 3, 4, 5), weights=(2, 8, 25, 20))[0])

    def feedback(self, program: Program, giver: Person, recipient: Person, ts: datetime,
                 about: dict[str, Any], registration: str | None, rating: int) -> tuple[dict[str, Any], Fact]:
        fact = Fact("feedback", program.id, giver.key, ts, other=recipient.key, rating=rating,
                    target=about["id"])
        return self.emit(ts, {
            "actor": giver.agent,
            "verb": self.verb(f"{self.base}/verbs/gave-feedback", "gave feedback"),
            "object": about,
            "result": {"score": {"raw": rating, "min": 1, "max": 5},
                       "response": self.rng.choice(_FEEDBACK[rating])},
            "context": self.context(program, registration,
                                    extensions={f"{self.base}/extensions/recipient": recipient.agent}),
        }, fact), fact

    def goals(self, program: Program, mentor: Person, mentee: Person, paired: datetime,
              registration: str, stop: datetime | None, mistake: bool) -> None:
        """Goals set as the programme goes; most met (some late), some open; one ticked by mistake.
        A mentee who drops out sets one goal at once, with a near target: it ends up overdue."""
        rng = self.rng
        for n, (slug, title) in enumerate(rng.sample(_GOALS, k=rng.randint(1, 3))):
            horizon = max(2.0, (self.config.at - paired) / DAY * 0.6)
            if stop is not None and n == 0:
                set_at, target_days = paired + rng.uniform(0.5, 2) * DAY, rng.randint(14, 28)
            else:
                set_at, target_days = paired + rng.uniform(1, horizon) * DAY, rng.randint(21, 56)
            if self.at_or_none(set_at, stop) is None:
                continue
            target_date = (set_at + target_days * DAY).date()
            goal = self.activity(f"{program.id}/goals/{slug}", f"{self.base}/activity-types/goal", title,
                                 f"A goal of the {program.name} programme: {title.lower()}.")
            self.emit(set_at, {
                "actor": mentee.agent,
                "verb": self.verb(f"{self.base}/verbs/set-goal", "set goal"),
                "object": goal,
                "context": self.context(program, registration, extensions={
                    f"{self.base}/extensions/target-date": target_date.isoformat()}),
            }, Fact("goal_set", program.id, mentee.key, set_at, target=goal["id"], target_date=target_date))
            met_at = self.at_or_none(set_at + rng.uniform(0.4, 1.1) * target_days * DAY, stop)
            if (mistake and n == 0 or rng.random() < 0.15) and met_at is not None:  # ticked by mistake
                early = set_at + (met_at - set_at) / 3
                wrong = self.goal_met(program, mentee, goal, early, registration)
                self.void(wrong[0], wrong[1], early + timedelta(hours=rng.uniform(1, 48)), mentee)
            if met_at is None or rng.random() > 0.85:
                continue
            self.goal_met(program, mentee, goal, met_at, registration)
            ts = self.at_or_none(met_at + timedelta(hours=rng.uniform(2, 72)))
            if ts is not None and rng.random() < 0.5:
                self.feedback(program, mentor, mentee, ts, goal, registration, rng.choice((4, 5, 5)))

    def goal_met(self, program: Program, owner: Person, goal: dict[str, Any], ts: datetime,
                 registration: str) -> tuple[dict[str, Any], Fact]:
        fact = Fact("goal_met", program.id, owner.key, ts, target=goal["id"])
        return self.emit(ts, {
            "actor": owner.agent,
            "verb": self.verb(COMPLETED, "completed"),
            "object": goal,
            "result": {"completion": True, "success": True},
            "context": self.context(program, registration),
        }, fact), fact

    def videos(self, program: Program, person: Person, videos: list[dict[str, Any]], after: datetime,
               stop: datetime | None, rate: float, registration: str | None) -> None:
        """Viewings: initialized, played, (completed), terminated with time watched and progress."""
        cfg, rng = self.config, self.rng
        position: dict[str, float] = {}
        done: set[str] = set()
        for w in range(cfg.weeks):
            if rng.random() > rate:
                continue
            start = self.at_or_none(self.moment(cfg.since + w * WEEK + rng.randint(0, 6) * DAY, 7, 22), stop)
            if start is None or start <= after:
                continue
            video = rng.choice(videos)
            length = float(video["_length"])
            activity = {k: v for k, v in video.items() if k != "_length"}
            begin = position.get(activity["id"], 0.0)
            if begin >= length:
                begin = 0.0  # watching it again from the start
            watched = round(min(length - begin, rng.uniform(0.3, 1.0) * length), 1)
            position[activity["id"]] = begin + watched
            end = start + timedelta(seconds=watched + rng.uniform(3, 90))
            if self.at_or_none(end, stop) is None:
                continue
            session_id = self.uuid()
            ctx = self.context(program, registration, extensions={VIDEO_SESSION: session_id, VIDEO_LENGTH: length})
            ctx["contextActivities"]["category"] = [self.activity(
                VIDEO_PROFILE, PROFILE_TYPE, "xAPI Video Profile", "The xAPI Video Profile.")]
            self.video_statement(program, person, activity, INITIALIZED, "initialized", start, ctx)
            self.video_statement(program, person, activity, PLAYED, "played", start + timedelta(seconds=1.5),
                                 ctx, {"extensions": {VIDEO_TIME: begin}})
            progress = round(min(1.0, (begin + watched) / length), 3)
            if progress >= 1.0 and activity["id"] not in done:
                done.add(activity["id"])
                self.video_statement(program, person, activity, COMPLETED, "completed",
                                     end - timedelta(milliseconds=500), ctx,
                                     {"completion": True, "duration": _duration(watched),
                                      "extensions": {VIDEO_TIME: length, VIDEO_PROGRESS: 1.0}},
                                     seconds=0.0)
            self.video_statement(program, person, activity, TERMINATED, "terminated", end, ctx,
                                 {"duration": _duration(watched),
                                  "extensions": {VIDEO_TIME: begin + watched, VIDEO_PROGRESS: progress}},
                                 seconds=watched)
            remark = self.at_or_none(end + timedelta(minutes=rng.uniform(1, 120)), stop)
            if remark is not None and rng.random() < 0.12:  # a comment on the video itself
                self.comment(program, person, remark, activity, registration)

    def video_statement(self, program: Program, person: Person, activity: dict[str, Any], verb: str,
                        display: str, ts: datetime, ctx: dict[str, Any],
                        result: dict[str, Any] | None = None, seconds: float = 0.0) -> None:
        statement: dict[str, Any] = {"actor": person.agent, "verb": self.verb(verb, display),
                                     "object": activity, "context": ctx}
        if result:
            statement["result"] = result
        self.emit(ts, statement, Fact("video", program.id, person.key, ts, target=activity["id"], verb=verb,
                                      seconds=seconds if verb == TERMINATED else 0.0))

    def comment(self, program: Program, author: Person, ts: datetime, about: dict[str, Any],
                registration: str | None, mention: Person | None = None,
                parent: tuple[str, Fact] | None = None) -> tuple[dict[str, Any], Fact]:
        text = self.rng.choice(_REPLIES if parent else _COMMENTS)
        mentions = [mention] if mention is not None else []
        if mentions:
            text = f"@{mentions[0].name} {text}"
        extensions: dict[str, Any] = {}
        if mentions:
            extensions[f"{self.base}/extensions/mentions"] = [m.agent for m in mentions]
        ctx = self.context(program, registration, **({"extensions": extensions} if extensions else {}))
        if parent is not None:
            ctx["statement"] = {"objectType": "StatementRef", "id": parent[0]}
        fact = Fact("comment", program.id, author.key, ts, target=about["id"], reply=parent is not None)
        statement = self.emit(ts, {
            "actor": author.agent,
            "verb": self.verb(COMMENTED, "commented"),
            "object": about,
            "result": {"response": text},
            "context": ctx,
        }, fact)
        self._comments[program.id].append((ts, statement, fact))
        return statement, fact

    def comment_threads(self, program: Program) -> None:
        """Replies to earlier comments (mentioning their author), and one comment deleted by voiding."""
        rng = self.rng
        roots = sorted(self._comments[program.id], key=lambda c: (c[0], c[1]["id"]))
        voided_one = False
        for ts, statement, fact in roots:
            if rng.random() < 0.2 and not voided_one:  # posted in the wrong thread: removed
                voided_one = True
                when = ts + timedelta(minutes=rng.randint(2, 30))
                self.void(statement, fact, when, self.people[fact.actor])
                continue
            if rng.random() > 0.4:
                continue
            statement_id, about = statement["id"], statement["object"]
            parent_author = self.people[fact.actor]
            when = self.at_or_none(ts + timedelta(hours=rng.uniform(0.5, 72)))
            if when is None:
                continue
            replier = self.people[self._counterpart(program.id, fact.actor)]
            reply = self.comment(program, replier, when, about, None, mention=parent_author,
                                 parent=(statement_id, fact))
            if rng.random() < 0.3:
                later = self.at_or_none(when + timedelta(hours=rng.uniform(0.5, 48)))
                if later is not None:
                    self.comment(program, parent_author, later, about, None, mention=replier,
                                 parent=(reply[0]["id"], reply[1]))

    def _counterpart(self, program: str, person: str) -> str:
        """Someone the person works with in the program (their mentor or mentee)."""
        partners = sorted({f.other for f in self.facts if f.kind == "paired" and not f.voided
                           and f.program == program and f.actor == person and f.other}
                          | {f.actor for f in self.facts if f.kind == "paired" and not f.voided
                             and f.program == program and f.other == person})
        if not partners:
            partners = sorted({f.actor for f in self.facts if f.program == program and f.actor != person})
        return self.rng.choice(partners)

    def noise(self) -> None:
        """Statements outside the profile: stored and queryable, ignored by the views."""
        cfg, rng = self.config, self.rng
        ceo = self._person("Morgan Chief", "Chief Executive Officer", account=False, email="ceo@example.com")
        town_hall = self.activity(f"{ORG}/events/town-hall-q{(cfg.end.month - 1) // 3 + 1}", MEETING,
                                  "Quarterly town hall", "The all-staff town hall.")
        course = self.activity(f"{ORG}/courses/onboarding", COURSE, "Onboarding course",
                               "The LMS course every new hire takes.")
        for person in sorted(self.people.values(), key=lambda p: p.key):
            if person is ceo or person is self._admin or rng.random() > 0.5:
                continue
            ts = self.moment(cfg.since + rng.randint(0, cfg.weeks * 7 - 1) * DAY)
            kind = rng.randint(0, 2)
            if kind == 0:  # a session outside any programme
                self.emit(ts, {"actor": person.agent, "verb": self.verb(ATTENDED, "attended"),
                               "object": town_hall, "result": {"duration": "PT1H"},
                               "context": self.context(None, None, instructor=ceo.agent)})
            elif kind == 1:  # an LMS page view
                page = self.activity(f"{ORG}/courses/onboarding/pages/{rng.randint(1, 12)}", LINK,
                                     "Onboarding page", "A page of the onboarding course.")
                self.emit(ts, {"actor": person.agent, "verb": self.verb(EXPERIENCED, "experienced"),
                               "object": page,
                               "context": {**self.context(None, None),
                                           "contextActivities": {"grouping": [course]}}})
            else:  # a comment grouped under a course, not a programme
                self.emit(ts, {"actor": person.agent, "verb": self.verb(COMMENTED, "commented"),
                               "object": course, "result": {"response": "Where do I find the handbook?"},
                               "context": {**self.context(None, None),
                                           "contextActivities": {"grouping": [course]}}})

    def _posting_order(self) -> list[dict[str, Any]]:
        """Roughly chronological: a few statements arrive late (an app syncing after being offline),
        never one that another refers to, and a voiding statement always after its target."""
        referred = {v for _, _, _, v in self.entries if v}
        for _, _, statement, _ in self.entries:
            ref = statement.get("context", {}).get("statement")
            if ref:
                referred.add(ref["id"])
        posted: dict[str, datetime] = {}
        keyed: list[tuple[datetime, int, dict[str, Any]]] = []
        for ts, seq, statement, voids in sorted(self.entries, key=lambda e: (e[0], e[1])):
            key = ts
            if voids is None and statement["id"] not in referred and self.rng.random() < 0.03:
                key = ts + timedelta(hours=self.rng.uniform(1, 48))
            if voids is not None:
                key = max(key, posted[voids] + timedelta(microseconds=1))
            posted[statement["id"]] = key
            keyed.append((key, seq, statement))
        keyed.sort(key=lambda e: (e[0], e[1]))
        return [statement for _, _, statement in keyed]


def simulate(config: SimulationConfig) -> Simulation:
    """The whole history for `config`: the same seed and end date give the same statements."""
    return _Builder(config).build()


# ---------------------------------------------------------------- ground truth


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
        "at": _iso(at),
        "at_definition": "the end of the --end day: 00:00:00 UTC of the day after it",
        "range": {"since": _iso(cfg.since), "until": _iso(at),
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
                            "last_session": _iso(last), "goals_overdue": overdue_count.get(pair[1], 0)})

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
        "last_session": _iso(last_session),
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
        "last_activity": _iso(last_activity),
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
    monday = _monday(cfg.since)
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
        week = weeks[_monday(f.ts).date()]
        week[column[f.kind]] += 1
        if f.kind == "feedback" and f.rating is not None:
            week["ratings"].append(f.rating)
    out = []
    for week in weeks.values():
        ratings = week.pop("ratings")
        week["mean_rating"] = statistics.fmean(ratings) if ratings else None
        out.append(week)
    return out


# ---------------------------------------------------------------- posting


Transport = Callable[[list[dict[str, Any]]], None]
"""Posts one batch of statements; raises SimulationError when the LRS refuses it."""


def batches(statements: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(statements), size):
        yield list(statements[start:start + size])


def post_all(statements: Sequence[dict[str, Any]], transport: Transport, batch_size: int = 100,
             progress: TextIO | None = None) -> float:
    """Post every statement in order, batch by batch; the seconds it took."""
    started = time.perf_counter()
    done = 0
    for batch in batches(statements, batch_size):
        transport(batch)
        done += len(batch)
        if progress is not None and progress.isatty():
            elapsed = time.perf_counter() - started
            progress.write(f"\r{done}/{len(statements)} statements, {done / max(elapsed, 1e-9):.0f}/s")
            progress.flush()
    if progress is not None:
        progress.write("\n")
    return time.perf_counter() - started


class HTTPTransport:
    """POSTs batches to `<url>/statements` over one kept-alive connection, Basic auth, xAPI 1.0.3."""

    def __init__(self, url: str, key: str, secret: str, timeout: float = 60.0) -> None:
        parsed = urlparse(url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise SimulationError(f"--url must be an http(s) URL, got {url!r}")
        self.scheme, self.host, self.port = parsed.scheme, parsed.hostname, parsed.port
        self.path = parsed.path + "/statements"
        self.timeout = timeout
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json",
                        "X-Experience-API-Version": "1.0.3"}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            self._connection = cls(self.host, self.port, timeout=self.timeout)
        return self._connection

    def __call__(self, batch: list[dict[str, Any]]) -> None:
        body = json.dumps(batch, ensure_ascii=False).encode()
        for attempt in (1, 2):  # one retry on a dropped keep-alive connection
            connection = self._connect()
            try:
                connection.request("POST", self.path, body=body, headers=self.headers)
                response = connection.getresponse()
                text = response.read().decode(errors="replace")
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                self.close()
                if attempt == 2:
                    raise SimulationError(f"POST {self.path}: {exc}") from None
                continue
            if response.status != 200:
                raise SimulationError(f"POST {self.path}: {response.status} {text[:2000]}")
            return

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# ---------------------------------------------------------------- command line


def add_arguments(parser: Any) -> None:
    """The `lrs simulate` options (the parser is built in lrs/cli.py)."""
    parser.add_argument("--programs", type=int, default=3, help="programs (default: %(default)s)")
    parser.add_argument("--mentors", type=int, default=40, help="mentors, shared out (default: %(default)s)")
    parser.add_argument("--mentees", type=int, default=120, help="mentees, shared out (default: %(default)s)")
    parser.add_argument("--weeks", type=int, default=12, help="weeks of history (default: %(default)s)")
    parser.add_argument("--url", default="http://127.0.0.1:8000/xapi",
                        help="the LRS's xAPI endpoint (default: %(default)s)")
    parser.add_argument("--key", required=True, help="a credential with statements/write")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--seed", type=int, default=42,
                        help="the same seed and --end give the same statements (default: %(default)s)")
    parser.add_argument("--end", type=date.fromisoformat, default=None,
                        help="last day of the history, YYYY-MM-DD (default: today, UTC); the figures "
                        "are for the end of that day")
    parser.add_argument("--batch", type=int, default=100, help="statements per POST (default: %(default)s)")
    parser.add_argument("--truth", type=Path, default=None,
                        help="write the figures the views must show (the ground truth) here, as JSON")


def config_from(args: Any, settings: Any) -> SimulationConfig:
    """The simulation asked for on the command line, with the profile base and thresholds configured."""
    return SimulationConfig(
        end=args.end or datetime.now(UTC).date(),
        programs=args.programs, mentors=args.mentors, mentees=args.mentees, weeks=args.weeks,
        seed=args.seed, profile_base=settings.profile_base,
        inactive_days=settings.inactive_days, at_risk_days=settings.at_risk_days,
        active_days=settings.active_days,
    )


def run(args: Any, settings: Any, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`lrs simulate`: generate, write the truth, post, report the rate."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if args.batch < 1:
        err.write("lrs: --batch must be at least 1\n")
        return 2
    try:
        config = config_from(args, settings)
        sim = simulate(config)
    except SimulationError as exc:
        err.write(f"lrs: {exc}\n")
        return 2
    truth = sim.truth()
    if args.truth is not None:
        args.truth.write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n")
    out.write(f"{len(sim.statements)} statements for {config.programs} programs, {config.weeks} weeks "
              f"ending {config.end.isoformat()} (at = {truth['at']}), seed {config.seed}\n")
    transport = HTTPTransport(args.url, args.key, args.secret)
    try:
        seconds = post_all(sim.statements, transport, args.batch, progress=err)
    except SimulationError as exc:
        err.write(f"lrs: {exc}\n")
        return 1
    finally:
        transport.close()
    rate = len(sim.statements) / seconds if seconds > 0 else float("inf")
    out.write(f"posted {len(sim.statements)} statements in {math.ceil(len(sim.statements) / args.batch)} "
              f"batches of {args.batch} in {seconds:.2f} s: {rate:.0f} statements/s\n")
    for program in truth["programs"]:
        t = program["tracking"]
        out.write(f"  {program['name']} <{program['id']}>: {t['mentors']} mentors, {t['mentees']} mentees, "
                  f"{t['pairs']} pairs, {t['sessions']} sessions, {len(t['pairs_at_risk'])} pairs at risk\n")
    if args.truth is not None:
        out.write(f"ground truth written to {args.truth}\n")
    return 0


# ---------------------------------------------------------------- formats


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else _timestamp(moment)


def _duration(seconds: float) -> str:
    """ISO 8601 duration, hours/minutes/seconds, tenths of a second kept."""
    tenths = round(seconds * 10)
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    whole, tenth = divmod(rest, 10)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if whole or tenth or text == "PT":
        text += f"{whole}.{tenth}S" if tenth else f"{whole}S"
    return text


def _monday(moment: datetime) -> datetime:
    """00:00 UTC of the Monday of `moment`'s ISO week."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]

