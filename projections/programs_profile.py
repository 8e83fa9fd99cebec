"""The profile's program additions: skills, the org chart, matching inputs, delivery,
timeline comments and outcomes, and what one statement says in their terms.

docs/profile/README.md ("Program additions") defines the statements. Like
`projections.mentoring_profile`, `read_statement` is pure: a statement in, the
facts of the programs view out, so the view can be rebuilt from the log and
come out identical, and the simulator can compute the same figures without
this code.

A statement that is *almost* one of these (a level outside 0..4, a capacity
that is not a positive integer, a ranking that is not a list of Agents...) is
valid xAPI and stored, but it yields no fact: it yields an `ISSUE` fact naming
the rule it breaks instead, which ``/coordinator/profile-issues`` lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from projections.mentoring_profile import (
    COMMENTED,
    COMPLETED,
    INITIALIZED,
    VIDEO_PLAYED,
    VOIDED,
    Vocabulary,
    _get,
    _mapping,
    _number,
)
from xapi.identifiers import agent_key
from xapi.prepare import epoch_us, parse_timestamp

# Registered vocabulary reused.
SHARED = "http://adlnet.gov/expapi/verbs/shared"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
RECEIVED = "http://activitystrea.ms/schema/1.0/receive"
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"

LEVELS = range(0, 5)
"""Competency levels: 0 none, 1 aware, 2 practising, 3 proficient, 4 expert."""
MAX_PREFERENCES = 3
"""A mentee names at most their top three mentors."""
DIRECTIONS = ("conventional", "reverse")


@dataclass(frozen=True)
class Terms:
    """The IRIs minted under the profile base for the program additions."""

    base: str

    @classmethod
    def of(cls, vocabulary: Vocabulary) -> Terms:
        return cls(vocabulary.base)

    def verb(self, name: str) -> str:
        return f"{self.base}/verbs/{name}"

    def type(self, name: str) -> str:
        return f"{self.base}/activity-types/{name}"

    def extension(self, name: str) -> str:
        return f"{self.base}/extensions/{name}"

    @property
    def program(self) -> str:
        return self.type("program")

    def minted(self) -> dict[str, str]:
        """The IRIs minted for the additions, by the kind of concept they are."""
        verbs = ("claimed", "assessed", "holds-role", "reports-to", "requires", "set-capacity",
                 "ranked", "shortlisted", "configured", "measured")
        types = ("competency", "role", "outcome-measure")
        context = ("subject", "seniority", "team", "capacity", "ranking", "direction", "audience",
                   "period")
        return {
            **{self.verb(v): "Verb" for v in verbs},
            **{self.type(t): "ActivityType" for t in types},
            **{self.extension(e): "ContextExtension" for e in context},
        }


def registered() -> dict[str, str]:
    """The registered IRIs the additions reuse, by kind."""
    return {SHARED: "Verb", RECEIVED: "Verb", LAUNCHED: "Verb", VIDEO_TIME: "ResultExtension"}


class Kind(IntEnum):
    """What a fact of the programs view records (the ``kind`` column of ``program_fact``).

    ``actor`` is always the person the fact is about; the columns used by each
    kind are said below (``program`` is empty for facts about a person in general).
    """

    ROLE = 1
    """object: the role, value: seniority (or none), detail: the team (or none)."""
    REPORTS_TO = 2
    """other: the manager."""
    SKILL_CLAIMED = 3
    """object: the competency, value: the level."""
    SKILL_ASSESSED = 4
    """object: the competency, value: the level, other: the assessor."""
    TARGET = 5
    """object: the competency, value: the target level, detail: the program or role
    that requires it; actor: who declared it."""
    CAPACITY = 6
    """program, value: how many mentees the mentor takes."""
    PREFERENCE = 7
    """program, other: a ranked mentor (none: the statement's head fact), value: the rank."""
    SHORTLIST = 8
    """program, other: a shortlisted mentee (none: the head fact), value: the rank."""
    DIRECTION = 9
    """program, detail: ``conventional`` or ``reverse``."""
    SHARED = 10
    """program, object: the content, other: one person of the audience; actor: the sharer."""
    DELIVERED = 11
    """program, object: the content."""
    STARTED = 12
    """program, object: the content."""
    COMPLETED = 13
    """program, object: the content."""
    COMMENT = 14
    """program, object: what it is about, value: the video time (seconds) or none."""
    REPLY = 15
    """As COMMENT; detail: the statement it replies to."""
    MENTION = 16
    """program, object: what the comment is about, other: the Agent mentioned."""
    OUTCOME = 17
    """object: the measure, value: the score, other: who reported it, detail: the period."""
    ISSUE = 18
    """An almost-profile statement: detail: the rule it breaks, text: what is wrong."""


RANK_KINDS = (Kind.PREFERENCE, Kind.SHORTLIST)
LATEST_KINDS = (Kind.ROLE, Kind.REPORTS_TO, Kind.CAPACITY, Kind.DIRECTION)
"""Kinds where the latest statement (by timestamp, then log position) replaces earlier ones."""
NO_PROGRAM = ""


@dataclass(frozen=True, slots=True)
class Fact:
    program: str
    kind: Kind
    actor: str
    timestamp_us: int
    other: str | None = None
    object: str | None = None
    value: float | None = None
    detail: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    facts: tuple[Fact, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    voids: str | None = None


NOTHING = Reading()


class _Issue(Exception):
    """The statement breaks a rule of the additions (it becomes an ISSUE fact)."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def read_statement(statement: Mapping[str, Any], vocabulary: Vocabulary) -> Reading:
    """The programs view's reading of one valid statement; `NOTHING` outside the additions."""
    terms = Terms.of(vocabulary)
    verb = _get(statement, "verb", "id")
    obj = statement.get("object")
    if not isinstance(verb, str) or not isinstance(obj, Mapping):
        return NOTHING
    if verb == VOIDED:
        if obj.get("objectType") == "StatementRef" and isinstance(obj.get("id"), str):
            return Reading(voids=obj["id"].lower())
        return NOTHING
    actor = statement.get("actor")
    actor_key = agent_key(actor) if isinstance(actor, Mapping) else None
    timestamp = statement.get("timestamp")
    if actor_key is None or not isinstance(timestamp, str):
        return NOTHING
    try:
        ts = epoch_us(parse_timestamp(timestamp))
    except ValueError:
        return NOTHING
    context = _mapping(statement.get("context"))
    programs = _programs(context, terms)
    named: dict[str, str] = {}
    _name(named, actor_key, actor)
    reader = _Reader(statement, verb, obj, context, terms, actor_key, ts, programs, named)
    try:
        facts = list(reader.facts())
    except _Issue as issue:
        facts = [Fact(program, Kind.ISSUE, actor_key, ts, detail=issue.rule, text=str(issue))
                 for program in programs or [NO_PROGRAM]]
    if not facts:
        return NOTHING
    return Reading(tuple(facts), tuple(sorted(named.items())))


class _Reader:
    """One statement, read for each shape of the additions."""

    def __init__(self, statement: Mapping[str, Any], verb: str, obj: Mapping[str, Any],
                 context: Mapping[str, Any], terms: Terms, actor: str, ts: int,
                 programs: list[str], named: dict[str, str]):
        self.statement, self.verb, self.obj, self.context = statement, verb, obj, context
        self.t, self.actor, self.ts, self.programs, self.named = terms, actor, ts, programs, named
        self.extensions = _mapping(context.get("extensions"))
        self.result = _mapping(statement.get("result"))
        object_id = obj.get("id")
        self.is_activity = obj.get("objectType", "Activity") == "Activity" and isinstance(object_id, str)
        self.object_id: str | None = object_id if self.is_activity else None
        self.type = _get(obj, "definition", "type") if self.is_activity else None

    def fact(self, kind: Kind, program: str = NO_PROGRAM, **values: Any) -> Fact:
        values.setdefault("actor", self.actor)
        actor = values.pop("actor")
        return Fact(program, kind, actor, self.ts, **values)

    def facts(self) -> Iterator[Fact]:
        t, verb = self.t, self.verb
        if verb in (t.verb("claimed"), t.verb("assessed")) and self.type == t.type("competency"):
            level = self.level("$.result.score.raw", _get(self.result, "score", "raw"))
            if verb == t.verb("claimed"):
                yield self.fact(Kind.SKILL_CLAIMED, object=self.object_id, value=level)
                return
            subject = self.agent(self.extensions.get(t.extension("subject")))
            if subject is None:
                raise _Issue("subject", "an assessment names the person assessed in the subject extension")
            yield self.fact(Kind.SKILL_ASSESSED, actor=subject, other=self.actor, object=self.object_id,
                            value=level)
        elif verb == t.verb("holds-role") and self.type == t.type("role"):
            seniority = self.extensions.get(t.extension("seniority"))
            if seniority is not None and not _whole(seniority, 0):
                raise _Issue("seniority", "seniority must be a whole number, 0 or more")
            team = self.extensions.get(t.extension("team"))
            yield self.fact(Kind.ROLE, object=self.object_id,
                            value=None if seniority is None else float(seniority),
                            detail=team if isinstance(team, str) and team else None)
        elif verb == t.verb("reports-to") and self.obj.get("objectType") in ("Agent", "Group"):
            manager = self.agent(self.obj)
            if manager is None:
                raise _Issue("manager", "the manager must be an Agent with an identifier")
            if manager == self.actor:
                raise _Issue("manager", "a person cannot report to themself")
            yield self.fact(Kind.REPORTS_TO, other=manager)
        elif verb == t.verb("requires") and self.type == t.type("competency"):
            level = self.level("$.result.score.raw", _get(self.result, "score", "raw"))
            holder = self.holder()
            yield self.fact(Kind.TARGET, object=self.object_id, value=level, detail=holder)
        elif verb in (t.verb("set-capacity"), t.verb("ranked"), t.verb("shortlisted"), t.verb("configured")):
            yield from self.program_settings()
        elif verb == SHARED and self.is_activity and self.programs:
            audience = self.audience(self.extensions.get(t.extension("audience")))
            for program in self.programs:
                for member in audience:
                    yield self.fact(Kind.SHARED, program, other=member, object=self.object_id)
        elif verb == RECEIVED and self.is_activity and self.programs:
            yield from self.each_program(Kind.DELIVERED, object=self.object_id)
        elif verb in (INITIALIZED, VIDEO_PLAYED, LAUNCHED) and self.is_activity and self.programs:
            yield from self.each_program(Kind.STARTED, object=self.object_id)
        elif verb == COMPLETED and self.is_activity and self.programs and self.type != f"{t.base}/activity-types/goal":
            yield from self.each_program(Kind.COMPLETED, object=self.object_id)
        elif verb == COMMENTED and self.is_activity and self.programs:
            yield from self.comment()
        elif verb == t.verb("measured") and self.type == t.type("outcome-measure"):
            score = _number(_get(self.result, "score", "raw"))
            if score is None:
                raise _Issue("score", "an outcome measure carries its value in result.score.raw")
            subject_agent = self.extensions.get(t.extension("subject"))
            subject = self.agent(subject_agent) if subject_agent is not None else self.actor
            if subject is None:
                raise _Issue("subject", "the subject extension must be an Agent with an identifier")
            period = self.extensions.get(t.extension("period"))
            yield self.fact(Kind.OUTCOME, actor=subject, other=self.actor, object=self.object_id,
                            value=score, detail=period if isinstance(period, str) and period else None)

    def each_program(self, kind: Kind, **values: Any) -> Iterator[Fact]:
        for program in self.programs:
            yield self.fact(kind, program, **values)

    def program_settings(self) -> Iterator[Fact]:
        """Capacity, preferences, shortlists, direction: about the program that is the object."""
        t, verb = self.t, self.verb
        if self.object_id not in self.programs:
            return
        program = self.object_id
        assert program is not None
        if verb == t.verb("set-capacity"):
            capacity = self.extensions.get(t.extension("capacity"))
            if not _whole(capacity, 1):
                raise _Issue("capacity", "capacity must be a positive whole number")
            yield self.fact(Kind.CAPACITY, program, value=float(capacity or 0))
        elif verb == t.verb("configured"):
            direction = self.extensions.get(t.extension("direction"))
            if direction not in DIRECTIONS:
                raise _Issue("direction", "direction must be \"conventional\" or \"reverse\"")
            yield self.fact(Kind.DIRECTION, program, detail=direction)
        else:
            kind = Kind.PREFERENCE if verb == t.verb("ranked") else Kind.SHORTLIST
            ranking = self.extensions.get(t.extension("ranking"))
            if not isinstance(ranking, list):
                raise _Issue("ranking", "the ranking extension must be a list of Agents")
            if kind is Kind.PREFERENCE and len(ranking) > MAX_PREFERENCES:
                raise _Issue("ranking", f"a mentee ranks at most {MAX_PREFERENCES} mentors")
            keys = [self.agent(a) for a in ranking]
            if any(k is None for k in keys) or len(set(keys)) != len(keys):
                raise _Issue("ranking", "the ranking must list distinct Agents with identifiers")
            if self.actor in keys:
                raise _Issue("ranking", "a person cannot rank themself")
            yield self.fact(kind, program, value=0.0)
            for rank, key in enumerate(keys, start=1):
                yield self.fact(kind, program, other=key, value=float(rank))

    def comment(self) -> Iterator[Fact]:
        time = _get(self.result, "extensions", VIDEO_TIME)
        seconds = _number(time) if time is not None else None
        if time is not None and (seconds is None or seconds < 0):
            raise _Issue("video-time", "the video time extension must be seconds, 0 or more")
        parent = _get(self.context, "statement", "id")
        reply = isinstance(parent, str)
        mentioned = self.extensions.get(self.t.extension("mentions"))
        mentions: list[str] = []
        for agent in mentioned if isinstance(mentioned, list) else ():
            key = self.agent(agent)
            if key is not None and key not in mentions:
                mentions.append(key)
        for program in self.programs:
            yield self.fact(Kind.REPLY if reply else Kind.COMMENT, program, object=self.object_id,
                            value=seconds, detail=parent.lower() if reply else None)
            for key in mentions:
                yield self.fact(Kind.MENTION, program, other=key, object=self.object_id)

    def level(self, path: str, value: Any) -> float:
        if not _whole(value, 0) or int(value) not in LEVELS:
            raise _Issue("level", f"{path} must be a level, a whole number from 0 to 4")
        return float(value)

    def holder(self) -> str:
        parents = _get(self.context, "contextActivities", "parent")
        activities = [parents] if isinstance(parents, Mapping) else parents or []
        for activity in activities if isinstance(activities, list) else []:
            if isinstance(activity, Mapping) and isinstance(activity.get("id"), str) and _get(
                    activity, "definition", "type") in (self.t.program, self.t.type("role")):
                return str(activity["id"])
        raise _Issue("target-holder", "a target names its program or role in contextActivities.parent")

    def audience(self, value: Any) -> list[str]:
        """An audience: a list of Agents, or a Group with its members."""
        members = value.get("member") if isinstance(value, Mapping) else value
        if not isinstance(members, list) or not members:
            raise _Issue("audience", "the audience extension must be Agents, or a Group with members")
        keys: list[str] = []
        for member in members:
            key = self.agent(member)
            if key is None:
                raise _Issue("audience", "every person of the audience needs an identifier")
            if key not in keys:
                keys.append(key)
        return keys

    def agent(self, value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return None
        key = agent_key(value)
        if key is not None:
            _name(self.named, key, value)
        return key


def _programs(context: Mapping[str, Any], terms: Terms) -> list[str]:
    grouping = _get(context, "contextActivities", "grouping")
    activities = [grouping] if isinstance(grouping, Mapping) else grouping or []
    found: list[str] = []
    for activity in activities if isinstance(activities, list) else []:
        if (isinstance(activity, Mapping) and isinstance(activity.get("id"), str)
                and _get(activity, "definition", "type") == terms.program and activity["id"] not in found):
            found.append(activity["id"])
    return found


def _whole(value: Any, minimum: int) -> bool:
    number = _number(value)
    return number is not None and number.is_integer() and number >= minimum


def _name(named: dict[str, str], key: str, agent: Any) -> None:
    if isinstance(agent, Mapping) and isinstance(agent.get("name"), str) and agent["name"]:
        named.setdefault(key, agent["name"])

