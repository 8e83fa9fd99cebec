"""The mentoring profile: its vocabulary, and what one statement says in its terms.

`docs/profile/README.md` defines the profile; `docs/profile/mentoring.jsonld`
is its machine-readable form (a test checks the two agree with this module).
`facts` is pure: a statement in, the facts the mentoring views need out (none
for a statement outside the profile), so the views can be rebuilt from the log
and come out identical, and a simulator can compute the same figures without
this code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any

from xapi.identifiers import agent_key
from xapi.prepare import epoch_us, parse_timestamp

DEFAULT_BASE = "https://mentoring.example.org/xapi"

# Registered vocabulary reused by the profile.
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
REGISTERED = ADL_VERBS + "registered"
ATTENDED = ADL_VERBS + "attended"
INITIALIZED = ADL_VERBS + "initialized"
TERMINATED = ADL_VERBS + "terminated"
COMPLETED = ADL_VERBS + "completed"
COMMENTED = ADL_VERBS + "commented"
VOIDED = ADL_VERBS + "voided"
VIDEO_PLAYED = "https://w3id.org/xapi/video/verbs/played"
MEETING = "http://adlnet.gov/expapi/activities/meeting"
VIDEO = "https://w3id.org/xapi/video/activity-type/video"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"

ROLES = ("mentor", "mentee")

TEXT_LIMIT = 2000
"""Most characters of a comment's or feedback's text (``result.response``) the views
keep: enough to read, bounded whatever a client posts; longer texts are cut."""


@dataclass(frozen=True)
class Vocabulary:
    """Every IRI the views recognise; the minted ones hang off ``base``."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    @property
    def program(self) -> str:
        return f"{self.base}/activity-types/program"

    @property
    def goal(self) -> str:
        return f"{self.base}/activity-types/goal"

    @property
    def paired_with(self) -> str:
        return f"{self.base}/verbs/paired-with"

    @property
    def set_goal(self) -> str:
        return f"{self.base}/verbs/set-goal"

    @property
    def gave_feedback(self) -> str:
        return f"{self.base}/verbs/gave-feedback"

    @property
    def role(self) -> str:
        return f"{self.base}/extensions/role"

    @property
    def mentions(self) -> str:
        return f"{self.base}/extensions/mentions"

    @property
    def target_date(self) -> str:
        return f"{self.base}/extensions/target-date"

    @property
    def recipient(self) -> str:
        return f"{self.base}/extensions/recipient"

    def minted(self) -> dict[str, str]:
        """The IRIs minted under the base, by the kind of concept they are."""
        return {
            self.paired_with: "Verb",
            self.set_goal: "Verb",
            self.gave_feedback: "Verb",
            self.program: "ActivityType",
            self.goal: "ActivityType",
            self.role: "ContextExtension",
            self.mentions: "ContextExtension",
            self.target_date: "ContextExtension",
            self.recipient: "ContextExtension",
        }

    def registered(self) -> dict[str, str]:
        """The registered IRIs the profile reuses, by kind."""
        return {
            REGISTERED: "Verb",
            ATTENDED: "Verb",
            INITIALIZED: "Verb",
            VIDEO_PLAYED: "Verb",
            TERMINATED: "Verb",
            COMPLETED: "Verb",
            COMMENTED: "Verb",
            MEETING: "ActivityType",
            VIDEO: "ActivityType",
            VIDEO_PROGRESS: "ResultExtension",
        }


class Kind(IntEnum):
    """What a fact records (the ``kind`` column of ``mentoring_fact``)."""

    ENROLLED_MENTOR = 1
    ENROLLED_MENTEE = 2
    PAIRING = 3
    """actor: the mentor, other: the mentee."""
    SESSION = 4
    """actor: the mentee, other: the mentor (instructor) or none, object: the session."""
    VIDEO_STARTED = 5
    VIDEO_PROGRESS = 6
    """seconds: time watched in that viewing, value: progress (0..1)."""
    VIDEO_COMPLETED = 7
    COMMENT = 8
    """A comment that replies to none (object: what it is about)."""
    REPLY = 9
    """A comment with ``context.statement``."""
    MENTION = 10
    """other: an Agent a comment mentions (one fact per Agent)."""
    GOAL_SET = 11
    """object: the goal, detail: the target date (``YYYY-MM-DD``) or none."""
    GOAL_MET = 12
    FEEDBACK = 13
    """other: the recipient or none, object: what it is about, value: the rating."""


VIDEO_KINDS = (Kind.VIDEO_STARTED, Kind.VIDEO_PROGRESS, Kind.VIDEO_COMPLETED)
COMMENT_KINDS = (Kind.COMMENT, Kind.REPLY)
STATEMENT_KINDS = tuple(k for k in Kind if k is not Kind.MENTION)
"""Kinds of which a statement yields exactly one fact per program (MENTION adds more)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a profile statement says about one program."""

    program: str
    kind: Kind
    actor: str
    """Agent key (`xapi.identifiers.agent_key`) of the statement's actor."""
    timestamp_us: int
    other: str | None = None
    object: str | None = None
    seconds: float | None = None
    value: float | None = None
    detail: str | None = None
    text: str | None = None
    """A comment's or feedback's ``result.response``, cut to `TEXT_LIMIT` characters."""


TEXT_KINDS = (Kind.COMMENT, Kind.REPLY, Kind.FEEDBACK)
"""Kinds whose fact keeps the statement's text."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What the views take from one statement."""

    facts: tuple[Fact, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    """(agent key, name) of each named Agent in the facts, for display."""
    programs: tuple[tuple[str, str | None], ...] = ()
    """(program IRI, its English or first name) for each program the statement names."""
    voids: str | None = None
    """The statement id a voiding statement voids (lowercase)."""


NOTHING = Reading()


def read_statement(statement: Mapping[str, Any], vocabulary: Vocabulary) -> Reading:
    """The profile's reading of one valid statement; `NOTHING` outside the profile.

    A voiding statement is read for its target only: voiding applies to every
    view whatever the voided statement was.
    """
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
    context = statement.get("context")
    if actor_key is None or not isinstance(context, Mapping):
        return NOTHING
    programs = _programs(context, vocabulary)
    timestamp = statement.get("timestamp")
    if not programs or not isinstance(timestamp, str):
        return NOTHING
    try:
        ts = epoch_us(parse_timestamp(timestamp))
    except ValueError:
        return NOTHING
    shapes = list(_shapes(statement, verb, obj, context, vocabulary, [p for p, _ in programs]))
    if not shapes:
        return NOTHING
    facts: list[Fact] = []
    named: dict[str, str] = {}
    _name(named, actor_key, actor)
    response = _response(statement.get("result"))
    for shape in shapes:
        kind, other, other_agent, target, seconds, value, detail, only = shape
        if other is not None:
            _name(named, other, other_agent)
        text = response if kind in TEXT_KINDS else None
        for program, _ in programs:
            if only is not None and program != only:
                continue
            facts.append(Fact(program, kind, actor_key, ts, other, target, seconds, value, detail, text))
    return Reading(tuple(facts), tuple(named.items()), tuple(programs))


_Shape = tuple[Kind, str | None, Any, str | None, float | None, float | None, str | None, str | None]


def _shapes(
    statement: Mapping[str, Any],
    verb: str,
    obj: Mapping[str, Any],
    context: Mapping[str, Any],
    v: Vocabulary,
    programs: Sequence[str],
) -> Iterator[_Shape]:
    """(kind, other, other Agent, object, seconds, value, detail, only-for-program) per fact."""
    result = _mapping(statement.get("result"))
    extensions = _mapping(context.get("extensions"))
    object_id = obj.get("id") if isinstance(obj.get("id"), str) else None
    is_activity = obj.get("objectType", "Activity") == "Activity" and object_id is not None
    activity_type = _get(obj, "definition", "type") if is_activity else None

    if verb == REGISTERED and is_activity and object_id in programs:
        role = extensions.get(v.role)
        if role in ROLES:
            kind = Kind.ENROLLED_MENTOR if role == "mentor" else Kind.ENROLLED_MENTEE
            yield kind, None, None, object_id, None, None, None, object_id
    elif verb == v.paired_with and obj.get("objectType") == "Agent":
        mentee = agent_key(obj)
        if mentee is not None:
            yield Kind.PAIRING, mentee, obj, None, None, None, None, None
    elif verb == ATTENDED and activity_type == MEETING:
        instructor = context.get("instructor")
        mentor = agent_key(instructor) if isinstance(instructor, Mapping) else None
        seconds = duration_seconds(result.get("duration"))
        yield Kind.SESSION, mentor, instructor, object_id, seconds or 0.0, None, None, None
    elif activity_type == VIDEO and verb in (INITIALIZED, VIDEO_PLAYED):
        yield Kind.VIDEO_STARTED, None, None, object_id, None, None, None, None
    elif activity_type == VIDEO and verb == TERMINATED:
        seconds = duration_seconds(result.get("duration"))
        progress = _number(_get(result, "extensions", VIDEO_PROGRESS))
        if progress is not None and not 0 <= progress <= 1:
            progress = None
        yield Kind.VIDEO_PROGRESS, None, None, object_id, seconds or 0.0, progress, None, None
    elif activity_type == VIDEO and verb == COMPLETED:
        yield Kind.VIDEO_COMPLETED, None, None, object_id, None, None, None, None
    elif verb == COMMENTED and is_activity:
        reply = isinstance(context.get("statement"), Mapping)
        yield Kind.REPLY if reply else Kind.COMMENT, None, None, object_id, None, None, None, None
        mentioned = extensions.get(v.mentions)
        seen: set[str] = set()
        for agent in mentioned if isinstance(mentioned, list) else ():
            key = agent_key(agent) if isinstance(agent, Mapping) else None
            if key is not None and key not in seen:
                seen.add(key)
                yield Kind.MENTION, key, agent, object_id, None, None, None, None
    elif verb == v.set_goal and activity_type == v.goal:
        target = extensions.get(v.target_date)
        yield Kind.GOAL_SET, None, None, object_id, None, None, _iso_date(target), None
    elif verb == COMPLETED and activity_type == v.goal:
        yield Kind.GOAL_MET, None, None, object_id, None, None, None, None
    elif verb == v.gave_feedback and is_activity:
        recipient_agent = extensions.get(v.recipient)
        recipient = agent_key(recipient_agent) if isinstance(recipient_agent, Mapping) else None
        rating = _number(_get(result, "score", "raw"))
        if rating is not None and not 1 <= rating <= 5:
            rating = None
        yield Kind.FEEDBACK, recipient, recipient_agent, object_id, None, rating, None, None


def _programs(context: Mapping[str, Any], v: Vocabulary) -> list[tuple[str, str | None]]:
    """Grouping Activities whose type is the program type (Data 2.4.6.2: one or a list)."""
    grouping = _get(context, "contextActivities", "grouping")
    activities = [grouping] if isinstance(grouping, Mapping) else grouping or []
    found: dict[str, str | None] = {}
    for activity in activities if isinstance(activities, list) else []:
        if not isinstance(activity, Mapping) or not isinstance(activity.get("id"), str):
            continue
        if _get(activity, "definition", "type") == v.program:
            found.setdefault(activity["id"], _display(_get(activity, "definition", "name")))
    return list(found.items())


def _display(names: Any) -> str | None:
    """A language map's English (en-US, en, any en-*) or else first entry."""
    if not isinstance(names, Mapping) or not names:
        return None
    for tag in ("en-US", "en", *sorted(t for t in names if t.lower().startswith("en"))):
        if isinstance(names.get(tag), str):
            return str(names[tag])
    first = next(iter(names.values()))
    return first if isinstance(first, str) else None


def _name(named: dict[str, str], key: str, agent: Any) -> None:
    if isinstance(agent, Mapping) and isinstance(agent.get("name"), str) and agent["name"]:
        named.setdefault(key, agent["name"])


def _response(result: Any) -> str | None:
    """``result.response`` (Data 2.4.5), cut to `TEXT_LIMIT`; None when absent or empty."""
    response = _get(result, "response")
    if not isinstance(response, str) or not response:
        return None
    return response[:TEXT_LIMIT]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _get(doc: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(doc, Mapping):
            return None
        doc = doc.get(part)
    return doc


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> str | None:
    """A target date ``YYYY-MM-DD``; anything else counts as no target date."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        date.fromisoformat(value)
    except ValueError:
        return None
    return value


_DURATION = re.compile(
    r"P(?:(?P<W>[\d.,]+)W|(?:(?P<Y>[\d.,]+)Y)?(?:(?P<Mo>[\d.,]+)M)?(?:(?P<D>[\d.,]+)D)?"
    r"(?:T(?:(?P<H>[\d.,]+)H)?(?:(?P<Mi>[\d.,]+)M)?(?:(?P<S>[\d.,]+)S)?)?)",
    re.ASCII,
)
_SECONDS = {"W": 7 * 86400, "Y": 365 * 86400, "Mo": 30 * 86400, "D": 86400, "H": 3600, "Mi": 60, "S": 1}


def duration_seconds(value: Any) -> float | None:
    """Seconds in an ISO 8601 duration (Data 4.6); a year is 365 days, a month 30.

    None when absent or not a duration."""
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value)
    if match is None or value in ("P", "PT"):
        return None
    total = 0.0
    for part, seconds in _SECONDS.items():
        text = match[part]
        if text is not None:
            try:
                total += float(text.replace(",", ".")) * seconds
            except ValueError:
                return None
    return total


# --- agents as keys and back ------------------------------------------------------


def agent_from_key(key: str) -> dict[str, Any]:
    """The Agent object (IFI only) of an `agent_key`, for answers."""
    kind, _, value = key.partition(":")
    if kind == "account":
        home, _, name = value.partition("|")
        return {"objectType": "Agent", "account": {"homePage": home.replace("%7C", "|"), "name": name}}
    if kind in ("mbox", "mbox_sha1sum", "openid"):
        return {"objectType": "Agent", kind: value}
    raise ValueError(f"not an agent key: {key!r}")
