"""Canonical Activity definitions, from the definitions seen in statements.

Data 2.4.4.1: the same Activity id always means the same Activity, and an LRS
that receives a definition differing from the one it has SHOULD update its
canonical definition when it trusts the provider, MAY make small corrections,
and SHOULD NOT make significant changes "e.g. changes to correct responses".
Communication 2.5 (and the conformance suite, XAPI-00254): the Activities
resource returns all the information available, e.g. the languages of two
statements' names together.

So every definition given for an id is kept (`activities_in`), and the
canonical one is them merged oldest first (`merge_definitions`):

- ``name``, ``description`` and ``extensions``: merged key by key (language
  or extension IRI), the newer value winning;
- ``type`` and ``moreInfo``: the newest;
- ``interactionType`` and ``correctResponsesPattern``: the first given (a
  change would be significant);
- interaction components (``choices``, ``scale``, ``source``, ``target``,
  ``steps``): the first list given, each component's ``description`` merged by
  language with later descriptions of the same component id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import orjson

from xapi import parameters

CONTEXT_ACTIVITY_TYPES = ("parent", "grouping", "category", "other")
LANGUAGE_MAPS = ("name", "description")
KEPT_FIRST = ("interactionType", "correctResponsesPattern")
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def activities_in(statement: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(id, definition) of each Activity of a valid statement that has a definition.

    The object, the context activities, and the same inside a SubStatement.
    (Statements are parsed JSON: objects are dicts.)
    """
    yield from _in_parts(statement)
    obj = statement.get("object")
    if type(obj) is dict and obj.get("objectType") == "SubStatement":
        yield from _in_parts(obj)


def _in_parts(statement: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    obj = statement.get("object")
    if type(obj) is dict and obj.get("objectType", "Activity") == "Activity":
        yield from _defined(obj)
    context = statement.get("context")
    context_activities = context.get("contextActivities") if type(context) is dict else None
    if type(context_activities) is dict:
        for kind in CONTEXT_ACTIVITY_TYPES:
            value = context_activities.get(kind)
            for activity in [value] if type(value) is dict else value or ():
                yield from _defined(activity)


def _defined(activity: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if type(activity) is dict:
        definition = activity.get("definition")
        if type(definition) is dict and definition and type(activity.get("id")) is str:
            yield activity["id"], definition


def definition_digest(definition: Mapping[str, Any]) -> str:
    """A definition's identity: the SHA-1 of its JSON with sorted keys."""
    return hashlib.sha1(orjson.dumps(definition, option=orjson.OPT_SORT_KEYS)).hexdigest()


def merge_definitions(
    definitions: Sequence[Mapping[str, Any]],
    first_given: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The canonical definition (see the module).

    `definitions` are ordered by their latest appearance, oldest first;
    `first_given` are the same ordered by their first appearance (by default
    the same order): interaction properties come from the first definition
    that had them.
    """
    merged: dict[str, Any] = {}
    for definition in definitions:
        for key, value in definition.items():
            if key in KEPT_FIRST or key in COMPONENT_LISTS:
                continue
            if (key in LANGUAGE_MAPS or key == "extensions") and isinstance(value, Mapping):
                old = merged.get(key)
                merged[key] = {**old, **value} if isinstance(old, Mapping) else dict(value)
            else:
                merged[key] = value
    for definition in first_given if first_given is not None else definitions:
        for key in (*KEPT_FIRST, *COMPONENT_LISTS):
            if key in definition and key not in merged:
                merged[key] = definition[key]
    for key in COMPONENT_LISTS:
        if isinstance(merged.get(key), list):
            merged[key] = _merge_component_descriptions(merged[key], definitions, key)
    return merged


def _merge_component_descriptions(
    kept: list[Any], definitions: Sequence[Mapping[str, Any]], key: str
) -> list[Any]:
    """Each kept component's description merged by language with later ones of the same id."""
    result = []
    for component in kept:
        if isinstance(component, Mapping) and "id" in component:
            description: dict[str, Any] = {}
            for definition in definitions:
                for other in definition.get(key) or ():
                    if (
                        isinstance(other, Mapping)
                        and other.get("id") == component["id"]
                        and isinstance(other.get("description"), Mapping)
                    ):
                        description.update(other["description"])
            if description or "description" in component:
                component = {
                    **component,
                    "description": {**(component.get("description") or {}), **description},
                }
        result.append(component)
    return result


def canonical_activity(
    activity_id: str,
    definitions: Sequence[Mapping[str, Any]],
    first_given: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Activity object the Activities resource returns (Communication 2.5).

    Without any definition it is still an Activity object, with only its id
    ("SHOULD* still return an Activity Object").
    """
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition = merge_definitions(definitions, first_given)
    if definition:
        activity["definition"] = definition
    return activity


def parse_activity_request(args: Mapping[str, Sequence[str]]) -> str:
    """The ``activityId`` of a GET on the Activities resource (Communication 2.5): an IRI."""
    values, errors = parameters.single_values(args, ["activityId"], ["activityId"])
    parsed, problems = parameters.parse_each(values, {"activityId": parameters.iri})
    errors += problems
    if errors:
        raise parameters.rejected("Activities request", errors)
    activity_id: str = parsed["activityId"]
    return activity_id
