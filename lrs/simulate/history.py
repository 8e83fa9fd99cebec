"""Generating a history: people, programs, facts and the statements that express
them, all drawn from one seeded random generator."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from lrs.simulate.additions import Additions
from lrs.simulate.content import (
    COMMENTS,
    EXPERIENCED_TITLES,
    FEEDBACK,
    FIRST_NAMES,
    GOALS,
    JUNIOR_TITLES,
    LAST_NAMES,
    PROGRAM_KINDS,
    REPLIES,
    SENIOR_TITLES,
    VIDEOS,
)
from lrs.simulate.model import Fact, Person, Program, Simulation, SimulationConfig
from lrs.simulate.times import DAY, WEEK, format_timestamp, iso_duration, monday_of
from lrs.simulate.vocabulary import (
    ATTENDED,
    COMMENTED,
    COMPLETED,
    COURSE,
    EXPERIENCED,
    INITIALIZED,
    JOB_TITLE,
    LINK,
    MEETING,
    ORG,
    PLAYED,
    PROFILE_TYPE,
    REGISTERED,
    SSO,
    TERMINATED,
    VIDEO,
    VIDEO_LENGTH,
    VIDEO_PROFILE,
    VIDEO_PROGRESS,
    VIDEO_SESSION,
    VIDEO_TIME,
    VOIDED,
)


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
        pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
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
        statement = {"id": self.uuid(), **statement, "timestamp": format_timestamp(ts)}
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
                   for slug, title, length in VIDEOS]
        rosters: list[tuple[Program, list[Person], list[Person]]] = []
        for index in range(cfg.programs):
            slug_kind, title, description = PROGRAM_KINDS[index % len(PROGRAM_KINDS)]
            cohort = index // len(PROGRAM_KINDS) + 1
            slug = f"{slug_kind}-{cfg.end.year}" + (f"-{cohort}" if cohort > 1 else "")
            name = f"{title} {cfg.end.year}" + (f" (cohort {cohort})" if cohort > 1 else "")
            program = Program(slug, name, slug_kind, self.activity(
                f"{ORG}/programs/{slug}", f"{self.base}/activity-types/program", name, description))
            self.programs.append(program)
            reverse = slug_kind == "reverse"
            mentors = [self.new_person(self.rng.choice(JUNIOR_TITLES if reverse else EXPERIENCED_TITLES))
                       for _ in range(mentor_counts[index])]
            mentees = [self.new_person(self.rng.choice(SENIOR_TITLES if reverse else JUNIOR_TITLES))
                       for _ in range(mentee_counts[index])]
            rosters.append((program, mentors, mentees))
        # One experienced mentor also mentors in the next program: a person in two programs.
        for index in range(1, len(rosters)):
            rosters[index][1].append(rosters[index - 1][1][0])
        for (program, mentors, mentees) in rosters:
            videos = self.rng.sample(library, k=min(len(library), 5))
            self.program_history(program, mentors, mentees, videos)
        self.noise()
        additions = Additions(self).build()
        return Simulation(cfg, self.programs, self.people, self.facts, self._posting_order(),
                          dict(self.voided_by), additions)

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
            cover_at = self.at_or_none(self.moment(day))
            if cover_at is not None and cover_at > first_session[steady[0]][0]:
                self.session(program, 0, cover, mentee, cover_at, self.uuid(), number=1)
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
            week_start = monday_of(cfg.since + w * WEEK)
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
            "result": {"duration": iso_duration(seconds), "completion": True},
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
                if mistake or (rating <= 2 and rng.random() < 0.5):  # the wrong star: voided, given again
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
                       "response": self.rng.choice(FEEDBACK[rating])},
            "context": self.context(program, registration,
                                    extensions={f"{self.base}/extensions/recipient": recipient.agent}),
        }, fact), fact

    def goals(self, program: Program, mentor: Person, mentee: Person, paired: datetime,
              registration: str, stop: datetime | None, mistake: bool) -> None:
        """Goals set as the programme goes; most met (some late), some open; one ticked by mistake.
        A mentee who drops out sets one goal at once, with a near target: it ends up overdue."""
        rng = self.rng
        for n, (slug, title) in enumerate(rng.sample(GOALS, k=rng.randint(1, 3))):
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
            if ((mistake and n == 0) or rng.random() < 0.15) and met_at is not None:  # ticked by mistake
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
                                     {"completion": True, "duration": iso_duration(watched),
                                      "extensions": {VIDEO_TIME: length, VIDEO_PROGRESS: 1.0}},
                                     seconds=0.0)
            self.video_statement(program, person, activity, TERMINATED, "terminated", end, ctx,
                                 {"duration": iso_duration(watched),
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
        text = self.rng.choice(REPLIES if parent else COMMENTS)
        mentions = [mention] if mention is not None else []
        if mentions:
            text = f"@{mentions[0].name} {text}"
        extensions: dict[str, Any] = {}
        if mentions:
            extensions[f"{self.base}/extensions/mentions"] = [m.agent for m in mentions]
        ctx = self.context(program, registration, **({"extensions": extensions} if extensions else {}))
        if parent is not None:
            ctx["statement"] = {"objectType": "StatementRef", "id": parent[0]}
        fact = Fact("comment", program.id, author.key, ts, target=about["id"], reply=parent is not None,
                    mentions=tuple(m.key for m in mentions))
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
                voided_at = ts + timedelta(minutes=rng.randint(2, 30))
                self.void(statement, fact, voided_at, self.people[fact.actor])
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




def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
