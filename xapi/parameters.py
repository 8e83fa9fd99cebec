"""Request parameters, written once: each kind's rule, and collecting every error.

Data 2.2: "The LRS MUST validate parameter values to the same standards
required for values of the same types in Statements", so an IRI, a UUID, a
timestamp or an Agent given as a parameter is checked by the statement
validator's own rules (`xapi.schemas.primitives`, `xapi.validation`). The xAPI
resources (`xapi.query`, `xapi.documents`, `xapi.persons`, `xapi.canonical`),
the audit feed (`lrs.audit.feed`) and the coordinator API
(`lrs.api.coordinator.params`) all parse with these.

A rule is ``rule(name, raw) -> value`` and raises `Rejected` naming the
parameter as the path; `parse_each` runs the rules of a request and returns
every error at once. Pure: no Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from xapi.errors import FieldError, InvalidParameter
from xapi.identifiers import agent_key
from xapi.prepare import parse_timestamp
from xapi.schemas.primitives import is_iri, is_uuid
from xapi.validation import validate_agent

Rule = Callable[[str, str], Any]
"""``rule(name, raw)``: the parsed value of parameter `name`, or `Rejected`."""

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Rejected(Exception):
    """The errors of one parameter value (each with the parameter as its path)."""

    def __init__(self, *errors: FieldError):
        super().__init__(errors)
        self.errors = list(errors)


def reject(name: str, rule: str, message: str) -> Rejected:
    return Rejected(FieldError(name, rule, message))


def parse_each(values: Mapping[str, str], rules: Mapping[str, Rule]) -> tuple[dict[str, Any], list[FieldError]]:
    """Each value parsed by its parameter's rule, in the order given (a parameter
    without a rule is left out), and every error."""
    parsed: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, raw in values.items():
        rule = rules.get(name)
        if rule is None:
            continue
        try:
            parsed[name] = rule(name, raw)
        except Rejected as rejected_value:
            errors += rejected_value.errors
    return parsed, errors


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


# --- the rules ------------------------------------------------------------------------


def iri(name: str, raw: str) -> str:
    """An IRI with a scheme, as in a statement (Data 4.2: verb, activity ids)."""
    if not is_iri(raw):
        raise reject(name, "iri", f"{raw!r} is not an IRI with a scheme")
    return raw


def uuid(name: str, raw: str) -> str:
    """A UUID in standard string form, lowercased (RFC 4122: case insensitive on input)."""
    if not is_uuid(raw):
        raise reject(name, "uuid", f"{raw!r} is not a UUID in standard string form")
    return raw.lower()


def boolean(name: str, raw: str) -> bool:
    """Communication 2.1.3: "The values of Boolean parameters are represented as
    true or false as in JSON"."""
    if raw not in ("true", "false"):
        raise reject(name, "boolean", f"must be true or false, not {raw!r}")
    return raw == "true"


def timestamp(name: str, raw: str) -> datetime:
    """An ISO 8601 timestamp with a time zone, as in a statement (Data 4.5)."""
    try:
        return parse_timestamp(raw)
    except ValueError:
        raise reject(name, "timestamp", f"{raw!r} is not an ISO 8601 timestamp") from None


def timestamp_or_date(name: str, raw: str) -> datetime:
    """An ISO 8601 timestamp, or a date ``YYYY-MM-DD`` (its midnight, UTC)."""
    try:
        if _DATE.fullmatch(raw):
            return datetime.fromisoformat(raw).replace(tzinfo=UTC)
        return parse_timestamp(raw)
    except ValueError:
        raise reject(name, "timestamp", "must be an RFC 3339 time or a date YYYY-MM-DD") from None


def non_negative_integer(name: str, raw: str) -> int:
    """Decimal ASCII digits, no sign."""
    if not _DIGITS.fullmatch(raw):
        raise reject(name, "non-negative-integer", f"must be a non-negative integer, not {raw!r}")
    return int(raw)


def positive_integer(name: str, raw: str) -> int:
    value = non_negative_integer(name, raw)
    if value == 0:
        raise reject(name, "positive-integer", "must be at least 1")
    return value


def integer_from(low: int, high: int) -> Rule:
    """The rule of an integer from `low` to `high` (a page size, say)."""

    def rule(name: str, raw: str) -> int:
        if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
            raise reject(name, "integer-range", f"must be an integer from {low} to {high}")
        return int(raw)

    return rule


def agent(name: str, raw: str) -> dict[str, Any]:
    """An Agent with exactly one identifier, not a Group (the ``agent`` of the
    document resources and of the Agents resource).

    Communication 2.4 and 2.6: the parameter "is a normal Agent Object with a
    single identifier ... not a Person Object, nor is it a Group" (an
    Identified Group's documents are addressed by its identifier in an Agent).
    """
    data = _json_object(name, raw, "an Agent")
    if data.get("objectType") == "Group":
        raise reject(
            f"{name}.objectType",
            "agent-not-group",
            "must be an Agent; give an Identified Group's identifier in an Agent object",
        )
    problems = validate_agent(data, path=name)
    if problems:
        raise Rejected(*problems)
    return data


def agent_or_group_key(name: str, raw: str) -> str:
    """The `xapi.identifiers.agent_key` of an Agent or identified Group
    (Communication 2.1.3 ``agent`` of GET statements; the audit feed's ``agent``)."""
    data = _json_object(name, raw, "an Agent or identified Group")
    problems = validate_agent(data, path=name)
    if problems:
        raise Rejected(*problems)
    key = agent_key(data)
    if key is None:
        raise reject(
            name, "agent-identified", "must be an Agent or identified Group, not an anonymous Group"
        )
    return key


def _json_object(name: str, raw: str, what: str) -> dict[str, Any]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise reject(name, "agent-json", f"is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise reject(name, "agent-object", f"must be a JSON object: {what}")
    return data

