"""Activities, their definitions and interaction components (Data 2.4.4.1)."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from xapi.schemas.base import ListOf, Object, Problems, XAPISchema
from xapi.schemas.primitives import (
    IRI,
    IRL,
    Choice,
    Extensions,
    LanguageMap,
    ObjectType,
    String,
)

INTERACTION_TYPES = (
    "true-false", "choice", "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert", "numeric", "other",
)

# Interaction Components: the component lists each interactionType supports.
COMPONENT_LISTS: dict[str, frozenset[str]] = {
    "choice": frozenset({"choices"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
}
ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
INTERACTION_PROPERTIES = ("correctResponsesPattern", *ALL_COMPONENT_LISTS)


class InteractionComponentSchema(XAPISchema):
    """An item of an interaction component list."""

    id = String(required=True)
    description = LanguageMap()


COMPONENT = InteractionComponentSchema()


def component_list() -> ListOf:
    return ListOf(Object(COMPONENT))


class ActivityDefinitionSchema(XAPISchema):
    """Activity Definition, including the Interaction Activity properties."""

    name = LanguageMap()
    description = LanguageMap()
    type = IRI()
    moreInfo = IRL()
    extensions = Extensions()
    interactionType = Choice(INTERACTION_TYPES, "interaction-type")
    correctResponsesPattern = ListOf(String())
    choices = component_list()
    scale = component_list()
    source = component_list()
    target = component_list()
    steps = component_list()

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def interaction_rules(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        problems = Problems()
        kind = original.get("interactionType")
        if "interactionType" not in original:
            used = [key for key in INTERACTION_PROPERTIES if key in original]
            if used:
                problems.add(
                    ("interactionType",),
                    "interaction-type-required",
                    f"an Interaction Activity ({', '.join(used)}) must have an interactionType",
                )
        elif kind in INTERACTION_TYPES:
            supported = COMPONENT_LISTS.get(kind, frozenset())
            for key in ALL_COMPONENT_LISTS:
                if key in original and key not in supported:
                    problems.add(
                        (key,),
                        "interaction-component-list",
                        f'"{key}" is not a component list of a "{kind}" interaction',
                    )
        for key in ALL_COMPONENT_LISTS:
            components = original.get(key)
            if type(components) is list:
                seen: set[str] = set()
                for index, component in enumerate(components):
                    if type(component) is dict and type(component.get("id")) is str:
                        if component["id"] in seen:
                            problems.add(
                                (key, index, "id"),
                                "component-id-unique",
                                f"id {component['id']!r} is used twice in {key}",
                            )
                        seen.add(component["id"])
        problems.raise_any()


class ActivitySchema(XAPISchema):
    """Data 2.4.4.1: an Activity (objectType optional)."""

    objectType = ObjectType("Activity")
    id = IRI(required=True)
    definition = Object(ActivityDefinitionSchema())


ACTIVITY = ActivitySchema()
