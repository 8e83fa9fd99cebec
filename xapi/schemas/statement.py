"""Statements and SubStatements (Data 2.4, 2.3.2, 2.4.4.3)."""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import validates_schema

from xapi.schemas.agents import actor_field, authority_field
from xapi.schemas.attachments import ATTACHMENT
from xapi.schemas.base import Forbidden, ListOf, Object, Problems, XAPISchema
from xapi.schemas.context import CONTEXT, CONTEXT_2_0
from xapi.schemas.objects import statement_object_field
from xapi.schemas.primitives import UUID, ObjectType, Timestamp, Version
from xapi.schemas.result import RESULT
from xapi.schemas.verbs import VERB, VOIDED
from xapi.versions import XAPIVersion

ACTIVITY_ONLY_CONTEXT = ("revision", "platform")
NOT_ACTIVITY = frozenset({"Agent", "Group", "StatementRef", "SubStatement"})


class StatementBodySchema(XAPISchema):
    """What a Statement and a SubStatement share ("validated as a Statement")."""

    actor = actor_field(required=True)
    verb = Object(VERB, required=True)
    result = Object(RESULT)
    context = Object(CONTEXT)
    timestamp = Timestamp()
    attachments = ListOf(Object(ATTACHMENT))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def context_of_activity(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        """Data 2.4.6: revision and platform only when the Object is an Activity."""
        context, target = original.get("context"), original.get("object")
        if type(context) is not dict or type(target) is not dict:
            return
        kind = target.get("objectType")
        if type(kind) is not str or kind not in NOT_ACTIVITY:
            return  # an Activity, or an objectType already reported as invalid
        problems = Problems()
        for key in ACTIVITY_ONLY_CONTEXT:
            if key in context:
                problems.add(
                    ("context", key),
                    f"context-{key}-activity-only",
                    f"context.{key} may only be used when the Object is an Activity",
                )
        problems.raise_any()


class SubStatementSchema(StatementBodySchema):
    """Data 2.4.4.3 SubStatements: no id/stored/version/authority, no nesting."""

    objectType = ObjectType("SubStatement", required=True)
    object = statement_object_field(None, required=True)
    id = Forbidden("substatement-property", "a SubStatement must not have an id")
    stored = Forbidden("substatement-property", "a SubStatement must not have stored")
    version = Forbidden("substatement-property", "a SubStatement must not have a version")
    authority = Forbidden("substatement-property", "a SubStatement must not have an authority")


class StatementSchema(StatementBodySchema):
    """Data 2.4: a Statement as sent to the LRS."""

    id = UUID()
    object = statement_object_field(SubStatementSchema(), required=True)
    stored = Timestamp()
    authority = authority_field()
    version = Version()

    def __init__(self, version: XAPIVersion, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.xapi_version = version
        field = self.fields["version"]
        assert isinstance(field, Version)
        field.pattern = version.statement_version_pattern

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def voiding(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        """Data 2.3.2: a voiding Statement's Object is a StatementRef."""
        verb, target = original.get("verb"), original.get("object")
        if type(verb) is not dict or verb.get("id") != VOIDED or type(target) is not dict:
            return
        if target.get("objectType") != "StatementRef":
            problems = Problems()
            problems.add(
                ("object", "objectType"),
                "voiding-statementref",
                'a voiding Statement\'s Object must have objectType "StatementRef"',
            )
            problems.raise_any()


@cache
def statement_schema(version: XAPIVersion) -> StatementSchema:
    """The (stateless, shared) schema of a Statement under `version`'s rules.

    The rules of 1.0.3 are the classes above; a version with context agents
    (9274.1.1 4.2.2.5) gets subclasses whose Context, in the Statement and in
    its SubStatement, knows ``contextAgents`` and ``contextGroups``.
    """
    if not version.context_agents:
        return StatementSchema(version)
    context = Object(CONTEXT_2_0)
    sub = type("SubStatementSchema2", (SubStatementSchema,), {"context": context})
    statement = type(
        "StatementSchema2",
        (StatementSchema,),
        {"context": context, "object": statement_object_field(sub(), required=True)},
    )
    return statement(version)  # type: ignore[no-any-return]
