"""The Context and its contextActivities (Data 2.4.6)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.schemas.activities import ACTIVITY
from xapi.schemas.agents import AGENT, GROUP, actor_field
from xapi.schemas.base import NOT_OBJECT, ListOf, Object, Violation, XAPISchema, XField
from xapi.schemas.objects import STATEMENT_REF
from xapi.schemas.primitives import (
    IRI,
    UUID,
    Extensions,
    LanguageTag,
    ObjectType,
    String,
)

NOT_ACTIVITIES = Violation("type", "must be an Activity object or an array of Activity objects")


class ActivityOrArray(XField):
    """Data 2.4.6.2: a single Activity (0.95 style) or an array of Activities."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is dict:
            errors = ACTIVITY.check(value)
            if errors:
                raise ValidationError(errors)
        elif type(value) is list:
            found: dict[int, Any] = {}
            for index, item in enumerate(value):
                if type(item) is not dict:
                    found[index] = [NOT_OBJECT]
                else:
                    errors = ACTIVITY.check(item)
                    if errors:
                        found[index] = errors
            if found:
                raise ValidationError(found)
        else:
            raise ValidationError(NOT_ACTIVITIES)
        return value


class ContextActivitiesSchema(XAPISchema):
    """The four kinds of context Activities; any other key is an error."""

    parent = ActivityOrArray()
    grouping = ActivityOrArray()
    category = ActivityOrArray()
    other = ActivityOrArray()


class ContextSchema(XAPISchema):
    """Data 2.4.6. Revision/platform vs. the Object is checked by the statement."""

    registration = UUID()
    instructor = actor_field()
    team = Object(GROUP)
    contextActivities = Object(ContextActivitiesSchema())
    revision = String()
    platform = String()
    language = LanguageTag()
    statement = Object(STATEMENT_REF)
    extensions = Extensions()


CONTEXT = ContextSchema()


# --- xAPI 2.0 (9274.1.1 4.2.2.5): context agents and groups ---------------------------

EMPTY_RELEVANT_TYPES = Violation("relevant-types-empty", "must hold at least one IRI when present")


class RelevantTypes(ListOf):
    """``relevantTypes``: an array of at least one IRI (9274.1.1 4.2.2.5)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(IRI(), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is list and not value:
            raise ValidationError(EMPTY_RELEVANT_TYPES)
        return super()._deserialize(value, attr, data, **kwargs)


class AgentObjectOnly(Object):
    """An Agent (objectType absent or "Agent"): a Group is not an Agent here."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is dict and "objectType" in value and value["objectType"] != "Agent":
            raise ValidationError(
                {"objectType": [Violation("object-type", 'must be "Agent" (case-sensitive)')]}
            )
        return super()._deserialize(value, attr, data, **kwargs)


class ContextAgentSchema(XAPISchema):
    """A Context Agent: an Agent with the types of its relevance (9274.1.1 4.2.2.5)."""

    objectType = ObjectType("contextAgent", required=True)
    agent = AgentObjectOnly(AGENT, required=True)
    relevantTypes = RelevantTypes()


class ContextGroupSchema(XAPISchema):
    """A Context Group: an identified or anonymous Group (9274.1.1 4.2.2.5)."""

    objectType = ObjectType("contextGroup", required=True)
    group = Object(GROUP, required=True)
    relevantTypes = RelevantTypes()


class ContextSchema2(ContextSchema):
    """Data 2.4.6 plus the 2.0 ``contextAgents`` and ``contextGroups`` (9274.1.1 4.2.2.5)."""

    contextAgents = ListOf(Object(ContextAgentSchema()))
    contextGroups = ListOf(Object(ContextGroupSchema()))


CONTEXT_2_0 = ContextSchema2()
