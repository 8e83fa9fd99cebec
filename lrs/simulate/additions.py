"""The profile's program additions in a simulated history (issue 22): the org chart,
skills and their assessments, targets, capacities, newcomers waiting for a mentor with
their preferences and the mentors' shortlists, the program's direction, shares and
deliveries of videos, comments at points of a video, monthly customer-satisfaction
measures (of members and of a comparison group), a voided mistake and a few
almost-profile statements.

Drawn from a random generator of its own (seeded from the seed and end date), after
the mentoring history, so that history is the same with or without the additions.
Each statement's meaning is recorded as an `Addition`; `lrs.simulate.additions_truth`
computes the figures from those records and the mentoring facts alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lrs.simulate.content import EXPERIENCED_TITLES, JUNIOR_TITLES, SENIOR_TITLES, VIDEOS
from lrs.simulate.model import Fact, Person, Program
from lrs.simulate.times import DAY
from lrs.simulate.vocabulary import COMMENTED, ORG, VIDEO

if TYPE_CHECKING:
    from lrs.simulate.history import _Builder

SHARED = "http://adlnet.gov/expapi/verbs/shared"
RECEIVED = "http://activitystrea.ms/schema/1.0/receive"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
COMPETENCIES = ("digital-tools", "data-literacy", "coaching", "strategy", "customer-empathy", "presentation")
TEAMS = ("support", "sales", "engineering", "operations")
MEASURE = f"{ORG}/measures/csat"
NEWCOMERS = 3
COMPARISON = 4


@dataclass
class Addition:
    """One statement of the additions as the simulator meant it."""

    kind: str
    """role, manager, claimed, assessed, target, capacity, ranked, shortlisted, direction, shared,
    delivered, comment, outcome, issue."""
    program: str | None
    person: str
    """Who it is about (the assessed, the ranker, the sharer, the commenter, the measured)."""
    ts: datetime
    other: str | None = None
    others: tuple[str, ...] = ()
    """A ranking or shortlist in order; the audience of a share; the Agents a comment mentions."""
    obj: str | None = None
    value: float | None = None
    detail: str | None = None
    """Team, target holder, direction, parent statement id (a reply), rule (an issue)."""
    voided: bool = False
    statement_id: str = ""


def seniority_of(title: str) -> int:
    if title in SENIOR_TITLES:
        return 4
    if title in EXPERIENCED_TITLES:
        return 3
    if title in JUNIOR_TITLES:
        return 1
    return 5


class Additions:
    """Generates the additions into a builder whose mentoring history is complete."""

    def __init__(self, builder: _Builder):
        self.b = builder
        cfg = builder.config
        self.cfg = cfg
        self.rng = random.Random(f"{cfg.seed}/{cfg.end.isoformat()}/programs")
        self.base = builder.base
        self.records: list[Addition] = []
        self.hr = builder._person("People system", "HR information system", account=False,
                                  email="people-system@example.com")
        self.crm = builder._person("Customer feedback", "CRM survey system", account=False,
                                   email="csat@example.com")
        self._clock: dict[str, datetime] = {}

    # -- helpers
    def emit(self, ts: datetime, statement: dict[str, Any], record: Addition | None,
             fact: Fact | None = None) -> dict[str, Any]:
        emitted = self.b.emit(ts, statement, fact)
        if record is not None:
            record.statement_id = emitted["id"]
            self.records.append(record)
        return emitted

    def at(self, ts: datetime) -> datetime:
        """A timestamp before `at`, with whole milliseconds, distinct from the others."""
        ts = min(ts, self.cfg.at - timedelta(hours=1))
        ts = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
        while ts.isoformat() in self._clock:
            ts += timedelta(milliseconds=7)
        self._clock[ts.isoformat()] = ts
        return ts

    def ext(self, name: str) -> str:
        return f"{self.base}/extensions/{name}"

    def verb(self, name: str) -> dict[str, Any]:
        return self.b.verb(f"{self.base}/verbs/{name}", name.replace("-", " "))

    def competency(self, slug: str) -> dict[str, Any]:
        return self.b.activity(f"{ORG}/competencies/{slug}", f"{self.base}/activity-types/competency",
                               slug.replace("-", " ").capitalize(), f"The competency {slug}.")

    def role(self, title: str) -> dict[str, Any]:
        slug = title.lower().replace(" ", "-")
        return self.b.activity(f"{ORG}/roles/{slug}", f"{self.base}/activity-types/role", title,
                               f"The role {title}.")

    def level(self, raw: float) -> dict[str, Any]:
        return {"score": {"raw": raw, "min": 0, "max": 4}} if 0 <= raw <= 4 else {"score": {"raw": raw}}

    def members(self, program: Program) -> tuple[list[Person], list[Person]]:
        """The program's mentors and mentees, from the history's effective enrolments."""
        mentors: list[Person] = []
        mentees: list[Person] = []
        for f in self.b.facts:
            if f.kind == "enrolled" and f.program == program.id and not f.voided:
                person = self.b.people[f.actor]
                target = mentors if f.role == "mentor" else mentees
                if person not in target:
                    target.append(person)
        return mentors, mentees

    # -- the history
    def build(self) -> list[Addition]:
        start = self.cfg.since + timedelta(hours=2)
        done: set[str] = set()
        for program in self.b.programs:
            mentors, mentees = self.members(program)
            reverse = program.kind == "reverse"
            newcomers = self.newcomers(program, reverse)
            everyone = mentors + mentees + newcomers
            for person in everyone:
                if person.key not in done:
                    done.add(person.key)
                    self.org_and_skills(person, start)
            self.program_setup(program, everyone, start, reverse)
            self.managers(program, mentors, mentees + newcomers, reverse, start)
            self.assessments(program, mentors, mentees + newcomers)
            self.matching_inputs(program, mentors, mentees, newcomers)
            self.shares_and_comments(program, mentors, mentees)
            self.outcomes(program, mentees + newcomers)
            self.issues(program, mentors, mentees, newcomers)
        return self.records

    def newcomers(self, program: Program, reverse: bool) -> list[Person]:
        """Mentees enrolled late, waiting for a mentor (mentoring enrolment facts too)."""
        found = []
        for n in range(NEWCOMERS):
            titles = SENIOR_TITLES if reverse else JUNIOR_TITLES
            person = self._new_person(titles[(n + len(self.b.people)) % len(titles)])
            ts = self.at(self.cfg.at - (10 - n) * DAY)
            self.b.enrol(program, person, "mentee", ts)
            found.append(person)
        return found

    def _new_person(self, title: str) -> Person:
        count = len(self.b.people)
        pool = self.b._names
        first, last = pool[count % len(pool)].split(" ", 1)
        lap = count // len(pool)
        name = f"{first} {chr(64 + lap)}. {last}" if lap else f"{first} {last}"
        return self.b._person(name, title, account=False)

    def org_and_skills(self, person: Person, start: datetime) -> None:
        rng = self.rng
        seniority = seniority_of(person.title)
        team = rng.choice(TEAMS)
        ts = self.at(start + timedelta(minutes=rng.randint(0, 600)))
        self.emit(ts, {"actor": person.agent, "verb": self.verb("holds-role"), "object": self.role(person.title),
                       "context": {"extensions": {self.ext("seniority"): seniority, self.ext("team"): team}}},
                  Addition("role", None, person.key, ts, obj=self.role(person.title)["id"], value=seniority,
                           detail=team))
        for slug in rng.sample(COMPETENCIES, k=2):
            level = rng.randint(1, 4)
            ts = self.at(start + timedelta(hours=rng.uniform(1, 48)))
            self.emit(ts, {"actor": person.agent, "verb": self.verb("claimed"), "object": self.competency(slug),
                           "result": self.level(level)},
                      Addition("claimed", None, person.key, ts, obj=self.competency(slug)["id"], value=level))

    def program_setup(self, program: Program, everyone: list[Person], start: datetime, reverse: bool) -> None:
        rng = self.rng
        ts = self.at(start)
        direction = "reverse" if reverse else "conventional"
        self.emit(ts, {"actor": self.b._admin.agent, "verb": self.verb("configured"), "object": program.activity,
                       "context": self.b.context(program, None, extensions={self.ext("direction"): direction})},
                  Addition("direction", program.id, self.b._admin.key, ts, detail=direction))
        for slug in rng.sample(COMPETENCIES, k=3):
            self.target(program.activity, slug, rng.randint(2, 4), start)
        for title in sorted({p.title for p in everyone}):
            if rng.random() < 0.5:
                self.target(self.role(title), rng.choice(COMPETENCIES), rng.randint(2, 3), start)

    def target(self, holder: dict[str, Any], slug: str, level: int, start: datetime) -> None:
        ts = self.at(start + timedelta(minutes=self.rng.randint(1, 120)))
        self.emit(ts, {"actor": self.b._admin.agent, "verb": self.verb("requires"), "object": self.competency(slug),
                       "result": self.level(level), "context": {"contextActivities": {"parent": [holder]}}},
                  Addition("target", None, self.b._admin.key, ts, obj=self.competency(slug)["id"], value=level,
                           detail=holder["id"]))

    def managers(self, program: Program, mentors: list[Person], mentees: list[Person], reverse: bool,
                 start: datetime) -> None:
        """The senior side manages some of the junior side; one person changes manager later."""
        rng = self.rng
        seniors, juniors = (mentees, mentors) if reverse else (mentors, mentees)
        for junior in juniors:
            if rng.random() < 0.5 and seniors:
                manager = rng.choice([s for s in seniors if s is not junior] or seniors)
                if manager is not junior:
                    self.reports_to(junior, manager, start + timedelta(hours=rng.uniform(0, 24)))
        if len(seniors) > 1 and juniors:
            moved = juniors[-1]  # a newcomer (or the last mentor of a reverse program) changes manager
            self.reports_to(moved, seniors[0], start + DAY)
            self.reports_to(moved, seniors[1], start + 3 * DAY)

    def reports_to(self, person: Person, manager: Person, ts: datetime) -> None:
        ts = self.at(ts)
        self.emit(ts, {"actor": person.agent, "verb": self.verb("reports-to"), "object": manager.agent},
                  Addition("manager", None, person.key, ts, other=manager.key))

    def assessments(self, program: Program, mentors: list[Person], mentees: list[Person]) -> None:
        """Each mentee assessed on the competencies, a few times, levels rising; one voided mistake."""
        rng = self.rng
        mistake = True
        for mentee in mentees:
            assessor = rng.choice(mentors) if mentors else self.b._admin
            for slug in rng.sample(COMPETENCIES, k=3):
                level = rng.randint(0, 2)
                ts = self.cfg.since + rng.uniform(3, 20) * DAY
                for _ in range(rng.randint(1, 3)):
                    if ts >= self.cfg.at - DAY:
                        break
                    self.assessment(program, assessor, mentee, slug, level, ts)
                    if mistake:
                        mistake = False
                        wrong = self.assessment(program, assessor, mentee, slug, 4, ts + timedelta(minutes=5))
                        self.b.void(wrong[0], None, ts + timedelta(hours=2), assessor)
                        wrong[1].voided = True
                    level = min(4, level + rng.randint(0, 2))
                    ts += rng.uniform(5, 20) * DAY

    def assessment(self, program: Program, assessor: Person, mentee: Person, slug: str, level: int,
                   ts: datetime) -> tuple[dict[str, Any], Addition]:
        ts = self.at(ts)
        record = Addition("assessed", None, mentee.key, ts, other=assessor.key, obj=self.competency(slug)["id"],
                          value=level)
        statement = self.emit(ts, {"actor": assessor.agent, "verb": self.verb("assessed"),
                                   "object": self.competency(slug), "result": self.level(level),
                                   "context": {"extensions": {self.ext("subject"): mentee.agent}}}, record)
        return statement, record

    def matching_inputs(self, program: Program, mentors: list[Person], mentees: list[Person],
                        newcomers: list[Person]) -> None:
        rng = self.rng
        for mentor in mentors:
            if rng.random() < 0.8:
                load = len({f.other for f in self.b.facts if f.kind == "paired" and not f.voided
                            and f.program == program.id and f.actor == mentor.key})
                self.setting(program, mentor, "set-capacity", "capacity", load + rng.randint(1, 2),
                             "capacity", self.cfg.since + DAY)
        waiting = newcomers + [m for m in mentees if not any(
            f.kind == "paired" and not f.voided and f.program == program.id and f.other == m.key
            for f in self.b.facts)]
        for mentee in waiting:
            if mentors and rng.random() < 0.8:
                ranked = rng.sample(mentors, k=min(3, len(mentors)))
                self.ranking(program, mentee, "ranked", ranked, self.cfg.at - 5 * DAY)
        for mentor in mentors:
            if waiting and rng.random() < 0.6:
                self.ranking(program, mentor, "shortlisted", rng.sample(waiting, k=min(2, len(waiting))),
                             self.cfg.at - 4 * DAY)

    def setting(self, program: Program, who: Person, verb: str, ext: str, value: Any, kind: str,
                ts: datetime) -> None:
        ts = self.at(ts + timedelta(minutes=self.rng.randint(0, 600)))
        self.emit(ts, {"actor": who.agent, "verb": self.verb(verb), "object": program.activity,
                       "context": self.b.context(program, None, extensions={self.ext(ext): value})},
                  Addition(kind, program.id, who.key, ts, value=value))

    def ranking(self, program: Program, who: Person, verb: str, ranked: list[Person], ts: datetime) -> None:
        ts = self.at(ts + timedelta(minutes=self.rng.randint(0, 600)))
        self.emit(ts, {"actor": who.agent, "verb": self.verb(verb), "object": program.activity,
                       "context": self.b.context(program, None, extensions={
                           self.ext("ranking"): [p.agent for p in ranked]})},
                  Addition(verb, program.id, who.key, ts, others=tuple(p.key for p in ranked)))

    def shares_and_comments(self, program: Program, mentors: list[Person], mentees: list[Person]) -> None:
        rng = self.rng
        videos = sorted({f.target for f in self.b.facts if f.kind == "video" and f.program == program.id
                         and f.target})
        lengths = {f"{ORG}/videos/{slug}": length for slug, _, length in VIDEOS}
        titles = {f"{ORG}/videos/{slug}": title for slug, title, _ in VIDEOS}
        if not videos:
            return
        for mentor in mentors:
            audience = sorted({self.b.people[str(f.other)] for f in self.b.facts if f.kind == "paired"
                               and not f.voided and f.program == program.id and f.actor == mentor.key},
                              key=lambda p: p.key)
            if not audience:
                continue
            video = rng.choice(videos)
            ts = self.at(self.cfg.since + rng.uniform(7, 30) * DAY)
            activity = self.b.activity(video, VIDEO, titles.get(video, video), "A short video.")
            self.emit(ts, {"actor": mentor.agent, "verb": self.b.verb(SHARED, "shared"), "object": activity,
                           "context": self.b.context(program, None, extensions={self.ext("audience"): {
                               "objectType": "Group", "name": f"Mentees of {mentor.name}",
                               "member": [p.agent for p in audience]}})},
                      Addition("shared", program.id, mentor.key, ts, others=tuple(p.key for p in audience),
                               obj=video))
            for person in audience:
                if rng.random() < 0.8:
                    when = self.at(ts + timedelta(minutes=rng.uniform(1, 600)))
                    self.emit(when, {"actor": person.agent, "verb": self.b.verb(RECEIVED, "received"),
                                     "object": activity, "context": self.b.context(program, None)},
                              Addition("delivered", program.id, person.key, when, obj=video))
        people = mentors + mentees
        # A comment is never later than its author's last mentoring statement in the program:
        # the additions leave every mentee's last activity (and status) as the history made it.
        last = {p.key: max((f.ts for f in self.b.facts if f.actor == p.key and f.program == program.id
                            and not f.voided), default=self.cfg.since) for p in people}
        first = self.cfg.since + DAY
        for video in videos:
            activity = self.b.activity(video, VIDEO, titles.get(video, video), "A short video.")
            length = lengths.get(video, 300.0)
            for _ in range(rng.randint(2, 5)):
                author = rng.choice(people)
                if last[author.key] <= first + DAY:
                    continue
                seconds = round(rng.uniform(0, length), 1)
                ts = self.at(first + (last[author.key] - first) * rng.uniform(0.1, 0.8))
                mention = rng.choice(people) if rng.random() < 0.4 else None
                parent = self.comment(program, author, activity, ts, seconds, None,
                                      mention if mention is not author else None)
                repliers = [p for p in people if p is not author and last[p.key] > ts + timedelta(hours=2)]
                if repliers and rng.random() < 0.5:
                    replier = rng.choice(repliers)
                    when = ts + (last[replier.key] - ts) * rng.uniform(0.1, 0.9)
                    self.comment(program, replier, activity, self.at(when), None, parent, author)

    def comment(self, program: Program, author: Person, activity: dict[str, Any], ts: datetime,
                seconds: float | None, parent: str | None, mention: Person | None) -> str:
        result: dict[str, Any] = {"response": "At this point: " + ("a good example." if parent is None else "agreed.")}
        if seconds is not None:
            result["extensions"] = {VIDEO_TIME: seconds}
        extensions = {self.ext("mentions"): [mention.agent]} if mention is not None else {}
        ctx = self.b.context(program, None, **({"extensions": extensions} if extensions else {}))
        if parent is not None:
            ctx["statement"] = {"objectType": "StatementRef", "id": parent}
        fact = Fact("comment", program.id, author.key, ts, target=activity["id"], reply=parent is not None,
                    mentions=(mention.key,) if mention is not None else ())
        statement = self.emit(ts, {"actor": author.agent, "verb": self.b.verb(COMMENTED, "commented"),
                                   "object": activity, "result": result, "context": ctx},
                              Addition("comment", program.id, author.key, ts, obj=activity["id"], value=seconds,
                                       detail=parent, others=(mention.key,) if mention is not None else ()),
                              fact)
        return str(statement["id"])

    def outcomes(self, program: Program, mentees: list[Person]) -> None:
        """Monthly customer satisfaction of the mentees, and of people in no program."""
        rng = self.rng
        comparison = [self._new_person("Customer Advisor") for _ in range(COMPARISON)]
        month = self.cfg.since.replace(day=1, hour=6, minute=0, second=0, microsecond=0)
        months = []
        while month < self.cfg.at:
            if month >= self.cfg.since - 31 * DAY:
                months.append(month)
            month = (month + 32 * DAY).replace(day=1)
        for person in mentees + comparison:
            base = rng.uniform(3.0, 4.0)
            for ts in months:
                ts = self.at(max(ts, self.cfg.since) + timedelta(minutes=rng.randint(0, 300)))
                value = round(base + rng.uniform(-0.3, 0.3), 2)
                self.emit(ts, {"actor": self.crm.agent, "verb": self.verb("measured"),
                               "object": self.b.activity(MEASURE, f"{self.base}/activity-types/outcome-measure",
                                                         "Customer satisfaction", "CSAT, 1 to 5."),
                               "result": {"score": {"raw": value, "min": 1, "max": 5}},
                               "context": {"extensions": {self.ext("subject"): person.agent,
                                                          self.ext("period"): ts.strftime("%Y-%m")}}},
                          Addition("outcome", None, person.key, ts, other=self.crm.key, obj=MEASURE, value=value))

    def issues(self, program: Program, mentors: list[Person], mentees: list[Person],
               newcomers: list[Person]) -> None:
        """Almost-profile statements: stored, no fact, listed with their rule."""
        ts = self.at(self.cfg.at - 3 * DAY)
        if mentors:
            self.emit(ts, {"actor": mentors[0].agent, "verb": self.verb("set-capacity"), "object": program.activity,
                           "context": self.b.context(program, None, extensions={self.ext("capacity"): 0})},
                      Addition("issue", program.id, mentors[0].key, ts, detail="capacity"))
        if newcomers and mentees:
            ts = self.at(self.cfg.at - 2 * DAY)
            self.emit(ts, {"actor": newcomers[0].agent, "verb": self.verb("ranked"), "object": program.activity,
                           "context": self.b.context(program, None, extensions={
                               self.ext("ranking"): [mentees[0].agent]})},
                      Addition("ranked", program.id, newcomers[0].key, ts, others=(mentees[0].key,)))
        if mentees:
            ts = self.at(self.cfg.at - 2 * DAY + timedelta(hours=1))
            self.emit(ts, {"actor": mentees[-1].agent, "verb": self.verb("claimed"),
                           "object": self.competency(COMPETENCIES[0]), "result": self.level(7)},
                      Addition("issue", None, mentees[-1].key, ts, detail="level"))
