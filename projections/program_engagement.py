"""Engagement with informal content: the delivery funnel, where on a video's timeline
discussion happens, who pulls whom in with @mentions, and which content drives the
most discussion (docs/profile/README.md, "Engagement")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lrs.store.database import Cursor
from projections.programs import Row, rows
from projections.programs_profile import Kind


@dataclass(frozen=True, slots=True)
class Funnel:
    """Of the people content was shared to: how many it reached, started, completed."""

    content: str
    shared_to: int
    delivered: int
    started: int
    completed: int
    shares: int
    """Share statements."""


@dataclass(frozen=True, slots=True)
class TimeBucket:
    content: str
    start_seconds: float
    """The bucket is [start, start + width) seconds into the video."""
    comments: int
    replies: int


@dataclass(frozen=True, slots=True)
class Mention:
    actor: str
    """Who mentions."""
    mentioned: str
    count: int


@dataclass(frozen=True, slots=True)
class Discussion:
    content: str
    comments: int
    replies: int
    participants: int
    mentions: int


_KINDS = (Kind.SHARED, Kind.DELIVERED, Kind.STARTED, Kind.COMPLETED, Kind.COMMENT, Kind.REPLY, Kind.MENTION)


def _read(cur: Cursor, program: str, since_us: int | None, until_us: int, as_of: int | None,
          kinds: tuple[Kind, ...] = _KINDS) -> list[Row]:
    return rows(cur, kinds, as_of=as_of, program=program, since_us=since_us, until_us=until_us)


def funnels(cur: Cursor, program: str, *, since_us: int | None, until_us: int, as_of: int | None) -> list[Funnel]:
    """Per content shared in the program, in content order."""
    found = _read(cur, program, since_us, until_us, as_of, (Kind.SHARED, Kind.DELIVERED, Kind.STARTED, Kind.COMPLETED))
    audience: dict[str, set[str]] = defaultdict(set)
    shares: dict[str, set[str]] = defaultdict(set)
    did: dict[tuple[Kind, str], set[str]] = defaultdict(set)
    for r in found:
        if r.object is None:
            continue
        if r.kind is Kind.SHARED and r.other is not None:
            audience[r.object].add(r.other)
            shares[r.object].add(r.statement_id)
        else:
            did[(r.kind, r.object)].add(r.actor)
    return [
        Funnel(content, len(people), len(people & did[(Kind.DELIVERED, content)]),
               len(people & did[(Kind.STARTED, content)]), len(people & did[(Kind.COMPLETED, content)]),
               len(shares[content]))
        for content, people in sorted(audience.items())
    ]


def timeline(cur: Cursor, program: str, *, since_us: int | None, until_us: int, as_of: int | None,
             width: float) -> list[TimeBucket]:
    """Comments and replies per ``width``-second bucket of each video's timeline. A reply
    without a time of its own is placed at the time of the comment it replies to (when that
    one is in the view and has a time)."""
    found = _read(cur, program, None, until_us, as_of, (Kind.COMMENT, Kind.REPLY))
    time_of = {r.statement_id: r.value for r in found}
    counts: dict[tuple[str, float], list[int]] = defaultdict(lambda: [0, 0])
    for r in found:
        if (since_us is not None and r.ts_us < since_us) or r.object is None:
            continue
        seconds = r.value
        if seconds is None and r.kind is Kind.REPLY and r.detail is not None:
            seconds = time_of.get(r.detail)
        if seconds is None:
            continue
        start = (seconds // width) * width
        counts[(r.object, start)][0 if r.kind is Kind.COMMENT else 1] += 1
    return [TimeBucket(content, start, c, r) for (content, start), (c, r) in sorted(counts.items())]


def mentions(cur: Cursor, program: str, *, since_us: int | None, until_us: int, as_of: int | None) -> list[Mention]:
    """Who mentions whom, and how often (one per comment naming them), most first."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in _read(cur, program, since_us, until_us, as_of, (Kind.MENTION,)):
        if r.other is not None and r.other != r.actor:
            counts[(r.actor, r.other)] += 1
    found = [Mention(a, m, n) for (a, m), n in counts.items()]
    found.sort(key=lambda m: (-m.count, m.actor, m.mentioned))
    return found


def discussion(
    cur: Cursor, program: str, *, since_us: int | None, until_us: int, as_of: int | None
) -> list[Discussion]:
    """Per content commented on: comments, replies, distinct participants and mentions;
    the most discussed (comments + replies) first."""
    by_content: dict[str, list[Row]] = defaultdict(list)
    for r in _read(cur, program, since_us, until_us, as_of, (Kind.COMMENT, Kind.REPLY, Kind.MENTION)):
        if r.object is not None:
            by_content[r.object].append(r)
    found = []
    for content, found_rows in by_content.items():
        said = [r for r in found_rows if r.kind is not Kind.MENTION]
        if not said:
            continue
        found.append(Discussion(
            content, sum(1 for r in said if r.kind is Kind.COMMENT), sum(1 for r in said if r.kind is Kind.REPLY),
            len({r.actor for r in said}), sum(1 for r in found_rows if r.kind is Kind.MENTION)))
    found.sort(key=lambda d: (-(d.comments + d.replies), d.content))
    return found
