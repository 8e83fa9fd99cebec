"""The statement query index: what GET /statements is answered from.

Rows are written inside the event store's append transaction (see
`lrs.recorders`), so a statement is visible to every query as soon as its
request has returned, and can be rebuilt from the events alone.

Each statement gets one row in ``xapi_statement`` (keyed by its log position)
and one row in ``xapi_statement_key`` per thing it can be found by. A statement
that targets another with a StatementRef inherits the target's keys, however
late the target arrives (Communication 2.1.3, filter conditions for
StatementRefs), so every filter is a plain index lookup at query time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from lrs.database import Cursor
from xapi.identifiers import agent_key, statement_index_keys
from xapi.prepare import parse_timestamp


class KeyKind(IntEnum):
    """What a row of ``xapi_statement_key`` says a statement can be found by."""

    AGENT = 1
    RELATED_AGENT = 2
    VERB = 3
    ACTIVITY = 4
    RELATED_ACTIVITY = 5
    REGISTRATION = 6


def _epoch_us(timestamp: str) -> int:
    dt = parse_timestamp(timestamp)
    return int(dt.timestamp()) * 1_000_000 + dt.microsecond


def write_statements(cur: Cursor, entries: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Index statements just appended at the given log positions."""
    rows = []
    key_rows: list[tuple[int, str, int]] = []
    for position, statement in entries:
        keys = statement_index_keys(statement)
        authority = statement.get("authority")
        rows.append(
            (
                position,
                statement["id"],
                _epoch_us(statement["stored"]),
                agent_key(authority) if authority else None,
                keys.statement_ref,
                keys.voids,
            )
        )
        key_rows.extend((KeyKind.AGENT, k, position) for k in keys.agents)
        key_rows.extend((KeyKind.RELATED_AGENT, k, position) for k in keys.related_agents)
        key_rows.append((KeyKind.VERB, keys.verb, position))
        key_rows.extend((KeyKind.ACTIVITY, k, position) for k in keys.activities)
        key_rows.extend((KeyKind.RELATED_ACTIVITY, k, position) for k in keys.related_activities)
        if keys.registration:
            key_rows.append((KeyKind.REGISTRATION, keys.registration, position))
    cur.executemany(
        "INSERT INTO xapi_statement "
        "(position, statement_id, stored_us, authority_key, statement_ref, voids) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    cur.executemany(
        "INSERT INTO xapi_statement_key (kind, key, position) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [(int(kind), key, pos) for kind, key, pos in key_rows],
    )
    for position, statement in entries:
        _link_references(cur, position, statement["id"])
        _apply_voiding(cur, statement["id"])


def _link_references(cur: Cursor, position: int, statement_id: str) -> None:
    """Share keys along StatementRefs, in both directions, recursively."""
    # This statement inherits what its target (and the target's targets) can be found by.
    row = cur.execute(
        "SELECT t.position AS position FROM xapi_statement s "
        "JOIN xapi_statement t ON t.statement_id = s.statement_ref "
        "WHERE s.position = ?",
        (position,),
    ).fetchone()
    if row is not None:
        _copy_keys(cur, source=row["position"], target=position)
    # Statements that arrived earlier and target this one inherit from it.
    seen = {position}
    frontier = [(position, statement_id)]
    while frontier:
        source, source_id = frontier.pop()
        referrers = cur.execute(
            "SELECT position, statement_id FROM xapi_statement WHERE statement_ref = ?",
            (source_id,),
        ).fetchall()
        for referrer in referrers:
            if referrer["position"] in seen:
                continue
            seen.add(referrer["position"])
            _copy_keys(cur, source=source, target=referrer["position"])
            frontier.append((referrer["position"], referrer["statement_id"]))


def _copy_keys(cur: Cursor, *, source: int, target: int) -> None:
    cur.execute(
        "INSERT INTO xapi_statement_key (kind, key, position) "
        "SELECT kind, key, ? FROM xapi_statement_key WHERE position = ? "
        "ON CONFLICT DO NOTHING",
        (target, source),
    )


def _apply_voiding(cur: Cursor, statement_id: str) -> None:
    """Data 2.3.2: voided iff not itself voiding and a voiding statement targets it."""
    # A voiding statement just stored voids its (non-voiding) target, if present.
    cur.execute(
        "UPDATE xapi_statement SET voided = 1 WHERE voids IS NULL AND statement_id = "
        "(SELECT voids FROM xapi_statement WHERE statement_id = ?)",
        (statement_id,),
    )
    # A statement stored after its voiding statement is voided on arrival.
    cur.execute(
        "UPDATE xapi_statement SET voided = 1 WHERE statement_id = ? AND voids IS NULL "
        "AND EXISTS (SELECT 1 FROM xapi_statement v WHERE v.voids = ?)",
        (statement_id, statement_id),
    )


def clear(cur: Cursor) -> None:
    cur.execute("DELETE FROM xapi_statement_key")
    cur.execute("DELETE FROM xapi_statement")


# --- queries -----------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """A statement query in index terms (built from `xapi.query.StatementQuery`)."""

    agent: str | None = None
    related_agents: bool = False
    verb: str | None = None
    activity: str | None = None
    related_activities: bool = False
    registration: str | None = None
    since_us: int | None = None
    until_us: int | None = None
    authority: str | None = None
    """Only statements asserted by this authority (scope statements/read/mine)."""
    ascending: bool = False
    after_position: int | None = None
    """Resume after this position (the `more` cursor)."""
    limit: int = 100


# Stored times are assigned just before the append, and an append commits within
# this bound (the store's lock and statement timeouts are shorter), so log order
# and stored order never disagree by more than this. It lets `since`/`until`
# become log-position bounds found with one index lookup each.
STORED_SKEW_US = 120 * 1_000_000

# The most selective kind of key drives a query; the others are point lookups.
_DRIVER_ORDER = (
    KeyKind.REGISTRATION,
    KeyKind.AGENT,
    KeyKind.RELATED_AGENT,
    KeyKind.ACTIVITY,
    KeyKind.RELATED_ACTIVITY,
    KeyKind.VERB,
)


def find_positions(cur: Cursor, f: Filter) -> list[int]:
    """Positions of the matching, non-voided statements, in result order, at most ``limit+1``.

    Results are in log order, which is stored order; the `more` cursor is a log
    position, so paging never skips or repeats while statements arrive.
    """
    conditions: list[tuple[KeyKind, str]] = []
    if f.agent is not None:
        conditions.append((KeyKind.RELATED_AGENT if f.related_agents else KeyKind.AGENT, f.agent))
    if f.verb is not None:
        conditions.append((KeyKind.VERB, f.verb))
    if f.activity is not None:
        kind = KeyKind.RELATED_ACTIVITY if f.related_activities else KeyKind.ACTIVITY
        conditions.append((kind, f.activity))
    if f.registration is not None:
        conditions.append((KeyKind.REGISTRATION, f.registration))
    conditions.sort(key=lambda c: _DRIVER_ORDER.index(c[0]))

    low, high = _position_bounds(cur, f)
    if f.after_position is not None:
        if f.ascending:
            low = f.after_position if low is None else max(low, f.after_position)
        else:
            high = f.after_position if high is None else min(high, f.after_position)

    params: list[Any] = []
    if conditions:
        kind, key = conditions[0]
        column = "d.position"
        source = "xapi_statement_key d JOIN xapi_statement s ON s.position = d.position"
        where = ["d.kind = ?", "d.key = ?", "s.voided = 0"]
        params.extend((int(kind), key))
    else:
        column = "s.position"
        source = "xapi_statement s"
        where = ["s.voided = 0"]
    for kind, key in conditions[1:]:
        where.append(
            "EXISTS (SELECT 1 FROM xapi_statement_key k "
            "WHERE k.kind = ? AND k.key = ? AND k.position = s.position)"
        )
        params.extend((int(kind), key))
    if low is not None:
        where.append(f"{column} > ?")
        params.append(low)
    if high is not None:
        where.append(f"{column} < ?")
        params.append(high)
    if f.since_us is not None:
        where.append("s.stored_us > ?")
        params.append(f.since_us)
    if f.until_us is not None:
        where.append("s.stored_us <= ?")
        params.append(f.until_us)
    if f.authority is not None:
        where.append("s.authority_key = ?")
        params.append(f.authority)
    order = "ASC" if f.ascending else "DESC"
    sql = (
        f"SELECT {column} AS position FROM {source} WHERE {' AND '.join(where)} "
        f"ORDER BY {column} {order} LIMIT ?"
    )
    params.append(f.limit + 1)
    return [row["position"] for row in cur.execute(sql, params).fetchall()]


def _position_bounds(cur: Cursor, f: Filter) -> tuple[int | None, int | None]:
    """Exclusive log-position bounds that hold every statement stored in (since, until]."""
    low = high = None
    if f.since_us is not None:
        row = cur.execute(
            "SELECT position FROM xapi_statement WHERE stored_us <= ? "
            "ORDER BY stored_us DESC, position DESC LIMIT 1",
            (f.since_us - STORED_SKEW_US,),
        ).fetchone()
        low = None if row is None else int(row["position"])
    if f.until_us is not None:
        row = cur.execute(
            "SELECT position FROM xapi_statement WHERE stored_us > ? "
            "ORDER BY stored_us ASC, position ASC LIMIT 1",
            (f.until_us + STORED_SKEW_US,),
        ).fetchone()
        high = None if row is None else int(row["position"])
    return low, high


def position_of(cur: Cursor, statement_id: str, *, voided: bool) -> int | None:
    """Position of one statement: a non-voided one, or (``voided=True``) a voided one."""
    row = cur.execute(
        "SELECT position FROM xapi_statement WHERE statement_id = ? AND voided = ?",
        (statement_id, 1 if voided else 0),
    ).fetchone()
    return None if row is None else int(row["position"])


def authority_of(cur: Cursor, position: int) -> str | None:
    row = cur.execute(
        "SELECT authority_key FROM xapi_statement WHERE position = ?", (position,)
    ).fetchone()
    return None if row is None else row["authority_key"]


def head_position(cur: Cursor) -> int:
    row = cur.execute("SELECT MAX(position) AS head FROM xapi_statement").fetchone()
    return int(row["head"] or 0)


def indexed_ids(cur: Cursor) -> Iterable[str]:
    return [r["statement_id"] for r in cur.execute("SELECT statement_id FROM xapi_statement").fetchall()]
