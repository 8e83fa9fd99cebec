"""Time units and the text forms of instants and durations in statements and in the truth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DAY = timedelta(days=1)
WEEK = timedelta(days=7)




def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, hours/minutes/seconds, tenths of a second kept."""
    tenths = round(seconds * 10)
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    whole, tenth = divmod(rest, 10)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if whole or tenth or text == "PT":
        text += f"{whole}.{tenth}S" if tenth else f"{whole}S"
    return text


def monday_of(moment: datetime) -> datetime:
    """00:00 UTC of the Monday of `moment`'s ISO week."""
    day = moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())
