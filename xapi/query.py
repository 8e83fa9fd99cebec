"""The GET /statements query: parameters in, a frozen query out (Communication 2.1.3).

Parsing is total: every bad parameter is reported, each as a `FieldError`
whose path is the parameter's name, in one `InvalidParameter` (400).
Parameter names are case sensitive and unknown ones are refused
(Communication 3.2; the conformance suite sends ``Verb=`` and ``foo=``).

For the alternate request syntax (Communication 1.3) the caller passes the
form parameters that are not headers, ``content`` or ``method``. The ``more``
cursor is read by `decode_more`, not here.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from xapi import parameters
from xapi.errors import FieldError, InvalidParameter
from xapi.parameters import Rule, reject
from xapi.versions import V1_0_3, XAPIVersion

FORMATS = ("ids", "exact", "canonical")
DEFAULT_MAX_LIMIT = 1000
SINGLE_STATEMENT_COMPANIONS = frozenset({"attachments", "format"})
PARAMETERS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)


@dataclass(frozen=True, slots=True)
class SingleStatementQuery:
    """GET of one statement by ``statementId`` or, when `voided`, ``voidedStatementId``."""

    statement_id: str
    """Lowercased: UUIDs are case insensitive on input (RFC 4122)."""
    voided: bool = False
    format: str = "exact"
    attachments: bool = False


@dataclass(frozen=True, slots=True)
class StatementQuery:
    """GET of a list of statements; field names follow the parameters."""

    agent: str | None = None
    """The `xapi.identifiers.agent_key` of the ``agent`` parameter."""
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    """Lowercased, like the index keys."""
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    """Exclusive lower bound on ``stored``."""
    until: datetime | None = None
    """Inclusive upper bound on ``stored``."""
    limit: int = DEFAULT_MAX_LIMIT
    """Always between 1 and the server's maximum: ``0`` means that maximum."""
    format: str = "exact"
    attachments: bool = False
    ascending: bool = False


def parse_statement_query(
    args: Mapping[str, str],
    version: XAPIVersion = V1_0_3,
    *,
    max_limit: int = DEFAULT_MAX_LIMIT,
) -> SingleStatementQuery | StatementQuery:
    """The query the parameters ask for, or InvalidParameter listing every problem.

    `version` selects the rules when they come to differ (1.0.3 is the only
    one so far); `max_limit` is the most statements the server returns.
    """
    if max_limit < 1:
        raise ValueError("max_limit must be positive")
    errors: list[FieldError] = [
        FieldError(name, "parameter-unknown", f"{name!r} is not a parameter of GET statements")
        for name in args
        if name not in PARAMETERS
    ]
    by_id = [name for name in ("statementId", "voidedStatementId") if name in args]
    if len(by_id) == 2:
        errors.append(
            FieldError(
                "voidedStatementId",
                "statement-id-exclusive",
                "statementId and voidedStatementId cannot be used together",
            )
        )
    if by_id:
        errors += [
            FieldError(
                name,
                "parameter-not-allowed-with-statement-id",
                f"{name} cannot be used with {by_id[0]} (only attachments and format can)",
            )
            for name in args
            if name in PARAMETERS and name not in SINGLE_STATEMENT_COMPANIONS and name not in by_id
        ]

    values, problems = parameters.parse_each(args, _PARSERS)
    errors += problems
    if errors:
        raise InvalidParameter(_summary(errors), errors)

    common = {
        "format": values.get("format", "exact"),
        "attachments": values.get("attachments", False),
    }
    if by_id:
        name = by_id[0]
        return SingleStatementQuery(
            statement_id=values[name], voided=name == "voidedStatementId", **common
        )
    limit = values.get("limit", 0)
    return StatementQuery(
        agent=values.get("agent"),
        verb=values.get("verb"),
        activity=values.get("activity"),
        registration=values.get("registration"),
        related_activities=values.get("related_activities", False),
        related_agents=values.get("related_agents", False),
        since=values.get("since"),
        until=values.get("until"),
        limit=max_limit if limit == 0 else min(limit, max_limit),
        ascending=values.get("ascending", False),
        **common,
    )


# ------------------------------------------------------------ parameter types


def _format(name: str, raw: str) -> str:
    if raw not in FORMATS:
        raise reject(name, "format-value", f"must be one of {', '.join(FORMATS)}, not {raw!r}")
    return raw


_PARSERS: dict[str, Rule] = {
    "statementId": parameters.uuid,
    "voidedStatementId": parameters.uuid,
    "agent": parameters.agent_or_group_key,
    "verb": parameters.iri,
    "activity": parameters.iri,
    "registration": parameters.uuid,
    "related_activities": parameters.boolean,
    "related_agents": parameters.boolean,
    "since": parameters.timestamp,
    "until": parameters.timestamp,
    "limit": parameters.non_negative_integer,
    "format": _format,
    "attachments": parameters.boolean,
    "ascending": parameters.boolean,
}
"""Data 2.2: parameter values are checked like the same types in statements (`xapi.parameters`)."""


def _summary(errors: list[FieldError]) -> str:
    return "invalid statement query: " + "; ".join(f"{e.path}: {e.message}" for e in errors)


# ------------------------------------------------------------- the more cursor

_CURSOR_FORMAT = 1
_DIGEST_SIZE = 12
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_FIELDS = {field.name: field for field in dataclasses.fields(StatementQuery)}


def encode_more(query: StatementQuery, after_position: int, *, key: bytes = b"") -> str:
    """An opaque, URL-safe token for the page after `after_position` (Data 2.5 ``more``).

    It carries the whole query, so the LRS keeps no state and the link works
    for at least 24 hours (forever, in fact). Fields left at their defaults
    are omitted to keep the IRL short. A digest detects damage and tampering;
    with a secret `key` it is a MAC. Without one, someone could forge a token,
    but only for a query they could send directly: permissions are applied
    from the credentials of each request, never from the token.
    """
    fields = {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, field in _FIELDS.items()
        if (value := getattr(query, name)) != field.default
    }
    payload = orjson.dumps([_CURSOR_FORMAT, after_position, fields], option=orjson.OPT_SORT_KEYS)
    token = base64.urlsafe_b64encode(_digest(payload, key) + payload)
    return token.rstrip(b"=").decode("ascii")


def decode_more(token: str, *, key: bytes = b"") -> tuple[StatementQuery, int]:
    """The query and position an `encode_more` token holds; InvalidParameter if it was altered."""
    try:
        if not _TOKEN.fullmatch(token):
            raise ValueError("not base64url")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        digest, payload = raw[:_DIGEST_SIZE], raw[_DIGEST_SIZE:]
        if not hmac.compare_digest(digest, _digest(payload, key)):
            raise ValueError("digest mismatch")
        cursor_format, position, fields = orjson.loads(payload)
        if cursor_format != _CURSOR_FORMAT or type(position) is not int or position < 0:
            raise ValueError("unknown cursor")
        return StatementQuery(**_query_fields(fields)), position
    except (ValueError, TypeError) as problem:  # JSONDecodeError is a ValueError
        raise InvalidParameter(
            "the more link is not valid; run the query again",
            [FieldError("more", "more-cursor", f"not a cursor issued by this LRS ({problem})")],
        ) from None


def _digest(payload: bytes, key: bytes) -> bytes:
    if len(key) > 64:  # blake2b keys are at most 64 bytes
        key = hashlib.blake2b(key).digest()
    return hashlib.blake2b(payload, digest_size=_DIGEST_SIZE, key=key).digest()


_DATETIME_FIELDS = frozenset({"since", "until"})
_BOOLEAN_FIELDS = frozenset({"related_activities", "related_agents", "attachments", "ascending"})


def _query_fields(fields: Any) -> dict[str, Any]:
    """StatementQuery arguments from a cursor, each checked for its type."""
    if not isinstance(fields, dict):
        raise TypeError("fields must be an object")
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in _FIELDS:
            raise ValueError(f"unknown field {name!r}")
        if name in _DATETIME_FIELDS:
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise ValueError(f"{name} has no time zone")
        elif name in _BOOLEAN_FIELDS:
            if type(value) is not bool:
                raise TypeError(f"{name} must be a boolean")
        elif name == "limit":
            if type(value) is not int or value < 1:
                raise TypeError("limit must be a positive integer")
        elif not isinstance(value, str) or (name == "format" and value not in FORMATS):
            raise TypeError(f"{name} must be a string")
        out[name] = value
    return out
