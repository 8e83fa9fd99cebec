"""What the LRS assigns to a statement before storing it, and timestamps.

`prepare` runs after validation and before the append: it fills the
properties the LRS owns (Data 2.4.1, 2.4.7-2.4.10) and nothing else, so the
stored statement is the received one plus those. It is pure: time, identity
and id generation come in as arguments.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from xapi.versions import XAPIVersion


def prepare(
    statement: Mapping[str, Any],
    *,
    authority: Mapping[str, Any],
    stored: datetime,
    version: XAPIVersion,
    new_id: Callable[[], str] = lambda: str(uuid4()),
) -> dict[str, Any]:
    """A new statement with the LRS-assigned properties; the input is not changed.

    - ``id`` if absent (Data 2.4.1);
    - ``timestamp`` = ``stored`` if absent (Data 2.4.7), the sent one is kept as sent;
    - ``stored`` always overwritten (Data 2.4.8);
    - ``authority`` always overwritten from the credentials (Data 2.4.9);
    - ``version`` = the version's default if absent (Data 2.4.10; 9274.1.1
      4.2.4.3: ``2.0.0`` under 2.0);
    - under versions with `timestamps_to_utc` (2.0, 9274.1.1 4.2.7), a
      ``timestamp`` sent with an offset is stored as the same instant in UTC;
    - under versions with `duration_digits` (2.0: 0.01 s), ``result.duration``
      is stored truncated to them.

    SubStatements get none of the assigned properties: they MUST NOT have id,
    stored, version or authority, and their timestamp is not the LRS's to set;
    the two conversions apply to them too.
    The result is a new top-level object (the input is not changed); nested
    values are shared with the input, which the caller owns.
    """
    doc: dict[str, Any] = dict(statement)
    if "id" not in doc:
        doc = {"id": new_id(), **doc}
    stored_text = format_timestamp(stored)
    doc.setdefault("timestamp", stored_text)
    doc["stored"] = stored_text
    doc["authority"] = copy.deepcopy(dict(authority))
    doc.setdefault("version", version.default_statement_version)
    return _converted(doc, version)


ASSIGNED_IF_ABSENT = ("id", "timestamp", "version")
"""What `prepare` fills in only when the client did not send it (``stored`` and
``authority`` it always overwrites)."""


def assigned_properties(statement: Mapping[str, Any]) -> list[str]:
    """The names `prepare` will assign to this statement as the client sent it.

    Kept with the stored statement: a retry is compared with what its client
    sent (Data 2.3.1), and only these tell the sent statement from the stored one."""
    return [name for name in ASSIGNED_IF_ABSENT if name not in statement]


def _converted(doc: dict[str, Any], version: XAPIVersion) -> dict[str, Any]:
    """`doc` (owned by the caller) with the version's conversions of timestamp and duration."""
    if version.timestamps_to_utc and isinstance(doc.get("timestamp"), str):
        doc["timestamp"] = utc_timestamp(doc["timestamp"])
    result = doc.get("result")
    digits = version.duration_digits
    if digits is not None and isinstance(result, Mapping) and isinstance(result.get("duration"), str):
        duration = truncate_duration(result["duration"], digits)
        if duration != result["duration"]:
            doc["result"] = {**result, "duration": duration}
    obj = doc.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        doc["object"] = _converted(dict(obj), version)
    return doc


def utc_timestamp(text: str) -> str:
    """A valid timestamp as the same instant in UTC (9274.1.1 4.2.7: "shall convert").

    One already in UTC (``Z``) is kept as sent; one with an offset, ``+00:00``
    included, is rewritten with `format_timestamp` (milliseconds, which 4.2.7
    allows: "may truncate or round to at least millisecond precision").
    """
    if text.endswith("Z"):
        return text
    try:
        return format_timestamp(parse_timestamp(text))
    except ValueError:
        return text  # not a timestamp: validation refuses it, never reached


_SECONDS = re.compile(r"(?P<whole>[0-9]+)[.,](?P<fraction>[0-9]+)S$")


def truncate_duration(duration: str, digits: int) -> str:
    """``PT1.2567S`` -> ``PT1.25S`` for 2 digits: the seconds' fraction truncated,
    never rounded (9274.1.1 4.2.7: "the LRS may truncate ... to 0.01 seconds";
    the 2.0 conformance suite accepts truncation only). Other durations unchanged."""
    match = _SECONDS.search(duration)
    if match is None or len(match["fraction"]) <= digits:
        return duration
    kept = match["fraction"][:digits]
    seconds = match["whole"] + ("." + kept if digits else "")
    return duration[: match.start()] + seconds + "S"


def normalize_context_activities(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement with every contextActivities value as a list (Data 2.4.6.2).

    "The LRS MUST return every value in the contextActivities Object as an
    array, even if it arrived as a single Activity Object." Kept apart from
    `prepare`, which assigns only what the LRS owns; call it before storing
    (or before returning) a statement. Applies to a SubStatement's context too.
    Returns a new dict when something changes, never changes the input.
    """
    doc = dict(statement)
    changed = False
    context = doc.get("context")
    if isinstance(context, Mapping) and _has_single_context_activity(context):
        context_activities = dict(context["contextActivities"])
        for kind, value in context_activities.items():
            if isinstance(value, Mapping):
                context_activities[kind] = [value]
        doc["context"] = {**context, "contextActivities": context_activities}
        changed = True
    obj = doc.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        sub = normalize_context_activities(obj)
        if sub is not obj:
            doc["object"] = sub
            changed = True
    if not changed and isinstance(statement, dict):
        return statement
    return doc


def _has_single_context_activity(context: Mapping[str, Any]) -> bool:
    context_activities = context.get("contextActivities")
    return isinstance(context_activities, Mapping) and any(
        isinstance(value, Mapping) for value in context_activities.values()
    )


# ---------------------------------------------------------------- timestamps

_D2 = "[0-9]{2}"
_FRACTION = "(?:[.,](?P<fraction>[0-9]+))?"
_EXTENDED = re.compile(
    f"(?P<year>[0-9]{{4}})-(?P<month>{_D2})-(?P<day>{_D2})"
    f"T(?P<hour>{_D2}):(?P<minute>{_D2})(?::(?P<second>{_D2}){_FRACTION})?"
    f"(?P<zone>Z|[+-]{_D2}(?::?{_D2})?)?"
)
_BASIC = re.compile(
    f"(?P<year>[0-9]{{4}})(?P<month>{_D2})(?P<day>{_D2})"
    f"T(?P<hour>{_D2})(?P<minute>{_D2})(?:(?P<second>{_D2}){_FRACTION})?"
    f"(?P<zone>Z|[+-]{_D2}(?::?{_D2})?)?"
)


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds: ``2026-11-25T16:20:01.123Z``.

    UTC is what the LRS SHOULD* return (Data 4.5); sub-millisecond digits are
    truncated, which Data 4.5 allows ("MAY be truncated or rounded to at least
    3 decimal digits"). Truncation, unlike rounding, never moves a time past
    the next millisecond, so ``stored`` order is kept. Naive datetimes are
    refused: the LRS must not guess a time zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamp must be timezone-aware")
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def parse_timestamp(text: str) -> datetime:
    """The timezone-aware instant of an ISO 8601 timestamp (Data 4.5); ValueError if invalid.

    Accepted: a calendar date and a time in the extended form
    (``2026-11-25T16:20:01.123+05:00``) or the basic form
    (``20261125T162001Z``), seconds and fraction optional (``.`` or ``,``),
    offsets ``Z``, ``+hh:mm``, ``+hhmm`` or ``+hh`` (as the validator accepts).
    A timestamp without an offset is read as UTC. Refused: a space or lowercase ``t`` instead of
    ``T`` (not ISO 8601), negative zero offsets ``-00``, ``-0000``, ``-00:00``
    (ISO 8601 requires ``+`` for zero; the conformance suite rejects them),
    hour 24 and leap seconds (not representable). Digits beyond microseconds
    are dropped.
    """
    match = _EXTENDED.fullmatch(text) or _BASIC.fullmatch(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}")
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    moment = datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        int(fraction),
        tzinfo=_zone(match["zone"]),
    )  # raises ValueError for out-of-range fields
    return moment


def _zone(designator: str | None) -> timezone:
    if designator is None or designator == "Z":
        return UTC
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"invalid UTC offset {designator!r}")
    if designator[0] == "-" and hours == minutes == 0:
        raise ValueError(f"negative zero UTC offset {designator!r} is not ISO 8601")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if designator[0] == "-" else offset)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch: how the index tables keep instants. Exact integer
    arithmetic: ``int(moment.timestamp())`` truncates toward zero, which moved every
    instant before 1970 with a fraction of a second one second later."""
    return (moment - _EPOCH) // _MICROSECOND


def from_epoch_us(value: int) -> datetime:
    seconds, micros = divmod(value, 1_000_000)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros)
