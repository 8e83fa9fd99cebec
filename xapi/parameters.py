"""Query parameters of the resources other than Statements: each given once, none unknown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from xapi.errors import FieldError, InvalidParameter
from xapi.validation import validate_agent


def single_values(
    args: Mapping[str, Sequence[str]],
    allowed: Iterable[str],
    required: Iterable[str] = (),
) -> tuple[dict[str, str], list[FieldError]]:
    """The value of each parameter, and an error for each parameter that is
    unknown, repeated or missing (each with the parameter as its path)."""
    allowed = set(allowed)
    values: dict[str, str] = {}
    errors: list[FieldError] = []
    for name, given in args.items():
        if name not in allowed:
            errors.append(FieldError(name, "unknown-parameter", "not a parameter of this request"))
        elif len(given) != 1:
            errors.append(FieldError(name, "repeated-parameter", "give this parameter once"))
        else:
            values[name] = given[0]
    for name in required:
        if name not in args:
            errors.append(FieldError(name, "required", f"the {name} parameter is required"))
    return values, errors


def rejected(what: str, errors: list[FieldError]) -> InvalidParameter:
    """The 400 for these parameter errors."""
    return InvalidParameter(
        f"invalid {what}: " + "; ".join(f"{e.path}: {e.message}" for e in errors), errors
    )


def parse_agent_parameter(
    raw: str, path: str = "agent"
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """An ``agent`` parameter: a JSON Agent with exactly one identifier, not a Group.

    Communication 2.4 and 2.6: the parameter "is a normal Agent Object with a
    single identifier ... not a Person Object, nor is it a Group" (an
    Identified Group's documents are addressed by its identifier in an Agent).
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, [FieldError(path, "agent-json", f"is not valid JSON: {exc}")]
    if not isinstance(data, dict):
        return None, [FieldError(path, "agent-object", "must be a JSON object: an Agent")]
    if data.get("objectType") == "Group":
        return None, [
            FieldError(
                f"{path}.objectType",
                "agent-not-group",
                "must be an Agent; give an Identified Group's identifier in an Agent object",
            )
        ]
    errors = validate_agent(data, path=path)
    return (None, errors) if errors else (data, [])
