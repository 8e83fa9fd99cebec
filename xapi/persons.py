"""Person objects (Communication 2.4), from the Agents seen in statements.

An Agent in a statement has exactly one identifier, so statements alone never
say that two identifiers are one person, with one exception this module
uses: an ``mbox_sha1sum`` is the SHA-1 of an ``mbox`` IRI, so an Agent known
by an mbox and one known by its hash are the same. A Person combines the
requested identifier, the other identifier linked to it that way, and every
name the statements gave them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from xapi import parameters

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def agents_in(statement: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every identified Agent (not Group) of a valid statement, Group members included.

    Actor, object, authority, context instructor and team, and the same in a
    SubStatement. (Statements are parsed JSON: objects are dicts.)
    """
    yield from _in_parts(statement)
    obj = statement.get("object")
    if type(obj) is dict and obj.get("objectType") == "SubStatement":
        yield from _in_parts(obj)


def _in_parts(statement: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from _agents(statement.get("actor"))
    obj = statement.get("object")
    if type(obj) is dict and obj.get("objectType") in ("Agent", "Group"):
        yield from _agents(obj)
    yield from _agents(statement.get("authority"))
    context = statement.get("context")
    if type(context) is dict:
        yield from _agents(context.get("instructor"))
        yield from _agents(context.get("team"))


def _agents(actor: Any) -> Iterator[Mapping[str, Any]]:
    if type(actor) is not dict:
        return
    if actor.get("objectType") == "Group":
        for member in actor.get("member") or ():
            yield from _agents(member)
    elif "mbox" in actor or "mbox_sha1sum" in actor or "openid" in actor or "account" in actor:
        yield actor


def identifier(agent: Mapping[str, Any]) -> dict[str, Any]:
    """The identifying property of an Agent, alone: ``{"mbox": "mailto:..."}``."""
    for name in IFIS:
        if name in agent:
            value = agent[name]
            if name == "account" and isinstance(value, Mapping):
                value = {"homePage": value.get("homePage"), "name": value.get("name")}
            return {name: value}
    raise ValueError("the Agent has no identifier")


def mbox_sha1(mbox: str) -> str:
    """The ``mbox_sha1sum`` of an mbox IRI (Data 2.4.2.3)."""
    return hashlib.sha1(mbox.encode("utf-8")).hexdigest()


def person(
    agent: Mapping[str, Any], known: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, Any]:
    """The Person object for the requested Agent and what is known of it.

    `known` holds (name, identifier) pairs seen in statements for the
    Agent's identifier and the identifiers linked to it ("" when no name).
    Every property is an array with the requested Agent's values first, and
    each value appears once (Communication 2.4: "each property MUST occur
    only once"); properties without values are left out.
    """
    names: list[str] = []
    identifiers: dict[str, list[Any]] = {name: [] for name in IFIS}

    def add(name: str, ifi: Mapping[str, Any]) -> None:
        if name and name not in names:
            names.append(name)
        for kind, value in ifi.items():
            if kind in identifiers and value not in identifiers[kind]:
                identifiers[kind].append(value)

    requested_name = agent.get("name")
    add(requested_name if isinstance(requested_name, str) else "", identifier(agent))
    for name, ifi in sorted(known, key=lambda entry: (entry[0], sorted(entry[1]))):
        add(name, ifi)
    result: dict[str, Any] = {"objectType": "Person"}
    if names:
        result["name"] = names
    for kind in IFIS:
        if identifiers[kind]:
            result[kind] = identifiers[kind]
    return result


def parse_agents_request(args: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The ``agent`` of a GET on the Agents resource (Communication 2.4): a valid Agent, not a Group."""
    values, errors = parameters.single_values(args, ["agent"], ["agent"])
    parsed, problems = parameters.parse_each(values, {"agent": parameters.agent})
    errors += problems
    if errors:
        raise parameters.rejected("Agents request", errors)
    agent: dict[str, Any] = parsed["agent"]
    return agent
