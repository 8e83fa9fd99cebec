"""Validation of Statements and Agents against xAPI Data 2.2-2.6 and 4.x.

Pure and total: every function returns *every* error found, each as a
`FieldError` with a JSON path, a rule name and a message, and never changes
its input. The rules themselves live in the marshmallow schemas of
`xapi.schemas`; this module only runs them and flattens their errors.
"""

from __future__ import annotations

from typing import Any

from xapi.errors import FieldError, join_path
from xapi.schemas.agents import identified_actor_field
from xapi.schemas.base import flatten
from xapi.schemas.statement import statement_schema
from xapi.versions import V1_0_3, XAPIVersion

_AGENT_PARAMETER = identified_actor_field()


def validate_statement(data: Any, version: XAPIVersion = V1_0_3) -> list[FieldError]:
    """Every rule a single Statement breaks (an empty list when it is valid)."""
    return _statement_errors(data, version, "")


def validate_statements(payload: Any, version: XAPIVersion = V1_0_3) -> list[FieldError]:
    """Every rule broken by a Statement or a JSON array of Statements.

    In an array, paths start with the Statement's index: ``[2].actor.mbox``.
    Two Statements of one batch may not share an id (Communication 2.1.2:
    "SHOULD* reject", implemented as a MUST).
    """
    if type(payload) is dict:
        return _statement_errors(payload, version, "")
    if type(payload) is not list:
        return [FieldError("", "type", "must be a Statement object or an array of Statements")]
    errors: list[FieldError] = []
    first_seen: dict[str, int] = {}
    for index, statement in enumerate(payload):
        path = join_path("", index)
        errors.extend(_statement_errors(statement, version, path))
        statement_id = statement.get("id") if type(statement) is dict else None
        if type(statement_id) is str:
            key = statement_id.lower()
            if key in first_seen:
                errors.append(
                    FieldError(
                        join_path(path, "id"),
                        "duplicate-statement-id",
                        f"the same id is used by statement [{first_seen[key]}] of this batch",
                    )
                )
            else:
                first_seen[key] = index
    return errors


def validate_agent(data: Any, path: str = "agent") -> list[FieldError]:
    """Every rule broken by an Agent or Identified Group given as a parameter.

    Used for the ``agent`` parameter of GET statements and of the document
    resources (Communication 2.1.3, 2.3, 2.6; Data 2.2: parameters are checked
    to the same standards as the same types in Statements).
    """
    try:
        _AGENT_PARAMETER.deserialize(data)
    except Exception as error:  # marshmallow.ValidationError
        messages = getattr(error, "messages", None)
        if messages is None:
            raise
        return list(flatten(messages, path))
    return []


def _statement_errors(data: Any, version: XAPIVersion, path: str) -> list[FieldError]:
    if type(data) is not dict:
        return [FieldError(path, "type", "a Statement must be a JSON object")]
    messages = statement_schema(version).check(data)
    if not messages:
        return []
    return list(flatten(messages, path))
