"""The ``format`` of returned statements and the language of canonical ones.

Communication 2.1.3 ``format``: ``exact`` returns the statement as received
(plus what the LRS assigned), ``ids`` only what identifies its Agents,
Groups, Activities and Verbs, ``canonical`` the Activities and Verbs as the
LRS knows them with one language per language map, chosen by the request's
Accept-Language header ("Language Filtering Requirements for Canonical
Format Statements").

Statements are not changed: a formatted statement is a new dict that may
share unchanged parts with the stored one, so treat results as read-only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from xapi.identifiers import CONTEXT_AGENT_LISTS
from xapi.versions import XAPIVersion

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")

_LANGUAGE_RANGE = re.compile(r"\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_QUALITY = re.compile(r"[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)")


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges of an Accept-Language header, most wanted first (RFC 2616 14.4).

    Ranges keep the order they were sent in among equal qualities; ``q=0``
    ("not acceptable") and malformed entries are dropped rather than failing
    the request, since the header only steers a choice.
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        language_range, *params = (part.strip() for part in item.split(";"))
        if not _LANGUAGE_RANGE.fullmatch(language_range):
            continue
        quality = 1.0
        for param in params:
            if param[:2] in ("q=", "Q="):
                match = _QUALITY.fullmatch(param)
                quality = float(match[1]) if match else -1.0
        if quality > 0:
            weighted.append((-quality, position, language_range))
    return [language_range for _, _, language_range in sorted(weighted)]


def format_statement(
    statement: Mapping[str, Any],
    fmt: str,
    languages: Sequence[str] = (),
    *,
    activity_definitions: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The statement in format `fmt` (``exact``, ``ids`` or ``canonical``).

    - ``exact``: as stored (the same dict when given a dict: no copy per row).
    - ``ids``: Agents keep objectType and their IFI; identified Groups
      objectType and IFI (no members, no name); anonymous Groups objectType
      and their members reduced like Agents; Activities only ``id``; Verbs
      only ``id``. StatementRefs and everything else (result, context values,
      timestamps, attachments) are kept. Applies to actor, object, authority,
      context instructor/team/contextActivities, and inside a SubStatement.
    - ``canonical``: each Activity gets its canonical definition from
      `activity_definitions` (by id) when the LRS has one, else the one in the
      statement; then every language map in verb ``display``, activity
      ``name``/``description``, interaction component ``description`` and
      attachment ``display``/``description`` is reduced to the one language
      that best fits `languages` (see `parse_accept_language`). Agents and
      Groups are returned as in ``exact``.
    """
    if fmt == "exact":
        return statement if isinstance(statement, dict) else dict(statement)
    if fmt == "ids":
        return _ids_statement(statement)
    if fmt == "canonical":
        return _Canonical(languages, activity_definitions or {}).statement(statement)
    raise ValueError(f"unknown statement format {fmt!r}")


# ------------------------------------------------------ statements of another version


def for_version(statement: dict[str, Any], version: XAPIVersion) -> dict[str, Any]:
    """The statement as a client of `version` may read it: the LRS's strict mode.

    A statement stored under 2.0 may hold what 1.0.3 does not define. Under a
    version without context agents, ``contextAgents`` and ``contextGroups``
    are dropped (from a SubStatement's context too), and a ``version`` that
    the client's rules would refuse becomes the version's default (``2.0.0``
    -> ``1.0.0``). What 2.0 only changed in form (a UTC timestamp, a duration
    to 0.01 s) is valid 1.0.3 and kept. The statement is returned as is when
    nothing changes, and is never changed in place.
    """
    out = statement
    stated = statement.get("version")
    if isinstance(stated, str) and not version.accepts_statement_version(stated):
        out = {**out, "version": version.default_statement_version}
    if not version.context_agents:
        out = _without_context_agents(out)
    return out


def _without_context_agents(doc: dict[str, Any]) -> dict[str, Any]:
    out = doc
    context = doc.get("context")
    if isinstance(context, Mapping) and any(name in context for name, _ in CONTEXT_AGENT_LISTS):
        kept = {k: v for k, v in context.items() if k not in dict(CONTEXT_AGENT_LISTS)}
        out = {**out, "context": kept}
        if not kept:
            del out["context"]
    obj = doc.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        sub = _without_context_agents(obj)
        if sub is not obj:
            out = {**out, "object": sub}
    return out


# ------------------------------------------------------------------------ ids


def _ids_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    for name in ("actor", "authority"):
        if name in out:
            out[name] = _ids_agent(out[name])
    if isinstance(out.get("verb"), Mapping):
        out["verb"] = {"id": out["verb"]["id"]}
    if "object" in out:
        out["object"] = _ids_object(out["object"])
    if isinstance(out.get("context"), Mapping):
        out["context"] = _ids_context(out["context"])
    return out


def _ids_agent(agent: Any) -> Any:
    """objectType (when present) and the IFI; an anonymous Group's members instead of an IFI.

    The conformance suite expects an identified Group with exactly two
    properties: objectType and its IFI.
    """
    if not isinstance(agent, Mapping):
        return agent
    out = {name: agent[name] for name in ("objectType", *IFIS) if name in agent}
    if agent.get("objectType") == "Group" and not any(ifi in agent for ifi in IFIS):
        out["member"] = [_ids_agent(member) for member in agent.get("member") or ()]
    return out


def _ids_activity(activity: Any) -> Any:
    """Only the id: the conformance suite expects an Activity with one property."""
    if not isinstance(activity, Mapping):
        return activity
    return {"id": activity["id"]}


def _ids_object(obj: Any) -> Any:
    if not isinstance(obj, Mapping):
        return obj
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _ids_activity(obj)
    if object_type in ("Agent", "Group"):
        return _ids_agent(obj)
    if object_type == "SubStatement":
        return _ids_statement(obj)
    return obj


def _ids_context(context: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(context)
    for name in ("instructor", "team"):
        if name in out:
            out[name] = _ids_agent(out[name])
    if isinstance(out.get("contextActivities"), Mapping):
        out["contextActivities"] = _map_context_activities(out["contextActivities"], _ids_activity)
    # 9274.1.1 4.2.2.5: the Agent or Group of a context agent is reduced like any other.
    for name, inner in CONTEXT_AGENT_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [
                {**item, inner: _ids_agent(item.get(inner))} if isinstance(item, Mapping) else item
                for item in out[name]
            ]
    return out


def _map_context_activities(context_activities: Mapping[str, Any], change: Any) -> dict[str, Any]:
    """Apply `change` to each Activity, keeping a single Activity single and a list a list."""
    return {
        kind: [change(a) for a in value] if isinstance(value, list) else change(value)
        for kind, value in context_activities.items()
    }


# ------------------------------------------------------------------ canonical


class _Canonical:
    """Canonical formatting for one request: its languages and known definitions."""

    def __init__(
        self, languages: Sequence[str], definitions: Mapping[str, Mapping[str, Any]]
    ) -> None:
        self.languages = list(languages)
        self.definitions = definitions

    def statement(self, statement: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(statement)
        if isinstance(out.get("verb"), Mapping):
            out["verb"] = self.verb(out["verb"])
        if "object" in out:
            out["object"] = self.object(out["object"])
        if isinstance(out.get("context"), Mapping) and isinstance(
            out["context"].get("contextActivities"), Mapping
        ):
            out["context"] = {
                **out["context"],
                "contextActivities": _map_context_activities(
                    out["context"]["contextActivities"], self.activity
                ),
            }
        if isinstance(out.get("attachments"), list):
            out["attachments"] = [self.attachment(a) for a in out["attachments"]]
        return out

    def verb(self, verb: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(verb)
        if "display" in out:
            out["display"] = self.language_map(out["display"])
        return out

    def object(self, obj: Any) -> Any:
        if not isinstance(obj, Mapping):
            return obj
        object_type = obj.get("objectType", "Activity")
        if object_type == "Activity":
            return self.activity(obj)
        if object_type == "SubStatement":
            return self.statement(obj)
        return obj

    def activity(self, activity: Any) -> Any:
        if not isinstance(activity, Mapping):
            return activity
        definition: Any = activity.get("definition")
        activity_id = activity.get("id")
        if isinstance(activity_id, str):
            definition = self.definitions.get(activity_id, definition)
        if not isinstance(definition, Mapping):
            return activity
        return {**activity, "definition": self.definition(definition)}

    def definition(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(definition)
        for name in ("name", "description"):
            if name in out:
                out[name] = self.language_map(out[name])
        for name in INTERACTION_COMPONENT_LISTS:
            if isinstance(out.get(name), list):
                out[name] = [self.component(c) for c in out[name]]
        return out

    def component(self, component: Any) -> Any:
        if not isinstance(component, Mapping) or "description" not in component:
            return component
        return {**component, "description": self.language_map(component["description"])}

    def attachment(self, attachment: Any) -> Any:
        if not isinstance(attachment, Mapping):
            return attachment
        out = dict(attachment)
        for name in ("display", "description"):
            if name in out:
                out[name] = self.language_map(out[name])
        return out

    def language_map(self, language_map: Any) -> Any:
        if not isinstance(language_map, Mapping) or not language_map:
            return language_map
        tag = best_language(language_map.keys(), self.languages)
        return {tag: language_map[tag]}


def best_language(tags: Iterable[str], languages: Sequence[str]) -> str:
    """The tag of a language map that best fits the wanted `languages`.

    For each wanted range, most wanted first: the same tag, else a more
    specific tag (``en`` takes ``en-GB``, RFC 2616 14.4), else a less
    specific one (``en-GB`` takes ``en``, RFC 4647 lookup); ``*`` takes
    anything. Failing that, a tag with the same primary language (``en-GB``
    takes ``en-US``) for any wanted range. Failing that, the map's first tag:
    the specification asks for one language, not for the request to fail.
    Tags compare case-insensitively (RFC 5646).
    """
    available = list(tags)
    if not available:
        raise ValueError("empty language map")
    by_lower: dict[str, str] = {}
    for tag in available:
        by_lower.setdefault(tag.lower(), tag)
    for language_range in languages:
        wanted = language_range.lower()
        if wanted == "*":
            return available[0]
        if wanted in by_lower:
            return by_lower[wanted]
        for lower, tag in by_lower.items():
            if lower.startswith(wanted + "-"):
                return tag
        subtags = wanted.split("-")
        while len(subtags) > 1:
            subtags.pop()
            if (shorter := "-".join(subtags)) in by_lower:
                return by_lower[shorter]
    for language_range in languages:
        primary = language_range.lower().split("-")[0]
        for lower, tag in by_lower.items():
            if lower.split("-")[0] == primary:
                return tag
    return available[0]
