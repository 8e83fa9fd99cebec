"""What a statement can be found by: the keys of the statement query index.

The store writes one row per key (statement -> agent, statement -> activity,
...) in the same transaction as the statement, and GET /statements looks the
keys up instead of searching documents (Communication 2.1.3). Everything here
is computed from the statement alone, so the index can be rebuilt from the log
and comes out identical: keys are sorted and deduplicated.

Input statements are expected to be valid (xapi.validation has run).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
CONTEXT_ACTIVITY_TYPES = ("parent", "grouping", "category", "other")
CONTEXT_AGENT_LISTS = (("contextAgents", "agent"), ("contextGroups", "group"))
"""xAPI 2.0 context agents and groups (9274.1.1 4.2.2.5): list name, key of the Agent/Group."""
_MAILTO = "mailto:"


def normalize_mbox(mbox: str) -> str:
    """``mailto:`` IRI with the scheme and the domain in lowercase.

    The domain of an e-mail address is case insensitive (Data 2.4.2.3), the
    local part is not, and URI schemes are case insensitive (RFC 3986 3.1).
    """
    if mbox[: len(_MAILTO)].lower() == _MAILTO:
        mbox = _MAILTO + mbox[len(_MAILTO) :]
    local, at, domain = mbox.rpartition("@")
    if not at:
        return mbox
    return f"{local}@{domain.lower()}"


def agent_key(agent: Mapping[str, Any]) -> str | None:
    """Canonical string of an Agent's or identified Group's IFI; None without one.

    Agents and identified Groups are equal when they use the same IFI with
    equal values (Communication 2.1.3, ``agent``), whatever their objectType
    or name. An anonymous Group has no IFI, hence no key. ``mbox_sha1sum`` is
    lowercased because hex is case insensitive. A ``|`` in an account's
    homePage is percent-encoded so that ``<homePage>|<name>`` splits one way
    only (a valid IRL has it encoded already).
    """
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        return "mbox:" + normalize_mbox(mbox)
    sha1 = agent.get("mbox_sha1sum")
    if isinstance(sha1, str):
        return "mbox_sha1sum:" + sha1.lower()
    openid = agent.get("openid")
    if isinstance(openid, str):
        return "openid:" + openid
    account = agent.get("account")
    if isinstance(account, Mapping):
        home, name = account.get("homePage"), account.get("name")
        if isinstance(home, str) and isinstance(name, str):
            return f"account:{home.replace('|', '%7C')}|{name}"
    return None


@dataclass(frozen=True, slots=True)
class IndexKeys:
    """The keys one statement is found by, each a sorted tuple without repeats."""

    agents: tuple[str, ...]
    """``agent`` filter: the actor and an Agent/Group object, with Group members."""
    related_agents: tuple[str, ...]
    """``agent`` with ``related_agents=true``: also authority, instructor, team, the 2.0
    contextAgents/contextGroups, and the same inside a SubStatement."""
    verb: str
    activities: tuple[str, ...]
    """``activity`` filter: the object, when it is an Activity."""
    related_activities: tuple[str, ...]
    """``activity`` with ``related_activities=true``: also context activities and SubStatement."""
    registration: str | None
    statement_ref: str | None
    """Target of a StatementRef object, for the StatementRef filter rule (Communication 2.1.3)."""
    voids: str | None
    """Target of a voiding statement (Data 2.3.2)."""


def statement_index_keys(statement: Mapping[str, Any]) -> IndexKeys:
    """Index keys of a valid statement (Communication 2.1.3 filters, Data 2.3.2 voiding).

    Group members count as the Group for both agent filters: "Groups that
    have members which match the specified Agent ... are considered a match".
    A contained SubStatement counts only for the ``related_*`` filters.
    UUIDs are lowercased: RFC 4122 makes them case insensitive on input.
    """
    obj: Mapping[str, Any] = statement["object"]
    context: Mapping[str, Any] = statement.get("context") or {}
    object_type = obj.get("objectType", "Activity")

    agents = [*_actor_keys(statement.get("actor")), *_object_agent_keys(obj)]
    related_agents = [
        *agents,
        *_actor_keys(statement.get("authority")),
        *_context_agent_keys(context),
    ]
    activities = [obj["id"]] if object_type == "Activity" else []
    related_activities = [*activities, *_context_activity_ids(context)]
    if object_type == "SubStatement":
        sub_context: Mapping[str, Any] = obj.get("context") or {}
        related_agents += [
            *_actor_keys(obj.get("actor")),
            *_object_agent_keys(obj.get("object") or {}),
            *_context_agent_keys(sub_context),
        ]
        sub_object = obj.get("object") or {}
        if sub_object.get("objectType", "Activity") == "Activity" and "id" in sub_object:
            related_activities.append(sub_object["id"])
        related_activities += _context_activity_ids(sub_context)

    ref = obj["id"].lower() if object_type == "StatementRef" else None
    registration = context.get("registration")
    verb_id: str = statement["verb"]["id"]
    return IndexKeys(
        agents=_sorted(agents),
        related_agents=_sorted(related_agents),
        verb=verb_id,
        activities=_sorted(activities),
        related_activities=_sorted(related_activities),
        registration=registration.lower() if isinstance(registration, str) else None,
        statement_ref=ref,
        voids=ref if verb_id == VOIDED else None,
    )


def _actor_keys(actor: Any) -> Iterator[str]:
    """The key of an Agent or Group and the keys of a Group's members."""
    if not isinstance(actor, Mapping):
        return
    key = agent_key(actor)
    if key is not None:
        yield key
    if actor.get("objectType") == "Group":
        for member in actor.get("member") or ():
            if isinstance(member, Mapping) and (member_key := agent_key(member)):
                yield member_key


def _object_agent_keys(obj: Mapping[str, Any]) -> Iterator[str]:
    if obj.get("objectType") in ("Agent", "Group"):
        yield from _actor_keys(obj)


def _context_agent_keys(context: Mapping[str, Any]) -> Iterator[str]:
    """instructor, team and, from xAPI 2.0, each ``contextAgents[].agent`` and
    ``contextGroups[].group`` with its members (9274.1.1 4.1.6.1 ``related_agents``)."""
    yield from _actor_keys(context.get("instructor"))
    yield from _actor_keys(context.get("team"))
    for name, inner in CONTEXT_AGENT_LISTS:
        for item in context.get(name) or ():
            if isinstance(item, Mapping):
                yield from _actor_keys(item.get(inner))


def _context_activity_ids(context: Mapping[str, Any]) -> list[str]:
    """Ids in contextActivities, whose values may be one Activity or a list (Data 2.4.6.2)."""
    ids: list[str] = []
    context_activities = context.get("contextActivities") or {}
    for kind in CONTEXT_ACTIVITY_TYPES:
        value = context_activities.get(kind)
        for activity in [value] if isinstance(value, Mapping) else value or ():
            if isinstance(activity, Mapping) and isinstance(activity.get("id"), str):
                ids.append(activity["id"])
    return ids


def _sorted(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(keys)))
