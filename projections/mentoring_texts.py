"""What was said: the texts of comments and feedback in the mentoring view.

Coordinators read the feedback a person received and gave, and the comments
they posted, not only counts and ratings. The texts are kept on the facts
themselves (``mentoring_fact.text``, `projections.mentoring_profile.TEXT_LIMIT`
characters at most), so the same `Window` (program, timestamp range, log
position) and the same voiding apply: a voided statement's text is gone from
every answer read at or after its voiding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lrs.store.database import Cursor
from projections.mentoring import NONE, Window
from projections.mentoring_profile import COMMENT_KINDS, Kind

Direction = Literal["received", "given"]


@dataclass(frozen=True, slots=True)
class Said:
    """One comment, reply or feedback of a program, with its text."""

    statement_id: str
    kind: Kind
    actor: str
    """Agent key of who commented or gave the feedback."""
    other: str | None
    """Agent key of the feedback's recipient (None: none named, or a comment)."""
    object: str | None
    """The Activity it is about."""
    rating: float | None
    text: str | None
    timestamp_us: int


def feedback(
    cur: Cursor, window: Window, agent: str, direction: Direction, limit: int = 100
) -> list[Said]:
    """Feedback the Agent received (named as recipient) or gave, newest first."""
    column = "other" if direction == "received" else "actor"
    return _said(cur, window, [Kind.FEEDBACK], column, agent, limit)


def comments(cur: Cursor, window: Window, agent: str, limit: int = 100) -> list[Said]:
    """Comments and replies the Agent posted, newest first."""
    return _said(cur, window, COMMENT_KINDS, "actor", agent, limit)


def _said(
    cur: Cursor, window: Window, kinds: tuple[Kind, ...] | list[Kind], column: str, agent: str, limit: int
) -> list[Said]:
    """Facts of these kinds where ``column`` is the Agent: one range scan of the
    program's index (program, kind, actor, ...), newest by timestamp then log position."""
    where, params = window.where()
    in_kinds, kind_params = cur.in_list([int(k) for k in kinds])
    rows = cur.execute(
        "SELECT statement_id, kind, actor, other, object, value, text, ts_us FROM mentoring_fact"
        f" WHERE {where} AND kind {in_kinds} AND {column} = ?"
        " ORDER BY ts_us DESC, position DESC, seq LIMIT ?",
        [*params, *kind_params, agent, limit],
    ).fetchall()
    return [
        Said(
            r["statement_id"], Kind(int(r["kind"])), r["actor"], _key(r["other"]), _key(r["object"]),
            None if r["value"] is None else float(r["value"]), r["text"], int(r["ts_us"]),
        )
        for r in rows
    ]


def _key(value: str) -> str | None:
    return None if value == NONE else value
