"""The statement query index: what GET /statements is answered from.

Rows are written inside the event store's append transaction (see
`lrs.store.recorders`), so a statement is visible to every query as soon as its
request has returned, and can be rebuilt from the events alone.

Each statement gets one row in ``xapi_statement`` (keyed by its log position)
and one row in ``xapi_statement_key`` per thing it can be found by. A statement
that targets another with a StatementRef inherits the target's keys, however
late the target arrives (Communication 2.1.3, filter conditions for
StatementRefs), so every filter is a plain index lookup at query time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from lrs.store.database import Cursor
from xapi.identifiers import agent_key, statement_index_keys
from xapi.prepare import epoch_us, parse_timestamp


class KeyKind(IntEnum):
    """What a row of ``xapi_statement_key`` says a statement can be found by.

    Agents and activities carry a ``direct`` flag: 1 when the plain filter
    matches (actor/object), 0 when only ``related_agents``/``related_activities``
    does; one row serves both filters.
    """

    AGENT = 1
    VERB = 3
    ACTIVITY = 4
    REGISTRATION = 6


_STATEMENT_COLUMNS = (
    ("position", "bigint"),
    ("statement_id", "text"),
    ("stored_us", "bigint"),
    ("authority_key", "text"),
    ("statement_ref", "text"),
    ("voids", "text"),
)
_KEY_COLUMNS = (
    ("kind", "smallint"),
    ("key", "text"),
    ("position", "bigint"),
    ("direct", "smallint"),
)
# A key inherited along a StatementRef may make an indirect one direct.
_KEEP_MOST_DIRECT = (
    "ON CONFLICT (kind, key, position) DO UPDATE SET direct = excluded.direct "
    "WHERE excluded.direct > xapi_statement_key.direct"
)


def write_statements(cur: Cursor, entries: Sequence[tuple[int, Mapping[str, Any]]],
                     index_key: Callable[[str], str] | None = None) -> None:
    """Index statements just appended at the given log positions.

    ``index_key`` maps an agent's canonical identifier to what the rows keep: on an
    encrypted store its person id (a keyed hash, issue 19), so the index names no
    one; queries look agents up through the same map (`lrs.store.queries`).

    The common case costs two multi-row inserts and one lookup per batch;
    StatementRefs and voiding add work only for the statements that have them.
    """
    rows = []
    key_rows: list[tuple[int, str, int, int]] = []
    referring: list[tuple[int, str]] = []
    voiding: list[str] = []
    person = index_key if index_key is not None else _same
    for position, statement in entries:
        keys = statement_index_keys(statement)
        authority = statement.get("authority")
        authority_key = agent_key(authority) if authority else None
        rows.append(
            (
                position,
                statement["id"].lower(),
                epoch_us(parse_timestamp(statement["stored"])),
                person(authority_key) if authority_key is not None else None,
                keys.statement_ref,
                keys.voids,
            )
        )
        key_rows.extend(_flagged(KeyKind.AGENT, [person(k) for k in keys.agents],
                                 [person(k) for k in keys.related_agents], position))
        key_rows.append((KeyKind.VERB, keys.verb, position, 1))
        key_rows.extend(
            _flagged(KeyKind.ACTIVITY, keys.activities, keys.related_activities, position)
        )
        if keys.registration:
            key_rows.append((KeyKind.REGISTRATION, keys.registration, position, 1))
        if keys.statement_ref:
            referring.append((position, keys.statement_ref))
        if keys.voids:
            voiding.append(keys.voids)
    cur.insert_rows("xapi_statement", _STATEMENT_COLUMNS, rows)
    cur.insert_rows(
        "xapi_statement_key",
        _KEY_COLUMNS,
        [(int(kind), key, pos, direct) for kind, key, pos, direct in key_rows],
    )
    # On PostgreSQL these ride in the same pipeline as the inserts; the one result read
    # back (earlier statements referring to these) costs one round trip in the lock.
    # In arrival order, so a reference to a statement earlier in the batch resolves.
    for position, target_id in referring:
        _inherit_from_target(cur, position, target_id)
    _resolve_earlier_referrers(cur, {row[1]: row[0] for row in rows})
    _void_targets(cur, voiding)


def record_append(cur: Cursor, last_position: int, appended_us: int) -> None:
    """Note when an append that wrote positions up to ``last_position`` held the
    store's write lock, for `position_bounds` (migration 0017): one row per append."""
    cur.execute("INSERT INTO lrs_append_time (last_position, appended_us) VALUES (?, ?)",
                (last_position, appended_us))


def _same(key: str) -> str:
    return key


def _flagged(
    kind: KeyKind, direct: Sequence[str], related: Sequence[str], position: int
) -> list[tuple[KeyKind, str, int, int]]:
    direct_set = set(direct)
    rows = [(kind, key, position, 1) for key in direct]
    rows.extend((kind, key, position, 0) for key in related if key not in direct_set)
    return rows


def _inherit_from_target(cur: Cursor, position: int, target_id: str) -> None:
    """A statement can be found by whatever its StatementRef target (and the
    target's own targets, already inherited) can be found by."""
    cur.execute(
        "INSERT INTO xapi_statement_key (kind, key, position, direct) "
        "SELECT k.kind, k.key, ?, k.direct FROM xapi_statement t "
        "JOIN xapi_statement_key k ON k.position = t.position WHERE t.statement_id = ? "
        + _KEEP_MOST_DIRECT,
        (position, target_id),
    )


def _resolve_earlier_referrers(cur: Cursor, positions: Mapping[str, int]) -> None:
    """What statements stored before these, and targeting them, gain now that they
    are here: their keys (directly, or through a chain of StatementRefs), and, for
    a voiding statement, the voiding of its target. One index lookup when none exist.

    ``positions``: the statements just stored, id to position. The chain is walked
    from here, one step at a time, with lookups on the ``statement_ref`` index, not
    with one ``WITH RECURSIVE`` query: that query's plan depended on the planner's
    statistics, and on a database that had none yet (a new one, autovacuum off)
    PostgreSQL estimated millions of rows, JIT-compiled it and spent most of a
    second per batch inside the append lock. Each query here has one sensible plan
    whatever the estimates. A visited set of (referrer, source) pairs stops cycles.
    """
    # Each step: the statements whose keys a statement's referrers inherit, by its id.
    sources: dict[str, set[int]] = {statement_id: {pos} for statement_id, pos in positions.items()}
    seen: set[tuple[int, int]] = set()
    first = True
    while sources:
        found = _referrers(cur, list(sources))
        if first:
            # Statements stored after their voiding statement are voided on arrival; a
            # voiding statement targets by StatementRef, so it is among the first referrers.
            _void_targets(cur, sorted({voids for *_, voids in found if voids}))
            first = False
        pairs: set[tuple[int, int]] = set()
        next_sources: dict[str, set[int]] = {}
        for position, referrer, target, _ in found:
            for source in sources[target]:
                if position == source or (position, source) in seen:
                    continue  # a cycle back to the source, or a pair done already
                pairs.add((position, source))
                next_sources.setdefault(referrer, set()).add(source)
        seen |= pairs
        # Nothing is read back: on PostgreSQL these ride in the next lookup's round trip.
        cur.executemany(
            "INSERT INTO xapi_statement_key (kind, key, position, direct) "
            "SELECT kind, key, ?, direct FROM xapi_statement_key WHERE position = ? "
            + _KEEP_MOST_DIRECT,
            sorted(pairs),
        )
        sources = next_sources


def _referrers(cur: Cursor, targets: Sequence[str]) -> list[tuple[int, str, str, str | None]]:
    """(position, id, target id, voided id) of each statement whose StatementRef
    names one of ``targets``."""
    found: list[tuple[int, str, str, str | None]] = []
    for start in range(0, len(targets), 500):
        in_ids, params = cur.in_list(targets[start : start + 500])
        rows = cur.execute(
            "SELECT position, statement_id, statement_ref, voids FROM xapi_statement "
            f"WHERE statement_ref {in_ids}",
            params,
        ).fetchall()
        found.extend(
            (int(r["position"]), r["statement_id"], r["statement_ref"], r["voids"]) for r in rows
        )
    return found


def _void_targets(cur: Cursor, targets: Sequence[str]) -> None:
    """The statements of these ids are voided: targets of a voiding statement just
    stored, or just stored after their voiding statement."""
    # Data 2.3.2: voided iff not itself voiding and a voiding statement targets it.
    for start in range(0, len(targets), 500):
        in_ids, params = cur.in_list(targets[start : start + 500])
        cur.execute(
            f"UPDATE xapi_statement SET voided = 1 WHERE statement_id {in_ids} AND voids IS NULL",
            params,
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
# and stored order never disagree by more than this. It bounds `since`/`until` for
# appends made before migration 0017, which noted no append time.
STORED_SKEW_US = 120 * 1_000_000

# An append's time (`record_append`) is read inside the store's write lock, so it
# grows with the position; `stored` is read earlier in the same process, so a
# statement's stored <= its append's time.
# A statement stored after `since` was therefore appended after every statement
# whose append time is at or before `since`. The margin covers clocks of several
# hosts sharing one store (or a clock stepped back) by up to this much.
APPEND_CLOCK_MARGIN_US = 1_000_000

# The most selective kind of key drives a query; the others are point lookups.
_DRIVER_ORDER = (KeyKind.REGISTRATION, KeyKind.AGENT, KeyKind.ACTIVITY, KeyKind.VERB)


def find_positions(cur: Cursor, f: Filter) -> list[int]:
    """Positions of the matching, non-voided statements, in result order, at most ``limit+1``.

    Results are in log order, which is stored order; the `more` cursor is a log
    position, so paging never skips or repeats while statements arrive.

    The query walks the driving index one row at a time in result order (a
    recursive CTE whose every step is a one-row index lookup) and checks each
    candidate with a subquery that cannot be turned into a join (its OFFSET), so
    it stops as soon as it has ``limit+1`` matches. A join with ``ORDER BY ... LIMIT``
    leaves the plan to the planner's row estimates, which are wrong for correlated
    conditions (a key's kind and value, a position bound and ``stored``) and absent
    on a fresh database: at 1M statements PostgreSQL then read and sorted every row
    of a verb after the bound, 100-900 ms instead of 1 (issue 18 points 3 and 4).
    """
    # (kind, key, whether an indirect (related_*) match counts)
    conditions: list[tuple[KeyKind, str, bool]] = []
    if f.agent is not None:
        conditions.append((KeyKind.AGENT, f.agent, f.related_agents))
    if f.verb is not None:
        conditions.append((KeyKind.VERB, f.verb, True))
    if f.activity is not None:
        conditions.append((KeyKind.ACTIVITY, f.activity, f.related_activities))
    if f.registration is not None:
        conditions.append((KeyKind.REGISTRATION, f.registration, True))
    conditions.sort(key=lambda c: _DRIVER_ORDER.index(c[0]))

    low, high = position_bounds(cur, f)
    if f.after_position is not None:
        if f.ascending:
            low = f.after_position if low is None else max(low, f.after_position)
        else:
            high = f.after_position if high is None else min(high, f.after_position)

    # The driving index: the first key condition, else the authority's, else the log.
    driver_where: list[str] = []
    driver_params: list[Any] = []
    if conditions:
        kind, key, indirect = conditions[0]
        driver = "xapi_statement_key"
        driver_where += ["d.kind = ?", "d.key = ?"] + ([] if indirect else ["d.direct = 1"])
        driver_params += [int(kind), key]
        checks = conditions[1:]
    elif f.authority is not None:
        driver = "xapi_statement"
        driver_where.append("d.authority_key = ?")
        driver_params.append(f.authority)
        checks = []
    else:
        driver, checks = "xapi_statement", []
    if low is not None:
        driver_where.append("d.position > ?")
        driver_params.append(low)
    if high is not None:
        driver_where.append("d.position < ?")
        driver_params.append(high)
    order, step = ("ASC", ">") if f.ascending else ("DESC", "<")

    def next_row(after: str | None) -> tuple[str, list[Any]]:
        where = driver_where + ([f"d.position {step} {after}"] if after else [])
        return (f"(SELECT d.position FROM {driver} d WHERE {' AND '.join(where) or '1 = 1'} "
                f"ORDER BY d.position {order} LIMIT 1)", list(driver_params))

    first_sql, first_params = next_row(None)
    then_sql, then_params = next_row("w.position")

    check_where = ["s.position = w.position", "s.voided = 0"]
    check_params: list[Any] = []
    for kind, key, indirect in checks:
        check_where.append(
            "EXISTS (SELECT 1 FROM xapi_statement_key k WHERE k.kind = ? AND k.key = ? "
            f"AND k.position = s.position{'' if indirect else ' AND k.direct = 1'})"
        )
        check_params += [int(kind), key]
    if f.since_us is not None:
        check_where.append("s.stored_us > ?")
        check_params.append(f.since_us)
    if f.until_us is not None:
        check_where.append("s.stored_us <= ?")
        check_params.append(f.until_us)
    if f.authority is not None and conditions:
        check_where.append("s.authority_key = ?")
        check_params.append(f.authority)
    sql = (
        f"WITH RECURSIVE walk(position) AS (SELECT {first_sql} "
        f"UNION ALL SELECT {then_sql} FROM walk w WHERE w.position IS NOT NULL) "
        "SELECT w.position AS position FROM walk w WHERE w.position IS NOT NULL AND EXISTS "
        f"(SELECT 1 FROM xapi_statement s WHERE {' AND '.join(check_where)} LIMIT 1 OFFSET 0) "
        "LIMIT ?"
    )
    params = first_params + then_params + check_params + [f.limit + 1]
    return [row["position"] for row in cur.execute(sql, params).fetchall()]


def position_bounds(cur: Cursor, f: Filter) -> tuple[int | None, int | None]:
    """Exclusive log-position bounds that hold every statement stored in (since, until].

    The lower bound is the tighter of two: from the append times (exact but for
    the clock margin; appends since migration 0017) and from ``stored`` less the
    skew bound (every row). The upper bound comes from ``stored`` alone: a statement
    stored before ``until`` may be appended up to the skew bound later.
    """
    low = high = None
    if f.since_us is not None:
        row = cur.execute(
            "SELECT position FROM xapi_statement WHERE stored_us <= ? "
            "ORDER BY stored_us DESC, position DESC LIMIT 1",
            (f.since_us - STORED_SKEW_US,),
        ).fetchone()
        low = None if row is None else int(row["position"])
        row = cur.execute(
            "SELECT last_position FROM lrs_append_time WHERE appended_us <= ? "
            "ORDER BY appended_us DESC, last_position DESC LIMIT 1",
            (f.since_us - APPEND_CLOCK_MARGIN_US,),
        ).fetchone()
        if row is not None:
            appended = int(row["last_position"])
            low = appended if low is None else max(low, appended)
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
        (statement_id.lower(), 1 if voided else 0),
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
