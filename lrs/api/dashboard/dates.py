"""The date range of a page, from its query parameters.

A page's range is two calendar dates, both included (``from`` and ``to``,
``YYYY-MM-DD``), as a person picks them; the views take ``since`` (inclusive)
and ``until`` (exclusive) instants in UTC, so ``to`` becomes the midnight after it.

A range means "as at its end" (issue 21): statuses, at-risk reasons and overdue
goals are those of the range's last instant (`DateRange.reference_us`), computed
from every statement up to then; the range's own figures (sessions, ratings, goals
met) count the statements inside it.
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

    def reference_us(self, now_us: int) -> int:
        """The instant statuses are evaluated at: ``at`` when given, else the range's
        last instant (its ``to`` day's end) when that is before now, else now."""
        if self.at_us is not None:
            return self.at_us
        if self.until is not None:
            return min(now_us, int(self.until.timestamp()) * 1_000_000 - 1)
        return now_us

    def is_past(self, now_us: int) -> bool:
        """Whether the page's statuses are those of an instant before now."""
        return self.reference_us(now_us) < now_us

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


@dataclass(frozen=True)
class Preset:
    """A range a person picks in one click."""

    label: str
    params: dict[str, str]


def presets(today: date, first_day: date | None = None) -> list[Preset]:
    """Last 30 days, this quarter, and the program to date (from ``first_day``, the
    program's first enrolment, when known; else every date)."""
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    to_date = {"from": first_day.isoformat(), "to": today.isoformat()} if first_day else {}
    return [
        Preset("Last 30 days", {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}),
        Preset("This quarter", {"from": quarter.isoformat(), "to": today.isoformat()}),
        Preset("Program to date", to_date),
    ]
