"""The coordinator API's query parameters: parsed and checked without Flask.

Every error is collected (path = the parameter, a rule, a message) and raised
at once as `xapi.errors.InvalidParameter`, answered with 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from xapi import parameters
from xapi.errors import FieldError
from xapi.identifiers import agent_key
from xapi.prepare import epoch_us
from xapi.schemas import primitives

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
IRI = primitives.IRI_PATTERN
"""A program IRI: the statements' own rule (also the OpenAPI document's pattern)."""
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
    values, errors = parameters.single_values(args, allowed, required)
    as_of = None  # a log position; a time is parsed below and mapped by the caller
    if _POSITION.fullmatch(values.get("as_of", "")):
        as_of = int(values.pop("as_of"))
    parsed, problems = parameters.parse_each(values, _RULES)
    errors += problems
    since, until = parsed.get("since"), parsed.get("until")
    if since is not None and until is not None and since >= until:
        errors.append(FieldError("until", "range", "must be later than since"))
    if errors:
        raise parameters.rejected("parameters", errors)
    agent = parsed.get("agent")
    return Query(
        program=parsed.get("program"),
        agent=agent_key(agent) if agent is not None else None,
        since_us=_us(since),
        until_us=_us(until),
        at_us=_us(parsed.get("at")),
        as_of=as_of,
        as_of_time_us=_us(parsed.get("as_of")),
        limit=parsed.get("limit", DEFAULT_LIMIT),
        after=parsed.get("after"),
    )


def _as_of_time(name: str, raw: str) -> datetime:
    try:
        return parameters.timestamp_or_date(name, raw)
    except parameters.Rejected:
        raise parameters.reject(
            name, "timestamp", "must be a log position (an integer) or an RFC 3339 time or a date YYYY-MM-DD"
        ) from None


def _cursor(name: str, raw: str) -> str:
    if not raw:
        raise parameters.reject(name, "cursor", "must be the cursor of a more link")
    return raw


def _us(moment: datetime | None) -> int | None:
    return None if moment is None else epoch_us(moment)


_RULES: dict[str, parameters.Rule] = {
    "program": parameters.iri,  # the program Activity's id, by the statements' own IRI rule
    "agent": parameters.agent,
    "since": parameters.timestamp_or_date,
    "until": parameters.timestamp_or_date,
    "at": parameters.timestamp_or_date,
    "as_of": _as_of_time,
    "limit": parameters.integer_from(1, MAX_LIMIT),
    "after": _cursor,
}
