"""The coordinator API's query parameters: parsed and checked without Flask.

Every error is collected (path = the parameter, a rule, a message) and raised
at once as `xapi.errors.InvalidParameter`, answered with 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from xapi.errors import FieldError
from xapi.identifiers import agent_key
from xapi.parameters import parse_agent_parameter, rejected, single_values
from xapi.prepare import epoch_us, parse_timestamp

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")
"""A program IRI (also the OpenAPI document's pattern)."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSITION = re.compile(r"\d{1,18}")
MAX_POSITION = 10**18 - 1

WINDOW = ("since", "until", "at", "as_of")
PAGING = ("limit", "after")


@dataclass(frozen=True)
class Query:
    """What a coordinator asked for."""

    program: str | None = None
    agent: str | None = None
    """Agent key of the ``agent`` parameter."""
    since_us: int | None = None
    until_us: int | None = None
    at_us: int | None = None
    """None: now."""
    as_of: int | None = None
    as_of_time_us: int | None = None
    """``as_of`` given as a time: mapped to a log position by the caller."""
    limit: int = DEFAULT_LIMIT
    after: str | None = None


def parse(
    args: Mapping[str, Sequence[str]],
    *,
    allowed: Iterable[str],
    required: Iterable[str] = (),
) -> Query:
    """The query of one request; `InvalidParameter` with every error otherwise."""
    values, errors = single_values(args, allowed, required)
    program = values.get("program")
    if program is not None and not IRI.fullmatch(program):
        errors.append(FieldError("program", "iri", "must be an IRI: the program Activity's id"))
    agent = None
    if "agent" in values:
        parsed, agent_errors = parse_agent_parameter(values["agent"])
        errors += agent_errors
        agent = agent_key(parsed) if parsed is not None else None
    since, until, at = (_instant(values, name, errors) for name in ("since", "until", "at"))
    if since is not None and until is not None and since >= until:
        errors.append(FieldError("until", "range", "must be later than since"))
    as_of = as_of_time = None
    if "as_of" in values:
        raw = values["as_of"]
        if _POSITION.fullmatch(raw):
            as_of = int(raw)
        else:
            as_of_time = _instant(values, "as_of", errors, "a log position (an integer) or")
    limit = DEFAULT_LIMIT
    if "limit" in values:
        raw = values["limit"]
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            errors.append(FieldError("limit", "limit", f"must be an integer from 1 to {MAX_LIMIT}"))
        else:
            limit = int(raw)
    after = values.get("after")
    if after is not None and not after:
        errors.append(FieldError("after", "cursor", "must be the cursor of a more link"))
    if errors:
        raise rejected("parameters", errors)
    return Query(program, agent, since, until, at, as_of, as_of_time, limit, after)


def _instant(values: Mapping[str, str], name: str, errors: list[FieldError], also: str = "") -> int | None:
    """An RFC 3339 time, or a date ``YYYY-MM-DD`` (its midnight, UTC)."""
    raw = values.get(name)
    if raw is None:
        return None
    try:
        if _DATE.fullmatch(raw):
            return epoch_us(datetime.fromisoformat(raw).replace(tzinfo=UTC))
        return epoch_us(parse_timestamp(raw))
    except ValueError:
        prefix = f"{also} " if also else ""
        errors.append(FieldError(name, "timestamp", f"must be {prefix}an RFC 3339 time or a date YYYY-MM-DD"))
        return None
