"""The Context and its contextActivities (Data 2.4.6)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from xapi.schemas.activities import ACTIVITY
from xapi.schemas.agents import GROUP, actor_field
from xapi.schemas.base import NOT_OBJECT, Object, Violation, XAPISchema, XField
from xapi.schemas.objects import STATEMENT_REF
from xapi.schemas.primitives import UUID, Extensions, LanguageTag, String

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
