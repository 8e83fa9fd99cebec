"""The date range of a page, from its query parameters.

A page's range is two calendar dates, both included (``from`` and ``to``,
``YYYY-MM-DD``), as a person picks them; the views take ``since`` (inclusive)
and ``until`` (exclusive) instants in UTC, so ``to`` becomes the midnight after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


class BadRange(ValueError):
    """A date parameter that is not a date, or a range that ends before it starts."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DateRange:
    start: date | None = None
    end: date | None = None
    at: datetime | None = None
    """The reference instant of "now"-dependent figures (status, overdue, active
    pairs), as the coordinator API's ``at``; None: the present."""

    @property
    def at_us(self) -> int | None:
        if self.at is None:
            return None
        return int(self.at.timestamp()) * 1_000_000 + self.at.microsecond

    @property
    def since(self) -> datetime | None:
        return None if self.start is None else datetime.combine(self.start, time(), UTC)

    @property
    def until(self) -> datetime | None:
        if self.end is None:
            return None
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def params(self) -> dict[str, Any]:
        """The range as query parameters, for links that keep it."""
        out: dict[str, Any] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.at:
            out["at"] = self.at.isoformat().replace("+00:00", "Z")
        return out

    def describe(self) -> str:
        when = self._dates()
        if self.at:
            when += " as at " + self.at.isoformat(timespec="seconds").replace("+00:00", "Z")
        return when

    def _dates(self) -> str:
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"up to {self.end.isoformat()}"
        return "all dates"


def parse_range(args: Mapping[str, str]) -> DateRange:
    start = _date(args, "from")
    end = _date(args, "to")
    if start and end and end < start:
        raise BadRange("to", "the range ends before it starts")
    return DateRange(start, end, _instant(args, "at"))


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRange(name, f"{name} must be a date (YYYY-MM-DD), got {raw!r}") from None


def _instant(args: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 instant (UTC when it names no offset), or a date (its midnight, UTC)."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)  # takes "Z" (Python 3.11)
    except ValueError:
        raise BadRange(name, f"{name} must be a date or a timestamp (ISO 8601), got {raw!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
