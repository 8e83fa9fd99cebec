"""Which values of a statement are personal, and whose (issue 19 point 1).

The store keeps a statement's personal values encrypted under a key of their
person, so that destroying that key erases them without rewriting the log.
This module only knows *where* those values are and *whose* they are; it does
no cryptography and no storage (`lrs.store.sealing` does).

A person is every identified Agent or Group a statement names: actor, object
(Agent, Group), authority, context instructor and team, xAPI 2.0
contextAgents and contextGroups (9274.1.1 4.2.2.5), a Group's members, and the
same inside a SubStatement (Data 2.4.4.3). What is theirs:

- the Agent's identifier (``mbox``, ``mbox_sha1sum``, ``openid``, ``account``) and ``name``;
- for the actor of a statement (or SubStatement), ``result.response`` and the values
  of the *personal extensions* (a setting: IRIs) in ``context.extensions``,
  ``result.extensions`` and the object Activity's ``definition.extensions``.

Not personal here (documented in docs/PRIVACY.md): an anonymous Group's name, the
response of an anonymous Group actor (no person to hold it), every other field.

`split` returns a *skeleton* (the statement with each personal value replaced by
``None``, so key order survives) and one `Share` per person: the paths of their
values (structure only: keys and list indexes, no personal data) and the values.
`merge` puts the values back at those paths. A share whose values are gone (its
person's key destroyed) is merged as erased: their Agents become `ANONYMOUS`,
their other values are left out.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from xapi.identifiers import CONTEXT_AGENT_LISTS, agent_key

IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_FIELDS = (*IDENTIFIERS, "name")
"""An Agent's (or identified Group's) own personal properties."""

ANONYMOUS_ACCOUNT: dict[str, str] = {"homePage": "https://lrs.invalid/erased", "name": "erased"}
"""The identifier an erased person's Agent is shown with: one fixed account for every
erased person, so nothing tells two of them apart."""

Path = tuple[str | int, ...]
"""Keys and list indexes from the statement's root to a value (the last is its key)."""


@dataclass
class Share:
    """One person's personal values in a statement."""

    agent: dict[str, Any]
    """An Agent object naming the person (its identifier only): what their key is found by."""
    key: str
    """The canonical identifier (`xapi.identifiers.agent_key`), to group their values."""
    paths: list[Path] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)


def split(
    statement: Mapping[str, Any], personal_extensions: frozenset[str] | set[str] = frozenset()
) -> tuple[dict[str, Any], list[Share]]:
    """The skeleton and the shares of a valid statement; ``split`` then `merge`
    gives back an equal statement. The input is not changed."""
    skeleton: dict[str, Any] = _copy(statement)
    shares: dict[str, Share] = {}
    for path, owner, names in _places(skeleton, personal_extensions):
        key = agent_key(owner)
        if key is None:
            continue
        share = shares.get(key)
        if share is None:
            share = shares[key] = Share(agent=_identifier_of(owner), key=key)
        for container_path, container, name in names:
            share.paths.append((*path, *container_path, name))
            share.values.append(container[name])
    # Blank only after every owner was read: an owner's identifier is read from the skeleton.
    for share in shares.values():
        for value_path in share.paths:
            _parent(skeleton, value_path)[value_path[-1]] = None
    return skeleton, list(shares.values())


def merge(skeleton: Mapping[str, Any], shares: Sequence[tuple[Sequence[Path], Sequence[Any] | None]]) -> dict[str, Any]:
    """The statement from its skeleton and each share's (paths, values); values None
    means the person is erased. The skeleton is not changed."""
    statement: dict[str, Any] = _copy(skeleton)
    erased_agents: dict[Path, None] = {}
    removed: list[Path] = []
    for paths, values in shares:
        if values is None:
            for p in paths:
                p = tuple(p)
                if p[-1] in AGENT_FIELDS and _is_agent_path(p):
                    erased_agents[p[:-1]] = None
                else:
                    removed.append(p)
            continue
        for p, value in zip(paths, values, strict=True):
            _parent(statement, p)[p[-1]] = value
    for p in removed:
        _parent(statement, p).pop(p[-1], None)
    for agent_path in erased_agents:
        _anonymise(_at(statement, agent_path))
    return statement


def _copy(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a JSON document: an orjson round trip is ~7x faster than
    `copy.deepcopy` (it is on every stored and every read statement); deepcopy for
    what orjson cannot write (an integer beyond 64 bits)."""
    try:
        copied: dict[str, Any] = orjson.loads(orjson.dumps(document))
    except TypeError:
        return copy.deepcopy(dict(document))
    return copied


def _anonymise(agent: dict[str, Any]) -> None:
    """The Agent with its identifier replaced by `ANONYMOUS_ACCOUNT` at its place, no name."""
    items = list(agent.items())
    agent.clear()
    placed = False
    for name, value in items:
        if name == "name":
            continue
        if name in IDENTIFIERS:
            if not placed:
                agent["account"] = dict(ANONYMOUS_ACCOUNT)
                placed = True
            continue
        agent[name] = value
    if not placed:
        agent["account"] = dict(ANONYMOUS_ACCOUNT)


def _is_agent_path(p: Path) -> bool:
    """Whether the value is an Agent's own property, not an extension's value."""
    return "extensions" not in p


def _identifier_of(agent: Mapping[str, Any]) -> dict[str, Any]:
    for name in IDENTIFIERS:
        if name in agent:
            return {name: copy.deepcopy(agent[name])}
    return {}


def _places(
    statement: dict[str, Any], extensions: frozenset[str] | set[str]
) -> Iterator[tuple[Path, dict[str, Any], list[tuple[Path, dict[str, Any], str]]]]:
    """(path of the owner's part, owner Agent, [(path in that part, container, key)])."""
    yield from _statement_places((), statement, extensions)
    obj = statement.get("object")
    if type(obj) is dict and obj.get("objectType") == "SubStatement":
        yield from _statement_places(("object",), obj, extensions)


def _statement_places(
    root: Path, part: dict[str, Any], extensions: frozenset[str] | set[str]
) -> Iterator[tuple[Path, dict[str, Any], list[tuple[Path, dict[str, Any], str]]]]:
    yield from _agent_places((*root, "actor"), part.get("actor"))
    obj = part.get("object")
    if type(obj) is dict and obj.get("objectType") in ("Agent", "Group"):
        yield from _agent_places((*root, "object"), obj)
    if not root:
        yield from _agent_places(("authority",), part.get("authority"))
    context = part.get("context")
    if type(context) is dict:
        yield from _agent_places((*root, "context", "instructor"), context.get("instructor"))
        yield from _agent_places((*root, "context", "team"), context.get("team"))
        for list_name, inner in CONTEXT_AGENT_LISTS:
            entries = context.get(list_name)
            if type(entries) is list:
                for i, entry in enumerate(entries):
                    if type(entry) is dict:
                        yield from _agent_places((*root, "context", list_name, i, inner), entry.get(inner))
    actor = part.get("actor")
    if type(actor) is dict:
        owned = list(_actor_values(part, extensions))
        if owned:
            yield root, actor, owned


def _actor_values(
    part: dict[str, Any], extensions: frozenset[str] | set[str]
) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """The actor's own values of a statement part: response, personal extensions."""
    result = part.get("result")
    if type(result) is dict:
        if "response" in result:
            yield ("result",), result, "response"
        yield from _extension_values(("result", "extensions"), result.get("extensions"), extensions)
    if extensions:
        context = part.get("context")
        if type(context) is dict:
            yield from _extension_values(("context", "extensions"), context.get("extensions"), extensions)
        obj = part.get("object")
        if type(obj) is dict and obj.get("objectType", "Activity") == "Activity":
            definition = obj.get("definition")
            if type(definition) is dict:
                yield from _extension_values(("object", "definition", "extensions"),
                                             definition.get("extensions"), extensions)


def _extension_values(
    path: Path, values: Any, extensions: frozenset[str] | set[str]
) -> Iterator[tuple[Path, dict[str, Any], str]]:
    if type(values) is dict and extensions:
        for iri in values:
            if iri in extensions:
                yield path, values, iri


def _agent_places(
    path: Path, agent: Any
) -> Iterator[tuple[Path, dict[str, Any], list[tuple[Path, dict[str, Any], str]]]]:
    if type(agent) is not dict:
        return
    here: Path = ()
    own = [(here, agent, name) for name in AGENT_FIELDS if name in agent]
    if own and agent_key(agent) is not None:
        yield path, agent, own
    members = agent.get("member") if agent.get("objectType") == "Group" else None
    if type(members) is list:
        for i, member in enumerate(members):
            yield from _agent_places((*path, "member", i), member)


def _at(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _parent(document: Any, path: Path) -> Any:
    return _at(document, path[:-1])
