"""The Object of a Statement, dispatched on objectType (Data 2.4.4)."""

from __future__ import annotations

from typing import Any

from xapi.schemas.activities import ACTIVITY
from xapi.schemas.agents import AGENT, GROUP
from xapi.schemas.base import Dispatch, Violation, XAPISchema
from xapi.schemas.primitives import UUID, ObjectType


class StatementRefSchema(XAPISchema):
    """Data 2.4.4.3 Statement References: objectType "StatementRef" and a UUID."""

    objectType = ObjectType("StatementRef", required=True)
    id = UUID(required=True)


STATEMENT_REF = StatementRefSchema()

NESTED_SUBSTATEMENT = Violation(
    "substatement-nesting", "a SubStatement must not contain a SubStatement"
)


def statement_object_field(substatement: XAPISchema | None, **kwargs: Any) -> Dispatch:
    """The ``object`` of a Statement (with `substatement`) or of a SubStatement (without).

    Without objectType the Object is an Activity; an Agent or Group object must
    say so (Data 2.4.4.2).
    """
    schemas: dict[str | None, XAPISchema] = {
        None: ACTIVITY,
        "Activity": ACTIVITY,
        "Agent": AGENT,
        "Group": GROUP,
        "StatementRef": STATEMENT_REF,
    }
    if substatement is not None:
        schemas["SubStatement"] = substatement
        return Dispatch(schemas, **kwargs)
    return Dispatch(schemas, refused={"SubStatement": NESTED_SUBSTATEMENT}, **kwargs)
